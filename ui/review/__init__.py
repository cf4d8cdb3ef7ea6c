"""The Review view: the rep's inbox, note-by-note verdicts, and the lead grade."""
