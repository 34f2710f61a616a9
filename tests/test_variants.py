"""One document in several formats is one result: sameness judged by text, not name."""

from __future__ import annotations

from finder.domain import SearchHit
from finder.variants import MIN_WORDS, WINDOW, group, leading_text, opening, same_document

LETTER = (
    "Dear Mrs Huber, thank you for repairing the roof of our house in Linz after the storm "
    "in March. We transferred the 2,340 euros of your invoice 0147 today and would like to "
    "book you again in autumn to check the gutters and the chimney flashing before winter. "
    "Kind regards, Anna and Tom Berger"
)
OTHER = (
    "Dear Mrs Huber, we would like to ask for a quote for painting the fence and the garden "
    "shed in May. The fence is forty metres long and the shed needs a new coat of varnish "
    "on its door. Could you come by on a Saturday morning to see it? "
    "Kind regards, Anna and Tom Berger"
)


def hit(path: str, rank: int = 0) -> SearchHit:
    return SearchHit(path, 1.0 - rank / 100, "", None, 0, ("meaning",), confidence=0.9)


def test_the_overlap_of_neighbouring_chunks_is_kept_once() -> None:
    """Two windows of one paragraph sharing words give the paragraph's words once."""
    page = "one two three four five six seven"
    chunks = [(None, 0, 18, page[0:18]), (None, 8, 33, page[8:33])]
    assert leading_text(chunks).split() == page.split()


def test_the_same_text_laid_out_otherwise_is_one_document() -> None:
    """PDF line breaks, a title line and a page number do not make another document."""
    pdf_text = "Letter\n" + LETTER.replace(" our ", "\nour ").replace("euros", "eu-\nros") + "\n1"
    assert same_document(opening(pdf_text), opening(LETTER))


def test_letters_from_one_template_are_different_documents() -> None:
    """The same greeting and signature around another body is another document."""
    assert not same_document(opening(OTHER), opening(LETTER))


def test_an_excerpt_is_not_folded_into_its_source() -> None:
    """A short note quoting the letter's first sentence is not the letter."""
    excerpt = LETTER.split(".")[0]
    assert not same_document(opening(excerpt), opening(LETTER))


def test_group_folds_later_formats_into_the_best_ranked_file() -> None:
    """report.docx after report.pdf becomes its variant; order and the rest are kept;
    a file without text (read by name only) stands alone."""
    hits = [hit("/d/report.pdf", 0), hit("/d/quote.odt", 1), hit("/d/report.docx", 2)]
    hits.append(hit("/d/scan.jpg", 3))
    chunks = {
        "/d/report.pdf": [(1, 0, len(LETTER), LETTER)],
        "/d/quote.odt": [(None, 0, len(OTHER), OTHER)],
        "/d/report.docx": [(None, 0, len(LETTER), LETTER)],
    }
    groups = group(hits, chunks)
    assert [g.hit.path for g in groups] == ["/d/report.pdf", "/d/quote.odt", "/d/scan.jpg"]
    assert [v.path for v in groups[0].variants] == ["/d/report.docx"]


def test_only_the_first_hits_are_compared() -> None:
    """A twin ranked past the window is left as it is (the cost stays bounded)."""
    hits = [hit("/d/a.pdf")] + [hit(f"/d/filler-{n}.txt", n) for n in range(WINDOW)]
    hits.append(hit("/d/a.docx", WINDOW + 1))
    chunks = {"/d/a.pdf": [(1, 0, 9, LETTER)], "/d/a.docx": [(None, 0, 9, LETTER)]}
    assert len(group(hits, chunks)) == len(hits)


def test_an_edited_version_is_one_document_with_its_original() -> None:
    """A tenth of the words changed here and there (a v2) is the same document."""
    words = LETTER.split()
    edited = " ".join("autumn" if i % 10 == 4 else w for i, w in enumerate(words))
    assert same_document(opening(edited), opening(LETTER))


def test_short_notes_one_word_apart_are_different_documents() -> None:
    """Below MIN_WORDS words, texts are one document only word for word: two one-line
    notes that differ in one word stay apart, the same note in two formats folds."""
    kitten = opening("Take the kitten to the vet for its shots.")
    puppy = opening("Take the puppy to the vet for its shots.")
    assert len(kitten) < MIN_WORDS
    assert not same_document(kitten, puppy)
    assert same_document(kitten, opening("# Take the kitten\n\nto the vet for its shots"))
