"""Opens the database again and again as every command does (open, read, close), for
tests that race it with a writer or kill it.

Usage: opener.py DATABASE_URL. Prints "ready", then one line per open: "ok", or
"refused: <the message>" when the open was refused. Runs until killed.
"""

from __future__ import annotations

import sys

from desktop.errors import StorageUnavailable
from desktop.services import Services


def main() -> None:
    url = sys.argv[1]
    print("ready", flush=True)
    while True:
        try:
            services = Services.open(url)
        except StorageUnavailable as error:
            print(f"refused: {error}", flush=True)
            continue
        try:
            services.calls.count()
        finally:
            services.close()
        print("ok", flush=True)


if __name__ == "__main__":
    main()
