"""The engine: the Python API over one data dir that the CLI, the service and the
window use.

- :class:`~finder.engine.writer.IndexWriter` (:mod:`.writer`): the one opener that may
  change a data dir (it holds the writer lock): roots, settings, indexing, a new model's
  rebuild (:mod:`.rebuild`), kept level with the settings file (:mod:`.settings_sync`).
- :class:`~finder.engine.reader.IndexReader` (:mod:`.reader`): search, similar files,
  passages and status, beside a writer in another thread or process.
- :class:`~finder.engine.generation.Generation` (:mod:`.generation`): one index folder
  (catalog, vectors, manifest), which both open; :mod:`.shared_vectors` lets a reader
  use the vectors a writer in the same process has loaded; :mod:`.models` loads the
  embedders; :mod:`.status` describes a generation.

Below the engine: the pipeline (:mod:`finder.indexing`, used by the writer only), the
store, the extractors, the embedders and the searcher. Above it: the service and the
window, which the engine never imports.
"""

from finder.engine.reader import IndexReader
from finder.engine.writer import IndexWriter

__all__ = ["IndexReader", "IndexWriter"]
