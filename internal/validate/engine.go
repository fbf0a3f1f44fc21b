package validate

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb"

	"kuanggui/assets"
	"kuanggui/internal/crs"
	"kuanggui/internal/plan"
	"kuanggui/internal/topo"
)

// Input is what the engine checks: the catalog (nil: the default one), the plan's metadata and
// the features by table (blocks, zones, constraints, xzq), in EPSG:4490.
type Input struct {
	Catalog *plan.Catalog
	Meta    plan.Meta
	Layers  map[string][]plan.Feature
}

// feat is one feature with what the checks compute about it once. A large plan has 100,000s
// of them, so it is kept small: what few features need hangs off pointers.
type feat struct {
	f     plan.Feature
	b     orb.Bound
	table string
	kind  plan.BlockKind // blocks only
	block bool           // a block (its code is QKBH) rather than a zone (QYBH)
	rect  rectShape      // an axis-aligned rectangle, for the pure-Go shortcuts
	coded string         // the code under which indexCode filed the block (R11 on)

	// Filled by prepare (blocks only); read-only afterwards.
	prepared bool
	valid    bool
	coal     bool
	zone     int // GK zone of the bound's centre
	areaM2   float64
	bad      *invalid // why and where the geometry is invalid (nil when valid)
	metric   *metric  // mining blocks with R04 on, projected
}

type invalid struct {
	reason string
	where  orb.Point
}

// metric is a mining block in its Gauss-Krüger zone, minus the zone's local origin.
type metric struct {
	g orb.MultiPolygon
	b orb.Bound
}

// code is the block's QKBH or the zone's QYBH. It is read when a finding is made, not stored:
// most features never need it.
func (ft *feat) code() string {
	if ft.block {
		return ft.f.Attrs.String("QKBH")
	}
	return ft.f.Attrs.String("QYBH")
}

// reason and where describe an invalid geometry for R01.
func (ft *feat) reason() string {
	if ft.bad == nil {
		return ""
	}
	return ft.bad.reason
}

func (ft *feat) where() orb.Point {
	if ft.bad == nil {
		return orb.Point{}
	}
	return ft.bad.where
}

// layer is one table.
type layer struct {
	def   plan.LayerDef
	feats map[int64]*feat
	idx   *layerIndex
}

// Engine runs the rules over a plan and keeps what it needs to re-check edits. Its methods are
// not safe for concurrent use; Run uses several goroutines internally.
type Engine struct {
	cat    *plan.Catalog
	meta   plan.Meta
	rules  Rules
	layers map[string]*layer
	blocks []string // block tables, in catalog order
	// blockLayers are the layers of blocks, in the same order.
	blockLayers []*layer
	maxSafety   float64 // rules.maxSafety()
	findings    []Finding
	touched     map[ref]bool
	ran         bool // Recheck needs the facts of a full Run
	// codes indexes block codes (table → QKBH → ids) for R11 duplicates, kept only when R11
	// is on; dirtyCodes are the codes an edit touched since the last check.
	codes      map[string]map[string][]int64
	dirtyCodes map[[2]string]bool
	local      *worker // for Recheck; reset when zones change

	// on caches rules.on for R01…R12 (index 1…12): the checks ask for every block.
	on [13]bool
	// What prepare must compute for the enabled rules: work no rule reads is skipped.
	needArea, needCoal bool
	featRules          bool // any rule checkFeature runs

}

// is reports whether rule "Rnn" is enabled, from the cache.
func (e *Engine) is(id string) bool {
	if len(id) != 3 || id[0] != 'R' {
		return e.rules.on(id)
	}
	n := int(id[1]-'0')*10 + int(id[2]-'0')
	if n < 1 || n > 12 {
		return e.rules.on(id)
	}
	return e.on[n]
}

// fastPaths switches the pure-Go shortcuts (simple.go); tests turn it off to get GEOS's own
// answers and compare.
var fastPaths = true

// Origin subtracted from Gauss-Krüger coordinates so GEOS works on small numbers.
const originE, originN = 500000.0, 4500000.0

