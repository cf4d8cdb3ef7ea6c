"""Redraw the app icon's PNGs, .ico and .icns from `resources/icons/ridealong.svg`.

The SVG is the one source; the PNGs are committed (the window and the Linux desktop
entry load them, so a plain `pip install` needs no SVG renderer at run time) and the
.ico/.icns are what the Windows and macOS builds stamp on their executables. Run
`python packaging/icons.py` after changing the SVG.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
SVG = ICONS / "ridealong.svg"
#: The sizes desktops ask for (hicolor theme folders, taskbars, docks, installers).
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO = ROOT / "packaging" / "ridealong.ico"
ICNS = ROOT / "packaging" / "ridealong.icns"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)


def png_path(size: int) -> Path:
    return ICONS / f"ridealong-{size}.png"


def render(size: int) -> bytes:
    """The SVG drawn at `size`×`size` pixels, as PNG bytes (Qt's own SVG renderer, so
    the picture matches what Qt would draw from the SVG)."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"{SVG} is not an SVG Qt can draw")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def main() -> int:
    from PIL import Image

    drawn = {size: render(size) for size in sorted({*PNG_SIZES, *ICO_SIZES, *ICNS_SIZES})}
    for size in PNG_SIZES:
        png_path(size).write_bytes(drawn[size])
        print(f"wrote {png_path(size).relative_to(ROOT)}")
    images = {size: Image.open(io.BytesIO(data)).convert("RGBA") for size, data in drawn.items()}
    largest = ICO_SIZES[-1]
    images[largest].save(
        ICO,
        format="ICO",
        sizes=[(s, s) for s in ICO_SIZES],
        append_images=[images[s] for s in ICO_SIZES[:-1]],
    )
    print(f"wrote {ICO.relative_to(ROOT)}")
    largest = ICNS_SIZES[-1]
    images[largest].save(ICNS, format="ICNS", append_images=[images[s] for s in ICNS_SIZES[:-1]])
    print(f"wrote {ICNS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
