#!/usr/bin/env bash
# Pronto dev PBX: Kamailio in the FOREGROUND on 127.0.0.1 (what `npm run pbx` runs).
#
#   SIP over WebSocket  ws://127.0.0.1:${PRONTO_PBX_WS_PORT:-8080}   (agents: sip.js)
#   SIP over UDP        127.0.0.1:${PRONTO_PBX_UDP_PORT:-5060}       (trunk side: SIPp)
#
#   media bridge        rtpengine, ng control udp 127.0.0.1:${PRONTO_PBX_RTPENGINE_PORT:-22222},
#                       RTP ports ${PRONTO_PBX_RTP_MIN:-30000}-${PRONTO_PBX_RTP_MAX:-30999} on 127.0.0.1
#                       (joins WebRTC agents and plain-RTP trunks; started before and stopped
#                       after Kamailio; without rtpengine installed the PBX runs without it)
#
# Env: PRONTO_PBX_WS_PORT, PRONTO_PBX_UDP_PORT, PRONTO_PBX_EVAPI_PORT (the hub's event link, 8448),
#      PRONTO_PBX_TRUNK (where external numbers go, e.g. "sip:127.0.0.1:5070"; default: none, 404),
#      PRONTO_PBX_RTPENGINE_PORT, PRONTO_PBX_RTP_MIN, PRONTO_PBX_RTP_MAX, PRONTO_RTPENGINE_BIN,
#      PRONTO_PBX_CFG (config file),
#      PRONTO_PBX_DATA (db_text dir), PRONTO_KAMAILIO_BIN (kamailio binary).
# Runtime files (pid file, ctl socket) live in a private temp dir, removed on exit.
# Ctrl+C (or SIGTERM) stops Kamailio cleanly. Works as root and as a normal user.
# DEV-ONLY credentials: users 1001..1010, password pronto-dev.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CFG="${PRONTO_PBX_CFG:-$ROOT/deploy/kamailio/kamailio.cfg}"
DATA="${PRONTO_PBX_DATA:-$(dirname "$CFG")/data}"
WS_PORT="${PRONTO_PBX_WS_PORT:-8080}"
UDP_PORT="${PRONTO_PBX_UDP_PORT:-5060}"
EVAPI_PORT="${PRONTO_PBX_EVAPI_PORT:-8448}"
NG_PORT="${PRONTO_PBX_RTPENGINE_PORT:-22222}"
RTP_MIN="${PRONTO_PBX_RTP_MIN:-30000}"
RTP_MAX="${PRONTO_PBX_RTP_MAX:-30999}"
TRUNK="${PRONTO_PBX_TRUNK:-}"

die() { echo "pbx: $*" >&2; exit 1; }

find_bin() {
  local name="$1" dir
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
  # a normal user's PATH often lacks the sbin dirs
  for dir in /usr/sbin /usr/local/sbin /sbin; do
    if [ -x "$dir/$name" ]; then echo "$dir/$name"; return 0; fi
  done
  return 1
}

KAMAILIO="${PRONTO_KAMAILIO_BIN:-$(find_bin kamailio)}" ||
  die "kamailio not found. Install it: apt-get install -y kamailio kamailio-websocket-modules kamailio-extra-modules"
KAMCMD="$(find_bin kamcmd || echo kamcmd)"

if [ -n "$TRUNK" ] && ! [[ "$TRUNK" =~ ^sip:[A-Za-z0-9.-]+(:[0-9]+)?$ ]]; then
  die "PRONTO_PBX_TRUNK must look like sip:HOST[:PORT], got '$TRUNK'"
fi
RTPENGINE="${PRONTO_RTPENGINE_BIN:-$(find_bin rtpengine || true)}"

for p in "$WS_PORT" "$UDP_PORT" "$EVAPI_PORT" "$NG_PORT" "$RTP_MIN" "$RTP_MAX"; do
  [[ "$p" =~ ^[0-9]+$ ]] && [ "$p" -ge 1 ] && [ "$p" -le 65535 ] || die "invalid port '$p'"
done
[ -r "$CFG" ] || die "config not readable: $CFG"
[ -r "$DATA/pronto_users" ] || die "data dir without pronto_users: $DATA"

PORT_HINT="set PRONTO_PBX_WS_PORT / PRONTO_PBX_UDP_PORT to free ports"
if (: <>"/dev/tcp/127.0.0.1/$WS_PORT") 2>/dev/null; then
  die "TCP port $WS_PORT on 127.0.0.1 is already in use (another PBX?); $PORT_HINT"
