package tool

import (
	"math"
	"math/rand"
	"testing"

	"github.com/paulmach/orb"

	"kuanggui/internal/plan"
)

func TestSnapPriority(t *testing.T) {
	s := NewSnapper()
	s.SetLayer("kanchqk", []plan.Feature{rect(1, 80.001, 40.001, 80.101, 40.101)})
	const tol = 0.01
	// Near a vertex (0.003 away) and an edge: the vertex wins.
	if r := s.Snap(80.003, 40.003, tol, false); r.Kind != SnapVertex || r.Point != (orb.Point{80.001, 40.001}) || r.Ref != (Ref{"kanchqk", 1}) {
		t.Fatalf("vertex: %+v", r)
	}
	// Vertex beyond tolerance, edge within: the edge.
	if r := s.Snap(80.05, 40.004, tol, false); r.Kind != SnapEdge || r.Point != (orb.Point{80.05, 40.001}) {
		t.Fatalf("edge: %+v", r)
	}
	// With the 1′ grid on, an off-grid vertex or an edge must not pull a corner off the grid:
	// the grid node wins.
	if r := s.Snap(80.003, 40.003, tol, true); r.Kind != SnapGrid || r.Point != (orb.Point{4800.0 / 60, 2400.0 / 60}) {
		t.Fatalf("grid over an off-grid vertex: %+v", r)
	}
	if r := s.Snap(80.05, 40.004, tol, true); r.Kind != SnapGrid {
		t.Fatalf("grid over an edge: %+v", r)
	}
	// A vertex that is itself a grid node still wins (it names the neighbour block).
	s.SetLayer("kaicqk", []plan.Feature{rect(2, 4830.0/60, 2430.0/60, 4832.0/60, 2432.0/60)})
	if r := s.Snap(4830.0/60+0.004, 2430.0/60+0.004, tol, true); r.Kind != SnapVertex || r.Ref != (Ref{"kaicqk", 2}) {
		t.Fatalf("on-grid vertex: %+v", r)
	}
	s.Remove("kaicqk", 2)
	// A vertex farther than an edge but within tolerance still wins.
	if r := s.Snap(80.008, 40.002, tol, false); r.Kind != SnapVertex {
		t.Fatalf("vertex within tolerance lost to a nearer edge: %+v", r)
	}
	// Nothing within tolerance: the grid, on an exact minute.
	r := s.Snap(80.3, 40.3, tol, true)
	if r.Kind != SnapGrid || r.Point != (orb.Point{4818.0 / 60, 2418.0 / 60}) {
		t.Fatalf("grid: %+v", r)
	}
	// Grid off: the point itself.
	if r := s.Snap(80.3, 40.3, tol, false); r.Kind != SnapNone || r.Point != (orb.Point{80.3, 40.3}) {
		t.Fatalf("none: %+v", r)
	}
	// A hidden layer is not snapped to.
	s.SetVisible("kanchqk", false)
	if r := s.Snap(80.003, 40.003, tol, false); r.Kind != SnapNone {
		t.Fatalf("hidden layer: %+v", r)
	}
	s.SetVisible("kanchqk", true)
	// Suspended with Alt (and Ctrl), and by the toolbar toggle.
	e := Event{X: 80.003, Y: 40.003, PixelSize: 0.001, Alt: true}
	if r := s.SnapAt(e); r.Kind != SnapNone || r.Point != (orb.Point{80.003, 40.003}) {
		t.Fatalf("alt: %+v", r)
	}
	e.Alt, e.Ctrl = false, true
	if r := s.SnapAt(e); r.Kind != SnapNone {
		t.Fatalf("ctrl: %+v", r)
	}
	e.Ctrl = false
	if r := s.SnapAt(e); r.Kind != SnapVertex {
		t.Fatalf("plain: %+v", r)
	}
	// Tolerance follows the pixel size: 10 px at 0.0001°/px is 0.001°.
	e.PixelSize = 0.0001
	if r := s.SnapAt(e); r.Kind != SnapNone {
		t.Fatalf("zoomed in: %+v", r)
	}
	s.SetTolerancePixels(40)
	if r := s.SnapAt(e); r.Kind != SnapVertex {
		t.Fatalf("40 px tolerance: %+v", r)
	}
	s.SetEnabled(false)
	s.SetGrid(true)
	if r := s.SnapAt(e); r.Kind != SnapGrid {
		t.Fatalf("vertex snapping off: %+v", r)
	}
	var nilSnap *Snapper
	if r := nilSnap.SnapAt(e); r.Kind != SnapNone {
		t.Fatalf("nil snapper: %+v", r)
	}
	if r := s.Snap(math.NaN(), 40, tol, true); r.Kind != SnapNone {
		t.Fatalf("NaN: %+v", r)
	}
}

