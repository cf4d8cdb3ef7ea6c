"""Window state and remembered choices, in QSettings; each key declared once here."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QSplitter

ORGANIZATION = "Ridealong"
APPLICATION = "Ridealong"


class Settings:
    """Typed access to QSettings (tests point QSettings at a temporary folder)."""

    def __init__(self) -> None:
        self._s = QSettings(ORGANIZATION, APPLICATION)

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._s.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def _text(self, key: str) -> str:
        value = self._s.value(key, "")
        return value if isinstance(value, str) else ""

    @property
    def geometry(self) -> QByteArray | None:
        return self._bytes("window/geometry")

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self._s.setValue("window/geometry", value)

    @property
    def window_state(self) -> QByteArray | None:
        return self._bytes("window/state")

    @window_state.setter
    def window_state(self, value: QByteArray) -> None:
        self._s.setValue("window/state", value)

    def restore_splitter(self, splitter: QSplitter) -> bool:
        """Put the splitter back as the user left it; False if there is nothing saved."""
        state = self._bytes(f"splitter/{splitter.objectName()}")
        return state is not None and splitter.restoreState(state)

    def save_splitter(self, splitter: QSplitter) -> None:
        self._s.setValue(f"splitter/{splitter.objectName()}", splitter.saveState())

    @property
    def last_call(self) -> str:
        return self._text("calls/last_selection")

    @last_call.setter
    def last_call(self, value: str) -> None:
        self._s.setValue("calls/last_selection", value)

    @property
    def last_view(self) -> str:
        """The view open when the window last closed (its name in the sidebar)."""
        return self._text("window/last_view")

    @last_view.setter
    def last_view(self, value: str) -> None:
        self._s.setValue("window/last_view", value)

    def last_choice(self, field: str) -> str:
        """What this user picked last in the start-a-call form (rep, type, framework)."""
        return self._text(f"start/{field}")

    def remember_choice(self, field: str, value: str) -> None:
        self._s.setValue(f"start/{field}", value)

    def csv_export(self) -> tuple[str, str, str, str]:
        """File > Export notes as CSV: the range chosen last ("month", "custom"…), its
        days when chosen by hand (YYYY-MM-DD) and the folder written to."""
        return (
            self._text("csv/range"),
            self._text("csv/since"),
            self._text("csv/until"),
            self._text("csv/folder"),
        )

    def remember_csv_export(self, range_key: str, since: str, until: str, folder: str) -> None:
        for key, value in (("range", range_key), ("since", since), ("until", until)):
            self._s.setValue(f"csv/{key}", value)
        self._s.setValue("csv/folder", folder)

    def sync(self) -> None:
        self._s.sync()