fi
# Kamailio binds UDP with SO_REUSEADDR, so a second instance would silently SHARE the
# port with the first one instead of failing: check before starting.
if command -v ss >/dev/null 2>&1 && [ -n "$(ss -Hlun "sport = :$UDP_PORT" 2>/dev/null)" ]; then
  die "UDP port $UDP_PORT is already in use (another PBX?); $PORT_HINT"
fi

RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/pronto-pbx.XXXXXX")" || die "cannot create a temp dir"
CTL="unix:$RUN_DIR/kamailio_ctl"
KPID=""
RPID=""
WATCHDOG=""

cleanup() {
  if [ -n "$WATCHDOG" ]; then kill "$WATCHDOG" 2>/dev/null || true; fi
  if [ -n "$KPID" ]; then
    # workers of an unclean exit would keep the ports: end the whole (own) process group
    kill -KILL -- "-$KPID" 2>/dev/null || true
  fi
  if [ -n "$RPID" ]; then
    # the bridge after Kamailio (calls end first); it stops cleanly on TERM within a second
    kill -TERM "$RPID" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$RPID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$RPID" 2>/dev/null || true
  fi
  rm -rf "$RUN_DIR"
}
trap cleanup EXIT

stopping=0
on_signal() {
  if [ -z "$KPID" ]; then exit 130; fi
  if [ "$stopping" = 0 ]; then
    stopping=1
    echo "pbx: stopping Kamailio (pid $KPID)..." >&2
    kill -TERM "$KPID" 2>/dev/null || true
    # watchdog: if it does not stop within 10 s, kill its process group
    (
      for _ in $(seq 1 100); do kill -0 "$KPID" 2>/dev/null || exit 0; sleep 0.1; done
      kill -KILL -- "-$KPID" 2>/dev/null
    ) &
    WATCHDOG=$!
  fi
}

trap on_signal INT TERM HUP

