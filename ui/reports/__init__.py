"""The Reports view: insights on screen, redaction preview, PDF export and preview."""
