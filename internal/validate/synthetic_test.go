package validate

import (
	"context"
	"fmt"
	"math"
	"sort"
	"testing"

	"github.com/paulmach/orb"

	"kuanggui/internal/crs"
	"kuanggui/internal/plan"
)

// synthetic builds about n blocks of 1′ cells over Xinjiang: exploration blocks of 2×1 cells
// tiled edge to edge from 76°E 37°N (touching, never overlapping), mining blocks of one cell
// shrunk by 0.15′ on each side (≥ 0.3′ ≈ 370 m apart) from 86°E 43°N, and a duplicate shifted
// by one cell for every 997th exploration block (half-overlaps). Zones cover most of it; a red
// line, a core zone and a reserve catch a few blocks.
func synthetic(n int) Input {
	nMining := n / 6
	nExpl := n - nMining
	var expl, mining []plan.Feature
	id := int64(0)
	const perRow = 300
	for i := 0; i < nExpl; i++ {
		row, col := i/perRow, i%perRow
		x := 76 + float64(2*col)*minute
		y := 37 + float64(row)*minute
		id++
		expl = append(expl, block(id, fmt.Sprintf("T%06d", id), "铜", rect(x, y, x+2*minute, y+minute)))
		if i%997 == 500 {
			id++
			expl = append(expl, block(id, fmt.Sprintf("T%06d", id), "铜", rect(x+minute, y, x+3*minute, y+minute)))
		}
	}
	const mPerRow = 420
	m := 0.15 * minute
	for i := 0; i < nMining; i++ {
		row, col := i/mPerRow, i%mPerRow
		x := 86 + float64(col)*minute
		y := 43 + float64(row)*minute
		id++
		mining = append(mining, block(id, fmt.Sprintf("C%06d", id), "铜", rect(x+m, y+m, x+minute-m, y+minute-m)))
	}
	zones := []plan.Feature{
		zone(1, "NY01", "铜、金", rect(75.9, 36.9, 86.1, 39.5)),
		zone(2, "NY02", "铜、金", rect(75.9, 39.5, 80, 43)),
		zone(3, "NY03", "铜", rect(85.9, 42.9, 93.1, 46)),
	}
	return Input{
		Meta: plan.Meta{Level: plan.LevelProvince},
		Layers: map[string][]plan.Feature{
			"kanchqk":  expl,
			"kaicqk":   mining,
			"nyzyjd":   zones,
			"zdkanchq": {zone(1, "KC01", "铜", rect(80, 39.5, 86.1, 43))},
			"stbhhx":   {{ID: 1, Geometry: rect(77, 38, 77.1, 38.1), Attrs: plan.Attrs{"MC": "红线"}}},
			"zrbhd":    {{ID: 1, Geometry: rect(87, 43.5, 87.05, 43.55), Attrs: plan.Attrs{"MC": "保护区", "LX": "核心保护区"}}},
			"zlcbq":    {zone(1, "CB01", "", rect(78, 37.5, 78.2, 37.6))},
		},
	}
}

// summary reduces findings to what must agree between a full run and a re-check.
func summary(fs []Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = fmt.Sprintf("%s %s %s %v %.1f %g %s", f.Key, f.Severity, f.Layer, f.FeatureIDs, f.Value, f.Limit, f.GeomHash)
	}
	sort.Strings(out)
	return out
}

func TestSyntheticFindings(t *testing.T) {
	in := synthetic(6000)
	var last [2]int
	fs, err := NewEngine(in, DefaultRules(plan.LevelProvince)).Run(context.Background(), func(done, total int) { last = [2]int{done, total} })
	if err != nil {
		t.Fatal(err)
	}
	assertMessageEN(t, fs)
	if last[0] != last[1] || last[1] != 2*(6000+5) {
		t.Fatalf("last progress %v", last)
	}
	count := map[string]int{}
	for _, f := range fs {
		count[f.Rule]++
	}
	// 5000 exploration blocks → 5 shifted duplicates, each overlapping 2 neighbours by a cell.
	if count["R02"] != 10 || count["R04"] != 0 || count["R01"] != 0 || count["R03"] != 0 {
		t.Fatalf("counts %v", count)
	}
	for _, f := range only(fs, "R02") {
		lat := f.Geometry.Bound().Min[1]
		if want := crs.BasicCellArea(lat) * 1e6; math.Abs(f.Value-want) > 0.1*want {
			t.Fatalf("synthetic overlap %.1f, want about one cell %.1f", f.Value, want)
		}
	}
}

