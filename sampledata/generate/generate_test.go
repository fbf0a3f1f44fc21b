package main

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"kuanggui/assets"
	"kuanggui/internal/crs"
	"kuanggui/internal/plan"
	"kuanggui/internal/shapefile"
)

var fixture struct {
	once        sync.Once
	layers      map[string][]plan.Feature
	breaches    []Breach
	counties    []plan.Feature
	prefectures []plan.Feature
	err         error
}

// sample generates the committed sample once for all tests (from the real boundaries copied
// into sampledata/real, so the test needs nothing outside the repository).
func sample(t *testing.T) (map[string][]plan.Feature, []Breach) {
	t.Helper()
	fixture.once.Do(func() {
		fixture.counties, fixture.prefectures, fixture.err = loadReal("../real")
		if fixture.err == nil {
			fixture.layers, fixture.breaches, fixture.err = Generate(DefaultSeed, fixture.counties, fixture.prefectures)
		}
	})
	if fixture.err != nil {
		t.Fatal(fixture.err)
	}
	return fixture.layers, fixture.breaches
}

// planted returns QKBH → rule of the planted breaches.
func planted(t *testing.T) map[string]string {
	_, br := sample(t)
	m := map[string]string{}
	for _, b := range br {
		for _, q := range b.QKBH {
			m[q] = b.Rule
		}
	}
	return m
}

func TestBreachList(t *testing.T) {
	_, br := sample(t)
	var rules []string
	for _, b := range br {
		rules = append(rules, b.Rule)
		want := 1
		if b.Rule == "R02" || b.Rule == "R04" {
			want = 2
		}
		if len(b.QKBH) != want {
			t.Errorf("%s names %d blocks %v, want %d", b.Rule, len(b.QKBH), b.QKBH, want)
		}
	}
	if got := strings.Join(rules, ","); got != "R01,R02,R04,R05,R06,R07,R08,R11" {
		t.Fatalf("planted rules = %s", got)
	}
}

func TestLayerCounts(t *testing.T) {
	layers, _ := sample(t)
	cat, err := plan.ParseCatalog(assets.CatalogJSON)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range cat.Layers {
		if l.Table == "xzq" {
			if len(layers[l.Table]) != 0 {
				t.Errorf("xzq is shipped as real data, not generated")
			}
			continue
		}
		n := len(layers[l.Table])
		if l.Expected > 0 && n != l.Expected {
			t.Errorf("%s: %d features, want %d", l.Table, n, l.Expected)
		}
		if n == 0 {
			t.Errorf("%s: no features", l.Table)
		}
		// every feature carries every catalog field (blocks and zones) and nothing else
		for i, f := range layers[l.Table] {
			for k := range f.Attrs {
				if _, ok := l.Field(k); !ok {
					t.Fatalf("%s[%d]: attribute %s is not a catalog field", l.Table, i, k)
				}
			}
			for _, fd := range l.Fields {
				if fd.Required && f.Attrs.String(fd.Name) == "" {
					t.Fatalf("%s[%d]: required %s empty", l.Table, i, fd.Name)
				}
			}
			if f.Attrs.String("BZ") == "" || !strings.HasPrefix(f.Attrs.String("BZ"), "示意") {
				t.Fatalf("%s[%d]: BZ = %q, want 示意", l.Table, i, f.Attrs.String("BZ"))
			}
		}
	}
}

func TestMineralCounts(t *testing.T) {
	layers, _ := sample(t)
	count := func(table string, named ...string) map[string]int {
		m := map[string]int{}
		isNamed := map[string]bool{}
		for _, n := range named {
			isNamed[n] = true
		}
		for _, f := range layers[table] {
			k := f.Attrs.String("KZ")
			if !isNamed[k] {
				k = "其他"
			}
			m[k]++
		}
		return m
	}
	want := map[string]int{"煤": 86, "铁": 70, "锰": 22, "铜": 254, "金": 167, "其他": 264}
	got := count("kanchqk", "煤", "铁", "锰", "铜", "金")
	for k, v := range want {
		if got[k] != v {
			t.Errorf("exploration %s: %d, want %d", k, got[k], v)
		}
	}
	want = map[string]int{"煤": 284, "铁": 9, "铜": 9, "金": 6, "其他": 4}
	got = count("kaicqk", "煤", "铁", "铜", "金")
	for k, v := range want {
		if got[k] != v {
			t.Errorf("mining %s: %d, want %d", k, got[k], v)
		}
	}
}

