"""The right-hand side of the Calls view: the call's details and its qualification
checklist."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QFocusEvent, QFont, QFontMetrics, QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain import CriterionStatus
from desktop.services.qualification import Coverage
from desktop.services.values import CallView, CriterionAnswerView

STATUS_MARKS = {
    CriterionStatus.OPEN: "○",
    CriterionStatus.ASKED: "◐",
    CriterionStatus.ANSWERED: "●",
    CriterionStatus.DISQUALIFYING: "✕",
}
#: The key that sets each status in the checklist (Space cycles through them).
STATUS_KEYS = {
    Qt.Key.Key_1: CriterionStatus.OPEN,
    Qt.Key.Key_2: CriterionStatus.ASKED,
    Qt.Key.Key_3: CriterionStatus.ANSWERED,
    Qt.Key.Key_4: CriterionStatus.DISQUALIFYING,
}
#: The marks explained, with the key for each: shown under the checklist, not only as a
#: tooltip.
LEGEND = " · ".join(
    f"{number}\N{NO-BREAK SPACE}{STATUS_MARKS[status]}\N{NO-BREAK SPACE}{status.label.lower()}"
    for number, status in enumerate(STATUS_KEYS.values(), start=1)
)
KEYS_HINT = (
    "Space cycles · Enter types the answer · L links the selected question · Esc: back to notes"
)
Index = QModelIndex | QPersistentModelIndex
CRITERION_ROLE = Qt.ItemDataRole.UserRole + 1
ANSWER_ROLE = Qt.ItemDataRole.UserRole + 2
NAME_ROLE = Qt.ItemDataRole.UserRole + 3
MARK_ROLE = Qt.ItemDataRole.UserRole + 4


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


class CriterionDelegate(QStyledItemDelegate):
    """Draws a criterion as its status mark, its name and, below, the answer heard; and
    types that answer in place, under the name: Enter saves, Esc cancels, Tab saves too.

    The answer is not written into the list item: it is announced, and the list is
    rebuilt from what the service stored. Signals: answer_committed(criterion key, text).
    """

    answer_committed = Signal(str, str)
    PAD = 4

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._editing: QPersistentModelIndex | None = None

    # -- drawing ---------------------------------------------------------------------

    def _layout(self, option: QStyleOptionViewItem, index: Index) -> _CriterionLayout:
        """Where the mark, the name and the answer (or the editor) go in the item."""
        rect = option.rect
        view = option.widget
        width = view.viewport().width() if isinstance(view, QListView) else rect.width()
        font = option.font
        bold = QFont(font)
        bold.setBold(True)
        metrics = QFontMetrics(font)
        pad = self.PAD
        indent = pad + max(metrics.horizontalAdvance(m) for m in STATUS_MARKS.values()) + 2 * pad
        text_width = max(width - indent - pad, 40)
        room = QRect(0, 0, text_width, 100_000)
        wrap = Qt.TextFlag.TextWordWrap
        name_height = QFontMetrics(bold).boundingRect(room, wrap, index.data(NAME_ROLE)).height()
        answer = index.data(ANSWER_ROLE)
        if self._editing is not None and self._editing == index:
            answer_height = metrics.height() + 3 * pad
        elif answer:
            answer_height = metrics.boundingRect(room, wrap, answer).height()
        else:
            answer_height = 0
        left, top = rect.x(), rect.y() + pad
        return _CriterionLayout(
            mark=QRect(left + pad, top, indent - pad, metrics.height()),
            name=QRect(left + indent, top, text_width, name_height),
            answer=QRect(left + indent, top + name_height + pad // 2, text_width, answer_height),
            height=name_height + answer_height + 2 * pad + (pad // 2 if answer_height else 0),
            bold=bold,
        )

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        layout = self._layout(option, index)
        return QSize(layout.name.right() - option.rect.x() + self.PAD, layout.height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""  # the item's text is for screen readers; it is drawn below
        if opt.widget is not None:  # None when painted off a view, whatever the stubs say
            opt.widget.style().drawControl(
                QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget
            )
        layout = self._layout(opt, index)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        text = opt.palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        painter.save()
        painter.setPen(text)
        painter.setFont(opt.font)
        painter.drawText(layout.mark, Qt.AlignmentFlag.AlignLeft, index.data(MARK_ROLE))
        painter.setFont(layout.bold)
        painter.drawText(layout.name, Qt.TextFlag.TextWordWrap, index.data(NAME_ROLE))
        answer = index.data(ANSWER_ROLE)
        if answer and layout.answer.height() and self._editing != index:
            painter.setFont(opt.font)
            painter.drawText(layout.answer, Qt.TextFlag.TextWordWrap, answer)
        painter.restore()

    # -- typing the answer -----------------------------------------------------------

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        editor = QLineEdit(parent)
        editor.setObjectName("criterionAnswerEditor")
        editor.setAccessibleName("Answer heard")
        editor.setToolTip("The prospect's answer. Enter saves it, Esc cancels.")
        editor.setPlaceholderText("The answer heard (Enter saves, Esc cancels)")
        self._editing = QPersistentModelIndex(index)
        self.sizeHintChanged.emit(index)  # room for the editor under the name
        return editor

    def destroyEditor(self, editor: QWidget, index: Index) -> None:
        super().destroyEditor(editor, index)
        self._editing = None
        if index.isValid():
            self.sizeHintChanged.emit(index)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QLineEdit)
        editor.setText(index.data(ANSWER_ROLE) or "")
        editor.selectAll()

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        assert isinstance(editor, QLineEdit)
        self.answer_committed.emit(index.data(CRITERION_ROLE), editor.text())

    def updateEditorGeometry(
        self, editor: QWidget, option: QStyleOptionViewItem, index: Index
    ) -> None:
        editor.setGeometry(self._layout(option, index).answer)

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:
        # Tab saves and closes, like Enter, instead of opening the next criterion.
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
            and isinstance(editor, QLineEdit)
        ):
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)
            return True
        return super().eventFilter(editor, event)


@dataclass(frozen=True, slots=True)
class _CriterionLayout:
    mark: QRect
    name: QRect
    answer: QRect
    height: int
    bold: QFont


class ChecklistList(QListWidget):
    """Keys on a criterion: Space cycles its status, 1–4 set it, Enter or F2 types its
    answer, L links the question selected in the timeline, Esc leaves the checklist.

    Signals: cycle_requested(key), status_requested(key, status value),
    answer_requested(key), link_requested(key), leave_requested().
    """

    cycle_requested = Signal(str)
    status_requested = Signal(str, str)
    answer_requested = Signal(str)
    link_requested = Signal(str)
    leave_requested = Signal()

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        # Arriving by Tab, the keys act on a criterion the user can see is selected.
        if self.count() and not self.selectedItems():
            self.setCurrentRow(max(self.currentRow(), 0))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        plain = event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        )
        if self.state() == self.State.EditingState:
            # Enter in the answer editor reaches the list too, after the editor saw it.
            super().keyPressEvent(event)
            return
        if key == Qt.Key.Key_Escape:
            self.leave_requested.emit()
            return
        if not (plain and self._criterion_key(key)):
            super().keyPressEvent(event)

    def _criterion_key(self, key: int) -> bool:
        """Act on the current criterion for a plain key; False when it is not ours."""
        if self.currentRow() < 0:
            return False
        criterion = self.item(self.currentRow()).data(CRITERION_ROLE)
        if key == Qt.Key.Key_Space:
            self.cycle_requested.emit(criterion)
        elif key in STATUS_KEYS:
            self.status_requested.emit(criterion, STATUS_KEYS[Qt.Key(key)].value)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_F2):
            self.answer_requested.emit(criterion)
        elif key == Qt.Key.Key_L:
            self.link_requested.emit(criterion)
        else:
            return False
        return True


class QualificationPanel(QWidget):
    """The call's framework criteria: where the call stands on each and the answer heard.

    Signals: cycle_requested(criterion key), status_requested(key, CriterionStatus),
    answer_given(key, answer text), link_requested(key), leave_requested().
    """

    cycle_requested = Signal(str)
    status_requested = Signal(str, object)
    answer_given = Signal(str, str)
    link_requested = Signal(str)
    leave_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("qualificationPanel")
        self.setAccessibleName("Qualification checklist")
        self.setToolTip(
            "Where the call stands on each criterion, and the answer heard. Keys 1–4 set the "
            f"status ({LEGEND}). {KEYS_HINT}."
        )
        self._items: dict[str, CriterionAnswerView] = {}
        self._waiting: tuple[str | None, tuple[CriterionAnswerView, ...]] | None = None
        self.heading = QLabel("Qualification", self)
        self.heading.setProperty("role", "heading")
        self.heading.setWordWrap(True)
        self.list = ChecklistList(self)
        self.list.setObjectName("qualificationList")
        self.list.setAccessibleName("Qualification criteria")
        self.list.setToolTip(self.toolTip())
        self.list.setResizeMode(ChecklistList.ResizeMode.Adjust)  # rewrap on resize
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setVerticalScrollMode(ChecklistList.ScrollMode.ScrollPerPixel)
        self.list.setEditTriggers(ChecklistList.EditTrigger.NoEditTriggers)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.delegate = CriterionDelegate(self.list)
        self.list.setItemDelegate(self.delegate)
        self.legend = QLabel(LEGEND, self)
        self.legend.setObjectName("qualificationLegend")
        self.legend.setAccessibleName("Status legend")
        self.legend.setToolTip("What each mark means, after the key that sets it")
        self.legend.setWordWrap(True)
        self.coverage = QLabel(self)
        self.coverage.setObjectName("qualificationCoverage")
        self.coverage.setAccessibleName("Criteria covered")
        self.coverage.setWordWrap(True)
        self.coverage.setToolTip("Covered: answered, or found disqualifying")
        self.hint = QLabel(self)
        self.hint.setProperty("role", "hint")
        self.hint.setWordWrap(True)
        self.error = QLabel(self)
        self.error.setObjectName("qualificationError")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.coverage)
        layout.addWidget(self.list, 10)
        layout.addWidget(self.legend)
        layout.addWidget(self.error)
        layout.addWidget(self.hint)
        layout.addStretch(1)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.list.cycle_requested.connect(self.cycle_requested)
        self.list.status_requested.connect(
            lambda key, value: self.status_requested.emit(key, CriterionStatus(value))
        )
        self.list.answer_requested.connect(self.edit_answer)
        self.list.link_requested.connect(self.link_requested)
        self.list.leave_requested.connect(self.leave_requested)
        self.list.itemDoubleClicked.connect(lambda item: self.list.editItem(item))
        self.list.customContextMenuRequested.connect(self._on_context_menu)
        # Queued: the list is rebuilt from the stored answer, which must not happen
        # while the editor that gave it is still being closed.
        self.delegate.answer_committed.connect(
            self.answer_given, Qt.ConnectionType.QueuedConnection
        )
        self.delegate.closeEditor.connect(
            self._on_editor_closed, Qt.ConnectionType.QueuedConnection
        )

    # -- what the panel shows --------------------------------------------------------

    def clear(self) -> None:
        self._items = {}
        self._waiting = None
        self.list.clear()
        self.list.hide()
        self.legend.hide()
        self.coverage.setText("")
        self.heading.setText("Qualification")
        self.hint.setText("")
        self.show_error(None)

    def show_checklist(self, framework: str | None, items: tuple[CriterionAnswerView, ...]) -> None:
        if self.list.state() == ChecklistList.State.EditingState:
            # Rebuilding now would throw away the answer being typed: after it.
            self._waiting = (framework, items)
            return
        self._waiting = None
        current = self.list.currentRow()
        self._items = {i.criterion.key: i for i in items}
        self.list.clear()
        if framework is None:
            self.heading.setText("Qualification")
            self.hint.setText("This call has no qualification framework.")
            self.coverage.setText("")
            self.list.hide()
            self.legend.hide()
            return
        self.list.show()
        self.legend.show()
        self.heading.setText(f"Qualification · {framework}")
        coverage = Coverage.of(items)
        self.coverage.setText(f"<b>{coverage.label}</b> · {coverage.open} open")
        self.hint.setText(KEYS_HINT)
        for item in items:
            self.list.addItem(self._item(item))
        if 0 <= current < self.list.count():
            self.list.setCurrentRow(current)

    @staticmethod
    def _item(item: CriterionAnswerView) -> QListWidgetItem:
        status = item.status.label.lower()
        text = f"{STATUS_MARKS[item.status]}  {item.criterion.name}"
        if item.answer:
            text += f"\n{item.answer}"
        widget_item = QListWidgetItem(text)
        widget_item.setFlags(widget_item.flags() | Qt.ItemFlag.ItemIsEditable)
        widget_item.setData(CRITERION_ROLE, item.criterion.key)
        widget_item.setData(NAME_ROLE, item.criterion.name)
        widget_item.setData(MARK_ROLE, STATUS_MARKS[item.status])
        widget_item.setData(ANSWER_ROLE, item.answer or "")
        widget_item.setData(
            Qt.ItemDataRole.AccessibleTextRole,
            f"{item.criterion.name}: {status}"
            + (f", answer: {item.answer}" if item.answer else ", no answer yet"),
        )
        widget_item.setToolTip(
            f"{item.criterion.question}\nStatus: {status}"
            + (f"\nAnswer: {item.answer}" if item.answer else "\nNo answer yet: Enter types it")
        )
        return widget_item

    def _on_editor_closed(self) -> None:
        if self._waiting is not None:
            self.show_checklist(*self._waiting)

    def show_error(self, message: str | None) -> None:
        """Why the last change was refused (None: nothing to say)."""
        self.error.setText(message or "")
        self.error.setVisible(bool(message))

    # -- what the user picks ---------------------------------------------------------

    def selected_criterion(self) -> str | None:
        """The key of the criterion selected in the checklist, if any (a question filed
        meanwhile may be linked to it)."""
        selected = self.list.selectedItems()
        if not selected or self.list.isHidden():
            return None
        key: str = selected[0].data(CRITERION_ROLE)
        return key

    def answer_of(self, key: str) -> CriterionAnswerView | None:
        """Where the call stood on a criterion when the checklist was last shown."""
        return self._items.get(key)

    def edit_answer(self, key: str) -> None:
        """Open the criterion's answer for typing, in place."""
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(CRITERION_ROLE) == key:
                self.list.setCurrentItem(item)
                self.list.editItem(item)
                self.list.doItemsLayout()  # the item has grown to hold the editor
                self.list.scrollToItem(item)
                return

    def _on_context_menu(self, pos: QPoint) -> None:
        item = self.list.itemAt(pos)
        if item is None:
            return
        key = item.data(CRITERION_ROLE)
        menu = QMenu(self)
        for number, status in enumerate(STATUS_KEYS.values(), start=1):
            action = menu.addAction(f"{STATUS_MARKS[status]} {status.label} ({number})")
            action.triggered.connect(lambda _=False, s=status: self.status_requested.emit(key, s))
        menu.addSeparator()
        menu.addAction("Type the answer… (Enter)").triggered.connect(lambda: self.edit_answer(key))
        menu.exec(self.list.viewport().mapToGlobal(pos))
