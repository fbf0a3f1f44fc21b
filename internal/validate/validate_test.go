package validate

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"kuanggui/internal/crs"
	"kuanggui/internal/plan"
)

func rect(x0, y0, x1, y1 float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}
}

const minute = 1.0 / 60

// block builds a block with every required attribute and a correct MJ; extra overrides them.
func block(id int64, code, kz string, g orb.MultiPolygon, extra ...any) plan.Feature {
	a := plan.Attrs{"QKBH": code, "QKMC": "区块" + code, "KZ": kz, "XZQDM": "652300", "GHQ": "2021-2025",
		"KCFS": "露天", "MJ": crs.AreaKm2(g)}
	for i := 0; i+1 < len(extra); i += 2 {
		a[extra[i].(string)] = extra[i+1]
	}
	return plan.Feature{ID: id, Geometry: g, Attrs: a}
}

func zone(id int64, code, zykz string, g orb.MultiPolygon, extra ...any) plan.Feature {
	a := plan.Attrs{"QYBH": code, "QYMC": "分区" + code, "ZYKZ": zykz}
	for i := 0; i+1 < len(extra); i += 2 {
		a[extra[i].(string)] = extra[i+1]
	}
	return plan.Feature{ID: id, Geometry: g, Attrs: a}
}

// bigZone covers everything the fixtures draw near 84–85.5°E 44°N.
var bigZone = rect(83, 43, 85.4, 45)

func run(t *testing.T, layers map[string][]plan.Feature, rules Rules) []Finding {
	t.Helper()
	if _, ok := layers["nyzyjd"]; !ok {
		layers["nyzyjd"] = []plan.Feature{zone(1, "NY01", "", bigZone)}
	}
	e := NewEngine(Input{Meta: plan.Meta{Level: rules.Level}, Layers: layers}, rules)
	fs, err := e.Run(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	assertMessageEN(t, fs)
	return fs
}

func only(fs []Finding, rule string) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Rule == rule {
			out = append(out, f)
		}
	}
	return out
}

func TestR02OverlapAreaAndTouching(t *testing.T) {
	a := rect(84, 44, 84+minute, 44+minute)
	b := rect(84+minute/2, 44, 84+minute*1.5, 44+minute)   // half a cell over a
	c := rect(84+minute*1.5, 44, 84+minute*2.5, 44+minute) // touches b only
	fs := run(t, map[string][]plan.Feature{"kanchqk": {
		block(1, "T1", "铜", a), block(2, "T2", "铜", b), block(3, "T3", "铜", c),
	}}, DefaultRules(plan.LevelProvince))
	got := only(fs, "R02")
	if len(got) != 1 {
		t.Fatalf("R02 findings %d: %+v", len(got), got)
	}
	// Half of a 1′ cell with south edge 44°: 2.4752/2 km².
	want := crs.BasicCellArea(44) * 1e6 / 2
	if math.Abs(got[0].Value-want) > 0.1 || math.Abs(want-1237600) > 100 {
		t.Fatalf("overlap %.1f m², want %.1f", got[0].Value, want)
	}
	if got[0].Severity != Error || got[0].Unit != "m²" || got[0].Key != "R02:T1,T2" {
		t.Fatalf("finding %+v", got[0])
	}
	if !strings.Contains(got[0].Message, "T1 与 T2 重叠") {
		t.Fatalf("message %q", got[0].Message)
	}
}

func TestR02TJunctionIsNotOverlap(t *testing.T) {
	// c12_tjunction rebuilt from ogrinfo: 乙 has a vertex on 甲's edge.
	jia := orb.MultiPolygon{{{{85, 44}, {85.03, 44.01}, {85.03, 43.99}, {85, 44}}}}
	yi := orb.MultiPolygon{{{{85, 44}, {85.0, 44.02}, {85.03, 44.01}, {85.01, 44.0033333333333}, {85, 44}}}}
	fs := run(t, map[string][]plan.Feature{"kanchqk": {block(1, "甲", "铜", jia), block(2, "乙", "铜", yi)}},
		DefaultRules(plan.LevelProvince))
	if n := len(only(fs, "R02")); n != 0 {
		t.Fatalf("T-junction reported as %d overlaps: %+v", n, only(fs, "R02"))
	}
	if n := len(only(fs, "R01")); n != 0 {
		t.Fatalf("c12 polygons flagged invalid: %+v", only(fs, "R01"))
	}
}

