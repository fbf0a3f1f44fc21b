package validate

import (
	"math"
	"slices"
	"sync/atomic"

	"github.com/paulmach/orb"

	"kuanggui/internal/topo"
)

// Pure-Go shortcuts for the common shapes of a plan: a block is almost always one simple ring,
// and very often an axis-aligned rectangle of 1′ cells. They only ever answer what GEOS would
// answer (valid; this exact overlay ring); anything they are not certain of goes to GEOS.

// rectShape describes a feature that is one axis-aligned rectangle: a single polygon with one
// ring of five points (closed), positive width and height. corner is the corner the ring starts
// at (0 south-west, 1 south-east, 2 north-east, 3 north-west) and cw its direction.
type rectShape struct {
	ok     bool
	corner int8
	cw     bool
}

func rectOf(mp orb.MultiPolygon, b orb.Bound) rectShape {
	if len(mp) != 1 || len(mp[0]) != 1 || len(mp[0][0]) != 5 {
		return rectShape{}
	}
	r := mp[0][0]
	if r[0] != r[4] || !(b.Min[0] < b.Max[0] && b.Min[1] < b.Max[1]) || !finiteBound(b) {
		return rectShape{}
	}
	corners := [4]orb.Point{{b.Min[0], b.Min[1]}, {b.Max[0], b.Min[1]}, {b.Max[0], b.Max[1]}, {b.Min[0], b.Max[1]}}
	start := -1
	for k, c := range corners {
		if r[0] == c {
			start = k
		}
	}
	if start < 0 {
		return rectShape{}
	}
	for _, cw := range []bool{false, true} {
		match := true
		for i := 1; i < 4 && match; i++ {
			k := start + i
			if cw {
				k = start - i + 4
			}
			match = r[i] == corners[k%4]
		}
		if match {
			return rectShape{ok: true, corner: int8(start), cw: cw}
		}
	}
	return rectShape{}
}

func finiteBound(b orb.Bound) bool {
	for _, v := range [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} {
		if !plainCoord(v) {
			return false
		}
	}
	return true
}

// rectRing is the closed ring of bound b starting at corner, in the given direction.
func rectRing(b orb.Bound, corner int, cw bool) orb.Ring {
	corners := [4]orb.Point{{b.Min[0], b.Min[1]}, {b.Max[0], b.Min[1]}, {b.Max[0], b.Max[1]}, {b.Min[0], b.Max[1]}}
	r := make(orb.Ring, 5)
	for i := 0; i < 4; i++ {
		k := corner + i
		if cw {
			k = corner - i + 4
		}
		r[i] = corners[k%4]
	}
	r[4] = r[0]
	return r
}

// surelyValid reports true only when GEOS would find mp valid: one polygon of one closed ring
// with finite coordinates, at least three segments once repeated points are dropped, and no
// two segments meeting except neighbours at their shared vertex. Every orientation test is
// exact or declared uncertain (then the answer is false and GEOS decides), so a true here is
// never a GEOS "invalid". Holes and multipart geometries are left to GEOS.
func surelyValid(mp orb.MultiPolygon, rect bool) bool {
	if rect {
		return true // rectOf checked closure, finiteness and a positive extent
	}
	if len(mp) != 1 || len(mp[0]) != 1 {
		return false
	}
	r := mp[0][0]
	if len(r) < 4 || r[0] != r[len(r)-1] {
		return false
	}
	pts := make([]orb.Point, 0, len(r))
	for _, p := range r {
		if !plainCoord(p[0]) || !plainCoord(p[1]) {
			return false
		}
		if len(pts) == 0 || p != pts[len(pts)-1] {
			pts = append(pts, p)
		}
	}
	n := len(pts) - 1 // segments: pts[i] → pts[i+1]; pts[n] == pts[0]
	if n < 3 {
		return false
	}
	// Neighbouring segments a→b, b→c may only share b: they must turn, or c must lie on the far
	// side of b from a along some axis (then the two segments' boxes meet only at b).
	for i := 0; i < n; i++ {
		a, b, c := pts[i], pts[i+1], pts[(i+1)%n+1]
		if s, sure := orient(a, b, c); sure && s != 0 {
			continue
		}
		if (a[0]-b[0])*(c[0]-b[0]) < 0 || (a[1]-b[1])*(c[1]-b[1]) < 0 {
			continue
		}
		return false
	}
	// Other pairs must not meet at all: a sweep over segments sorted by their west end.
	type seg struct {
		i      int
		x0, x1 float64
		y0, y1 float64
	}
	segs := make([]seg, n)
	for i := 0; i < n; i++ {
		p, q := pts[i], pts[i+1]
		segs[i] = seg{i, min(p[0], q[0]), max(p[0], q[0]), min(p[1], q[1]), max(p[1], q[1])}
	}
	slices.SortFunc(segs, func(a, b seg) int {
		switch {
		case a.x0 < b.x0:
			return -1
		case a.x0 > b.x0:
			return 1
		}
		return a.i - b.i
	})
	for k, s := range segs {
		for _, o := range segs[k+1:] {
			if o.x0 > s.x1 {
				break
			}
			if o.y0 > s.y1 || o.y1 < s.y0 {
				continue
			}
			d := s.i - o.i
			if d == 1 || d == -1 || d == n-1 || d == 1-n {
				continue // neighbours: checked above
			}
			if !surelyApart(pts[s.i], pts[s.i+1], pts[o.i], pts[o.i+1]) {
				return false
			}
		}
	}
	return true
}

