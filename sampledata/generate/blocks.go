package main

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/paulmach/orb"

	"kuanggui/internal/plan"
)

// block is a planning block being placed.
type block struct {
	Kind    plan.BlockKind
	Mineral string
	Cells   []cell // the cells it covers (reserved in the occupancy grid)
	Geom    orb.MultiPolygon
	Sig     []int  // zones wholly containing it
	Planted string // rule id of a planted breach, "" for a clean block
	OnGrid  bool   // its outline runs along the 1′ grid
	KCFS    string // mining: 露天 / 地下
	QKBH    string
	county  int
}

// Breach is one rule violation planted on purpose, for the validator's tests.
type Breach struct {
	Rule  string   // R01 … R12 of DESIGN.md §6
	Table string   // kanchqk or kaicqk
	QKBH  []string // the blocks involved
	Note  string
}

// Mineral counts of the provincial plan (seed): 863 exploration blocks, 312 mining blocks.
var (
	explorationCounts = map[string]int{"煤": 86, "铁": 70, "锰": 22, "铜": 254, "金": 167}
	explorationOther  = 264
	miningCounts      = map[string]int{"煤": 284, "铁": 9, "铜": 9, "金": 6}
	miningOther       = []string{"钾盐", "铅锌", "镍", "萤石"}
)

// otherMinerals are what the "other" exploration blocks may be drawn for: not the five named
// classes, not oil and gas (the state's), not prohibited or restricted minerals, not 砂金.
var otherMinerals = map[string]bool{"铅锌": true, "镍": true, "钴": true, "锂": true, "铍": true, "铌钽": true,
	"铬": true, "钒": true, "钛": true, "银": true, "锑": true, "钼": true, "萤石": true, "石墨": true,
	"钾盐": true, "石英岩": true, "石灰岩": true}

func allowedLayer(k plan.BlockKind, layer string) bool {
	if k == plan.Mining {
		return layer == "nyzyjd" || layer == "gjghkq"
	}
	return layer == "nyzyjd" || layer == "gjghkq" || layer == "zdkanchq"
}

// placeOpts relaxes the checks for planted breaches.
type placeOpts struct {
	noZone    bool          // R05: the block must lie in no zone at all
	coreOK    int           // R06: cells may lie in this constraint (index+1), and must
	shareWith map[cell]bool // R02: cells it may share with one block
}

// check reports whether cells can become a block of kind/mineral, and the zones holding it.
func (w *world) check(cells []cell, k plan.BlockKind, mineral string, o placeOpts) ([]int, bool) {
	var sig []int
	gk := gkZone(cells[0])
	for i, c := range cells {
		ci := w.info(c)
		if !ci.xjOK || ci.cross || ci.reserve || gkZone(c) != gk {
			return nil, false
		}
		if o.coreOK > 0 {
			if len(ci.consAny) != 1 || len(ci.consIn) != 1 || ci.consIn[0] != o.coreOK-1 {
				return nil, false
			}
		} else if len(ci.consAny) > 0 {
			return nil, false
		}
		if i == 0 {
			sig = ci.sig
		} else if !sameInts(sig, ci.sig) {
			return nil, false
		}
		if w.occ[c] != 0 {
			return nil, false
		}
		if k == plan.Mining {
			for dc := -1; dc <= 1; dc++ {
				for dr := -1; dr <= 1; dr++ {
					if w.mine[cell{c.C + dc, c.R + dr}] {
						return nil, false
					}
				}
			}
		}
	}
	if o.noZone {
		return sig, len(sig) == 0
	}
	inAllowed := false
	for _, zi := range sig {
		z := w.zones[zi]
		// 两环八带 are broad exploration and development zones, not planning units: their
		// mineral lists describe the belt, so a block need not match them.
		if z.Layer != "kfq" && !z.minerals[mineral] {
			return nil, false
		}
		if allowedLayer(k, z.Layer) {
			inAllowed = true
		}
	}
	return sig, inAllowed
}

func (w *world) commit(b *block) {
	for _, c := range b.Cells {
		if w.occ[c] == 0 {
			w.occ[c] = 1
		}
		if b.Kind == plan.Mining {
			w.mine[c] = true
		}
	}
}