func TestR01BowtieExcludedFromOverlay(t *testing.T) {
	bowtie := orb.MultiPolygon{{{{85, 44}, {85.01, 44.01}, {85.01, 44.0}, {85.0, 44.01}, {85, 44}}}}
	fs := run(t, map[string][]plan.Feature{"kanchqk": {
		block(1, "T1", "铜", bowtie), block(2, "T2", "铜", rect(85, 44, 85.01, 44.01)),
	}}, DefaultRules(plan.LevelProvince))
	r01 := only(fs, "R01")
	if len(r01) != 1 || r01[0].Codes[0] != "T1" {
		t.Fatalf("R01: %+v", r01)
	}
	p, ok := r01[0].Geometry.(orb.Point)
	if !ok || math.Abs(p[0]-85.005) > 1e-9 || math.Abs(p[1]-44.005) > 1e-9 {
		t.Fatalf("R01 location %v", r01[0].Geometry)
	}
	if n := len(only(fs, "R02")); n != 0 {
		t.Fatalf("invalid bowtie entered R02: %+v", only(fs, "R02"))
	}
}

func TestR03ExplorationOverMining(t *testing.T) {
	fs := run(t, map[string][]plan.Feature{
		"kanchqk": {block(1, "T1", "铜", rect(84, 44, 84.01, 44.01))},
		"kaicqk":  {block(7, "C1", "铜", rect(84.005, 44, 84.015, 44.01))},
	}, DefaultRules(plan.LevelProvince))
	got := only(fs, "R03")
	want := crs.EllipsoidalArea(rect(84.005, 44, 84.01, 44.01))
	if len(got) != 1 || math.Abs(got[0].Value-want) > 0.1 || got[0].Layer != "kanchqk" || got[0].FeatureIDs[1] != 7 {
		t.Fatalf("R03 %+v want %.1f", got, want)
	}
}

func TestR04SafetyDistance(t *testing.T) {
	// Two blocks on the central meridian of zone 28 (84°E), 0.002° of latitude apart: the
	// distance is the meridian arc, which GK keeps true.
	a := rect(83.99, 44, 84.01, 44.01)
	b := rect(84.0, 44.012, 84.02, 44.02)
	x1, _, _ := crs.GeoToGK(84, 44.01, 28, false)
	x2, _, _ := crs.GeoToGK(84, 44.012, 28, false)
	want := x2 - x1
	fs := run(t, map[string][]plan.Feature{"kaicqk": {
		block(1, "C652300012", "铜", a), block(2, "C652300015", "铜", b, "KCFS", "露天"),
	}}, DefaultRules(plan.LevelProvince))
	got := only(fs, "R04")
	if len(got) != 1 {
		t.Fatalf("R04 %+v", got)
	}
	if math.Abs(got[0].Value-want) > 0.1 || math.Abs(want-222.3) > 0.5 || got[0].Limit != 300 {
		t.Fatalf("distance %.1f limit %g, want %.1f / 300", got[0].Value, got[0].Limit, want)
	}
	if got[0].Message != fmt.Sprintf("开采规划区块 C652300012 与 C652300015 最近距离 %.1f 米，小于安全距离 300 米", got[0].Value) {
		t.Fatalf("message %q", got[0].Message)
	}
	line, ok := got[0].Geometry.(orb.LineString)
	if !ok || len(line) != 2 || math.Abs(line[0][1]-44.01) > 1e-6 || math.Abs(line[1][1]-44.012) > 1e-6 {
		t.Fatalf("line %v", got[0].Geometry)
	}
	// Underground coal needs only 40 m.
	fs = run(t, map[string][]plan.Feature{"kaicqk": {
		block(1, "C1", "煤", a, "KCFS", "地下", "ZXGM", 60.0), block(2, "C2", "煤", b, "KCFS", "地下", "ZXGM", 60.0),
	}}, DefaultRules(plan.LevelProvince))
	if n := len(only(fs, "R04")); n != 0 {
		t.Fatalf("underground coal 222 m apart flagged: %+v", only(fs, "R04"))
	}
}

