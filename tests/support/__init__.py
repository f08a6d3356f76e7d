"""Test helpers shared across suites (real servers, fixtures); not collected as tests."""
