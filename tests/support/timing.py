"""How long a test waits before it calls something a hang.

Safety tests (hostile XML, catastrophic patterns, huge profiles) prove that the server gives
up instead of running for minutes or for ever; they are not speed targets (those are measured
by benchmarks/, never asserted in tests). A bound of a few seconds failed under a loaded
machine (2.2 s for a refusal that takes milliseconds alone), so every such test uses this.
"""

NOT_A_HANG = 30.0
"""Seconds: far above what any refusal takes even on a loaded machine, far below a hang."""