func TestR05InsideZones(t *testing.T) {
	zoneG := rect(84, 44, 84.01, 44.01)
	blk := rect(84.005, 44, 84.015, 44.01)
	layers := func() map[string][]plan.Feature {
		return map[string][]plan.Feature{
			"nyzyjd":  {zone(1, "NY01", "", zoneG)},
			"zdkaicq": {zone(1, "KC01", "", rect(84.01, 44, 84.02, 44.01))},
			"kaicqk":  {block(1, "C1", "铜", blk)},
		}
	}
	fs := run(t, layers(), DefaultRules(plan.LevelProvince))
	got := only(fs, "R05")
	want := crs.EllipsoidalArea(rect(84.01, 44, 84.015, 44.01))
	if len(got) != 1 || got[0].Severity != Error || math.Abs(got[0].Value-want) > 0.1 {
		t.Fatalf("R05 province %+v want %.1f", got, want)
	}
	// Prefecture: the 重点开采区 next door counts, so the block is inside.
	if got := only(run(t, layers(), DefaultRules(plan.LevelPrefecture)), "R05"); len(got) != 0 {
		t.Fatalf("R05 prefecture %+v", got)
	}
}

func TestR06Protected(t *testing.T) {
	fs := run(t, map[string][]plan.Feature{
		"zrbhd": {
			{ID: 1, Geometry: rect(84, 44, 84.01, 44.01), Attrs: plan.Attrs{"MC": "某保护区", "LX": "核心保护区"}},
			{ID: 2, Geometry: rect(84.1, 44, 84.2, 44.1), Attrs: plan.Attrs{"MC": "某保护区", "LX": "一般控制区"}},
		},
		"stbhhx":  {{ID: 1, Geometry: rect(84.3, 44, 84.4, 44.1), Attrs: plan.Attrs{}}},
		"kaicqk":  {block(1, "C1", "铜", rect(84.005, 44, 84.015, 44.01))},
		"kanchqk": {block(1, "T1", "铜", rect(84.15, 44.05, 84.16, 44.06)), block(2, "T2", "铜", rect(84.005, 44.0, 84.006, 44.001))},
	}, DefaultRules(plan.LevelProvince))
	got := only(fs, "R06")
	sev := map[string]Severity{}
	for _, f := range got {
		sev[f.Codes[0]] = f.Severity
	}
	if len(got) != 3 || sev["C1"] != Error || sev["T1"] != Warning || sev["T2"] != Error {
		t.Fatalf("R06 %+v", got)
	}
	for _, f := range got {
		if f.Codes[0] == "C1" && math.Abs(f.Value-crs.EllipsoidalArea(rect(84.005, 44, 84.01, 44.01))) > 0.1 {
			t.Fatalf("C1 area in core %.1f", f.Value)
		}
	}
}

func TestR07Minerals(t *testing.T) {
	g := func(i int) orb.MultiPolygon {
		x := 84 + float64(i)*0.02
		return rect(x, 44, x+0.01, 44.01)
	}
	fs := run(t, map[string][]plan.Feature{
		"nyzyjd": {zone(1, "NY01", "煤、铜、金", bigZone)},
		// C8 (萤石) lies in NY01, which does not plan it, and in GH01, which does: no finding.
		"gjghkq": {zone(1, "GH01", "萤石", g(7))},
		"yjjbnt": {{ID: 1, Geometry: g(5), Attrs: plan.Attrs{}}},
		"kaicqk": {
			block(1, "C1", "汞", g(0)),
			block(2, "C2", "钨", g(1)),
			block(3, "C3", "砂金", g(2), "XZQDM", "654300"),
			block(4, "C4", "砂金", g(3), "XZQDM", "653221"),
			block(5, "C5", "铜", g(4)),
			block(6, "C6", "砖瓦用粘土", g(5)),
			block(7, "C7", "煤", g(6), "BZ", "含砷超标", "ZXGM", 60.0),
			block(8, "C8", "萤石", g(7)),
		},
	}, DefaultRules(plan.LevelProvince))
	keys := map[string]Severity{}
	for _, f := range only(fs, "R07") {
		keys[f.Key] = f.Severity
	}
	want := map[string]Severity{
		"R07/prohibited:C1":     Error,
		"R07/restricted:C2":     Warning,
		"R07/zone-minerals:C1":  Warning,
		"R07/zone-minerals:C2":  Warning,
		"R07/placer:C3":         Error,
		"R07/zone-minerals:C6":  Warning,
		"R07/prohibited-可耕地:C6": Error,
		"R07/coal-砷:C7":         Error,
	}
	if fmt.Sprint(keys) != fmt.Sprint(want) {
		t.Fatalf("R07\n got %v\nwant %v", keys, want)
	}
}

