#!/usr/bin/env bash
# Debian packages the tests use: Chromium (e2e), Kamailio + SIPp (telephony), PostgreSQL 15 (hub),
# Xvfb (headed runs), rtpengine (the PBX's media bridge) + tcpdump (RTP counted on the wire). Installs only what is missing; needs root (or sudo).
set -euo pipefail
PKGS=(chromium xvfb kamailio kamailio-websocket-modules kamailio-extra-modules kamailio-autheph-modules kamailio-tls-modules rtpengine-daemon sip-tester tcpdump postgresql)
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
# rtpengine-daemon's package starts a system service where an init system runs: the tests and
# `npm run pbx` start their own instances (user space, loopback), so stop it.
if [[ " ${missing[*]} " == *" rtpengine-daemon "* ]]; then
  $SUDO systemctl stop rtpengine-daemon 2>/dev/null || $SUDO service rtpengine-daemon stop 2>/dev/null || true
fi
