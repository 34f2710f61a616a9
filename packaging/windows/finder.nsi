; finder's Windows installer (NSIS 3, Modern UI 2), made by packaging/build-windows.sh:
;
;   makensis -DVERSION=0.1.0 -DBUNDLE=<dist\finder> -DOUTFILE=<setup.exe> [-DICON=<.ico>] finder.nsi
;
; Installs the PyInstaller bundle (finder.exe for the command line, finderw.exe for the
; window without a console) per machine into "Program Files\finder", with a Start menu
; entry, an "Add or remove programs" entry and `finder` on the system PATH. Installing a
; newer version over an older one replaces the program folder only. The uninstaller
; removes the program, its shortcuts, its PATH entry and the current user's "start at
; login" Run value (it would point at a program that is gone); each user's index and
; settings in %LOCALAPPDATA%\finder are left where they are (README: Install).

Unicode true
!include "MUI2.nsh"
!include "WinMessages.nsh"

!ifndef VERSION
  !error "give -DVERSION=x.y.z"
!endif
!ifndef BUNDLE
  !error "give -DBUNDLE=<the PyInstaller folder holding finder.exe>"
!endif
!ifndef OUTFILE
  !define OUTFILE "finder-${VERSION}-windows-x64-setup.exe"
!endif

!define APP "finder"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\finder"
!define ENVIRONMENT_KEY "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"
!define RUN_KEY "Software\Microsoft\Windows\CurrentVersion\Run"

Name "${APP} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\${APP}"
InstallDirRegKey HKLM "${UNINSTALL_KEY}" "InstallLocation"
RequestExecutionLevel admin
SetCompressor /SOLID lzma
ManifestDPIAware true
BrandingText "${APP} ${VERSION}"

!ifdef ICON
  !define MUI_ICON "${ICON}"
  !define MUI_UNICON "${ICON}"
!endif
!define MUI_FINISHPAGE_RUN "$INSTDIR\finderw.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Open finder"

!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "${APP}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "FileDescription" "finder installer: find files by meaning, offline"
VIAddVersionKey "LegalCopyright" "MIT licence"

Section "finder" SecApp
  SectionIn RO
  SetShellVarContext all
  SetRegView 64  ; the installer is a 32-bit program: not the WOW6432Node registry view
  ; An older version's files go first, so none of them lingers beside the new ones.
  RMDir /r "$INSTDIR\_internal"
  SetOutPath "$INSTDIR"
  File /r "${BUNDLE}\*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortCut "$SMPROGRAMS\${APP}.lnk" "$INSTDIR\finderw.exe" "" "$INSTDIR\finderw.exe" 0

  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "finder developers"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\finderw.exe"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1

  ; `finder` on PATH for the command line: appended once, never duplicated.
  ReadRegStr $0 HKLM "${ENVIRONMENT_KEY}" "Path"
  Push "$0;"
  Push "$INSTDIR;"
  Call StrContains
  Pop $1
  StrCmp $1 "" 0 +3
    WriteRegExpandStr HKLM "${ENVIRONMENT_KEY}" "Path" "$0;$INSTDIR"
    SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
SectionEnd

Section "Uninstall"
  SetShellVarContext all
  SetRegView 64
  Delete "$SMPROGRAMS\${APP}.lnk"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\finder.exe"
  Delete "$INSTDIR\finderw.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKLM "${UNINSTALL_KEY}"
  DeleteRegValue HKCU "${RUN_KEY}" "${APP}"

  ReadRegStr $0 HKLM "${ENVIRONMENT_KEY}" "Path"
  Push $0
  Push ";$INSTDIR"
  Call un.StrRemove
  Pop $0
  WriteRegExpandStr HKLM "${ENVIRONMENT_KEY}" "Path" "$0"
  SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
SectionEnd

; StrContains: push haystack, push needle; pops the needle if found, else "".
Function StrContains
  Exch $R1 ; needle
  Exch
  Exch $R2 ; haystack
  Push $R3
  Push $R4
  Push $R5
  StrLen $R3 $R1
  StrCpy $R4 0
  loop:
    StrCpy $R5 $R2 $R3 $R4
    StrCmp $R5 $R1 found
    StrCmp $R5 "" notfound
    IntOp $R4 $R4 + 1
    Goto loop
  found:
    StrCpy $R1 $R1
    Goto done
  notfound:
    StrCpy $R1 ""
  done:
  Pop $R5
  Pop $R4
  Pop $R3
  Pop $R2
  Exch $R1
FunctionEnd

; un.StrRemove: push string, push part; pops the string with the first occurrence of
; part taken out.
Function un.StrRemove
  Exch $R1 ; part
  Exch
  Exch $R2 ; string
  Push $R3
  Push $R4
  Push $R5
  StrLen $R3 $R1
  StrCpy $R4 0
  loop:
    StrCpy $R5 $R2 $R3 $R4
    StrCmp $R5 "" done
    StrCmp $R5 $R1 cut
    IntOp $R4 $R4 + 1
    Goto loop
  cut:
    StrCpy $R5 $R2 $R4
    IntOp $R4 $R4 + $R3
    StrCpy $R2 $R2 "" $R4
    StrCpy $R2 "$R5$R2"
  done:
  StrCpy $R1 $R2
  Pop $R5
  Pop $R4
  Pop $R3
  Pop $R2
  Exch $R1
FunctionEnd