func TestR08Area(t *testing.T) {
	fs := run(t, map[string][]plan.Feature{"kanchqk": {
		block(1, "T1", "铜", rect(84, 44, 84+minute, 44+minute)),         // exactly one cell
		block(2, "T2", "铜", rect(84.1, 44, 84.1+minute/2, 44+minute)),   // half a cell
		block(3, "T3", "铜", rect(84.2, 44, 84.2+7*minute, 44+6*minute)), // 42 cells of metal
		block(4, "T4", "煤", rect(84.4, 44, 84.4+7*minute, 44+6*minute)), // 42 cells of coal: fine
	}}, DefaultRules(plan.LevelProvince))
	got := map[string]Finding{}
	for _, f := range only(fs, "R08") {
		got[f.Key] = f
	}
	if len(got) != 2 {
		t.Fatalf("R08 %+v", got)
	}
	min := got["R08/min:T2"]
	if math.Abs(min.Limit-2.4752) > 0.0001 || math.Abs(min.Value-1.2376) > 0.0001 {
		t.Fatalf("min %+v", min)
	}
	max := got["R08/max:T3"]
	if max.Limit < 40*2.47 || max.Limit > 40*2.48 || max.Value < 41*2.47 {
		t.Fatalf("max %+v", max)
	}
}

func TestR09Scale(t *testing.T) {
	g := func(i int) orb.MultiPolygon {
		x := 84 + float64(i)*0.02
		return rect(x, 44, x+0.01, 44.01)
	}
	fs := run(t, map[string][]plan.Feature{"kaicqk": {
		block(1, "C1", "煤", g(0), "ZXGM", 30.0, "GMDW", "万吨/年"),
		block(2, "C2", "煤", g(1), "ZXGM", int64(60), "BZ", "煤与瓦斯突出矿井"),
		block(3, "C3", "金", g(2), "ZXGM", 80.0, "KCFS", "地下", "GMDW", "吨/日"),
		block(4, "C4", "金", g(3), "ZXGM", 200.0, "KCFS", "露天"),
		block(5, "C5", "煤", g(4), "ZXGM", 50.0),
		block(6, "C6", "金", g(5), "ZXGM", 500.0, "GMDW", "万吨/年"),
	}}, DefaultRules(plan.LevelProvince))
	got := map[string][2]float64{}
	for _, f := range only(fs, "R09") {
		got[f.Key] = [2]float64{f.Value, f.Limit}
	}
	want := map[string][2]float64{
		"R09:C1": {30, 45}, "R09:C2": {60, 90}, "R09:C3": {80, 100}, "R09:C4": {200, 300},
		"R09/unit:C6": {500, 300},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("R09\n got %v\nwant %v", got, want)
	}
}

