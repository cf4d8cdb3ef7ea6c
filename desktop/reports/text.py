"""User text on a PDF page: escaped, in a font that has its characters, never dropped.

A reportlab `Paragraph` parses its text as markup, so a note reading `<b>` or `&amp;`
or `</para>` would change the page or break it. Every piece of user text therefore
reaches a Paragraph only through `para()`, which escapes it (`xml.sax.saxutils.escape`)
and turns line breaks into `<br/>`. On the way it picks a font per run of characters,
among the shipped fonts, all embedded (see `desktop.reports.fonts`):

- the paragraph's own font when it has the character, else DejaVu Sans (Latin, Greek,
  Cyrillic, Arabic, Hebrew, symbols), Droid Sans Fallback (Chinese, Japanese, Korean)
  or Noto Emoji; emoji (past U+FFFF, or asked for with U+FE0F) come from Noto Emoji,
  a joined emoji sequence or a flag as the one picture the font has for it;
- for anything no shipped font has (Thai, Devanagari, private-use characters, control
  characters) a visible grey stand-in naming the character, e.g. `[U+0007]`, so
  nothing disappears silently. Invisible format characters that no font draws
  (direction marks, say) are left out.

Arabic and Hebrew are shaped with `arabic-reshaper` (letters take their joined forms;
vowel marks are kept) and put in display order line by line with `python-bidi`, after
the paragraph knows its width, so a long right-to-left note wraps in the right order.
Text extractors give back the letters as typed: each shaped glyph is mapped back to
its letter in the PDF's ToUnicode map (see `desktop.reports.fonts`).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from typing import Any, Final
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, Paragraph

from desktop.reports import fonts
from desktop.services.redaction import Redactor

FONT: Final = fonts.SANS
FONT_BOLD: Final = fonts.SANS_BOLD
FONT_ITALIC: Final = fonts.SANS_ITALIC
FONT_BOLD_ITALIC: Final = fonts.SANS_BOLD_ITALIC
STAND_IN_COLOUR: Final = "#8a8f98"

_UPRIGHT: Final = {FONT_ITALIC: FONT, FONT_BOLD_ITALIC: FONT_BOLD}
_NEWLINES = re.compile(r"\r\n|[\r\x85\u2028\u2029\x0b\x0c]")
_LINE_BREAK = re.compile(r"\r\n|[\n\r\x85\u2028\u2029\x0b\x0c]")
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
#: What follows a picture in an emoji sequence: joiner, variation selectors, skin tones,
#: the keycap.
_JOINERS: Final = frozenset({0x200D, 0xFE0F, 0xFE0E, 0x20E3, *range(0x1F3FB, 0x1F400)})
#: Arabic letters and marks: what the reshaper is given, a run at a time.
_ARABIC = re.compile("[\u0600-\u08ff\ufb50-\ufdff\ufe70-\ufeff]+")


def register_fonts() -> None:
    """Register the shipped DejaVu family (the other fonts as a text needs them)."""
    fonts.register(FONT)


def _invisible(ch: str) -> bool:
    return ord(ch) in _JOINERS or unicodedata.category(ch) == "Cf"


def _describe(ch: str) -> str:
    name = unicodedata.name(ch, "")
    if not name or unicodedata.category(ch) in ("Cc", "Co", "Cn", "Cs"):
        return f"U+{ord(ch):04X}"
    return name.lower()


def _stand_in(run: str) -> str:
    """A visible name for characters no font here draws: each named when few, counted
    by script when many (a Thai or Hindi sentence)."""
    shown = [c for c in run if not _invisible(c)]
    if shown and all(unicodedata.category(c) == "Cc" for c in shown):
        return "[" + " ".join(f"U+{ord(c):04X}" for c in shown) + "]"
    if len(shown) <= 3:
        return "[" + " + ".join(_describe(c) for c in shown) + "]" if shown else ""
    letters = [c for c in shown if unicodedata.category(c).startswith(("L", "M"))]
    script = unicodedata.name(letters[0], "").split(" ")[0].capitalize() if letters else ""
    what = f"{script} text" if script else "characters"
    return f"[{what}: {len(shown)} characters this font cannot show]"


def normalise(text: str) -> str:
    """One kind of line break, tabs as spaces: what a reader would see as typed."""
    return _NEWLINES.sub("\n", text).replace("\t", "    ")


def _runs(text: str, base: str = FONT) -> Iterator[tuple[str | None, str]]:
    """(font, text) runs: font '' for the paragraph's own, None for characters to show
    as stand-ins. An emoji sequence stays whole in one run of the emoji font."""
    emoji = "" if base == fonts.EMOJI else fonts.EMOJI
    font: str | None = ""
    run: list[str] = []
    for i, ch in enumerate(text):
        code = ord(ch)
        if run and font is None and code in _JOINERS:
            run.append(ch)  # part of an emoji sequence being described
            continue
        joined = run and font == emoji and (code in _JOINERS or run[-1] == fonts.ZWJ)
        if joined and code in fonts.covered(fonts.EMOJI):
            run.append(ch)  # part of the emoji sequence being drawn
            continue
        if ch == "\n":
            wanted: str | None = ""
        elif text[i + 1 : i + 2] == fonts.VARIATION_EMOJI and code in fonts.covered(fonts.EMOJI):
            wanted = emoji  # the character asked to be shown as an emoji
        else:
            wanted = fonts.font_for(ch, base)
        if wanted is None and _invisible(ch):
            continue
        if wanted != font and run:
            yield font, "".join(run)
            run = []
        font = wanted
        run.append(ch)
    if run:
        yield font, "".join(run)


@functools.cache
def _plain(char: str, base: str) -> bool:
    """Whether `char` is drawn by `base` itself whatever surrounds it (no emoji joiner,
    selector or picture): a text of such characters is one run of the paragraph's font."""
    code = ord(char)
    if char == "\n":
        return True
    if code in _JOINERS or char in (fonts.VARIATION_EMOJI, fonts.ZWJ):
        return False
    return fonts.font_for(char, base) == ""


