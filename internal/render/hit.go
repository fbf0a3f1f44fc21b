package render

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// HitTest returns the topmost visible feature under pixel (px, py) of v: one whose polygon
// contains the point (a point in a hole is outside), or whose outline passes within
// tolerancePx pixels. tables limits the search to those tables (nil: all visible layers).
// Within a layer the feature drawn last wins.
func (m *Map) HitTest(v Viewport, px, py float64, tolerancePx float64, tables []string) (table string, id int64, ok bool) {
	m.data.RLock() // not the cache: a hit test need not wait for a render
	defer m.data.RUnlock()
	if math.IsNaN(px) || math.IsNaN(py) || math.IsNaN(tolerancePx) {
		return "", 0, false
	}
	tol := math.Max(0, tolerancePx)
	s := v.scale()
	a, b := v.kx()/s, 1/s
	lon, lat := v.ToMap(px, py)
	p := orb.Point{lon, lat}
	q := orb.Bound{Min: orb.Point{lon - tol/a, lat - tol/b}, Max: orb.Point{lon + tol/a, lat + tol/b}}
	for i := len(m.order) - 1; i >= 0; i-- {
		l := m.layers[m.order[i]]
		if l == nil || !l.visible || (tables != nil && !slices.Contains(tables, l.table)) {
			continue
		}
		slots := l.idx.queryMap(q)
		for k := len(slots) - 1; k >= 0; k-- {
			f := &l.feats[slots[k]]
			if !f.alive || !f.bound.Intersects(q) {
				continue
			}
			if containsMP(f.geom, p) || (tol > 0 && nearOutline(f.geom, p, a, b, tol)) {
				return l.table, f.id, true
			}
		}
	}
	return "", 0, false
}

// containsMP reports whether p is inside mp by the even-odd rule over each polygon's rings,
// so a point in a hole is outside.
func containsMP(mp orb.MultiPolygon, p orb.Point) bool {
	for _, poly := range mp {
		if len(poly) == 0 || !poly[0].Bound().Contains(p) {
			continue
		}
		in := false
		for _, r := range poly {
			if ringContains(r, p) {
				in = !in
			}
		}
		if in {
			return true
		}
	}
	return false
}

func ringContains(r orb.Ring, p orb.Point) bool {
	in := false
	n := len(r)
	for i, j := 0, n-1; i < n; j, i = i, i+1 {
		a, b := r[i], r[j]
		if (a[1] > p[1]) != (b[1] > p[1]) &&
			p[0] < (b[0]-a[0])*(p[1]-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}

// nearOutline reports whether any ring of mp passes within tol pixels of p, measuring in
// screen pixels (a, b are pixels per degree of lon and lat).
func nearOutline(mp orb.MultiPolygon, p orb.Point, a, b, tol float64) bool {
	t2 := tol * tol
	for _, poly := range mp {
		for _, r := range poly {
			n := len(r)
			for i := 0; i+1 < n; i++ {
				ax, ay := (r[i][0]-p[0])*a, (r[i][1]-p[1])*b
				bx, by := (r[i+1][0]-p[0])*a, (r[i+1][1]-p[1])*b
				if segDist2(ax, ay, bx, by) <= t2 {
					return true
				}
			}
		}
	}
	return false
}

// segDist2 is the squared distance from the origin to segment a–b.
func segDist2(ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	l2 := dx*dx + dy*dy
	t := 0.0
	if l2 > 0 {
		t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l2))
	}
	x, y := ax+t*dx, ay+t*dy
	return x*x + y*y
}
