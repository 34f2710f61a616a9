"""Writing planted near-duplicates: one text in several formats, edited versions and
letters from one template. Shared by tests/explore and tests/bench/bench_duplicates.py."""

from __future__ import annotations

import html
import random
import re
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from tests.conftest import write
from tests.extract.test_office import make_docx

FORMATS = ("txt", "md", "html", "pdf", "docx")
_FILLER = (
    "harbour lantern copper meadow violin granite pepper orchard satchel compass ribbon "
    "thimble walnut quarry saddle beacon marble cobalt falcon parsley"
).split()


def paragraphs(text: str) -> list[str]:
    """The text's paragraphs (blank-line separated), each on one line."""
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def write_format(path: Path, title: str, text: str) -> Path:
    """``text`` under ``title`` as the format ``path``'s suffix names (txt, md, html,
    pdf via reportlab, docx as a Word package)."""
    paras = paragraphs(text)
    kind = path.suffix.lstrip(".")
    if kind == "txt":
        return write(path, title + "\n\n" + "\n\n".join(paras) + "\n")
    if kind == "md":
        return write(path, f"# {title}\n\n" + "\n\n".join(paras) + "\n")
    if kind == "html":
        body = "".join(f"<p>{html.escape(p)}</p>\n" for p in paras)
        page = f"<html><head><title>{html.escape(title)}</title></head><body>"
        return write(path, f"{page}<h1>{html.escape(title)}</h1>\n{body}</body></html>\n")
    if kind == "docx":
        path.parent.mkdir(parents=True, exist_ok=True)
        runs = "".join(f"<w:p><w:r><w:t>{escape(p)}</w:t></w:r></w:p>" for p in [title, *paras])
        return make_docx(path, runs)
    if kind == "pdf":
        return _write_pdf(path, title, paras)
    raise ValueError(kind)


def _write_pdf(path: Path, title: str, paras: list[str]) -> Path:
    """Lines wrapped at 90 characters, 60 to a page, a page number in each footer."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf = canvas.Canvas(str(path), pagesize=A4)
    lines = [title, ""]
    for p in paras:
        line = ""
        for word in p.split():
            if len(line) + len(word) + 1 > 90:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        lines += [line, ""]
    for page, start in enumerate(range(0, len(lines), 60), start=1):
        y = 800
        for line in lines[start : start + 60]:
            pdf.drawString(40, y, line)
            y -= 12
        pdf.drawString(290, 30, str(page))
        pdf.showPage()
    pdf.save()
    return path


def edit(text: str, share: float, rng: random.Random) -> str:
    """``text`` with ``share`` of its words (at random places) replaced by other words;
    paragraphs are kept."""
    paras = [p.split() for p in paragraphs(text)]
    places = [(i, j) for i, p in enumerate(paras) for j in range(len(p))]
    for i, j in rng.sample(places, max(1, round(share * len(places)))):
        paras[i][j] = rng.choice(_FILLER) + str(rng.randint(1, 99))
    return "\n\n".join(" ".join(p) for p in paras)


def template_letter(body: str, number: int) -> str:
    """A letter of the household's template: letterhead, greeting and closing shared,
    ``body`` its own."""
    return (
        "Anna and Tom Berger\nLindenweg 14\n4020 Linz\nPhone 0732 118 442\n\n"
        f"Linz, {number} March 2026\n\nDear Sir or Madam,\n\n{body}\n\n"
        "Thank you in advance for your help. Should you have any questions, you can reach "
        "us by phone in the evenings or by email at any time.\n\n"
        "Kind regards,\nAnna and Tom Berger\n"
    )
