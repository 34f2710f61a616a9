#!/usr/bin/env bash
# Build finder's Windows installer (Git Bash on Windows, as the installers CI workflow
# runs it): the bundle (packaging/build-bundle.sh), then NSIS compiles
# packaging/windows/finder.nsi into dist/finder-<version>-windows-x64-setup.exe.
#
#   bash packaging/build-windows.sh [--reuse]
#
# Needs Python 3.11+ (PYTHON), a developer install with torch for the model export
# (EXPORT_PYTHON, default .venv\Scripts\python.exe), the MSVC build tools (hnswlib is
# compiled) and NSIS 3 (MAKENSIS, default makensis on PATH).
#
# Signing (optional): with SIGNTOOL_CERT (a .pfx) and SIGNTOOL_PASSWORD set, finder.exe,
# finderw.exe and the installer are signed with signtool and timestamped; unsigned,
# SmartScreen warns on first run ("More info", "Run anyway").
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/build-bundle.sh "$@"
BUNDLE=build/windows/pyinstaller/dist/finder
VERSION=$("$BUNDLE/finder.exe" --version | cut -d' ' -f2 | tr -d '\r')
SETUP=dist/finder-$VERSION-windows-x64-setup.exe
mkdir -p dist
sign() {
    [[ -n ${SIGNTOOL_CERT:-} ]] || return 0
    signtool sign /fd SHA256 /f "$SIGNTOOL_CERT" /p "$SIGNTOOL_PASSWORD" \
        /tr http://timestamp.digicert.com /td SHA256 "$@"
}
sign "$BUNDLE/finder.exe" "$BUNDLE/finderw.exe"
"${MAKENSIS:-makensis}" -V2 -DVERSION="$VERSION" -DBUNDLE="$(cygpath -w "$BUNDLE")" \
    -DOUTFILE="$(cygpath -w "$SETUP")" -DICON="$(cygpath -w packaging/windows/finder.ico)" \
    packaging/windows/finder.nsi
sign "$SETUP"
echo "build-windows: $SETUP: $(du -h "$SETUP" | cut -f1); bundle $(du -sh "$BUNDLE" | cut -f1)" >&2
