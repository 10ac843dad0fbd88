"""Reader pages of the sources app."""
