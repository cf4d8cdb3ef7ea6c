"""Replaces the community hook, which collects all of phonenumbers (48 MB): redaction
uses the matcher, which imports per-region metadata by name, and never the geocoder,
carrier or time-zone tables (see `bundle.EXCLUDES`)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bundle

hiddenimports = bundle.phonenumbers_metadata()
