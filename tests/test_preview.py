"""Preview passages and reader refresh, on a real index."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from finder.engine import IndexReader, IndexWriter
from finder.preview import join_chunks
from finder.store.rows import PassageChunk
from tests.conftest import write


def test_join_chunks_merges_overlapping_windows_and_marks_the_match() -> None:
    """Overlapping windows of one paragraph join without repeating the overlap."""
    page = "alpha beta gamma delta epsilon"
    chunks = [
        PassageChunk(1, None, 0, 16, page[0:16]),
        PassageChunk(2, None, 11, 30, page[11:30]),
        PassageChunk(3, None, 40, 45, "omega"),
    ]
    passage = join_chunks("/f.txt", chunks, 2)
    assert passage.text == page + "\n\nomega"
    assert passage.text[passage.match_start : passage.match_stop] == page[11:30]


def test_passage_of_a_hit_shows_the_match_in_context(
    open_engine: Callable[..., IndexWriter], tmp_path: Path
) -> None:
    """The preview of a hit holds the matched chunk and its neighbours."""
    paragraphs = [f"Paragraph {n} talks about topic number {n}. " * 30 for n in range(6)]
    paragraphs[3] = "The lighthouse keeper logged every passing ship in his journal. " * 20
    write(tmp_path / "files/long.txt", "\n\n".join(paragraphs))
    engine = open_engine()
    engine.add_roots([tmp_path / "files"])
    engine.index()
    [hit] = engine.reader().search("lighthouse keeper", 1)
    assert hit.chunk_id is not None
    passage = engine.reader().passage(hit.chunk_id)
    assert passage is not None and passage.path == hit.path
    shown = passage.text[passage.match_start : passage.match_stop]
    assert "lighthouse keeper" in shown
    assert "Paragraph 2" in passage.text and "Paragraph 4" in passage.text


def test_refresh_lets_a_reader_see_new_vectors(
    open_engine: Callable[..., IndexWriter], tmp_path: Path
) -> None:
    """A reader opened before a write finds the new file by meaning after refresh()."""
    root = tmp_path / "files"
    write(root / "a.txt", "Knead the dough and bake the bread at 220 C.")
    writer = open_engine()
    writer.add_roots([root])
    writer.index()
    with IndexReader.open(writer.paths.root) as reader:
        reader.search("baking", 1)  # loads its vector index now
        write(root / "cat.txt", "Feed the kitten twice a day and take it to the vet.")
        writer.index()
        reader.refresh()
        hits = reader.search("looking after a young feline", 1, legs="meaning")
        assert hits[0].path == str(root / "cat.txt")
