package validate

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"kuanggui/internal/crs"
	"kuanggui/internal/plan"
	"kuanggui/internal/topo"
)

// The pure-Go shortcuts (simple.go) and the flat index must not change a single finding: these
// tests compare them with GEOS and with brute force.

// rectVariant is the rectangle x0..x1 × y0..y1 as a ring starting at corner start (0 SW, 1 SE,
// 2 NE, 3 NW), counter-clockwise or clockwise.
func rectVariant(x0, y0, x1, y1 float64, start int, cw bool) orb.MultiPolygon {
	c := [4]orb.Point{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}
	r := make(orb.Ring, 5)
	for i := 0; i < 4; i++ {
		k := start + i
		if cw {
			k = start - i + 4
		}
		r[i] = c[k%4]
	}
	r[4] = r[0]
	return orb.MultiPolygon{{r}}
}

func TestRectOfVariants(t *testing.T) {
	for start := 0; start < 4; start++ {
		for _, cw := range []bool{false, true} {
			g := rectVariant(84, 44, 84.1, 44.2, start, cw)
			rs := rectOf(g, g.Bound())
			if !rs.ok || int(rs.corner) != start || rs.cw != cw {
				t.Fatalf("start %d cw %v: %+v", start, cw, rs)
			}
			if back := rectRing(g.Bound(), start, cw); !slices.Equal(back, g[0][0]) {
				t.Fatalf("rectRing %v, want %v", back, g[0][0])
			}
		}
	}
	notRects := []orb.MultiPolygon{
		{{{{0, 0}, {1, 0}, {1, 1}, {0, 1}}}},                                                           // not closed
		{{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0.5}, {0, 0}}}},                                         // six points
		{{{{0, 0}, {1, 0}, {0, 1}, {1, 1}, {0, 0}}}},                                                   // bowtie on the corners
		{{{{0, 0}, {1, 0}, {1, 0}, {0, 0}, {0, 0}}}},                                                   // no height
		{{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}, {{{2, 2}, {3, 2}, {3, 3}, {2, 3}, {2, 2}}}},       // two parts
		{{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}, {{0.2, 0.2}, {0.3, 0.2}, {0.3, 0.3}, {0.2, 0.2}}}}, // a hole
		{{{{0, 0}, {math.NaN(), 0}, {1, 1}, {0, 1}, {0, 0}}}},
		{{{{0, 0}, {2e9, 0}, {2e9, 1}, {0, 1}, {0, 0}}}},
	}
	for i, g := range notRects {
		if rs := rectOf(g, g.Bound()); rs.ok {
			t.Fatalf("case %d taken for a rectangle: %v", i, g)
		}
	}
}

// TestRectOverlayMatchesGEOS: on random pairs of rectangles, in every start corner and
// direction and with shared edges common (a coarse grid), the shortcut's intersection is
// GEOS's to the bit — the same ring from the same vertex — in degrees near Xinjiang and in
// integer coordinates.
func TestRectOverlayMatchesGEOS(t *testing.T) {
	for i := range rectClass {
		rectClass[i].Store(0)
	}
	c := topo.NewContext(topo.GridDegree)
	rng := rand.New(rand.NewPCG(7, 11))
	n, fast := 0, 0
	for it := 0; it < 40000; it++ {
		q, bx, by := minute/4, 73.5+float64(rng.IntN(1000))*minute, 34.3+float64(rng.IntN(800))*minute
		if it%2 == 1 {
			q, bx, by = 1, float64(rng.IntN(1000)-500), float64(rng.IntN(1000)-500)
		}
		ax0, ay0 := bx+float64(rng.IntN(6))*q, by+float64(rng.IntN(6))*q
		ax1, ay1 := ax0+float64(1+rng.IntN(6))*q, ay0+float64(1+rng.IntN(6))*q
		bx0, by0 := bx+float64(rng.IntN(6))*q, by+float64(rng.IntN(6))*q
		bx1, by1 := bx0+float64(1+rng.IntN(6))*q, by0+float64(1+rng.IntN(6))*q
		ga := rectVariant(ax0, ay0, ax1, ay1, rng.IntN(4), rng.IntN(2) == 1)
		gb := rectVariant(bx0, by0, bx1, by1, rng.IntN(4), rng.IntN(2) == 1)
		var a, b feat
		a.f.Geometry, b.f.Geometry = ga, gb
		a.b, b.b = bound(ga), bound(gb)
		a.rect, b.rect = rectOf(ga, a.b), rectOf(gb, b.b)
		if !a.rect.ok || !b.rect.ok {
			t.Fatal("rectangle not recognised")
		}
		if !interiorsMeet(a.b, b.b) {
			continue
		}
		n++
		want, err := c.Intersection(ga, gb)
		if err != nil {
			t.Fatal(err)
		}
		got, key, ok := rectIntersection(&a, &b)
		if !ok {
			learnRect(key, &a, &b, want)
			continue
		}
		fast++
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%v ∩ %v: shortcut %v, GEOS %v", ga, gb, got, want)
		}
	}
	if fast < n/2 {
		t.Fatalf("only %d of %d pairs took the shortcut", fast, n)
	}
}