func TestZoneNames(t *testing.T) {
	layers, _ := sample(t)
	var names []string
	for _, f := range layers["kfq"] {
		names = append(names, f.Attrs.String("QYMC"))
	}
	all := strings.Join(names, "|")
	for _, n := range []string{"环准噶尔", "环塔里木", "阿尔泰", "东准噶尔", "西准噶尔", "东天山", "西天山", "西南天山", "西昆仑", "东昆仑—阿尔金"} {
		if !strings.Contains(all, n) {
			t.Errorf("kfq lacks %s", n)
		}
	}
	// the two rings have a hole (the basin)
	for _, f := range layers["kfq"][:2] {
		if len(f.Geometry) != 1 || len(f.Geometry[0]) != 2 {
			t.Errorf("%s: want one polygon with one hole", f.Attrs.String("QYMC"))
		}
	}
	codes := map[string]bool{}
	for _, l := range []string{"kfq", "nyzyjd", "gjghkq", "zlcbq", "zdkanchq", "zdkaicq"} {
		for _, f := range layers[l] {
			c := f.Attrs.String("QYBH")
			if codes[c] {
				t.Errorf("zone code %s used twice", c)
			}
			codes[c] = true
		}
	}
}

// inXinjiang tests with orb's planar containment (independent of the generator's own index),
// forgiving the ≈100 m slivers between the real prefectures.
func inXinjiang(prefs []plan.Feature, pt orb.Point) bool {
	for _, q := range []orb.Point{pt, {pt[0] + 0.003, pt[1]}, {pt[0] - 0.003, pt[1]}, {pt[0], pt[1] + 0.003}, {pt[0], pt[1] - 0.003}} {
		for _, f := range prefs {
			if f.Geometry.Bound().Contains(q) && planar.MultiPolygonContains(f.Geometry, q) {
				return true
			}
		}
	}
	return false
}

func TestZonesInsideXinjiangAndSimple(t *testing.T) {
	layers, _ := sample(t)
	prefs := fixture.prefectures
	for _, l := range []string{"kfq", "nyzyjd", "gjghkq", "zlcbq", "zdkanchq", "zdkaicq", "stbhhx", "zrbhd", "yjjbnt", "czkfbj"} {
		for i, f := range layers[l] {
			for _, pg := range f.Geometry {
				if !simplePolygon(pg) {
					t.Errorf("%s[%d] %s: self-intersecting", l, i, f.Attrs.String("QYMC")+f.Attrs.String("MC"))
				}
				for _, r := range pg {
					if len(r) < 12 {
						t.Errorf("%s[%d]: ring of %d points is not an irregular outline", l, i, len(r))
					}
					for k := 0; k+1 < len(r); k++ {
						mid := orb.Point{(r[k][0] + r[k+1][0]) / 2, (r[k][1] + r[k+1][1]) / 2}
						if !inXinjiang(prefs, r[k]) || !inXinjiang(prefs, mid) {
							t.Fatalf("%s[%d]: vertex %v is outside Xinjiang", l, i, r[k])
						}
					}
				}
			}
		}
	}
}

// cellsOfFeature rasterises a block onto the 1′ grid: the cells whose centre it covers. For the
// bow-tie (R01) it takes its bounding cells, which is what the generator reserved.
func cellsOfFeature(f plan.Feature, bowtie bool) []cell {
	b := f.Geometry.Bound()
	var out []cell
	for r := int(math.Floor(b.Min[1]*60 + 1e-6)); float64(r) < b.Max[1]*60-1e-6; r++ {
		for c := int(math.Floor(b.Min[0]*60 + 1e-6)); float64(c) < b.Max[0]*60-1e-6; c++ {
			k := cell{c, r}
			ctr := k.bound().Center()
			if bowtie || planar.MultiPolygonContains(f.Geometry, ctr) {
				out = append(out, k)
			}
		}
	}
	return out
}