// NewEngine indexes the input. Features of tables the catalog does not know are ignored.
func NewEngine(in Input, rules Rules) *Engine {
	cat := in.Catalog
	if cat == nil {
		c, err := plan.ParseCatalog(assets.CatalogJSON)
		if err != nil {
			panic(fmt.Sprintf("validate: embedded catalog: %v", err)) // a build defect, caught by tests
		}
		cat = c
	}
	if rules.Rule == nil {
		rules = DefaultRules(in.Meta.Level)
	}
	if rules.Cells == nil {
		rules.Cells = cat.Cells
	}
	e := &Engine{cat: cat, meta: in.Meta, rules: rules, layers: map[string]*layer{}, touched: map[ref]bool{},
		codes: map[string]map[string][]int64{}, dirtyCodes: map[[2]string]bool{}}
	for i := 1; i <= 12; i++ {
		e.on[i] = rules.on(fmt.Sprintf("R%02d", i))
	}
	e.needArea = e.on[5] || e.on[6] || e.on[7] || e.on[8] || e.on[10] || e.on[11]
	e.needCoal = e.on[4] || e.on[7]
	e.maxSafety = rules.maxSafety()
	e.featRules = e.on[1] || e.on[5] || e.on[6] || e.on[7] || e.on[8] || e.on[9] || e.on[10] || e.on[11] || e.on[12]
	// Layers are indexed side by side (a large plan has two big block layers).
	built := make([]*layer, len(cat.Layers))
	var wg sync.WaitGroup
	for i, def := range cat.Layers {
		build := func() { built[i] = e.buildLayer(def, in.Layers[def.Table]) }
		if len(in.Layers[def.Table]) < 4096 {
			build()
			continue
		}
		wg.Add(1)
		go func() { defer wg.Done(); build() }()
	}
	wg.Wait()
	for i, def := range cat.Layers {
		l := built[i]
		e.layers[def.Table] = l
		if def.Role == plan.RoleBlock {
			e.blocks = append(e.blocks, def.Table)
			e.blockLayers = append(e.blockLayers, l)
			if e.on[11] {
				// As indexCode files them, without marking each code dirty (a new engine has
				// nothing to re-check) and with the one-id lists cut from one array.
				byCode := make(map[string][]int64, len(l.feats))
				one := make([]int64, len(l.feats))
				file := func(ft *feat) {
					c := strings.TrimSpace(ft.code())
					ft.coded = c
					if c == "" {
						return
					}
					if ids, ok := byCode[c]; ok {
						if !slices.Contains(ids, ft.f.ID) {
							byCode[c] = append(ids, ft.f.ID)
						}
						return
					}
					one[0] = ft.f.ID
					byCode[c] = one[:1:1]
					one = one[1:]
				}
				for _, it := range l.idx.tree.all() {
					file(it.ft)
				}
				for _, ft := range l.feats {
					if len(ft.f.Geometry) == 0 {
						file(ft) // not in the index
					}
				}
				e.codes[def.Table] = byCode
			}
		}
	}
	e.dirtyCodes = map[[2]string]bool{} // a new engine has nothing to re-check
	return e
}

// buildLayer makes the features of one table and their index.
func (e *Engine) buildLayer(def plan.LayerDef, src []plan.Feature) *layer {
	l := &layer{def: def, feats: make(map[int64]*feat, len(src))}
	slab := make([]feat, len(src)) // one allocation for the layer, not one per feature
	items := make([]strItem, 0, len(src))
	for i, f := range src {
		e.initFeat(&slab[i], def, f)
		l.feats[f.ID] = &slab[i]
	}
	for i := range slab {
		// An ID given twice is one feature, the last (as in the map): index it once.
		if ft := &slab[i]; len(ft.f.Geometry) > 0 && l.feats[ft.f.ID] == ft {
			items = append(items, strItem{b: ft.b, ft: ft})
		}
	}
	l.idx = newLayerIndex(items)
	return l
}