// shape returns the cell offsets of a block of about n cells: a rectangle, or an L.
func (w *world) shape(n int) []cell {
	var out []cell
	rect := func(x0, y0, wd, ht int) {
		for y := 0; y < ht; y++ {
			for x := 0; x < wd; x++ {
				out = append(out, cell{x0 + x, y0 + y})
			}
		}
	}
	aspect := 0.6 + 1.1*w.rng.Float64()
	if n < 4 || w.rng.Float64() < 0.65 {
		wd := max(1, int(math.Round(math.Sqrt(float64(n)*aspect))))
		ht := max(1, int(math.Round(float64(n)/float64(wd))))
		rect(0, 0, wd, ht)
		return out
	}
	n1 := int(float64(n) * (0.55 + 0.2*w.rng.Float64()))
	wd := max(2, int(math.Round(math.Sqrt(float64(n1)*aspect))))
	ht := max(2, int(math.Round(float64(n1)/float64(wd))))
	rect(0, 0, wd, ht)
	n2 := n - wd*ht
	h2 := max(1, min(ht-1, int(math.Round(math.Sqrt(float64(max(n2, 1)))))))
	w2 := max(1, int(math.Round(float64(max(n2, 1))/float64(h2))))
	if w.rng.IntN(2) == 0 {
		rect(wd, 0, w2, h2) // foot to the east
	} else {
		rect(0, ht, h2, w2) // arm to the north
	}
	return out
}

func shift(offs []cell, a cell) []cell {
	out := make([]cell, len(offs))
	for i, o := range offs {
		out[i] = cell{a.C + o.C, a.R + o.R}
	}
	return out
}

// size draws a block's number of cells: exploration 2–36 (coal 10–150), mining smaller. The
// limits stay a little inside the 40/200 cells of §5, so a block's area never sits on a limit.
func (w *world) size(k plan.BlockKind, mineral string) int {
	r := w.rng.Float64()
	switch {
	case k == plan.Exploration && mineral == "煤":
		return 10 + int(120*r*r)
	case k == plan.Exploration:
		return 2 + int(30*r*r)
	case mineral == "煤":
		return 2 + int(14*r*r)
	default:
		return 1 + int(4*r)
	}
}

// candidateZones lists the zones a block of kind/mineral may be anchored in.
func (w *world) candidateZones(k plan.BlockKind, mineral string) []int {
	var out []int
	for i, z := range w.zones {
		if allowedLayer(k, z.Layer) && z.minerals[mineral] && len(w.cellsOf(i)) > 0 {
			out = append(out, i)
		}
	}
	return out
}

// placeNormal places one clean block.
func (w *world) placeNormal(k plan.BlockKind, mineral string) (*block, error) {
	zs := w.candidateZones(k, mineral)
	if len(zs) == 0 {
		return nil, fmt.Errorf("no zone plans %s for %s blocks", mineral, k)
	}
	for attempt := 0; attempt < 3000; attempt++ {
		zi := zs[w.rng.IntN(len(zs))]
		cs := w.cellsOf(zi)
		n := w.size(k, mineral)
		if attempt > 1500 {
			n = max(1, n/3)
			if k == plan.Exploration {
				n = max(2, n)
			}
		}
		cells := shift(w.shape(n), cs[w.rng.IntN(len(cs))])
		sig, ok := w.check(cells, k, mineral, placeOpts{})
		if !ok {
			continue
		}
		b := &block{Kind: k, Mineral: mineral, Cells: cells, Geom: cellOutline(cells), Sig: sig, OnGrid: true}
		if !w.assignCounty(b) {
			continue
		}
		w.commit(b)
		return b, nil
	}
	return nil, fmt.Errorf("could not place a %s block of %s after 3000 attempts: the zones that plan it are full", k, mineral)
}

func (w *world) assignCounty(b *block) bool {
	b.county = w.countyAt(centroid(b.Geom))
	return b.county >= 0
}

