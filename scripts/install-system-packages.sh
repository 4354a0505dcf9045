#!/usr/bin/env bash
# Debian packages the tests use: Chromium (e2e), Kamailio + SIPp (telephony), PostgreSQL 15 (hub),
# Xvfb (headed runs). Installs only what is missing; needs root (or sudo).
set -euo pipefail
PKGS=(chromium xvfb kamailio kamailio-websocket-modules kamailio-extra-modules sip-tester postgresql)
missing=()
for p in "${PKGS[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "system packages: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
