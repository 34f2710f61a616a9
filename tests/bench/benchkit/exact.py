"""Exact-match regression set: file names, identifiers and quoted phrases must rank first.

Tuning fusion for topical collections must not cost what people type when they know
what they are looking for. Each query below has exactly one right file, and the folder
holds near misses on purpose: neighbouring identifiers (XJ-9000 / XJ-9001), files about
the same topic that use the query's other words more often, names that differ by a date.
Success@1 of the shipped hybrid search must stay 1.0.
"""

from __future__ import annotations

from pathlib import Path

FILES = {
    "firmware/XJ-9000.log": (
        "Firmware build XJ-9000 failed: checksum mismatch in bootloader stage."
    ),
    "firmware/XJ-9001.log": (
        "Firmware build XJ-9001 failed: checksum mismatch in bootloader stage two."
    ),
    "firmware/build-problems.md": (
        "Build problems we keep seeing: every firmware build of the XJ series fails now and "
        "then. The problem is usually a checksum problem in the bootloader; the other problem "
        "is a flaky flash tool. Rerun the build when a problem appears."
    ),
    "firmware/firmware-image.bin": "\x00\x01\x02 binary image \x00\xff",
    "firmware/flashing.txt": (
        "How to flash the firmware image onto the board: copy the firmware image, hold the "
        "reset button, and write the image with the flash tool."
    ),
    "src/parser.py": (
        "def parse_v2(data: bytes) -> dict:\n"
        "    '''Parse the second version of the wire format.'''\n"
        "    return decode(data, version=2)\n"
    ),
    "src/parser_legacy.py": (
        "def parse_v1(data: bytes) -> dict:\n"
        "    '''Parse the first version of the wire format; kept for old parse callers.'''\n"
        "    return decode(data, version=1)\n"
    ),
    "docs/parsing.md": (
        "Parsing the wire format: the parser reads a version byte, then parses the header "
        "and the body. Parse errors are reported with the offset where parsing stopped."
    ),
    "src/users.js": "export function getUserName(id) { return users[id].name; }",
    "src/accounts.js": "export function getUserId(name) { return accounts[name].id; }",
    "src/paths.py": "import os\n\nroot = os.path.join(base, 'data')\n",
    "src/files.py": "from pathlib import Path\n\nroot = Path(base) / 'data'  # join the path\n",
    "health/b12.txt": "Vitamin B12 deficiency raises homocysteine levels in older adults.",
    "health/folate.txt": (
        "Folate deficiency and vitamin deficiency in general raise homocysteine; vitamin "
        "deficiency is common in older adults."
    ),
    "invoices/march.txt": "Invoice INV-2024-0042 for consulting, due 30 April 2024.",
    "invoices/april.txt": "Invoice INV-2024-0043 for consulting, due 31 May 2024.",
    "home/renovation-agreement.txt": (
        "The plumber agreed to replace the kitchen pipes for 1200 euros.\n\n"
        "Payment is due within thirty days of completion of the works."
    ),
    "home/payment-terms.txt": (
        "Payment terms: thirty days. Completion of the works is confirmed in writing; "
        "the days of payment follow completion."
    ),
    "meetings/meeting-notes-2024-03-14.txt": "Agenda: budget review, hiring plan.",
    "meetings/meeting-notes-2024-03-15.txt": "Agenda: meeting notes on the budget review.",
    "kitchen/bread.md": "Knead the dough ten minutes, let it rise overnight, then bake.",
    "kitchen/bread-rolls.md": "Bread rolls: bread dough shaped into small bread buns.",
    "poems/fox.txt": "The quick brown fox jumps over the lazy dog.",
    "poems/dogs.txt": "A lazy dog sleeps; a quick fox is brown. Dogs and foxes, quick and lazy.",
}

# query -> the one file (path relative to the folder) that must come first.
QUERIES = {
    # file names, with and without extension
    "firmware-image.bin": "firmware/firmware-image.bin",
    "bread.md": "kitchen/bread.md",
    "renovation-agreement": "home/renovation-agreement.txt",
    "meeting-notes-2024-03-14": "meetings/meeting-notes-2024-03-14.txt",
    "meeting-notes-2024-03-15.txt": "meetings/meeting-notes-2024-03-15.txt",
    "XJ-9000.log": "firmware/XJ-9000.log",
    # identifiers, alone and among ordinary words
    "XJ-9000": "firmware/XJ-9000.log",
    "XJ-9000 problem": "firmware/XJ-9000.log",
    "XJ-9001 checksum": "firmware/XJ-9001.log",
    "parse_v2": "src/parser.py",
    "where is parse_v2 defined": "src/parser.py",
    "parse_v1 wire format": "src/parser_legacy.py",
    "getUserName": "src/users.js",
    "os.path.join": "src/paths.py",
    "B12 deficiency homocysteine": "health/b12.txt",
    "INV-2024-0042": "invoices/march.txt",
    "invoice INV-2024-0043 consulting": "invoices/april.txt",
    # quoted phrases
    '"thirty days of completion"': "home/renovation-agreement.txt",
    '"thirty days of completion" payment': "home/renovation-agreement.txt",
    '"checksum mismatch in bootloader stage two"': "firmware/XJ-9001.log",
    '"the quick brown fox"': "poems/fox.txt",
    '"quick brown fox" lazy dogs': "poems/fox.txt",
    '"rise overnight"': "kitchen/bread.md",
}


def write_folder(target: Path) -> None:
    """Write the regression folder under ``target``."""
    for rel, text in FILES.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