// surelyApart reports whether segments pq and rs certainly have no point in common: both ends
// of one lie strictly on the same side of the other's line.
func surelyApart(p, q, r, s orb.Point) bool {
	o1, ok1 := orient(p, q, r)
	o2, ok2 := orient(p, q, s)
	if ok1 && ok2 && o1 != 0 && o1 == o2 {
		return true
	}
	o3, ok3 := orient(r, s, p)
	o4, ok4 := orient(r, s, q)
	return ok3 && ok4 && o3 != 0 && o3 == o4
}

// ccwErrBound is Shewchuk's error bound of the floating-point orientation determinant.
const ccwErrBound = (3 + 16*epsilon) * epsilon

const epsilon = 1.0 / (1 << 53)

// orient is the sign of the turn a → b → c (1 left, -1 right, 0 straight) and whether the
// floating-point determinant proves it (Shewchuk's orient2d filter; coordinates must be
// plainCoord). The signs of differences and of their products are always exact then.
func orient(a, b, c orb.Point) (int, bool) {
	l := (a[0] - c[0]) * (b[1] - c[1])
	r := (a[1] - c[1]) * (b[0] - c[0])
	det := l - r
	var sum float64
	switch {
	case l > 0:
		if r <= 0 {
			return sign(det), true
		}
		sum = l + r
	case l < 0:
		if r >= 0 {
			return sign(det), true
		}
		sum = -l - r
	default:
		// l is exactly zero (a difference was), so det = -r, whose sign is exact.
		return sign(det), true
	}
	bound := ccwErrBound * sum
	if det >= bound || -det >= bound {
		return sign(det), true
	}
	return 0, false
}

// plainCoord accepts coordinates whose differences and products can neither overflow nor
// underflow, which the exactness of orient's signs relies on: 0, or 1e-100 ≤ |v| ≤ MaxCoord.
func plainCoord(v float64) bool {
	a := math.Abs(v)
	return v == 0 || a >= 1e-100 && a <= topo.MaxCoord
}

func sign(v float64) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// rectClass remembers, for each class of rectangle pair, where GEOS starts the ring of their
// intersection and which way it runs (0 not seen yet, else 1 + 2·corner + cw). A class is the
// start corner and direction of each input ring and the order (<, =, >) of their west, east,
// south and north edges. GEOS's overlay (OverlayNG) builds the ring from its edge graph, so the
// start depends on the inputs' rings, not only on the result; but it depends on nothing else —
// TestRectOverlayMatchesGEOS checks this on random pairs in both degree and integer
// coordinates. The first pair of a class goes to GEOS, and its answer fills the entry.
var rectClass [8 * 8 * 81]atomic.Int32

func rel(a, b float64) int {
	switch {
	case a < b:
		return 0
	case a == b:
		return 1
	}
	return 2
}

func rectClassKey(a, b *feat) int {
	ka := int(a.rect.corner) * 2
	if a.rect.cw {
		ka++
	}
	kb := int(b.rect.corner) * 2
	if b.rect.cw {
		kb++
	}
	return (ka*8+kb)*81 + rel(a.b.Min[0], b.b.Min[0])*27 + rel(a.b.Max[0], b.b.Max[0])*9 +
		rel(a.b.Min[1], b.b.Min[1])*3 + rel(a.b.Max[1], b.b.Max[1])
}

// rectIntersection returns a ∩ b for two rectangles whose interiors meet, exactly as GEOS
// would, when their class has been seen; ok is false otherwise (then call learnRect with
// GEOS's answer).
func rectIntersection(a, b *feat) (orb.MultiPolygon, int, bool) {
	key := rectClassKey(a, b)
	v := rectClass[key].Load()
	if v == 0 {
		return nil, key, false
	}
	ib := rectMeet(a.b, b.b)
	return orb.MultiPolygon{{rectRing(ib, int(v-1)/2, (v-1)%2 == 1)}}, key, true
}

func rectMeet(a, b orb.Bound) orb.Bound {
	return orb.Bound{Min: orb.Point{max(a.Min[0], b.Min[0]), max(a.Min[1], b.Min[1])},
		Max: orb.Point{min(a.Max[0], b.Max[0]), min(a.Max[1], b.Max[1])}}
}

// learnRect records GEOS's intersection of rectangles a and b for their class, if it is the
// plain rectangle expected.
func learnRect(key int, a, b *feat, in orb.MultiPolygon) {
	ib := rectMeet(a.b, b.b)
	if len(in) != 1 || len(in[0]) != 1 {
		return
	}
	rs := rectOf(in, ib)
	if !rs.ok {
		return
	}
	v := 1 + 2*int32(rs.corner)
	if rs.cw {
		v++
	}
	rectClass[key].Store(v)
}