func onGrid(mp orb.MultiPolygon) bool {
	for _, pg := range mp {
		for _, r := range pg {
			for k, pt := range r {
				for _, v := range pt {
					if math.Abs(v*60-math.Round(v*60)) > 1e-7 {
						return false
					}
				}
				if k+1 < len(r) && pt[0] != r[k+1][0] && pt[1] != r[k+1][1] {
					return false // not rectilinear
				}
			}
		}
	}
	return true
}

func TestBlocksOnGrid(t *testing.T) {
	layers, _ := sample(t)
	pl := planted(t)
	offGrid := map[string]int{}
	lShaped := 0
	for _, tb := range []string{"kanchqk", "kaicqk"} {
		for _, f := range layers[tb] {
			q := f.Attrs.String("QKBH")
			if !onGrid(f.Geometry) {
				offGrid[pl[q]]++
				if pl[q] == "" {
					t.Errorf("%s %s is off the 1′ grid", tb, q)
				}
				continue
			}
			if len(f.Geometry[0][0]) == 7 {
				lShaped++
			}
			// whole cells: the area is the sum of the cells' areas
			var cellSum float64
			for _, c := range cellsOfFeature(f, false) {
				cellSum += crs.EllipsoidalArea(orb.MultiPolygon{{c.bound().ToRing()}})
			}
			if d := math.Abs(cellSum - crs.EllipsoidalArea(f.Geometry)); d > 1 {
				t.Errorf("%s %s: not a union of whole cells (area differs by %.1f m²)", tb, q, d)
			}
		}
	}
	// exactly the bow-tie, the stretched R04 block and the half cell are off the grid
	if offGrid["R01"] != 1 || offGrid["R04"] != 1 || offGrid["R08"] != 1 || len(offGrid) != 3 {
		t.Errorf("off-grid planted blocks = %v", offGrid)
	}
	if lShaped < 50 {
		t.Errorf("only %d L-shaped blocks; want a good share", lShaped)
	}
}

func TestNoOverlapsButThePlantedOne(t *testing.T) {
	layers, _ := sample(t)
	pl := planted(t)
	owner := map[cell]string{}
	var overlaps []string
	for _, tb := range []string{"kanchqk", "kaicqk"} {
		for i, f := range layers[tb] {
			id := tb + ":" + f.Attrs.String("QKBH") + ":" + string(rune('0'+i%10))
			for _, c := range cellsOfFeature(f, pl[f.Attrs.String("QKBH")] == "R01") {
				if o, ok := owner[c]; ok {
					overlaps = append(overlaps, o+"|"+id)
					continue
				}
				owner[c] = id
			}
		}
	}
	pairs := map[string]bool{}
	for _, o := range overlaps {
		pairs[o] = true
	}
	if len(pairs) != 1 {
		t.Fatalf("overlapping pairs = %v, want only the R02 pair", pairs)
	}
	for p := range pairs {
		a, b := strings.Split(strings.Split(p, "|")[0], ":")[1], strings.Split(strings.Split(p, "|")[1], ":")[1]
		if pl[a] != "R02" || pl[b] != "R02" || !strings.HasPrefix(p, "kanchqk") {
			t.Fatalf("overlap %s is not the planted R02 pair", p)
		}
	}
}

