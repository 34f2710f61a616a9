"""Parts of the engine benchmark (``tests/bench/bench_engine.py``)."""
