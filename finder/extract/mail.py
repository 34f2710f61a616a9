"""Saved e-mail (``.eml``, RFC 5322 / MIME) via the stdlib :mod:`email` parser.

The text is what a reader looks at: the Subject, From, To and Date headers, then every
``text/plain`` part (or, for a part that only exists as HTML, its visible text), then the
names of attached files, so "the email with the invoice attached" finds it. Encoded
words, quoted-printable and base64 are decoded; unknown charsets fall back to UTF-8
with replacement. One page.
"""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from finder.extract._common import normalise_newlines, single_page
from finder.extract.html import html_to_text
from finder.extract.text import read_prefix
from finder.extract.types import Extracted, ExtractLimits

_HEADERS = ("Subject", "From", "To", "Cc", "Date")


def extract(path: Path, limits: ExtractLimits) -> Extracted:
    """Return the headers, body text and attachment names of the message at ``path``."""
    data, _truncated = read_prefix(path, limits)
    message = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(message, EmailMessage)  # policy.default builds EmailMessage
    lines = [f"{name}: {message[name]}" for name in _HEADERS if message[name]]
    plain: list[str] = []
    html: list[str] = []
    attachments: list[str] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        name = part.get_filename()
        if name or part.get_content_disposition() == "attachment":
            attachments.append(name or "(unnamed)")
        elif part.get_content_type() == "text/plain":
            plain.append(_text_of(part))
        elif part.get_content_type() == "text/html":
            html.append(html_to_text(_text_of(part)))
    body = plain or html  # an HTML alternative repeats the plain text
    text = "\n".join(lines) + "\n\n" + "\n\n".join(body)
    if attachments:
        text += "\n\nAttachments: " + ", ".join(attachments)
    return single_page(normalise_newlines(text), limits.max_text_chars)


def _text_of(part: EmailMessage) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:  # a charset Python does not know
        return payload.decode("utf-8", errors="replace")