// indexCode adds or removes a block's code in the duplicate index and marks it dirty. The ids
// of a code are a short unordered list (almost always one).
func (e *Engine) indexCode(ft *feat, add bool) {
	if !e.on[11] {
		return // the index only serves R11's duplicates
	}
	c := ft.coded
	if add {
		c = strings.TrimSpace(ft.code())
		ft.coded = c
	}
	if c == "" {
		return
	}
	byCode := e.codes[ft.table]
	ids := byCode[c]
	at := -1
	for i, id := range ids {
		if id == ft.f.ID {
			at = i
			break
		}
	}
	if add {
		if at < 0 {
			byCode[c] = append(ids, ft.f.ID)
		}
	} else if at >= 0 {
		ids[at] = ids[len(ids)-1]
		ids = ids[:len(ids)-1]
		if len(ids) == 0 {
			delete(byCode, c)
		} else {
			byCode[c] = ids
		}
	}
	e.dirtyCodes[[2]string{ft.table, c}] = true
}

func (e *Engine) newFeat(def plan.LayerDef, f plan.Feature) *feat {
	ft := &feat{}
	e.initFeat(ft, def, f)
	return ft
}

func (e *Engine) initFeat(ft *feat, def plan.LayerDef, f plan.Feature) {
	*ft = feat{f: f, table: def.Table, kind: def.Kind, block: def.Role == plan.RoleBlock}
	if len(f.Geometry) > 0 {
		ft.b = bound(f.Geometry)
		ft.rect = rectOf(f.Geometry, ft.b)
	}
}

// bound is mp.Bound() without orb's per-point Bound.Extend calls, which showed in profiles of
// large plans. Geometries orb treats specially (empty parts or rings, NaN coordinates, which
// math.Min propagates) go to orb itself, so the result is always the same.
func bound(mp orb.MultiPolygon) orb.Bound {
	var b orb.Bound
	for i, p := range mp {
		if len(p) == 0 || len(p[0]) == 0 {
			return mp.Bound()
		}
		for j, pt := range p[0] { // the outer ring bounds a polygon, as in orb.Polygon.Bound
			if pt[0] != pt[0] || pt[1] != pt[1] {
				return mp.Bound()
			}
			if i == 0 && j == 0 {
				b = orb.Bound{Min: pt, Max: pt}
				continue
			}
			b.Min[0] = min(b.Min[0], pt[0])
			b.Max[0] = max(b.Max[0], pt[0])
			b.Min[1] = min(b.Min[1], pt[1])
			b.Max[1] = max(b.Max[1], pt[1])
		}
	}
	return b
}

// worker owns one GEOS context and its PROJ transformers: one per goroutine.
type worker struct {
	e    *Engine
	deg  *topo.Context
	met  *topo.Context
	fwd  map[int]*crs.Transformer
	inv  map[int]*crs.Transformer
	prep map[ref]*topo.Prepared
	bad  map[ref]bool // zones GEOS cannot prepare

	// The pair being checked by checkPairs, for the index callbacks below.
	pft                   *feat
	psame                 bool
	pseen                 map[[2]ref]bool
	pout                  *[]Finding
	overlapCB, distanceCB func(*feat)
}

func (e *Engine) newWorker() *worker {
	d := topo.NewContext(topo.GridDegree)
	w := &worker{e: e, deg: d, met: d.WithGrid(topo.GridMetre), fwd: map[int]*crs.Transformer{},
		inv: map[int]*crs.Transformer{}, prep: map[ref]*topo.Prepared{}, bad: map[ref]bool{}}
	w.overlapCB, w.distanceCB = w.overlapCandidate, w.distanceCandidate
	return w
}

func (w *worker) close() {
	for _, t := range w.fwd {
		t.Close()
	}
	for _, t := range w.inv {
		t.Close()
	}
	for _, p := range w.prep {
		p.Destroy()
	}
}

func (w *worker) transformer(zone int, inverse bool) (*crs.Transformer, error) {
	m := w.fwd
	if inverse {
		m = w.inv
	}
	if t, ok := m[zone]; ok {
		return t, nil
	}
	gk, err := crs.GaussKruger(zone, false)
	if err != nil {
		return nil, err
	}
	var t *crs.Transformer
	if inverse {
		t, err = crs.NewTransformer(gk, crs.Geographic())
	} else {
		t, err = crs.NewTransformer(crs.Geographic(), gk)
	}
	if err != nil {
		return nil, err
	}
	m[zone] = t
	return t, nil
}

