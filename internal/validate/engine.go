package validate

import (
	"context"
	"fmt"
	"math"
	"runtime"
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

// feat is one feature with what the checks compute about it once.
type feat struct {
	f     plan.Feature
	b     orb.Bound
	table string
	code  string
	kind  plan.BlockKind // blocks only

	// Filled by prepare (blocks only); read-only afterwards.
	prepared bool
	valid    bool
	reason   string
	where    orb.Point
	areaM2   float64
	coal     bool
	zone     int              // GK zone of the bound's centre
	metric   orb.MultiPolygon // mining blocks: in zone, minus the zone's local origin
	metricB  orb.Bound
	metricOK bool
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
	cat      *plan.Catalog
	meta     plan.Meta
	rules    Rules
	layers   map[string]*layer
	blocks   []string // block tables, in catalog order
	findings []Finding
	touched  map[ref]bool
	ran      bool // Recheck needs the facts of a full Run
	// codes indexes block codes (table → QKBH → ids) for R11 duplicates; dirtyCodes are the
	// codes an edit touched since the last check.
	codes      map[string]map[string]map[int64]bool
	dirtyCodes map[[2]string]bool
	local      *worker // for Recheck; reset when zones change
}

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
		codes: map[string]map[string]map[int64]bool{}, dirtyCodes: map[[2]string]bool{}}
	for _, def := range cat.Layers {
		l := &layer{def: def, feats: map[int64]*feat{}}
		var items []strItem
		for _, f := range in.Layers[def.Table] {
			ft := e.newFeat(def, f)
			l.feats[f.ID] = ft
			if len(f.Geometry) > 0 {
				items = append(items, strItem{b: ft.b, id: f.ID})
			}
		}
		l.idx = newLayerIndex(items)
		e.layers[def.Table] = l
		if def.Role == plan.RoleBlock {
			e.blocks = append(e.blocks, def.Table)
			e.codes[def.Table] = map[string]map[int64]bool{}
			for _, ft := range l.feats {
				e.indexCode(ft, true)
			}
		}
	}
	return e
}

// indexCode adds or removes a block's code in the duplicate index and marks it dirty.
func (e *Engine) indexCode(ft *feat, add bool) {
	c := strings.TrimSpace(ft.code)
	if c == "" {
		return
	}
	byCode := e.codes[ft.table]
	if add {
		if byCode[c] == nil {
			byCode[c] = map[int64]bool{}
		}
		byCode[c][ft.f.ID] = true
	} else {
		delete(byCode[c], ft.f.ID)
		if len(byCode[c]) == 0 {
			delete(byCode, c)
		}
	}
	e.dirtyCodes[[2]string{ft.table, c}] = true
}

func (e *Engine) newFeat(def plan.LayerDef, f plan.Feature) *feat {
	ft := &feat{f: f, table: def.Table, kind: def.Kind}
	if len(f.Geometry) > 0 {
		ft.b = f.Geometry.Bound()
	}
	if def.Role == plan.RoleBlock {
		ft.code = f.Attrs.String("QKBH")
	} else {
		ft.code = f.Attrs.String("QYBH")
	}
	return ft
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
}

func (e *Engine) newWorker() *worker {
	d := topo.NewContext(topo.GridDegree)
	return &worker{e: e, deg: d, met: d.WithGrid(topo.GridMetre), fwd: map[int]*crs.Transformer{},
		inv: map[int]*crs.Transformer{}, prep: map[ref]*topo.Prepared{}, bad: map[ref]bool{}}
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
	ft.prepared = true
	ft.valid, ft.reason, ft.where = w.deg.Validity(ft.f.Geometry)
	ft.areaM2 = crs.EllipsoidalArea(ft.f.Geometry)
	for _, m := range minerals(ft.f.Attrs.String("KZ")) {
		if w.e.mineral(m).Class == plan.ClassCoal && m != "地热" {
			ft.coal = true
		}
	}
	if !ft.valid {
		return
	}
	ft.zone = crs.ZoneOf((ft.b.Min[0] + ft.b.Max[0]) / 2)
	if ft.kind == plan.Mining && w.e.rules.on("R04") {
		m, err := w.toMetric(ft.f.Geometry, ft.zone)
		if err == nil {
			ft.metric, ft.metricB, ft.metricOK = m, m.Bound(), true
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

// blockRefs lists every block feature in a stable order.
func (e *Engine) blockRefs() []*feat {
	var out []*feat
	for _, t := range e.blocks {
		l := e.layers[t]
		ids := make([]int64, 0, len(l.feats))
		for id := range l.feats {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		for _, id := range ids {
			out = append(out, l.feats[id])
		}
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
			e.layers[t].idx.search(b, func(id int64) { e.touched[ref{t, id}] = true })
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
			l.idx.set(f.ID, ft.b)
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

// finish fills keys and hashes and sorts: errors first, then by rule and key.
func finish(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := &fs[i], &fs[j]
		if a.Severity.rank() != b.Severity.rank() {
			return a.Severity.rank() < b.Severity.rank()
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		if a.Key != b.Key {
			return a.Key < b.Key
		}
		return a.Message < b.Message
	})
}

// degMargin converts a distance in metres into a lon/lat margin that is never too small at
// latitudes up to the bound's.
func degMargin(b orb.Bound, metres float64) (dlon, dlat float64) {
	lat := math.Min(89, math.Max(math.Abs(b.Min[1]), math.Abs(b.Max[1]))+0.1)
	dlat = metres / 110000 // a degree of latitude is ≥ 110 574 m
	dlon = metres / (111000 * math.Cos(lat*math.Pi/180))
	return dlon, dlat
}
