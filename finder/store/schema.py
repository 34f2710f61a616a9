"""Every SQL statement finder runs, as named constants, and the schema version.

The catalog is the source of truth: files, their chunks (text, offsets, page), one vector
per distinct chunk text, and two FTS5 indexes kept in step by triggers. The HNSW file is
a cache of the ``vectors`` table and can always be rebuilt from it without the model.

Why vectors are keyed by text hash and not by chunk: a chunk whose text did not change
(an untouched paragraph of an edited file, a copied or renamed file) finds its vector
already there and is never embedded again; identical files cost one embedding.
"""

from __future__ import annotations

SCHEMA_VERSION = 1

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    # NORMAL in WAL mode: a power cut may lose the last transactions, never consistency.
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
    "PRAGMA temp_store=MEMORY",
)

CREATE = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS roots (
    path     TEXT PRIMARY KEY,
    added_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS files (
    id           INTEGER PRIMARY KEY,
    path         TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    ext          TEXT NOT NULL,
    size         INTEGER NOT NULL,
    mtime_ns     INTEGER NOT NULL,
    content_hash TEXT,
    status       TEXT NOT NULL CHECK (status IN ('ok', 'name_only', 'failed')),
    error        TEXT,
    indexed_at   REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS files_by_hash ON files(content_hash);
CREATE INDEX IF NOT EXISTS files_by_lower_name ON files(lower(name));
CREATE TABLE IF NOT EXISTS chunks (
    id        INTEGER PRIMARY KEY,
    file_id   INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    ord       INTEGER NOT NULL,
    page      INTEGER,
    start     INTEGER NOT NULL,
    stop      INTEGER NOT NULL,
    text      TEXT NOT NULL,
    text_hash BLOB NOT NULL,
    vector_id INTEGER
);
CREATE INDEX IF NOT EXISTS chunks_by_file ON chunks(file_id, ord);
CREATE INDEX IF NOT EXISTS chunks_by_hash ON chunks(text_hash);
CREATE INDEX IF NOT EXISTS chunks_by_vector ON chunks(vector_id);
-- AUTOINCREMENT: a vector id is never reused, so a label deleted from the HNSW file can
-- never come back to life with another text's meaning.
CREATE TABLE IF NOT EXISTS vectors (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    text_hash BLOB NOT NULL UNIQUE,
    vector    BLOB NOT NULL
);
-- A file's folder and name words embedded (finder.indexing.name_vectors): meaning its
-- passages may not hold ("House/Extension/... quotation" answers "the builders' quote").
-- A cache the indexer fills for readable files; a new path drops it, to be made again.
CREATE TABLE IF NOT EXISTS name_vectors (
    file_id INTEGER PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,
    vector  BLOB NOT NULL
);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
    text, content='chunks', content_rowid='id',
    tokenize='porter unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE IF NOT EXISTS files_fts USING fts5(
    name, content='files', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS chunks_ai AFTER INSERT ON chunks BEGIN
    INSERT INTO chunks_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER IF NOT EXISTS chunks_ad AFTER DELETE ON chunks BEGIN
    INSERT INTO chunks_fts(chunks_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER IF NOT EXISTS files_ai AFTER INSERT ON files BEGIN
    INSERT INTO files_fts(rowid, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER IF NOT EXISTS files_ad AFTER DELETE ON files BEGIN
    INSERT INTO files_fts(files_fts, rowid, name) VALUES ('delete', old.id, old.name);
END;
CREATE TRIGGER IF NOT EXISTS files_au_path AFTER UPDATE OF path ON files BEGIN
    DELETE FROM name_vectors WHERE file_id = old.id;
END;
CREATE TRIGGER IF NOT EXISTS files_au AFTER UPDATE OF name ON files BEGIN
    INSERT INTO files_fts(files_fts, rowid, name) VALUES ('delete', old.id, old.name);
    INSERT INTO files_fts(rowid, name) VALUES (new.id, new.name);
END;
"""

# --- meta and roots -------------------------------------------------------------------
GET_META = "SELECT value FROM meta WHERE key = ?"
SET_META = "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = ?2"
LIST_ROOTS = "SELECT path FROM roots ORDER BY path"
ADD_ROOT = "INSERT OR IGNORE INTO roots(path, added_at) VALUES (?, ?)"
REMOVE_ROOT = "DELETE FROM roots WHERE path = ?"

# --- files ----------------------------------------------------------------------------
FILE_STATES = "SELECT id, path, size, mtime_ns, content_hash, status FROM files"
# A path and everything below it; the range is on the unique path index ("0" follows "/").
FILE_STATES_AT_OR_UNDER = FILE_STATES + " WHERE path = ? OR (path > ? AND path < ?)"
FILE_BY_PATH = "SELECT id FROM files WHERE path = ?"
FILE_CONTENT_HASH = "SELECT content_hash FROM files WHERE id = ?"
INSERT_FILE = """
INSERT INTO files(path, name, ext, size, mtime_ns, content_hash, status, error, indexed_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
UPDATE_FILE = """
UPDATE files SET size = ?, mtime_ns = ?, content_hash = ?, status = ?, error = ?,
                 indexed_at = ?
WHERE id = ?
"""
RENAME_FILE = "UPDATE files SET path = ?, name = ?, ext = ?, mtime_ns = ? WHERE id = ?"
DELETE_FILE_CHUNKS = "DELETE FROM chunks WHERE file_id = ?"
DELETE_FILE = "DELETE FROM files WHERE id = ?"
FILES_BY_IDS = """
SELECT id, path, name, ext, size, mtime_ns, status FROM files WHERE id IN ({marks})
"""
FILE_BY_HASH_WITH_CHUNKS = """
SELECT id FROM files WHERE content_hash = ? AND status = 'ok' AND id != ? LIMIT 1
"""

# --- chunks and vectors ---------------------------------------------------------------
INSERT_CHUNK = """
INSERT INTO chunks(file_id, ord, page, start, stop, text, text_hash, vector_id)
VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT id FROM vectors WHERE text_hash = ?7))
"""
COPY_CHUNKS = """
INSERT INTO chunks(file_id, ord, page, start, stop, text, text_hash, vector_id)
SELECT ?, ord, page, start, stop, text, text_hash, vector_id FROM chunks WHERE file_id = ?
ORDER BY ord
"""
# No GROUP BY: sorting every pending row for each batch costs more than dropping the few
# duplicates of a batch in Python (store_vectors links all chunks sharing a hash).
PENDING_TEXTS = "SELECT text_hash, text FROM chunks WHERE vector_id IS NULL LIMIT ?"
COUNT_PENDING_TEXTS = "SELECT COUNT(DISTINCT text_hash) FROM chunks WHERE vector_id IS NULL"
INSERT_VECTOR = "INSERT OR IGNORE INTO vectors(text_hash, vector) VALUES (?, ?)"
VECTOR_ID_BY_HASH = "SELECT id FROM vectors WHERE text_hash = ?"
LINK_CHUNKS_TO_VECTOR = "UPDATE chunks SET vector_id = ? WHERE text_hash = ? AND vector_id IS NULL"
LIVE_VECTOR_IDS = "SELECT id FROM vectors"
ONE_VECTOR_BYTES = "SELECT length(vector) FROM vectors LIMIT 1"
VECTORS_BY_IDS = "SELECT id, vector FROM vectors WHERE id IN ({marks})"
ORPHAN_VECTOR_IDS = """
SELECT v.id FROM vectors v WHERE NOT EXISTS (SELECT 1 FROM chunks c WHERE c.vector_id = v.id)
"""
DELETE_VECTOR = "DELETE FROM vectors WHERE id = ?"
FILE_VECTOR_IDS = "SELECT vector_id FROM chunks WHERE file_id = ? AND vector_id IS NOT NULL"
# The map (finder.explore): every chunk vector of readable files in one pass, grouped by
# file (chunks_by_file gives the order), and the leading chunk text of some files.
FILE_CHUNK_VECTORS = """
SELECT c.file_id, v.vector FROM chunks c JOIN vectors v ON v.id = c.vector_id
WHERE c.file_id IN (SELECT id FROM files WHERE status = 'ok') ORDER BY c.file_id
"""
FILE_PATHS = "SELECT id, path FROM files WHERE status = 'ok'"
LEADING_TEXT_BY_FILE_IDS = "SELECT file_id, text FROM chunks WHERE file_id IN ({marks}) AND ord < ?"

# A readable file's name vector (finder.indexing.name_vectors): those still to make, and
# those of a search's candidate files.
NAMES_WITHOUT_VECTOR = """
SELECT id, path FROM files f
WHERE status = 'ok' AND NOT EXISTS (SELECT 1 FROM name_vectors n WHERE n.file_id = f.id)
LIMIT ?
"""
INSERT_NAME_VECTOR = "INSERT OR REPLACE INTO name_vectors(file_id, vector) VALUES (?, ?)"
NAME_VECTORS_BY_FILES = "SELECT file_id, vector FROM name_vectors WHERE file_id IN ({marks})"

# --- search ---------------------------------------------------------------------------
# Rank inside FTS5 first, join the few winners after: joining every match costs 2x.
KEYWORD_CHUNKS = """
SELECT c.id, c.file_id, m.rank FROM (
    SELECT rowid AS id, bm25(chunks_fts) AS rank FROM chunks_fts
    WHERE chunks_fts MATCH ? ORDER BY rank LIMIT ?
) AS m JOIN chunks c ON c.id = m.id
ORDER BY m.rank
"""
COUNT_MATCHES = "SELECT count(*) FROM (SELECT 1 FROM chunks_fts WHERE chunks_fts MATCH ? LIMIT ?)"
POSTINGS = "SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ?"
CHUNKS_MATCHING_AMONG = (
    "SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ? AND rowid IN ({marks})"
)
CHUNKS_OF_FILES = "SELECT file_id, id FROM chunks WHERE file_id IN ({marks}) ORDER BY file_id, ord"
COUNT_NAME_MATCHES = "SELECT count(*) FROM files_fts WHERE files_fts MATCH ?"
COUNT_FILES = "SELECT count(*) FROM files"
KEYWORD_FILES = """
SELECT rowid, bm25(files_fts) AS rank FROM files_fts WHERE files_fts MATCH ?
ORDER BY rank LIMIT ?
"""
# "report" names report, report.pdf and report.tar.gz; both arms use files_by_lower_name.
FILES_NAMED = """
SELECT id FROM files
WHERE lower(name) = ?1 OR (lower(name) >= ?1 || '.' AND lower(name) < ?1 || '/')
"""
FILES_RECENT = "SELECT id, path, ext, mtime_ns FROM files ORDER BY mtime_ns DESC"
CHUNKS_BY_VECTORS = "SELECT id, file_id, vector_id FROM chunks WHERE vector_id IN ({marks})"
CHUNK_VECTORS = """
SELECT v.vector FROM chunks c JOIN vectors v ON v.id = c.vector_id WHERE c.id IN ({marks})
"""
CHUNKS_BY_IDS = "SELECT id, file_id, page, start, stop, text FROM chunks WHERE id IN ({marks})"
CHUNK_PLACE = """
SELECT c.file_id, c.ord, c.page, f.path FROM chunks c JOIN files f ON f.id = c.file_id
WHERE c.id = ?
"""
CHUNKS_OF_FILE_BETWEEN = """
SELECT id, page, start, stop, text FROM chunks
WHERE file_id = ? AND ord BETWEEN ? AND ? ORDER BY ord
"""
CHUNKS_OF_PAGE = (
    "SELECT id, page, start, stop, text FROM chunks WHERE file_id = ? AND page = ? ORDER BY ord"
)
CHUNKS_CONTAINING = """
SELECT c.id, c.file_id FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid
WHERE chunks_fts MATCH ? AND c.file_id IN ({marks}) AND instr(lower(c.text), ?) > 0
"""

# --- the window's start screen and result variants -------------------------------------
RECENT_READABLE = (
    "SELECT path, mtime_ns FROM files WHERE status = 'ok' ORDER BY mtime_ns DESC LIMIT ?"
)
COUNT_FILES_UNDER = "SELECT count(*) FROM files WHERE path > ? AND path < ?"
# The folder of each file: rtrim strips the name (every character but the separator).
FILE_FOLDERS = "SELECT DISTINCT rtrim(path, replace(path, ?, '')) FROM files"
LEADING_CHUNKS = """
SELECT f.path, c.page, c.start, c.stop, c.text FROM files f JOIN chunks c ON c.file_id = f.id
WHERE f.path IN ({marks}) AND f.status = 'ok' AND c.ord < ? ORDER BY f.path, c.ord
"""

# Every readable file's chunks in reading order: the near-duplicate finder's text.
ALL_CHUNKS = """
SELECT c.file_id, c.page, c.start, c.stop, c.text FROM chunks c JOIN files f ON f.id = c.file_id
WHERE f.status = 'ok' ORDER BY c.file_id, c.ord
"""

# --- status ---------------------------------------------------------------------------
COUNT_FILES_BY_STATUS = "SELECT status, COUNT(*) FROM files GROUP BY status"
COUNT_FILES_PENDING_VECTORS = """
SELECT COUNT(DISTINCT file_id) FROM chunks WHERE vector_id IS NULL
"""
COUNT_CHUNKS = "SELECT COUNT(*) FROM chunks"
COUNT_VECTORS = "SELECT COUNT(*) FROM vectors"
FAILED_FILES = "SELECT path, error FROM files WHERE status = 'failed' ORDER BY path LIMIT ?"

# --- salvage (reading a damaged catalog row range by row range; finder.store.salvage) ----
SALVAGE_META = "SELECT key, value FROM meta WHERE rowid BETWEEN ? AND ?"
SALVAGE_ROOTS = "SELECT path, added_at FROM roots WHERE rowid BETWEEN ? AND ?"
SALVAGE_VECTORS = "SELECT id, text_hash, vector FROM vectors WHERE id BETWEEN ? AND ?"
SALVAGE_LAST_ROWID = "SELECT max(rowid) FROM {table}"
SALVAGE_VECTOR_WATERMARK = "SELECT seq FROM sqlite_sequence WHERE name = 'vectors'"
RESTORE_VECTOR = "INSERT OR IGNORE INTO vectors(id, text_hash, vector) VALUES (?, ?, ?)"
# No id below the old high-water mark may be given again (see AUTOINCREMENT above).
RESTORE_VECTOR_WATERMARK = """
INSERT INTO sqlite_sequence(name, seq) SELECT 'vectors', ?1
WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'vectors')
"""
RAISE_VECTOR_WATERMARK = "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'vectors'"
TABLE_NAMES = "SELECT name FROM sqlite_master WHERE type = 'table'"


def marks(n: int) -> str:
    """``?, ?, ?`` for an ``IN (...)`` list of ``n`` values."""
    return ", ".join("?" * n)
