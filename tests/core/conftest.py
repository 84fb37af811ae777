"""Fixtures the core tests borrow from a feature: circles to change (tests/core/test_cache.py)."""

from tests.groups.conftest import create_circle  # noqa: F401  (fixture re-exported)
