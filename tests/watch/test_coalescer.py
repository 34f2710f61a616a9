"""The coalescer: last event wins per path, quiet interval, hold cap, moves kept whole."""

from __future__ import annotations

from finder.watch.coalescer import Batch, Coalescer


class Clock:
    """A clock the test moves by hand, so timing is exact and nothing sleeps."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def make(quiet_s: float = 1.0, max_hold_s: float = 10.0) -> tuple[Coalescer, Clock]:
    clock = Clock()
    return Coalescer(quiet_s=quiet_s, max_hold_s=max_hold_s, clock=clock), clock


def test_a_path_is_handed_out_once_after_it_settles() -> None:
    """Many events on one path give one entry, only after the quiet interval."""
    c, clock = make(max_hold_s=100.0)
    for _ in range(50):
        c.touch("/r/a.txt")
        clock.now += 0.5
    assert not c.take_ready()  # still being written
    clock.now += 1.0
    assert c.take_ready() == Batch(("/r/a.txt",))
    assert not c.take_ready() and len(c) == 0


def test_a_path_that_never_settles_is_handed_out_after_the_hold_cap() -> None:
    """A log appended to forever is still indexed every max_hold_s."""
    c, clock = make(quiet_s=1.0, max_hold_s=3.0)
    c.touch("/r/log")
    clock.now += 0.9
    c.touch("/r/log")
    clock.now += 0.9
    c.touch("/r/log")
    clock.now += 0.9
    c.touch("/r/log")
    clock.now += 0.4
    assert c.take_ready().paths == ("/r/log",)


def test_due_in_tells_the_consumer_when_to_wake() -> None:
    """due_in is None when empty, else the time until the first path is ready."""
    c, clock = make(quiet_s=2.0)
    assert c.due_in() is None
    c.touch("/r/a")
    clock.now += 0.5
    assert c.due_in() == 1.5
    clock.now += 5
    assert c.due_in() == 0.0


def test_on_first_fires_only_when_going_from_empty_to_holding() -> None:
    """A burst wakes the consumer once, not once per event."""
    calls = []
    c = Coalescer(on_first=lambda: calls.append(1))
    c.touch("/r/a")
    c.touch("/r/b", "/r/c")
    assert calls == [1]


def test_an_atomic_save_is_one_update_of_the_real_file() -> None:
    """write temp, rename over the real file: the batch holds both paths and the move."""
    c, clock = make()
    c.touch("/r/.doc.txt.tmp")
    c.move("/r/.doc.txt.tmp", "/r/doc.txt")
    clock.now += 2
    batch = c.take_ready()
    assert batch.paths == ("/r/.doc.txt.tmp", "/r/doc.txt")
    assert batch.moves == (("/r/.doc.txt.tmp", "/r/doc.txt"),)


def test_chained_moves_collapse_and_a_move_back_cancels() -> None:
    """a->b->c is one move a->c; x->y->x is no move."""
    c, clock = make()
    c.move("/r/a", "/r/b")
    c.move("/r/b", "/r/c")
    c.move("/r/x", "/r/y")
    c.move("/r/y", "/r/x")
    clock.now += 2
    batch = c.take_ready()
    assert batch.moves == (("/r/a", "/r/c"),)
    assert set(batch.paths) == {"/r/a", "/r/b", "/r/c", "/r/x", "/r/y"}


def test_both_ends_of_a_move_leave_together() -> None:
    """If one end settled earlier, the other comes with it in the same batch."""
    c, clock = make(quiet_s=1.0)
    c.touch("/r/old")
    clock.now += 0.8
    c.move("/r/old", "/r/new")
    clock.now += 0.3
    c.touch("/r/new")  # the new end keeps changing
    clock.now += 0.8
    batch = c.take_ready()
    assert batch.moves == (("/r/old", "/r/new"),)
    assert batch.paths == ("/r/new", "/r/old")


def test_take_ready_limits_the_batch_size() -> None:
    """A burst of 5,000 files comes out in batches of at most ``limit``."""
    c, clock = make()
    c.touch(*(f"/r/{n:05}" for n in range(5000)))
    clock.now += 2
    sizes = []
    while batch := c.take_ready(limit=2000):
        sizes.append(len(batch.paths))
    assert sizes == [2000, 2000, 1000]