def _all_plain(text: str, base: str) -> bool:
    return all(_plain(c, base) for c in set(text))


def markup(text: str, base: str = FONT) -> str:
    """Paragraph markup that shows `text` as typed: escaped, in fonts that have it.
    `base` is the font of the paragraph it goes into."""
    text = normalise(text)
    if _all_plain(text, base):  # what `_runs` would find, without a look at each character
        return escape(text).replace("\n", "<br/>")
    parts = []
    for font, run in _runs(text, base):
        if font is None:
            stand_in = escape(_stand_in(run))
            parts.append(f'<font color="{STAND_IN_COLOUR}">{stand_in}</font>')
        elif font == fonts.EMOJI:
            parts.append(f'<font face="{font}">{escape(fonts.pictures(run))}</font>')
        elif font:
            parts.append(f'<font face="{font}">{escape(run)}</font>')
        else:
            parts.append(escape(run))
    return "".join(parts).replace("\n", "<br/>")


#: Line breaks a trimmed text keeps: a short text of many lines is as tall as a long one.
MAX_LINES: Final = 12


def trim(text: str, limit: int | None) -> tuple[str, int]:
    """The text cut at a word boundary near `limit` characters (or after `MAX_LINES`
    line breaks), and how many characters were cut."""
    if limit is None:
        return text, 0
    breaks = [m.start() for m in _LINE_BREAK.finditer(text, 0, limit)]
    if len(breaks) > MAX_LINES:
        limit = breaks[MAX_LINES]
    elif len(text) <= limit:
        return text, 0
    cut = text.rfind(" ", int(limit * 0.8), limit)
    cut = cut if cut > 0 else limit
    kept = text[:cut].rstrip()
    return kept, len(text) - len(kept)


def para(text: str, style: ParagraphStyle, *, limit: int | None = None) -> Paragraph:
    """The only way user text becomes a Paragraph (see the module docstring).

    With `limit`, a longer text is cut and ends with a visible "trimmed" marker saying
    how many characters are left out: never a silent cut.
    """
    register_fonts()
    shown, cut = trim(text, limit)
    tail = ""
    if cut:
        tail = f' <font color="{STAND_IN_COLOUR}"><i>… trimmed: {cut:,} more characters</i></font>'
    if _RTL.search(shown):
        upright = _UPRIGHT.get(style.fontName)
        if upright is not None:  # Arabic has no oblique here: set the paragraph upright
            style = ParagraphStyle(f"{style.name}-upright", parent=style, fontName=upright)
        return _BidiParagraph(markup(shown, style.fontName) + tail, style, source=(shown, tail))
    return Paragraph(markup(shown, style.fontName) + tail, style)


def one_line(text: str, style: ParagraphStyle, width: float) -> str | None:
    """`text` as a plain table cell `width` wide (inside its padding), when a paragraph
    in `style` would draw it as it is: one line, single-spaced, every character in the
    style's font, nothing a reader could take for markup. A table sets such a cell in its
    own font (`layout.table`'s `plain`) at the same place, for a fraction of the cost of
    a paragraph: the month's list of calls is thousands of them. Else None."""
    if not text or text != " ".join(text.split()) or "<" in text or "&" in text:
        return None
    if _RTL.search(text) or not _all_plain(text, style.fontName):
        return None
    if _width(text, style) > width - 1:  # a point short, so rounding never wraps it
        return None
    return text


def line(text: str, style: ParagraphStyle, width: float) -> Flowable | None:
    """`text` as one plain line in a frame `width` wide, drawn where a paragraph in
    `style` would draw it (`one_line`, for a left-aligned paragraph without first-line
    indent or bullet); else None. A month's untagged notes are thousands of them."""
    plain_style = style.alignment == TA_LEFT and not style.firstLineIndent
    extras = ("bulletText", "backColor", "borderWidth", "textTransform")
    if not plain_style or any(getattr(style, name, None) for name in extras):
        return None
    inside = width - style.leftIndent - style.rightIndent
    shown = one_line(text, style, inside)
    return None if shown is None else _Line(shown, style)