func TestR10R11R12(t *testing.T) {
	dupA := block(1, "T1", "铜", rect(84, 44, 84.01, 44.01))
	dupB := block(2, "T1", "铜", rect(84.1, 44, 84.11, 44.01))
	noName := block(3, "T3", "铜", rect(84.2, 44, 84.21, 44.01), "QKMC", "", "MJ", 99.0)
	cross := block(4, "T4", "铜", rect(85.49, 44, 85.51, 44.01))
	fs := run(t, map[string][]plan.Feature{
		"nyzyjd":  {zone(1, "NY01", "", rect(83, 43, 86, 45))},
		"zlcbq":   {zone(1, "CB01", "", rect(84.005, 43, 84.2, 45))},
		"kanchqk": {dupA, dupB, noName, cross},
	}, DefaultRules(plan.LevelProvince))
	var r10 []string
	for _, f := range only(fs, "R10") {
		r10 = append(r10, f.Codes[0])
		if f.FeatureIDs[0] == 1 && math.Abs(f.Value-crs.EllipsoidalArea(rect(84.005, 44, 84.01, 44.01))) > 0.1 {
			t.Fatalf("R10 area %.1f", f.Value)
		}
	}
	if fmt.Sprint(r10) != "[T1 T1]" {
		t.Fatalf("R10 %v", r10)
	}
	keys := map[string]Finding{}
	for _, f := range only(fs, "R11") {
		keys[f.Key] = f
	}
	if d, ok := keys["R11/dup:T1,T1"]; !ok || fmt.Sprint(d.FeatureIDs) != "[1 2]" {
		t.Fatalf("duplicate: %+v", keys)
	}
	if a, ok := keys["R11/attr:T3"]; !ok || !strings.Contains(a.Message, "QKMC") {
		t.Fatalf("missing attr: %+v", keys)
	}
	if m, ok := keys["R11/mj:T3"]; !ok || m.Value != 99 || m.Limit != crs.AreaKm2(noName.Geometry) {
		t.Fatalf("MJ: %+v", keys)
	}
	if len(keys) != 3 {
		t.Fatalf("R11 %v", keys)
	}
	r12 := only(fs, "R12")
	if len(r12) != 1 || r12[0].Value != 85.5 || r12[0].Severity != Info || r12[0].Codes[0] != "T4" {
		t.Fatalf("R12 %+v", r12)
	}
}

func TestRulesJSON(t *testing.T) {
	r := DefaultRules(plan.LevelPrefecture)
	r.SafetyDistance.OpenPit = 350
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back Rules
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back.SafetyDistance.OpenPit != 350 || back.Rule["R05"].Severity != Warning || len(back.ZoneLayers[plan.Mining]) != 3 {
		t.Fatalf("round trip %+v", back)
	}
	// A partial setting keeps the defaults of everything it leaves out.
	if err := json.Unmarshal([]byte(`{"level":"省级","rule":{"R12":{"enabled":false}},"overlap_tolerance":5}`), &back); err != nil {
		t.Fatal(err)
	}
	if back.OverlapTolerance != 5 || back.Rule["R12"].Enabled || back.Rule["R12"].Severity != Info ||
		!back.Rule["R01"].Enabled || back.MinScale.Coal != 45 || back.PlacerGoldRegion != "653200" {
		t.Fatalf("partial %+v", back)
	}
	if err := json.Unmarshal([]byte(`{"level":3}`), &back); err == nil {
		t.Fatal("bad level accepted")
	}
}

func TestReportShape(t *testing.T) {
	fs := []Finding{
		{Rule: "R04", Severity: Error, Layer: "kaicqk", Codes: []string{"C1", "C2"}, Geometry: orb.LineString{{84, 44}, {84, 44.002}}, Value: 222.3, Limit: 300, Message: "m"},
		{Rule: "R12", Severity: Info, Layer: "kanchqk", Codes: []string{"T1"}},
		{Rule: "R07", Severity: Warning, Layer: "kanchqk", Codes: []string{"T2"}, Geometry: rect(84, 44, 84.02, 44.01)},
	}
	data, err := json.Marshal(Report(fs))
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	_ = json.Unmarshal(data, &back)
	s := back["summary"].(map[string]any)
	if s["error"] != 1.0 || s["warning"] != 1.0 || s["info"] != 1.0 {
		t.Fatalf("summary %v", s)
	}
	first := back["findings"].([]any)[0].(map[string]any)
	if first["lon"] != 84.0 || first["lat"] != 44.001 || fmt.Sprint(first["features"]) != "[C1 C2]" || first["value"] != 222.3 {
		t.Fatalf("first %v", first)
	}
	if _, has := back["findings"].([]any)[1].(map[string]any)["lon"]; has {
		t.Fatal("lon without geometry")
	}
	third := back["findings"].([]any)[2].(map[string]any)
	if third["lon"] != 84.01 || third["lat"] != 44.005 {
		t.Fatalf("third %v", third)
	}
}

