package topo

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/twpayne/go-geos"
)

// reasonsZH translates the GEOS validity reasons (GEOS 3.11 wording) for the planner.
var reasonsZH = []struct{ prefix, zh string }{
	{"Ring Self-intersection", "环自相交"},
	{"Self-intersection", "自相交"},
	{"Hole lies outside shell", "洞在外环之外"},
	{"Holes are nested", "洞相互嵌套"},
	{"Interior is disconnected", "内部不连通"},
	{"Nested shells", "多部件相互嵌套"},
	{"Duplicate Rings", "重复的环"},
	{"Too few points", "点数不足"},
	{"Invalid Coordinate", "坐标无效"},
	{"Ring is not closed", "环未闭合"},
}

// geosValid is what GEOSisValidReason returns for a valid geometry.
const geosValid = "Valid Geometry"

var whereRE = regexp.MustCompile(`\[\s*([-+0-9.eE]+)\s+([-+0-9.eE]+)`)

// Validity says whether mp is a valid polygonal geometry (OGC rules as GEOS checks them), and if
// not, why in Chinese (with GEOS's own words in brackets) and where. Checks GEOS cannot even
// start with (rings not closed, fewer than 3 distinct points, non-numeric coordinates) are made
// here first, with the location of the offending ring's first point.
func (c *Context) Validity(mp orb.MultiPolygon) (ok bool, reason string, where orb.Point) {
	if len(mp) == 0 {
		return false, "无几何", orb.Point{}
	}
	for i, p := range mp {
		if len(p) == 0 {
			return false, fmt.Sprintf("第 %d 部分没有环", i+1), orb.Point{}
		}
		for j, r := range p {
			if len(r) == 0 {
				return false, fmt.Sprintf("第 %d 部分第 %d 环没有点", i+1, j+1), orb.Point{}
			}
			for _, pt := range r {
				if !finite(pt) {
					return false, fmt.Sprintf("第 %d 部分第 %d 环有非数值坐标", i+1, j+1), r[0]
				}
			}
			if r[0] != r[len(r)-1] {
				return false, fmt.Sprintf("第 %d 部分第 %d 环未闭合", i+1, j+1), r[0]
			}
			if n := distinct(r); n < 3 {
				return false, fmt.Sprintf("第 %d 部分第 %d 环只有 %d 个不同的点，至少需要 3 个", i+1, j+1, n), r[0]
			}
		}
	}
	g, err := c.FromOrb(mp)
	if err != nil {
		return false, "GEOS 无法读取: " + err.Error(), mp[0][0][0]
	}
	defer g.Destroy()
	var valid bool
	var why string
	// One GEOS pass: IsValidReason runs the whole check and names a valid geometry so; IsValid
	// first would run the same check twice on every invalid feature (most of a dirty import).
	err = guard("validity", func() error {
		why = g.g.IsValidReason()
		valid = why == geosValid
		return nil
	})
	if err != nil {
		return false, "GEOS 无法检查: " + err.Error(), mp[0][0][0]
	}
	if valid {
		return true, "", orb.Point{}
	}
	zh := "几何无效"
	for _, r := range reasonsZH {
		if strings.HasPrefix(why, r.prefix) {
			zh = r.zh
			break
		}
	}
	where = mp[0][0][0]
	if m := whereRE.FindStringSubmatch(why); m != nil {
		x, ex := strconv.ParseFloat(m[1], 64)
		y, ey := strconv.ParseFloat(m[2], 64)
		if ex == nil && ey == nil {
			where = orb.Point{x, y}
		}
	}
	// GEOS appends the place as "[x y]" with every digit it has; the place is returned apart,
	// so the reason keeps only GEOS's words.
	why = strings.TrimSpace(whereRE.ReplaceAllString(why, ""))
	why = strings.TrimSuffix(strings.TrimSpace(strings.TrimSuffix(why, "]")), "[")
	return false, zh + "（" + why + "）", where
}

func distinct(r orb.Ring) int {
	seen := make(map[orb.Point]struct{}, len(r))
	for _, p := range r {
		seen[p] = struct{}{}
	}
	return len(seen)
}

// MakeValid repairs mp with GEOS's structure method (areas kept, self-crossings split into
// parts) and returns the polygonal result. Unclosed rings are closed first.
func (c *Context) MakeValid(mp orb.MultiPolygon) (orb.MultiPolygon, error) {
	closed := make(orb.MultiPolygon, 0, len(mp))
	for _, p := range mp {
		var np orb.Polygon
		for _, r := range p {
			if len(r) == 0 {
				continue
			}
			if r[0] != r[len(r)-1] {
				r = append(append(orb.Ring(nil), r...), r[0])
			}
			if len(r) < 4 {
				continue // a ring of two distinct points has no area to keep
			}
			np = append(np, r)
		}
		if len(np) > 0 {
			closed = append(closed, np)
		}
	}
	if len(closed) == 0 {
		return orb.MultiPolygon{}, nil
	}
	g, err := c.FromOrb(closed)
	if err != nil {
		return nil, err
	}
	defer g.Destroy()
	r, err := c.run("make-valid", []*geos.Geom{g.g}, func(in []*geos.Geom) *geos.Geom {
		return in[0].MakeValidWithParams(geos.MakeValidStructure, geos.MakeValidDiscardCollapsed)
	})
	if err != nil {
		return nil, err
	}
	defer destroy(r)
	return toOrb(r)
}
