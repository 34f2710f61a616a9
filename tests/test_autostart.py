"""The login entry (finder.autostart) on this platform's XDG autostart folder."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from finder import autostart


@pytest.fixture(autouse=True)
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Autostart entries go to a config home under tmp_path, never the user's."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg"


def test_enable_writes_an_xdg_entry_and_disable_removes_it(config_home: Path) -> None:
    """Enabled, ~/.config/autostart/finder.desktop runs this finder; disabled, it is gone."""
    entry = config_home / "autostart" / "finder.desktop"
    assert not autostart.is_enabled()

    autostart.set_enabled(True)
    assert autostart.is_enabled()
    text = entry.read_text(encoding="utf-8")
    assert "Type=Application" in text
    assert "Exec=" + " ".join(autostart.launch_command()) in text  # no quoting needed here

    autostart.set_enabled(False)
    assert not entry.exists() and not autostart.is_enabled()
    autostart.set_enabled(False)  # already off: nothing to do


def test_an_entry_switched_off_by_the_desktop_counts_as_off(config_home: Path) -> None:
    """GNOME Tweaks turns an entry off in place (Hidden=true): finder reads it as off."""
    autostart.set_enabled(True)
    entry = config_home / "autostart" / "finder.desktop"
    entry.write_text(entry.read_text() + "Hidden=true\n")
    assert not autostart.is_enabled()


def test_exec_arguments_are_quoted_as_the_desktop_entry_spec_says() -> None:
    """Spaces, dollars and backslashes in the program's path survive the Exec key."""
    text = autostart.desktop_entry(["/opt/my apps/fin$der", "-m", "finder"])
    assert 'Exec="/opt/my apps/fin\\\\$der" -m finder\n' in text
    assert "TryExec=/opt/my apps/fin$der\n" in text


def test_the_login_command_starts_this_finder() -> None:
    """The command the entry runs is a working finder (asked for its version here)."""
    done = subprocess.run(
        [*autostart.launch_command(), "--version"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stdout.startswith("finder ")
