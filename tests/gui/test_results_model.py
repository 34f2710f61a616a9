"""How a result's place is written: relative to the home folder, date kept whole."""

from __future__ import annotations

from finder.domain import SearchHit
from finder.gui.results_model import date_and_page, folder_of, home_relative


def test_paths_under_home_start_with_a_tilde() -> None:
    """~/Documents/x under the home folder; other paths, and look-alikes, unchanged."""
    assert home_relative("/home/ana/Documents/tax.pdf", "/home/ana") == "~/Documents/tax.pdf"
    assert home_relative("/home/ana", "/home/ana/") == "~"
    assert home_relative("/home/anabel/notes.txt", "/home/ana") == "/home/anabel/notes.txt"
    assert home_relative("/srv/share/a.txt", "/home/ana") == "/srv/share/a.txt"


def test_a_hit_shows_its_folder_from_home_and_its_date_and_page(monkeypatch) -> None:
    """The folder line of a result reads ~/… and the page follows the date."""
    monkeypatch.setenv("HOME", "/home/ana")
    hit = SearchHit("/home/ana/Documents/taxes/2024.pdf", 1.0, "", 3, 0, ("meaning",))
    assert folder_of(hit) == "~/Documents/taxes"
    assert date_and_page(hit).endswith(" · page 3")
