package shapefile

import (
	"fmt"
	"math"
	"sort"

	"github.com/paulmach/orb"
)

// issue is trouble found while assembling one record's rings.
type issue struct{ kind, msg string }

// signedArea is the shoelace area: negative for clockwise rings (shells in a shapefile).
func signedArea(r orb.Ring) float64 {
	var s float64
	for i := 0; i+1 < len(r); i++ {
		s += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return s / 2
}

func reversed(r orb.Ring) orb.Ring {
	o := make(orb.Ring, len(r))
	for i, p := range r {
		o[len(r)-1-i] = p
	}
	return o
}

// assemble turns a record's rings into polygons. Shapefiles mark shells clockwise and holes
// counter-clockwise and do not say which shell a hole belongs to: each hole goes to the
// smallest shell that contains it. When orientation and containment disagree (a "hole" inside
// no shell, as written by tools that ignore the rule), the rings are rebuilt by nesting depth
// alone and the record is reported. Output rings follow the shapefile convention (shells
// clockwise, holes counter-clockwise), which is also the order 拐点 tables list points in.
//
// bounds and areas are those record computed for in (area as closed); assemble returns the
// bound of each polygon's shell, which is what orb's Polygon.Bound gives, so the caller needs
// no second pass over the points. Rings of in may be reversed in place.
func assemble(in []orb.Ring, inBounds []orb.Bound, inAreas []float64) (orb.MultiPolygon, []orb.Bound, []issue) {
	var issues []issue
	rings := in[:0:0]
	var bounds []orb.Bound
	var areas []float64
	for i, r := range in {
		if len(r) > 0 && r[0] != r[len(r)-1] {
			r = append(r, r[0])
			issues = append(issues, issue{"invalid-ring", ringMsg(i, "未闭合，已闭合", "was not closed; closed it")})
		}
		if len(r) < 4 {
			issues = append(issues, issue{"invalid-ring", ringMsg(i, "少于 3 个点，已舍弃", "has fewer than 3 points; dropped")})
			continue
		}
		if len(rings) == 0 && i == len(in)-1 {
			// The usual record: one ring, nothing dropped before it. No slices to build.
			return orb.MultiPolygon{{cwInPlace(r, inAreas[i])}}, []orb.Bound{inBounds[i]}, issues
		}
		rings = append(rings, r)
		bounds = append(bounds, inBounds[i])
		areas = append(areas, inAreas[i])
	}
	if len(rings) == 0 {
		return nil, nil, issues
	}
	if len(rings) == 1 {
		return orb.MultiPolygon{{cwInPlace(rings[0], areas[0])}}, bounds, issues
	}

	if len(rings) > maxContainmentRings {
		mp, sb := sequentialRings(rings, bounds, areas)
		return mp, sb, append(issues, issue{"orientation", fmt.Sprintf(
			"环数 %d 过多，未检查包含关系，内环归入其前面的外环 / %d rings: too many to check containment; each hole assigned to the shell before it", len(rings), len(rings))})
	}
	var shells []int
	var holes []int
	for i, a := range areas {
		if a > 0 {
			holes = append(holes, i)
		} else {
			shells = append(shells, i) // clockwise, or zero area (a bow-tie): a shell
		}
	}
	owner := make([]int, len(rings))
	ok := len(shells) > 0
	for _, h := range holes {
		owner[h] = -1
		best := math.Inf(1)
		for _, s := range shells {
			if math.Abs(areas[s]) > math.Abs(areas[h]) && ringInRing(rings[h], bounds[h], rings[s], bounds[s]) && math.Abs(areas[s]) < best {
				best, owner[h] = math.Abs(areas[s]), s
			}
		}
		if owner[h] < 0 {
			ok = false
		}
	}
	if ok {
		// Every containment test is done: reversing in place can no longer change an answer.
		mp := make(orb.MultiPolygon, 0, len(shells))
		sb := make([]orb.Bound, 0, len(shells))
		idx := owner // a shell's own entry is unused: it now holds its polygon's index
		for _, s := range shells {
			idx[s] = len(mp)
			mp = append(mp, orb.Polygon{cwInPlace(rings[s], areas[s])})
			sb = append(sb, bounds[s])
		}
		for _, h := range holes {
			k := idx[owner[h]]
			mp[k] = append(mp[k], ccwInPlace(rings[h], areas[h]))
		}
		return mp, sb, issues
	}
	mp, sb := byContainment(rings, bounds, areas)
	return mp, sb, append(issues, issue{"orientation",
		"环的方向与包含关系不符（外环应为顺时针、内环逆时针），已按包含关系重建 / ring orientation disagrees with containment; rebuilt by containment"})
}

// maxContainmentRings bounds the quadratic containment search so a hostile record with
// hundreds of thousands of rings cannot stall an import.
const maxContainmentRings = 4096

// sequentialRings gives each counter-clockwise ring to the shell written before it: the order
// nearly every writer uses, and linear in the number of rings.
func sequentialRings(rings []orb.Ring, bounds []orb.Bound, areas []float64) (orb.MultiPolygon, []orb.Bound) {
	var mp orb.MultiPolygon
	var sb []orb.Bound
	for i, r := range rings {
		if areas[i] > 0 && len(mp) > 0 {
			mp[len(mp)-1] = append(mp[len(mp)-1], r)
			continue
		}
		mp = append(mp, orb.Polygon{cwInPlace(r, areas[i])})
		sb = append(sb, bounds[i])
	}
	return mp, sb
}

// byContainment assigns roles by nesting depth: even depth = shell, odd = hole of the
// smallest ring that contains it.
// Rings are copied, not reversed in place, when turned: later containment tests still read them.
func byContainment(rings []orb.Ring, bounds []orb.Bound, areas []float64) (orb.MultiPolygon, []orb.Bound) {
	order := make([]int, len(rings))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return math.Abs(areas[order[a]]) > math.Abs(areas[order[b]]) })
	depth := make([]int, len(rings))
	parent := make([]int, len(rings))
	poly := make([]int, len(rings))
	var mp orb.MultiPolygon
	var sb []orb.Bound
	for k, i := range order {
		parent[i] = -1
		best := math.Inf(1)
		for _, j := range order[:k] {
			if math.Abs(areas[j]) > math.Abs(areas[i]) && ringInRing(rings[i], bounds[i], rings[j], bounds[j]) {
				depth[i]++
				if math.Abs(areas[j]) < best {
					best, parent[i] = math.Abs(areas[j]), j
				}
			}
		}
		if depth[i]%2 == 0 {
			poly[i] = len(mp)
			mp = append(mp, orb.Polygon{cw(rings[i], areas[i])})
			sb = append(sb, bounds[i])
		} else {
			p := poly[parent[i]]
			mp[p] = append(mp[p], ccw(rings[i], areas[i]))
		}
	}
	return mp, sb
}

