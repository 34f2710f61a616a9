"""Start finder when the user logs in: the one entry per platform that does it.

- Linux and other XDG desktops: ``$XDG_CONFIG_HOME/autostart/finder.desktop`` (by default
  ``~/.config/autostart``), which the session starts at login (XDG Autostart). Its
  ``TryExec`` names the program, so an entry left behind by an uninstalled finder is
  skipped rather than failing at every login.
- Windows: the value ``finder`` under ``HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run``.
- macOS: ``~/Library/LaunchAgents/org.finder.finder.plist`` (``RunAtLoad``), read by
  launchd at the next login.

The entry starts the program running now: the installed app's executable (on Windows its
console-less twin ``finderw.exe``), or this Python with ``-m finder`` for a pip install, so
it follows where finder is installed. The entry is the user's own file (or registry
value): uninstalling finder leaves it, like the index (see README, "Install").

Thread: any (a small file or registry write); no Qt.
"""

from __future__ import annotations

import contextlib
import os
import plistlib
import sys
from pathlib import Path

ENTRY_NAME = "finder"
LAUNCH_AGENT_LABEL = "org.finder.finder"
_RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"


def launch_command() -> list[str]:
    """The command that starts finder's window as it is installed here."""
    if getattr(sys, "frozen", False):
        program = Path(sys.executable)
        windowless = program.with_name("finderw.exe")  # no console window at login
        return [str(windowless if windowless.is_file() else program)]
    return [sys.executable, "-m", "finder"]


def xdg_autostart_file() -> Path:
    config_home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config_home) / "autostart" / f"{ENTRY_NAME}.desktop"


def launch_agent_file() -> Path:
    return Path.home() / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT_LABEL}.plist"


def is_enabled() -> bool:
    """Whether finder starts at login for this user."""
    if sys.platform == "win32":
        return _registry_value() is not None
    path = launch_agent_file() if sys.platform == "darwin" else xdg_autostart_file()
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    # A desktop may switch an entry off in place (GNOME Tweaks writes Hidden=true).
    return "Hidden=true" not in text and "X-GNOME-Autostart-enabled=false" not in text


def set_enabled(enabled: bool, command: list[str] | None = None) -> None:
    """Add (for ``command``, default :func:`launch_command`) or remove the login entry;
    ``OSError`` when it cannot be written."""
    command = command or launch_command()
    if sys.platform == "win32":
        _set_registry_value(_windows_command_line(command) if enabled else None)
        return
    if sys.platform == "darwin":
        path = launch_agent_file()
        content = plistlib.dumps(
            {
                "Label": LAUNCH_AGENT_LABEL,
                "ProgramArguments": command,
                "RunAtLoad": True,
                "ProcessType": "Interactive",
            }
        )
    else:
        path = xdg_autostart_file()
        content = desktop_entry(command).encode("utf-8")
    if not enabled:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(content)
    os.replace(tmp, path)


def desktop_entry(command: list[str]) -> str:
    """The XDG autostart entry running ``command``."""
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=finder\n"
        "Comment=Find files by meaning, offline\n"
        f"Exec={' '.join(_exec_quote(arg) for arg in command)}\n"
        f"TryExec={command[0].replace(chr(92), chr(92) * 2)}\n"  # a plain string: \\ only
        "Icon=finder\n"
        "Terminal=false\n"
        "X-GNOME-Autostart-enabled=true\n"
    )


def _exec_quote(arg: str) -> str:
    """One argument of a desktop entry's Exec key (Desktop Entry spec, "The Exec key")."""
    if arg and not any(c in arg for c in " \t\n\"'\\><~|&;$*?#()`="):
        return arg
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in arg)
    return f'"{escaped}"'.replace("\\", "\\\\")  # the value itself is then unescaped once


def _windows_command_line(command: list[str]) -> str:
    import subprocess

    return subprocess.list2cmdline(command)


def _registry_value() -> str | None:
    if sys.platform != "win32":
        return None
    import winreg

    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, _RUN_KEY) as key:
            value, _kind = winreg.QueryValueEx(key, ENTRY_NAME)
    except OSError:
        return None
    return str(value)


def _set_registry_value(value: str | None) -> None:
    if sys.platform != "win32":
        return
    import winreg

    with winreg.CreateKey(winreg.HKEY_CURRENT_USER, _RUN_KEY) as key:
        if value is None:
            with contextlib.suppress(FileNotFoundError):
                winreg.DeleteValue(key, ENTRY_NAME)
        else:
            winreg.SetValueEx(key, ENTRY_NAME, 0, winreg.REG_SZ, value)
