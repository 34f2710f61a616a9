"""The map of the indexed files: where each file sits in 2-D and which topic it is in.

Value types only (no I/O): what the layout computes, what is saved beside the index and
what the window's map view draws. Coordinates are in the unit square, so a view scales
them to its size; ``topic`` is an index into :attr:`FileMap.topics` or -1 (no topic).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Topic:
    """A group of files about the same thing, named by words that set it apart."""

    id: int
    words: tuple[str, ...]  # the label, most distinctive first
    size: int  # files in it

    @property
    def label(self) -> str:
        return ", ".join(self.words[:3])


@dataclass(frozen=True, slots=True)
class FileMap:
    """Every mapped file's place and topic; row ``i`` of each array is ``paths[i]``."""

    paths: tuple[str, ...]  # user paths, as search hits carry them
    xy: np.ndarray  # float32 (n, 2), each coordinate in [0, 1]
    topic: np.ndarray  # int32 (n,), an index into ``topics`` or -1
    topics: tuple[Topic, ...]
    # Files at the last full layout: the map keeper lays out again when the files added
    # or removed since then pass a share of it (finder.service.map_keeper).
    laid_out: int = 0
    changed: int = 0  # files placed or removed since that layout

    def __len__(self) -> int:
        return len(self.paths)
