"""The look shared by both PDFs: palette, type, page frame, tables, charts, safe writing.

An analyst's report, not a dump: one sans family (DejaVu Sans; every font embedded), a small
palette (ink navy for headings, teal for the data, amber for the previous period),
generous margins, zebra tables without vertical rules, page numbers as "page N of M",
a running header naming the report, an outline (PDF bookmarks) of every section, and
the document's title, author and subject in its metadata.

A PDF is written to a temporary file beside the target and renamed over it only when
complete (`os.replace`), so a cancelled or failed export never leaves half a file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from desktop.errors import Cancelled, UserError
from desktop.progress import CancelToken, Progress
from desktop.reports.files import check_target as check_target
from desktop.reports.fonts import FILES as SHIPPED_FONTS
from desktop.reports.text import FONT, FONT_BOLD, FONT_ITALIC, label, para, register_fonts
from desktop.wording import plural as plural  # re-exported for the report sections

INK: Final = colors.HexColor("#1f2a44")
TEXT: Final = colors.HexColor("#2b2f36")
MUTED: Final = colors.HexColor("#69707d")
ACCENT: Final = colors.HexColor("#1f7a8c")
ACCENT_LIGHT: Final = colors.HexColor("#d5ebef")
PREVIOUS: Final = colors.HexColor("#d9a441")
ZEBRA: Final = colors.HexColor("#f4f6f9")
RULE: Final = colors.HexColor("#d5dae2")
GOOD: Final = colors.HexColor("#2e7d4f")
WARN: Final = colors.HexColor("#b5651d")
BAD: Final = colors.HexColor("#b23a3a")
SERIES: Final = (
    colors.HexColor("#1f7a8c"),
    colors.HexColor("#d9a441"),
    colors.HexColor("#7b5ea7"),
    colors.HexColor("#c0504d"),
    colors.HexColor("#4f8f3a"),
)
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN: Final = 20 * mm
BODY_WIDTH: Final = PAGE_WIDTH - 2 * MARGIN


@dataclass(frozen=True, slots=True)
class ReportInfo:
    """What an export produced."""

    path: Path
    pages: int
    seconds: float
    title: str
    redacted: bool


class Styles:
    """The paragraph styles of both reports."""

    def __init__(self) -> None:
        register_fonts()
        base = ParagraphStyle(
            "body", fontName=FONT, fontSize=9.5, leading=13.5, textColor=TEXT, spaceAfter=4
        )
        self.body = base
        self.body_tight = ParagraphStyle("body_tight", parent=base, spaceAfter=0)
        self.small = ParagraphStyle("small", parent=base, fontSize=8, leading=10.5)
        self.muted = ParagraphStyle("muted", parent=self.small, textColor=MUTED)
        self.cell = ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11.5, spaceAfter=0)
        self.cell_right = ParagraphStyle("cell_right", parent=self.cell, alignment=TA_RIGHT)
        self.cell_head = ParagraphStyle(
            "cell_head", parent=self.cell, fontName=FONT_BOLD, fontSize=8, textColor=MUTED
        )
        self.cell_head_right = ParagraphStyle(
            "cell_head_right", parent=self.cell_head, alignment=TA_RIGHT
        )
        self.quote = ParagraphStyle(
            "quote", parent=base, fontName=FONT_ITALIC, leftIndent=10, textColor=TEXT
        )
        self.attribution = ParagraphStyle(
            "attribution", parent=self.small, leftIndent=10, textColor=MUTED, spaceAfter=7
        )
        self.h1 = ParagraphStyle(
            "h1", parent=base, fontName=FONT_BOLD, fontSize=17, leading=22, textColor=INK,
            spaceBefore=0, spaceAfter=8,
        )  # fmt: skip
        self.h2 = ParagraphStyle(
            "h2", parent=base, fontName=FONT_BOLD, fontSize=12, leading=16, textColor=INK,
            spaceBefore=12, spaceAfter=5,
        )  # fmt: skip
        self.h3 = ParagraphStyle(
            "h3", parent=base, fontName=FONT_BOLD, fontSize=10, leading=13.5, textColor=INK,
            spaceBefore=8, spaceAfter=3,
        )  # fmt: skip
        self.overline = ParagraphStyle(
            "overline", parent=base, fontName=FONT_BOLD, fontSize=8, textColor=ACCENT,
            spaceAfter=2,
        )  # fmt: skip
        self.lead = ParagraphStyle("lead", parent=base, fontSize=10.5, leading=15, spaceAfter=8)
        self.cover_title = ParagraphStyle(
            "cover_title", parent=base, fontName=FONT_BOLD, fontSize=30, leading=36,
            textColor=INK, spaceAfter=10,
        )  # fmt: skip
        self.cover_sub = ParagraphStyle(
            "cover_sub", parent=base, fontSize=15, leading=20, textColor=ACCENT, spaceAfter=24
        )
        self.figure = ParagraphStyle(
            "figure", parent=base, fontName=FONT_BOLD, fontSize=20, leading=24, textColor=INK,
            alignment=TA_CENTER, spaceAfter=0,
        )  # fmt: skip
        self.figure_label = ParagraphStyle(
            "figure_label", parent=self.small, textColor=MUTED, alignment=TA_CENTER
        )
        self.warning = ParagraphStyle(
            "warning", parent=base, backColor=colors.HexColor("#fbf1e4"), borderPadding=6,
            borderColor=colors.HexColor("#efd3ad"), borderWidth=0.5, spaceBefore=6,
            spaceAfter=10, leftIndent=6, rightIndent=6,
        )  # fmt: skip
        self.box = ParagraphStyle(
            "box", parent=base, backColor=ACCENT_LIGHT, borderPadding=6, spaceBefore=6,
            spaceAfter=10, leftIndent=6, rightIndent=6,
        )  # fmt: skip


# -- counts as people read them ------------------------------------------------------


def k_of_n(k: int, n: int, unit: str = "calls") -> str:
    """ "3 of 5 calls"; with a percentage only where n is 10 or more."""
    text = f"{k:,} of {n:,} {unit}"
    if n >= 10:
        text += f" ({round(100 * k / n)}%)"
    return text


def share(k: int, n: int) -> str:
    """A share for a table cell: "3 of 5", or "3 of 25 · 12%"."""
    if n == 0:
        return "–"
    return f"{k:,} of {n:,}" + (f" · {round(100 * k / n)}%" if n >= 10 else "")


def change(now: int, before: int) -> str:
    """A change in counts, signed: "+3", "−2", "no change"."""
    diff = now - before
    if diff == 0:
        return "no change"
    return f"+{diff:,}" if diff > 0 else f"−{-diff:,}"


def trend_mark(trend: str, delta: int) -> str:
    """An arrow with the change in calls (report markup)."""
    if trend == "new":
        return '<font color="#1f7a8c">● new</font>'
    if trend == "up":
        return f'<font color="#2e7d4f">▲ +{delta}</font>'
    if trend == "down":
        return f'<font color="#b23a3a">▼ −{-delta}</font>'
    return '<font color="#69707d">■ same</font>'


# -- tables --------------------------------------------------------------------------


#: A table cell's padding on either side (half that in a tight table).
CELL_PADDING: Final = 5


def table(
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    *,
    header: bool = True,
    right: Sequence[int] = (),
    zebra: bool = True,
    repeat: bool = True,
    tight: bool = False,
    plain: ParagraphStyle | None = None,
) -> Table:
    """A report table: a quiet header, zebra rows, hairlines, no vertical rules.

    Cells below the header that are plain strings (`text.one_line`) are set in `plain`,
    where a paragraph in that style would have drawn them."""
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING / 2 if tight else CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING / 2 if tight else CELL_PADDING),
        ("LINEBELOW", (0, -1), (-1, -1), 0.5, RULE),
    ]
    if header:
        commands += [
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
            ("BOTTOMPADDING", (0, 0), (-1, 0), 4),
        ]
    first = 1 if header else 0
    if zebra:
        for i in range(first, len(rows)):
            if (i - first) % 2 == 1:
                commands.append(("BACKGROUND", (0, i), (-1, i), ZEBRA))
    for col in right:
        commands.append(("ALIGN", (col, 0), (col, -1), "RIGHT"))
    if plain is not None:
        commands += [
            ("FONTNAME", (0, first), (-1, -1), plain.fontName),
            ("FONTSIZE", (0, first), (-1, -1), plain.fontSize),
            ("LEADING", (0, first), (-1, -1), plain.leading),
            ("TEXTCOLOR", (0, first), (-1, -1), plain.textColor),
        ]
    return Table(
        [list(row) for row in rows],
        colWidths=list(widths),
        style=TableStyle(commands),
        repeatRows=1 if header and repeat else 0,
        hAlign="LEFT",
        splitInRow=1,  # a row taller than a page splits rather than failing the export
    )


def heads(styles: Styles, *titles: str, right: Sequence[int] = ()) -> list[Paragraph]:
    return [
        label(t, styles.cell_head_right if i in right else styles.cell_head)
        for i, t in enumerate(titles)
    ]


# -- charts --------------------------------------------------------------------------


def bar_chart(
    items: Sequence[tuple[str, int]],
    *,
    width: float = BODY_WIDTH,
    previous: Sequence[int] | None = None,
    caption: str = "",
    names: tuple[str, str] = ("this period", "previous period"),
) -> Drawing:
    """Horizontal bars for a ranking, the top first; the previous period beside them,
    the legend naming the two periods by `names` (this one, the previous one)."""
    register_fonts()
    items = list(items)
    bar_h = 15 if previous is None else 20
    top_room = 0 if previous is None else 16
    height = max(60, bar_h * len(items) + 40 + top_room)
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 150, 26
    # types-reportlab types a chart's and a legend's numbers as int; reportlab takes any.
    chart.width, chart.height = width - 190, height - 40 - top_room  # type: ignore[assignment]
    values = [n for _, n in reversed(items)]
    data = [values]
    if previous is not None:
        data = [list(reversed(list(previous))), values]
    chart.data = data
    chart.categoryAxis.categoryNames = [_short(name, 26) for name, _ in reversed(items)]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.fillColor = TEXT
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.categoryAxis.strokeColor = RULE
    chart.categoryAxis.visibleTicks = False
    top = max([1, *values, *(previous or [])])
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = _nice(top)
    chart.valueAxis.valueStep = max(1, _nice(top) // 5)
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labels.fillColor = MUTED
    chart.valueAxis.strokeColor = RULE
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#eceff3")
    chart.valueAxis.gridStrokeWidth = 0.5
    chart.bars.strokeColor = None
    chart.barSpacing = 1
    chart.groupSpacing = 5
    if previous is None:
        chart.bars[0].fillColor = ACCENT
    else:
        chart.bars[0].fillColor = PREVIOUS
        chart.bars[1].fillColor = ACCENT
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 7
    chart.barLabels.fillColor = TEXT
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    if previous is not None:
        _legend(
            drawing, [(ACCENT, names[0]), (PREVIOUS, names[1])], width,
            y=height - 2, x=150, anchor="nw",
        )  # fmt: skip
    if caption:
        drawing.add(String(150, 4, caption, fontName=FONT, fontSize=7, fillColor=MUTED))
    return drawing


def line_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    width: float = BODY_WIDTH,
    height: float = 150,
    percent: bool = False,
) -> Drawing:
    """Lines over periods, one per series, with a legend."""
    register_fonts()
    drawing = Drawing(width, height)
    chart = HorizontalLineChart()
    chart.x, chart.y = 40, 48
    chart.width, chart.height = width - 60, height - 60  # type: ignore[assignment]
    chart.data = [[v if v is not None else None for v in values] for _, values in series]
    chart.categoryAxis.categoryNames = list(labels)
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.labels.fillColor = TEXT
    chart.categoryAxis.strokeColor = RULE
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labels.fillColor = MUTED
    chart.valueAxis.strokeColor = RULE
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#eceff3")
    chart.valueAxis.gridStrokeWidth = 0.5
    chart.valueAxis.valueMin = 0
    values = [v for _, vs in series for v in vs if v is not None]
    if percent:
        chart.valueAxis.valueMax = 100
        chart.valueAxis.valueStep = 20
        chart.valueAxis.labelTextFormat = "%d%%"
    else:
        top = _nice(max([1.0, *values]))
        chart.valueAxis.valueMax = top
        chart.valueAxis.valueStep = max(1, top // 5)
    chart.joinedLines = 1
    for i in range(len(series)):
        chart.lines[i].strokeColor = SERIES[i % len(SERIES)]
        chart.lines[i].strokeWidth = 1.8
        chart.lines[i].symbol = None
    drawing.add(chart)
    room = (width - 40) / max(1, len(series))
    _legend(
        drawing,
        [
            (SERIES[i % len(SERIES)], _short(name, int(room / 4.5)))
            for i, (name, _) in enumerate(series)
        ],
        width,
        y=6,
        x=40,
        spacing=room,
    )
    return drawing


def _legend(
    drawing: Drawing,
    pairs: Sequence[tuple[Any, str]],
    width: float,
    *,
    y: float | None = None,
    x: float | None = None,
    spacing: float | None = None,
    anchor: str = "sw",
) -> None:
    legend = Legend()
    legend.alignment = "right"
    legend.x = x if x is not None else width - 190  # type: ignore[assignment]
    legend.y = y if y is not None else 12  # type: ignore[assignment]
    legend.dx = legend.dy = 7
    legend.fontName = FONT
    legend.fontSize = 7.5
    legend.fillColor = TEXT
    legend.columnMaximum = 1
    legend.deltax = spacing or 90  # type: ignore[assignment]
    legend.colorNamePairs = list(pairs)
    legend.strokeColor = None
    legend.boxAnchor = anchor
    drawing.add(legend)


def _nice(value: float) -> int:
    """A round axis maximum just above `value`."""
    for step in (5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step:
            return step
    return int(value * 1.1) + 1


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- the document --------------------------------------------------------------------


class Bookmark(Flowable):
    """An invisible mark: the outline entry of the section that follows."""

    def __init__(self, title: str, level: int = 0) -> None:
        super().__init__()
        self.title = title
        self.level = level
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        key = f"section-{id(self)}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(self.title, key, level=self.level, closed=self.level > 0)


def section(title: str, style: ParagraphStyle, level: int = 0) -> list[Flowable]:
    """A heading with its outline entry (the title may hold user text: it is escaped)."""
    return [Bookmark(title, level), para(title, style)]


def gap(height: float = 6) -> Spacer:
    return Spacer(1, height)


def _numbered_canvas(title: str) -> type[Canvas]:
    class NumberedCanvas(Canvas):
        """Holds each page until the end, to print "page N of M" and the header."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def setFont(self, psfontname: str, size: float, leading: float | None = None) -> None:
            # reportlab's own defaults (a table's cells, a chart's initial state) name
            # Helvetica, which would be the one font not embedded: ours stands in.
            if psfontname not in SHIPPED_FONTS:
                psfontname = FONT
            super().setFont(psfontname, size, leading)

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            # reportlab's own recipe: a fresh page without writing this one out (private,
            # so not in types-reportlab).
            self._startPage()  # type: ignore[attr-defined]

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._frame(total)
                Canvas.showPage(self)
            Canvas.save(self)

        def _frame(self, total: int) -> None:
            page = self.getPageNumber()
            self.saveState()
            self.setFont(FONT, 7.5)
            self.setFillColor(MUTED)
            if page > 1:
                self.drawString(MARGIN, PAGE_HEIGHT - 12 * mm, title)
                self.setStrokeColor(RULE)
                self.setLineWidth(0.5)
                self.line(
                    MARGIN, PAGE_HEIGHT - 13.5 * mm, PAGE_WIDTH - MARGIN, PAGE_HEIGHT - 13.5 * mm
                )
            self.drawRightString(PAGE_WIDTH - MARGIN, 11 * mm, f"Page {page} of {total}")
            self.drawString(MARGIN, 11 * mm, "Ridealong")
            self.restoreState()

    return NumberedCanvas


