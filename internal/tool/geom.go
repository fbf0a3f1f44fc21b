package tool

import (
	"math"

	"github.com/paulmach/orb"
)

// Planar helpers on lon/lat; orientation and containment do not need a projection.

// openRing returns the ring's points without the closing repeat of the first.
func openRing(r orb.Ring) []orb.Point {
	n := len(r)
	if n > 1 && r[0] == r[n-1] {
		n--
	}
	return append([]orb.Point(nil), r[:n]...)
}

// closeRing returns pts as a closed ring.
func closeRing(pts []orb.Point) orb.Ring {
	if len(pts) == 0 {
		return nil
	}
	r := make(orb.Ring, 0, len(pts)+1)
	r = append(r, pts...)
	if r[0] != r[len(r)-1] {
		r = append(r, r[0])
	}
	return r
}

// distinctCount counts the distinct points of pts.
func distinctCount(pts []orb.Point) int {
	seen := make(map[orb.Point]struct{}, len(pts))
	for _, p := range pts {
		seen[p] = struct{}{}
	}
	return len(seen)
}

// dedupe drops consecutive points closer than eps (and a last point equal to the first).
func dedupe(pts []orb.Point, eps float64) []orb.Point {
	var out []orb.Point
	for _, p := range pts {
		if len(out) > 0 && dist(out[len(out)-1], p) <= eps {
			continue
		}
		out = append(out, p)
	}
	for len(out) > 1 && dist(out[0], out[len(out)-1]) <= eps {
		out = out[:len(out)-1]
	}
	return out
}

// signedArea is the shoelace area of the open ring pts: positive when counter-clockwise.
func signedArea(pts []orb.Point) float64 {
	var a float64
	n := len(pts)
	for i := 0; i < n; i++ {
		p, q := pts[i], pts[(i+1)%n]
		a += p[0]*q[1] - q[0]*p[1]
	}
	return a / 2
}

// orient returns pts reversed if needed so that it runs counter-clockwise (ccw) or clockwise.
func orient(pts []orb.Point, ccw bool) []orb.Point {
	if (signedArea(pts) > 0) != ccw {
		out := make([]orb.Point, len(pts))
		for i, p := range pts {
			out[len(pts)-1-i] = p
		}
		return out
	}
	return pts
}

// pointInRing is the even-odd test of p against a closed or open ring.
func pointInRing(p orb.Point, r []orb.Point) bool {
	in := false
	n := len(r)
	for i, j := 0, n-1; i < n; j, i = i, i+1 {
		a, b := r[i], r[j]
		if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < (b[0]-a[0])*(p[1]-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}

// selfIntersects reports whether the closed ring through pts crosses itself: two non-adjacent
// segments touch, or two adjacent ones fold back over each other.
func selfIntersects(pts []orb.Point) bool {
	n := len(pts)
	if n < 3 {
		return false
	}
	for i := 0; i < n; i++ {
		a1, a2 := pts[i], pts[(i+1)%n]
		for j := i + 1; j < n; j++ {
			b1, b2 := pts[j], pts[(j+1)%n]
			adjacent := j == i+1 || (i == 0 && j == n-1)
			if adjacent {
				// Adjacent segments share one endpoint; they overlap only if collinear and
				// folding back.
				var shared, ea, eb orb.Point
				if j == i+1 {
					shared, ea, eb = a2, a1, b2
				} else {
					shared, ea, eb = a1, a2, b1
				}
				if cross(shared, ea, eb) == 0 && dot(shared, ea, eb) > 0 {
					return true
				}
				continue
			}
			if segmentsIntersect(a1, a2, b1, b2) {
				return true
			}
		}
	}
	return false
}

func cross(o, a, b orb.Point) float64 {
	return (a[0]-o[0])*(b[1]-o[1]) - (a[1]-o[1])*(b[0]-o[0])
}

func dot(o, a, b orb.Point) float64 {
	return (a[0]-o[0])*(b[0]-o[0]) + (a[1]-o[1])*(b[1]-o[1])
}

func onSegment(p, q, r orb.Point) bool {
	return math.Min(p[0], r[0]) <= q[0] && q[0] <= math.Max(p[0], r[0]) &&
		math.Min(p[1], r[1]) <= q[1] && q[1] <= math.Max(p[1], r[1])
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

func segmentsIntersect(p1, p2, q1, q2 orb.Point) bool {
	d1 := sign(cross(q1, q2, p1))
	d2 := sign(cross(q1, q2, p2))
	d3 := sign(cross(p1, p2, q1))
	d4 := sign(cross(p1, p2, q2))
	if d1 != d2 && d3 != d4 && d1 != 0 && d2 != 0 && d3 != 0 && d4 != 0 {
		return true
	}
	return (d1 == 0 && onSegment(q1, p1, q2)) || (d2 == 0 && onSegment(q1, p2, q2)) ||
		(d3 == 0 && onSegment(p1, q1, p2)) || (d4 == 0 && onSegment(p1, q2, p2))
}

func dist(a, b orb.Point) float64 { return math.Hypot(a[0]-b[0], a[1]-b[1]) }

// closestOnSegment returns the point of segment ab nearest p.
func closestOnSegment(p, a, b orb.Point) orb.Point {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l2 := dx*dx + dy*dy
	if l2 == 0 {
		return a
	}
	t := ((p[0]-a[0])*dx + (p[1]-a[1])*dy) / l2
	if t <= 0 {
		return a
	}
	if t >= 1 {
		return b
	}
	return orb.Point{a[0] + t*dx, a[1] + t*dy}
}

func finitePoint(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsNaN(p[1]) && !math.IsInf(p[0], 0) && !math.IsInf(p[1], 0)
}

// translate returns mp moved by (dx, dy).
func translate(mp orb.MultiPolygon, dx, dy float64) orb.MultiPolygon {
	out := make(orb.MultiPolygon, len(mp))
	for i, poly := range mp {
		out[i] = make(orb.Polygon, len(poly))
		for j, r := range poly {
			nr := make(orb.Ring, len(r))
			for k, p := range r {
				nr[k] = orb.Point{p[0] + dx, p[1] + dy}
			}
			out[i][j] = nr
		}
	}
	return out
}
