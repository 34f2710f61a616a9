"""The index embedder in a child process, so the process that indexes never imports torch.

Importing torch and sentence-transformers costs ~400 MB of resident memory that no
later ``del`` gives back. Run in the window's process, that stayed for as long as the app
sat in the tray; here it lives in a child that the indexer stops when idle
(:meth:`ProcessEmbedder.close`), and that ends by itself, quietly, when its parent goes
away, even in the middle of loading the model (:mod:`finder.child_process`). Texts go
down the pipe and vectors come back (1.5 KB per chunk against ~16 ms of model time per
chunk: the pipe costs nothing measurable).

The child is started with ``spawn`` (never ``fork`` a process that may run threads) from
the calling thread, so it inherits that thread's CPU niceness (the service's +10).

Without torch (the installed app) the child runs the shipped ONNX export instead
(``onnx_dir``), for the same reason: onnxruntime's arena keeps the activations of its
largest batch until the process ends (RSS 190 MB after loading MiniLM, 700 MB after
batches of 32 chunks of 256 word pieces).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import numpy as np

from finder.child_process import exit_with_parent

_SPAWN = multiprocessing.get_context("spawn")
_START_TIMEOUT_S = 300.0  # importing torch and loading a model on a slow, busy laptop
_EXIT_GRACE_S = 5.0


class EmbedderProcessError(RuntimeError):
    """The child could not load the model, or died."""


def _serve(
    conn: Connection, model_name: str, threads: int | None, parent_pid: int, onnx_dir: str | None
) -> None:
    """The child: load the model (torch, or the ONNX export in ``onnx_dir``), say what it
    is, then embed what arrives until told to stop or the parent is gone (then it ends
    quietly: nothing printed)."""
    exit_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for the parent to handle
    with contextlib.suppress(EOFError, OSError):  # the parent went away: nobody to tell
        try:
            embedder: Any
            if onnx_dir is not None:
                from finder.embed.onnx_embedder import OnnxEmbedder

                embedder = OnnxEmbedder(Path(onnx_dir), threads=threads)
            else:
                from finder.embed.torch_embedder import SentenceTransformerEmbedder

                embedder = SentenceTransformerEmbedder(model_name, threads=threads)
        except Exception as err:  # told to the parent, which raises it
            conn.send(("error", f"{type(err).__name__}: {err}"))
            return
        conn.send(("ready", (embedder.dimension, embedder.max_tokens)))
        while (request := conn.recv()) is not None:
            reply: tuple[str, Any]
            try:
                reply = ("ok", embedder.embed(request))
            except Exception as err:
                reply = ("error", f"{type(err).__name__}: {err}")
            conn.send(reply)


class ProcessEmbedder:
    """An :class:`~finder.embed.base.Embedder` whose model runs in a child process.

    Thread: one at a time (the indexer's writer thread). Starting it waits for the
    child to load the model (seconds) and raises :class:`EmbedderProcessError` with the
    child's reason if it cannot. A child that died is started again once per call.
    ``onnx_dir``: run that ONNX export (:class:`~finder.embed.onnx_embedder.OnnxEmbedder`)
    instead of sentence-transformers.
    """

    def __init__(
        self, model_name: str, threads: int | None = None, *, onnx_dir: Path | None = None
    ) -> None:
        self._name = model_name
        self._threads = threads
        self._onnx_dir = None if onnx_dir is None else str(onnx_dir)
        self._process: Any = None
        self._conn: Connection | None = None
        self._dimension, self._max_tokens = self._start()

    def _start(self) -> tuple[int, int]:
        parent, child = _SPAWN.Pipe()
        process = _SPAWN.Process(
            target=_serve,
            args=(child, self._name, self._threads, os.getpid(), self._onnx_dir),
            name="finder-embedder",
            daemon=True,
        )
        process.start()
        child.close()  # ours is closed, so the child sees EOF when we go away
        self._process, self._conn = process, parent
        if not parent.poll(_START_TIMEOUT_S):
            self.close()
            raise EmbedderProcessError(f"the model {self._name!r} did not load in time")
        try:
            kind, payload = parent.recv()
        except (EOFError, OSError):
            self.close()
            raise EmbedderProcessError(
                f"the embedder process died while loading {self._name!r}"
            ) from None
        if kind != "ready":
            self.close()
            raise EmbedderProcessError(f"cannot load {self._name!r}: {payload}")
        return int(payload[0]), int(payload[1])

    @property
    def model_name(self) -> str:
        return self._name

    @property
    def dimension(self) -> int:
        return self._dimension

    @property
    def max_tokens(self) -> int:
        return self._max_tokens

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dimension), dtype=np.float32)
        for attempt in (1, 2):
            if self._conn is None:
                self._start()
            assert self._conn is not None
            try:
                self._conn.send(list(texts))
                kind, payload = self._conn.recv()
            except (EOFError, OSError):
                self.close()
                if attempt == 2:
                    raise EmbedderProcessError("the embedder process died twice") from None
                continue
            if kind != "ok":
                raise EmbedderProcessError(f"embedding failed: {payload}")
            return np.asarray(payload, dtype=np.float32)
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Stop the child (the next :meth:`embed` starts it again). Idempotent."""
        conn, process = self._conn, self._process
        self._conn = self._process = None
        if conn is not None:
            with contextlib.suppress(OSError):  # already gone
                conn.send(None)
            conn.close()
        if process is not None:
            process.join(_EXIT_GRACE_S)
            if process.is_alive():
                process.kill()
                process.join()
