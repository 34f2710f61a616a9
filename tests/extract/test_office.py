"""DOCX, ODT and EPUB extraction from minimal but well-formed packages built here."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from finder.extract import office
from finder.extract.types import ExtractionError, ExtractLimits, Page

LIMITS = ExtractLimits()

# --- builders --------------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
  <Default Extension="rels"
    ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
  <Default Extension="xml" ContentType="application/xml"/>
  <Override PartName="/{part}"
    ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>"""
PACKAGE_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
  <Relationship Id="rId1" Target="{part}"
    Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>
</Relationships>"""


def make_docx(path: Path, body: str, part: str = "word/document.xml") -> Path:
    """A Word package: content types, package relationships and the main document part."""
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{W_NS}"><w:body>{body}<w:sectPr/></w:body></w:document>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES.format(part=part))
        zf.writestr("_rels/.rels", PACKAGE_RELS.format(part=part))
        zf.writestr(part, document)
    return path


def make_odt(path: Path, text_body: str) -> Path:
    """An OpenDocument text package: mimetype (stored, first), manifest and content.xml."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<office:document-content"
        ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3">'
        f"<office:body><office:text>{text_body}</office:text></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.3">'
        '<manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED
        )
        zf.writestr("META-INF/manifest.xml", manifest)
        zf.writestr("content.xml", content)
    return path


def xhtml(title: str, body: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">'
        f"<head><title>{title}</title></head><body>{body}</body></html>"
    )


def make_epub(
    path: Path, *, encryption: str | None = None, chapters: list[str] | None = None
) -> Path:
    """An EPUB 3 whose manifest order differs from its spine order, plus a cover page.

    Spine: cover (image only), chapter one, chapter two (href needs URL-unquoting).
    """
    one, two = chapters or ["<h1>One</h1><p>It was a dark night.</p>", "<p>Morning came.</p>"]
    opf = """<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="uid">urn:uuid:12345678-1234-1234-1234-123456789abc</dc:identifier>
    <dc:title>Test Book</dc:title>
    <dc:language>en</dc:language>
    <meta property="dcterms:modified">2024-01-01T00:00:00Z</meta>
  </metadata>
  <manifest>
    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
    <item id="two" href="text/chapter%202.xhtml" media-type="application/xhtml+xml"/>
    <item id="one" href="text/one.xhtml" media-type="application/xhtml+xml"/>
    <item id="cover" href="cover.xhtml" media-type="application/xhtml+xml"/>
    <item id="img" href="images/cover.png" media-type="image/png"/>
  </manifest>
  <spine>
    <itemref idref="cover" linear="no"/>
    <itemref idref="one"/>
    <itemref idref="two"/>
  </spine>
</package>"""
    container = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>"""
    nav = xhtml(
        "Contents", '<nav epub:type="toc"><ol><li><a href="text/one.xhtml">One</a></li></ol></nav>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        zf.writestr("META-INF/container.xml", container)
        if encryption is not None:
            zf.writestr("META-INF/encryption.xml", encryption)
        zf.writestr("OEBPS/content.opf", opf)
        zf.writestr("OEBPS/nav.xhtml", nav)
        zf.writestr("OEBPS/cover.xhtml", xhtml("Cover", '<img src="images/cover.png" alt=""/>'))
        zf.writestr("OEBPS/text/one.xhtml", xhtml("Chapter One", one))
        zf.writestr("OEBPS/text/chapter 2.xhtml", xhtml("Chapter Two", two))
        zf.writestr("OEBPS/images/cover.png", b"\x89PNG\r\n\x1a\n" + bytes(64))
    return path


def encryption_xml(algorithm: str, uri: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container"
            xmlns:enc="http://www.w3.org/2001/04/xmlenc#">
  <enc:EncryptedData>
    <enc:EncryptionMethod Algorithm="{algorithm}"/>
    <enc:CipherData><enc:CipherReference URI="{uri}"/></enc:CipherData>
  </enc:EncryptedData>
</encryption>"""