class _Line(Flowable):
    """One line of plain text in a paragraph style, without a paragraph's parsing and
    line breaking: the same box, spacing and baseline as a one-line `Paragraph`."""

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.text = text
        self.style = style

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = availWidth, self.style.leading
        return self.width, self.height

    def getSpaceBefore(self) -> float:
        return float(self.style.spaceBefore)

    def getSpaceAfter(self) -> float:
        return float(self.style.spaceAfter)

    def draw(self) -> None:
        style = self.style
        self.canv.setFont(style.fontName, style.fontSize, style.leading)
        self.canv.setFillColor(style.textColor)
        self.canv.drawString(style.leftIndent, self.height - style.fontSize, self.text)


def label(text: str, style: ParagraphStyle) -> Paragraph:
    """A Paragraph of the report's own wording (which may hold markup)."""
    register_fonts()
    return Paragraph(text, style)


class _BidiParagraph(Paragraph):
    """A paragraph holding right-to-left text: wrapped in logical order at the width it
    is given, then each line reshaped and put in display order."""

    def __init__(
        self,
        text: Any,
        style: Any,
        *args: Any,
        source: tuple[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(text, style, *args, **kwargs)
        self._source = source
        self._laid_out_at: float | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if self._source is not None and self._laid_out_at != availWidth:
            self._laid_out_at = availWidth
            text, tail = self._source
            lines, rtl = _display_lines(text, self.style, availWidth)
            style = self.style
            if rtl and style.alignment == TA_LEFT:
                style = ParagraphStyle(f"{style.name}-rtl", parent=style, alignment=TA_RIGHT)
            source, laid_out = self._source, self._laid_out_at
            body = "<br/>".join(markup(line, style.fontName) for line in lines)
            Paragraph.__init__(self, body + tail, style)
            self._source, self._laid_out_at = source, laid_out
        return super().wrap(availWidth, availHeight)


@functools.cache
def _reshaper() -> Any:
    """Arabic letters joined, their vowel marks (harakat) kept."""
    import arabic_reshaper

    return arabic_reshaper.ArabicReshaper(configuration={"delete_harakat": False})


def _display_lines(text: str, style: ParagraphStyle, width: float) -> tuple[list[str], bool]:
    """Lines that fit `width`, each shaped and in display order; and whether the text
    reads right to left. Each typed line keeps one direction, that of its first strong
    character, however it wraps."""
    from bidi import get_display

    reshaper = _reshaper()
    lines = []
    for source_line in normalise(text).split("\n"):
        direction = "R" if _reads_right_to_left(source_line) else "L"
        # An emoji sequence becomes its one picture first, so that the reordering cannot
        # turn it round; and only Arabic goes through the reshaper, which drops joiners
        # elsewhere and fails on a joiner before a lam-alef.
        pictured = fonts.pictures(source_line)
        shaped = _ARABIC.sub(lambda run: reshaper.reshape(run.group()), pictured)
        for line in _fit(shaped, style, width):
            lines.append(get_display(line, base_dir=direction))
    return lines, _reads_right_to_left(text)


def _reads_right_to_left(text: str) -> bool:
    strong = (unicodedata.bidirectional(c) for c in text)
    return next((d for d in strong if d in ("L", "R", "AL")), "L") in ("R", "AL")


def _fit(line: str, style: ParagraphStyle, width: float) -> list[str]:
    """Greedy word wrap of a logical line (measured in the base font)."""
    words = line.split(" ")
    found: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if current and _width(candidate, style) > width:
            found.append(current)
            current = word
        else:
            current = candidate
    found.append(current)
    return found


def _width(text: str, style: ParagraphStyle) -> float:
    try:
        return pdfmetrics.stringWidth(text, style.fontName, style.fontSize)
    except (KeyError, ValueError):  # a character the metrics do not know
        return len(text) * style.fontSize * 0.6


class ReportText:
    """User text as a report prints it: through the redactor when the PDF is redacted."""

    def __init__(self, redactor: Redactor | None) -> None:
        self.redactor = redactor

    def __call__(self, text: str | None) -> str:
        if not text:
            return ""
        return self.redactor(text) if self.redactor is not None else text

    def account(self, name: str) -> str:
        return self.redactor.account(name) if self.redactor is not None else name

    def contact(self, name: str, title: str | None, deal_role: str | None) -> str:
        if self.redactor is None:
            return name
        return self.redactor.contact(name, title, deal_role)

    def person(self, name: str) -> str:
        """A team member's name: kept, or their role when redacting by role."""
        return self.redactor.person(name) if self.redactor is not None else name
