"""The frozen app's entry script: the same `desktop.cli:main` as the `ridealong` command.

No arguments open the window; any subcommand runs headless, exactly as when installed
with pip.
"""

import sys

from desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
