"""Parse what a person types into words, quoted phrases and filters.

Syntax (any order): free words; ``"quoted phrases"`` that must appear literally;
``ext:pdf`` (or ``ext:pdf,docx``, repeatable); ``in:FOLDER`` (an absolute path, ``~/...``,
or a folder name anywhere in the path; quote it when it has spaces: ``in:"My Files"``);
``after:2024-01-31`` and ``before:2024-12-31`` (modified date, local time; after is
inclusive of that day, before exclusive); ``topic:N`` (in topic N of the files' map,
see ``finder topics``).
An unknown ``word:value`` is kept as plain text (people search for "re: invoice").
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from finder.extract.normalise import normalise_query
from finder.path_rules import catalog_path, is_below, user_path

# A quoted phrase, or a word; a filter value may be quoted: in:"My Documents".
_TOKEN = re.compile(r'"([^"]*)"?|(\w+:"[^"]*"?|\S+)')
_WORD = re.compile(r"\w+", re.UNICODE)
# An identifier: letters mixed with digits (XJ-9000, B12, parse_v2), snake_case, camelCase
# or dotted (foo.bar). Plain hyphenated words (x-ray, drug-induced) are ordinary words, and
# dotted single letters are abbreviations or initials (e.g., i.e., U.S., H.C.), not names:
# as identifiers they made "e.g." a phrase every result had to contain.
_IDENTIFIER = re.compile(
    r"^(?=.*\d)(?=.*[A-Za-z])[\w.\-]{2,}$|^\w+_\w+$|^[a-z]+[A-Z]\w*$"
    r"|^(?!(?:[^\W\d_]\.)+[^\W\d_]?$)\w+(\.\w+)+$"
    # An amount with thousands separators (1,463.75): its words 1, 463 and 75 alone are
    # found in every changelog, so only the literal text singles out the invoice.
    r"|^\d{1,3}(,\d{3})+(\.\d+)?$"
)
# Ordinals and decades (90th, 21st, 1990s) mix digits and letters but are plain words:
# as identifiers "great-grandma's 90th birthday" had to contain "90th" literally.
_ORDINAL = re.compile(r"^\d+(st|nd|rd|th|s)$", re.IGNORECASE)
# A currency sign before an amount is left out of the literal text: "£ 1,463.75" and
# "1,463.75 GBP" hold the same amount.
_CURRENCY = "£$€¥"
_AMOUNT = re.compile(r"^\d+([,.]\d+)*$")


class QueryError(ValueError):
    """A filter's value cannot be understood; the message says which and why."""


@dataclass(frozen=True, slots=True)
class Filters:
    """Restrictions on which files may be returned."""

    extensions: tuple[str, ...] = ()
    folders: tuple[str, ...] = ()
    after_ns: int | None = None
    before_ns: int | None = None
    topics: tuple[int, ...] = ()  # topic:N; the paths the saved map puts in them:
    topic_paths: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(
            self.topics
            or self.extensions
            or self.folders
            or self.after_ns is not None
            or self.before_ns is not None
        )

    def accepts(self, path: str, ext: str, mtime_ns: int) -> bool:
        if self.topics and path not in self.topic_paths:
            return False
        if self.extensions and ext.lower() not in self.extensions:
            return False
        if self.folders and not any(_in_folder(path, f) for f in self.folders):
            return False
        if self.after_ns is not None and mtime_ns < self.after_ns:
            return False
        return not (self.before_ns is not None and mtime_ns >= self.before_ns)


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query. ``text`` is what is embedded and keyword-matched."""

    raw: str
    text: str
    phrases: tuple[str, ...] = ()
    filters: Filters = field(default_factory=Filters)

    @property
    def words(self) -> list[str]:
        return _WORD.findall(self.text)

    @property
    def identifiers(self) -> list[str]:
        """Tokens that look like codes or identifiers: they must match literally."""
        found = []
        for token in (t.strip(",;:()[]{}'.!?") for t in self.text.split()):
            amount = token.lstrip(_CURRENCY)
            # £685 is an amount however short, but "5" alone is in every other passage.
            priced = amount != token and _AMOUNT.match(amount) and len(amount) > 1
            if priced or (_IDENTIFIER.match(amount) and not _ORDINAL.match(amount)):
                found.append(amount)
        return found


# The paths a saved map puts in any of the given topics (finder.explore.topic_filter).
TopicMembers = Callable[[tuple[int, ...]], frozenset[str]]


def parse_query(raw: str, topic_members: TopicMembers | None = None) -> Query:
    words: list[str] = []
    phrases: list[str] = []
    exts: list[str] = []
    folders: list[str] = []
    after = before = None
    topics: list[int] = []
    for m in _TOKEN.finditer(raw):
        if m.group(1) is not None:
            phrase = normalise_query(m.group(1).strip())
            if phrase:
                phrases.append(phrase)
                words.append(phrase)
            continue
        token = m.group(2)
        key, sep, value = token.partition(":")
        key, value = key.lower(), value.strip('"')
        if sep and value and key == "ext":
            exts += [e.lower().lstrip(".") for e in value.split(",") if e]
        elif sep and value and key == "in":
            folders.append(_folder(value))
        elif sep and value and key == "topic":
            if not value.isdigit():
                raise QueryError(f"topic:{value} is not a topic number (see `finder topics`)")
            topics.append(int(value))
        elif sep and value and key in ("after", "before"):
            stamp = _date_ns(key, value)
            if key == "after":
                after = stamp
            else:
                before = stamp
        else:
            # Indexed text is NFKC (finder.extract.normalise), so "ﬁle" must find "file";
            # folder filters are left alone: they are compared with paths as they are.
            words.append(normalise_query(token))
    members = topic_members(tuple(topics)) if topics and topic_members else frozenset()
    filters = Filters(tuple(exts), tuple(folders), after, before, tuple(topics), members)
    return Query(raw, " ".join(words), tuple(phrases), filters)


def _folder(value: str) -> str:
    # An absolute folder is compared with the catalog's paths, so it takes their form.
    absolute = os.path.isabs(os.path.expanduser(value))
    return catalog_path(user_path(value)) if absolute else value


def _in_folder(path: str, folder: str) -> bool:
    if os.path.isabs(folder):
        return is_below(path, folder)
    # A bare name matches any folder of that name on the path (Everything's habit).
    parts = path.split(os.sep)[:-1]
    return folder.lower() in (p.lower() for p in parts)


def _date_ns(key: str, value: str) -> int:
    for fmt in ("%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            return int(datetime.strptime(value, fmt).timestamp() * 1e9)
        except ValueError:
            continue
    raise QueryError(f"{key}:{value} is not a date; use YYYY-MM-DD, YYYY-MM or YYYY")