// TestSurelyValidNeverDisagreesWithGEOS: whatever surelyValid accepts, GEOS finds valid; and it
// does accept ordinary blocks.
func TestSurelyValidNeverDisagreesWithGEOS(t *testing.T) {
	c := topo.NewContext(topo.GridDegree)
	rng := rand.New(rand.NewPCG(3, 5))
	accepted, valid := 0, 0
	check := func(g orb.MultiPolygon) {
		t.Helper()
		rs := rectOf(g, g.Bound())
		sure := surelyValid(g, rs.ok)
		ok, why, _ := c.Validity(g)
		if sure && !ok {
			t.Fatalf("surelyValid accepted %v, GEOS: %s", g, why)
		}
		if ok {
			valid++
		}
		if sure {
			accepted++
		}
	}
	fixed := []orb.MultiPolygon{
		{{{{0, 0}, {2, 0}, {2, 2}, {0, 2}, {0, 0}}}},
		{{{{0, 0}, {2, 0}, {2, 2}, {1, 0}, {0, 2}, {0, 0}}}},                 // touches itself at (1,0)
		{{{{0, 0}, {2, 0}, {2, 2}, {0, 2}, {0, 1}, {1, 1}, {0, 1}, {0, 0}}}}, // a spike
		{{{{0, 0}, {2, 0}, {4, 0}, {2, 0}, {2, 2}, {0, 0}}}},                 // folds back along an edge
		{{{{0, 0}, {1, 0}, {2, 0}, {2, 2}, {0, 0}}}},                         // collinear vertex: valid
		{{{{0, 0}, {1, 0}, {1, 0}, {2, 0}, {2, 2}, {0, 0}}}},                 // repeated vertex: valid
		{{{{0, 0}, {2, 2}, {2, 0}, {0, 2}, {0, 0}}}},                         // bowtie
		{{{{0, 0}, {1, 0}, {2, 0}, {0, 0}}}},                                 // all on a line
		{{{{0, 0}, {1, 1}, {0, 0}, {1, 1}, {0, 0}}}},
		{{{{84, 44}, {84 + 1e-12, 44 + 1e-12}, {84 + 2e-12, 44 + 2.0000001e-12}, {84, 44.001}, {84, 44}}}}, // nearly collinear
		{{{{85, 44}, {85.03, 44.01}, {85.03, 43.99}, {85, 44}}}},
		{{{{85, 44}, {85.0, 44.02}, {85.03, 44.01}, {85.01, 44.0033333333333}, {85, 44}}}},
	}
	for _, g := range fixed {
		check(g)
	}
	if accepted < 5 {
		t.Fatalf("only %d of the fixed valid shapes accepted", accepted)
	}
	// Random rings on a small grid: many self-intersect, touch or fold back.
	for it := 0; it < 20000; it++ {
		n := 3 + rng.IntN(6)
		r := make(orb.Ring, 0, n+1)
		for i := 0; i < n; i++ {
			r = append(r, orb.Point{80 + float64(rng.IntN(5))*0.01, 40 + float64(rng.IntN(5))*0.01})
		}
		r = append(r, r[0])
		g := orb.MultiPolygon{{r}}
		if distinctPoints(r) < 3 {
			continue
		}
		check(g)
	}
	// Random star-shaped rings (simple): these should almost all be accepted.
	before := accepted
	for it := 0; it < 2000; it++ {
		n := 3 + rng.IntN(40)
		r := make(orb.Ring, 0, n+1)
		for i := 0; i < n; i++ {
			a := 2 * math.Pi * (float64(i) + rng.Float64()*0.5) / float64(n)
			rad := 0.01 + 0.02*rng.Float64()
			r = append(r, orb.Point{84 + rad*math.Cos(a), 44 + rad*math.Sin(a)})
		}
		r = append(r, r[0])
		check(orb.MultiPolygon{{r}})
	}
	if accepted-before < 1990 {
		t.Fatalf("only %d of 2000 simple star rings accepted", accepted-before)
	}
}

