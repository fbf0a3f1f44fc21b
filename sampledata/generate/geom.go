package main

import (
	"math"
	"sort"

	"github.com/paulmach/orb"

	"kuanggui/internal/crs"
)

// CGCS2000 ellipsoid, for the metres in a degree of longitude (the R04 gap).
const ellA = crs.SemiMajorAxis

var ellE2 = func() float64 { f := 1 / crs.InverseFlatting; return f * (2 - f) }()

// areaKm2 is the area every MJ field holds: ellipsoidal on CGCS2000, km², 4 decimals.
var areaKm2 = crs.AreaKm2

func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }

// edgeIndex answers point-in-polygon for big polygons (real boundaries with thousands of
// vertices) by bucketing edges into latitude bands, so each query only looks at a few edges.
type edgeIndex struct {
	minY, band float64
	buckets    [][][2]orb.Point
	bound      orb.Bound
}

func newEdgeIndex(mp orb.MultiPolygon) *edgeIndex {
	b := mp.Bound()
	ix := &edgeIndex{minY: b.Min[1], band: 0.05, bound: b}
	n := int((b.Max[1]-b.Min[1])/ix.band) + 1
	ix.buckets = make([][][2]orb.Point, n)
	for _, p := range mp {
		for _, r := range p {
			for i := 0; i+1 < len(r); i++ {
				a, c := r[i], r[i+1]
				lo, hi := math.Min(a[1], c[1]), math.Max(a[1], c[1])
				for k := ix.bucket(lo); k <= ix.bucket(hi); k++ {
					ix.buckets[k] = append(ix.buckets[k], [2]orb.Point{a, c})
				}
			}
		}
	}
	return ix
}

func (ix *edgeIndex) bucket(y float64) int {
	k := int((y - ix.minY) / ix.band)
	if k < 0 {
		k = 0
	}
	if k >= len(ix.buckets) {
		k = len(ix.buckets) - 1
	}
	return k
}

// contains uses the even-odd rule, which is what a real, partly self-intersecting boundary
// allows.
func (ix *edgeIndex) contains(p orb.Point) bool {
	if !ix.bound.Contains(p) {
		return false
	}
	in := false
	for _, e := range ix.buckets[ix.bucket(p[1])] {
		a, c := e[0], e[1]
		if (a[1] > p[1]) != (c[1] > p[1]) {
			x := a[0] + (p[1]-a[1])*(c[0]-a[0])/(c[1]-a[1])
			if x > p[0] {
				in = !in
			}
		}
	}
	return in
}

// polyContains is even-odd point-in-multipolygon for small polygons.
func polyContains(mp orb.MultiPolygon, p orb.Point) bool {
	in := false
	for _, pg := range mp {
		for _, r := range pg {
			for i := 0; i+1 < len(r); i++ {
				a, c := r[i], r[i+1]
				if (a[1] > p[1]) != (c[1] > p[1]) {
					x := a[0] + (p[1]-a[1])*(c[0]-a[0])/(c[1]-a[1])
					if x > p[0] {
						in = !in
					}
				}
			}
		}
	}
	return in
}

// segRectIntersects reports whether segment a–c meets the closed rectangle b (Liang–Barsky).
func segRectIntersects(a, c orb.Point, b orb.Bound) bool {
	t0, t1 := 0.0, 1.0
	dx, dy := c[0]-a[0], c[1]-a[1]
	clip := func(p, q float64) bool {
		if p == 0 {
			return q >= 0
		}
		r := q / p
		if p < 0 {
			if r > t1 {
				return false
			}
			if r > t0 {
				t0 = r
			}
		} else {
			if r < t0 {
				return false
			}
			if r < t1 {
				t1 = r
			}
		}
		return true
	}
	return clip(-dx, a[0]-b.Min[0]) && clip(dx, b.Max[0]-a[0]) &&
		clip(-dy, a[1]-b.Min[1]) && clip(dy, b.Max[1]-a[1])
}

type relation int

const (
	relOut relation = iota
	relIn
	relCross
)

// relate classifies rectangle b against polygon mp: wholly inside, wholly outside, or with the
// boundary passing through (or touching) it.
func relate(mp orb.MultiPolygon, mpb orb.Bound, b orb.Bound) relation {
	if !mpb.Intersects(b) {
		return relOut
	}
	for _, pg := range mp {
		for _, r := range pg {
			for i := 0; i+1 < len(r); i++ {
				a, c := r[i], r[i+1]
				if math.Max(a[0], c[0]) < b.Min[0] || math.Min(a[0], c[0]) > b.Max[0] ||
					math.Max(a[1], c[1]) < b.Min[1] || math.Min(a[1], c[1]) > b.Max[1] {
					continue
				}
				if segRectIntersects(a, c, b) {
					return relCross
				}
			}
		}
	}
	if polyContains(mp, b.Center()) {
		return relIn
	}
	return relOut
}

// segsCross reports a proper or touching intersection of segments p1p2 and p3p4.
func segsCross(p1, p2, p3, p4 orb.Point) bool {
	d := func(a, b, c orb.Point) float64 { return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0]) }
	d1, d2 := d(p3, p4, p1), d(p3, p4, p2)
	d3, d4 := d(p1, p2, p3), d(p1, p2, p4)
	if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
		return true
	}
	on := func(a, b, c orb.Point) bool {
		return math.Min(a[0], b[0]) <= c[0] && c[0] <= math.Max(a[0], b[0]) &&
			math.Min(a[1], b[1]) <= c[1] && c[1] <= math.Max(a[1], b[1])
	}
	return (d1 == 0 && on(p3, p4, p1)) || (d2 == 0 && on(p3, p4, p2)) ||
		(d3 == 0 && on(p1, p2, p3)) || (d4 == 0 && on(p1, p2, p4))
}

