"""Qt item models over service values."""
