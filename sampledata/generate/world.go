package main

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"sort"
	"strings"

	"github.com/paulmach/orb"

	"kuanggui/assets"
	"kuanggui/internal/plan"
)

// zone is a drawn planning zone.
type zone struct {
	Layer, Code, Name, ZYKZ, BZ string
	Geom                        orb.MultiPolygon
	B                           orb.Bound
	minerals                    map[string]bool
}

// constraint is a drawn constraint polygon (自然保护地, 生态保护红线, 永久基本农田, 城镇开发边界).
type constraint struct {
	Layer, Name, LX string
	Geom            orb.MultiPolygon
	B               orb.Bound
}

type county struct {
	Code, Name string
	ix         []*edgeIndex
}

// xjRegion is Xinjiang as the union of its prefectures: a point is inside when some prefecture
// holds it (even-odd per prefecture, since real outlines cross themselves here and there).
type xjRegion struct {
	prefs []*edgeIndex
	codes []string
	names []string
}

// contains also accepts points within ≈300 m of a prefecture: the real outlines are quantised
// independently, so neighbouring prefectures leave slivers between them that are not outside.
func (x *xjRegion) contains(pt orb.Point) bool {
	const d = 0.003
	for _, q := range []orb.Point{pt, {pt[0] + d, pt[1]}, {pt[0] - d, pt[1]}, {pt[0], pt[1] + d}, {pt[0], pt[1] - d}} {
		if x.prefecture(q) >= 0 {
			return true
		}
	}
	return false
}

func (x *xjRegion) prefecture(pt orb.Point) int {
	for i, ix := range x.prefs {
		if ix.contains(pt) {
			return i
		}
	}
	return -1
}

// world holds everything placed so far and answers the questions block placement asks.
type world struct {
	rng      *rand.Rand
	cat      *plan.Catalog
	xj       *xjRegion
	counties []county
	zones    []*zone
	cons     []*constraint
	nodes    map[cell]bool // grid node inside Xinjiang, cached
	cells    map[cell]*cellInfo
	occ      map[cell]int  // cell → 1 + index of the block that covers it
	mine     map[cell]bool // cells of mining blocks
	zoneCell map[int][]cell
}

type cellInfo struct {
	xjOK    bool  // the cell and its neighbours lie inside Xinjiang
	cross   bool  // some zone boundary passes through the cell
	reserve bool  // touches a 战略性矿产资源储备区
	sig     []int // zones (not reserves) wholly containing the cell
	consIn  []int // constraints wholly containing the cell
	consAny []int // constraints touching the cell in any way
}

func (ci *cellInfo) ok() bool {
	return ci.xjOK && !ci.cross && !ci.reserve && len(ci.consAny) == 0
}

var sixDigits = regexp.MustCompile(`^65\d{4}$`)

func newWorld(seed int64, counties, prefectures []plan.Feature) (*world, error) {
	cat, err := plan.ParseCatalog(assets.CatalogJSON)
	if err != nil {
		return nil, err
	}
	w := &world{
		rng:   rand.New(rand.NewPCG(uint64(seed), 0x6b7567756931)),
		cat:   cat,
		xj:    &xjRegion{},
		nodes: map[cell]bool{}, cells: map[cell]*cellInfo{}, occ: map[cell]int{}, mine: map[cell]bool{},
		zoneCell: map[int][]cell{},
	}
	if len(prefectures) == 0 {
		return nil, fmt.Errorf("prefectures: no features; pass the 行政区 layer of Xinjiang (xj_prefectures_gbk.shp)")
	}
	for i, f := range prefectures {
		code := f.Attrs.String("XZQDM")
		if !sixDigits.MatchString(code) {
			return nil, fmt.Errorf("prefectures: feature %d: XZQDM %q is not a six-digit GB/T 2260 code of Xinjiang", i, code)
		}
		if len(f.Geometry) == 0 {
			return nil, fmt.Errorf("prefectures: feature %d (%s): no geometry", i, code)
		}
		w.xj.prefs = append(w.xj.prefs, newEdgeIndex(f.Geometry))
		w.xj.codes = append(w.xj.codes, code)
		w.xj.names = append(w.xj.names, f.Attrs.String("XZQMC"))
	}
	if len(counties) == 0 {
		return nil, fmt.Errorf("counties: no features; pass the county layer (xj_counties_utf8.shp)")
	}
	for i, f := range counties {
		name := f.Attrs.String("XZQMC")
		if name == "" || len(f.Geometry) == 0 {
			return nil, fmt.Errorf("counties: feature %d: needs XZQMC and a geometry", i)
		}
		code := f.Attrs.String("id")
		if code == "" {
			code = f.Attrs.String("XZQDM")
		}
		if !sixDigits.MatchString(code) {
			// No county code: borrow the prefecture's, from the prefecture holding its centre.
			k := w.xj.prefecture(centroid(f.Geometry))
			if k < 0 {
				return nil, fmt.Errorf("counties: feature %d (%s): no GB/T 2260 code and its centre is in no prefecture", i, name)
			}
			code = w.xj.codes[k]
		}
		w.counties = append(w.counties, county{Code: code, Name: name, ix: []*edgeIndex{newEdgeIndex(f.Geometry)}})
	}
	return w, nil
}

