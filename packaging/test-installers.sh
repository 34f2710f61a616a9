#!/usr/bin/env bash
# Test the Linux packages as a user gets them: build the .deb and the tarball (unless
# dist/ holds ones newer than every source file), unpack the .deb into a temporary root
# (`dpkg-deb -x`, as `dpkg -i` would lay it out; `--install` installs it for real, for
# CI), check its layout and libraries, then run the installed binary
# (packaging/smoke_installed.py): --version, indexing txt/md/pdf/docx files, paraphrase
# searches, status --json, and the window timed under xvfb-run, all in a network
# namespace without network (`unshare -n`, as root; otherwise said and skipped).
#
#   bash packaging/test-installers.sh [--rebuild] [--install] [--speed DOCS]
#
# Also compiles the Windows installer script with NSIS against a stand-in bundle.
# --speed DOCS also compares indexing speed with the pip app (.venv) on DOCS SciFact
# documents. Exits non-zero when a check fails. ~3 min with a fresh .deb, ~6 min building.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
STARTED=$SECONDS
REBUILD=0 INSTALL=0 SPEED=()
while (($#)); do
    case $1 in
        --rebuild) REBUILD=1 ;;
        --install) INSTALL=1 ;;
        --speed) SPEED=(--speed "$2" --pip-python "$REPO/.venv/bin/python"
                        --scifact "${SCIFACT:-$REPO/../shared/data/ir/scifact}"); shift ;;
        *) echo "usage: $0 [--rebuild] [--install] [--speed DOCS]" >&2; exit 2 ;;
    esac
    shift
done
VERSION=$(python3 -c 'import tomllib; print(tomllib.load(open("pyproject.toml","rb"))["project"]["version"])')
DEB=dist/finder_${VERSION}_amd64.deb
TARBALL=dist/finder-$VERSION-linux-x86_64.tar.xz
say() { echo "test-installers: $*" >&2; }
fail() { say "FAIL: $*"; exit 1; }

