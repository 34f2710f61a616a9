#!/usr/bin/env bash
# Install finder into ./.venv on Debian/Ubuntu, with what the tests need when given --test.
#
# torch is installed first and pinned: anything that pulls torch in by itself fetches a
# multi-GB CUDA build. Set TORCH_INDEX_URL (e.g. PyTorch's CPU wheel index) where the
# default pip configuration does not provide a CPU wheel of torch 2.13.0.
set -euo pipefail
cd "$(dirname "$0")/.."

WITH_TESTS=0
[[ "${1:-}" == "--test" ]] && WITH_TESTS=1

DEBIAN_PACKAGES=(python3 python3-venv python3-dev gcc g++
    # what Qt's xcb platform plugin needs to open the window
    libgl1 libegl1 libglib2.0-0 libfontconfig1 fonts-dejavu-core libdbus-1-3 libxkbcommon0
    libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0)
# the screenshot script runs the real window on a virtual display
((WITH_TESTS)) && DEBIAN_PACKAGES+=(xvfb xauth strace)  # strace: tests/test_privacy.py
missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
    SUDO=""
    [[ $(id -u) -ne 0 ]] && SUDO="sudo"
    echo "installing Debian packages: ${missing[*]}" >&2
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
fi

PYTHON="${PYTHON:-python3}"
[[ -x .venv/bin/python ]] || "$PYTHON" -m venv .venv
PIP=(.venv/bin/python -m pip install -q --disable-pip-version-check)
"${PIP[@]}" --upgrade pip
if [[ -n "${TORCH_INDEX_URL:-}" ]]; then
    "${PIP[@]}" torch==2.13.0 --index-url "$TORCH_INDEX_URL"
else
    "${PIP[@]}" torch==2.13.0
fi
if ((WITH_TESTS)); then
    "${PIP[@]}" -e '.[test]'
else
    "${PIP[@]}" -e .
fi
echo "finder installed: .venv/bin/finder" >&2
