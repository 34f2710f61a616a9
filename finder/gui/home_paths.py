"""Paths as people read them: ``~/Documents/taxes`` rather than ``/home/ana/Documents/taxes``.

Display only: whatever is filtered, opened or copied keeps the real path.
"""

from __future__ import annotations

import os

from finder.path_rules import is_within


def home_relative(path: str, home: str | None = None) -> str:
    """``~/Documents/x`` for a path under the home folder; any other path as it is."""
    home = (home or os.path.expanduser("~")).rstrip(os.sep)
    if home and is_within(path, home):
        return "~" + path[len(home) :]
    return path