// placeBlocks draws all blocks: the planted breaches first (they need particular places), then
// mining blocks (they need spacing), then exploration blocks.
func (w *world) placeBlocks() ([]*block, error) {
	var blocks []*block
	expl := map[string]int{}
	for m, n := range explorationCounts {
		expl[m] = n
	}
	mining := map[string]int{}
	for m, n := range miningCounts {
		mining[m] = n
	}
	otherLeft := explorationOther
	take := func(b *block) {
		blocks = append(blocks, b)
		if b.Kind == plan.Mining {
			mining[b.Mineral]--
		} else if _, named := expl[b.Mineral]; named {
			expl[b.Mineral]--
		} else {
			otherLeft--
		}
	}
	planted, err := w.plant()
	if err != nil {
		return nil, err
	}
	for _, b := range planted {
		take(b)
	}
	for _, m := range []string{"煤", "铁", "铜", "金"} {
		for mining[m] > 0 {
			b, err := w.placeNormal(plan.Mining, m)
			if err != nil {
				return nil, err
			}
			take(b)
		}
	}
	for _, m := range miningOther {
		b, err := w.placeNormal(plan.Mining, m)
		if err != nil {
			return nil, err
		}
		blocks = append(blocks, b)
	}
	for _, m := range []string{"煤", "铁", "锰", "铜", "金"} {
		for expl[m] > 0 {
			b, err := w.placeNormal(plan.Exploration, m)
			if err != nil {
				return nil, err
			}
			take(b)
		}
	}
	// other minerals: pick a zone planning one of them, then one of its minerals
	var otherZones []int
	for i, z := range w.zones {
		if !allowedLayer(plan.Exploration, z.Layer) {
			continue
		}
		for m := range z.minerals {
			if otherMinerals[m] && len(w.cellsOf(i)) > 0 {
				otherZones = append(otherZones, i)
				break
			}
		}
	}
	full := map[string]bool{} // minerals whose zones have no room left
	skips := 0
	for otherLeft > 0 {
		z := w.zones[otherZones[w.rng.IntN(len(otherZones))]]
		var ms []string
		for _, m := range sortedKeys(z.minerals) {
			if otherMinerals[m] && !full[m] {
				ms = append(ms, m)
			}
		}
		if len(ms) == 0 {
			if skips++; skips > 10000 {
				return nil, fmt.Errorf("no room left for %d more exploration blocks of other minerals", otherLeft)
			}
			continue
		}
		m := ms[w.rng.IntN(len(ms))]
		b, err := w.placeNormal(plan.Exploration, m)
		if err != nil {
			full[m] = true
			continue
		}
		take(b)
	}
	return blocks, nil
}

