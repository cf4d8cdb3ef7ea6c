"""What goes into the frozen app, in one place: read by the spec, `build.py` and the tests.

Plain Python with no PyInstaller import at module level, so the test suite can check
every path the spec collects without installing the packaging extra.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
APP_NAME = "Ridealong"
#: Reverse-DNS id: macOS bundle id, AppStream component id, hicolor icon name.
APP_ID = "io.github.ridealong.Ridealong"
#: The window's `QGuiApplication.desktopFileName()` (ui/app.py): on Wayland the
#: compositor matches the window to `<this>.desktop` for its icon and name.
DESKTOP_FILE = "ridealong.desktop"
METAINFO_FILE = f"{APP_ID}.metainfo.xml"
SUMMARY = "Capture, review and report what prospects say on sales calls"
COPYRIGHT = "© 2026 the Ridealong authors (MIT licence)"
ENTRY_SCRIPT = PACKAGING / "launch.py"
HOOKS = PACKAGING / "hooks"
ICONS = ROOT / "resources" / "icons"
ICO = PACKAGING / "ridealong.ico"
ICNS = PACKAGING / "ridealong.icns"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)

#: Modules nothing in the app imports but that the graph would drag in through optional
#: imports of our dependencies: other Qt modules (hundreds of MB with WebEngine), test
#: frameworks, notebook and plotting stacks, and phonenumbers' geocoder, carrier and
#: time-zone tables (40 MB; redaction only needs the per-region metadata).
EXCLUDES: tuple[str, ...] = (
    *(
        f"PySide6.{name}"
        for name in (  # noqa: SIM905  (a list of 53 quoted names reads worse)
            "Qt3DAnimation Qt3DCore Qt3DExtras Qt3DInput Qt3DLogic Qt3DRender QtAxContainer "
            "QtBluetooth QtCanvasPainter QtCharts QtConcurrent QtDataVisualization QtDBus "
            "QtDesigner QtGraphs QtGraphsWidgets QtHelp QtHttpServer QtLocation QtMultimedia "
            "QtMultimediaWidgets QtNetwork QtNetworkAuth QtNfc QtOpenGL QtOpenGLWidgets "
            "QtPositioning QtPrintSupport QtQml QtQuick QtQuick3D QtQuickControls2 "
            "QtQuickTest QtQuickWidgets QtRemoteObjects QtScxml QtSensors QtSerialBus "
            "QtSerialPort QtSpatialAudio QtSql QtStateMachine QtSvgWidgets QtTest "
            "QtTextToSpeech QtUiTools QtWebChannel QtWebEngineCore QtWebEngineQuick "
            "QtWebEngineWidgets QtWebSockets QtWebView QtXml"
        ).split()
    ),
    "PyQt5",
    "PyQt6",
    "PySide2",
    "tkinter",
    "_tkinter",
    "matplotlib",
    "IPython",
    "jupyter_client",
    "notebook",
    "pandas",
    "pyarrow",
    "sympy",
    "numba",
    "torch",
    "pytest",
    "_pytest",
    "pytestqt",
    "hypothesis",
    "pgserver",
    "pypdf",
    "ruff",
    "setuptools",
    "pkg_resources",
    "pip",
    "distutils",
    "lib2to3",
    "pydoc_data",
    "docutils",
    "sphinx",
    # NumPy, SciPy and scikit-learn: nothing here uses them (the theme suggestions
    # compute TF-IDF themselves), but other packages' optional imports would pull them in.
    "numpy",
    "scipy",
    "sklearn",
    # Optional extras of mako and reportlab that nothing here calls.
    "pygments",
    "yaml",
    "cffi",
    "pycparser",
    "phonenumbers.geocoder",
    "phonenumbers.geodata",
    "phonenumbers.carrier",
    "phonenumbers.carrierdata",
    "phonenumbers.timezone",
    "phonenumbers.tzdata",
)

#: Collected files whose path matches any of these are dropped after the analysis:
#: test suites and their data inside dependencies, Qt's translations of its own
#: dialogs (the app is English only), type stubs and Qt's developer tools.
DROP_PATTERNS: tuple[str, ...] = (
    r"(^|[/\\])tests?[/\\]",
    r"\.pyi$",
    r"(^|[/\\])__pycache__[/\\]",
    r"PySide6[/\\]Qt[/\\]translations[/\\]",
    r"PySide6[/\\](designer|assistant|linguist|lupdate|lrelease|qmllint|qmlls|uic|rcc)",
)
_DROP = re.compile("|".join(DROP_PATTERNS))

#: Qt plugins a desktop app on Linux never loads: embedded-device platforms (eglfs,
#: linuxfb, VNC, KMS) and their input drivers, the on-screen keyboard (it drags in QML
#: and Qt Quick), Wayland shells other than xdg-shell, and the GTK 3 theme plugin (it
#: needs the system's GTK, and would bundle a stale copy of its stack). Kept: xcb,
#: wayland, offscreen and minimal platforms, the compose and IBus input methods (dead
#: keys, accents, CJK input), the XDG portal theme (native file dialogs), image formats.
QT_PLUGIN_DROPS: tuple[str, ...] = (
    r"plugins[/\\]platforms[/\\]libq(eglfs|linuxfb|minimalegl|vnc|vkkhrdisplay)\.so$",
    r"plugins[/\\](egldeviceintegrations|generic)[/\\]",
    r"plugins[/\\]platforminputcontexts[/\\]libqtvirtualkeyboardplugin\.so$",
    r"plugins[/\\]platformthemes[/\\]libqgtk3\.so$",
    r"plugins[/\\]wayland-shell-integration[/\\]lib(ivi-shell|fullscreen-shell-v1|"
    r"wl-shell-plugin|qt-shell)\.so$",
)
_PLUGIN_DROP = re.compile("|".join(QT_PLUGIN_DROPS))

#: Module names dropped for the same reason (test suites run nowhere but in development).
_DROP_MODULE = re.compile(r"(^|\.)(tests?|conftest)(\.|$)")


def version() -> str:
    """`desktop.__version__`, read without importing the app."""
    text = (ROOT / "desktop" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"$', text, re.MULTILINE)
    if not found:
        raise RuntimeError("desktop/__init__.py has no __version__")
    return found.group(1)


def version_tuple() -> tuple[int, int, int, int]:
    """The version as the four numbers Windows' version resource wants."""
    major, minor, patch, build = [*(int(n) for n in re.findall(r"\d+", version())), 0, 0, 0, 0][:4]
    return major, minor, patch, build


