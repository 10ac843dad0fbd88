"""Admin of events (see the events issue)."""