func TestSnapperUpdate(t *testing.T) {
	s := NewSnapper()
	s.SetLayer("kanchqk", []plan.Feature{rect(1, 80, 40, 80.1, 40.1), rect(2, 81, 41, 81.1, 41.1)})
	s.SetLayer("stbhhx", []plan.Feature{rect(1, 82, 42, 82.5, 42.5)})
	if s.Len() != 3 {
		t.Fatalf("len %d", s.Len())
	}
	const tol = 0.01
	// Move feature 1 away: the old place no longer snaps, the new one does.
	s.Update("kanchqk", rect(1, 80.5, 40.5, 80.6, 40.6))
	if r := s.Snap(80, 40, tol, false); r.Kind != SnapNone {
		t.Fatalf("old position still snaps: %+v", r)
	}
	if r := s.Snap(80.5, 40.5, tol, false); r.Kind != SnapVertex || r.Ref != (Ref{"kanchqk", 1}) {
		t.Fatalf("new position: %+v", r)
	}
	// Outside the extent the index was built for.
	s.Update("kanchqk", rect(9, 95, 48, 95.1, 48.1))
	if r := s.Snap(95.1, 48.1, tol, false); r.Kind != SnapVertex || r.Ref.ID != 9 {
		t.Fatalf("outside extent: %+v", r)
	}
	s.Remove("kanchqk", 2)
	if r := s.Snap(81, 41, tol, false); r.Kind != SnapNone {
		t.Fatalf("removed feature snaps: %+v", r)
	}
	// Same id, other layer: independent.
	if r := s.Snap(82, 42, tol, false); r.Ref != (Ref{"stbhhx", 1}) {
		t.Fatalf("other layer: %+v", r)
	}
	// Replacing a layer keeps the others.
	s.SetLayer("kanchqk", nil)
	if s.Len() != 1 {
		t.Fatalf("len after clearing kanchqk: %d", s.Len())
	}
	if r := s.Snap(82.5, 42.5, tol, false); r.Kind != SnapVertex {
		t.Fatalf("stbhhx lost: %+v", r)
	}
	// Skipped features are not snapped to.
	if r := s.SnapExcept(82.5, 42.5, tol, false, []Ref{{"stbhhx", 1}}); r.Kind != SnapNone {
		t.Fatalf("skip: %+v", r)
	}
	// An empty snapper and an update into it.
	e := NewSnapper()
	e.Update("kanchqk", rect(1, 80, 40, 80.1, 40.1))
	if r := e.Snap(80.1, 40, tol, false); r.Kind != SnapVertex {
		t.Fatalf("update into empty: %+v", r)
	}
}

// TestSnapLongSegments covers segments too long to list in each cell (zone outlines).
func TestSnapLongSegments(t *testing.T) {
	s := NewSnapper()
	fs := randomBlocks(rand.New(rand.NewSource(2)), 500, orb.Bound{Min: orb.Point{80, 40}, Max: orb.Point{82, 42}})
	s.SetLayer("kanchqk", fs)
	tri := plan.Feature{ID: 1, Geometry: orb.MultiPolygon{{{{79, 39}, {83, 39}, {83, 43}, {79, 39}}}}}
	s.SetLayer("kfq", []plan.Feature{tri})
	if len(s.idx.large) == 0 {
		t.Fatalf("the diagonal did not go to the large list")
	}
	if r := s.Snap(82.5, 42.504, 0.01, false); r.Kind != SnapEdge || r.Ref.Layer != "kfq" || math.Abs(r.Point[0]-r.Point[1]-40) > 1e-12 {
		t.Fatalf("long diagonal edge: %+v", r)
	}
	if r := s.Snap(81, 39.004, 0.01, false); r.Kind != SnapEdge || r.Point != (orb.Point{81, 39}) || r.Ref.Layer != "kfq" {
		t.Fatalf("long edge: %+v", r)
	}
	s.Update("kfq", rect(1, 78, 38, 84, 44))
	if r := s.Snap(81, 39.004, 0.01, false); r.Kind != SnapNone {
		t.Fatalf("old long edge still snaps: %+v", r)
	}
	if r := s.Snap(81, 38.004, 0.01, false); r.Kind != SnapEdge {
		t.Fatalf("new long edge: %+v", r)
	}
	if r := s.Snap(82.5, 42.504, 0.01, false); r.Kind != SnapNone {
		t.Fatalf("old diagonal still snaps: %+v", r)
	}
	s.Remove("kfq", 1)
	if r := s.Snap(81, 38.004, 0.01, false); r.Kind != SnapNone {
		t.Fatalf("removed long edge snaps: %+v", r)
	}
}

