"""The benchmark harness is run on demand (``python tests/bench/bench_engine.py``), never by
pytest: nothing in this folder is collected, whatever its name."""

collect_ignore_glob = ["*.py"]