func distinctPoints(r orb.Ring) int {
	m := map[orb.Point]bool{}
	for _, p := range r {
		m[p] = true
	}
	return len(m)
}

// TestIndexesMatchBruteForce: the STR tree and the grid find exactly the features a scan
// finds — with degenerate and NaN bounds, features spanning many cells, queries outside the
// extent, clustered data — and list every feature once.
func TestIndexesMatchBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, n := range []int{0, 1, 15, 16, 17, 300, 5000} {
		for _, kind := range []string{"tree", "grid"} {
			fs := make([]feat, n)
			items := make([]strItem, n)
			for i := range fs {
				x, y := rng.Float64()*10, rng.Float64()*10
				if i%3 == 0 {
					x, y = 3+rng.Float64()*0.1, 7+rng.Float64()*0.1 // a dense cluster
				}
				w, h := rng.Float64()*0.05, rng.Float64()*0.05
				switch i % 211 {
				case 7:
					w = 0 // degenerate bounds are indexed too
				case 11:
					w, h = 4, 3 // spans many cells
				case 13:
					x = math.NaN()
				}
				fs[i].f.ID = int64(i + 1)
				fs[i].b = orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x + w, y + h}}
				items[i] = strItem{b: fs[i].b, ft: &fs[i]}
			}
			var sp spatial = newSTRTree(items)
			if kind == "grid" {
				g := newGrid(items)
				if g == nil {
					if n >= 300 {
						t.Fatalf("n=%d: no grid", n)
					}
					continue
				}
				sp = g
			}
			if len(sp.all()) != n {
				t.Fatalf("%s n=%d lists %d", kind, n, len(sp.all()))
			}
			seen := map[int64]bool{}
			for _, it := range sp.all() {
				seen[it.ft.f.ID] = true
			}
			if len(seen) != n {
				t.Fatalf("%s n=%d: %d distinct features listed", kind, n, len(seen))
			}
			for k := 0; k < 300; k++ {
				x, y := rng.Float64()*12-1, rng.Float64()*12-1
				q := orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x + rng.Float64()*0.3, y + rng.Float64()*0.2}}
				if k%50 == 0 {
					q = orb.Bound{Min: orb.Point{-5, -5}, Max: orb.Point{20, 20}}
				}
				var got, want []int64
				sp.search(q, func(ft *feat) { got = append(got, ft.f.ID) })
				for i := range fs {
					if overlaps(fs[i].b, q) {
						want = append(want, fs[i].f.ID)
					}
				}
				slices.Sort(got)
				if !slices.Equal(got, want) {
					t.Fatalf("%s n=%d query %v: got %v, want %v", kind, n, q, got, want)
				}
			}
		}
	}
}

