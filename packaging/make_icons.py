"""Render resources/finder.svg into the icon file a platform's bundle needs.

    python packaging/make_icons.py windows   # packaging/windows/finder.ico
    python packaging/make_icons.py macos     # packaging/macos/finder.icns
    python packaging/make_icons.py linux     # nothing: Linux uses the SVG itself

Run by build-bundle.sh with the build venv's Python (PySide6 renders the SVG, offscreen).
Both formats are containers of PNG images, written here by hand: an .ico of 16-256 px
(Windows picks the size it needs) and an .icns of 16-1024 px (PNG entries, macOS 10.7+).
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SVG = REPO / "resources" / "finder.svg"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# icns entry types holding PNG data, by pixel size.
ICNS_TYPES = {
    16: b"icp4",
    32: b"icp5",
    64: b"icp6",
    128: b"ic07",
    256: b"ic08",
    512: b"ic09",
    1024: b"ic10",
}


def render_png(size: int) -> bytes:
    """The SVG drawn at ``size`` x ``size`` pixels, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    QSvgRenderer(str(SVG)).render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def ico(images: dict[int, bytes]) -> bytes:
    """An ICO file of PNG images (ICONDIR, one ICONDIRENTRY each, then the PNGs)."""
    head = struct.pack("<HHH", 0, 1, len(images))
    offset = len(head) + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in images.items():
        side = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return head + entries + blobs


def icns(images: dict[int, bytes]) -> bytes:
    """An ICNS file of PNG entries (type, length including the 8-byte header, data)."""
    body = b"".join(
        ICNS_TYPES[size] + struct.pack(">I", len(png) + 8) + png for size, png in images.items()
    )
    return b"icns" + struct.pack(">I", len(body) + 8) + body


def main(platform: str) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if platform == "windows":
        target = REPO / "packaging" / "windows" / "finder.ico"
        target.write_bytes(ico({s: render_png(s) for s in ICO_SIZES}))
    elif platform == "macos":
        target = REPO / "packaging" / "macos" / "finder.icns"
        target.write_bytes(icns({s: render_png(s) for s in ICNS_TYPES}))
    elif platform == "linux":
        return 0
    else:
        print(f"usage: {sys.argv[0]} windows|macos|linux", file=sys.stderr)
        return 2
    print(f"make_icons: wrote {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else ""))
