package topo

import (
	"encoding/binary"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

func rect(x0, y0, x1, y1 float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}
}

func area(mp orb.MultiPolygon) float64 { return planar.Area(mp) }

// c11_bowtie: POLYGON ((85 44,85.01 44.01,85.01 44.0,85.0 44.01,85 44)).
var bowtie = orb.MultiPolygon{{{{85, 44}, {85.01, 44.01}, {85.01, 44.0}, {85.0, 44.01}, {85, 44}}}}

// c12_tjunction: 乙 has a vertex on 甲's edge (85,44)-(85.03,44.01).
var (
	tjA = orb.MultiPolygon{{{{85, 44}, {85.03, 44.01}, {85.03, 43.99}, {85, 44}}}}
	tjB = orb.MultiPolygon{{{{85, 44}, {85.0, 44.02}, {85.03, 44.01}, {85.01, 44.0033333333333}, {85, 44}}}}
)

func TestValidityBowtie(t *testing.T) {
	c := NewContext(GridDegree)
	ok, reason, where := c.Validity(bowtie)
	if ok {
		t.Fatal("bowtie reported valid")
	}
	if !strings.Contains(reason, "自相交") {
		t.Fatalf("reason %q", reason)
	}
	if math.Abs(where[0]-85.005) > 1e-9 || math.Abs(where[1]-44.005) > 1e-9 {
		t.Fatalf("where = %v, want 85.005 44.005", where)
	}
	fixed, err := c.MakeValid(bowtie)
	if err != nil {
		t.Fatal(err)
	}
	if len(fixed) != 2 {
		t.Fatalf("make-valid gave %d parts, want 2", len(fixed))
	}
	// Each triangle is a quarter of the bounding square.
	if a := area(fixed); math.Abs(a-0.5e-4) > 1e-12 {
		t.Fatalf("repaired area %g, want 5e-5", a)
	}
	if ok, _, _ := c.Validity(fixed); !ok {
		t.Fatal("make-valid result is not valid")
	}
}

func TestValidityGoChecks(t *testing.T) {
	c := NewContext(GridDegree)
	cases := []struct {
		name string
		mp   orb.MultiPolygon
		want string
	}{
		{"empty", orb.MultiPolygon{}, "无几何"},
		{"unclosed", orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 1}}}}, "未闭合"},
		{"two points", orb.MultiPolygon{{{{0, 0}, {1, 0}, {0, 0}, {1, 0}, {0, 0}}}}, "只有 2 个不同的点"},
		{"nan", orb.MultiPolygon{{{{0, 0}, {math.NaN(), 0}, {1, 1}, {0, 0}}}}, "非数值"},
		{"hole outside", orb.MultiPolygon{{
			{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}},
			{{2, 2}, {3, 2}, {3, 3}, {2, 2}},
		}}, "洞在外环之外"},
	}
	for _, tc := range cases {
		ok, reason, _ := c.Validity(tc.mp)
		if ok || !strings.Contains(reason, tc.want) {
			t.Errorf("%s: ok=%v reason=%q, want %q", tc.name, ok, reason, tc.want)
		}
	}
	if ok, r, _ := c.Validity(rect(0, 0, 1, 1)); !ok {
		t.Fatalf("square invalid: %s", r)
	}
}

func TestTJunctionTouchesOnly(t *testing.T) {
	c := NewContext(GridDegree)
	for _, mp := range []orb.MultiPolygon{tjA, tjB} {
		if ok, r, _ := c.Validity(mp); !ok {
			t.Fatalf("c12 polygon invalid: %s", r)
		}
	}
	in, err := c.Intersection(tjA, tjB)
	if err != nil {
		t.Fatal(err)
	}
	// The decimal vertex is 3e-14° off the edge: any sliver is far below 1 m² (≈1e-10 deg²).
	if a := area(in); a > 1e-12 {
		t.Fatalf("T-junction intersection area %g deg²", a)
	}
}

