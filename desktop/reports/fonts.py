"""The fonts both PDFs are set in: shipped TrueType files, every one embedded.

A PDF that leans on a reader's own fonts (the base-14 Helvetica, a CID font such as
STSong) shows empty boxes wherever that reader lacks them, so everything on a page
comes from `resources/fonts`, embedded as a subset of the glyphs used:

- DejaVu Sans (regular, bold, oblique, bold oblique): Latin, Greek, Cyrillic, Arabic,
  Hebrew, symbols;
- Droid Sans Fallback (Apache 2.0): Chinese, Japanese kana and kanji, Korean Hangul;
- Noto Emoji (SIL OFL 1.1), the monochrome one: emoji as black-and-white glyphs.

The last two are read only when a text needs them. reportlab draws one glyph per
character and has no shaping, so emoji sequences (a family joined by U+200D, a skin
tone, a flag) would come out as their parts; the font's own ligature table says which
glyph a sequence is, and `pictures` hands each sequence over as one private-use
character drawn with that glyph. What a reader copies out of the PDF is still the
sequence as typed: reportlab's map from glyphs back to text (ToUnicode) is written
here, for sequences and for characters past U+FFFF, which reportlab's own writes wrongly.
"""

from __future__ import annotations

import functools
import io
import re
import struct
import threading
import unicodedata
from collections.abc import Iterator
from typing import Any, Final

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from desktop import shipped

SANS: Final = "RidealongSans"
SANS_BOLD: Final = "RidealongSans-Bold"
SANS_ITALIC: Final = "RidealongSans-Oblique"
SANS_BOLD_ITALIC: Final = "RidealongSans-BoldOblique"
CJK: Final = "RidealongCJK"
EMOJI: Final = "RidealongEmoji"

FILES: Final = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    SANS_ITALIC: "DejaVuSans-Oblique.ttf",
    SANS_BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
    CJK: "DroidSansFallback.ttf",
    EMOJI: "NotoEmoji-Regular.ttf",
}
#: Where a character the paragraph's own font lacks is looked for, in this order; past
#: U+FFFF (emoji, mostly) the emoji font comes first, so that all emoji look alike.
FALLBACKS: Final = (SANS, CJK, EMOJI)
ASTRAL_FALLBACKS: Final = (EMOJI, SANS, CJK)

VARIATION_EMOJI: Final = "\ufe0f"
ZWJ: Final = "\u200d"

#: Private-use code points (plane 16) given to the emoji sequences met so far. A note
#: holding such a character itself (no font has one) would show that sequence's picture.
_FIRST_SEQUENCE: Final = 0x100000
_lock = threading.Lock()
_sequence_codes: dict[str, int] = {}
_sequence_of_code: dict[int, str] = {}

#: A run of emoji that may be one picture: a flag (two regional indicators), a keycap,
#: or pictures with their variation selector and skin tone joined by U+200D; or else
#: any one character.
_PICTURE = r"[^\u200d\ufe0f\U0001f3fb-\U0001f3ff]\ufe0f?[\U0001f3fb-\U0001f3ff]?\ufe0f?"
_CLUSTER = re.compile(
    rf"[\U0001f1e6-\U0001f1ff]{{2}}|[#*0-9]\ufe0f?\u20e3|{_PICTURE}(?:\u200d{_PICTURE})*|.",
    re.DOTALL,
)


_FAMILY: Final = (SANS, SANS_BOLD, SANS_ITALIC, SANS_BOLD_ITALIC)


def register(name: str) -> None:
    """Register a shipped font with reportlab (once per process); the DejaVu faces as
    one family, so that <b> and <i> find their faces."""
    for face in _FAMILY if name in _FAMILY else (name,):
        _load(face)
    if name in _FAMILY:
        _register_family()


@functools.cache
def _load(name: str) -> None:
    data = shipped.folder("fonts").joinpath(FILES[name]).read_bytes()
    pdfmetrics.registerFont(TTFont(name, io.BytesIO(data)))
    ttfonts.makeToUnicodeCMap = _to_unicode_cmap  # see the module docstring


@functools.cache
def _register_family() -> None:
    pdfmetrics.registerFontFamily(
        SANS, normal=SANS, bold=SANS_BOLD, italic=SANS_ITALIC, boldItalic=SANS_BOLD_ITALIC
    )


@functools.cache
def covered(name: str) -> frozenset[int]:
    """The characters a shipped font has glyphs for (not the sequences' stand-ins)."""
    return frozenset(code for code in _face(name).charToGlyph if code < _FIRST_SEQUENCE)


def _face(name: str) -> Any:
    register(name)
    return pdfmetrics.getFont(name).face  # type: ignore[attr-defined]


def font_for(char: str, base: str) -> str | None:
    """The font that draws `char` in a paragraph set in `base`: '' for `base` itself,
    another font's name, or None when no shipped font has it."""
    if ord(char) in _sequence_of_code:  # an emoji sequence's picture (see `pictures`)
        return "" if base == EMOJI else EMOJI
    return _font_for(char, base)


@functools.cache
def _font_for(char: str, base: str) -> str | None:
    code = ord(char)
    astral = code > 0xFFFF
    if base in FILES and code in covered(base) and not (astral and code in covered(EMOJI)):
        return ""
    for name in ASTRAL_FALLBACKS if astral else FALLBACKS:
        if code in covered(name):
            return "" if name == base else name
    return None