func edits(in Input) (table string, changed []plan.Feature, removed []int64) {
	ex := in.Layers["kanchqk"]
	// Move block 10 onto block 11 (overlap), delete block 20, rename block 30 to block 31's code.
	moved := ex[9].Clone()
	moved.Geometry = rect(76+21*minute, 37, 76+23*minute, 37+minute)
	renamed := ex[29].Clone()
	renamed.Attrs["QKBH"] = ex[30].Attrs["QKBH"]
	return "kanchqk", []plan.Feature{moved, renamed}, []int64{ex[19].ID}
}

func apply(in Input, table string, changed []plan.Feature, removed []int64) Input {
	out := Input{Meta: in.Meta, Layers: map[string][]plan.Feature{}}
	for k, v := range in.Layers {
		out.Layers[k] = v
	}
	byID := map[int64]plan.Feature{}
	for _, f := range changed {
		byID[f.ID] = f
	}
	gone := map[int64]bool{}
	for _, id := range removed {
		gone[id] = true
	}
	var fs []plan.Feature
	for _, f := range in.Layers[table] {
		if gone[f.ID] {
			continue
		}
		if c, ok := byID[f.ID]; ok {
			fs = append(fs, c)
			delete(byID, f.ID)
			continue
		}
		fs = append(fs, f)
	}
	for _, f := range byID {
		fs = append(fs, f)
	}
	out.Layers[table] = fs
	return out
}

func TestRecheckEqualsRun(t *testing.T) {
	in := synthetic(4000)
	rules := DefaultRules(plan.LevelProvince)
	e := NewEngine(in, rules)
	before, err := e.Run(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		table   string
		changed []plan.Feature
		removed []int64
	}{}
	tb, ch, rm := edits(in)
	steps = append(steps, struct {
		table   string
		changed []plan.Feature
		removed []int64
	}{tb, ch, rm})
	// A new mining block 100 m from an existing one, and a zone shrunk under some blocks.
	mb := in.Layers["kaicqk"][0].Geometry.Bound()
	nm := block(999999, "C999999", "铜", rect(mb.Max[0]+0.0013, mb.Min[1], mb.Max[0]+0.003, mb.Max[1]))
	steps = append(steps, struct {
		table   string
		changed []plan.Feature
		removed []int64
	}{"kaicqk", []plan.Feature{nm}, nil})
	z := in.Layers["nyzyjd"][0].Clone()
	z.Geometry = rect(75.9, 36.9, 86.1, 37.05)
	steps = append(steps, struct {
		table   string
		changed []plan.Feature
		removed []int64
	}{"nyzyjd", []plan.Feature{z}, nil})

	cur := in
	var after []Finding
	for i, s := range steps {
		e.Update(s.table, s.changed, s.removed)
		after, err = e.Recheck(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		cur = apply(cur, s.table, s.changed, s.removed)
		full, err := NewEngine(cur, rules).Run(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		assertMessageEN(t, after)
		assertMessageEN(t, full)
		a, b := summary(after), summary(full)
		if fmt.Sprint(a) != fmt.Sprint(b) {
			t.Fatalf("step %d: recheck differs from a full run\nrecheck %d: %v\nfull    %d: %v", i, len(a), diff(a, b), len(b), diff(b, a))
		}
	}
	if len(after) <= len(before) {
		t.Fatalf("edits added no findings: %d → %d", len(before), len(after))
	}
	has := func(rule string) bool { return len(only(after, rule)) > 0 }
	if !has("R04") || !has("R05") {
		t.Fatal("the edits should have produced R04 and R05 findings")
	}
}

func diff(a, b []string) []string {
	in := map[string]bool{}
	for _, s := range b {
		in[s] = true
	}
	var out []string
	for _, s := range a {
		if !in[s] {
			out = append(out, s)
		}
	}
	return out
}

// BenchmarkRunSynthetic120k: target ≤ 10 s per run.
func BenchmarkRunSynthetic120k(b *testing.B) {
	in := synthetic(120000)
	rules := DefaultRules(plan.LevelProvince)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e := NewEngine(in, rules)
		fs, err := e.Run(context.Background(), nil)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(fs)), "findings")
	}
}

// BenchmarkRecheckOneEdit: one block moved, Update + Recheck on 120k blocks; target ≤ 50 ms.
func BenchmarkRecheckOneEdit(b *testing.B) {
	in := synthetic(120000)
	e := NewEngine(in, DefaultRules(plan.LevelProvince))
	if _, err := e.Run(context.Background(), nil); err != nil {
		b.Fatal(err)
	}
	f := in.Layers["kanchqk"][5000].Clone()
	orig := f.Geometry
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		g := orb.Clone(orig).(orb.MultiPolygon)
		for _, p := range g {
			for _, r := range p {
				for k := range r {
					r[k][0] += float64(i%2) * minute // alternate between overlapping its neighbour and not
				}
			}
		}
		f.Geometry = g
		e.Update("kanchqk", []plan.Feature{f}, nil)
		if _, err := e.Recheck(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}