// plant places the blocks that break one rule each (except R11, made when codes are given).
func (w *world) plant() ([]*block, error) {
	var out []*block
	find := func(rule string, k plan.BlockKind, mineral string, zones []int, tries int, offs []cell, o placeOpts) ([]cell, []int, error) {
		for t := 0; t < tries; t++ {
			var a cell
			if len(zones) == 0 {
				// anywhere in Xinjiang
				b := w.xj.prefs[0].bound
				for _, ix := range w.xj.prefs[1:] {
					b = b.Union(ix.bound)
				}
				a = cell{int(b.Min[0]*60) + w.rng.IntN(int((b.Max[0]-b.Min[0])*60)), int(b.Min[1]*60) + w.rng.IntN(int((b.Max[1]-b.Min[1])*60))}
			} else {
				cs := w.cellsOf(zones[w.rng.IntN(len(zones))])
				if len(cs) == 0 {
					continue
				}
				a = cs[w.rng.IntN(len(cs))]
			}
			cells := shift(offs, a)
			if sig, ok := w.check(cells, k, mineral, o); ok {
				return cells, sig, nil
			}
		}
		return nil, nil, fmt.Errorf("planting %s: found no place for it", rule)
	}
	rect := func(wd, ht int) []cell {
		var r []cell
		for y := 0; y < ht; y++ {
			for x := 0; x < wd; x++ {
				r = append(r, cell{x, y})
			}
		}
		return r
	}
	finish := func(b *block) error {
		if !w.assignCounty(b) {
			return fmt.Errorf("planting %s: block centre in no county", b.Planted)
		}
		w.commit(b)
		out = append(out, b)
		return nil
	}

	// R06: a coal mining block inside the 核心保护区 of 卡拉麦里.
	core := -1
	for i, k := range w.cons {
		if k.LX == "核心保护区" && strings.HasPrefix(k.Name, "卡拉麦里") {
			core = i
		}
	}
	if core < 0 {
		return nil, fmt.Errorf("planting R06: no 卡拉麦里 core zone")
	}
	{
		var coreCells []cell
		kb := w.cons[core].B
		for r := int(kb.Min[1] * 60); r <= int(kb.Max[1]*60); r++ {
			for c := int(kb.Min[0] * 60); c <= int(kb.Max[0]*60); c++ {
				coreCells = append(coreCells, cell{c, r})
			}
		}
		var cells []cell
		var zs []int
		for t := 0; t < 20000 && cells == nil; t++ {
			a := coreCells[w.rng.IntN(len(coreCells))]
			cs := shift(rect(2, 2), a)
			if s, ok := w.check(cs, plan.Mining, "煤", placeOpts{coreOK: core + 1}); ok {
				cells, zs = cs, s
			}
		}
		if cells == nil {
			return nil, fmt.Errorf("planting R06: the 卡拉麦里 core zone holds no 2×2 cells of a coal zone")
		}
		b := &block{Kind: plan.Mining, Mineral: "煤", Cells: cells, Geom: cellOutline(cells), Sig: zs, Planted: "R06", OnGrid: true, KCFS: "露天"}
		if err := finish(b); err != nil {
			return nil, err
		}
	}

	coalZones := w.candidateZones(plan.Mining, "煤")
	// R04: two open-pit coal mining blocks ~200 m apart. A is 2×2 cells stretched east into the
	// gap column so that 200 m remain between it and B.
	{
		offs := rect(5, 2)
		cells, sig, err := find("R04", plan.Mining, "煤", coalZones, 20000, offs, placeOpts{})
		if err != nil {
			return nil, err
		}
		a0 := cells[0]
		var aCells, bCells []cell
		for _, c := range cells {
			if c.C-a0.C < 3 {
				aCells = append(aCells, c) // two cells and the gap column
			} else {
				bCells = append(bCells, c)
			}
		}
		lat := (float64(a0.R) + 1) / 60
		mPerDegLon := math.Pi / 180 * ellA * math.Cos(lat*math.Pi/180) / math.Sqrt(1-ellE2*math.Pow(math.Sin(lat*math.Pi/180), 2))
		east := float64(a0.C+3)/60 - 200/mPerDegLon
		x0, y0, y1 := float64(a0.C)/60, float64(a0.R)/60, float64(a0.R+2)/60
		ga := orb.MultiPolygon{{{{x0, y0}, {east, y0}, {east, y1}, {x0, y1}, {x0, y0}}}}
		a := &block{Kind: plan.Mining, Mineral: "煤", Cells: aCells, Geom: ga, Sig: sig, Planted: "R04", KCFS: "露天"}
		b := &block{Kind: plan.Mining, Mineral: "煤", Cells: bCells, Geom: cellOutline(bCells), Sig: sig, Planted: "R04", OnGrid: true, KCFS: "露天"}
		if err := finish(a); err != nil {
			return nil, err
		}
		if err := finish(b); err != nil {
			return nil, err
		}
	}

	zonesFor := func(k plan.BlockKind, m string) []int { return w.candidateZones(k, m) }
	// R01: a bow-tie (self-crossing) copper exploration block in a 4×4 cell square.
	{
		cells, sig, err := find("R01", plan.Exploration, "铜", zonesFor(plan.Exploration, "铜"), 20000, rect(4, 4), placeOpts{})
		if err != nil {
			return nil, err
		}
		a := cells[0]
		n := func(dc, dr int) orb.Point { return minuteNode(a.C+dc, a.R+dr) }
		g := orb.MultiPolygon{{{n(0, 0), n(4, 4), n(4, 0), n(0, 2), n(0, 0)}}}
		if err := finish(&block{Kind: plan.Exploration, Mineral: "铜", Cells: cells, Geom: g, Sig: sig, Planted: "R01"}); err != nil {
			return nil, err
		}
	}
	// R02: two copper exploration blocks of 3×3 cells, the second shifted one cell NE.
	{
		cells, sig, err := find("R02", plan.Exploration, "铜", zonesFor(plan.Exploration, "铜"), 20000, rect(4, 4), placeOpts{})
		if err != nil {
			return nil, err
		}
		a := cells[0]
		ac, bc := shift(rect(3, 3), a), shift(rect(3, 3), cell{a.C + 1, a.R + 1})
		if err := finish(&block{Kind: plan.Exploration, Mineral: "铜", Cells: ac, Geom: cellOutline(ac), Sig: sig, Planted: "R02", OnGrid: true}); err != nil {
			return nil, err
		}
		if err := finish(&block{Kind: plan.Exploration, Mineral: "铜", Cells: bc, Geom: cellOutline(bc), Sig: sig, Planted: "R02", OnGrid: true}); err != nil {
			return nil, err
		}
	}
	// R07: a 砂金 exploration block in the 哈巴河 placer area, outside 和田地区.
	{
		cells, sig, err := find("R07", plan.Exploration, "砂金", zonesFor(plan.Exploration, "砂金"), 20000, rect(3, 2), placeOpts{})
		if err != nil {
			return nil, err
		}
		if err := finish(&block{Kind: plan.Exploration, Mineral: "砂金", Cells: cells, Geom: cellOutline(cells), Sig: sig, Planted: "R07", OnGrid: true}); err != nil {
			return nil, err
		}
	}
	// R08: a gold exploration block of half a cell.
	{
		cells, sig, err := find("R08", plan.Exploration, "金", zonesFor(plan.Exploration, "金"), 20000, rect(1, 1), placeOpts{})
		if err != nil {
			return nil, err
		}
		a := cells[0]
		x0, x1 := float64(a.C)/60, float64(a.C+1)/60
		y0, y1 := float64(a.R)/60, (float64(a.R)+0.5)/60
		g := orb.MultiPolygon{{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}
		if err := finish(&block{Kind: plan.Exploration, Mineral: "金", Cells: cells, Geom: g, Sig: sig, Planted: "R08"}); err != nil {
			return nil, err
		}
	}
	// R05: an iron exploration block in no zone at all.
	{
		cells, sig, err := find("R05", plan.Exploration, "铁", nil, 200000, rect(3, 2), placeOpts{noZone: true})
		if err != nil {
			return nil, err
		}
		if err := finish(&block{Kind: plan.Exploration, Mineral: "铁", Cells: cells, Geom: cellOutline(cells), Sig: sig, Planted: "R05", OnGrid: true}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// codes gives every block its QKBH: T/C + county code + serial per county and kind, numbered
// north to south, west to east. Then it plants R11 by giving one exploration block the code of
// another in the same county.
func (w *world) codes(blocks []*block) (Breach, error) {
	groups := map[string][]*block{}
	for _, b := range blocks {
		key := string(b.Kind) + w.counties[b.county].Code
		groups[key] = append(groups[key], b)
	}
	for _, key := range sortedKeys(groups) {
		g := groups[key]
		sort.SliceStable(g, func(i, j int) bool {
			ci, cj := centroid(g[i].Geom), centroid(g[j].Geom)
			if ci[1] != cj[1] {
				return ci[1] > cj[1]
			}
			return ci[0] < cj[0]
		})
		for i, b := range g {
			b.QKBH = plan.BlockCode("", b.Kind, w.counties[b.county].Code, i+1)
		}
	}
	for _, key := range sortedKeys(groups) {
		g := groups[key]
		if !strings.HasPrefix(key, string(plan.Exploration)) || len(g) < 3 {
			continue
		}
		var clean []*block
		for _, b := range g {
			if b.Planted == "" {
				clean = append(clean, b)
			}
		}
		if len(clean) < 2 {
			continue
		}
		clean[1].QKBH = clean[0].QKBH
		clean[1].Planted = "R11"
		return Breach{Rule: "R11", Table: "kanchqk", QKBH: []string{clean[0].QKBH},
			Note: "两个勘查区块编号相同（区块编号重复）"}, nil
	}
	return Breach{}, fmt.Errorf("planting R11: no county with two clean exploration blocks")
}