// toMetric projects mp to zone and shifts it to the local origin.
func (w *worker) toMetric(mp orb.MultiPolygon, zone int) (orb.MultiPolygon, error) {
	t, err := w.transformer(zone, false)
	if err != nil {
		return nil, err
	}
	out, err := t.MultiPolygon(mp)
	if err != nil {
		return nil, err
	}
	for _, p := range out {
		for _, r := range p {
			for i := range r {
				r[i][0] -= originE
				r[i][1] -= originN
			}
		}
	}
	return out, nil
}

func (w *worker) lineToGeo(l orb.LineString, zone int) orb.LineString {
	t, err := w.transformer(zone, true)
	if err != nil {
		return nil
	}
	out := make(orb.LineString, 0, len(l))
	for _, p := range l {
		x, y, err := t.Point(p[0]+originE, p[1]+originN)
		if err != nil {
			return nil
		}
		out = append(out, orb.Point{x, y})
	}
	return out
}

// zonePrep returns the prepared geometry of a zone feature, built once per worker.
func (w *worker) zonePrep(table string, id int64) *topo.Prepared {
	k := ref{table, id}
	if p, ok := w.prep[k]; ok {
		return p
	}
	if w.bad[k] {
		return nil
	}
	l := w.e.layers[table]
	ft := l.feats[id]
	if ft == nil {
		return nil
	}
	p, err := w.deg.Prepare(ft.f.Geometry)
	if err != nil {
		w.bad[k] = true
		return nil
	}
	w.prep[k] = p
	return p
}

// prepare computes the per-block facts every rule reads: validity, area, coal, metric geometry.
func (w *worker) prepare(ft *feat) {
	e := w.e
	ft.prepared = true
	ft.bad = nil
	if fastPaths && surelyValid(ft.f.Geometry, ft.rect.ok) {
		ft.valid = true
	} else {
		var reason string
		var where orb.Point
		ft.valid, reason, where = w.deg.Validity(ft.f.Geometry)
		if !ft.valid {
			ft.bad = &invalid{reason, where}
		}
	}
	if e.needArea {
		ft.areaM2 = crs.EllipsoidalArea(ft.f.Geometry)
	}
	if e.needCoal {
		for _, m := range minerals(ft.f.Attrs.String("KZ")) {
			if e.mineral(m).Class == plan.ClassCoal && m != "地热" {
				ft.coal = true
			}
		}
	}
	if !ft.valid {
		return
	}
	ft.zone = crs.ZoneOf((ft.b.Min[0] + ft.b.Max[0]) / 2)
	if ft.kind == plan.Mining && e.on[4] {
		m, err := w.toMetric(ft.f.Geometry, ft.zone)
		if err == nil {
			ft.metric = &metric{m, m.Bound()}
		}
	}
}

// mineral looks a name up in the catalog, also without a trailing 矿/炭 (金矿 → 金, 煤炭 → 煤).
func (e *Engine) mineral(name string) plan.Mineral {
	if m, ok := e.cat.Mineral(name); ok {
		return m
	}
	for _, suf := range []string{"矿", "炭"} {
		if len(name) > len(suf) && name[len(name)-len(suf):] == suf {
			if m, ok := e.cat.Mineral(name[:len(name)-len(suf)]); ok {
				return m
			}
		}
	}
	return plan.Mineral{Name: name, Class: plan.ClassMetal}
}