// distM is the shortest distance in metres between two polygons' outlines (they do not
// overlap), on a local equirectangular plane, good to a metre at these sizes.
func distM(a, b orb.MultiPolygon) float64 {
	lat := a.Bound().Center()[1] * math.Pi / 180
	kx, ky := 111320*math.Cos(lat), 110950.0
	proj := func(p orb.Point) orb.Point { return orb.Point{p[0] * kx, p[1] * ky} }
	segDist := func(p, a, b orb.Point) float64 {
		dx, dy := b[0]-a[0], b[1]-a[1]
		t := 0.0
		if l := dx*dx + dy*dy; l > 0 {
			t = math.Max(0, math.Min(1, ((p[0]-a[0])*dx+(p[1]-a[1])*dy)/l))
		}
		return math.Hypot(p[0]-a[0]-t*dx, p[1]-a[1]-t*dy)
	}
	best := math.Inf(1)
	for _, pa := range a {
		for _, pb := range b {
			for _, ra := range pa {
				for _, rb := range pb {
					for i := 0; i+1 < len(ra); i++ {
						for j := 0; j+1 < len(rb); j++ {
							a0, a1, b0, b1 := proj(ra[i]), proj(ra[i+1]), proj(rb[j]), proj(rb[j+1])
							best = math.Min(best, math.Min(math.Min(segDist(a0, b0, b1), segDist(a1, b0, b1)),
								math.Min(segDist(b0, a0, a1), segDist(b1, a0, a1))))
						}
					}
				}
			}
		}
	}
	return best
}

func TestMiningSpacing(t *testing.T) {
	layers, _ := sample(t)
	pl := planted(t)
	mines := layers["kaicqk"]
	close := 0
	for i := range mines {
		bi := mines[i].Geometry.Bound().Pad(0.01)
		for j := i + 1; j < len(mines); j++ {
			if !bi.Intersects(mines[j].Geometry.Bound()) {
				continue
			}
			d := distM(mines[i].Geometry, mines[j].Geometry)
			qi, qj := mines[i].Attrs.String("QKBH"), mines[j].Attrs.String("QKBH")
			if pl[qi] == "R04" && pl[qj] == "R04" {
				close++
				if d < 150 || d > 250 {
					t.Errorf("planted R04 pair %s %s: %.0f m apart, want ~200", qi, qj, d)
				}
				if mines[i].Attrs.String("KCFS") != "露天" || mines[j].Attrs.String("KCFS") != "露天" {
					t.Errorf("planted R04 pair must both be open-pit")
				}
				continue
			}
			if d < 300 {
				t.Errorf("mining blocks %s and %s are %.0f m apart", qi, qj, d)
			}
		}
	}
	if close != 1 {
		t.Errorf("found %d planted R04 pairs, want 1", close)
	}
}

// edgesCross reports whether an edge of a meets an edge of b.
func edgesCross(a, b orb.MultiPolygon) bool {
	for _, pa := range a {
		for _, ra := range pa {
			for i := 0; i+1 < len(ra); i++ {
				sb := orb.Bound{Min: ra[i], Max: ra[i]}.Extend(ra[i+1])
				for _, pb := range b {
					for _, rb := range pb {
						for j := 0; j+1 < len(rb); j++ {
							if !sb.Intersects(orb.Bound{Min: rb[j], Max: rb[j]}.Extend(rb[j+1])) {
								continue
							}
							if segsCross(ra[i], ra[i+1], rb[j], rb[j+1]) {
								return true
							}
						}
					}
				}
			}
		}
	}
	return false
}

// anyVertexIn reports whether some vertex of a lies inside b.
func anyVertexIn(a, b orb.MultiPolygon) bool {
	bb := b.Bound()
	for _, pg := range a {
		for _, r := range pg {
			for _, pt := range r {
				if bb.Contains(pt) && planar.MultiPolygonContains(b, pt) {
					return true
				}
			}
		}
	}
	return false
}

// within: every vertex of block inside zone, no edges meeting, no zone vertex (a hole) inside.
func within(block, zone orb.MultiPolygon) bool {
	for _, pg := range block {
		for _, pt := range pg[0] {
			if !planar.MultiPolygonContains(zone, pt) {
				return false
			}
		}
	}
	return !edgesCross(block, zone) && !anyVertexIn(zone, block)
}

// touches: the two share any point.
func touches(block, other orb.MultiPolygon) bool {
	if !block.Bound().Intersects(other.Bound()) {
		return false
	}
	return anyVertexIn(block, other) || anyVertexIn(other, block) || edgesCross(block, other)
}