def _migration_module(path: Path) -> bool:
    """Alembic's env.py and revision files: loaded from disk by path, never imported."""
    parts = path.relative_to(ROOT).parts
    return parts[:3] == ("desktop", "storage", "migrations") and path.name != "__init__.py"


def own_modules() -> list[str]:
    """Every module of `desktop` and `ui`. PyInstaller follows static imports (also
    those inside functions) but the `gui` command's `ui` and the services' lazy imports
    are the app's whole point, so they are named rather than hoped for."""
    found = []
    for package in ("desktop", "ui"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "__pycache__" in path.parts or _migration_module(path):
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found.append(".".join(parts))
    return found


def _submodules(package: str) -> list[str]:
    """A package's modules (Python and compiled), found on disk: phonenumbers imports
    its per-region metadata by name, so no import statement reveals them."""
    from importlib.machinery import EXTENSION_SUFFIXES

    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return []
    names = [package]
    for location in spec.submodule_search_locations:
        base = Path(location)
        for path in sorted(base.glob("*")):
            relative = path.relative_to(base)
            if "__pycache__" in relative.parts or _DROP_MODULE.search(".".join(relative.parts)):
                continue
            suffix = next((s for s in (".py", *EXTENSION_SUFFIXES) if path.name.endswith(s)), None)
            if suffix is None or not path.is_file():
                continue
            parts = [*relative.parent.parts, path.name[: -len(suffix)]]
            if parts[-1] == "__init__":
                parts.pop()
            if parts:
                names.append(".".join([package, *parts]))
    return sorted(set(names))


def phonenumbers_metadata() -> list[str]:
    """What phonenumbers' matcher loads by name: every region's (short) metadata."""
    return [*_submodules("phonenumbers.data"), *_submodules("phonenumbers.shortdata")]


def hidden_imports() -> list[str]:
    """Modules imported by name at run time, which PyInstaller cannot see."""
    modules = [
        *own_modules(),
        *phonenumbers_metadata(),
        # SQLAlchemy picks its dialect and driver from the URL.
        "sqlalchemy.dialects.sqlite.pysqlite",
        "sqlalchemy.dialects.postgresql.psycopg",
        # What Alembic's env.py and the revision files import (they are loaded by path).
        "alembic.context",
        "alembic.op",
        "alembic.runtime.migration",
        "alembic.ddl.sqlite",
        "alembic.ddl.postgresql",
        # ReportLab's C accelerators, imported inside a try (it falls back to Python).
        "_rl_accel",
        # Zstandard's C backend, chosen at import time (backups are packed with it).
        "zstandard.backend_c",
    ]
    if importlib.util.find_spec("psycopg") is not None:
        # Team mode; the binary package carries its own libpq.
        modules += ["psycopg", *(["psycopg_binary"] if _has("psycopg_binary") else [])]
    return modules


def _has(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def data_files() -> list[tuple[str, str]]:
    """(source file, folder in the bundle) for every non-module file the app reads.

    The bundle keeps the installed layout, so `importlib.resources` and
    `Path(__file__).parent` find the files under `_internal/` as they do in a wheel: the
    top-level `resources/` goes to `desktop/resources/` (the package `desktop.resources`,
    its `__init__.py` included, so the frozen app imports it from there).
    """
    pairs: list[tuple[str, str]] = []
    resources = ROOT / "resources"
    for path in sorted(resources.rglob("*")):
        if path.is_file() and path.suffix != ".pyc" and "__pycache__" not in path.parts:
            bundled = Path("desktop") / path.parent.relative_to(ROOT)
            pairs.append((str(path), str(bundled)))
    # Alembic reads env.py, the template and every revision as files, by path.
    for path in sorted((ROOT / "desktop" / "storage" / "migrations").rglob("*")):
        if path.is_file() and _migration_module(path) and "__pycache__" not in path.parts:
            pairs.append((str(path), str(path.parent.relative_to(ROOT))))
    # reportlab's own fonts (its standard-font fallbacks); the CID data are modules.
    reportlab = importlib.util.find_spec("reportlab")
    if reportlab is not None and reportlab.submodule_search_locations:
        fonts = Path(next(iter(reportlab.submodule_search_locations))) / "fonts"
        for path in sorted(fonts.glob("*")):
            if path.suffix.lower() in (".ttf", ".afm", ".pfb"):
                pairs.append((str(path), "reportlab/fonts"))
    return pairs


def keep(entry: Any) -> bool:
    """Whether a TOC entry (name, path, kind) stays in the bundle."""
    name, _source, kind = entry
    if kind in ("PYMODULE", "PYSOURCE") and _DROP_MODULE.search(name):
        return False
    return not (_DROP.search(name) or _PLUGIN_DROP.search(name))


def needed_libraries(path: str) -> list[str]:
    """The DT_NEEDED entries of an ELF file (its shared-library dependencies by soname);
    [] for anything that is not ELF. Read directly: no binutils needed."""
    import struct

    try:
        data = Path(path).read_bytes()
    except OSError:
        return []
    if data[:4] != b"\x7fELF":
        return []
    wide, order = data[4] == 2, "<" if data[5] == 1 else ">"
    if wide:
        shoff, shentsize, shnum = (
            struct.unpack_from(order + "Q", data, 0x28)[0],
            *struct.unpack_from(order + "HH", data, 0x3A),
        )
        section, dyn = order + "IIQQQQIIQQ", order + "qQ"
    else:
        shoff, shentsize, shnum = (
            struct.unpack_from(order + "I", data, 0x20)[0],
            *struct.unpack_from(order + "HH", data, 0x2E),
        )
        section, dyn = order + "IIIIIIIIII", order + "iI"
    sections = [struct.unpack_from(section, data, shoff + i * shentsize) for i in range(shnum)]
    names: list[str] = []
    for _name, kind, _flags, _addr, offset, size, link, *_rest in sections:
        if kind != 6:  # SHT_DYNAMIC
            continue
        strings = sections[link][4]
        step = struct.calcsize(dyn)
        for at in range(offset, offset + size, step):
            tag, value = struct.unpack_from(dyn, data, at)
            if tag == 0:
                break
            if tag == 1:  # DT_NEEDED
                end = data.index(b"\0", strings + value)
                names.append(data[strings + value : end].decode())
    return names


_LIBRARY = re.compile(r"^lib[^/\\]*\.so(\.\d+)*$")


def prune_libraries(binaries: list[Any], datas: list[Any]) -> tuple[list[Any], list[Any]]:
    """Drop the shared libraries nothing left in the bundle links to.

    PyInstaller collected each library because something needed it; after plugins are
    dropped (above) the libraries only they used (QML and Qt Quick for the on-screen
    keyboard, GTK's stack for the GTK theme) would stay as dead weight. Roots: Python
    extensions, Qt plugins (loaded with dlopen) and libpython (loaded by the bootloader).
    """

    def is_root(name: str, kind: str) -> bool:
        base = Path(name).name
        return (
            kind == "EXTENSION"
            or "plugins/" in name.replace("\\", "/")
            or base.startswith("libpython")
            or not _LIBRARY.match(base)
        )

    by_name = {Path(name).name: (name, source) for name, source, _kind in binaries}
    wanted: set[str] = set()
    todo = [source for name, source, kind in binaries if is_root(name, kind)]
    seen: set[str] = set()
    while todo:
        source = todo.pop()
        if source in seen:
            continue
        seen.add(source)
        for soname in needed_libraries(source):
            if soname in by_name and soname not in wanted:
                wanted.add(soname)
                todo.append(by_name[soname][1])
    kept = [
        entry for entry in binaries if is_root(entry[0], entry[2]) or Path(entry[0]).name in wanted
    ]
    gone = {Path(entry[0]).name for entry in binaries} - {Path(e[0]).name for e in kept}
    links = [entry for entry in datas if entry[2] != "SYMLINK" or Path(entry[0]).name not in gone]
    return kept, links


def info_plist() -> dict[str, object]:
    """macOS Info.plist keys beyond those PyInstaller writes itself."""
    return {
        "CFBundleName": APP_NAME,
        "CFBundleDisplayName": APP_NAME,
        "CFBundleIdentifier": APP_ID,
        "CFBundleShortVersionString": version(),
        "CFBundleVersion": version(),
        "CFBundleDevelopmentRegion": "en",
        "LSApplicationCategoryType": "public.app-category.business",
        "LSMinimumSystemVersion": "11.0",
        "NSHighResolutionCapable": True,
        # Follow the system's dark mode (ui/theme.py picks the palette).
        "NSRequiresAquaSystemAppearance": False,
        "NSHumanReadableCopyright": COPYRIGHT,
    }


def windows_version_info() -> str:
    """The version resource Windows shows in Properties > Details and installers read,
    as the text file PyInstaller's `EXE(version=...)` takes (its classes import only on
    Windows, so it is written as text here and checked as Python by the tests)."""
    numbers = version_tuple()
    strings = {
        "CompanyName": "Ridealong",
        "FileDescription": APP_NAME,
        "FileVersion": version(),
        "InternalName": APP_NAME,
        "LegalCopyright": COPYRIGHT,
        "OriginalFilename": f"{APP_NAME}.exe",
        "ProductName": APP_NAME,
        "ProductVersion": version(),
        "Comments": SUMMARY,
    }
    table = ",\n".join(f"          StringStruct({k!r}, {v!r})" for k, v in strings.items())
    return f"""# UTF-8
VSVersionInfo(
  ffi=FixedFileInfo(
    filevers={numbers},
    prodvers={numbers},
    mask=0x3f,
    flags=0x0,
    OS=0x40004,
    fileType=0x1,
    subtype=0x0,
    date=(0, 0)
  ),
  kids=[
    StringFileInfo([
      StringTable('040904B0', [
{table}
      ])
    ]),
    VarFileInfo([VarStruct('Translation', [0x0409, 1200])])
  ]
)
"""


def platform_tag() -> str:
    """`linux-x86_64`, `windows-amd64`, `macos-arm64`: the tarball's suffix."""
    import platform

    system = {"linux": "linux", "win32": "windows", "darwin": "macos"}.get(sys.platform)
    return f"{system or sys.platform}-{platform.machine().lower()}"
