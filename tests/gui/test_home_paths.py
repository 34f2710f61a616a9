"""Paths shown relative to the home folder."""

from __future__ import annotations

from finder.gui.home_paths import home_relative


def test_paths_under_home_start_with_a_tilde() -> None:
    """~/Documents/x under the home folder; other paths, and look-alikes, unchanged."""
    assert home_relative("/home/ana/Documents/tax.pdf", "/home/ana") == "~/Documents/tax.pdf"
    assert home_relative("/home/ana", "/home/ana/") == "~"
    assert home_relative("/home/anabel/notes.txt", "/home/ana") == "/home/anabel/notes.txt"
    assert home_relative("/srv/share/a.txt", "/home/ana") == "/srv/share/a.txt"