// countyAt returns the county under pt, or -1.
func (w *world) countyAt(pt orb.Point) int {
	for i, c := range w.counties {
		for _, ix := range c.ix {
			if ix.contains(pt) {
				return i
			}
		}
	}
	return -1
}

func (w *world) nodeIn(c, r int) bool {
	k := cell{c, r}
	v, ok := w.nodes[k]
	if !ok {
		v = w.xj.contains(minuteNode(c, r))
		w.nodes[k] = v
	}
	return v
}

func (w *world) info(c cell) *cellInfo {
	if ci, ok := w.cells[c]; ok {
		return ci
	}
	ci := &cellInfo{xjOK: true}
	for dc := -1; dc <= 2 && ci.xjOK; dc++ {
		for dr := -1; dr <= 2; dr++ {
			if !w.nodeIn(c.C+dc, c.R+dr) {
				ci.xjOK = false
				break
			}
		}
	}
	b := c.bound()
	for i, z := range w.zones {
		switch relate(z.Geom, z.B, b) {
		case relIn:
			if z.Layer == "zlcbq" {
				ci.reserve = true
			} else {
				ci.sig = append(ci.sig, i)
			}
		case relCross:
			if z.Layer == "zlcbq" {
				ci.reserve = true
			} else {
				ci.cross = true
			}
		}
	}
	for i, k := range w.cons {
		switch relate(k.Geom, k.B, b) {
		case relIn:
			ci.consIn = append(ci.consIn, i)
			ci.consAny = append(ci.consAny, i)
		case relCross:
			ci.consAny = append(ci.consAny, i)
		}
	}
	w.cells[c] = ci
	return ci
}

// cellsOf lists the usable cells wholly inside zone zi, in a fixed order.
func (w *world) cellsOf(zi int) []cell {
	if cs, ok := w.zoneCell[zi]; ok {
		return cs
	}
	z := w.zones[zi]
	var cs []cell
	c0, c1 := int(z.B.Min[0]*60)-1, int(z.B.Max[0]*60)+1
	r0, r1 := int(z.B.Min[1]*60)-1, int(z.B.Max[1]*60)+1
	for r := r0; r <= r1; r++ {
		for c := c0; c <= c1; c++ {
			k := cell{c, r}
			if !polyContains(z.Geom, k.bound().Center()) {
				continue
			}
			ci := w.info(k)
			if ci.ok() && hasInt(ci.sig, zi) {
				cs = append(cs, k)
			}
		}
	}
	w.zoneCell[zi] = cs
	return cs
}

func hasInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func sameInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// gkZone is the 3° Gauss-Krüger zone of a cell; zone edges (76.5°, 79.5°, … E) fall on the
// 1′ grid, so a cell never straddles one.
func gkZone(c cell) int {
	d := c.C - 4590 // 76.5°E in arc minutes
	if d < 0 {
		return -1 - (-d-1)/180
	}
	return d / 180
}

