"""Build the app a marketer installs: `python packaging/build.py` (see the README).

Runs PyInstaller on `packaging/ridealong.spec`, then on Linux adds the desktop entry,
AppStream metadata, hicolor icons and `install.sh` to `dist/Ridealong/` and packs it
as `dist/Ridealong-<version>-linux-x86_64.tar.gz`; on Windows and macOS it zips the
folder or the .app. Needs the packaging extra: `pip install -e '.[packaging]'`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bundle

DIST = bundle.ROOT / "dist"
WORK = bundle.ROOT / "build" / "pyinstaller"
LINUX = bundle.PACKAGING / "linux"


def check_sources() -> None:
    """Refuse to build an app whose metadata lies about it: the newest AppStream release
    must be this version, and every icon the desktop asks for must exist."""
    version = bundle.version()
    tree = ET.parse(LINUX / bundle.METAINFO_FILE)
    releases = tree.getroot().findall("releases/release")
    if not releases or releases[0].get("version") != version:
        raise SystemExit(
            f"{bundle.METAINFO_FILE}: the newest <release> must be {version} "
            "(add one with the date and what changed)"
        )
    missing = [p for p in (bundle.ICO, bundle.ICNS) if not p.exists()]
    missing += [
        bundle.ICONS / f"ridealong-{size}.png"
        for size in bundle.ICON_SIZES
        if not (bundle.ICONS / f"ridealong-{size}.png").exists()
    ]
    if missing:
        raise SystemExit(f"missing icons {missing}: run python packaging/icons.py")


def run_pyinstaller() -> None:
    if shutil.which("pyinstaller") is None and not _importable("PyInstaller"):
        raise SystemExit("PyInstaller is missing: pip install -e '.[packaging]'")
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--clean",
        "--log-level=WARN",
        f"--distpath={DIST}",
        f"--workpath={WORK}",
        str(bundle.PACKAGING / "ridealong.spec"),
    ]
    print("$", " ".join(command), flush=True)
    subprocess.run(command, check=True, cwd=bundle.ROOT)


def _importable(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def add_linux_integration(folder: Path) -> None:
    """The files a Linux desktop reads, in the `share/` layout `install.sh` copies from."""
    share = folder / "share"
    (share / "applications").mkdir(parents=True, exist_ok=True)
    (share / "metainfo").mkdir(parents=True, exist_ok=True)
    shutil.copy2(LINUX / bundle.DESKTOP_FILE, share / "applications" / bundle.DESKTOP_FILE)
    shutil.copy2(LINUX / bundle.METAINFO_FILE, share / "metainfo" / bundle.METAINFO_FILE)
    hicolor = share / "icons" / "hicolor"
    for size in bundle.ICON_SIZES:
        target = hicolor / f"{size}x{size}" / "apps"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(bundle.ICONS / f"ridealong-{size}.png", target / f"{bundle.APP_ID}.png")
    scalable = hicolor / "scalable" / "apps"
    scalable.mkdir(parents=True, exist_ok=True)
    shutil.copy2(bundle.ICONS / "ridealong.svg", scalable / f"{bundle.APP_ID}.svg")
    shutil.copy2(LINUX / "install.sh", folder / "install.sh")
    os.chmod(folder / "install.sh", 0o755)


def strip_debug_info(folder: Path) -> int:
    """Drop DWARF debug sections from the libraries that carry them (a Python built
    from source leaves ~17 MB in libpython alone); symbols stay, so nothing that
    links or dlopens them can tell. Returns the bytes saved."""
    strip, readelf = shutil.which("strip"), shutil.which("readelf")
    if not (strip and readelf):
        print("strip/readelf not found (binutils): debug sections left in")
        return 0
    saved = 0
    for path in sorted(folder.rglob("*")):
        if path.is_symlink() or not path.is_file() or path.read_bytes()[:4] != b"\x7fELF":
            continue
        sections = subprocess.run(
            [readelf, "-S", "-W", str(path)], capture_output=True, text=True, check=False
        ).stdout
        if ".debug_info" not in sections:
            continue
        before = path.stat().st_size
        subprocess.run([strip, "--strip-debug", str(path)], check=True)
        saved += before - path.stat().st_size
    return saved


def _owned_by_root(info: tarfile.TarInfo) -> tarfile.TarInfo:
    """Unpacked by anyone, the files are theirs: no build machine's user ids inside."""
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def archive(folder: Path) -> Path:
    """The download: a tarball on Linux (keeps the executable bits), a zip elsewhere."""
    stem = f"{bundle.APP_NAME}-{bundle.version()}-{bundle.platform_tag()}"
    if sys.platform.startswith("linux"):
        target = DIST / f"{stem}.tar.gz"
        with tarfile.open(target, "w:gz", compresslevel=6) as tar:
            tar.add(folder, arcname=folder.name, filter=_owned_by_root)
        return target
    base = DIST / stem
    return Path(shutil.make_archive(str(base), "zip", folder.parent, folder.name))


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def largest_parts(folder: Path, count: int = 12) -> list[tuple[int, str]]:
    """What weighs most, by top-level entry of `_internal/` (for the report)."""
    internal = folder / "_internal"
    if not internal.is_dir():
        return []
    sizes = []
    for entry in internal.iterdir():
        if entry.is_symlink():
            continue
        size = folder_size(entry) if entry.is_dir() else entry.stat().st_size
        sizes.append((size, entry.name))
    return sorted(sizes, reverse=True)[:count]


def mib(size: int) -> str:
    return f"{size / 2**20:.1f} MiB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-archive", action="store_true", help="skip the tarball / zip")
    args = parser.parse_args(argv)
    started = time.monotonic()
    check_sources()
    run_pyinstaller()
    folder = DIST / bundle.APP_NAME
    if sys.platform.startswith("linux"):
        print(f"stripped {mib(strip_debug_info(folder))} of debug sections")
        add_linux_integration(folder)
    packed = (
        None
        if args.no_archive
        else archive(DIST / f"{bundle.APP_NAME}.app" if sys.platform == "darwin" else folder)
    )
    seconds = time.monotonic() - started
    size = mib(folder_size(folder))
    print(f"\nbuilt {folder.relative_to(bundle.ROOT)}/ in {seconds:.0f} s: {size}")
    for size, name in largest_parts(folder):
        print(f"  {mib(size):>10}  _internal/{name}")
    if packed is not None:
        print(f"archive {packed.relative_to(bundle.ROOT)}: {mib(packed.stat().st_size)}")
    print("check it: python packaging/smoke.py")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
