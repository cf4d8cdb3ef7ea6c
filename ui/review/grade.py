"""Grading the lead beside the definitions both teams agreed on, and the deal's outcome."""

from __future__ import annotations

import html
from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.clock import Clock, local_today
from desktop.domain import Grade, Outcome
from desktop.services.qualification import Gaps
from desktop.services.values import AccountView, CallView, DefinitionView
from desktop.wording import plural
from ui.actions import GRADE_KEYS, GRADE_SUBMIT, SPECS, ActionId, key_text
from ui.widgets import set_role


class UnreviewedBar(QFrame):
    """Asked in place when a call is graded with notes not reviewed yet: how many, and
    whether to grade anyway or review them first.

    Signals: grade_anyway(), review_first().
    """

    grade_anyway = Signal()
    review_first = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gradeUnreviewed")
        self.setProperty("role", "banner")
        self.setAccessibleName("Notes not reviewed")
        self.label = QLabel(self)
        self.label.setObjectName("gradeUnreviewedText")
        self.label.setWordWrap(True)
        self.anyway = QPushButton("Grade anyway", self)
        self.anyway.setObjectName("gradeAnyway")
        self.anyway.setToolTip("Grade and mark the call reviewed now (Enter)")
        self.anyway.setAutoDefault(True)
        self.first = QPushButton("Review them", self)
        self.first.setObjectName("gradeReviewFirst")
        self.first.setToolTip("Go to the first note not reviewed (Esc)")
        self.first.setAutoDefault(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.anyway)
        buttons.addWidget(self.first)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addLayout(buttons)
        self.anyway.clicked.connect(self.grade_anyway)
        self.first.clicked.connect(self.review_first)
        self.hide()

    def ask(self, unreviewed: int, grade: Grade) -> None:
        verb = "is" if unreviewed == 1 else "are"
        self.label.setText(
            f"{plural(unreviewed, 'note')} of this call {verb} not reviewed yet. "
            f"Grade it {grade.label} anyway?"
        )
        self.show()
        self.anyway.setFocus(Qt.FocusReason.OtherFocusReason)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.review_first.emit()
            return
        super().keyPressEvent(event)