// buildZones draws every zone layer in order: kfq, nyzyjd, gjghkq, zlcbq, zdkanchq, zdkaicq.
func (w *world) buildZones() error {
	add := func(specs []zoneSpec) ([]*zone, error) {
		var out []*zone
		for _, s := range specs {
			z := &zone{Layer: s.Layer, Code: s.Code, Name: s.Name, ZYKZ: s.ZYKZ, BZ: s.BZ, minerals: map[string]bool{}}
			for _, m := range strings.Split(s.ZYKZ, "、") {
				z.minerals[m] = true
			}
			if s.Line != nil {
				pg, err := belt(w.rng, s.Line, s.HW, w.xj)
				if err != nil {
					return nil, fmt.Errorf("%s %s: %w", s.Layer, s.Name, err)
				}
				z.Geom = orb.MultiPolygon{pg}
			}
			for _, part := range s.Parts {
				pg, err := radial(w.rng, part, w.xj)
				if err != nil {
					return nil, fmt.Errorf("%s %s: %w", s.Layer, s.Name, err)
				}
				z.Geom = append(z.Geom, pg)
			}
			z.B = z.Geom.Bound()
			w.zones = append(w.zones, z)
			out = append(out, z)
		}
		return out, nil
	}
	kfq, err := add(kfqSpecs())
	if err != nil {
		return err
	}
	bases, err := add(nyzyjdSpecs())
	if err != nil {
		return err
	}
	areas, err := add(gjghkqSpecs())
	if err != nil {
		return err
	}
	if _, err := add(zlcbqSpecs()); err != nil {
		return err
	}
	nameAt := func(pt orb.Point) string {
		if k := w.countyAt(pt); k >= 0 {
			return w.counties[k].Name
		}
		return ""
	}
	if _, err := add(zdkanchqSpecs(w.rng, kfq, nameAt)); err != nil {
		return err
	}
	if _, err := add(zdkaicqSpecs(w.rng, append(append([]*zone{}, bases...), areas...))); err != nil {
		return err
	}
	for _, s := range constraintSpecs() {
		if s.Core > 0 {
			s.Spec.InnerFac = s.Core
		}
		pg, err := radial(w.rng, s.Spec, w.xj)
		if err != nil {
			return fmt.Errorf("%s %s: %w", s.Layer, s.Name, err)
		}
		if s.Core > 0 {
			core := append(orb.Ring(nil), pg[1]...)
			core.Reverse()
			w.cons = append(w.cons,
				&constraint{Layer: s.Layer, Name: s.Name, LX: "核心保护区", Geom: orb.MultiPolygon{{core}}},
				&constraint{Layer: s.Layer, Name: s.Name, LX: "一般控制区", Geom: orb.MultiPolygon{pg}})
		} else {
			w.cons = append(w.cons, &constraint{Layer: s.Layer, Name: s.Name, LX: s.LX, Geom: orb.MultiPolygon{pg}})
		}
	}
	for _, k := range w.cons {
		k.B = k.Geom.Bound()
	}
	return nil
}

// zoneFeatures and constraintFeatures turn the drawn outlines into plan features.
func (w *world) zoneFeatures(layer string) []plan.Feature {
	var out []plan.Feature
	for _, z := range w.zones {
		if z.Layer != layer {
			continue
		}
		out = append(out, plan.Feature{Geometry: z.Geom, Attrs: plan.Attrs{
			"QYBH": z.Code, "QYMC": z.Name, "ZYKZ": z.ZYKZ, "MJ": round4(areaKm2(z.Geom)), "BZ": z.BZ}})
	}
	return out
}

func (w *world) constraintFeatures(layer string) []plan.Feature {
	var out []plan.Feature
	for _, k := range w.cons {
		if k.Layer != layer {
			continue
		}
		out = append(out, plan.Feature{Geometry: k.Geom, Attrs: plan.Attrs{
			"MC": k.Name, "LX": k.LX, "MJ": round4(areaKm2(k.Geom)), "BZ": "示意"}})
	}
	return out
}

func sortedKeys[M ~map[string]V, V any](m M) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
