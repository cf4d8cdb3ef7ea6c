"""Data shipped with the app: qualification frameworks, starting definitions, demo
phrases, fonts, icons and the first names redaction looks for.

This folder is installed as the package `desktop.resources` (see setup.py) so that
`importlib.resources` finds it in a wheel, an editable install and the frozen app alike;
`desktop.shipped` reads it. Data only: no code lives here.
"""
