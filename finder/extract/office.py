"""ZIP-based documents: DOCX (Word), ODT (OpenDocument text) and EPUB, stdlib only.

- DOCX: the main document part (found through ``_rels/.rels``, normally
  ``word/document.xml``); one line per paragraph, ``w:tab`` and ``w:br`` kept as tab and
  newline. Deleted revisions, field codes and the fallback copy of text boxes are skipped.
- ODT: ``content.xml``; one line per ``text:p`` / ``text:h``, with ``text:s``, ``text:tab``
  and ``text:line-break`` expanded. Tracked deletions and comments are skipped.
- EPUB: the OPF spine (located through ``META-INF/container.xml``) in reading order, each
  XHTML item through :func:`finder.extract.html.html_to_text` (without ``<title>``). Every
  spine item with text becomes one :class:`Page` whose ``number`` is its 1-based position
  in the spine (a section number, not a printed page); items without text are left out.
  DRM-encrypted books are refused.

DOCX and ODT give one unnumbered page. XML is parsed incrementally and parsing stops once
``limits.max_text_chars`` characters are collected; decompression is bounded by
:mod:`finder.extract._archive`.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import unquote

from finder.extract._archive import Archive, MemberStream
from finder.extract._common import normalise_newlines, single_page, truncate_pages
from finder.extract.html import decode_html, html_to_text
from finder.extract.types import Extracted, ExtractionError, ExtractLimits, Page

_WORD_NS = frozenset(
    {
        "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
        "http://purl.oclc.org/ooxml/wordprocessingml/main",  # "Strict" OOXML
    }
)
_ODF_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_CONTAINER_NS = "urn:oasis:names:tc:opendocument:xmlns:container"
_OFFICE_DOCUMENT_REL = "/officeDocument"
# WordprocessingML elements whose subtree holds no visible text, or text that is not shown:
# paragraph/run properties (their w:tab elements are tab stops), deleted text, field codes,
# and the Fallback copy Word writes next to every text box.
_DOCX_SKIP = frozenset({"pPr", "rPr", "sectPr", "delText", "instrText", "Fallback"})
# Tracked changes hold deleted paragraphs; they are not document text.
_ODT_SKIP = frozenset({"tracked-changes"})
# text:s c="1000000000" would otherwise be a memory bomb in three bytes.
_MAX_SPACES = 64
_BLANK_LINES = re.compile(r"\n{3,}")
_XHTML_TYPES = frozenset({"application/xhtml+xml", "text/html"})
_FONT_OBFUSCATION = frozenset(
    {"http://www.idpf.org/2008/embedding", "http://ns.adobe.com/pdf/enc#RC"}
)


def extract(path: Path, limits: ExtractLimits) -> Extracted:
    """Dispatch on the suffix of ``path`` to :func:`extract_docx`, ``_odt`` or ``_epub``."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return extract_docx(path, limits)
    if suffix == ".odt":
        return extract_odt(path, limits)
    if suffix == ".epub":
        return extract_epub(path, limits)
    raise ExtractionError(f"not an office document: {suffix or 'no suffix'}")


def extract_docx(path: Path, limits: ExtractLimits) -> Extracted:
    """Return the paragraphs of a Word document as one page of text."""
    with Archive(path, limits, "DOCX") as archive, archive.open(_docx_main_part(archive)) as f:
        paragraphs = _paragraphs(f, "DOCX", _WORD_NS, frozenset({"p"}), frozenset())
        text = _join_paragraphs(paragraphs, _docx_paragraph, limits.max_text_chars)
    return single_page(text, limits.max_text_chars)


def extract_odt(path: Path, limits: ExtractLimits) -> Extracted:
    """Return the paragraphs and headings of an OpenDocument text as one page of text."""
    with Archive(path, limits, "ODT") as archive, archive.open("content.xml") as f:
        paragraphs = _paragraphs(
            f, "ODT", frozenset({_ODF_TEXT_NS}), frozenset({"p", "h"}), _ODT_SKIP
        )
        text = _join_paragraphs(paragraphs, _odt_paragraph, limits.max_text_chars)
    return single_page(text, limits.max_text_chars)


def extract_epub(path: Path, limits: ExtractLimits) -> Extracted:
    """Return one page per spine item of an EPUB, numbered by spine position."""
    with Archive(path, limits, "EPUB") as archive:
        spine = _epub_spine(archive)
        _refuse_drm(archive, {name for _, name in spine})
        return truncate_pages(_epub_pages(archive, spine, limits), limits.max_text_chars)


# --- DOCX / ODT -------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _namespace(tag: str) -> str:
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""


def _paragraphs(
    stream: MemberStream,
    kind: str,
    namespaces: frozenset[str],
    paragraph_names: frozenset[str],
    skip_names: frozenset[str],
) -> Iterator[ET.Element]:
    """Yield each outermost paragraph element once it is complete, then free it.

    Paragraphs can nest (a text box or footnote inside a paragraph); only the outermost is
    yielded so text keeps document order. Paragraphs inside ``skip_names`` are dropped.
    """
    depth = skipping = 0
    try:
        for event, element in ET.iterparse(stream, events=("start", "end")):
            if _namespace(element.tag) not in namespaces:
                continue
            name = _local(element.tag)
            step = 1 if event == "start" else -1
            if name in skip_names:
                skipping += step
            elif name in paragraph_names:
                depth += step
                if depth == 0:
                    if not skipping:
                        yield element
                    element.clear()  # keeps memory flat on long documents
    except ET.ParseError as err:
        raise ExtractionError(f"not a valid {kind}: {err}") from err


