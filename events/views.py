"""Placeholder module of the events app skeleton; filled by the events issue."""
