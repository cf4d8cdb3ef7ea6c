"""Reading what ships with the app, from the top-level `resources/` folder (installed as
the package `desktop.resources`), through `importlib.resources` so that it works from a
checkout, a wheel and the frozen build alike."""

from __future__ import annotations

import json
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

PACKAGE = "desktop.resources"


def folder(name: str) -> Traversable:
    """A folder of `resources/`, e.g. `fonts`."""
    return resources.files(PACKAGE).joinpath(name)


def read_json(*parts: str) -> Any:
    return json.loads(resources.files(PACKAGE).joinpath(*parts).read_text(encoding="utf-8"))


def names(name: str, suffix: str) -> list[str]:
    """The names of the files in the folder `name` that end with `suffix`, sorted."""
    return sorted(p.name for p in folder(name).iterdir() if p.name.endswith(suffix))