func TestBoundMatchesOrb(t *testing.T) {
	cases := []orb.MultiPolygon{
		rect(84, 44, 85, 45),
		{{{{1, 2}, {-3, 4}, {5, -6}, {1, 2}}}, {{{10, 10}, {11, 10}, {11, 12}, {10, 10}}, {{100, 100}}}},
		{{}, {{{1, 1}, {2, 2}}}},
		{{{{1, 1}, {math.NaN(), 2}, {3, 3}}}},
		{{{}}},
		{{{{-0.0, 0}, {0, -0.0}}}},
	}
	for i, g := range cases {
		a, b := bound(g), g.Bound()
		if fmt.Sprint(a) != fmt.Sprint(b) {
			t.Fatalf("case %d: %v, orb %v", i, a, b)
		}
	}
}

// dumpFindings renders findings completely, geometry bytes included, in a sorted order.
func dumpFindings(fs []Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		var gh string
		if f.Geometry != nil {
			data, err := wkb.Marshal(f.Geometry)
			if err != nil {
				gh = err.Error()
			}
			gh = fmt.Sprintf("%x", sha256.Sum256(data))
		}
		out[i] = fmt.Sprintf("%s|%s|%s|%v|%q|%v|%v|%s|%s|%s|%s|%s|%v", f.Rule, f.Severity, f.Layer, f.FeatureIDs, f.Codes,
			math.Float64bits(f.Value), math.Float64bits(f.Limit), f.Unit, f.Message, f.Key, f.GeomHash, gh, f.refs)
	}
	slices.Sort(out)
	return out
}

// TestFastPathsSameFindings runs whole plans with the shortcuts on and off and compares every
// field of every finding.
func TestFastPathsSameFindings(t *testing.T) {
	mixed := synthCLI(8000, 3)
	// Add shapes the shortcuts must leave to GEOS, and rectangles in other ring orders.
	ex := mixed.Layers["kanchqk"]
	for i := 0; i < 40; i++ {
		b := ex[i].Geometry.Bound()
		f := ex[i].Clone()
		f.ID = int64(100000 + i)
		f.Attrs["QKBH"] = fmt.Sprintf("X%d", i)
		switch i % 4 {
		case 0: // a shifted copy, ring from another corner, clockwise
			f.Geometry = rectVariant(b.Min[0]+minute/3, b.Min[1]+minute/4, b.Max[0]+minute/3, b.Max[1], i%3, true)
		case 1: // a pentagon over it
			f.Geometry = orb.MultiPolygon{{{{b.Min[0], b.Min[1]}, {b.Max[0], b.Min[1] + minute/2}, {b.Max[0] + minute, b.Max[1]},
				{b.Min[0] + minute/2, b.Max[1] + minute}, {b.Min[0], b.Max[1]}, {b.Min[0], b.Min[1]}}}}
		case 2: // a bowtie
			f.Geometry = orb.MultiPolygon{{{{b.Min[0], b.Min[1]}, {b.Max[0], b.Max[1]}, {b.Max[0], b.Min[1]}, {b.Min[0], b.Max[1]}, {b.Min[0], b.Min[1]}}}}
		case 3: // a rectangle with a hole, and a second part
			f.Geometry = orb.MultiPolygon{
				{rectVariant(b.Min[0], b.Min[1], b.Max[0], b.Max[1], 0, false)[0][0], rectVariant(b.Min[0]+minute/4, b.Min[1]+minute/4, b.Min[0]+minute/2, b.Min[1]+minute/2, 0, true)[0][0]},
				rectVariant(b.Max[0]+minute, b.Min[1], b.Max[0]+2*minute, b.Max[1], 2, false)[0]}
		}
		ex = append(ex, f)
	}
	mixed.Layers["kanchqk"] = ex
	// Mining blocks over exploration blocks for R03.
	var mine []plan.Feature
	for i := 0; i < 30; i++ {
		b := ex[100+i].Geometry.Bound()
		f := block(int64(200000+i), fmt.Sprintf("M%d", i), "铜", rectVariant(b.Min[0], b.Min[1]-minute/2, b.Max[0]-minute/3, b.Max[1], i%4, i%2 == 0))
		mine = append(mine, f)
	}
	mixed.Layers["kaicqk"] = append(mixed.Layers["kaicqk"], mine...)

	inputs := map[string]Input{"synthetic": synthetic(3000), "cli": mixed}
	for name, in := range inputs {
		for _, rules := range []Rules{DefaultRules(plan.LevelProvince), onlyRule(DefaultRules(plan.LevelProvince), "R02"),
			onlyRule(DefaultRules(plan.LevelProvince), "R01", "R03")} {
			fastPaths = false
			slow, err := NewEngine(in, rules).Run(context.Background(), nil)
			fastPaths = true
			if err != nil {
				t.Fatal(err)
			}
			quick, err := NewEngine(in, rules).Run(context.Background(), nil)
			if err != nil {
				t.Fatal(err)
			}
			assertMessageEN(t, slow)
			assertMessageEN(t, quick)
			a, b := dumpFindings(slow), dumpFindings(quick)
			if !slices.Equal(a, b) {
				t.Fatalf("%s: findings differ with the shortcuts\nGEOS only %v\nfast only %v", name, diff(a, b), diff(b, a))
			}
			if len(a) == 0 && rules.on("R05") {
				t.Fatalf("%s: no findings to compare", name)
			}
		}
	}
}

