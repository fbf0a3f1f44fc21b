package crs

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// TurningPoint is one row of a turning-point (拐点坐标) table.
type TurningPoint struct {
	Part, Ring int  // 1-based polygon and ring numbers (ring 1 is the outer ring)
	Hole       bool // ring > 1
	J          int  // 1-based, numbered continuously J1..Jn across the block
	X, Y       float64
	Lon, Lat   float64
	Zone       int // 3° zone of X, Y (Y carries it as a prefix when Y ≥ 10⁷)
}

// TurningPoints lists the vertices of a lon/lat (EPSG:4490) multipolygon as a turning-point table
// in 3° zone zone (0 = the zone of the block's centre), X northing and Y easting (with the zone
// prefix if prefix). Outer rings run clockwise and holes counter-clockwise as seen on the map;
// every ring starts at its north-west-most point (the vertex nearest the north-west corner of
// the ring's bounding box in the plane) and does not repeat its first point at the end.
func TurningPoints(mp orb.MultiPolygon, zone int, prefix bool) ([]TurningPoint, error) {
	if zone == 0 {
		b := mp.Bound()
		if b.IsEmpty() && len(mp) == 0 {
			return nil, nil
		}
		zone = ZoneOf((b.Min[0] + b.Max[0]) / 2)
	}
	gk, err := GaussKruger(zone, prefix)
	if err != nil {
		return nil, fmt.Errorf("带号 %d 不在 3° 带 %d–%d 之内 / %w", zone, MinZone, MaxZone, err)
	}
	tr, err := Borrow(Geographic(), gk)
	if err != nil {
		return nil, fmt.Errorf("无法建立到第 %d 带的坐标转换 / %w", zone, err)
	}
	defer Return(tr)
	plane, err := tr.MultiPolygon(mp)
	if err != nil {
		return nil, fmt.Errorf("地块坐标无法换算到第 %d 带 / %w", zone, err)
	}
	var out []TurningPoint
	j := 0
	for pi, poly := range plane {
		for ri, ring := range poly {
			geo := mp[pi][ri]
			n := len(ring)
			if n > 1 && ring[0] == ring[n-1] {
				n--
			}
			if n == 0 {
				continue
			}
			idx := make([]int, n)
			for i := range idx {
				idx[i] = i
			}
			// Plane shoelace (x = easting, y = northing): positive is counter-clockwise.
			area := 0.0
			for i := 0; i < n; i++ {
				a, b := ring[i], ring[(i+1)%n]
				area += (a[0]-ring[0][0])*(b[1]-ring[0][1]) - (b[0]-ring[0][0])*(a[1]-ring[0][1])
			}
			wantCCW := ri > 0
			if (area > 0) != wantCCW {
				for i, k := 0, n-1; i < k; i, k = i+1, k-1 {
					idx[i], idx[k] = idx[k], idx[i]
				}
			}
			// North-west-most vertex.
			minE, maxN := math.Inf(1), math.Inf(-1)
			for _, p := range ring[:n] {
				minE, maxN = math.Min(minE, p[0]), math.Max(maxN, p[1])
			}
			start, best := 0, math.Inf(1)
			for k, i := range idx {
				if d := math.Hypot(ring[i][0]-minE, ring[i][1]-maxN); d < best {
					start, best = k, d
				}
			}
			for k := 0; k < n; k++ {
				i := idx[(start+k)%n]
				j++
				out = append(out, TurningPoint{
					Part: pi + 1, Ring: ri + 1, Hole: ri > 0, J: j,
					X: ring[i][1], Y: ring[i][0],
					Lon: geo[i][0], Lat: geo[i][1],
					Zone: zone,
				})
			}
		}
	}
	return out, nil
}

// FormatTurningPoints writes a turning-point table that ParseTurningPoints reads back: a header,
// a "部分P 圈R" line before every ring ("… 洞" for holes), then "J1, X, Y" rows with X (northing)
// and Y (easting) to 2 decimals, or with dms "J1, 经度, 纬度" as 83°00'48.281" (3-decimal
// seconds). Plane tables without zone prefix start with "带号: N".
func FormatTurningPoints(pts []TurningPoint, dms bool) string {
	var b strings.Builder
	if dms {
		b.WriteString("点号, 经度, 纬度\n")
	} else {
		if len(pts) > 0 && pts[0].Y < 1e7 && pts[0].Zone != 0 {
			fmt.Fprintf(&b, "带号: %d\n", pts[0].Zone)
		}
		b.WriteString("点号, X, Y\n")
	}
	prevPart, prevRing := -1, -1
	for _, p := range pts {
		if p.Part != prevPart || p.Ring != prevRing {
			fmt.Fprintf(&b, "部分%d 圈%d", p.Part, p.Ring)
			if p.Hole {
				b.WriteString(" 洞")
			}
			b.WriteByte('\n')
			prevPart, prevRing = p.Part, p.Ring
		}
		b.WriteString("J" + strconv.Itoa(p.J) + ", ")
		if dms {
			b.WriteString(FormatDMS(p.Lon, 3) + ", " + FormatDMS(p.Lat, 3))
		} else {
			b.WriteString(strconv.FormatFloat(p.X, 'f', 2, 64) + ", " + strconv.FormatFloat(p.Y, 'f', 2, 64))
		}
		b.WriteByte('\n')
	}
	return b.String()
}