class GradePanel(QWidget):
    """Signals: grade_submitted(grade value, reason), outcome_submitted(outcome value,
    date or None, reason), review_first_requested() (to review the notes left first)."""

    grade_submitted = Signal(str, str)
    outcome_submitted = Signal(str, object, str)
    review_first_requested = Signal()

    def __init__(self, clock: Clock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        #: The grade and reason last shown, to tell whether the user changed them.
        self._shown: tuple[Grade | None, str] = (None, "")
        self.setObjectName("gradePicker")
        self.setAccessibleName("Lead grade")
        heading = QLabel("Lead grade", self)
        heading.setProperty("role", "heading")
        self.choices = QButtonGroup(self)
        row = QHBoxLayout()
        self.buttons: dict[Grade, QRadioButton] = {}
        for grade, key in GRADE_KEYS.items():
            button = QRadioButton(grade.label, self)
            button.setObjectName(f"grade{grade.value.title()}")
            button.setAccessibleName(grade.label)
            button.setToolTip(f"Grade the lead {grade.label} ({key})")
            self.choices.addButton(button)
            self.buttons[grade] = button
            row.addWidget(button)
        row.addStretch(1)
        self.reason = QPlainTextEdit(self)
        self.reason.setObjectName("gradeReason")
        self.reason.setAccessibleName("Reason for the grade")
        self.reason.setToolTip("Why this grade; it is printed in the reports")
        self.reason.setPlaceholderText("Why this grade? (shown in reports)")
        self.reason.setMaximumHeight(70)
        self.reason.setTabChangesFocus(True)  # Tab moves on, as in every other field
        self.revision = QLabel(self)
        self.revision.setProperty("role", "hint")
        self.definitions = QTextBrowser(self)
        self.definitions.setObjectName("gradeDefinitions")
        self.definitions.setAccessibleName("Agreed definitions")
        self.definitions.setToolTip("The definitions in force; the grade records their revision")
        self.gaps = QLabel(self)
        self.gaps.setObjectName("gradeGaps")
        self.gaps.setWordWrap(True)
        self.gaps.setAccessibleName("Qualification gaps")
        self.gaps.setToolTip("Criteria never asked or not answered: why a grade may be early")
        self.submit_button = QPushButton("Grade and mark reviewed", self)
        self.submit_button.setObjectName("markReviewed")
        self.submit_button.setToolTip(f"Save the grade and finish the review ({GRADE_SUBMIT.keys})")
        self.submit_button.setEnabled(False)
        self.unreviewed_bar = UnreviewedBar(self)
        self._unreviewed = 0
        self.status = QLabel(self)
        self.status.setObjectName("gradeStatus")
        self.status.setWordWrap(True)

        outcome_heading = QLabel("Deal outcome", self)
        outcome_heading.setProperty("role", "heading")
        self.outcome = QComboBox(self)
        self.outcome.setObjectName("outcomeChoice")
        self.outcome.setAccessibleName("Deal outcome")
        self.outcome.setToolTip(
            "How the account's deal ended, once it has "
            f"({key_text(SPECS[ActionId.DEAL_OUTCOME])}; Enter saves)"
        )
        for outcome in Outcome:
            self.outcome.addItem(outcome.label, outcome.value)
        self.outcome_date = QDateEdit(self)
        self.outcome_date.setObjectName("outcomeDate")
        self.outcome_date.setAccessibleName("Outcome date")
        self.outcome_date.setToolTip("When the deal was won, lost or dropped")
        self.outcome_date.setCalendarPopup(True)
        self.outcome_date.setDisplayFormat("yyyy-MM-dd")
        self.outcome_reason = QLineEdit(self)
        self.outcome_reason.setObjectName("outcomeReason")
        self.outcome_reason.setAccessibleName("Outcome reason")
        self.outcome_reason.setToolTip("Why it ended that way (Enter saves)")
        self.outcome_reason.setPlaceholderText("Why? e.g. chose a cheaper tool")
        self.outcome_save = QPushButton("Save outcome", self)
        self.outcome_save.setObjectName("outcomeSave")
        self.outcome_save.setToolTip("Record the outcome for every call of this account")
        form = QFormLayout()
        form.addRow("Outcome:", self.outcome)
        form.addRow("On:", self.outcome_date)
        form.addRow("Why:", self.outcome_reason)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading)
        layout.addLayout(row)
        layout.addWidget(self.reason)
        layout.addWidget(self.gaps)
        layout.addWidget(self.submit_button)
        layout.addWidget(self.unreviewed_bar)
        layout.addWidget(self.status)
        layout.addWidget(self.revision)
        layout.addWidget(self.definitions, 1)
        layout.addWidget(outcome_heading)
        layout.addLayout(form)
        layout.addWidget(self.outcome_save)
        self._definitions: tuple[DefinitionView, ...] = ()
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.choices.buttonToggled.connect(self._on_choice)
        self.submit_button.clicked.connect(self.submit)
        self.unreviewed_bar.grade_anyway.connect(self._emit_grade)
        self.unreviewed_bar.review_first.connect(self._on_review_first)
        self.outcome_save.clicked.connect(self._submit_outcome)
        self.outcome_reason.returnPressed.connect(self._submit_outcome)
        for field in (self.outcome, self.outcome_date):
            field.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter on the outcome or its date saves it, as on its reason."""
        if (
            watched in (self.outcome, self.outcome_date)
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not (watched is self.outcome and self.outcome.view().isVisible())
        ):
            self._submit_outcome()
            return True
        return super().eventFilter(watched, event)

    def focus_outcome(self) -> None:
        """Where the deal-outcome key lands: the outcome, ready for Up/Down."""
        self.outcome.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def set_unreviewed(self, count: int) -> None:
        """How many of the call's notes are not reviewed yet (asked about before grading)."""
        self._unreviewed = count
        if count == 0:
            self.unreviewed_bar.hide()

    def choose(self, grade: Grade) -> None:
        self.buttons[grade].setChecked(True)

    def chosen(self) -> Grade | None:
        return next((g for g, b in self.buttons.items() if b.isChecked()), None)

    def show_call(
        self,
        call: CallView,
        definitions: tuple[DefinitionView, ...],
        revision: int | None,
        gaps: Gaps,
    ) -> None:
        self._definitions = definitions
        self._shown = (call.grade, call.grade_reason or "")
        self.choices.setExclusive(False)
        for grade, button in self.buttons.items():
            button.setChecked(grade is call.grade)
        self.choices.setExclusive(True)
        self.reason.setPlainText(call.grade_reason or "")
        self.status.clear()
        self.unreviewed_bar.hide()
        if call.grade is not None and call.grade_definitions_revision is not None:
            self.status.setText(
                f"Graded {call.grade.label} against definitions revision "
                f"{call.grade_definitions_revision}."
            )
        self.revision.setText(
            f"Definitions in force: revision {revision}" if revision else "No definitions yet"
        )
        lines = []
        if gaps.never_asked:
            lines.append("Never asked: " + ", ".join(c.name for c in gaps.never_asked))
        if gaps.unanswered:
            lines.append("Asked, not answered: " + ", ".join(c.name for c in gaps.unanswered))
        self.gaps.setText(
            "\n".join(lines) if lines else "No qualification gaps." if call.framework else ""
        )
        set_role(self.gaps, "error" if lines else "hint")
        self._show_definitions()
        self.submit_button.setEnabled(call.grade is not None)
        self.show_account(call.account)

    def is_untouched(self) -> bool:
        """Whether the grade and reason are as last shown (nothing typed or chosen that
        a refresh would throw away)."""
        return self._shown == (self.chosen(), self.reason.toPlainText())

    def show_account(self, account: AccountView) -> None:
        self.outcome.setCurrentIndex(self.outcome.findData(account.outcome.value))
        when = account.outcome_on or local_today(self._clock)
        self.outcome_date.setDate(QDate(when.year, when.month, when.day))
        self.outcome_reason.setText(account.outcome_reason or "")

    def _show_definitions(self) -> None:
        chosen = self.chosen()
        parts = []
        for d in self._definitions:
            strong = chosen is not None and d.term.casefold() == chosen.label.casefold()
            term = f"<b>{html.escape(d.term)}</b>"
            body = html.escape(d.body)
            style = " style='background: palette(highlight)'" if strong else ""
            parts.append(f"<p{style}>{term}: {body}</p>")
        self.definitions.setHtml("".join(parts))

    def _on_choice(self, _button: QRadioButton, checked: bool) -> None:
        if checked:
            self.submit_button.setEnabled(True)
            self._show_definitions()

    def submit(self) -> None:
        """Grade the call; with notes not reviewed yet, first say how many and ask."""
        grade = self.chosen()
        if grade is None:
            keys = ", ".join(GRADE_KEYS.values())
            self.status.setText(f"Choose MQL, SQL or Unqualified first ({keys}).")
            return
        if self._unreviewed:
            self.unreviewed_bar.ask(self._unreviewed, grade)
            return
        self._emit_grade()

    def _emit_grade(self) -> None:
        grade = self.chosen()
        if grade is not None:
            self.unreviewed_bar.hide()
            self.grade_submitted.emit(grade.value, self.reason.toPlainText())

    def _on_review_first(self) -> None:
        self.unreviewed_bar.hide()
        self.review_first_requested.emit()

    def _submit_outcome(self) -> None:
        outcome = Outcome(self.outcome.currentData())
        qdate = self.outcome_date.date()
        when = None if outcome is Outcome.OPEN else date(qdate.year(), qdate.month(), qdate.day())
        self.outcome_submitted.emit(outcome.value, when, self.outcome_reason.text())