def _join_paragraphs(
    paragraphs: Iterator[ET.Element],
    render: Callable[[ET.Element, list[str]], None],
    max_chars: int,
) -> str:
    lines: list[str] = []
    size = 0
    for paragraph in paragraphs:
        parts: list[str] = []
        render(paragraph, parts)
        line = "".join(parts)
        lines.append(line)
        size += len(line) + 1
        if size > max_chars:
            break  # the rest would be truncated anyway
    return _BLANK_LINES.sub("\n\n", normalise_newlines("\n".join(lines))).strip()


def _docx_paragraph(element: ET.Element, out: list[str]) -> None:
    for child in element:
        name = _local(child.tag)
        if name in _DOCX_SKIP:
            continue
        if name == "t":
            out.append(child.text or "")
        elif name == "tab":
            out.append("\t")
        elif name in ("br", "cr"):
            out.append("\n")
        elif name == "noBreakHyphen":
            out.append("-")
        elif name == "p":  # a paragraph nested in a text box
            out.append("\n")
            _docx_paragraph(child, out)
        else:
            _docx_paragraph(child, out)


def _odt_paragraph(element: ET.Element, out: list[str]) -> None:
    # ODF is mixed content: text sits in .text of an element and in .tail of its children.
    if element.text:
        out.append(element.text)
    for child in element:
        name = _local(child.tag) if _namespace(child.tag) == _ODF_TEXT_NS else ""
        if name == "s":
            out.append(" " * _space_count(child.get(f"{{{_ODF_TEXT_NS}}}c")))
        elif name == "tab":
            out.append("\t")
        elif name == "line-break":
            out.append("\n")
        elif name in ("p", "h"):
            out.append("\n")
            _odt_paragraph(child, out)
        elif _local(child.tag) != "annotation":  # comments are not document text
            _odt_paragraph(child, out)
        if child.tail:
            out.append(child.tail)


def _space_count(value: str | None) -> int:
    try:
        return min(max(int(value or "1"), 1), _MAX_SPACES)
    except ValueError:
        return 1


def _docx_main_part(archive: Archive) -> str:
    """The main document part named by the package relationships, normally word/document.xml."""
    if archive.has("_rels/.rels"):
        root = _parse(archive, "_rels/.rels")
        for rel in root:
            if rel.get("Type", "").endswith(_OFFICE_DOCUMENT_REL) and rel.get("Target"):
                target = posixpath.normpath(unquote(rel.get("Target", "")).lstrip("/"))
                if archive.has(target):
                    return target
    return "word/document.xml"


# --- EPUB ---------------------------------------------------------------------------------


def _epub_spine(archive: Archive) -> list[tuple[int, str]]:
    """(1-based spine position, member name) of every XHTML document in reading order."""
    opf_name = _epub_package_name(archive)
    opf = _parse(archive, opf_name)
    base = posixpath.dirname(opf_name)
    manifest: dict[str, tuple[str, str]] = {}
    for item in opf.iter():
        if _local(item.tag) == "item" and item.get("id") and item.get("href"):
            href = unquote(item.get("href", "").partition("#")[0])
            name = posixpath.normpath(posixpath.join(base, href))
            manifest[item.get("id", "")] = (name, item.get("media-type", ""))
    itemrefs = [el for el in opf.iter() if _local(el.tag) == "itemref"]
    if not itemrefs:
        raise ExtractionError("not a valid EPUB: empty spine")
    spine = []
    for position, ref in enumerate(itemrefs, start=1):
        name, media_type = manifest.get(ref.get("idref", ""), ("", ""))
        if media_type in _XHTML_TYPES or name.lower().endswith((".xhtml", ".html", ".htm")):
            spine.append((position, name))
    return spine


def _epub_package_name(archive: Archive) -> str:
    """Path of the OPF package document, from META-INF/container.xml or by looking."""
    if archive.has("META-INF/container.xml"):
        container = _parse(archive, "META-INF/container.xml")
        for rootfile in container.iter(f"{{{_CONTAINER_NS}}}rootfile"):
            full_path = rootfile.get("full-path")
            if full_path and archive.has(full_path):
                return full_path
    for name in archive.names():
        if name.lower().endswith(".opf"):
            return name
    raise ExtractionError("not a valid EPUB: no package document")


def _refuse_drm(archive: Archive, content: set[str]) -> None:
    """Raise if content documents are encrypted (fonts are routinely obfuscated: fine)."""
    if not archive.has("META-INF/encryption.xml"):
        return
    for data in _parse(archive, "META-INF/encryption.xml").iter():
        if _local(data.tag) != "EncryptedData":
            continue
        methods = {
            el.get("Algorithm", "") for el in data.iter() if _local(el.tag) == "EncryptionMethod"
        }
        uris = {
            posixpath.normpath(unquote(el.get("URI", "")))
            for el in data.iter()
            if _local(el.tag) == "CipherReference"
        }
        if uris & content and not methods <= _FONT_OBFUSCATION:
            raise ExtractionError("encrypted EPUB (DRM)")


def _epub_pages(
    archive: Archive, spine: list[tuple[int, str]], limits: ExtractLimits
) -> Iterator[Page]:
    # A generator so truncate_pages stops reading chapters once the text budget is spent.
    for position, name in spine:
        if not archive.has(name):
            continue  # a dangling spine entry: skip it as reading systems do
        text = html_to_text(decode_html(archive.read(name)), include_title=False)
        if text:
            yield Page(position, text)


def _parse(archive: Archive, name: str) -> ET.Element:
    data = archive.read(name)
    try:
        return ET.fromstring(data)
    except ET.ParseError as err:
        raise ExtractionError(f"not a valid {archive.kind}: {name}: {err}") from err
