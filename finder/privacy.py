"""The switches that keep finder's dependencies from phoning home or writing elsewhere.

Each library reads its switch from the environment when it is imported or first used,
so :func:`switch_off_telemetry` runs from ``finder/__init__.py``, before any of them.
Children started with ``subprocess`` or ``multiprocessing`` inherit the environment.
What each dependency does without its switch (audit of the versions in use):

- onnxruntime (query model): on its first session writes a device id and an SQLite
  event store to ``~/.cache/Microsoft/DeveloperTools/.onnxruntime`` and a session file
  to the temp dir, and a process living longer than ~9 s looks up
  ``mobile.events.data.microsoft.com`` every 1-2 minutes. ``ORT_DISABLE_TELEMETRY``
  stops all of it; ``disable_telemetry_events()`` does not.
- huggingface_hub (under transformers and sentence-transformers): usage pings and
  file lookups on the Hub unless offline; finder names models by local folder only.
- torch: importing ``torch._dynamo`` (the ONNX export does) creates
  ``torchinductor_<user>`` in the system temp dir; it is moved into finder's cache dir.
- sentence-transformers, transformers, tokenizers, onnx, PySide6 (Qt), pypdf, hnswlib,
  watchdog: no telemetry or network use of their own in the code paths finder uses.

``tests/test_privacy.py`` proves the result with strace.
"""

from __future__ import annotations

import logging
import os
import sys

from finder.paths import default_cache_dir

log = logging.getLogger(__name__)

#: Set (overriding any value inherited) in every finder process.
SWITCHES = {
    "ORT_DISABLE_TELEMETRY": "1",  # onnxruntime: no device id, event store or uploads
    "HF_HUB_OFFLINE": "1",  # huggingface_hub: no request to the Hub at all
    "TRANSFORMERS_OFFLINE": "1",  # the same, as transformers spells it
    "HF_HUB_DISABLE_TELEMETRY": "1",  # huggingface_hub: no usage pings
    "DO_NOT_TRACK": "1",  # https://donottrack.sh, read by huggingface_hub and others
}

# Modules whose switch is read at import time: imported before finder, they ignore it.
_READ_AT_IMPORT = ("onnxruntime", "huggingface_hub", "transformers", "torch")


def switch_off_telemetry() -> None:
    """Set :data:`SWITCHES` and point torch's compile cache into finder's cache dir.

    Idempotent. Warns when a library that reads its switch on import was imported
    before finder (a host program that embeds finder must import finder first).
    """
    # None marks a module blocked from import (as tests do to stand for the torch-free app).
    early = [name for name in _READ_AT_IMPORT if sys.modules.get(name) is not None]
    os.environ.update(SWITCHES)
    os.environ["TORCHINDUCTOR_CACHE_DIR"] = str(default_cache_dir() / "torch")
    if early:
        log.warning("imported before finder, telemetry may be on: %s", ", ".join(early))
