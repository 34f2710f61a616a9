"""How a result's place is written: its folder from home, then its date and page."""

from __future__ import annotations

from finder.domain import SearchHit
from finder.gui.results_model import date_and_page, folder_of


def test_a_hit_shows_its_folder_from_home_and_its_date_and_page(monkeypatch) -> None:
    """The folder line of a result reads ~/… and the page follows the date."""
    monkeypatch.setenv("HOME", "/home/ana")
    hit = SearchHit("/home/ana/Documents/taxes/2024.pdf", 1.0, "", 3, 0, ("meaning",))
    assert folder_of(hit) == "~/Documents/taxes"
    assert date_and_page(hit).endswith(" · page 3")