func TestBlocksInsideAllowedZones(t *testing.T) {
	layers, _ := sample(t)
	pl := planted(t)
	zoneLayers := []string{"kfq", "nyzyjd", "gjghkq", "zlcbq", "zdkanchq", "zdkaicq"}
	for _, tb := range []string{"kanchqk", "kaicqk"} {
		for _, f := range layers[tb] {
			q, kz := f.Attrs.String("QKBH"), f.Attrs.String("KZ")
			if pl[q] == "R05" {
				for _, l := range zoneLayers {
					for _, z := range layers[l] {
						if touches(f.Geometry, z.Geometry) {
							t.Errorf("R05 block %s touches %s %s", q, l, z.Attrs.String("QYMC"))
						}
					}
				}
				if f.Attrs.String("SSQY") != "" {
					t.Errorf("R05 block %s: SSQY = %q", q, f.Attrs.String("SSQY"))
				}
				continue
			}
			allowed := []string{"nyzyjd", "gjghkq", "zdkanchq"}
			if tb == "kaicqk" {
				allowed = allowed[:2]
			}
			ok := false
			var inside []string
			for _, l := range zoneLayers {
				for _, z := range layers[l] {
					if !z.Geometry.Bound().Intersects(f.Geometry.Bound()) {
						continue
					}
					if within(f.Geometry, z.Geometry) {
						inside = append(inside, z.Attrs.String("QYBH"))
						if l == "zlcbq" {
							t.Errorf("%s lies in reserve %s", q, z.Attrs.String("QYMC"))
						}
						lists := strings.Contains("、"+z.Attrs.String("ZYKZ")+"、", "、"+kz+"、")
						if l != "kfq" && l != "zlcbq" && !lists {
							t.Errorf("%s (%s) lies in %s whose ZYKZ %q lacks it", q, kz, z.Attrs.String("QYBH"), z.Attrs.String("ZYKZ"))
						}
						for _, a := range allowed {
							if a == l && lists {
								ok = true
							}
						}
					} else if touches(f.Geometry, z.Geometry) {
						t.Errorf("%s straddles the edge of %s %s", q, l, z.Attrs.String("QYBH"))
					}
				}
			}
			if !ok {
				t.Errorf("%s %s (%s) is in no allowed zone planning it", tb, q, kz)
			}
			sort.Strings(inside)
			ss := strings.Split(f.Attrs.String("SSQY"), "、")
			sort.Strings(ss)
			if strings.Join(ss, "、") != strings.Join(inside, "、") {
				t.Errorf("%s: SSQY %q, lies in %v", q, f.Attrs.String("SSQY"), inside)
			}
		}
	}
}

func TestBlocksClearOfConstraints(t *testing.T) {
	layers, _ := sample(t)
	pl := planted(t)
	found := false
	for _, tb := range []string{"kanchqk", "kaicqk"} {
		for _, f := range layers[tb] {
			q := f.Attrs.String("QKBH")
			for _, l := range []string{"stbhhx", "zrbhd", "yjjbnt", "czkfbj"} {
				for _, c := range layers[l] {
					if !touches(f.Geometry, c.Geometry) {
						continue
					}
					if pl[q] == "R06" && l == "zrbhd" && c.Attrs.String("LX") == "核心保护区" && within(f.Geometry, c.Geometry) {
						found = true
						continue
					}
					t.Errorf("%s %s touches %s %s %s", tb, q, l, c.Attrs.String("MC"), c.Attrs.String("LX"))
				}
			}
		}
	}
	if !found {
		t.Error("the planted R06 block is not inside a 核心保护区")
	}
}

