"""The definitions editor: the agreed terms, edited as new versions."""
