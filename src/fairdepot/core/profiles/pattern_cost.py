"""A bound on what compiling a pattern costs, checked before `regex` compiles it.

`regex` unrolls a counted repeat when it compiles: `a{100000}` becomes 100,000 nodes, and
nested counts multiply (`((((a{100}){100}){100}){100})` takes minutes and gigabytes). A match
has a time limit; a compilation cannot be interrupted, so its size is bounded instead. The
weight of a pattern counts one per atom, a group as the sum of its contents, and a counted
repeat `{n}`, `{n,}`, `{n,m}` as `n` times what it repeats (ranges are not unrolled past
their minimum; `*`, `+`, `?` are not unrolled at all). It is an upper bound of what `regex`
builds, a few hundred for real profile patterns.
"""

from __future__ import annotations

import re
from typing import Final

_COUNTED: Final = re.compile(r"\{([0-9]+)(?:,[0-9]*)?\}")
_BRACED_ESCAPES: Final = frozenset("pPxNgu")
"""Escapes that may take a `{...}` argument (`\\p{L}`, `\\x{263a}`), which is no count."""
_MAX_DIGITS: Final = 9


def expansion_weight(pattern: str, cap: int) -> int:
    """The pattern's weight (see the module), or a number above `cap` once it exceeds it."""
    frames = [0]
    last = 0
    index = 0
    while index < len(pattern):
        char = pattern[index]
        counted = _COUNTED.match(pattern, index) if char == "{" else None
        if counted:
            digits = counted.group(1)
            count = int(digits) if len(digits) <= _MAX_DIGITS else cap + 1
            frames[-1] += last * (count - 1)
            last = min(last * count, cap + 1)
            index = counted.end()
        elif char == "(":
            frames.append(0)
            last = 0
            index += 1
        elif char == ")" and len(frames) > 1:
            last = max(frames.pop(), 1)
            frames[-1] += last
            index += 1
        else:
            index = _atom_end(pattern, index)
            last = 1
            frames[-1] += 1
        if sum(frames) > cap:
            return cap + 1
    return sum(frames)


def _atom_end(pattern: str, index: int) -> int:
    """Where the atom at `index` ends: an escape (with its braces), a class, or one character."""
    char = pattern[index]
    if char == "\\":
        end = index + 2
        if pattern[index + 1 : end] in _BRACED_ESCAPES and pattern[end : end + 1] == "{":
            closing = pattern.find("}", end)
            return len(pattern) if closing < 0 else closing + 1
        return end
    if char == "[":
        return _class_end(pattern, index)
    return index + 1


def _class_end(pattern: str, index: int) -> int:
    """The end of a character class, nested classes (`V1`, as Java) and escapes included."""
    depth = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        index += 1
        if char == "[":
            depth += 1
            if pattern[index : index + 1] == "^":
                index += 1
            if pattern[index : index + 1] == "]":
                index += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return index
    return index