func TestBlockAttributes(t *testing.T) {
	layers, _ := sample(t)
	pl := planted(t)
	cat, _ := plan.ParseCatalog(assets.CatalogJSON)
	code := regexp.MustCompile(`^[TC](65\d{4})(\d{3})$`)
	seen := map[string]int{}
	countyCodes := map[string]string{}
	for _, c := range fixture.counties {
		countyCodes[c.Attrs.String("id")] = c.Attrs.String("XZQMC")
	}
	for _, tb := range []string{"kanchqk", "kaicqk"} {
		for _, f := range layers[tb] {
			a := f.Attrs
			q := a.String("QKBH")
			seen[q]++
			m := code.FindStringSubmatch(q)
			if m == nil || m[1] != a.String("XZQDM") || (tb == "kaicqk") != (q[0] == 'C') {
				t.Errorf("%s: QKBH %q does not match XZQDM %s", tb, q, a.String("XZQDM"))
			}
			if countyCodes[a.String("XZQDM")] != a.String("XZQMC") {
				t.Errorf("%s: XZQDM %s XZQMC %s is no county", q, a.String("XZQDM"), a.String("XZQMC"))
			}
			// the county under the centroid
			ctr := centroid(f.Geometry)
			for _, c := range fixture.counties {
				if c.Attrs.String("id") == a.String("XZQDM") && !planar.MultiPolygonContains(c.Geometry, ctr) {
					t.Errorf("%s: centroid %v is not in %s", q, ctr, a.String("XZQMC"))
				}
			}
			mn, ok := cat.Mineral(a.String("KZ"))
			if !ok || mn.Code != a.String("KZDM") {
				t.Errorf("%s: KZ %s KZDM %s not in the catalog", q, a.String("KZ"), a.String("KZDM"))
			}
			if mj, _ := a.Float("MJ"); mj != crs.AreaKm2(f.Geometry) || mj <= 0 {
				t.Errorf("%s: MJ %v, computed %v", q, mj, crs.AreaKm2(f.Geometry))
			}
			if a.String("GHQ") != "2021-2025" || !strings.Contains("近期中期远期", a.String("CRSX")) || a.String("CRSX") == "" {
				t.Errorf("%s: GHQ %q CRSX %q", q, a.String("GHQ"), a.String("CRSX"))
			}
			if !strings.Contains(a.String("QKMC"), a.String("XZQMC")) || !strings.HasPrefix(a.String("QKMC"), "新疆") {
				t.Errorf("%s: QKMC %q", q, a.String("QKMC"))
			}
			// the seed's mineral rules: 砂金 only as the planted R07, outside 和田
			switch a.String("KZ") {
			case "砂金":
				if pl[q] != "R07" || strings.HasPrefix(a.String("XZQDM"), "6532") {
					t.Errorf("%s: 砂金 block that is not the planted R07", q)
				}
			case "砂铁", "汞", "砖瓦用粘土", "钨", "稀土":
				t.Errorf("%s: prohibited or restricted mineral %s", q, a.String("KZ"))
			}
			// the 3° zone edges
			b := f.Geometry.Bound()
			for e := 76.5; e < 97; e += 3 {
				if b.Min[0] < e-1e-9 && b.Max[0] > e+1e-9 {
					t.Errorf("%s crosses the 3° zone edge %.1f°E", q, e)
				}
			}
			lat := math.Floor(b.Min[1]*60) / 60
			unit := crs.BasicCellArea(lat)
			mj, _ := a.Float("MJ")
			if tb == "kanchqk" {
				limit := 40.0
				if mn.Class == plan.ClassCoal {
					limit = 200
				}
				if pl[q] == "R08" {
					if mj >= unit*0.99 {
						t.Errorf("R08 block %s: %.4f km² is not below one cell (%.4f)", q, mj, unit)
					}
				} else if mj < unit*1.5 || mj > limit*crs.BasicCellArea(b.Max[1])*0.98 {
					t.Errorf("%s: %.4f km² outside [2 cells, %v cells] (cell %.4f)", q, mj, limit, unit)
				}
				if !strings.Contains("预查普查详查勘探", a.String("KCJD")) || a.String("KCJD") == "" {
					t.Errorf("%s: KCJD %q", q, a.String("KCJD"))
				}
			} else {
				kcfs, unitName := a.String("KCFS"), a.String("GMDW")
				zx, _ := a.Float("ZXGM")
				if kcfs != "露天" && kcfs != "地下" {
					t.Errorf("%s: KCFS %q", q, kcfs)
				}
				switch a.String("KZ") {
				case "煤":
					if unitName != "万吨/年" || zx < 45 {
						t.Errorf("%s: coal scale %v %s below 45 万吨/年", q, zx, unitName)
					}
				case "金":
					floor := 100.0
					if kcfs == "露天" {
						floor = 300
					}
					if unitName != "吨/日" || zx < floor {
						t.Errorf("%s: gold scale %v %s below %v", q, zx, unitName, floor)
					}
				}
			}
		}
	}
	dups := 0
	for q, n := range seen {
		if n > 1 {
			dups++
			if pl[q] != "R11" || n != 2 {
				t.Errorf("QKBH %s used %d times", q, n)
			}
		}
	}
	if dups != 1 {
		t.Errorf("%d duplicated QKBH, want the one planted", dups)
	}
}