def pictures(text: str) -> str:
    """`text` with each emoji sequence the emoji font draws as one picture (a family, a
    flag, a keycap, a skin tone, a heart asked to be an emoji) replaced by a private-use
    character drawn as that picture, which copies out of the PDF as the sequence."""
    return _CLUSTER.sub(_picture, text)


def _picture(found: re.Match[str]) -> str:
    cluster = found.group()
    if len(cluster) == 1:
        return cluster
    key = tuple(ord(c) for c in cluster if c != VARIATION_EMOJI)
    glyph = _ligatures().get(key)
    if glyph is None and ZWJ not in cluster and key[0] in covered(EMOJI):
        # a picture with a skin tone or variation selector the font has no picture for:
        # the plain picture (a sequence joined by U+200D shows its parts instead)
        glyph = _face(EMOJI).charToGlyph[key[0]]
    if glyph is None:
        return cluster
    with _lock:
        code = _sequence_codes.get(cluster)
        if code is None:
            face = _face(EMOJI)
            code = _FIRST_SEQUENCE + len(_sequence_codes)
            face.charToGlyph[code] = glyph
            face.charWidths[code] = _advance(face, glyph) * 1000.0 / face.unitsPerEm
            _sequence_codes[cluster] = code
            _sequence_of_code[code] = cluster
    return chr(code)


def _advance(face: Any, glyph: int) -> int:
    """A glyph's advance width in font units, from the font's hmtx table (reportlab's
    own list holds scaled widths for the glyphs past `numberOfHMetrics`)."""
    metrics = struct.unpack_from(">H", face.get_table("hhea"), 34)[0]
    advance: int = struct.unpack_from(">H", face.get_table("hmtx"), 4 * min(glyph, metrics - 1))[0]
    return advance


@functools.cache
def _ligatures() -> dict[tuple[int, ...], int]:
    """The emoji font's ligatures (GSUB type 4) whose parts are all characters, keyed
    by those characters without variation selectors: what sequence is which glyph."""
    face = _face(EMOJI)
    first_char: dict[int, int] = {}
    for code, glyph in sorted(face.charToGlyph.items()):
        if code != ord(VARIATION_EMOJI):
            first_char.setdefault(glyph, code)
    found: dict[tuple[int, ...], int] = {}
    for glyphs, ligature in _gsub_ligatures(face.get_table("GSUB")):
        codes = [first_char.get(g) for g in glyphs]
        if all(c is not None for c in codes):
            found.setdefault(tuple(c for c in codes if c is not None), ligature)
    return found


def _gsub_ligatures(gsub: bytes) -> Iterator[tuple[list[int], int]]:
    """(component glyphs, ligature glyph) of every ligature substitution in a GSUB
    table (OpenType spec: LookupList, LigatureSubstFormat1, Coverage 1 and 2)."""

    def u16(at: int) -> int:
        value: int = struct.unpack_from(">H", gsub, at)[0]
        return value

    lookups = u16(8)
    for i in range(u16(lookups)):
        lookup = lookups + u16(lookups + 2 + 2 * i)
        kind = u16(lookup)
        for j in range(u16(lookup + 4)):
            table = lookup + u16(lookup + 6 + 2 * j)
            if kind == 7:  # an extension: the real subtable is further on
                if u16(table + 2) != 4:
                    continue
                table += struct.unpack_from(">I", gsub, table + 4)[0]
            elif kind != 4:
                continue
            firsts = _coverage(gsub, table + u16(table + 2))
            for k, first in enumerate(firsts):
                ligature_set = table + u16(table + 6 + 2 * k)
                for m in range(u16(ligature_set)):
                    ligature = ligature_set + u16(ligature_set + 2 + 2 * m)
                    count = u16(ligature + 2)
                    rest = [u16(ligature + 4 + 2 * n) for n in range(count - 1)]
                    yield [first, *rest], u16(ligature)


def _coverage(data: bytes, at: int) -> list[int]:
    form, count = struct.unpack_from(">HH", data, at)
    if form == 1:
        return list(struct.unpack_from(f">{count}H", data, at + 4))
    glyphs: list[int] = []
    for n in range(count):
        start, end, _ = struct.unpack_from(">HHH", data, at + 4 + 6 * n)
        glyphs.extend(range(start, end + 1))
    return glyphs


def _typed(code: int) -> str:
    """What a glyph's character stands for in the text as typed: the sequence for an
    emoji sequence's private-use character, the letter (or letters, for lam-alef) for
    an Arabic letter's joined form."""
    if code in _sequence_of_code:
        return _sequence_of_code[code]
    char = chr(code)
    if 0xFB50 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF:
        return unicodedata.normalize("NFKC", char).strip() or char
    return char


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap for one subset of a font (which maps each glyph back
    to text), with the text in UTF-16 as the PDF reference asks (reportlab writes
    "<1F680>" for U+1F680, which no reader understands) and as typed (`_typed`)."""
    entries = [
        f"<{i:02X}> <{_typed(code).encode('utf-16-be').hex().upper()}>"
        for i, code in enumerate(subset)
    ]
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo",
            f"<< /Registry ({fontname})",
            f"/Ordering ({fontname})",
            "/Supplement 0",
            ">> def",
            f"/CMapName /{fontname} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            f"{len(subset)} beginbfchar",
            *entries,
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )
