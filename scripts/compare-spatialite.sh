#!/usr/bin/env bash
# The same-layer overlap check (R02) side by side with SpatiaLite SQL through GDAL, on the same
# 120,000-block plan made by `kuanggui synth` (84,000 exploration blocks, 2,400 planted overlaps):
#   kuanggui validate P.gpkg --rules R02        (opening the project included)
#   kuanggui layers P.gpkg                      (opening the project only: the same load)
#   ogrinfo -sql "…ST_Intersection… over the R-tree"  (the query of the issue)
# Each runs REPS times (default 3); the medians are printed with the ratios for the whole
# command and for the check alone (validate minus open), and the number of overlapping pairs
# each side found (they must agree).
#   scripts/compare-spatialite.sh BIN [REPS]
set -euo pipefail
BIN=${1:?usage: $0 path/to/kuanggui [REPS]}
REPS=${2:-3}
command -v ogrinfo >/dev/null || { echo "needs ogrinfo (apt-get install gdal-bin)" >&2; exit 2; }
BIN=$(realpath "$BIN")
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
P=$W/big.gpkg

SQL="SELECT count(*), sum(ST_Area(ST_Intersection(a.geom, b.geom))) FROM kanchqk a, kanchqk b WHERE b.fid IN (SELECT id FROM rtree_kanchqk_geom WHERE minx <= ST_MaxX(a.geom) AND maxx >= ST_MinX(a.geom) AND miny <= ST_MaxY(a.geom) AND maxy >= ST_MinY(a.geom)) AND a.fid < b.fid AND ST_Intersects(a.geom, b.geom) AND ST_Area(ST_Intersection(a.geom, b.geom)) > 0"

echo "building the plan: $BIN synth $P"
"$BIN" synth "$P" >/dev/null

# seconds CMD...: wall time of one run in seconds (bash's time, so no external tool is needed).
# `kuanggui validate` exits 1 when it finds errors, which it must here; 2 and above are failures.
seconds() {
	local t rc=0
	TIMEFORMAT=%R
	t=$( { time "$@" >/dev/null 2>&1 || rc=$?; } 2>&1 )
	if [ "$rc" -gt 1 ]; then
		echo "failed ($rc): $*" >&2
		exit 1
	fi
	echo "$t"
}

median() { # REPS runs of CMD..., the median
	local ts=()
	for _ in $(seq "$REPS"); do
		ts+=("$(seconds "$@")")
	done
	printf '%s\n' "${ts[@]}" | sort -n | sed -n "$(((REPS + 1) / 2))p"
}

# Warm the page cache for both sides alike.
cat "$P" >/dev/null

ours=$(median "$BIN" validate "$P" --rules R02)
open=$(median "$BIN" layers "$P")
theirs=$(median ogrinfo -ro -q "$P" -sql "$SQL")
check=$(echo "$ours - $open" | bc -l)
if [ "$(echo "$check < 0.001" | bc -l)" = 1 ]; then
	check=0.001 # within the noise of the two medians
fi

n_ours=$("$BIN" validate "$P" --rules R02 --json 2>/dev/null | grep -c '"rule": *"R02"' || true)
n_theirs=$(ogrinfo -ro -q "$P" -sql "$SQL" | sed -n 's/.*count(\*) (Integer) = //p')

printf 'R02 on 120,000 blocks (median of %d)\n' "$REPS"
printf '  kuanggui validate --rules R02   %6.3f s   (%s overlapping pairs)\n' "$ours" "$n_ours"
printf '    of which opening the project  %6.3f s   (kuanggui layers)\n' "$open"
printf '    of which the check            %6.3f s\n' "$check"
printf '  SpatiaLite SQL through ogrinfo  %6.3f s   (%s overlapping pairs)\n' "$theirs" "$n_theirs"
printf '  SpatiaLite / kuanggui = %.2f (whole command), %.2f (check alone)\n' \
	"$(echo "$theirs / $ours" | bc -l)" "$(echo "$theirs / $check" | bc -l)"
if [ "$n_ours" != "$n_theirs" ]; then
	echo "the two sides disagree on the number of overlaps" >&2
	exit 1
fi
