"""Text extraction: turn a file on disk into plain text, page by page.

The contract every format module follows:

- ``extract(path, limits) -> Extracted`` returns the visible text of the file, one
  :class:`Page` per page for paged formats (PDF) and a single page (number ``None``)
  otherwise.
- A file that cannot be read raises :class:`ExtractionError` whose message is a short
  reason a person can act on ("not a valid PDF: ...", "binary content", "encrypted").
- Nothing here touches the catalog or the index; parsers may be slow or hostile, so the
  indexer runs them in a bounded worker process (:mod:`finder.extract.sandbox`).

Modules: :mod:`~finder.extract.registry` (suffix -> extractor, ``extract_file``),
:mod:`~finder.extract.sandbox` (``ExtractorPool``), and one module per format: ``text``,
``html``, ``pdf``, ``office`` (DOCX, ODT, EPUB) and ``rtf``. This package itself imports
only the value types, so importing it does not load any parser.
"""

from finder.extract.types import Extracted, ExtractionError, ExtractLimits, Page

__all__ = ["ExtractLimits", "Extracted", "ExtractionError", "Page"]
