#!/usr/bin/env bash
# Side by side with GDAL, in one run, on the same files (issue targets):
#   1. import of the real county shapefile (xj_counties_utf8.shp) into a project vs ogr2ogr -f GPKG;
#   2. export of the block layers of a 120,000-block plan to shapefiles vs ogr2ogr from our GeoPackage.
# Each side runs REPS times; the median wall time is printed with the ratio.
#   scripts/compare-gdal.sh [BIN] [REPS]
set -euo pipefail
BIN=${1:-bin/kuanggui}
REPS=${2:-5}
command -v ogr2ogr >/dev/null || { echo "needs ogr2ogr (apt-get install gdal-bin)" >&2; exit 2; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
SHP=sampledata/real/xj_counties_utf8.shp

# median SECONDS... of a command run REPS times after PREP; prints seconds.
median() {
	local prep=$1 cmd=$2 t=()
	for _ in $(seq "$REPS"); do
		eval "$prep"
		local s e
		s=$(date +%s.%N)
		eval "$cmd" >/dev/null 2>&1
		e=$(date +%s.%N)
		t+=("$(echo "$e - $s" | bc -l)")
	done
	printf '%s\n' "${t[@]}" | sort -n | sed -n "$(((REPS + 1) / 2))p"
}

report() { # name ours theirs
	printf '%-48s kuanggui %6.3f s   GDAL %6.3f s   GDAL/kuanggui = %.2f\n' "$1" "$2" "$3" "$(echo "$3 / $2" | bc -l)"
}

"$BIN" new "$W/empty.gpkg" >/dev/null
ours=$(median "rm -f $W/a.gpkg*; cp $W/empty.gpkg $W/a.gpkg" "$BIN import $W/a.gpkg xzq $SHP --map id=XZQDM")
gdal=$(median "rm -f $W/b.gpkg*" "ogr2ogr -f GPKG $W/b.gpkg $SHP")
report "import xj_counties_utf8.shp (105 counties, 4.4 MB)" "$ours" "$gdal"

"$BIN" synth "$W/big.gpkg" --blocks 120000 >/dev/null
ours=$(median "rm -rf $W/out" "$BIN export $W/big.gpkg $W/out --force-reason benchmark")
gdal=$(median "rm -rf $W/ogr; mkdir -p $W/ogr" "ogr2ogr -f 'ESRI Shapefile' -lco ENCODING=CP936 $W/ogr $W/big.gpkg kanchqk kaicqk")
report "export package of 120,000 blocks (all of it)" "$ours" "$gdal"
rm -rf "$W/out"
shp=$(KUANGGUI_TIMING=1 "$BIN" export "$W/big.gpkg" "$W/out" --force-reason benchmark 2>&1 >/dev/null | awk '/export shapefiles/ {print $4}')
report "  of which the shapefiles alone" "$shp" "$gdal"
echo "(the whole package also validates the plan and writes turning-point tables, statistics and the report)"