# What building and checking need (Debian/Ubuntu), and the libraries the .deb depends on,
# so that its libraries resolve here as on a user's machine.
NEEDED=(dpkg-dev binutils file xvfb xauth x11-utils desktop-file-utils nsis)
mapfile -t -O ${#NEEDED[@]} NEEDED < <(grep -v '^#' packaging/linux/depends.txt | sed 's/ *(.*//')
missing=()
for alternatives in "${NEEDED[@]}"; do  # "a | b": either will do; install the first known
    installed="" known=""
    for pkg in ${alternatives//|/ }; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" &&
            installed=$pkg
        [[ -z $known ]] && apt-cache show "$pkg" >/dev/null 2>&1 && known=$pkg
    done
    [[ -n $installed ]] || missing+=("${known:-${alternatives%% *}}")
done
if ((${#missing[@]})); then
    SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
    say "installing Debian packages: ${missing[*]}"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
fi

stale=$( ((REBUILD)) || [[ ! -f $DEB || ! -f $TARBALL ]] && echo yes ||
    find finder packaging resources pyproject.toml -type f -newer "$DEB" | head -1)
if [[ -n $stale ]]; then
    say "building the packages (packaging/build-linux.sh)"
    bash packaging/build-linux.sh --reuse
else
    say "reusing $DEB (newer than every source file)"
fi

WORK=$(mktemp -d /tmp/finder-installers.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
if ((INSTALL)); then
    SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
    $SUDO apt-get install -y -q "./$DEB"
    ROOT=/
else
    ROOT=$WORK/root
    dpkg-deb -x "$DEB" "$ROOT"
fi
FINDER=$ROOT/opt/finder/finder

# Layout: what the .deb promises.
[[ $(dpkg-deb -f "$DEB" Package) == finder && $(dpkg-deb -f "$DEB" Version) == "$VERSION" ]] ||
    fail "control fields"
[[ $(readlink "$ROOT/usr/bin/finder") == /opt/finder/finder ]] || fail "/usr/bin/finder symlink"
[[ -f $ROOT/usr/share/applications/finder.desktop ]] || fail "no .desktop entry"
[[ -f $ROOT/usr/share/icons/hicolor/scalable/apps/finder.svg ]] || fail "no hicolor icon"
if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate "$ROOT/usr/share/applications/finder.desktop" || fail ".desktop entry"
fi
! find "$ROOT/opt/finder" \( -name 'torch*' -o -name 'sentence_transformers*' \
    -o -name 'transformers' \) | grep -q . || fail "torch or its kin is in the bundle"
# Portable hnswlib: no AVX/AVX-512 register in it, so no -march=native code.
HNSW=$(find "$ROOT/opt/finder" -name 'hnswlib*.so')
[[ $(objdump -d "$HNSW" | grep -cE '%[yz]mm') == 0 ]] || fail "hnswlib has AVX code: not portable"
# Every library of the bundle resolves, with the system's for what the bundle leaves out.
missing=$(cd "$ROOT/opt/finder/_internal" &&
    find . -name '*.so*' -type f -exec env LD_LIBRARY_PATH=.:PySide6/Qt/lib ldd {} + 2>/dev/null |
    grep 'not found' | sort -u || true)
[[ -z $missing ]] || fail "libraries not found on this system:"$'\n'"$missing"
say "layout ok: /opt/finder, /usr/bin/finder, .desktop, icon; no torch; portable hnswlib"

# Install, upgrade, remove, with dpkg itself into a root of its own (no root needed, the
# system untouched): a newer package installed over the old one replaces the app and
# keeps the user's index and settings; removing and purging it leaves them.
SYSROOT=$WORK/sysroot
mkdir -p "$SYSROOT/var/lib/dpkg/info" "$SYSROOT/var/lib/dpkg/updates" "$SYSROOT/var/log"
touch "$SYSROOT/var/lib/dpkg/status"
dpkg_() {  # quiet unless it fails (it warns about every dependency missing in that root)
    dpkg --root="$SYSROOT" --force-not-root --force-depends --force-script-chrootless \
        --log=/dev/null "$@" > "$WORK/dpkg.out" 2>&1 || { cat "$WORK/dpkg.out"; fail "dpkg $*"; }
}
dpkg-deb -R "$DEB" "$WORK/newer"  # the same app as a newer version, marked
sed -i "s/^Version: .*/Version: $VERSION+upgrade/" "$WORK/newer/DEBIAN/control"
touch "$WORK/newer/opt/finder/_internal/UPGRADED"
dpkg-deb -Znone --root-owner-group -b "$WORK/newer" "$WORK/newer.deb" >/dev/null
rm -rf "$WORK/newer"
USER_ENV=(env -i PATH=/usr/bin:/bin HOME="$WORK/home" LANG=C.UTF-8)  # default user dirs
INSTALLED=$SYSROOT/opt/finder/finder
mkdir -p "$WORK/home/Documents"
echo "The plumber replaced the old gas boiler in the cellar." > "$WORK/home/Documents/boiler.txt"
dpkg_ -i "$DEB"
"${USER_ENV[@]}" "$INSTALLED" index --exclude '*.log' "$WORK/home/Documents" 2>/dev/null ||
    fail "indexing with the installed package"
DATA=$WORK/home/.local/share/finder CONFIG=$WORK/home/.config/finder
[[ -d $DATA && -d $CONFIG ]] || fail "the index and settings are not where README says"
before=$(cd "$WORK/home" && find .local/share/finder .config/finder -type f | sort | xargs sha256sum)
dpkg_ -i "$WORK/newer.deb"
[[ -f $SYSROOT/opt/finder/_internal/UPGRADED ]] || fail "the upgrade did not replace the app"
after=$(cd "$WORK/home" && find .local/share/finder .config/finder -type f | sort | xargs sha256sum)
[[ $before == "$after" ]] || fail "upgrading changed the user's data"
"${USER_ENV[@]}" "$INSTALLED" search --legs meaning "heating in the basement" | grep -q boiler.txt ||
    fail "the upgraded app does not find with the old index"
"${USER_ENV[@]}" "$INSTALLED" status --json | grep -q '"files_indexed": 1' ||
    fail "the upgraded app's status"
dpkg_ -r finder
[[ ! -e $SYSROOT/opt/finder && ! -e $SYSROOT/usr/bin/finder &&
   ! -e $SYSROOT/usr/share/applications/finder.desktop ]] || fail "removing left the app"
dpkg_ -P finder
[[ -n $(find "$DATA" -name catalog.sqlite3) && -n $(find "$CONFIG" -type f) ]] ||
    fail "removing the package removed the user's data"
say "install, upgrade over, remove, purge: the user's index and settings kept"

# The tarball runs where it is unpacked.
tar -C "$WORK" -xJf "$TARBALL"
"$WORK/finder-$VERSION-linux-x86_64/finder" --version | grep -qx "finder $VERSION" ||
    fail "the tarball's finder --version"
say "tarball ok"

# The Windows installer script compiles (NSIS on Linux; a stand-in bundle: the real one
# is built and installed on a Windows runner by the installers workflow).
mkdir -p "$WORK/nsis/finder/_internal"
touch "$WORK/nsis/finder/finder.exe" "$WORK/nsis/finder/finderw.exe" "$WORK/nsis/finder/_internal/x"
makensis -V2 -DVERSION="$VERSION" -DBUNDLE="$WORK/nsis/finder" -DOUTFILE="$WORK/nsis/finder-setup.exe" \
    packaging/windows/finder.nsi >/dev/null || fail "makensis packaging/windows/finder.nsi"
say "the NSIS script compiles"

SMOKE=(python3 packaging/smoke_installed.py --finder "$FINDER" --version "$VERSION" "${SPEED[@]}")
if command -v xvfb-run >/dev/null && command -v xev >/dev/null && command -v xmessage >/dev/null; then
    SMOKE=(xvfb-run -a "${SMOKE[@]}" --window)
else
    say "SKIPPED the window: needs xvfb-run and x11-utils (apt-get install xvfb x11-utils)"
fi
if [[ $(id -u) -eq 0 ]] && unshare -n true 2>/dev/null; then
    SMOKE=(unshare -n "${SMOKE[@]}" --no-network)
else
    say "SKIPPED blocking the network: \`unshare -n\` needs root; the checks run with network"
fi
"${SMOKE[@]}" || fail "the installed finder"
say "passed in $((SECONDS - STARTED)) s"