// blockRefs lists every block feature in a stable order: by layer, then in the order of the
// layer's index, where neighbours in space follow each other, so the pair checks of consecutive
// blocks walk the same index nodes and the run stays in the CPU's caches; features without
// geometry (not in the index) come last, by id.
func (e *Engine) blockRefs() []*feat {
	n := 0
	for _, t := range e.blocks {
		n += len(e.layers[t].feats)
	}
	out := make([]*feat, 0, n)
	for _, t := range e.blocks {
		l := e.layers[t]
		start := len(out)
		for _, it := range l.idx.tree.all() {
			if !l.idx.dead[it.ft.f.ID] {
				out = append(out, it.ft)
			}
		}
		edited := len(out)
		for _, ft := range l.idx.extra {
			out = append(out, ft)
		}
		sort.Slice(out[edited:], func(i, j int) bool { return out[edited+i].f.ID < out[edited+j].f.ID })
		var empty []*feat
		if len(out)-start != len(l.feats) {
			for _, ft := range l.feats {
				if len(ft.f.Geometry) == 0 {
					empty = append(empty, ft)
				}
			}
			sort.Slice(empty, func(i, j int) bool { return empty[i].f.ID < empty[j].f.ID })
		}
		out = append(out, empty...)
	}
	return out
}

// Run checks everything, spread over all cores, and remembers the result for Recheck.
// progress (may be nil) is called from the calling goroutine with blocks done of total.
func (e *Engine) Run(ctx context.Context, progress func(done, total int)) ([]Finding, error) {
	all := e.blockRefs()
	total := 2 * len(all)
	var done atomic.Int64
	n := max(1, runtime.GOMAXPROCS(0))
	const chunk = 256

	// phase runs fn over every block in chunks on n workers.
	phase := func(fn func(w *worker, ft *feat, out *[]Finding)) ([]Finding, error) {
		jobs := make(chan [2]int)
		results := make([][]Finding, n)
		var wg sync.WaitGroup
		for k := 0; k < n; k++ {
			wg.Add(1)
			go func(k int) {
				defer wg.Done()
				w := e.newWorker()
				defer w.close()
				for j := range jobs {
					for _, ft := range all[j[0]:j[1]] {
						if ctx.Err() != nil {
							break
						}
						fn(w, ft, &results[k])
					}
					done.Add(int64(j[1] - j[0]))
				}
			}(k)
		}
		finished := make(chan struct{})
		go func() { wg.Wait(); close(finished) }()
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
	feed:
		for s := 0; s < len(all); s += chunk {
			select {
			case jobs <- [2]int{s, min(s+chunk, len(all))}:
			case <-ctx.Done():
				break feed
			case <-tick.C:
				s -= chunk
				if progress != nil {
					progress(int(done.Load()), total)
				}
			}
		}
		close(jobs)
		for {
			select {
			case <-finished:
				var out []Finding
				for _, r := range results {
					out = append(out, r...)
				}
				return out, ctx.Err()
			case <-tick.C:
				if progress != nil {
					progress(int(done.Load()), total)
				}
			}
		}
	}

	if _, err := phase(func(w *worker, ft *feat, _ *[]Finding) { w.prepare(ft) }); err != nil {
		return nil, err
	}
	out, err := phase(func(w *worker, ft *feat, out *[]Finding) {
		w.checkFeature(ft, out)
		w.checkPairs(ft, nil, out)
	})
	if err != nil {
		return nil, err
	}
	out = append(out, e.checkDuplicates(nil)...)
	if progress != nil {
		progress(total, total)
	}
	finish(out)
	e.findings = out
	e.touched = map[ref]bool{}
	e.dirtyCodes = map[[2]string]bool{}
	e.ran = true
	return append([]Finding(nil), out...), nil
}

// Update tells the engine about an edit of table: features changed or added, and ids removed.
// The findings are brought up to date by Recheck.
func (e *Engine) Update(table string, changed []plan.Feature, removed []int64) {
	l := e.layers[table]
	if l == nil {
		return
	}
	isBlock := l.def.Role == plan.RoleBlock
	touchArea := func(b orb.Bound) {
		// A zone or constraint edit changes the unit checks of every block under it.
		for _, t := range e.blocks {
			e.layers[t].idx.search(b, func(o *feat) { e.touched[ref{t, o.f.ID}] = true })
		}
	}
	for _, id := range removed {
		if old := l.feats[id]; old != nil {
			if isBlock {
				e.indexCode(old, false)
				e.touched[ref{table, id}] = true
			} else {
				touchArea(old.b)
			}
		}
		delete(l.feats, id)
		l.idx.remove(id)
	}
	for _, f := range changed {
		if old := l.feats[f.ID]; old != nil {
			if isBlock {
				e.indexCode(old, false)
			} else {
				touchArea(old.b)
			}
		}
		ft := e.newFeat(l.def, f)
		if isBlock {
			e.indexCode(ft, true)
		}
		l.feats[f.ID] = ft
		if len(f.Geometry) > 0 {
			l.idx.set(ft)
		} else {
			l.idx.remove(f.ID)
		}
		if isBlock {
			e.touched[ref{table, f.ID}] = true
		} else {
			touchArea(ft.b)
		}
	}
	if !isBlock && e.local != nil {
		e.local.close()
		e.local = nil // its prepared zones are stale
	}
}