def write_pdf(
    target: Path,
    story: list[Flowable],
    *,
    title: str,
    author: str,
    subject: str,
    keywords: Sequence[str] = (),
    progress: Callable[[int, int], None],
    cancel: CancelToken | None,
) -> int:
    """Lay the story out into `target` (atomically); returns the number of pages.

    `progress(done, total)` counts flowables placed; the token is checked after each.
    """
    register_fonts()
    total = len(story)
    placed = 0

    class _Doc(BaseDocTemplate):
        def afterFlowable(self, flowable: Flowable) -> None:
            nonlocal placed
            placed += 1
            if cancel is not None:
                cancel.raise_if_cancelled()
            if placed % 10 == 0 or placed == total:
                progress(min(placed, total), total)

    # The target's name may be near the 255 bytes a name can have: the temporary one
    # keeps its first 40 characters (160 bytes at most), so it always fits beside it.
    handle, temp_name = tempfile.mkstemp(
        prefix=f".{target.name[:40]}.", suffix=".part", dir=target.parent
    )
    os.close(handle)
    temp = Path(temp_name)
    try:
        doc = _Doc(
            str(temp),
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
            title=title,
            author=author,
            subject=subject,
            creator="Ridealong",
            keywords=list(keywords),
            invariant=False,
            initialFontName=FONT,  # not reportlab's Helvetica, which no PDF embeds
        )
        frame = Frame(
            MARGIN, MARGIN, BODY_WIDTH, PAGE_HEIGHT - 2 * MARGIN, id="body",
            leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
        )  # fmt: skip
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        doc.build(story, canvasmaker=_numbered_canvas(title))
        pages = doc.page
        os.replace(temp, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise UserError(f"cannot write {target}: {error.strerror or error}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    return pages


class Phases:
    """Maps the steps of an export (gather, lay out) onto one progress(done, total)."""

    TOTAL: Final = 1000

    def __init__(self, progress: Progress, cancel: CancelToken | None) -> None:
        self._progress = progress
        self._cancel = cancel
        self.started = time.perf_counter()

    def check(self) -> None:
        if self._cancel is not None and self._cancel.cancelled:
            raise Cancelled("the export was cancelled")

    def part(self, start: float, end: float) -> Callable[[int, int], None]:
        """A progress callback filling the share [start, end] of the whole."""

        def report(done: int, total: int) -> None:
            fraction = done / total if total else 1.0
            self._progress(int(self.TOTAL * (start + (end - start) * fraction)), self.TOTAL)

        return report

    def done(self) -> None:
        self._progress(self.TOTAL, self.TOTAL)

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started
