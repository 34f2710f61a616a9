#!/usr/bin/env bash
# Build the installed app for Linux x86-64: a PyInstaller one-folder bundle without torch,
# then dist/finder_<version>_amd64.deb and dist/finder-<version>-linux-x86_64.tar.xz (xz: the .deb's compression; gzip made it 160 MB).
#
#   bash packaging/build-linux.sh            # everything (several minutes on 2 cores)
#   bash packaging/build-linux.sh --reuse    # keep the build venv and the ONNX export
#                                            # when what they are made from is unchanged
#
# packaging/build-bundle.sh makes the bundle (the ONNX export made with the developer
# install, .venv; a build venv without torch; portable hnswlib; PyInstaller); then the
# .deb (app in /opt/finder, /usr/bin/finder, .desktop entry, hicolor icon) and the tarball.
# Needs python3 (3.11+, a shared libpython), gcc/g++, dpkg-deb. Prints the sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
BUILD=$REPO/build/linux
DIST=$REPO/dist
mkdir -p "$DIST"
log() { echo "build-linux: $*" >&2; }
bash packaging/build-bundle.sh "$@"
BUNDLE=$BUILD/pyinstaller/dist/finder
VERSION=$("$BUNDLE/finder" --version | cut -d' ' -f2)

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
tar -C "$BUILD" -cf - "$TAR_NAME" | xz -T2 -6 > "$DIST/$TAR_NAME.tar.xz"

log "bundle: $(du -sh "$BUNDLE" | cut -f1) installed ($INSTALLED_KB KB in the .deb)"
log "$(basename "$DEB"): $(du -h "$DEB" | cut -f1)"
log "$TAR_NAME.tar.xz: $(du -h "$DIST/$TAR_NAME.tar.xz" | cut -f1)"
