"""Smoke-test the built app (`python packaging/smoke.py`, after `packaging/build.py`).

Runs the frozen executable as a user would, in a throw-away data folder: `--version`,
sample data, both PDF exports (one redacted), search, an integrity check, and the
window offscreen, on a fresh folder (the first-run welcome) and on the sample data.
The window passes when it is still running after a few seconds with nothing on stderr
and its database was created through the migrations. Also checks what the bundle
must and must not contain. Exit 0 when everything passed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bundle

#: What Qt's offscreen platform says about window-manager calls it cannot honour.
HARMLESS_STDERR = re.compile(
    r"propagateSizeHints|does not support raise|does not support grabbing|"
    r"^QStandardPaths: XDG_RUNTIME_DIR"
)
#: Files the app cannot run without (relative to the folder holding the data files).
MUST_HAVE = (
    "desktop/storage/migrations/env.py",
    "desktop/storage/migrations/script.py.mako",
    "desktop/resources/fonts/DejaVuSans.ttf",
    "desktop/resources/frameworks/bant.json",
    "desktop/resources/definitions.json",
    "desktop/resources/names/first_names.txt",
    "desktop/resources/icons/ridealong-256.png",
    "PySide6/Qt/plugins/platforms/libqxcb.so",
    "PySide6/Qt/plugins/platforms/libqwayland.so",
    "PySide6/Qt/plugins/platforms/libqoffscreen.so",
    "PySide6/Qt/lib/libQt6Pdf.so.6",
    "PySide6/Qt/lib/libQt6PdfWidgets.so.6",
)
#: Names that must not be in the bundle: unused Qt modules, tests, tools.
MUST_NOT_HAVE = re.compile(
    r"Qt6?WebEngine|Qt6?Quick|Qt6?Qml|Qt6?3D|Qt6?Multimedia|Qt6?Designer|Qt6?Charts|"
    r"QtWebEngine|QtQuick|QtQml|Qt3D|QtMultimedia|QtDesigner|QtCharts|"
    r"(^|/)tests?/|/translations/|phonenumbers/geodata|libqgtk3"
)


class Smoke:
    """Runs the checks, prints one line each, remembers the failures."""

    def __init__(self, cli: Path, gui: Path, data: Path, window_seconds: float) -> None:
        self.cli, self.gui, self.data = cli, gui, data
        self.window_seconds = window_seconds
        self.failures: list[str] = []
        home = data / "home"
        # The app's settings, data and caches land in the throw-away folder, never in
        # the real user's.
        self.env = {
            **os.environ,
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "QT_QPA_PLATFORM": "offscreen",
        }
        # --data-dir decides; a developer's own database must never be touched.
        self.env.pop("RIDEALONG_DATABASE_URL", None)

    def check(self, what: str, test: Callable[[], str]) -> None:
        started = time.monotonic()
        try:
            detail = test()
        except AssertionError as error:
            self.failures.append(f"{what}: {error}")
            print(f"FAIL {what} ({time.monotonic() - started:.1f} s): {error}", flush=True)
            return
        extra = f": {detail}" if detail else ""
        print(f"ok   {what} ({time.monotonic() - started:.1f} s){extra}", flush=True)

    def run(self, *args: str, data_dir: Path | None = None) -> str:
        """Run the CLI; its stdout, or an AssertionError with stderr on failure."""
        where = ["--data-dir", str(data_dir)] if data_dir else []
        done = subprocess.run(
            [str(self.cli), *where, *args],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=300,
            check=False,
        )
        if done.returncode != 0:
            raise AssertionError(f"exit {done.returncode}: {done.stderr.strip()[-2000:]}")
        return done.stdout

    def postgres_driver_loads(self) -> str:
        """Point the app at a PostgreSQL server that is not there: it must say it
        cannot connect (exit 2), which proves psycopg and its libpq are in the bundle."""
        url = "postgresql+psycopg://smoke@127.0.0.1:9/none?connect_timeout=5"
        done = subprocess.run(
            [str(self.cli), "--database-url", url, "db", "check"],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=120,
            check=False,
        )
        message = done.stderr.strip().splitlines()[-1:] or [""]
        if done.returncode != 2 or "cannot connect" not in message[0]:
            raise AssertionError(f"exit {done.returncode}: {done.stderr.strip()[-1500:]}")
        return "refused cleanly: " + message[0][:60] + "…"

    def window_stays_up(self, data_dir: Path) -> str:
        """Start the window offscreen; it must still be running after a few seconds,
        with a clean stderr, and have opened (so created) its database."""
        log = self.data / f"window-{data_dir.name}.stderr"
        with log.open("w") as stderr:
            process = subprocess.Popen(
                [str(self.gui), "--data-dir", str(data_dir)],
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                env=self.env,
            )
            try:
                code = process.wait(timeout=self.window_seconds)
            except subprocess.TimeoutExpired:
                code = None
            finally:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        noise = [
            line
            for line in log.read_text(errors="replace").splitlines()
            if line.strip() and not HARMLESS_STDERR.search(line)
        ]
        if code is not None:
            raise AssertionError(f"the window exited with {code} at once: {noise[-20:]}")
        if noise:
            raise AssertionError("stderr: " + " | ".join(noise[:20]))
        if not (data_dir / "ridealong.db").is_file():
            raise AssertionError("the window never opened its database")
        return f"up for {self.window_seconds:g} s, stderr clean"


def executables(dist: Path) -> tuple[Path, Path]:
    """(command-line executable, window executable) of the build in `dist`."""
    if sys.platform == "win32":
        folder = dist / bundle.APP_NAME
        return folder / "ridealong-cli.exe", folder / f"{bundle.APP_NAME}.exe"
    if sys.platform == "darwin":
        app = dist / f"{bundle.APP_NAME}.app" / "Contents" / "MacOS" / bundle.APP_NAME
        return app, app
    app = dist / bundle.APP_NAME / bundle.APP_NAME
    return app, app


def data_root(dist: Path) -> Path:
    """Where the bundle keeps its data files (`_internal/` beside the executable)."""
    if sys.platform == "darwin":
        return dist / f"{bundle.APP_NAME}.app" / "Contents" / "Resources"
    return dist / bundle.APP_NAME / "_internal"


def bundle_contents(dist: Path) -> str:
    root = data_root(dist)
    missing = [name for name in MUST_HAVE if not (root / name).exists()]
    if sys.platform != "linux":
        missing = [name for name in missing if "/plugins/" not in name and ".so" not in name]
    if missing:
        raise AssertionError(f"missing {missing}")
    versions = sorted((root / "desktop/storage/migrations/versions").glob("*.py"))
    if not versions:
        raise AssertionError("no migration revisions shipped as files")
    unwanted = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*")
        if MUST_NOT_HAVE.search(str(path.relative_to(root)).replace("\\", "/"))
    )
    if unwanted:
        raise AssertionError(f"should not be shipped: {unwanted[:10]}")
    size = sum(
        p.stat().st_size for p in root.parent.rglob("*") if p.is_file() and not p.is_symlink()
    )
    return f"{len(versions)} migration(s) as files, {size / 2**20:.0f} MiB in all"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=bundle.ROOT / "dist")
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--window-seconds", type=float, default=6.0)
    parser.add_argument("--keep", action="store_true", help="keep the data folder")
    args = parser.parse_args(argv)
    cli, gui = executables(args.dist)
    if not cli.exists():
        print(f"no build at {cli}: run python packaging/build.py first", file=sys.stderr)
        return 2
    started = time.monotonic()
    data = Path(tempfile.mkdtemp(prefix="ridealong-smoke-"))
    smoke = Smoke(cli, gui, data, args.window_seconds)
    demo, fresh = data / "demo", data / "fresh"
    month = date.today().strftime("%Y-%m")
    version = bundle.version()
    calls: list[dict[str, object]] = []
    print(f"smoke-testing {cli} in {data}")

    def expect_version() -> str:
        out = smoke.run("--version").strip()
        assert out == f"ridealong {version}", f"printed {out!r}"
        return out

    def load_demo() -> str:
        return smoke.run("demo", "--calls", str(args.calls), data_dir=demo).strip()

    def list_calls() -> str:
        calls.extend(json.loads(smoke.run("call", "list", "--json", data_dir=demo)))
        assert len(calls) >= args.calls, f"{len(calls)} calls listed"
        return f"{len(calls)} calls"

    def pdf(path: Path, *command: str) -> str:
        out = smoke.run(*command, "-o", str(path), data_dir=demo)
        assert path.is_file(), f"no {path.name} written ({out.strip()})"
        head = path.read_bytes()[:5]
        assert head == b"%PDF-", f"{path.name} is not a PDF ({head!r})"
        return f"{path.name}, {path.stat().st_size / 1024:.0f} KiB"

    def search() -> str:
        hits = json.loads(smoke.run("search", "pricing", "--json", data_dir=demo))
        assert isinstance(hits, list) and hits, f"no hits for 'pricing': {hits!r}"
        return f"{len(hits)} hits"

    def first_call() -> str:
        assert calls, "no call to export"
        return str(calls[0]["id"])

    smoke.check("bundle contents", lambda: bundle_contents(args.dist))
    smoke.check("--version", expect_version)
    smoke.check(f"demo --calls {args.calls}", load_demo)
    smoke.check("call list --json", list_calls)
    smoke.check(f"export month {month}", lambda: pdf(data / "month.pdf", "export", "month", month))
    smoke.check(
        f"export month {month} --redact",
        lambda: pdf(data / "month-redacted.pdf", "export", "month", month, "--redact"),
    )
    smoke.check("export call", lambda: pdf(data / "call.pdf", "export", "call", first_call()))
    smoke.check(
        "export call --redact",
        lambda: pdf(data / "call-redacted.pdf", "export", "call", first_call(), "--redact"),
    )
    smoke.check("search pricing --json", search)
    smoke.check("db check", lambda: smoke.run("db", "check", data_dir=demo).strip())
    smoke.check("team mode: the PostgreSQL driver loads", smoke.postgres_driver_loads)
    smoke.check("window, first run (offscreen)", lambda: smoke.window_stays_up(fresh))
    smoke.check("window, sample data (offscreen)", lambda: smoke.window_stays_up(demo))
    smoke.check(
        "db check after the window", lambda: smoke.run("db", "check", data_dir=fresh).strip()
    )
    seconds = time.monotonic() - started
    if smoke.failures:
        print(f"\n{len(smoke.failures)} check(s) failed in {seconds:.0f} s (data in {data})")
        return 1
    print(f"\nall checks passed in {seconds:.0f} s")
    if not args.keep:
        shutil.rmtree(data, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
