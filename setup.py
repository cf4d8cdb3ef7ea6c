"""The one thing pyproject.toml cannot say: the repository's top-level `resources/` folder
is installed as the package `desktop.resources` (read by `desktop.shipped`). Everything
else about the build is in pyproject.toml."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["desktop*", "ui*"]), "desktop.resources"],
    package_dir={"desktop.resources": "resources"},
)
