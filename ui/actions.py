"""Every action of the window, declared once: label, shortcut, and a tooltip naming it.

Views connect to the actions they serve; menus and Help > Keyboard shortcuts list them
from here, so a shortcut is never documented in one place and bound in another. Keys a
view or widget handles itself (the review's J/K/C/X/E/M/T, the grade's Alt+M/S/U, the
capture box's Enter…) are declared here too, as `Key`s, for the same list.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, auto

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence

from desktop.domain import Grade, NoteKind


class ActionId(Enum):
    NEW_CALL = auto()
    END_CALL = auto()
    LOAD_DEMO = auto()
    QUIT = auto()
    FIND = auto()
    SET_IDENTITY = auto()
    DATABASE = auto()
    SHORTCUTS = auto()
    FILE_PAIN = auto()
    FILE_OBJECTION = auto()
    FILE_QUESTION = auto()
    FILE_QUOTE = auto()
    FILE_COMPETITOR = auto()
    FILE_SIGNAL = auto()
    FILE_NEXT_STEP = auto()
    FILE_GENERAL = auto()
    INTENSITY_1 = auto()
    INTENSITY_2 = auto()
    INTENSITY_3 = auto()
    INTENSITY_4 = auto()
    INTENSITY_5 = auto()
    QUOTE_WORTHY = auto()
    EDIT_NOTE = auto()
    DELETE_NOTE = auto()
    VIEW_CALLS = auto()
    VIEW_REVIEW = auto()
    VIEW_SEARCH = auto()
    VIEW_DEFINITIONS = auto()
    VIEW_REPORTS = auto()
    EXPORT_CALL = auto()
    EXPORT_BUNDLE = auto()
    IMPORT_BUNDLE = auto()
    BACKUPS = auto()
    TRASH = auto()
    COMPETITORS = auto()
    REVIEW_CALL = auto()
    COPY_MARKDOWN = auto()
    DEAL_OUTCOME = auto()
    TOGGLE_LIST = auto()
    TOGGLE_SIDE = auto()
    EXPORT_CSV = auto()


@dataclass(frozen=True, slots=True)
class Spec:
    text: str
    shortcut: str | QKeySequence.StandardKey | None = None
    tip: str = ""
    #: Writes must not repeat while a key is held down.
    repeat: bool = False


KIND_ACTIONS: dict[NoteKind, ActionId] = {
    NoteKind.PAIN: ActionId.FILE_PAIN,
    NoteKind.OBJECTION: ActionId.FILE_OBJECTION,
    NoteKind.QUESTION: ActionId.FILE_QUESTION,
    NoteKind.QUOTE: ActionId.FILE_QUOTE,
    NoteKind.COMPETITOR: ActionId.FILE_COMPETITOR,
    NoteKind.SIGNAL: ActionId.FILE_SIGNAL,
    NoteKind.NEXT_STEP: ActionId.FILE_NEXT_STEP,
    NoteKind.GENERAL: ActionId.FILE_GENERAL,
}
_KIND_KEYS = {
    NoteKind.PAIN: "Ctrl+1",
    NoteKind.OBJECTION: "Ctrl+2",
    NoteKind.QUESTION: "Ctrl+3",
    NoteKind.QUOTE: "Ctrl+4",
    NoteKind.COMPETITOR: "Ctrl+5",
    NoteKind.SIGNAL: "Ctrl+6",
    NoteKind.NEXT_STEP: "Ctrl+7",
    NoteKind.GENERAL: "Ctrl+0",
}
INTENSITY_ACTIONS = (
    ActionId.INTENSITY_1,
    ActionId.INTENSITY_2,
    ActionId.INTENSITY_3,
    ActionId.INTENSITY_4,
    ActionId.INTENSITY_5,
)

SPECS: dict[ActionId, Spec] = {
    ActionId.NEW_CALL: Spec("&Start a ride-along…", "Ctrl+N", "Start capturing a new call"),
    ActionId.END_CALL: Spec(
        "&End call", "Ctrl+Shift+E", "End the live call; it then awaits review"
    ),
    ActionId.LOAD_DEMO: Spec(
        "Load &sample data",
        None,
        "Look around in a separate sample database of 40 made-up calls; yours stay apart",
    ),
    ActionId.QUIT: Spec("&Quit", QKeySequence.StandardKey.Quit, "Close Ridealong"),
    ActionId.FIND: Spec(
        "&Find",
        QKeySequence.StandardKey.Find,
        "Find: the call list's filter in Calls, else search every call",
    ),
    ActionId.SET_IDENTITY: Spec("&Who am I…", None, "Your name and role, put on your notes"),
    ActionId.DATABASE: Spec(
        "&Database…",
        "Ctrl+Shift+T",
        "Work on the file on this computer or on your team's database server",
    ),
    ActionId.SHORTCUTS: Spec("&Keyboard shortcuts", "F1", "Every shortcut in one list"),
    **{
        action: Spec(
            f"File as {kind.label.lower()}",
            _KIND_KEYS[kind],
            f"File the typed note as {kind.label.lower()}; with an empty box, make it the kind "
            "of the next note only (twice: of every note, until pressed again)",
        )
        for kind, action in KIND_ACTIONS.items()
    },
    **{
        action: Spec(f"Intensity {n}", f"Alt+{n}", f"Mark the next note's intensity as {n} of 5")
        for n, action in enumerate(INTENSITY_ACTIONS, start=1)
    },
    ActionId.QUOTE_WORTHY: Spec(
        "&Quote-worthy", "Ctrl+D", "Mark the next note (or the selected one) quote-worthy"
    ),
    ActionId.EDIT_NOTE: Spec("E&dit note", "F2", "Edit the selected note in the capture box"),
    ActionId.DELETE_NOTE: Spec(
        "&Delete note", QKeySequence.StandardKey.Delete, "Delete the selected note (undoable)"
    ),
    ActionId.VIEW_CALLS: Spec("&Calls", "Ctrl+Shift+1", "The call list and live capture"),
    ActionId.VIEW_REVIEW: Spec("&Review", "Ctrl+Shift+2", "Calls waiting for review, and grading"),
    ActionId.VIEW_SEARCH: Spec(
        "&Search everywhere", "Ctrl+Shift+3", "Search notes, answers, corrections and comments"
    ),
    ActionId.VIEW_DEFINITIONS: Spec(
        "&Definitions", "Ctrl+Shift+4", "The agreed terms: MQL, SQL, qualified pain…"
    ),
    ActionId.VIEW_REPORTS: Spec(
        "Re&ports", "Ctrl+Shift+5", "Monthly insights on screen and as a PDF"
    ),
    ActionId.EXPORT_CALL: Spec(
        "Export call &summary PDF", "Ctrl+P", "Write the selected call's summary PDF"
    ),
    ActionId.EXPORT_BUNDLE: Spec(
        "E&xport bundle…",
        None,
        "Write the selected call, or a month of calls, to a file for a teammate's laptop",
    ),
    ActionId.IMPORT_BUNDLE: Spec(
        "&Import bundle…",
        None,
        "Merge a teammate's bundle file (or drop it on the window): new notes, reviews, grades",
    ),
    ActionId.BACKUPS: Spec("&Backups…", None, "Back up now, or restore a backup"),
    ActionId.TRASH: Spec("&Trash…", None, "Bring back deleted calls, notes and reviews"),
    ActionId.COMPETITORS: Spec(
        "&Competitors…",
        None,
        "The competitors your team tracks: reports count them on every call that names them",
    ),
    ActionId.REVIEW_CALL: Spec(
        "Re&view this call", "Ctrl+R", "Open the selected call in the Review view"
    ),
    ActionId.COPY_MARKDOWN: Spec(
        "Copy call as &Markdown",
        "Ctrl+Shift+C",
        "Copy the call (open in Review, else selected) as Markdown, for Slack or a CRM note",
    ),
    ActionId.DEAL_OUTCOME: Spec(
        "Deal &outcome…", "Alt+O", "Record how the account's deal ended (won, lost…), in Review"
    ),
    ActionId.TOGGLE_LIST: Spec(
        "Show or hide the &list",
        "Ctrl+Shift+L",
        "Collapse the list on the left (calls, calls to review…) to make room, or bring it back",
    ),
    ActionId.TOGGLE_SIDE: Spec(
        "Show or hide the &side panel",
        "Ctrl+Shift+D",
        "Collapse the panel on the right (call details, grade) to make room, or bring it back",
    ),
    ActionId.EXPORT_CSV: Spec(
        "Export notes as &CSV…",
        None,
        "Every note of the chosen days as a spreadsheet row, for Excel or Google Sheets",
    ),
}


@dataclass(frozen=True, slots=True)
class Key:
    """A key a view or widget handles itself rather than through a window action, and
    where it works; declared here so the shortcuts list (F1) names it like the others."""

    keys: str
    does: str
    where: str


EVERYWHERE = "Everywhere"
CALLS = "Calls"
CAPTURE = "Capture box"
CHECKLIST = "Checklist"
TIMELINE = "Call timeline"
REVIEW = "Review"
SEARCH = "Search"
DEFINITIONS = "Definitions"
REPORTS = "Reports"
CONFLICT = "Conflict"
#: The order the shortcuts list goes through the places keys work in.
PLACES = (
    EVERYWHERE,
    CALLS,
    CAPTURE,
    TIMELINE,
    CHECKLIST,
    REVIEW,
    SEARCH,
    DEFINITIONS,
    REPORTS,
    CONFLICT,
)

#: Review, on the call's notes (bound by the review panel).
REVIEW_NOTE_KEYS: dict[str, str] = {
    "J": "Next note",
    "K": "Previous note",
    "C": "Confirm the note",
    "X": "Dispute the note: it is not used as evidence",
    "E": "Correct the note: write what was really said",
    "M": "Comment for the marketer",
    "T": "Edit the note's themes",
}
#: Review, anywhere in the view: the lead's grade.
GRADE_KEYS: dict[Grade, str] = {Grade.MQL: "Alt+M", Grade.SQL: "Alt+S", Grade.UNQUALIFIED: "Alt+U"}
GRADE_SUBMIT = Key("Ctrl+Enter", "Grade the lead and mark the call reviewed", REVIEW)
SHOW_INSIGHTS = Key("F5", "Show the period's insights on screen", REPORTS)
EXPORT_INSIGHTS = Key("Ctrl+E", "Export the insights PDF", REPORTS)

WIDGET_KEYS: tuple[Key, ...] = (
    Key("Esc", "Clear the filter being typed (again: every filter)", CALLS),
    Key("Enter", "File the note", CAPTURE),
    Key("Shift+Enter", "New line in the note", CAPTURE),
    Key(
        "/pain, /obj, /q, /quote, /comp, /sig, /next",
        "Typed at the start: file under that kind",
        CAPTURE,
    ),
    Key(
        "Ctrl+1 … Ctrl+7, Ctrl+0 twice (empty box)",
        "Keep that kind for every note; the same key again releases it",
        CAPTURE,
    ),
    Key("@", "Who said it: pick one of the call's contacts (Enter or Tab takes it)", CAPTURE),
    Key("#", "Start a theme; pick from themes in use (Enter or Tab takes it)", CAPTURE),
    Key("Up (empty box)", "Edit the last note", CAPTURE),
    Key("Esc", "Cancel editing", CAPTURE),
    Key("Tab", "Go to the qualification checklist", CAPTURE),
    Key("Delete", "Move the selected call to the trash, after asking (Ctrl+Z undoes)", CALLS),
    Key("1, 2, 3, 4", "Set a criterion: open, asked, answered, disqualifying", CHECKLIST),
    Key("Space", "Cycle a criterion's status", CHECKLIST),
    Key("Enter, F2", "Type the answer heard (Enter saves, Esc cancels)", CHECKLIST),
    Key("L", "Take the selected question as the criterion's answer", CHECKLIST),
    Key("Esc", "Back to the capture box", CHECKLIST),
    *(Key(keys, does, REVIEW) for keys, does in REVIEW_NOTE_KEYS.items()),
    Key("Ctrl+1 … Ctrl+7, Ctrl+0", "Refile the note under another kind (a correction)", REVIEW),
    Key("1, 2, 3, 4, 5", "Set the note's intensity (a correction)", REVIEW),
    Key("0", "Clear the note's intensity", REVIEW),
    Key("+, =, -", "Step the note's intensity up or down", REVIEW),
    Key("Enter / Shift+Enter / Esc", "Correcting or commenting: save / new line / cancel", REVIEW),
    *(Key(keys, f"Grade the lead {grade.label}", REVIEW) for grade, keys in GRADE_KEYS.items()),
    GRADE_SUBMIT,
    Key("Down", "From the search box: select the first result", SEARCH),
    Key("Enter", "Open the selected result's call at that note", SEARCH),
    Key("Up (first result)", "Back to the search box", SEARCH),
    Key("Esc", "Clear the search box", SEARCH),
    Key("Ctrl+S", "Save the definition as a new revision", DEFINITIONS),
    SHOW_INSIGHTS,
    EXPORT_INSIGHTS,
    Key("Esc", "Cancel the export", REPORTS),
    Key("Alt+K", "Keep mine: save yours over theirs", CONFLICT),
    Key("Alt+T", "Take theirs: drop your change", CONFLICT),
    Key("Alt+M", "Merge both into one text (Ctrl+Enter saves it)", CONFLICT),
    Key("Esc", "Save nothing; your edit stays open", CONFLICT),
    Key("Enter", "Competitors…: put the typed competitor on the list", REPORTS),
    Key("F2", "Competitors…: rename the selected one (Enter saves, Esc cancels)", REPORTS),
    Key("Delete", "Competitors…: remove the selected one, after asking", REPORTS),
)


def key_text(spec: Spec) -> str:
    if spec.shortcut is None:
        return ""
    sequence = QKeySequence(spec.shortcut)
    return sequence.toString(QKeySequence.SequenceFormat.NativeText)


def build_actions(parent: QObject) -> dict[ActionId, QAction]:
    actions: dict[ActionId, QAction] = {}
    for action_id, spec in SPECS.items():
        action = QAction(spec.text, parent)
        action.setObjectName(f"action{action_id.name.title().replace('_', '')}")
        if spec.shortcut is not None:
            action.setShortcut(QKeySequence(spec.shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        keys = key_text(spec)
        tip = spec.tip or spec.text.replace("&", "")
        action.setToolTip(f"{tip} ({keys})" if keys else tip)
        action.setStatusTip(tip)
        action.setAutoRepeat(spec.repeat)
        actions[action_id] = action
    return actions
