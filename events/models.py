"""Event models (see the events issue)."""