func TestOverlayValues(t *testing.T) {
	c := NewContext(GridMetre)
	a, b := rect(0, 0, 100, 100), rect(60, 20, 160, 70)
	in, err := c.Intersection(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if got := area(in); got != 40*50 {
		t.Fatalf("intersection %g, want 2000", got)
	}
	diff, err := c.Difference(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if got := area(diff); got != 10000-2000 {
		t.Fatalf("difference %g", got)
	}
	u, err := c.Union(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if got := area(u); got != 10000+5000-2000 {
		t.Fatalf("union %g", got)
	}
	m, err := c.Merge([]orb.MultiPolygon{rect(0, 0, 10, 10), rect(10, 0, 20, 10)})
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 1 || area(m) != 200 {
		t.Fatalf("merge of touching squares: %d parts, area %g", len(m), area(m))
	}
	buf, err := c.Buffer(rect(0, 0, 10, 10), 1)
	if err != nil {
		t.Fatal(err)
	}
	// 100 + 4×10 + the inscribed 32-gon of radius 1 (8 segments per quarter): 16·sin(π/16)·… = 3.1214.
	if got := area(buf); math.Abs(got-(140+16*math.Sin(2*math.Pi/32))) > 1e-9 {
		t.Fatalf("buffer area %g", got)
	}
}

func TestDistance(t *testing.T) {
	c := NewContext(GridMetre)
	d, line, err := c.Distance(rect(0, 0, 10, 10), rect(13, 14, 20, 20))
	if err != nil {
		t.Fatal(err)
	}
	if d != 5 {
		t.Fatalf("distance %g, want 5", d)
	}
	if line[0] != (orb.Point{10, 10}) || line[1] != (orb.Point{13, 14}) {
		t.Fatalf("line %v", line)
	}
	d, _, err = c.Distance(rect(0, 0, 10, 10), rect(10, 0, 20, 10))
	if err != nil || d != 0 {
		t.Fatalf("touching distance %g %v", d, err)
	}
}

func TestSplit(t *testing.T) {
	c := NewContext(GridMetre)
	// A square with a hole, cut through the hole: two pieces of 50×100 − 10×20 /2 each.
	mp := orb.MultiPolygon{{
		{{0, 0}, {100, 0}, {100, 100}, {0, 100}, {0, 0}},
		{{45, 40}, {45, 60}, {55, 60}, {55, 40}, {45, 40}},
	}}
	parts, err := c.Split(mp, orb.LineString{{50, -10}, {50, 110}})
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 2 {
		t.Fatalf("%d parts", len(parts))
	}
	for _, p := range parts {
		if a := planar.Area(p); a != 5000-100 {
			t.Fatalf("piece area %g, want 4900", a)
		}
	}
	parts, err = c.Split(mp, orb.LineString{{200, 0}, {300, 0}})
	if err != nil || len(parts) != 1 || planar.Area(parts[0]) != 10000-200 {
		t.Fatalf("missed line: %d parts %v", len(parts), err)
	}
}

func TestPrepared(t *testing.T) {
	c := NewContext(GridMetre)
	zone, err := c.Prepare(rect(0, 0, 100, 100))
	if err != nil {
		t.Fatal(err)
	}
	defer zone.Destroy()
	cov, _ := zone.Covers(rect(0, 0, 10, 10)) // on the boundary still covered
	con, _ := zone.Contains(rect(10, 10, 20, 20))
	out, _ := zone.Covers(rect(95, 0, 105, 10))
	touch, _ := zone.Intersects(rect(100, 0, 110, 10))
	if !cov || !con || out || !touch {
		t.Fatalf("covers=%v contains=%v partly-out covers=%v touch=%v", cov, con, out, touch)
	}
	in, err := zone.Intersection(rect(95, 0, 105, 10))
	if err != nil || area(in) != 50 {
		t.Fatalf("intersection %g %v", area(in), err)
	}
	other, _ := c.Prepare(rect(100, 0, 102, 100))
	rest, err := c.DifferenceAll(rect(95, 0, 105, 10), []*Prepared{zone, other})
	if err != nil || area(rest) != 30 {
		t.Fatalf("outside part %g %v", area(rest), err)
	}
}

func TestBadInputNoPanic(t *testing.T) {
	c := NewContext(GridDegree)
	bad := orb.MultiPolygon{{{{0, 0}, {1, 0}}}}
	if _, err := c.Intersection(bad, rect(0, 0, 1, 1)); err == nil {
		t.Fatal("two-point ring accepted")
	}
	// GEOS refuses to overlay a bowtie (TopologyException); the error must come back as a value.
	if _, err := c.Intersection(bowtie, rect(85, 44, 85.01, 44.01)); err == nil || !strings.Contains(err.Error(), "TopologyException") {
		t.Fatalf("bowtie overlay: %v", err)
	}
	empty, err := c.Prepare(nil)
	if err != nil {
		t.Fatalf("empty prepare: %v", err)
	}
	if hit, err := empty.Intersects(rect(0, 0, 1, 1)); hit || err != nil {
		t.Fatalf("empty intersects: %v %v", hit, err)
	}
	if _, _, err := c.Distance(orb.MultiPolygon{}, rect(0, 0, 1, 1)); err == nil {
		t.Fatal("distance to nothing gave no error")
	}
	if _, err := c.Split(rect(0, 0, 1, 1), orb.LineString{{0, 0}}); err == nil {
		t.Fatal("one-point cutting line accepted")
	}
}

// FuzzValidity feeds arbitrary rings to validity, make-valid and overlay: none may panic.
func FuzzValidity(f *testing.F) {
	enc := func(pts ...float64) []byte {
		b := make([]byte, 8*len(pts))
		for i, v := range pts {
			binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(v))
		}
		return b
	}
	f.Add(enc(85, 44, 85.01, 44.01, 85.01, 44, 85, 44.01, 85, 44))
	f.Add(enc(0, 0, 1, 0, 1, 1, 0, 1, 0, 0))
	f.Add(enc(0, 0, 1, 0, 0, 0))
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 8*2*200 {
			return
		}
		var r orb.Ring
		for i := 0; i+16 <= len(data); i += 16 {
			r = append(r, orb.Point{
				math.Float64frombits(binary.LittleEndian.Uint64(data[i:])),
				math.Float64frombits(binary.LittleEndian.Uint64(data[i+8:])),
			})
		}
		c := NewContext(GridDegree)
		mp := orb.MultiPolygon{{r}}
		ok, reason, _ := c.Validity(mp)
		if !ok && reason == "" {
			t.Fatal("invalid without a reason")
		}
		_, _ = c.MakeValid(mp)
		_, _ = c.Intersection(mp, rect(0, 0, 1, 1))
		_, _, _ = c.Distance(mp, rect(0, 0, 1, 1))
	})
}