func cw(r orb.Ring, area float64) orb.Ring {
	if area > 0 {
		return reversed(r)
	}
	return r
}

func ccw(r orb.Ring, area float64) orb.Ring {
	if area < 0 {
		return reversed(r)
	}
	return r
}

// cwInPlace and ccwInPlace are cw and ccw for rings the caller owns and no longer tests.
func cwInPlace(r orb.Ring, area float64) orb.Ring {
	if area > 0 {
		r.Reverse()
	}
	return r
}

func ccwInPlace(r orb.Ring, area float64) orb.Ring {
	if area < 0 {
		r.Reverse()
	}
	return r
}

// ringInRing reports whether ring a lies inside ring b, judged by the first vertex of a that is
// not on b's boundary (rings of a valid polygon may touch at points).
func ringInRing(a orb.Ring, ba orb.Bound, b orb.Ring, bb orb.Bound) bool {
	if ba.Min[0] < bb.Min[0] || ba.Min[1] < bb.Min[1] || ba.Max[0] > bb.Max[0] || ba.Max[1] > bb.Max[1] {
		return false
	}
	for _, p := range a {
		in, on := pointInRing(p, b)
		if !on {
			return in
		}
	}
	return false
}

// pointInRing is the even-odd ray test, with a flag for points on the boundary.
func pointInRing(p orb.Point, r orb.Ring) (in, on bool) {
	x, y := p[0], p[1]
	for i := 0; i+1 < len(r); i++ {
		a, b := r[i], r[i+1]
		if (b[0]-a[0])*(y-a[1])-(b[1]-a[1])*(x-a[0]) == 0 &&
			x >= math.Min(a[0], b[0]) && x <= math.Max(a[0], b[0]) &&
			y >= math.Min(a[1], b[1]) && y <= math.Max(a[1], b[1]) {
			return false, true
		}
		if (a[1] > y) != (b[1] > y) && x < (b[0]-a[0])*(y-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in, false
}

func ringMsg(i int, zh, en string) string {
	return "第 " + itoa(i+1) + " 个环" + zh + " / ring " + itoa(i+1) + " " + en
}
