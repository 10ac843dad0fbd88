"""Fixtures of subscriptions: the paper's briefing (tests/conftest.py) and one change published through the workflow."""
from tests.releases.conftest import publish_change  # noqa: F401
