"""Ridealong's window: PySide6 views over `desktop.services`; never SQL, never a Session."""
