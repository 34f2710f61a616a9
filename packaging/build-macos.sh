#!/usr/bin/env bash
# Build finder for macOS: the app bundle (packaging/build-bundle.sh: finder.app) in a
# disk image, dist/finder-<version>-macos-<arch>.dmg (the app and a link to
# /Applications: drag one onto the other). Build on each architecture's runner (arm64:
# macos-14 and later; x86_64: macos-13) or the image holds one architecture only.
#
#   bash packaging/build-macos.sh [--reuse]
#
# Signing and notarisation (optional; without them Gatekeeper refuses a downloaded app
# until it is opened with right-click, Open):
#   MACOS_SIGN_IDENTITY  "Developer ID Application: Name (TEAMID)" from the keychain:
#                        PyInstaller signs every binary with the hardened runtime and
#                        packaging/macos/entitlements.plist; the .dmg is signed too.
#   NOTARY_PROFILE       a notarytool keychain profile, made once with
#                        `xcrun notarytool store-credentials NAME --apple-id ... --team-id ...`:
#                        the .dmg is submitted, waited for and stapled, so it opens
#                        offline without a warning.
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/build-bundle.sh "$@"
APP=build/macos/pyinstaller/dist/finder.app
VERSION=$("$APP/Contents/MacOS/finder" --version | cut -d' ' -f2)
DMG=dist/finder-$VERSION-macos-$(uname -m).dmg
STAGE=build/macos/dmg
rm -rf "$STAGE" "$DMG"
mkdir -p "$STAGE" dist
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
hdiutil create -volname "finder $VERSION" -srcfolder "$STAGE" -fs HFS+ -format UDZO -ov "$DMG"
if [[ -n ${MACOS_SIGN_IDENTITY:-} ]]; then
    codesign --verify --deep --strict "$APP"
    codesign --force --timestamp --sign "$MACOS_SIGN_IDENTITY" "$DMG"
fi
if [[ -n ${NOTARY_PROFILE:-} ]]; then
    xcrun notarytool submit "$DMG" --keychain-profile "$NOTARY_PROFILE" --wait
    xcrun stapler staple "$DMG"
    spctl --assess --type open --context context:primary-signature -v "$DMG"
fi
echo "build-macos: $DMG: $(du -h "$DMG" | cut -f1); app $(du -sh "$APP" | cut -f1)" >&2
