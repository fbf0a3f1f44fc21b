#!/usr/bin/env bash
# Findings before and after a change must be identical: runs `validate --json` of two kuanggui
# binaries on the sample project (built from sampledata/ as `make` builds it) and on the
# 120,000-block plan of `kuanggui synth`, with every rule and with --rules R02, and compares the
# findings (rule, severity, layer, features, value, limit, unit, message, key, location), sorted.
# Prints the counts and exits 1 on any difference.
#   scripts/compare-findings.sh BEFORE_BIN AFTER_BIN
set -euo pipefail
BEFORE=$(realpath "${1:?usage: $0 BEFORE_BIN AFTER_BIN}")
AFTER=$(realpath "${2:?usage: $0 BEFORE_BIN AFTER_BIN}")
command -v python3 >/dev/null || { echo "needs python3" >&2; exit 2; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

"$AFTER" new "$W/sample.gpkg" >/dev/null
"$AFTER" import "$W/sample.gpkg" xzq sampledata/real/xj_counties_utf8.shp --map id=XZQDM >/dev/null
for l in kfq nyzyjd gjghkq zlcbq zdkanchq zdkaicq kanchqk kaicqk stbhhx zrbhd yjjbnt czkfbj; do
	"$AFTER" import "$W/sample.gpkg" "$l" "sampledata/plan/$l.shp" >/dev/null
done
"$AFTER" synth "$W/synth.gpkg" >/dev/null

# findings BIN PLAN [ARGS...]: the sorted findings as JSON lines.
findings() {
	local bin=$1 plan=$2
	shift 2
	local rc=0
	"$bin" validate "$plan" --json "$@" >"$W/out.json" 2>"$W/err" || rc=$?
	if [ "$rc" -gt 1 ]; then
		echo "$bin validate $plan $* failed ($rc):" >&2
		cat "$W/err" >&2
		exit 1
	fi
	python3 -c 'import json,sys
for f in sorted(json.dumps(x, sort_keys=True, ensure_ascii=False) for x in json.load(open(sys.argv[1]))["findings"]): print(f)' "$W/out.json"
}

status=0
for plan in sample synth; do
	for rules in "" R02; do
		args=()
		[ -n "$rules" ] && args=(--rules "$rules")
		findings "$BEFORE" "$W/$plan.gpkg" "${args[@]}" >"$W/before"
		findings "$AFTER" "$W/$plan.gpkg" "${args[@]}" >"$W/after"
		label="$plan ${rules:-all rules}"
		if cmp -s "$W/before" "$W/after"; then
			printf '%-22s identical (%d findings)\n' "$label" "$(wc -l <"$W/after")"
		else
			printf '%-22s DIFFERENT (%d before, %d after)\n' "$label" "$(wc -l <"$W/before")" "$(wc -l <"$W/after")"
			diff "$W/before" "$W/after" | head -20
			status=1
		fi
	done
done
exit $status
