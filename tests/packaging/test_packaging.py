"""What can be checked about the packaging without building (a build takes a minute and
is checked by `python packaging/smoke.py`): the spec runs and collects files that exist,
the Linux metadata is valid and in step with the version, every icon is there at its size.
"""

from __future__ import annotations

import configparser
import os
import re
import shutil
import struct
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from desktop import __version__

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
SPEC = PACKAGING / "ridealong.spec"


@pytest.fixture(scope="module")
def bundle() -> ModuleType:
    sys.path.insert(0, str(PACKAGING))
    try:
        import bundle
    finally:
        sys.path.remove(str(PACKAGING))
    return bundle


class _Recorder:
    """Stands in for one of PyInstaller's spec classes: keeps what it was given."""

    made: list[_Recorder]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args, self.kwargs = args, kwargs
        self.made.append(self)


def run_spec(
    platform: str, monkeypatch: pytest.MonkeyPatch, workpath: Path | None = None
) -> dict[str, list[_Recorder]]:
    """Execute the spec as PyInstaller would on `platform`, with recording stand-ins."""
    made: dict[str, list[_Recorder]] = {}

    def recorder(name: str) -> type[_Recorder]:
        made[name] = []
        return type(name, (_Recorder,), {"made": made[name]})

    class Analysis(recorder("Analysis")):  # type: ignore[misc]
        def __init__(self, scripts: list[str], **kwargs: Any) -> None:
            super().__init__(scripts, **kwargs)
            self.scripts = [(Path(s).stem, s, "PYSOURCE") for s in scripts]
            self.pure: list[tuple[str, str, str]] = []
            self.binaries: list[tuple[str, str, str]] = []
            self.datas = [
                (f"{dest}/{Path(src).name}", src, "DATA") for src, dest in kwargs["datas"]
            ]

    namespace: dict[str, Any] = {
        "SPECPATH": str(PACKAGING),
        "workpath": str(workpath or ROOT / "build" / "pyinstaller"),
        "Analysis": Analysis,
        **{name: recorder(name) for name in ("PYZ", "EXE", "COLLECT", "BUNDLE")},
    }
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setattr(sys, "platform", platform)
    exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), namespace)
    return made


