"""Risky places for a database: synced folders and network shares, and the CLI's warning."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.storage.places import risky_place, windows_network_path
from tests.fakes import FakeClock

LOCAL_MOUNTS = "/dev/sda1 / ext4 rw 0 0\ntmpfs /tmp tmpfs rw 0 0\n"


@pytest.mark.parametrize(
    ("folder", "service"),
    [
        ("/home/rita/Dropbox/work", "Dropbox"),
        ("/home/rita/Dropbox (Acme)/ridealong", "Dropbox"),
        ("/Users/rita/OneDrive - Acme/Ridealong", "OneDrive"),
        ("/Users/rita/Library/Mobile Documents/com~apple~CloudDocs/Ridealong", "iCloud Drive"),
        ("C:/Users/rita/iCloudDrive/Ridealong", "iCloud Drive"),
        ("/Volumes/GoogleDrive/My Drive/Ridealong", "Google Drive"),
        ("/Users/rita/Google Drive/Ridealong", "Google Drive"),
        ("/Users/rita/Box/Ridealong", "Box"),
        ("/home/rita/pCloudDrive/Ridealong", "pCloud"),
        ("/Users/rita/Library/CloudStorage/Dropbox-Acme/x", "a cloud storage provider"),
    ],
)
def test_a_folder_a_sync_client_manages_is_named(folder: str, service: str) -> None:
    place = risky_place(Path(folder) / "ridealong.db", mounts=LOCAL_MOUNTS)
    assert place is not None and place.kind == "sync" and place.service == service
    assert service in place.message and "Move it" in place.message and "team" in place.message


def test_a_sync_clients_marker_file_is_found_in_a_parent(tmp_path: Path) -> None:
    synced = tmp_path / "Work Files"
    (synced / "deep" / "data").mkdir(parents=True)
    (synced / ".dropbox").write_text("{}")
    place = risky_place(synced / "deep" / "data" / "ridealong.db", mounts=LOCAL_MOUNTS)
    assert place is not None and place.service == "Dropbox"


@pytest.mark.parametrize(
    "folder",
    ["/home/rita/.local/share/Ridealong", "/home/rita/boxes/Ridealong", "/srv/dropbin"],
)
def test_an_ordinary_local_folder_is_not_risky(folder: str) -> None:
    assert risky_place(Path(folder) / "ridealong.db", mounts=LOCAL_MOUNTS) is None


@pytest.mark.parametrize("fstype", ["nfs4", "cifs", "smb3", "fuse.sshfs", "sshfs"])
def test_a_network_share_is_named_by_its_file_system(fstype: str) -> None:
    mounts = LOCAL_MOUNTS + f"server:/export /mnt/team {fstype} rw 0 0\n"
    place = risky_place(Path("/mnt/team/rita/ridealong.db"), mounts=mounts)
    assert place is not None and place.kind == "network" and fstype in place.service
    assert risky_place(Path("/mnt/teamwork/ridealong.db"), mounts=mounts) is None


def test_unc_paths_are_network_shares() -> None:
    assert windows_network_path(r"\\fileserver\share\Ridealong")
    assert windows_network_path("//fileserver/share/Ridealong")
    assert not windows_network_path(r"C:\Users\rita\AppData\Roaming\Ridealong")
    assert not windows_network_path(r"\\?\C:\Users\rita")


def test_the_cli_warns_once_on_stderr_and_goes_on(
    tmp_path: Path, sqlite_template: Path, capsys: pytest.CaptureFixture[str], clock: FakeClock
) -> None:
    data = tmp_path / "Dropbox" / "Ridealong"
    data.mkdir(parents=True)
    shutil.copy(sqlite_template, data / "ridealong.db")
    code = main(["--data-dir", str(data), "call", "list"], clock=clock)
    captured = capsys.readouterr()
    assert code == 0 and captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("ridealong: warning:") and "Dropbox" in captured.err