// simplePolygon reports whether no two non-adjacent edges of the polygon's rings meet (within
// and across rings), i.e. the polygon is free of self-intersections.
func simplePolygon(pg orb.Polygon) bool {
	type seg struct{ a, b orb.Point }
	var segs []seg
	var ringOf []int
	for ri, r := range pg {
		for i := 0; i+1 < len(r); i++ {
			segs = append(segs, seg{r[i], r[i+1]})
			ringOf = append(ringOf, ri)
		}
	}
	for i := range segs {
		for j := i + 1; j < len(segs); j++ {
			if ringOf[i] == ringOf[j] {
				n := len(pg[ringOf[i]]) - 1
				first := 0
				for k := 0; k < ringOf[i]; k++ {
					first += len(pg[k]) - 1
				}
				li, lj := i-first, j-first
				if lj == li+1 || (li == 0 && lj == n-1) {
					continue // neighbours share a vertex
				}
			}
			if segsCross(segs[i].a, segs[i].b, segs[j].a, segs[j].b) {
				return false
			}
		}
	}
	return true
}

// cell is one 1′×1′ basic unit block, indexed by its south-west corner in arc minutes.
type cell struct{ C, R int }

func (c cell) bound() orb.Bound {
	return orb.Bound{Min: orb.Point{float64(c.C) / 60, float64(c.R) / 60},
		Max: orb.Point{float64(c.C+1) / 60, float64(c.R+1) / 60}}
}

func minuteNode(c, r int) orb.Point { return orb.Point{float64(c) / 60, float64(r) / 60} }

// cellOutline traces the boundary of a 4-connected set of cells into polygons with
// counter-clockwise shells (and clockwise holes, should a set enclose one), dropping collinear
// vertices.
func cellOutline(cells []cell) orb.MultiPolygon {
	set := map[cell]bool{}
	for _, c := range cells {
		set[c] = true
	}
	type node struct{ C, R int }
	next := map[node][]node{}
	add := func(a, b node) { next[a] = append(next[a], b) }
	for _, c := range cells {
		x, y := c.C, c.R
		if !set[cell{x, y - 1}] {
			add(node{x, y}, node{x + 1, y})
		}
		if !set[cell{x + 1, y}] {
			add(node{x + 1, y}, node{x + 1, y + 1})
		}
		if !set[cell{x, y + 1}] {
			add(node{x + 1, y + 1}, node{x, y + 1})
		}
		if !set[cell{x - 1, y}] {
			add(node{x, y + 1}, node{x, y})
		}
	}
	starts := make([]node, 0, len(next))
	for n := range next {
		starts = append(starts, n)
	}
	sort.Slice(starts, func(i, j int) bool {
		if starts[i].R != starts[j].R {
			return starts[i].R < starts[j].R
		}
		return starts[i].C < starts[j].C
	})
	var shells, holes []orb.Ring
	for _, s := range starts {
		if len(next[s]) == 0 {
			continue
		}
		var pts []node
		cur := s
		for {
			pts = append(pts, cur)
			outs := next[cur]
			nx := outs[0]
			next[cur] = outs[1:]
			cur = nx
			if cur == s {
				break
			}
		}
		// drop collinear vertices
		var ring orb.Ring
		n := len(pts)
		for i := 0; i < n; i++ {
			p, c, q := pts[(i+n-1)%n], pts[i], pts[(i+1)%n]
			if (p.C == c.C && c.C == q.C) || (p.R == c.R && c.R == q.R) {
				continue
			}
			ring = append(ring, minuteNode(c.C, c.R))
		}
		ring = append(ring, ring[0])
		if ringSigned(ring) > 0 {
			shells = append(shells, ring)
		} else {
			holes = append(holes, ring)
		}
	}
	var mp orb.MultiPolygon
	for _, s := range shells {
		mp = append(mp, orb.Polygon{s})
	}
	for _, h := range holes {
		for i := range mp {
			if len(mp) == 1 || polyContains(orb.MultiPolygon{orb.Polygon{mp[i][0]}}, h[0]) {
				mp[i] = append(mp[i], h)
				break
			}
		}
	}
	return mp
}

// ringSigned is the planar signed area in degrees² (positive counter-clockwise).
func ringSigned(r orb.Ring) float64 {
	var s float64
	for i := 0; i+1 < len(r); i++ {
		s += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return s / 2
}

// centroid of a multipolygon's shells, area-weighted, planar in degrees (fine for placing a label
// or finding the county under a block).
func centroid(mp orb.MultiPolygon) orb.Point {
	var cx, cy, aw float64
	for _, pg := range mp {
		r := pg[0]
		for i := 0; i+1 < len(r); i++ {
			c := r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
			cx += (r[i][0] + r[i+1][0]) * c
			cy += (r[i][1] + r[i+1][1]) * c
			aw += c
		}
	}
	if aw == 0 {
		return mp.Bound().Center()
	}
	return orb.Point{cx / (3 * aw), cy / (3 * aw)}
}
