"""Data shipped with the app: qualification frameworks, default definitions, fonts, icons."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any


def read_json(*parts: str) -> Any:
    return json.loads(resources.files(__name__).joinpath(*parts).read_text(encoding="utf-8"))


def names(folder: str, suffix: str) -> list[str]:
    return sorted(
        p.name
        for p in resources.files(__name__).joinpath(folder).iterdir()
        if p.name.endswith(suffix)
    )
