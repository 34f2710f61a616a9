"""Near-duplicates over a real index: format twins, copies and edited versions are one
group; letters from one template and unrelated files are not."""

from __future__ import annotations

import json
import os
import random
import shutil
from pathlib import Path

import pytest

from finder.engine import IndexReader, IndexWriter
from finder.explore.duplicates import DuplicateGroup, find_duplicates
from tests.conftest import run_finder, write
from tests.explore.planting import edit, template_letter, write_format

REPORT = """The village hall committee met on the second Tuesday of October to plan the winter
season. The treasurer reported that the heating bill for last year came to 2,180 pounds,
nearly a third more than the year before, and proposed that the hall be let for private
parties on Saturday evenings to cover the difference.

The roof over the kitchen still leaks after heavy rain. Two builders have quoted for the
repair: Hartley and Sons at 4,600 pounds with new lead flashing, and a local roofer at
3,900 pounds who would patch the existing felt. The committee chose the first quote because
the felt has already been patched twice since the storm of 2019.

The children's choir asked to rehearse in the hall on Thursday afternoons from November.
The committee agreed, provided the choir leader locks the side door and leaves the chairs
stacked against the north wall. The Christmas fair will be held on the first Saturday of
December, with stalls for cakes, second-hand books, knitted goods and a raffle whose first
prize is a hamper donated by the farm shop on Mill Lane.

Finally, the secretary will write to the parish council about the broken street light at
the corner of Church Road, which has left the car park dark on meeting nights since August.
"""

GARDEN = """Planting plan for the allotment, spring. The raised bed by the shed gets early
potatoes in late March, chitted on the windowsill from February, thirty centimetres apart in
rows sixty centimetres apart. Broad beans go in the long bed with a row of lettuce between
them, sown every three weeks so the lettuce does not all bolt at once in June. The
strawberries need new straw under them before the fruit sets, and the netting must be
checked for holes, since the blackbirds took half the crop last year. Tomatoes stay in the
greenhouse: six cordons of a cherry variety and four of a beefsteak, fed weekly with comfrey
liquid once the first truss has set. Onion sets and garlic planted in autumn should be weeded
by hand in April. Courgettes and squash are started in pots in the greenhouse in early May
and planted out after the last frost, with plenty of compost in each planting hole.
"""

BODIES = [
    "We write to ask whether the bin collection on our street could move from Monday to "
    "Wednesday, since the lorry blocks the school bus every Monday morning at eight and "
    "the children have missed their bus three times this month.",
    "Our boiler was serviced by your engineer on the fourth of February, yet the pressure "
    "has dropped below one bar every night since, and the radiators upstairs stay cold "
    "until noon. Please send someone to look at the expansion vessel.",
]


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory, embedder, cache_dir) -> Path:  # type: ignore[no-untyped-def]
    """A data dir over planted twins, copies, versions, letters and unrelated files."""
    tmp = tmp_path_factory.mktemp("dups")
    home = tmp / "home"
    for ext in ("txt", "md", "html", "pdf", "docx"):
        write_format(home / "Documents" / f"hall minutes.{ext}", "Hall committee minutes", REPORT)
    rng = random.Random(3)
    write(home / "Garden/plan v1.txt", GARDEN)
    write(home / "Garden/plan v2.txt", edit(GARDEN, 0.10, rng))
    write(home / "Garden/old/plan draft.txt", edit(GARDEN, 0.20, rng))
    (home / "Backup").mkdir()
    shutil.copyfile(home / "Garden/plan v1.txt", home / "Backup/plan v1 copy.txt")
    write(home / "Letters/council.txt", template_letter(BODIES[0], 1))
    write(home / "Letters/boiler.txt", template_letter(BODIES[1], 2))
    write(home / "Notes/unrelated.txt", REPORT.split("\n\n")[1])  # an excerpt: not the report
    os.utime(home / "Garden/plan v2.txt", (2_000_000_000, 2_000_000_000))  # the newest
    engine = IndexWriter.open(tmp / "data", cache_dir=cache_dir, embedder=embedder)
    try:
        engine.add_roots([home])
        engine.index()
    finally:
        engine.close()
    return tmp / "data"


def groups_of(data: Path) -> list[DuplicateGroup]:
    with IndexReader.open(data) as reader:
        return find_duplicates(reader.catalog)


def names(group: DuplicateGroup) -> set[str]:
    return {Path(f.path).name for f in group.files}


def test_format_twins_are_one_group(indexed: Path) -> None:
    """The same minutes as txt, md, html, pdf and docx are one group, and the excerpt
    quoting one of its paragraphs is not in it."""
    twins = [g for g in groups_of(indexed) if "hall minutes.pdf" in names(g)]
    assert len(twins) == 1
    assert names(twins[0]) == {f"hall minutes.{e}" for e in ("txt", "md", "html", "pdf", "docx")}
    assert all(f.similarity >= 0.9 for f in twins[0].files)


def test_edited_versions_and_a_copy_are_one_group_newest_first(indexed: Path) -> None:
    """v1, its copy, a 10 % and a 20 % edit are one group; v2 (newest) leads; the copy
    is marked identical to v1, not to the newest."""
    (plans,) = [g for g in groups_of(indexed) if "plan v1.txt" in names(g)]
    assert names(plans) == {"plan v1.txt", "plan v2.txt", "plan draft.txt", "plan v1 copy.txt"}
    assert plans.newest.path.endswith("plan v2.txt")
    # The 20 % draft was edited from v1, not from v2: less like v2 than either is like v1.
    assert not plans.identical and 0.4 <= plans.similarity < 1.0
    assert not any(f.identical for f in plans.files)


def test_letters_from_one_template_and_unrelated_files_stand_alone(indexed: Path) -> None:
    """Two letters sharing letterhead, greeting and closing are not duplicates, nor is
    an excerpt of the minutes."""
    grouped = set().union(*(names(g) for g in groups_of(indexed)))
    assert not grouped & {"council.txt", "boiler.txt", "unrelated.txt"}


def test_cli_json_lists_the_groups(indexed: Path) -> None:
    """`finder duplicates --json`: groups with their files' documented fields."""
    done = run_finder(indexed, "duplicates", "--json")
    assert done.returncode == 0, done.stderr
    groups = json.loads(done.stdout)
    assert sorted(len(g["files"]) for g in groups) == [4, 5]
    plans = next(g for g in groups if len(g["files"]) == 4)
    newest = plans["files"][0]
    assert newest["newest"] and newest["path"].endswith("plan v2.txt")
    assert set(newest) == {
        "path",
        "folder",
        "size",
        "modified",
        "similarity",
        "identical",
        "newest",
    }
    assert {"similarity", "identical", "files"} == set(plans)
    assert "# 5 files" in run_finder(indexed, "duplicates").stdout
