"""HTML extraction: only the visible text, in reading order."""

from __future__ import annotations

from pathlib import Path

from finder.extract import html
from finder.extract.types import ExtractLimits

LIMITS = ExtractLimits()

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Quarterly   &amp; yearly report</title>
  <style>body { color: red }</style>
  <script>document.write("<p>injected</p>")</script>
</head>
<body>
  <h1>Results</h1>
  <p>Revenue grew
     by 5&nbsp;% &mdash; see <a href="#t">the table</a>.<br>Costs fell.</p>
  <ul><li>alpha</li><li>beta</li></ul>
  <table id="t"><tr><td>north</td><td>12</td></tr></table>
  <noscript>Please enable JavaScript</noscript>
  <template><p>hidden template</p></template>
  <script type="module">console.log("x")</script>
</body>
</html>
"""


def _extract(tmp_path: Path, markup: str | bytes, name: str = "page.html") -> str:
    path = tmp_path / name
    path.write_bytes(markup.encode() if isinstance(markup, str) else markup)
    extracted = html.extract(path, LIMITS)
    assert len(extracted.pages) == 1
    assert extracted.pages[0].number is None
    return extracted.pages[0].text


def test_visible_text_with_title_first(tmp_path: Path) -> None:
    """The title leads, then body text with blocks on their own lines and entities decoded."""
    text = _extract(tmp_path, PAGE)
    lines = [line for line in text.split("\n") if line]
    assert lines == [
        "Quarterly & yearly report",
        "Results",
        "Revenue grew by 5 % — see the table.",
        "Costs fell.",
        "alpha",
        "beta",
        "north 12",
    ]


def test_hidden_elements_are_dropped(tmp_path: Path) -> None:
    """script, style, noscript, template and other head content never reach the text."""
    text = _extract(tmp_path, PAGE)
    for hidden in ("injected", "color", "JavaScript", "hidden template", "console", "utf-8"):
        assert hidden not in text


def test_head_without_closing_tag_ends_at_body(tmp_path: Path) -> None:
    """An omitted </head> does not hide the body."""
    text = _extract(tmp_path, "<html><head><title>T</title><body><p>visible body</p></body>")
    assert text == "T\n\nvisible body"


def test_declared_legacy_charset_is_honoured(tmp_path: Path) -> None:
    """A <meta charset> declaring windows-1252 decodes accented bytes correctly."""
    markup = '<html><head><meta charset="windows-1252"></head><body><p>déjà “vu”</p></body></html>'
    assert _extract(tmp_path, markup.encode("cp1252")) == "déjà “vu”"


def test_xhtml_with_xml_declaration(tmp_path: Path) -> None:
    """XHTML with an XML declaration and namespaces is read like HTML."""
    markup = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Chapter</title></head>'
        "<body><p>Once upon a time</p><p>the end</p></body></html>"
    )
    assert _extract(tmp_path, markup, "book.xhtml") == "Chapter\n\nOnce upon a time\n\nthe end"


def test_truncated_to_the_limit(tmp_path: Path) -> None:
    """Visible text is cut to max_text_chars."""
    path = tmp_path / "long.htm"
    path.write_text("<p>" + "word " * 1000 + "</p>")
    assert len(html.extract(path, ExtractLimits(max_text_chars=50)).pages[0].text) == 50


def test_empty_document_gives_empty_text(tmp_path: Path) -> None:
    """A page with no visible text yields one empty page, not an error."""
    assert _extract(tmp_path, "<html><head><script>x()</script></head><body></body></html>") == ""
