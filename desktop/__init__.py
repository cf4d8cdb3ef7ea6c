"""Ridealong's headless core: configuration, storage, services, reports and the CLI.

Nothing in this package imports Qt, so every use case runs and tests without a display.
"""

__version__ = "0.1.0"
