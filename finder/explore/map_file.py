"""The map saved beside the index: ``map.npz`` in the generation folder (DataPaths.file_map).

An ``.npz`` (no pickles) holding a JSON header (format version, paths, topics, counts)
and the xy and topic arrays. Written whole to a temporary name and renamed over the old
one, so a reader sees the old map or the new one, never half of one. A missing, garbled
or other-version file loads as None: the map is rebuilt, it is never worth a crash.

Any thread; the map keeper is the only writer.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import zipfile
from pathlib import Path

import numpy as np

from finder.explore.file_map import FileMap, Topic
from finder.store.atomic import fsync_dir

log = logging.getLogger(__name__)

VERSION = 1


def save_map(path: Path, file_map: FileMap) -> None:
    """Replace the map at ``path`` atomically (temp + os.replace), mode 0600."""
    header = {
        "version": VERSION,
        "paths": list(file_map.paths),
        "topics": [{"id": t.id, "words": list(t.words), "size": t.size} for t in file_map.topics],
        "laid_out": file_map.laid_out,
        "changed": file_map.changed,
    }
    # ensure_ascii: a path that is not valid UTF-8 holds lone surrogates; escaped, they survive.
    raw = np.frombuffer(json.dumps(header, ensure_ascii=True).encode("ascii"), np.uint8)
    tmp = path.with_name(path.name + ".tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(fd, "wb") as f:
            np.savez(
                f,
                header=raw,
                xy=np.asarray(file_map.xy, np.float32),
                topic=np.asarray(file_map.topic, np.int32),
            )
            f.flush()
            os.fsync(f.fileno())
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    os.replace(tmp, path)
    fsync_dir(path.parent)


def load_map(path: Path) -> FileMap | None:
    """The saved map, or None when there is none or it cannot be trusted."""
    try:
        with np.load(path, allow_pickle=False) as saved:
            header = json.loads(saved["header"].tobytes().decode("ascii"))
            xy = np.asarray(saved["xy"], np.float32)
            topic = np.asarray(saved["topic"], np.int32)
        if header.get("version") != VERSION:
            return None
        paths = tuple(str(p) for p in header["paths"])
        topics = tuple(
            Topic(int(t["id"]), tuple(map(str, t["words"])), int(t["size"]))
            for t in header["topics"]
        )
        n = len(paths)
        if xy.shape != (n, 2) or topic.shape != (n,) or not np.isfinite(xy).all():
            raise ValueError("arrays do not match the paths")
        if n and (topic.min() < -1 or topic.max() >= len(topics)):
            raise ValueError("a topic out of range")
        return FileMap(paths, xy, topic, topics, int(header["laid_out"]), int(header["changed"]))
    except FileNotFoundError:
        return None
    except (
        OSError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        EOFError,
        zipfile.BadZipFile,
    ) as err:
        log.warning("%s: the saved map cannot be read (%s); it will be made again", path, err)
        return None
