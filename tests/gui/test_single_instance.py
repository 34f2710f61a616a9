"""One window per data dir: a second launch asks the first to show itself."""

from __future__ import annotations

from pathlib import Path

from finder.gui.single_instance import SingleInstance


def test_a_second_launch_raises_the_first(qtbot, tmp_path: Path) -> None:
    """The first instance listens; a later one for the same data dir reaches it."""
    first = SingleInstance(tmp_path / "data")
    assert first.listen()
    second = SingleInstance(tmp_path / "data")
    with qtbot.waitSignal(first.raise_requested, timeout=5_000):
        assert second.ask_running_to_raise()


def test_another_data_dir_is_another_instance(qtbot, tmp_path: Path) -> None:
    """Nobody answers for a data dir no window has open."""
    first = SingleInstance(tmp_path / "one")
    assert first.listen()
    assert not SingleInstance(tmp_path / "two").ask_running_to_raise(timeout_ms=200)
