"""The right-hand side of the Calls view: the call's details and its qualification
checklist."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain import CriterionStatus
from desktop.services.values import CallView, CriterionAnswerView

STATUS_MARKS = {
    CriterionStatus.OPEN: "○",
    CriterionStatus.ASKED: "◐",
    CriterionStatus.ANSWERED: "●",
    CriterionStatus.DISQUALIFYING: "✕",
}
CRITERION_ROLE = Qt.ItemDataRole.UserRole + 1


class CallDetails(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("callDetails")
        self.setAccessibleName("Call details")
        self._form = QFormLayout(self)
        self._form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._fields: dict[str, QLabel] = {}
        for name in (
            "Account",
            "Industry",
            "Contacts",
            "Rep",
            "Marketer",
            "Type",
            "Framework",
            "Started",
            "Duration",
            "Status",
            "Grade",
        ):
            label = QLabel(self)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setAccessibleName(name)
            self._fields[name] = label
            self._form.addRow(f"{name}:", label)

    def clear(self) -> None:
        for label in self._fields.values():
            label.setText("–")

    def show_call(self, call: CallView) -> None:
        account = call.account
        industry = ", ".join(x for x in (account.industry, account.segment, account.size) if x)
        duration = call.duration
        values = {
            "Account": account.name
            + (f" ({account.outcome.label.lower()})" if account.outcome.value != "open" else ""),
            "Industry": industry or "–",
            "Contacts": ", ".join(
                c.name + (f" ({c.title})" if c.title else "") for c in call.contacts
            )
            or "–",
            "Rep": call.rep.name if call.rep else "–",
            "Marketer": call.marketer.name if call.marketer else "–",
            "Type": call.call_type.label,
            "Framework": call.framework.name if call.framework else "none",
            "Started": call.started_at.astimezone().strftime("%a %d %b %Y, %H:%M"),
            "Duration": f"{int(duration.total_seconds() // 60)} min" if duration else "running",
            "Status": call.status.label,
            "Grade": (call.grade.label + (f": {call.grade_reason}" if call.grade_reason else ""))
            if call.grade
            else "not graded",
        }
        for name, value in values.items():
            self._fields[name].setText(value)


class ChecklistList(QListWidget):
    """Signals: cycle_requested(criterion key), link_requested(criterion key)."""

    cycle_requested = Signal(str)
    link_requested = Signal(str)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        item = self.currentItem()
        if item is not None:  # None with nothing selected, whatever the stubs say
            key = event.key()
            if key in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.cycle_requested.emit(item.data(CRITERION_ROLE))
                return
            if key == Qt.Key.Key_L:
                self.link_requested.emit(item.data(CRITERION_ROLE))
                return
        super().keyPressEvent(event)


class QualificationPanel(QWidget):
    """The call's framework criteria and where the call stands on each.

    Signals: cycle_requested(criterion key), link_requested(criterion key).
    """

    cycle_requested = Signal(str)
    link_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("qualificationPanel")
        self.setAccessibleName("Qualification checklist")
        self.setToolTip(
            "Space cycles a criterion: unknown ○, asked ◐, answered ●, disqualifying ✕. "
            "L takes the question selected in the timeline as its answer."
        )
        self.heading = QLabel("Qualification", self)
        self.heading.setProperty("role", "heading")
        self.heading.setWordWrap(True)
        self.list = ChecklistList(self)
        self.list.setObjectName("qualificationList")
        self.list.setAccessibleName("Qualification criteria")
        self.list.setToolTip(self.toolTip())
        self.list.setWordWrap(True)
        self.hint = QLabel(self)
        self.hint.setProperty("role", "hint")
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.list, 10)
        layout.addWidget(self.hint)
        layout.addStretch(1)
        self.list.cycle_requested.connect(self.cycle_requested)
        self.list.link_requested.connect(self.link_requested)
        self.list.itemDoubleClicked.connect(
            lambda item: self.cycle_requested.emit(item.data(CRITERION_ROLE))
        )

    def clear(self) -> None:
        self.list.clear()
        self.list.hide()
        self.heading.setText("Qualification")
        self.hint.setText("")

    def show_checklist(self, framework: str | None, items: tuple[CriterionAnswerView, ...]) -> None:
        current = self.list.currentRow()
        self.list.clear()
        if framework is None:
            self.heading.setText("Qualification")
            self.hint.setText("This call has no qualification framework.")
            self.list.hide()
            return
        self.list.show()
        self.heading.setText(f"Qualification · {framework}")
        done = sum(1 for i in items if i.status is not CriterionStatus.OPEN)
        self.hint.setText(
            f"{done} of {len(items)} covered. Space cycles the status; L links the selected "
            "question."
        )
        for item in items:
            text = f"{STATUS_MARKS[item.status]}  {item.criterion.name}"
            if item.answer:
                text += f"\n     {item.answer}"
            widget_item = QListWidgetItem(text)
            widget_item.setData(CRITERION_ROLE, item.criterion.key)
            widget_item.setToolTip(
                f"{item.criterion.question}\nStatus: {item.status.label.lower()}"
                + (f"\nAnswer: {item.answer}" if item.answer else "")
            )
            self.list.addItem(widget_item)
        if 0 <= current < self.list.count():
            self.list.setCurrentRow(current)
