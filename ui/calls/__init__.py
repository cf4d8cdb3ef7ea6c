"""The Calls view: the call list, live capture, call details and qualification."""