def test_the_spec_collects_the_app_and_its_data_on_linux(
    bundle: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = run_spec("linux", monkeypatch)
    analysis = made["Analysis"][0]
    hidden = set(analysis.kwargs["hiddenimports"])
    # The window is imported inside the `gui` command, the services' helpers lazily.
    assert {"ui.app", "ui.mainwindow", "desktop.cli", "desktop.services.themes"} <= hidden
    assert {"phonenumbers.data.region_US", "phonenumbers.data.region_GB"} <= hidden
    assert not any(name.startswith("desktop.storage.migrations.") for name in hidden)
    excluded = set(analysis.kwargs["excludes"])
    assert {"PySide6.QtWebEngineCore", "PySide6.QtQml", "PySide6.Qt3DCore"} <= excluded
    assert "phonenumbers.geodata" in excluded
    assert {"numpy", "scipy", "sklearn"} <= excluded  # the themes need none of them

    datas = analysis.kwargs["datas"]
    missing = [source for source, _ in datas if not Path(source).is_file()]
    assert not missing
    shipped = {f"{dest}/{Path(source).name}" for source, dest in datas}
    migrations = ROOT / "desktop" / "storage" / "migrations"
    for revision in (migrations / "versions").glob("*.py"):
        assert f"desktop/storage/migrations/versions/{revision.name}" in shipped
    assert {
        "desktop/storage/migrations/env.py",
        "desktop/storage/migrations/script.py.mako",
        "desktop/resources/__init__.py",
        "desktop/resources/definitions.json",
        "desktop/resources/frameworks/meddicc.json",
        "desktop/resources/demo/world.json",
        "desktop/resources/fonts/DejaVuSans.ttf",
        "desktop/resources/fonts/DroidSansFallback.ttf",
        "desktop/resources/fonts/NotoEmoji-Regular.ttf",
        "desktop/resources/fonts/LICENSE",
        "desktop/resources/fonts/LICENSE-DroidSansFallback.txt",
        "desktop/resources/fonts/LICENSE-NotoEmoji.txt",
        "desktop/resources/names/first_names.txt",
        "desktop/resources/icons/ridealong-512.png",
    } <= shipped
    assert not any("__pycache__" in name or name.endswith(".pyc") for name in shipped)

    (exe,) = made["EXE"]
    assert exe.kwargs["name"] == "Ridealong" and exe.kwargs["console"] is True
    assert made["COLLECT"][0].kwargs["name"] == "Ridealong"
    assert not made["BUNDLE"]


def test_the_spec_makes_a_mac_app_with_the_bundle_id(
    bundle: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = run_spec("darwin", monkeypatch)
    (app,) = made["BUNDLE"]
    assert app.kwargs["bundle_identifier"] == "io.github.ridealong.Ridealong"
    assert app.kwargs["name"] == "Ridealong.app"
    assert app.kwargs["icon"].endswith("ridealong.icns") and Path(app.kwargs["icon"]).is_file()
    plist = app.kwargs["info_plist"]
    assert plist["CFBundleShortVersionString"] == __version__
    assert plist["CFBundleIdentifier"] == "io.github.ridealong.Ridealong"
    assert plist["NSHighResolutionCapable"] is True
    assert made["EXE"][0].kwargs["console"] is False


def test_the_spec_stamps_windows_executables_with_icon_and_version(
    bundle: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    made = run_spec("win32", monkeypatch, workpath=tmp_path)
    window, cli = made["EXE"]
    assert (window.kwargs["name"], window.kwargs["console"]) == ("Ridealong", False)
    assert (cli.kwargs["name"], cli.kwargs["console"]) == ("ridealong-cli", True)
    assert window.kwargs["icon"].endswith("ridealong.ico") and Path(window.kwargs["icon"]).is_file()
    # PyInstaller evaluates the version file with its classes in scope: do the same.
    text = Path(window.kwargs["version"]).read_text(encoding="utf-8")
    classes = "VSVersionInfo FixedFileInfo StringFileInfo StringTable StringStruct VarFileInfo"
    scope: dict[str, Any] = {name: _Call for name in (*classes.split(), "VarStruct")}
    info = eval(compile(text, "version_info.txt", "eval"), scope)
    fixed = info.kwargs["ffi"].kwargs
    assert fixed["filevers"] == fixed["prodvers"] == bundle.version_tuple()
    strings = dict(s.args for s in info.kwargs["kids"][0].args[0][0].args[1])
    assert strings["ProductVersion"] == strings["FileVersion"] == __version__
    assert strings["OriginalFilename"] == "Ridealong.exe"


class _Call:
    """Any of the version resource's classes: keeps its arguments."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args, self.kwargs = args, kwargs


def test_version_tuple_has_four_numbers(bundle: ModuleType) -> None:
    assert bundle.version() == __version__
    numbers = bundle.version_tuple()
    assert len(numbers) == 4 and ".".join(map(str, numbers)).startswith(__version__)


def test_keep_drops_tests_translations_and_unused_plugins(bundle: ModuleType) -> None:
    def kept(name: str, kind: str = "DATA") -> bool:
        return bundle.keep((name, "/src/" + name, kind))

    assert not kept("reportlab/tests/data/x.pdf")
    assert not kept("phonenumbers.tests.test_x", "PYMODULE")
    assert not kept("PySide6/Qt/translations/qtbase_de.qm")
    assert not kept("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "BINARY")
    assert not kept("PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so")
    assert kept("PySide6/Qt/plugins/platforms/libqxcb.so", "BINARY")
    assert kept("PySide6/Qt/plugins/platforms/libqwayland.so", "BINARY")
    assert kept("PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so")
    assert kept("desktop/resources/fonts/DejaVuSans.ttf")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF only")
def test_prune_keeps_what_is_linked_and_drops_the_rest(bundle: ModuleType) -> None:
    needed = bundle.needed_libraries(sys.executable)
    libc = next(name for name in needed if name.startswith("libc.so"))
    binaries = [
        ("python", sys.executable, "EXTENSION"),
        (libc, "/nowhere/" + libc, "BINARY"),
        ("PySide6/Qt/lib/libQt6Quick.so.6", "/nowhere/libQt6Quick.so.6", "BINARY"),
    ]
    datas = [
        ("libQt6Quick.so.6", "PySide6/Qt/lib/libQt6Quick.so.6", "SYMLINK"),
        ("desktop/resources/definitions.json", "/x", "DATA"),
    ]
    kept, links = bundle.prune_libraries(binaries, datas)
    assert [name for name, _, _ in kept] == ["python", libc]
    assert links == datas[1:]
    assert bundle.needed_libraries(str(SPEC)) == []  # not ELF


def test_metainfo_is_valid_appstream_for_this_version(bundle: ModuleType) -> None:
    path = PACKAGING / "linux" / "io.github.ridealong.Ridealong.metainfo.xml"
    root = ET.parse(path).getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == "io.github.ridealong.Ridealong" == bundle.APP_ID
    assert root.findtext("name") == "Ridealong"
    assert root.findtext("summary") and root.find("description/p") is not None
    assert root.findtext("metadata_license") == "CC0-1.0"
    assert root.findtext("launchable[@type='desktop-id']") == bundle.DESKTOP_FILE
    assert root.findtext("icon[@type='stock']") == bundle.APP_ID
    newest = root.find("releases/release")
    assert newest is not None and newest.get("version") == __version__
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", newest.get("date", ""))
    images = [image.text or "" for image in root.iter("image")]
    assert images and root.find("screenshots/screenshot[@type='default']") is not None
    for url in images:
        assert url.startswith("https://")
        name = url.split("/docs/screenshots/", 1)[1]
        assert (ROOT / "docs" / "screenshots" / name).is_file(), url


def test_desktop_entry_names_the_app_the_window_claims(bundle: ModuleType) -> None:
    path = PACKAGING / "linux" / bundle.DESKTOP_FILE
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(path, encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application"
    assert desktop["Name"] == "Ridealong"
    assert desktop["Exec"].split()[0] == "Ridealong"
    assert desktop["Icon"] == bundle.APP_ID
    assert desktop["Categories"].endswith(";") and "Office" in desktop["Categories"].split(";")
    assert desktop["Terminal"] == "false"
    # On Wayland the window is matched to its .desktop file by this name.
    stem = bundle.DESKTOP_FILE.removesuffix(".desktop")
    assert f'setDesktopFileName("{stem}")' in (ROOT / "ui" / "app.py").read_text()


def _png_size(path: Path) -> tuple[int, int, int]:
    data = path.read_bytes()[:26]
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", path
    width, height = struct.unpack(">II", data[16:24])
    return width, height, data[25]  # colour type


def test_every_icon_size_exists_at_its_size(bundle: ModuleType) -> None:
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        width, height, colour = _png_size(bundle.ICONS / f"ridealong-{size}.png")
        assert (width, height) == (size, size)
        assert colour == 6  # RGBA: transparent corners
    svg = ET.parse(bundle.ICONS / "ridealong.svg").getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg" and svg.get("viewBox") == "0 0 512 512"
    from PIL import Image  # a reportlab dependency, so always here

    with Image.open(bundle.ICO) as ico:
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])
    with Image.open(bundle.ICNS) as icns:
        assert icns.size == (512, 512) or (512, 512, 2) in icns.info.get("sizes", ())


def test_the_window_icon_has_every_size(qapp: Any) -> None:
    from ui.app import app_icon

    sizes = {(s.width(), s.height()) for s in app_icon().availableSizes()}
    assert {(n, n) for n in (16, 24, 32, 48, 64, 128, 256, 512)} <= sizes


def test_packaging_tools_are_an_extra_not_a_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extra = project["optional-dependencies"]["packaging"]
    assert any(requirement.startswith("pyinstaller") for requirement in extra)
    assert not any("pyinstaller" in requirement for requirement in project["dependencies"])


def test_install_script_is_executable_shell() -> None:
    script = PACKAGING / "linux" / "install.sh"
    assert os.access(script, os.X_OK)
    if shutil.which("sh"):
        subprocess.run(["sh", "-n", str(script)], check=True)


def test_build_and_smoke_scripts_compile() -> None:
    for name in ("build.py", "smoke.py", "icons.py", "launch.py"):
        compile((PACKAGING / name).read_text(encoding="utf-8"), name, "exec")