func TestCancel(t *testing.T) {
	in := synthetic(3000)
	e := NewEngine(in, DefaultRules(plan.LevelProvince))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Run(ctx, nil); err == nil {
		t.Fatal("cancelled run returned no error")
	}
}

func TestR01BrokenGeometriesNeverCrash(t *testing.T) {
	unclosed := orb.MultiPolygon{{{{84, 44}, {84.01, 44}, {84.01, 44.01}, {84, 44.01}}}}
	twoPoints := orb.MultiPolygon{{{{84.1, 44}, {84.2, 44}, {84.1, 44}, {84.1, 44}}}}
	holeOutside := orb.MultiPolygon{{{{84.3, 44}, {84.31, 44}, {84.31, 44.01}, {84.3, 44.01}, {84.3, 44}},
		{{84.4, 44}, {84.41, 44}, {84.41, 44.01}, {84.4, 44}}}}
	fs := run(t, map[string][]plan.Feature{
		"kanchqk": {block(1, "T1", "铜", nil), block(2, "T2", "铜", unclosed), block(3, "T3", "铜", twoPoints),
			block(4, "T4", "铜", holeOutside), block(5, "T5", "铜", rect(84, 44, 84.01, 44.01))},
		"kaicqk": {block(6, "C6", "铜", unclosed)},
	}, DefaultRules(plan.LevelProvince))
	want := map[string]string{"T1": "无几何", "T2": "未闭合", "T3": "不同的点", "T4": "洞在外环之外", "C6": "未闭合"}
	got := only(fs, "R01")
	if len(got) != len(want) {
		t.Fatalf("R01 %+v", got)
	}
	for _, f := range got {
		if !strings.Contains(f.Message, want[f.Codes[0]]) {
			t.Fatalf("%s: %q", f.Codes[0], f.Message)
		}
	}
	if n := len(only(fs, "R02")) + len(only(fs, "R03")); n != 0 {
		t.Fatalf("invalid blocks entered overlap rules: %d", n)
	}
}

func TestR11MineralValues(t *testing.T) {
	fs := run(t, map[string][]plan.Feature{"kanchqk": {
		block(1, "T1", "蛋糕", rect(84, 44, 84.01, 44.01)),
		block(2, "T2", "铜", rect(84.1, 44, 84.11, 44.01), "KZDM", "4001"),
		block(3, "T3", "铜", rect(84.2, 44, 84.21, 44.01), "KZDM", "3001"),
	}}, DefaultRules(plan.LevelProvince))
	got := map[string]string{}
	for _, f := range only(fs, "R11") {
		if strings.HasPrefix(f.Key, "R11/values") {
			got[f.Codes[0]] = f.Message
		}
	}
	if !strings.Contains(got["T1"], "蛋糕") || !strings.Contains(got["T2"], "4001") || got["T3"] != "" || len(got) != 2 {
		t.Fatalf("mineral value findings: %v", got)
	}
}

func TestR11TextTooLongForAShapefile(t *testing.T) {
	long := strings.Repeat("矿", 130) // 260 bytes in GBK
	fs := run(t, map[string][]plan.Feature{"kanchqk": {
		block(1, "T1", "铜", rect(84, 44, 84.01, 44.01), "QKMC", long),
		block(2, "T2", "铜", rect(84.1, 44, 84.11, 44.01), "QKMC", strings.Repeat("矿", 127)),
	}}, DefaultRules(plan.LevelProvince))
	var hit []string
	for _, f := range only(fs, "R11") {
		if strings.Contains(f.Message, "DBF 上限 254") {
			hit = append(hit, f.Codes[0])
			if !strings.Contains(f.Message, "260 字节") {
				t.Errorf("message %q lacks the length", f.Message)
			}
		}
	}
	if len(hit) != 1 || hit[0] != "T1" {
		t.Fatalf("blocks flagged for text over 254 bytes: %v, want T1 only", hit)
	}
}
