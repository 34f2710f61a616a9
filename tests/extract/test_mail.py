"""Saved e-mail (.eml): headers, decoded body and attachment names."""

from __future__ import annotations

from pathlib import Path

from finder.extract import mail
from finder.extract.registry import extract_file
from finder.extract.types import ExtractLimits

LIMITS = ExtractLimits()

PLAIN = b"""From: Brickfield Farm Kennels <bookings@example.co.uk>
To: Lucia <lucia@example.com>
Subject: =?utf-8?q?Booking_confirmed=3A_Biscuit_=E2=80=93_1_Aug?=
Date: Mon, 03 Jun 2024 16:05:33 +0100
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: quoted-printable

Thank you for booking with Brickfield Farm Kennels. Price: 16 nights x GBP 24.00 =3D GB=
P 384.00
"""

MULTIPART = b"""From: school@example.org
Subject: Trip letter
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: multipart/alternative; boundary="b2"

--b2
Content-Type: text/plain; charset="us-ascii"

Please bring a sleeping bag.
--b2
Content-Type: text/html; charset="us-ascii"

<p>Please bring a <b>sleeping bag</b>.</p>
--b2--
--b1
Content-Type: application/pdf
Content-Disposition: attachment; filename="kit list.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQK
--b1--
"""


def test_headers_and_quoted_printable_body_are_decoded(tmp_path: Path) -> None:
    """Encoded-word subject and quoted-printable body come out as plain text."""
    path = tmp_path / "booking.eml"
    path.write_bytes(PLAIN)
    [page] = mail.extract(path, LIMITS).pages
    assert "Subject: Booking confirmed: Biscuit \u2013 1 Aug" in page.text
    assert "From: Brickfield Farm Kennels" in page.text
    assert "16 nights x GBP 24.00 = GBP 384.00" in page.text


def test_plain_part_wins_over_html_and_attachments_are_named(tmp_path: Path) -> None:
    """The text/plain alternative is kept once, and attached files are listed by name."""
    path = tmp_path / "letter.eml"
    path.write_bytes(MULTIPART)
    text = extract_file(path, LIMITS).pages[0].text
    assert text.count("sleeping bag") == 1
    assert "Attachments: kit list.pdf" in text
    assert "JVBERi" not in text
