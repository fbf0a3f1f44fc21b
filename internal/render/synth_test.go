package render

import (
	"image/color"
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"

	"kuanggui/internal/plan"
)

// Synthetic data for benchmarks and tests, sized like the sample project.

var xjBound = orb.Bound{Min: orb.Point{73.5, 34.3}, Max: orb.Point{96.4, 49.2}}

// synthCounties tiles Xinjiang with nx×ny "counties" whose shared borders wiggle with
// perVertex points per edge, as real boundaries do (105 counties ≈ 4 MB of coordinates with
// perEdge = 600).
func synthCounties(nx, ny, perEdge int) []plan.Feature {
	rng := rand.New(rand.NewPCG(1, 2))
	w := (xjBound.Max[0] - xjBound.Min[0]) / float64(nx)
	h := (xjBound.Max[1] - xjBound.Min[1]) / float64(ny)
	corner := make([][]orb.Point, nx+1)
	for i := range corner {
		corner[i] = make([]orb.Point, ny+1)
		for j := range corner[i] {
			p := orb.Point{xjBound.Min[0] + float64(i)*w, xjBound.Min[1] + float64(j)*h}
			if i > 0 && i < nx {
				p[0] += (rng.Float64() - 0.5) * w * 0.4
			}
			if j > 0 && j < ny {
				p[1] += (rng.Float64() - 0.5) * h * 0.4
			}
			corner[i][j] = p
		}
	}
	// edge returns the wiggly line a→b, the same points whichever county asks.
	edge := func(a, b orb.Point) []orb.Point {
		seed := math.Float64bits(a[0]*7+b[0]*13) ^ math.Float64bits(a[1]*11+b[1]*17)
		rev := false
		if a[0] > b[0] || (a[0] == b[0] && a[1] > b[1]) {
			a, b, rev = b, a, true
			seed = math.Float64bits(a[0]*7+b[0]*13) ^ math.Float64bits(a[1]*11+b[1]*17)
		}
		r := rand.New(rand.NewPCG(seed, 3))
		dx, dy := b[0]-a[0], b[1]-a[1]
		l := math.Hypot(dx, dy)
		nx, ny := -dy/l, dx/l
		pts := make([]orb.Point, perEdge)
		off := 0.0
		for k := range pts {
			t := float64(k) / float64(perEdge)
			off += (r.Float64() - 0.5) * l * 0.01
			off *= 0.97
			if k == 0 {
				off = 0
			}
			env := math.Sin(math.Pi * t)
			pts[k] = orb.Point{a[0] + t*dx + nx*off*env, a[1] + t*dy + ny*off*env}
		}
		pts = append(pts, b)
		if rev {
			for i, j := 0, len(pts)-1; i < j; i, j = i+1, j-1 {
				pts[i], pts[j] = pts[j], pts[i]
			}
		}
		return pts
	}
	var out []plan.Feature
	for i := 0; i < nx; i++ {
		for j := 0; j < ny; j++ {
			c := []orb.Point{corner[i][j], corner[i+1][j], corner[i+1][j+1], corner[i][j+1]}
			var ring orb.Ring
			for k := 0; k < 4; k++ {
				e := edge(c[k], c[(k+1)%4])
				ring = append(ring, e[:len(e)-1]...)
			}
			ring = append(ring, ring[0])
			out = append(out, plan.Feature{ID: int64(len(out) + 1), Geometry: orb.MultiPolygon{{ring}},
				Attrs: plan.Attrs{"XZQMC": "县" + string(rune('A'+len(out)%26))}})
		}
	}
	return out
}

// synthBlocks scatters n small blocks of 4–12 vertices and sizeMin–sizeMax degrees over
// Xinjiang, with a KZ from minerals.
func synthBlocks(n int, seed uint64, sizeMin, sizeMax float64, minerals []string) []plan.Feature {
	rng := rand.New(rand.NewPCG(seed, 5))
	out := make([]plan.Feature, n)
	for i := range out {
		cx := xjBound.Min[0] + rng.Float64()*(xjBound.Max[0]-xjBound.Min[0])
		cy := xjBound.Min[1] + rng.Float64()*(xjBound.Max[1]-xjBound.Min[1])
		r := sizeMin + rng.Float64()*(sizeMax-sizeMin)
		k := 4 + rng.IntN(9)
		ring := make(orb.Ring, 0, k+1)
		for v := 0; v < k; v++ {
			a := 2 * math.Pi * (float64(v) + 0.3*rng.Float64()) / float64(k)
			rr := r * (0.6 + 0.4*rng.Float64())
			ring = append(ring, orb.Point{cx + rr*math.Cos(a)/math.Cos(cy*math.Pi/180), cy + rr*math.Sin(a)})
		}
		ring = append(ring, ring[0])
		out[i] = plan.Feature{ID: int64(i + 1), Geometry: orb.MultiPolygon{{ring}},
			Attrs: plan.Attrs{"KZ": minerals[i%len(minerals)], "QYMC": "区" + string(rune('A'+i%26))}}
	}
	return out
}

var benchMinerals = []string{"煤", "石油", "天然气", "金", "铜", "铁", "镍", "锂", "铅", "锌", "钨", "稀土"}

func blockStyle() LayerStyle {
	cols := map[string]color.NRGBA{}
	for i, m := range benchMinerals {
		cols[m] = color.NRGBA{uint8(40 + i*17), uint8(200 - i*13), uint8(90 + i*11), 0xcc}
	}
	return LayerStyle{
		Fill: color.NRGBA{0x34, 0x98, 0xdb, 0xaa}, Stroke: color.NRGBA{0x1b, 0x4f, 0x72, 0xff}, StrokeWidth: 0.8,
		FillByValue: func(a plan.Attrs) (color.NRGBA, bool) { c, ok := cols[a.String("KZ")]; return c, ok },
	}
}

func zoneStyle() LayerStyle {
	return LayerStyle{Fill: color.NRGBA{0xe7, 0x4c, 0x3c, 0x1c}, Stroke: color.NRGBA{0xc0, 0x39, 0x2b, 0xff}, StrokeWidth: 1.6, LabelField: "QYMC"}
}

func countyStyle() LayerStyle {
	return LayerStyle{Fill: color.NRGBA{0xfd, 0xfe, 0xfe, 0x00}, Stroke: color.NRGBA{0x7f, 0x8c, 0x8d, 0xff}, StrokeWidth: 0.8, LabelField: "XZQMC"}
}

// sampleMap is the sample project: 105 counties (~4 MB of coordinates), 200 zones and
// 1,200 blocks.
func sampleMap() *Map {
	m := NewMap()
	m.SetLayer("xzq", synthCounties(15, 7, 600), countyStyle())
	m.SetLayer("kfq", synthBlocks(200, 7, 0.3, 1.2, benchMinerals), zoneStyle())
	m.SetLayer("kanchqk", synthBlocks(1200, 8, 0.02, 0.08, benchMinerals), blockStyle())
	return m
}

// bigMap is the plan 100× larger: the sample plus 120,000 small blocks.
func bigMap() *Map {
	m := sampleMap()
	m.SetLayer("kanchqk", synthBlocks(120000, 9, 0.01, 0.05, benchMinerals), blockStyle())
	return m
}
