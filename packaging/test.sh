#!/usr/bin/env bash
# Install what the tests need, then lint, type-check and run the test suite.
# Exits non-zero when any of them fails. Benchmarks are not run here (see README).
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/install.sh --test
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
.venv/bin/ruff check finder tests
.venv/bin/ruff format --check finder tests
.venv/bin/mypy
.venv/bin/pytest -q "$@"
