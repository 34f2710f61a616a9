"""The index service on real folders: real watchdog, real model, real SQLite and hnswlib.

Every wait is on the service's batch reports (a queue) with a timeout, never a sleep.
"""

from __future__ import annotations

import os
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from finder.embed import Embedder
from finder.engine import IndexWriter
from finder.service.live import IndexService
from finder.service.state import ServiceOptions
from finder.store.lock import WriterLockedError
from tests.conftest import write
from tests.service.conftest import FAST, search


def test_start_reconciles_and_watches_each_root(start_service, root: Path) -> None:
    """At start every file is indexed and the root is watched with inotify."""
    running = start_service([root])
    assert set(running.files()) == {str(root / "notes/boiler.txt"), str(root / "trips/alps.txt")}
    [watch] = running.service.state().roots
    assert (watch.root, watch.mode) == (str(root), "inotify")
    assert running.service.state().phase in ("idle", "indexing", "reconciling")


def test_a_created_file_becomes_findable_by_meaning(start_service, root: Path) -> None:
    """A file saved while the service runs is found by a paraphrase soon after."""
    running = start_service([root])
    new = write(root / "pets/kitten.txt", "Feed the kitten twice a day and take it to the vet.")
    running.wait_for(running.settled(new))
    assert search(running, "looking after a young feline") == str(new)


def test_modify_and_delete_follow_the_disk(start_service, root: Path) -> None:
    """An edit replaces a file's text; a deletion removes the file."""
    running = start_service([root])
    edited = write(root / "notes/boiler.txt", "Sourdough needs a starter fed with flour and water.")
    (root / "trips/alps.txt").unlink()
    running.wait_for(lambda: set(running.files()) == {str(edited)} and running.pending() == 0)
    running.wait_for(lambda: search(running, "bread starter culture") == str(edited))


def test_a_renamed_folder_keeps_its_files_ids(start_service, root: Path) -> None:
    """Renaming a folder updates paths in place: same file ids, nothing embedded."""
    running = start_service([root])
    before = running.files()[str(root / "notes/boiler.txt")]
    os.rename(root / "notes", root / "archive")
    new_path = str(root / "archive/boiler.txt")
    running.wait_for(lambda: new_path in running.files())
    running.barrier(root)
    assert running.files()[new_path] == before
    assert str(root / "notes/boiler.txt") not in running.files()
    assert running.touching(root / "archive")[0].report.chunks_embedded == 0


def test_a_file_moved_to_another_folder_keeps_its_id(start_service, root: Path) -> None:
    """Moving a file between folders renames its row: same id, found at the new path."""
    (root / "archive").mkdir()  # watched before the move: inotify pairs the two ends
    running = start_service([root])
    before = running.files()[str(root / "trips/alps.txt")]
    os.rename(root / "trips/alps.txt", root / "archive/alps.txt")
    running.wait_for(lambda: str(root / "archive/alps.txt") in running.files())
    running.barrier(root)
    assert running.files()[str(root / "archive/alps.txt")] == before
    assert str(root / "trips/alps.txt") not in running.files()
    assert sum(b.report.chunks_embedded for b in running.batches[1:]) == 1  # the marker


def test_folders_moved_out_and_in_leave_and_join_the_index(
    start_service, root: Path, tmp_path: Path
) -> None:
    """A folder moved out of the root is dropped; one moved in from outside is indexed."""
    outside = tmp_path / "outside"
    write(outside / "incoming/recipe.txt", "Whisk eggs and sugar, fold in flour, bake.")
    running = start_service([root])
    os.rename(root / "trips", outside / "trips")
    os.rename(outside / "incoming", root / "incoming")
    running.wait_for(
        lambda: (
            set(running.files())
            == {str(root / "notes/boiler.txt"), str(root / "incoming/recipe.txt")}
        )
    )


def test_an_atomic_save_is_one_update_of_the_real_file(start_service, root: Path) -> None:
    """Write a temp file then rename it over the real one: one update, no temp file."""
    running = start_service([root])
    target = root / "notes/boiler.txt"
    temp = root / "notes/boiler.txt.tmp~"
    temp.write_text("The electrician rewired the cellar lights.", encoding="utf-8")
    os.replace(temp, target)
    running.wait_for(lambda: search(running, "electrical wiring downstairs") == str(target))
    running.barrier(root)
    assert str(temp) not in running.files()
    assert len(running.touching(target)) == 1


def test_a_burst_of_2000_files_is_a_few_batches(start_service, root: Path) -> None:
    """2,000 files written at once are all indexed, coalesced into few batches."""
    running = start_service([root])
    folder = root / "burst"
    folder.mkdir()
    for n in range(2000):
        (folder / f"note-{n:04}.txt").write_text(f"burst note number {n}", encoding="utf-8")
    running.wait_for(
        lambda: sum(p.startswith(str(folder)) for p in running.files()) == 2000, timeout=120
    )
    running.barrier(root)
    event_batches = [b for b in running.batches if b.kind == "events"]
    assert 1 <= len(event_batches) <= 20


