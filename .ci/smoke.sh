#!/bin/sh
# Smoke test of the real editor binary in a real X server: open a project, let it draw the first
# map frame, capture the window, and check the picture is a drawn map (many colours), not a
# blank or half-built window.
#
#   .ci/smoke.sh BIN PROJECT [OUT.png]
#
# Needs Xvfb and ImageMagick (Debian: xvfb imagemagick). Builds nothing.
set -u
BIN=${1:?usage: smoke.sh BIN PROJECT [OUT.png]}
PROJECT=${2:?usage: smoke.sh BIN PROJECT [OUT.png]}
OUT=${3:-${TMPDIR:-/tmp}/kuanggui-smoke.png}
MIN_COLOURS=${MIN_COLOURS:-500}

[ -x "$BIN" ] || { echo "smoke: $BIN is not an executable" >&2; exit 2; }
[ -f "$PROJECT" ] || { echo "smoke: project $PROJECT not found (make sample)" >&2; exit 2; }
command -v Xvfb >/dev/null || { echo "smoke: Xvfb not installed (apt-get install xvfb)" >&2; exit 2; }
command -v convert >/dev/null || { echo "smoke: ImageMagick not installed" >&2; exit 2; }

# A free display number: the first N without an X lock file.
N=99
while [ -e "/tmp/.X$N-lock" ] || [ -e "/tmp/.X11-unix/X$N" ]; do N=$((N + 1)); done

LOG=$(mktemp)
Xvfb ":$N" -screen 0 1600x1000x24 -nolisten tcp >"$LOG.xvfb" 2>&1 &
XPID=$!
cleanup() { kill "$XPID" 2>/dev/null; wait "$XPID" 2>/dev/null; rm -f "$LOG" "$LOG.xvfb"; }
trap cleanup EXIT INT TERM

# Wait for the server socket (up to 10 s).
i=0
while [ ! -e "/tmp/.X11-unix/X$N" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -e "/tmp/.X11-unix/X$N" ] || { echo "smoke: Xvfb :$N did not start:" >&2; cat "$LOG.xvfb" >&2; exit 1; }

rm -f "$OUT"
START=$(date +%s%N)
DISPLAY=":$N" LANG=zh_CN.UTF-8 KUANGGUI_TIMING=1 timeout 60 "$BIN" open "$PROJECT" --screenshot "$OUT" >"$LOG" 2>&1
RC=$?
END=$(date +%s%N)
cat "$LOG"
if [ $RC -ne 0 ]; then
	echo "smoke: FAIL: $BIN exited $RC (124 = timed out after 60 s)" >&2
	exit 1
fi
[ -s "$OUT" ] || { echo "smoke: FAIL: no screenshot written to $OUT" >&2; exit 1; }

SIZE=$(identify -format '%wx%h' "$OUT" 2>/dev/null)
COLOURS=$(convert "$OUT" -format %k info: 2>/dev/null)
echo "smoke: screenshot $OUT $SIZE, $COLOURS colours, run took $(((END - START) / 1000000)) ms"
case "$COLOURS" in '' | *[!0-9]*) echo "smoke: FAIL: cannot read $OUT" >&2; exit 1 ;; esac
if [ "$COLOURS" -lt "$MIN_COLOURS" ]; then
	echo "smoke: FAIL: only $COLOURS colours (want >= $MIN_COLOURS): the map was not drawn" >&2
	exit 1
fi
echo "smoke: OK"
