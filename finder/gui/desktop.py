"""What the window asks of the desktop: open a file, show it in the file manager, copy.

One small class, so tests can intercept the calls at this boundary instead of launching
applications.
"""

from __future__ import annotations

import os
import subprocess
import sys

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication


class Desktop:
    """Hands files to the desktop environment. GUI thread only."""

    def open(self, path: str) -> bool:
        """Open with the default application; False when the desktop has none for it (or
        no way to launch one), so the window can say so and offer the path instead."""
        return QDesktopServices.openUrl(QUrl.fromLocalFile(path))

    def reveal(self, path: str) -> bool:
        """Show the file selected in the file manager (its folder where that is not
        possible); False when no file manager could be started."""
        if sys.platform == "darwin":
            return subprocess.run(["open", "-R", path], check=False).returncode == 0
        if sys.platform == "win32":
            return subprocess.run(["explorer", "/select,", path], check=False).returncode == 0
        return QDesktopServices.openUrl(QUrl.fromLocalFile(os.path.dirname(path)))

    def copy(self, text: str) -> None:
        QGuiApplication.clipboard().setText(text)
