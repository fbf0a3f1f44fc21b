package crs

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

func cell(lon, lat, dLon, dLat float64) orb.Polygon {
	return orb.Polygon{{{lon, lat}, {lon + dLon, lat}, {lon + dLon, lat + dLat}, {lon, lat + dLat}, {lon, lat}}}
}

// DESIGN.md §5: the basic unit cell areas on CGCS2000.
func TestBasicCellArea(t *testing.T) {
	want := map[float64]float64{35: 2.8129, 40: 2.6335, 44: 2.4752, 45: 2.4336, 49: 2.2600}
	for lat, km2 := range want {
		if got := math.Round(BasicCellArea(lat)*1e4) / 1e4; got != km2 {
			t.Errorf("BasicCellArea(%v) = %.4f, want %.4f", lat, got, km2)
		}
		// The same cell as a polygon, south edge at lat.
		mp := orb.MultiPolygon{cell(83, lat, 1.0/60, 1.0/60)}
		if got := AreaKm2(mp); got != km2 {
			t.Errorf("AreaKm2(1′ cell at %v°N) = %.4f, want %.4f", lat, got, km2)
		}
		if d := math.Abs(EllipsoidalArea(mp)/1e6 - BasicCellArea(lat)); d > 1e-9 {
			t.Errorf("polygon and BasicCellArea differ by %g km²", d)
		}
	}
	// The centred convention would not reproduce the table.
	if math.Round(BasicCellArea(35-1.0/120)*1e4)/1e4 == 2.8129 {
		t.Error("centred cell also gives 2.8129: convention test is vacuous")
	}
}

func TestEllipsoidalAreaHoleAndOrientation(t *testing.T) {
	outer := cell(83, 44, 0.1, 0.1)[0]
	hole := cell(83.02, 44.02, 1.0/60, 1.0/60)[0]
	full := EllipsoidalArea(orb.MultiPolygon{{outer}})
	h := EllipsoidalArea(orb.MultiPolygon{{hole}})
	with := EllipsoidalArea(orb.MultiPolygon{{outer, hole}})
	if math.Abs(with-(full-h)) > 1e-6 {
		t.Errorf("with hole %v, want %v", with, full-h)
	}
	if math.Abs(h/1e6-BasicCellArea(44.02)) > 1e-9 {
		t.Errorf("hole cell %v", h)
	}
	// Reversed rings and an unclosed ring give the same area.
	rev := append(orb.Ring(nil), outer...)
	rev.Reverse()
	revHole := append(orb.Ring(nil), hole...)
	revHole.Reverse()
	if got := EllipsoidalArea(orb.MultiPolygon{{rev, revHole}}); math.Abs(got-with) > 1e-6 {
		t.Errorf("reversed %v != %v", got, with)
	}
	if got := EllipsoidalArea(orb.MultiPolygon{{outer[:4]}}); math.Abs(got-full) > 1e-6 {
		t.Errorf("unclosed %v != %v", got, full)
	}
	// Two parts add up; a 1°×1° quadrangle is the sum of its 3600 cells.
	two := orb.MultiPolygon{{outer}, cell(84, 45, 0.1, 0.1)}
	if got := EllipsoidalArea(two); math.Abs(got-full-EllipsoidalArea(orb.MultiPolygon{cell(84, 45, 0.1, 0.1)})) > 1e-6 {
		t.Errorf("multipart %v", got)
	}
	sum := 0.0
	for i := 0; i < 60; i++ {
		sum += 60 * BasicCellArea(44+float64(i)/60)
	}
	if got := EllipsoidalArea(orb.MultiPolygon{cell(83, 44, 1, 1)}) / 1e6; math.Abs(got-sum) > 1e-6 {
		t.Errorf("1° quadrangle %v km², cells sum %v", got, sum)
	}
	// Degenerate input.
	for _, mp := range []orb.MultiPolygon{nil, {{}}, {{{{83, 44}, {83.1, 44}}}}, {{{{83, 44}, {83.1, 44}, {83.2, 44}, {83, 44}}}}} {
		if got := EllipsoidalArea(mp); got != 0 {
			t.Errorf("EllipsoidalArea(%v) = %v", mp, got)
		}
	}
}

// An independent check: near the central meridian Gauss-Krüger is almost conformal with scale 1,
// so the plane area of a small irregular polygon equals its ellipsoidal area to ~1e-6.
func TestEllipsoidalAreaAgainstGaussKruger(t *testing.T) {
	ring := orb.Ring{{83.95, 44.50}, {84.03, 44.51}, {84.06, 44.56}, {84.01, 44.60}, {83.97, 44.58}, {83.95, 44.50}}
	mp := orb.MultiPolygon{{ring}}
	tr, err := NewTransformer(Geographic(), mustEPSG(t, 4537))
	if err != nil {
		t.Fatal(err)
	}
	if tr.To().Zone != 28 || tr.To().ZonePrefix {
		t.Fatalf("wrong CRS %v", tr.To())
	}
	// Densify so the plane edges follow the lon/lat edges.
	var dense orb.Ring
	for i := 0; i+1 < len(ring); i++ {
		for k := 0; k < 100; k++ {
			f := float64(k) / 100
			dense = append(dense, orb.Point{ring[i][0] + f*(ring[i+1][0]-ring[i][0]), ring[i][1] + f*(ring[i+1][1]-ring[i][1])})
		}
	}
	dense = append(dense, dense[0])
	plane, err := tr.MultiPolygon(orb.MultiPolygon{{dense}})
	if err != nil {
		t.Fatal(err)
	}
	pa := math.Abs(planar.Area(plane))
	ea := EllipsoidalArea(mp)
	if rel := math.Abs(pa-ea) / ea; rel > 1.5e-6 {
		t.Errorf("plane %v m², ellipsoidal %v m², relative difference %g", pa, ea, rel)
	}
}

func BenchmarkEllipsoidalArea(b *testing.B) {
	// A 1000-vertex ring, about the size of a large real block.
	var r orb.Ring
	for i := 0; i < 1000; i++ {
		a := 2 * math.Pi * float64(i) / 1000
		r = append(r, orb.Point{84 + 0.1*math.Cos(a), 44 + 0.07*math.Sin(a)})
	}
	r = append(r, r[0])
	mp := orb.MultiPolygon{{r}}
	b.ReportAllocs()
	for b.Loop() {
		_ = EllipsoidalArea(mp)
	}
}