// TestDeterministic: the same seed gives byte-identical files, and they are the committed ones
// (the DBF header's date of last update excepted, which the writer takes from the clock).
func TestDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("writes two full samples")
	}
	d1, d2 := t.TempDir(), t.TempDir()
	if _, err := run(DefaultSeed, "../real", d1); err != nil {
		t.Fatal(err)
	}
	if _, err := run(DefaultSeed, "../real", d2); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(d1, "*"))
	if len(files) != 12*5 {
		t.Fatalf("%d files written, want 60 (12 layers × shp/shx/dbf/prj/cpg)", len(files))
	}
	for _, f1 := range files {
		name := filepath.Base(f1)
		b1, _ := os.ReadFile(f1)
		b2, err := os.ReadFile(filepath.Join(d2, name))
		if err != nil || !bytes.Equal(b1, b2) {
			t.Errorf("%s differs between two runs", name)
		}
		bc, err := os.ReadFile(filepath.Join("..", "plan", name))
		if err != nil {
			t.Errorf("committed sample lacks %s: run `go run ./sampledata/generate`", name)
			continue
		}
		if strings.HasSuffix(name, ".dbf") && len(bc) > 4 && len(b1) > 4 {
			copy(bc[1:4], b1[1:4])
		}
		if !bytes.Equal(b1, bc) {
			t.Errorf("committed sampledata/plan/%s is stale: run `go run ./sampledata/generate`", name)
		}
	}
	// what a prefecture receives reads back whole, Chinese text included
	layers, _ := sample(t)
	back, rep, err := shapefile.Read(filepath.Join(d1, "kanchqk.shp"), shapefile.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != 863 || rep.Encoding == "" || !strings.Contains(strings.ToLower(rep.Encoding), "gbk") && !strings.Contains(rep.Encoding, "936") {
		t.Errorf("read back %d features, encoding %q", len(back), rep.Encoding)
	}
	if len(back) > 0 && back[0].Attrs.String("QKMC") != layers["kanchqk"][0].Attrs.String("QKMC") {
		t.Errorf("QKMC read back %q, wrote %q", back[0].Attrs.String("QKMC"), layers["kanchqk"][0].Attrs.String("QKMC"))
	}
	// another seed gives another plan
	d3 := t.TempDir()
	if _, err := run(DefaultSeed+1, "../real", d3); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(filepath.Join(d1, "kanchqk.shp"))
	b, _ := os.ReadFile(filepath.Join(d3, "kanchqk.shp"))
	if bytes.Equal(a, b) {
		t.Error("seed does not change the plan")
	}
}

// Synthetic boundaries: the generator must say what is wrong rather than panic.
func TestBadInput(t *testing.T) {
	sq := orb.MultiPolygon{{{{80, 40}, {81, 40}, {81, 41}, {80, 41}, {80, 40}}}}
	if _, _, err := Generate(1, nil, nil); err == nil || !strings.Contains(err.Error(), "prefectures") {
		t.Errorf("no prefectures: %v", err)
	}
	pf := []plan.Feature{{Geometry: sq, Attrs: plan.Attrs{"XZQDM": "abc"}}}
	if _, _, err := Generate(1, nil, pf); err == nil || !strings.Contains(err.Error(), "XZQDM") {
		t.Errorf("bad code: %v", err)
	}
	pf[0].Attrs["XZQDM"] = "652900"
	if _, _, err := Generate(1, nil, pf); err == nil || !strings.Contains(err.Error(), "counties") {
		t.Errorf("no counties: %v", err)
	}
	// a one-square "Xinjiang": the rings and belts cannot be drawn, and the error says where
	cs := []plan.Feature{{Geometry: sq, Attrs: plan.Attrs{"XZQMC": "某县"}}}
	_, _, err := Generate(1, cs, pf)
	if err == nil || !strings.Contains(err.Error(), "not inside Xinjiang") {
		t.Errorf("tiny region: %v", err)
	}
}