// TestSnapMatchesScan checks the index against a linear scan on random blocks, edits included.
func TestSnapMatchesScan(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	fs := randomBlocks(rng, 2000, orb.Bound{Min: orb.Point{80, 40}, Max: orb.Point{82, 42}})
	s := NewSnapper()
	s.SetLayer("kanchqk", fs)
	for i := 0; i < 300; i++ { // edits: move some blocks, some far
		j := rng.Intn(len(fs))
		dx, dy := rng.Float64()*0.2-0.1, rng.Float64()*0.2-0.1
		if i%50 == 0 {
			dx = 5
		}
		fs[j].Geometry = translate(fs[j].Geometry, dx, dy)
		s.Update("kanchqk", fs[j])
	}
	for i := 0; i < 3000; i++ {
		p := orb.Point{79.9 + rng.Float64()*2.2, 39.9 + rng.Float64()*2.2}
		tol := 0.0005 + rng.Float64()*0.02
		got := s.Snap(p[0], p[1], tol, false)
		want := scanSnap(fs, p, tol)
		if got.Kind != want.Kind || dist(got.Point, p) != dist(want.Point, p) {
			t.Fatalf("at %v tol %g: index %+v, scan %+v", p, tol, got, want)
		}
	}
}

func scanSnap(fs []plan.Feature, p orb.Point, tol float64) SnapResult {
	bv, be := tol, tol
	var v, e SnapResult
	for _, f := range fs {
		for _, poly := range f.Geometry {
			for _, r := range poly {
				for k := 0; k+1 < len(r); k++ {
					if d := dist(p, r[k]); d <= bv {
						bv, v = d, SnapResult{Point: r[k], Kind: SnapVertex}
					}
					c := closestOnSegment(p, r[k], r[k+1])
					if d := dist(p, c); d <= be {
						be, e = d, SnapResult{Point: c, Kind: SnapEdge}
					}
				}
			}
		}
	}
	if v.Kind != SnapNone {
		return v
	}
	if e.Kind != SnapNone {
		return e
	}
	return SnapResult{Point: p}
}

// randomBlocks makes n rectangles of 0.01–0.05° inside ext, ids 1…n.
func randomBlocks(rng *rand.Rand, n int, ext orb.Bound) []plan.Feature {
	fs := make([]plan.Feature, n)
	for i := range fs {
		w, h := 0.01+rng.Float64()*0.04, 0.01+rng.Float64()*0.04
		x := ext.Min[0] + rng.Float64()*(ext.Max[0]-ext.Min[0]-w)
		y := ext.Min[1] + rng.Float64()*(ext.Max[1]-ext.Min[1]-h)
		fs[i] = rect(int64(i+1), x, y, x+w, y+h)
	}
	return fs
}

var xinjiang = orb.Bound{Min: orb.Point{73.5, 34.3}, Max: orb.Point{96.4, 49.2}}

// BenchmarkSnap120k: one snap query among 120,000 blocks over Xinjiang, random points,
// 10 px tolerance at about 1:50 000 (0.0002°/px) and at a whole-region view (0.02°/px).
// Target < 1 ms/op.
func BenchmarkSnap120k(b *testing.B) {
	rng := rand.New(rand.NewSource(1))
	s := NewSnapper()
	s.SetLayer("kanchqk", randomBlocks(rng, 120000, xinjiang))
	s.SetGrid(true)
	pts := make([]orb.Point, 4096)
	for i := range pts {
		pts[i] = orb.Point{xinjiang.Min[0] + rng.Float64()*(xinjiang.Max[0]-xinjiang.Min[0]), xinjiang.Min[1] + rng.Float64()*(xinjiang.Max[1]-xinjiang.Min[1])}
	}
	for _, c := range []struct {
		name string
		px   float64
	}{{"zoomed-in", 0.0002}, {"region", 0.02}} {
		b.Run(c.name, func(b *testing.B) {
			hits := 0
			for i := 0; i < b.N; i++ {
				p := pts[i%len(pts)]
				if s.SnapAt(Event{X: p[0], Y: p[1], PixelSize: c.px}).Kind != SnapGrid {
					hits++
				}
			}
			b.ReportMetric(float64(hits)/float64(b.N), "hits/op")
		})
	}
}

func BenchmarkSnapperBuild120k(b *testing.B) {
	fs := randomBlocks(rand.New(rand.NewSource(1)), 120000, xinjiang)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := NewSnapper()
		s.SetLayer("kanchqk", fs)
	}
}

// BenchmarkSnapperUpdate120k: replacing one block (a move) in a 120,000-block index.
func BenchmarkSnapperUpdate120k(b *testing.B) {
	rng := rand.New(rand.NewSource(1))
	fs := randomBlocks(rng, 120000, xinjiang)
	s := NewSnapper()
	s.SetLayer("kanchqk", fs)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f := fs[i%len(fs)]
		f.Geometry = translate(f.Geometry, 0.001, 0)
		fs[i%len(fs)] = f
		s.Update("kanchqk", f)
	}
}