func TestMergeDropsCutPoints(t *testing.T) {
	c := NewContext(GridDegree)
	left := orb.MultiPolygon{{{{85, 44}, {85.05, 44}, {85.05, 44.1}, {85, 44.1}, {85, 44}}}}
	right := orb.MultiPolygon{{{{85.05, 44}, {85.1, 44}, {85.1, 44.1}, {85.05, 44.1}, {85.05, 44}}}}
	m, err := c.Merge([]orb.MultiPolygon{left, right})
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 1 || len(m[0]) != 1 || len(m[0][0]) != 5 {
		t.Fatalf("merged block has rings %v, want the 4 corners of the whole rectangle", m)
	}
}

func TestValidityReasonHasNoRawCoordinates(t *testing.T) {
	bow := orb.MultiPolygon{{{{85, 44}, {85.01, 44.01}, {85.01, 44}, {85, 44.01}, {85, 44}}}}
	ok, reason, where := NewContext(GridDegree).Validity(bow)
	if ok || strings.ContainsAny(reason, "[]") || strings.Contains(reason, "85.005") {
		t.Fatalf("reason %q should name the fault, not print GEOS's coordinates", reason)
	}
	if math.Abs(where[0]-85.005) > 1e-9 || math.Abs(where[1]-44.005) > 1e-9 {
		t.Fatalf("where = %v", where)
	}
}
