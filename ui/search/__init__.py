"""Search everywhere: notes, answers, responses, corrections and comments across calls."""