// Recheck re-runs the rules for the features Update touched and their pairs with neighbours,
// merges them into the previous findings and returns the full current list.
func (e *Engine) Recheck(ctx context.Context) ([]Finding, error) {
	if !e.ran {
		return e.Run(ctx, nil)
	}
	if e.local == nil {
		e.local = e.newWorker()
	}
	w := e.local
	var keep []Finding
	for _, f := range e.findings {
		if strings.HasPrefix(f.Key, "R11/dup") {
			// Every edit of a block dirties its code, so a duplicate stands until its code is.
			if len(f.Codes) > 0 && e.dirtyCodes[[2]string{f.Layer, strings.TrimSpace(f.Codes[0])}] {
				continue // recomputed below from the code index
			}
			keep = append(keep, f)
			continue
		}
		hit := false
		for _, r := range f.refs {
			if e.touched[r] {
				hit = true
				break
			}
		}
		if !hit {
			keep = append(keep, f)
		}
	}
	var touched []*feat
	for r := range e.touched {
		if ft := e.layers[r.table].feats[r.id]; ft != nil {
			touched = append(touched, ft)
		}
	}
	sort.Slice(touched, func(i, j int) bool {
		if touched[i].table != touched[j].table {
			return touched[i].table < touched[j].table
		}
		return touched[i].f.ID < touched[j].f.ID
	})
	for _, ft := range touched {
		w.prepare(ft)
	}
	seen := map[[2]ref]bool{}
	for _, ft := range touched {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		w.checkFeature(ft, &keep)
		w.checkPairs(ft, seen, &keep)
	}
	keep = append(keep, e.checkDuplicates(e.dirtyCodes)...)
	finish(keep)
	e.findings = keep
	e.touched = map[ref]bool{}
	e.dirtyCodes = map[[2]string]bool{}
	return append([]Finding(nil), keep...), nil
}

// finish sorts: errors first, then by rule and key (stable). It sorts positions, with the
// position as the last key (stable, and a plain sort is much faster than a stable one), and
// moves each finding once: a finding is large, and sorting 100,000 of them in place spends its
// time copying.
func finish(fs []Finding) {
	idx := make([]int32, len(fs))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(i, j int32) int {
		a, b := &fs[i], &fs[j]
		if ra, rb := a.Severity.rank(), b.Severity.rank(); ra != rb {
			return ra - rb
		}
		if c := strings.Compare(a.Rule, b.Rule); c != 0 {
			return c
		}
		if c := strings.Compare(a.Key, b.Key); c != 0 {
			return c
		}
		if c := strings.Compare(a.Message, b.Message); c != 0 {
			return c
		}
		return int(i - j)
	})
	sorted := make([]Finding, len(fs))
	for k, i := range idx {
		sorted[k] = fs[i]
	}
	copy(fs, sorted)
}

// degMargin converts a distance in metres into a lon/lat margin that is never too small at
// latitudes up to the bound's.
func degMargin(b orb.Bound, metres float64) (dlon, dlat float64) {
	lat := math.Min(89, math.Max(math.Abs(b.Min[1]), math.Abs(b.Max[1]))+0.1)
	dlat = metres / 110000 // a degree of latitude is ≥ 110 574 m
	dlon = metres / (111000 * math.Cos(lat*math.Pi/180))
	return dlon, dlat
}