# Hub-issued SIP credentials (issue 20, deploy/kamailio/autheph.cfg): PRONTO_PBX_AUTHEPH_SECRET_FILE
# = the file the hub has as PRONTO_HUB_AUTHEPH_SECRET_FILE. The secret goes into the private run
# dir (mode 0600; never on a command line: only shell builtins touch it) and Kamailio starts in
# that dir, where autheph.cfg's import_file finds it. Unset: the PBX runs exactly as before.
if [ -n "${PRONTO_PBX_AUTHEPH_SECRET_FILE:-}" ]; then
  [ -r "$PRONTO_PBX_AUTHEPH_SECRET_FILE" ] || die "PRONTO_PBX_AUTHEPH_SECRET_FILE: cannot read $PRONTO_PBX_AUTHEPH_SECRET_FILE"
  AUTHEPH_SECRET="$(<"$PRONTO_PBX_AUTHEPH_SECRET_FILE")"
  AUTHEPH_SECRET="${AUTHEPH_SECRET%"${AUTHEPH_SECRET##*[![:space:]]}"}" # trailing whitespace off, as the hub reads it
  if [ "${#AUTHEPH_SECRET}" -lt 16 ] || [ "${#AUTHEPH_SECRET}" -gt 512 ] || [[ "$AUTHEPH_SECRET" == *[![:graph:]]* || "$AUTHEPH_SECRET" == *[\"\\]* ]]; then
    die "PRONTO_PBX_AUTHEPH_SECRET_FILE: 16-512 printable ASCII characters without spaces, quotes or backslashes (e.g. openssl rand -base64 32)"
  fi
  CFG="$(cd "$(dirname "$CFG")" && pwd)/$(basename "$CFG")"
  DATA="$(cd "$DATA" && pwd)" || die "data dir not found: $DATA"
  (umask 077 && printf '#!define WITH_AUTHEPH\n#!define AUTHEPH_SECRET "%s"\n' "$AUTHEPH_SECRET" >"$RUN_DIR/pronto-autheph-secret.cfg") ||
    die "cannot write the secret into $RUN_DIR"
  unset AUTHEPH_SECRET
  cd "$RUN_DIR" || die "cannot enter $RUN_DIR"
  echo "pbx: hub-issued SIP credentials accepted (secret from $PRONTO_PBX_AUTHEPH_SECRET_FILE)" >&2
fi

# The media bridge first: Kamailio's rtpengine module marks a bridge that does not answer at its
# start as dead. --config-file=none: Debian's /etc/rtpengine/rtpengine.conf sets the kernel table,
# interface=any and recording. User space only (--table=-1): no kernel module needed.
MEDIA_ARGS=(-A "RTPENGINE_SOCK=\"udp:127.0.0.1:$NG_PORT\"" -A "MOH_FILE=\"$ROOT/deploy/kamailio/media/hold-music.wav\"")
if [ -n "$RTPENGINE" ]; then
  if command -v ss >/dev/null 2>&1 && [ -n "$(ss -Hlun "sport = :$NG_PORT" 2>/dev/null)" ]; then
    die "UDP port $NG_PORT (rtpengine control) is already in use; set PRONTO_PBX_RTPENGINE_PORT"
  fi
  set -m
  "$RTPENGINE" --config-file=none --table=-1 --interface=127.0.0.1 --listen-ng="127.0.0.1:$NG_PORT" \
    --port-min="$RTP_MIN" --port-max="$RTP_MAX" --foreground --log-stderr --log-level=5 \
    --pidfile="$RUN_DIR/rtpengine.pid" --num-threads=2 --delete-delay=0 &
  RPID=$!
  set +m
  up=0
  for _ in $(seq 1 50); do
    kill -0 "$RPID" 2>/dev/null || break
    if [ -n "$(ss -Hlun "sport = :$NG_PORT" 2>/dev/null)" ]; then up=1; break; fi
    sleep 0.1
  done
  [ "$up" = 1 ] || die "rtpengine did not start (see its output above)"
  MEDIA_LINE="rtpengine (pid $RPID), control udp 127.0.0.1:$NG_PORT, RTP $RTP_MIN-$RTP_MAX"
else
  echo "pbx: rtpengine not found (apt-get install -y rtpengine-daemon): running WITHOUT the media bridge;" >&2
  echo "pbx: calls between a browser agent and a plain-RTP trunk will fail" >&2
  MEDIA_LINE="none (rtpengine not installed): browser <-> trunk calls fail"
fi
[ -n "$TRUNK" ] && MEDIA_ARGS+=(-A "TRUNK_GW=\"$TRUNK\"")

# Job control on: Kamailio gets its own process group. Ctrl+C reaches only this script,
# which forwards a SIGTERM (clean shutdown of the main process and its workers).
set -m
"$KAMAILIO" -f "$CFG" -DD -E -m 64 -M 8 \
  -P "$RUN_DIR/kamailio.pid" -Y "$RUN_DIR" -w "$RUN_DIR" \
  -A "WS_PORT=$WS_PORT" -A "UDP_PORT=$UDP_PORT" \
  -A "CTL_SOCKET=\"$CTL\"" -A "DATA_URL=\"text://$DATA\"" \
  -A "EVAPI_ADDR=\"127.0.0.1:$EVAPI_PORT\"" "${MEDIA_ARGS[@]}" &
KPID=$!
set +m

ready=0
for _ in $(seq 1 100); do
  kill -0 "$KPID" 2>/dev/null || break
  if (: <>"/dev/tcp/127.0.0.1/$WS_PORT") 2>/dev/null; then ready=1; break; fi
  sleep 0.1
done

if [ "$ready" = 1 ]; then
  cat >&2 <<EOF

================================================================================
 Pronto dev PBX (Kamailio, pid $KPID) is up, bound to 127.0.0.1 only
   agents (sip.js):  ws://127.0.0.1:$WS_PORT   (SIP over WebSocket, subprotocol "sip")
   trunk (SIPp):     udp 127.0.0.1:$UDP_PORT   (trusted by source address, no auth)
   domain/realm:     127.0.0.1 (also localhost, pronto.local) / realm "pronto.local"
   dev users:        1001 .. 1010, password "pronto-dev"   (DEV-ONLY credentials)
   numbers:          10xx = that agent, 600 = queue "sales" (1001-1008),
                     601 = queue "support" (1009-1010); callers wait for a free agent
   hub event link:   tcp 127.0.0.1:$EVAPI_PORT  (pronto-hub serve --pbx-evapi 127.0.0.1:$EVAPI_PORT)
   media bridge:     $MEDIA_LINE
   trunk out:        ${TRUNK:-none (external numbers get 404; set PRONTO_PBX_TRUNK=sip:HOST:PORT)}
   registrations:    $KAMCMD -s $CTL ul.dump
 Ctrl+C to stop.
================================================================================

EOF
else
  kill -0 "$KPID" 2>/dev/null &&
    echo "pbx: WebSocket port $WS_PORT not answering yet; Kamailio keeps running" >&2
fi

rc=0
wait "$KPID"; rc=$?
while kill -0 "$KPID" 2>/dev/null; do
  wait "$KPID"; rc=$?
done

if [ "$stopping" = 1 ]; then
  echo "pbx: stopped." >&2
  exit 0
fi
if [ "$ready" = 0 ]; then
  echo "pbx: Kamailio exited during start (rc $rc). A port in use? UDP $UDP_PORT / TCP $WS_PORT:" \
    "$PORT_HINT." >&2
fi
exit "$rc"
