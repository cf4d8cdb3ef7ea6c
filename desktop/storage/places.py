"""Risky places for a SQLite database: folders a file-sync client manages, network shares.

A sync client (Dropbox, OneDrive, iCloud Drive, Google Drive...) uploads and replaces a
database file while SQLite has it open, without its `-wal` log, and "conflicted copies"
appear; network file systems often get SQLite's locks wrong. Both corrupt databases.
`risky_place(path)` says, from the path and a few cheap file-system looks, whether the
data folder is in such a place; the CLI prints the warning on stderr and the window shows
it in a banner. It never refuses: the user may know better.
"""

from __future__ import annotations

import ntpath
import os
import sys
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Final

#: Folder names sync clients give their root (compared case-insensitively, by prefix where
#: the client adds an account name, as "Dropbox (Acme)" or "OneDrive - Acme").
_SYNC_PREFIXES: Final = (
    ("dropbox", "Dropbox"),
    ("onedrive", "OneDrive"),
    ("icloud drive", "iCloud Drive"),
    ("iclouddrive", "iCloud Drive"),
    ("google drive", "Google Drive"),
    ("googledrive", "Google Drive"),
    ("pcloud drive", "pCloud"),
    ("pclouddrive", "pCloud"),
    ("box sync", "Box"),
    ("nextcloud", "Nextcloud"),
    ("owncloud", "ownCloud"),
    ("megasync", "MEGA"),
    ("seafile", "Seafile"),
    ("resilio sync", "Resilio Sync"),
)
_SYNC_EXACT: Final = {
    "mobile documents": "iCloud Drive",  # ~/Library/Mobile Documents/com~apple~CloudDocs
    "com~apple~clouddocs": "iCloud Drive",
    "my drive": "Google Drive",
    "cloudstorage": "a cloud storage provider",  # ~/Library/CloudStorage/<Provider>-<account>
}
#: Names too common to match in any case.
_SYNC_EXACT_CASED: Final = {"Box": "Box", "MEGA": "MEGA"}
#: Files a sync client leaves in the folders it manages.
_SYNC_MARKERS: Final = (
    (".dropbox", "Dropbox"),
    (".dropbox.cache", "Dropbox"),
    (".tmp.drivedownload", "Google Drive"),
    (".tmp.driveupload", "Google Drive"),
    (".stfolder", "Syncthing"),
    (".sync", "Resilio Sync"),
    (".nextcloudsync.log", "Nextcloud"),
    (".owncloudsync.log", "ownCloud"),
    (".sync_journal.db", "Nextcloud or ownCloud"),
)
#: Linux file-system types of network shares.
_NETWORK_TYPES: Final = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smbfs",
        "smb3",
        "sshfs",
        "fuse.sshfs",
        "afs",
        "ncpfs",
        "9p",
        "ceph",
        "fuse.ceph",
        "glusterfs",
        "fuse.glusterfs",
        "davfs",
        "fuse.davfs2",
        "fuse.rclone",
        "fuse.s3fs",
        "lustre",
        "gpfs",
        "afpfs",
        "webdav",
    }
)
_MAC_NETWORK_TYPES: Final = frozenset({"smbfs", "nfs", "afpfs", "webdav", "macfuse", "osxfuse"})


@dataclass(frozen=True, slots=True)
class RiskyPlace:
    """Why a data folder is a risky place for a database, and what to do about it."""

    folder: Path
    kind: str  # "sync" or "network"
    service: str  # "Dropbox", "a network share (nfs)", ...

    @property
    def message(self) -> str:
        if self.kind == "sync":
            where = f"inside a folder {self.service} syncs"
            why = f"{self.service} can corrupt a database it copies while it is open"
        else:
            where = f"on {self.service}"
            why = "network file systems can corrupt a database two computers use"
        return (
            f"warning: your Ridealong data folder {self.folder} is {where}, and {why}. "
            "Move it to a local folder (ridealong --data-dir DIR), or share through a team "
            "database on a server (--database-url postgresql+psycopg://...)."
        )


def risky_place(path: Path, *, mounts: str | None = None) -> RiskyPlace | None:
    """Whether the database at `path` sits in a synced folder or on a network share.

    `mounts` (the text of /proc/mounts) is for tests; by default it is read on Linux.
    """
    path = Path(os.path.abspath(path))
    folder = path.parent
    service = _sync_service(folder)
    if service:
        return RiskyPlace(folder, "sync", service)
    network = _network_share(folder, mounts)
    if network:
        return RiskyPlace(folder, "network", network)
    return None


def _sync_service(folder: Path) -> str | None:
    for part in folder.parts:
        lowered = part.casefold()
        if lowered in _SYNC_EXACT:
            return _SYNC_EXACT[lowered]
        if part in _SYNC_EXACT_CASED:
            return _SYNC_EXACT_CASED[part]
        for prefix, name in _SYNC_PREFIXES:
            if lowered.startswith(prefix):
                return name
    for ancestor in (folder, *folder.parents):
        for marker, name in _SYNC_MARKERS:
            try:
                if (ancestor / marker).exists():
                    return name
            except OSError:
                continue
    return None


def windows_network_path(path: str | PurePath) -> bool:
    """A UNC path (\\\\server\\share\\...), the way Windows names a network share."""
    text = str(path)
    drive, _ = ntpath.splitdrive(text)
    return drive.startswith(("\\\\", "//")) and not drive.startswith(("\\\\?\\", "\\\\.\\"))


def _network_share(folder: Path, mounts: str | None) -> str | None:
    if windows_network_path(folder):
        return "a network share"
    if mounts is not None:
        return _linux_network(folder, mounts)
    if sys.platform == "win32":
        return _windows_remote_drive(folder)
    if sys.platform == "darwin":
        return _mac_network(folder)
    if not sys.platform.startswith("linux"):
        return None  # another system: nothing known to look at
    return _linux_network(folder, None)


def _linux_network(folder: Path, mounts: str | None) -> str | None:
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    best, best_type = "", ""
    target = str(folder)
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, best_type = point, fields[2]
    if best_type in _NETWORK_TYPES:
        return f"a network share ({best_type})"
    return None


def _windows_remote_drive(folder: Path) -> str | None:  # pragma: no cover - Windows only
    import ctypes

    drive_remote = 4
    root = ntpath.splitdrive(str(folder))[0] + "\\"
    if ctypes.windll.kernel32.GetDriveTypeW(root) == drive_remote:  # type: ignore[attr-defined]
        return "a network drive"
    return None


def _mac_network(folder: Path) -> str | None:  # pragma: no cover - macOS only
    import subprocess

    try:
        out = subprocess.run(
            ["/sbin/mount"], capture_output=True, text=True, timeout=2, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    best, best_type = "", ""
    for line in out.splitlines():
        # "//user@server/share on /Volumes/share (smbfs, nodev, nosuid, mounted by me)"
        if " on " not in line or "(" not in line:
            continue
        point = line.split(" on ", 1)[1].rsplit(" (", 1)[0]
        fstype = line.rsplit("(", 1)[1].split(",", 1)[0].strip()
        target = str(folder)
        if (target == point or target.startswith(point.rstrip("/") + "/")) and len(point) >= len(
            best
        ):
            best, best_type = point, fstype
    if best_type in _MAC_NETWORK_TYPES:
        return f"a network share ({best_type})"
    return None