func TestCountyCodeFallback(t *testing.T) {
	sq := orb.MultiPolygon{{{{80, 40}, {81, 40}, {81, 41}, {80, 41}, {80, 40}}}}
	inner := orb.MultiPolygon{{{{80.2, 40.2}, {80.4, 40.2}, {80.4, 40.4}, {80.2, 40.4}, {80.2, 40.2}}}}
	w, err := newWorld(1, []plan.Feature{{Geometry: inner, Attrs: plan.Attrs{"XZQMC": "某县"}}},
		[]plan.Feature{{Geometry: sq, Attrs: plan.Attrs{"XZQDM": "652900", "XZQMC": "阿克苏地区"}}})
	if err != nil {
		t.Fatal(err)
	}
	if w.counties[0].Code != "652900" {
		t.Errorf("county without a code got %s, want its prefecture's 652900", w.counties[0].Code)
	}
}

func TestCellOutline(t *testing.T) {
	// an L of three cells: 6 corners, counter-clockwise, area of three cells
	cells := []cell{{4800, 2400}, {4801, 2400}, {4800, 2401}}
	mp := cellOutline(cells)
	if len(mp) != 1 || len(mp[0]) != 1 || len(mp[0][0]) != 7 || ringSigned(mp[0][0]) <= 0 {
		t.Fatalf("outline = %v", mp)
	}
	want := 3 * crs.BasicCellArea(40)
	if got := crs.EllipsoidalArea(mp) / 1e6; math.Abs(got-want) > 0.01 {
		t.Errorf("area %.4f, want ≈%.4f", got, want)
	}
	// a ring of 8 cells round a hole: one shell, one hole
	var ring []cell
	for c := 0; c < 3; c++ {
		for r := 0; r < 3; r++ {
			if c != 1 || r != 1 {
				ring = append(ring, cell{c, r})
			}
		}
	}
	mp = cellOutline(ring)
	if len(mp) != 1 || len(mp[0]) != 2 {
		t.Fatalf("ring outline = %v", mp)
	}
}

func TestRelate(t *testing.T) {
	z := orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}}
	b := z.Bound()
	cases := []struct {
		r    orb.Bound
		want relation
	}{
		{orb.Bound{Min: orb.Point{0.2, 0.2}, Max: orb.Point{0.3, 0.3}}, relIn},
		{orb.Bound{Min: orb.Point{0.9, 0.2}, Max: orb.Point{1.1, 0.3}}, relCross},
		{orb.Bound{Min: orb.Point{2, 2}, Max: orb.Point{3, 3}}, relOut},
		{orb.Bound{Min: orb.Point{-1, -1}, Max: orb.Point{2, 2}}, relCross}, // zone inside the cell
	}
	for i, c := range cases {
		if got := relate(z, b, c.r); got != c.want {
			t.Errorf("case %d: %v, want %v", i, got, c.want)
		}
	}
	if !simplePolygon(z[0]) || simplePolygon(orb.Polygon{{{0, 0}, {1, 1}, {1, 0}, {0, 1}, {0, 0}}}) {
		t.Error("simplePolygon")
	}
	if gkZone(cell{4589, 0}) == gkZone(cell{4590, 0}) || gkZone(cell{4590, 0}) != gkZone(cell{4769, 0}) {
		t.Error("gkZone edges")
	}
}

func BenchmarkGenerate(b *testing.B) {
	c, p, err := loadReal("../real")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, _, err := Generate(DefaultSeed, c, p); err != nil {
			b.Fatal(err)
		}
	}
}
