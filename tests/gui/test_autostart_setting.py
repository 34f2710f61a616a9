"""The settings dialog's "Start finder when I log in" box, on the real XDG entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from finder import autostart
from finder.gui.settings_dialog import SettingsDialog
from finder.settings import IndexSettings


def test_the_login_box_adds_and_removes_the_entry(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ticked and OK, the login entry exists and the next dialog shows the box ticked;
    unticked and OK, it is gone; Cancel changes nothing."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    entry = tmp_path / "xdg" / "autostart" / "finder.desktop"

    def dialog() -> SettingsDialog:
        shown = SettingsDialog([], IndexSettings())
        qtbot.addWidget(shown)
        return shown

    first = dialog()
    assert not first.start_at_login.isChecked()
    first.start_at_login.setChecked(True)
    first.reject()
    assert not entry.exists()

    second = dialog()
    second.start_at_login.setChecked(True)
    second.accept()
    assert entry.is_file() and autostart.is_enabled()

    third = dialog()
    assert third.start_at_login.isChecked()
    third.start_at_login.setChecked(False)
    third.accept()
    assert not entry.exists()
