; Windows (NSIS): registers Pronto as a handler of tel:, sip: and sips: links. electron-builder's
; `protocols` covers macOS (Info.plist) and Linux (.desktop MimeType) only. Pronto is offered in
; Windows' "Default apps" (Capabilities + RegisteredApplications) rather than taking the schemes
; from the app the user chose; the app also registers itself at start (setAsDefaultProtocolClient)
; and Windows asks the user once. SHCTX is HKCU for a per-user install, HKLM for a per-machine one.
!macro customInstall
  WriteRegStr SHCTX "Software\Classes\Pronto.Link" "" "Pronto call link"
  WriteRegStr SHCTX "Software\Classes\Pronto.Link" "URL Protocol" ""
  WriteRegStr SHCTX "Software\Classes\Pronto.Link\DefaultIcon" "" "$INSTDIR\${APP_EXECUTABLE_FILENAME},0"
  WriteRegStr SHCTX "Software\Classes\Pronto.Link\shell\open\command" "" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}" "%1"'
  WriteRegStr SHCTX "Software\Pronto\Capabilities" "ApplicationName" "Pronto"
  WriteRegStr SHCTX "Software\Pronto\Capabilities" "ApplicationDescription" "Call-center screen pop"
  WriteRegStr SHCTX "Software\Pronto\Capabilities\URLAssociations" "tel" "Pronto.Link"
  WriteRegStr SHCTX "Software\Pronto\Capabilities\URLAssociations" "sip" "Pronto.Link"
  WriteRegStr SHCTX "Software\Pronto\Capabilities\URLAssociations" "sips" "Pronto.Link"
  WriteRegStr SHCTX "Software\RegisteredApplications" "Pronto" "Software\Pronto\Capabilities"
!macroend

!macro customUnInstall
  DeleteRegKey SHCTX "Software\Classes\Pronto.Link"
  DeleteRegKey SHCTX "Software\Pronto\Capabilities"
  DeleteRegValue SHCTX "Software\RegisteredApplications" "Pronto"
!macroend