def run(text: str, *, space: bool = False) -> str:
    preserve = ' xml:space="preserve"' if space else ""
    return f"<w:r><w:t{preserve}>{text}</w:t></w:r>"


# --- DOCX -----------------------------------------------------------------------------------


def test_docx_paragraphs_tabs_and_breaks(tmp_path: Path) -> None:
    """DOCX paragraphs become lines; w:tab and w:br become tab and newline."""
    body = (
        f"<w:p>{run('Hello ', space=True)}{run('world')}</w:p>"
        f"<w:p>{run('Name')}<w:r><w:tab/></w:r>{run('Value')}</w:p>"
        f"<w:p>{run('first line')}<w:r><w:br/></w:r>{run('second line')}</w:p>"
    )
    path = make_docx(tmp_path / "letter.docx", body)
    assert office.extract(path, LIMITS).pages == (
        Page(None, "Hello world\nName\tValue\nfirst line\nsecond line"),
    )


def test_docx_skips_tab_stops_deleted_text_and_field_codes(tmp_path: Path) -> None:
    """Tab-stop definitions, deleted revisions and field instructions are not text."""
    body = (
        '<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>'
        f"{run('kept')}"
        '<w:del w:id="1" w:author="A"><w:r><w:delText>removed</w:delText></w:r></w:del>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )
    path = make_docx(tmp_path / "edits.docx", body)
    assert office.extract(path, LIMITS).pages[0].text == "kept"


def test_docx_table_cells_and_relationship_target(tmp_path: Path) -> None:
    """Table cell paragraphs are read, from a main part found via _rels/.rels."""
    body = (
        f"<w:p>{run('Before table')}</w:p>"
        f"<w:tbl><w:tr><w:tc><w:p>{run('cell A')}</w:p></w:tc>"
        f"<w:tc><w:p>{run('cell B')}</w:p></w:tc></w:tr></w:tbl>"
    )
    path = make_docx(tmp_path / "table.docx", body, part="word/main.xml")
    assert office.extract(path, LIMITS).pages[0].text == "Before table\ncell A\ncell B"


def test_docx_text_is_truncated(tmp_path: Path) -> None:
    """DOCX text is cut to max_text_chars."""
    body = "".join(f"<w:p>{run('paragraph text ' * 5)}</w:p>" for _ in range(50))
    path = make_docx(tmp_path / "long.docx", body)
    assert len(office.extract(path, ExtractLimits(max_text_chars=100)).pages[0].text) == 100


def test_zip_bomb_member_is_refused(tmp_path: Path) -> None:
    """A member that inflates past the budget derived from limits is refused unread."""
    padding = " " * (3 * 1024 * 1024)  # compresses to a few KiB
    path = make_docx(tmp_path / "bomb.docx", f"<w:p>{run('x')}</w:p>{padding}")
    assert path.stat().st_size < 64 * 1024
    with pytest.raises(ExtractionError, match=r"^archive member too large$"):
        office.extract(path, ExtractLimits(max_text_chars=1000))


def test_not_a_zip_fails(tmp_path: Path) -> None:
    """A .docx that is not a ZIP archive fails with a reason naming the format."""
    path = tmp_path / "fake.docx"
    path.write_text("plain text, not a package")
    with pytest.raises(ExtractionError, match=r"^not a valid DOCX: "):
        office.extract(path, LIMITS)


def test_docx_without_document_part_fails(tmp_path: Path) -> None:
    """A ZIP without the main document part is not a valid DOCX."""
    path = tmp_path / "hollow.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES.format(part="word/document.xml"))
    with pytest.raises(ExtractionError, match=r"^not a valid DOCX: word/document.xml is missing$"):
        office.extract(path, LIMITS)


# --- ODT ------------------------------------------------------------------------------------


def test_odt_headings_paragraphs_and_inline_elements(tmp_path: Path) -> None:
    """text:h/text:p are lines; text:s, text:tab, text:line-break and spans expand in place."""
    body = (
        '<text:h text:outline-level="1">Minutes</text:h>'
        '<text:p>Present:<text:s text:c="3"/>Ann<text:tab/>Bob<text:line-break/>'
        "Absent: <text:span>Cy</text:span> (ill)</text:p>"
        "<text:list><text:list-item><text:p>item one</text:p></text:list-item></text:list>"
    )
    path = make_odt(tmp_path / "minutes.odt", body)
    assert office.extract(path, LIMITS).pages == (
        Page(None, "Minutes\nPresent:   Ann\tBob\nAbsent: Cy (ill)\nitem one"),
    )


def test_odt_skips_tracked_deletions_and_comments(tmp_path: Path) -> None:
    """Deleted paragraphs in tracked changes and annotations are not document text."""
    body = (
        "<text:tracked-changes><text:changed-region text:id='c1'><text:deletion>"
        "<office:change-info><dc:creator>Ann</dc:creator></office:change-info>"
        "<text:p>deleted words</text:p></text:deletion></text:changed-region>"
        "</text:tracked-changes>"
        "<text:p>final <office:annotation><dc:creator>Bob</dc:creator>"
        "<text:p>a comment</text:p></office:annotation>text</text:p>"
    )
    path = make_odt(tmp_path / "review.odt", body)
    assert office.extract(path, LIMITS).pages[0].text == "final text"


def test_odt_space_count_is_bounded(tmp_path: Path) -> None:
    """A huge text:s count cannot blow up memory."""
    path = make_odt(tmp_path / "spaces.odt", '<text:p>a<text:s text:c="1000000000"/>b</text:p>')
    text = office.extract(path, LIMITS).pages[0].text
    assert text.startswith("a ") and text.endswith(" b") and len(text) < 100


def test_malformed_odt_xml_fails(tmp_path: Path) -> None:
    """Broken XML in content.xml is reported as not a valid ODT."""
    path = make_odt(tmp_path / "broken.odt", "<text:p>unclosed")
    with pytest.raises(ExtractionError, match=r"^not a valid ODT: "):
        office.extract(path, LIMITS)


# --- EPUB -----------------------------------------------------------------------------------


def test_epub_pages_follow_the_spine(tmp_path: Path) -> None:
    """Spine items are read in spine order; number = spine position; textless items dropped."""
    pages = office.extract(make_epub(tmp_path / "book.epub"), LIMITS).pages
    assert pages == (
        Page(2, "One\n\nIt was a dark night."),
        Page(3, "Morning came."),
    )


def test_epub_with_drm_is_refused(tmp_path: Path) -> None:
    """Content documents listed as encrypted (DRM) make the book fail."""
    drm = encryption_xml("http://www.w3.org/2001/04/xmlenc#aes128-cbc", "OEBPS/text/one.xhtml")
    with pytest.raises(ExtractionError, match=r"^encrypted EPUB \(DRM\)$"):
        office.extract(make_epub(tmp_path / "drm.epub", encryption=drm), LIMITS)


def test_epub_font_obfuscation_is_not_drm(tmp_path: Path) -> None:
    """Obfuscated fonts (the IDPF algorithm) do not stop text extraction."""
    fonts = encryption_xml("http://www.idpf.org/2008/embedding", "OEBPS/fonts/serif.otf")
    pages = office.extract(make_epub(tmp_path / "fonts.epub", encryption=fonts), LIMITS).pages
    assert [p.number for p in pages] == [2, 3]


def test_epub_inflation_budget_is_shared_by_members(tmp_path: Path) -> None:
    """The decompression budget covers all members together, not each one separately."""
    padding = "<div> </div>" * 60_000  # ~700 KiB of markup without text, per chapter
    path = make_epub(tmp_path / "padded.epub", chapters=[padding, padding])
    with pytest.raises(ExtractionError, match=r"^archive member too large$"):
        office.extract(path, ExtractLimits(max_text_chars=1000))