def test_changes_made_while_stopped_are_found_at_start(
    start_service, root: Path, tmp_path: Path
) -> None:
    """Disk is the truth: what changed while no service ran is reconciled at start."""
    first = start_service([root])
    first.service.stop(timeout=30)
    added = write(root / "later/new.txt", "Written while finder was closed.")
    (root / "trips/alps.txt").unlink()
    second = start_service([])
    assert set(second.files()) == {str(root / "notes/boiler.txt"), str(added)}


def test_forced_polling_still_follows_the_disk(start_service, root: Path) -> None:
    """With polling forced, status says so and rescans pick up a new file."""
    options = ServiceOptions(
        quiet_s=0.2, health_interval_s=0.2, poll_interval_s=0.3, force_polling=True, nice=0
    )
    running = start_service([root], options)
    [watch] = running.service.state().roots
    assert watch.polling and "asked" in watch.reason
    new = write(root / "polled.txt", "Found by a rescan, not by an event.")
    assert running.service.watcher is not None
    assert running.service.watcher.observer(str(root)) is None  # no events: only rescans
    running.wait_for(lambda: str(new) in running.files())


def test_a_root_over_the_watch_limit_falls_back_to_polling(start_service, root: Path) -> None:
    """More folders than inotify watches allowed: polling, and the reason names the limit."""
    options = ServiceOptions(quiet_s=0.2, health_interval_s=0.2, watch_limit=2, nice=0)
    running = start_service([root], options)
    [watch] = running.service.state().roots
    assert watch.polling and "max_user_watches" in watch.reason


def test_a_dead_observer_falls_back_to_polling(start_service, root: Path) -> None:
    """If the observer thread dies, the root is polled and rescanned: never silently stale."""
    options = ServiceOptions(quiet_s=0.2, health_interval_s=0.2, poll_interval_s=0.3, nice=0)
    running = start_service([root], options)
    assert running.service.watcher is not None
    observer = running.service.watcher.observer(str(root))
    assert observer is not None
    observer.stop()
    observer.join(10)
    running.wait_for(lambda: running.service.state().roots[0].polling)
    assert "stopped" in running.service.state().roots[0].reason
    new = write(root / "after-death.txt", "Written after the watcher died.")
    running.wait_for(lambda: str(new) in running.files())


def test_a_second_writer_is_refused(start_service, root: Path, cache_dir: Path) -> None:
    """While a service writes, another writer is refused with a clear message."""
    running = start_service([root])
    with pytest.raises(WriterLockedError, match="already indexing"):
        IndexWriter.open(running.data, cache_dir=cache_dir)
    second = IndexService(running.data, cache_dir=cache_dir, options=FAST)
    with pytest.raises(WriterLockedError):
        second.start()


def test_the_data_dir_inside_a_root_is_never_indexed(
    start_service, root: Path, embedder: Embedder, cache_dir: Path
) -> None:
    """finder's own files under a watched root cause no indexing of themselves."""
    data = root / "finder-data"
    running = start_service([root], data=data)
    new = write(root / "notes/new.txt", "A note written after the start.")
    running.wait_for(running.settled(new))
    running.barrier(root)
    assert not [p for p in running.files() if p.startswith(str(data))]
    assert not [p for b in running.batches for p in b.paths if p.startswith(str(data))]


def test_reading_a_file_does_not_trigger_indexing(start_service, root: Path) -> None:
    """Opening and reading a file (as the indexer does) sends no update for it."""
    running = start_service([root])
    read = root / "trips/alps.txt"
    with open(read, encoding="utf-8") as f:
        f.read()
    running.barrier(root)
    assert not running.touching(read)


def test_pause_holds_changes_until_resume(start_service, root: Path) -> None:
    """While paused, events are collected but not indexed; resume indexes them."""
    running = start_service([root])
    coalescer = running.service.coalescer
    arrived, wake_writer = threading.Event(), coalescer.on_first
    coalescer.on_first = lambda: (arrived.set(), wake_writer())
    running.service.pause()
    running.wait_for(lambda: running.service.state().phase == "paused")
    new = write(root / "while-paused.txt", "Saved while indexing was paused.")
    assert arrived.wait(30), "the event never reached the service"
    assert running.service.state().queued >= 1
    assert str(new) not in running.files()
    running.service.resume()
    running.wait_for(running.settled(new))


def test_a_full_disk_holds_indexing_up_until_space_is_freed(
    start_service, root: Path, tmp_path: Path
) -> None:
    """A full disk under the data dir is a held-up state saying why, not a dead service;
    once space is freed the service goes on and the new file becomes findable."""
    from tests.store.small_disk import fill_until, mounted_tmpfs

    with mounted_tmpfs(tmp_path / "small", 4096) as small:
        options = replace(FAST, disk_full_retry_s=0.3)
        running = start_service([root], options, data=small / "data")
        filler = fill_until(small, 0)
        text = " ".join(
            f"Line {n} about the greenhouse tomatoes and their watering." for n in range(400)
        )
        new = write(root / "garden/tomatoes.txt", text)
        running.wait_for(lambda: running.service.state().phase == "disk full")
        assert "disk full" in (running.service.state().problem or "")
        filler.unlink()
        running.wait_for(running.settled(new), timeout=60)
        assert running.service.error is None
        assert running.service.state().problem is None
        assert search(running, "watering tomato plants") == str(new)
        running.service.stop(timeout=30)  # while the small disk is still mounted
