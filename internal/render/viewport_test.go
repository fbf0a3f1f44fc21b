package render

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestViewportRoundTrip(t *testing.T) {
	v := Viewport{CenterX: 85, CenterY: 42, Scale: 0.01, Width: 800, Height: 600, Lat0: 42}
	for _, p := range [][2]float64{{85, 42}, {73.5, 34.3}, {96.4, 49.2}, {80.123456, 44.987654}} {
		x, y := v.ToScreen(p[0], p[1])
		lon, lat := v.ToMap(x, y)
		if !near(lon, p[0], 1e-9) || !near(lat, p[1], 1e-9) {
			t.Errorf("round trip %v -> (%g,%g) -> (%g,%g)", p, x, y, lon, lat)
		}
	}
	// The centre is the middle pixel; north is up; x is scaled by cos(Lat0).
	if x, y := v.ToScreen(85, 42); x != 400 || y != 300 {
		t.Errorf("centre at (%g,%g), want (400,300)", x, y)
	}
	x, y := v.ToScreen(86, 43)
	if !near(x-400, 100*math.Cos(42*math.Pi/180), 1e-9) || !near(y, 200, 1e-9) {
		t.Errorf("(86,43) at (%g,%g)", x, y)
	}
	b := v.Bound()
	if !near(b.Min[1], 39, 1e-9) || !near(b.Max[1], 45, 1e-9) || !near(b.Center()[0], 85, 1e-9) {
		t.Errorf("bound %v", b)
	}
}

func TestZoomAtKeepsPoint(t *testing.T) {
	v := Viewport{CenterX: 85, CenterY: 42, Scale: 0.01, Width: 800, Height: 600, Lat0: 41}
	for _, z := range []struct{ px, py, f float64 }{{100, 50, 2}, {700, 555, 0.5}, {400, 300, 1.25}, {0, 600, 10}} {
		lon, lat := v.ToMap(z.px, z.py)
		s := v.Scale
		v.ZoomAt(z.px, z.py, z.f)
		x, y := v.ToScreen(lon, lat)
		if !near(x, z.px, 1e-6) || !near(y, z.py, 1e-6) {
			t.Errorf("zoom %v: point moved to (%g,%g)", z, x, y)
		}
		if !near(v.Scale, s/z.f, 1e-15) {
			t.Errorf("zoom %v: scale %g, want %g", z, v.Scale, s/z.f)
		}
	}
	before := v
	v.ZoomAt(10, 10, 0)
	v.ZoomAt(10, 10, math.NaN())
	if v != before {
		t.Errorf("bad factors changed the view: %+v", v)
	}
}

func TestPan(t *testing.T) {
	v := Viewport{CenterX: 85, CenterY: 42, Scale: 0.01, Width: 800, Height: 600, Lat0: 42}
	x0, y0 := v.ToScreen(84, 41)
	v.Pan(30, -12)
	x1, y1 := v.ToScreen(84, 41)
	if !near(x1-x0, 30, 1e-9) || !near(y1-y0, -12, 1e-9) {
		t.Errorf("content moved by (%g,%g), want (30,-12)", x1-x0, y1-y0)
	}
}

func TestFit(t *testing.T) {
	b := orb.Bound{Min: orb.Point{73.5, 34.3}, Max: orb.Point{96.4, 49.2}}
	v := NewViewport(b, 1600, 1000, 20)
	if !near(v.Lat0, 41.75, 1e-12) {
		t.Errorf("Lat0 %g", v.Lat0)
	}
	x0, y0 := v.ToScreen(b.Min[0], b.Max[1])
	x1, y1 := v.ToScreen(b.Max[0], b.Min[1])
	// All of b is inside the margins, and it touches them on the tighter axis.
	if x0 < 20-1e-6 || y0 < 20-1e-6 || x1 > 1580+1e-6 || y1 > 980+1e-6 {
		t.Errorf("fit to (%g,%g)-(%g,%g)", x0, y0, x1, y1)
	}
	if !near(x0, 20, 1e-6) && !near(y0, 20, 1e-6) {
		t.Errorf("fit does not fill the view: (%g,%g)-(%g,%g)", x0, y0, x1, y1)
	}
	// Height limits here: 14.9° over 960 px.
	if !near(v.Scale, 14.9/960, 1e-12) {
		t.Errorf("scale %g", v.Scale)
	}
	// A point keeps the scale; a NaN bound changes nothing.
	v.Fit(orb.Bound{Min: orb.Point{80, 40}, Max: orb.Point{80, 40}}, 0)
	if v.CenterX != 80 || v.CenterY != 40 || !near(v.Scale, 14.9/960, 1e-12) {
		t.Errorf("fit to point: %+v", v)
	}
	before := v
	v.Fit(orb.Bound{Min: orb.Point{math.NaN(), 0}, Max: orb.Point{1, 1}}, 0)
	if v != before {
		t.Errorf("NaN bound changed the view")
	}
}

func TestMetresPerPixel(t *testing.T) {
	// At the equator with Lat0 0, one pixel of 1e-3° is 1e-3 of the equatorial degree.
	v := Viewport{Scale: 1e-3, Width: 10, Height: 10}
	want := 6378137.0 * math.Pi / 180 * 1e-3
	if got := v.MetresPerPixel(); !near(got, want, 1e-6) {
		t.Errorf("equator: %g m/px, want %g", got, want)
	}
	// At Lat0 = centre = 45°: Scale° of longitude·cos(45°)... i.e. N(45°)·Scale in radians.
	v = Viewport{CenterY: 45, Lat0: 45, Scale: 1e-3, Width: 10, Height: 10}
	s := math.Sin(math.Pi / 4)
	n := 6378137.0 / math.Sqrt(1-cgcsE2*s*s)
	if got := v.MetresPerPixel(); !near(got, n*math.Pi/180*1e-3, 1e-6) || !near(got, 111.5, 0.5) {
		t.Errorf("45°: %g m/px", got)
	}
}

func TestScaleBar(t *testing.T) {
	mpp := func(m float64) Viewport {
		// Equator, Lat0 0: metres per pixel = Scale·π/180·a.
		return Viewport{Scale: m / (6378137.0 * math.Pi / 180), Width: 100, Height: 100}
	}
	for _, c := range []struct {
		mpp    float64
		max    int
		metres float64
		px     int
		label  string
	}{
		{100, 120, 10000, 100, "10 km"},
		{3, 100, 200, 67, "200 m"},
		{250, 200, 50000, 200, "50 km"},
		{1, 499, 200, 200, "200 m"},
		{1, 500, 500, 500, "500 m"},
		{0.01, 150, 1, 100, "1 m"},
		{0.002, 30, 0.05, 25, "5 cm"},
		{5000, 100, 500000, 100, "500 km"},
	} {
		m, px, l := ScaleBar(mpp(c.mpp), c.max)
		if !near(m, c.metres, 1e-9*c.metres) || px != c.px || l != c.label {
			t.Errorf("mpp %g max %d: got %g m %d px %q, want %g %d %q", c.mpp, c.max, m, px, l, c.metres, c.px, c.label)
		}
	}
	if m, px, l := ScaleBar(mpp(100), 0); m != 0 || px != 0 || l != "" {
		t.Errorf("maxPx 0: %g %d %q", m, px, l)
	}
}