func TestAppendWKBMatchesOrb(t *testing.T) {
	cases := []orb.MultiPolygon{
		rect(84, 44, 85, 45),
		{{{{1, 2}, {-3, 4}, {5, -6}, {1, 2}}}, {{{10, 10}, {11, 10}, {11, 12}, {10, 10}}, {{100, 100}}}},
		{{}, {{}}, {{{1, 1}}}},
		{{{{math.NaN(), math.Inf(1)}, {-0.0, 1e-300}}}},
	}
	for i, g := range cases {
		want, err := wkb.Marshal(g)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendWKB([]byte{9}, g); !slices.Equal(got[1:], want) || got[0] != 9 {
			t.Fatalf("case %d: %x, orb %x", i, got, want)
		}
	}
}

// FuzzSurelyValid: no ring the pure-Go check accepts is invalid for GEOS. Bytes become points
// on a coarse grid (so touching, folding and crossing are common), eight bytes at a time.
func FuzzSurelyValid(f *testing.F) {
	f.Add([]byte{0, 0, 4, 0, 4, 4, 0, 4})
	f.Add([]byte{0, 0, 4, 4, 4, 0, 0, 4})
	f.Add([]byte{0, 0, 2, 0, 4, 0, 2, 0, 2, 2})
	f.Add([]byte{1, 1, 3, 1, 3, 3, 2, 1, 1, 3})
	c := topo.NewContext(topo.GridDegree)
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) < 6 || len(b) > 64 {
			return
		}
		var r orb.Ring
		for i := 0; i+1 < len(b); i += 2 {
			r = append(r, orb.Point{84 + float64(b[i]%16)*0.001, 44 + float64(b[i+1]%16)*0.001})
		}
		r = append(r, r[0])
		g := orb.MultiPolygon{{r}}
		if distinctPoints(r) < 3 {
			return
		}
		rs := rectOf(g, bound(g))
		if surelyValid(g, rs.ok) {
			if ok, why, _ := c.Validity(g); !ok {
				t.Fatalf("accepted %v; GEOS: %s", g, why)
			}
		}
	})
}

func TestAreaKm2Reuse(t *testing.T) {
	in := synthCLI(2000, 5)
	gs := []orb.MultiPolygon{rect(84, 44, 84+minute, 44+minute), rect(75, 35, 75.5, 35.1),
		{{{{85, 44}, {85.03, 44.01}, {85.03, 43.99}, {85, 44}}}, {{{86, 45}, {86.2, 45}, {86.2, 45.3}, {86, 45}}}}}
	for _, f := range in.Layers["kanchqk"] {
		gs = append(gs, f.Geometry)
	}
	for _, g := range gs {
		if got, want := areaKm2(crs.EllipsoidalArea(g)), crs.AreaKm2(g); math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("%v: %v, crs.AreaKm2 %v", g, got, want)
		}
	}
}
