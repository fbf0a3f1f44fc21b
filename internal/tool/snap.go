package tool

import (
	"math"
	"sync"

	"github.com/paulmach/orb"

	"kuanggui/internal/plan"
)

// SnapKind is what the cursor snapped to.
type SnapKind int

const (
	SnapNone SnapKind = iota
	SnapVertex
	SnapEdge
	SnapGrid
)

func (k SnapKind) String() string {
	switch k {
	case SnapVertex:
		return "vertex"
	case SnapEdge:
		return "edge"
	case SnapGrid:
		return "grid"
	}
	return "none"
}

// SnapResult is a snapped cursor position. With Kind SnapNone, Point is the input point.
type SnapResult struct {
	Point orb.Point
	Kind  SnapKind
	// Ref is the feature snapped to (vertex and edge only).
	Ref Ref
}

// Defaults of a new Snapper.
const (
	DefaultTolerancePixels = 10
	// MinuteStep is the basic-unit grid: 1′ of longitude and latitude.
	MinuteStep = 1.0 / 60
)

// Snapper snaps points to the vertices and edges of the visible layers and to the basic-unit
// grid. It keeps every layer's ring segments in a uniform grid index over segment bounds, so a
// query reads only the few cells around the cursor, and one feature can be replaced without a
// rebuild. The caller keeps it in step with the document: SetLayer on load, Update/Remove after
// each applied change (tools never do this, since they do not apply their commands).
//
// Priority: a vertex within tolerance beats an edge within tolerance, which beats the grid.
// Grid snapping, when on, is not limited by the tolerance: every point not caught by a vertex or
// edge goes to the nearest grid node, so blocks drawn with it are made of whole basic cells.
//
// A Snapper is safe for concurrent use.
type Snapper struct {
	mu sync.RWMutex
	// tolPx is the snap tolerance in pixels.
	tolPx float64
	// step is the grid spacing in degrees.
	step float64
	grid bool
	// off suspends vertex and edge snapping (the toolbar toggle); the grid is separate.
	off bool

	layerIdx map[string]int32
	visible  []bool
	feats    []snapFeat
	free     []int32
	// ids maps feature id to slot, one map per layer index (int64 keys hash faster than Ref).
	ids []map[int64]int32
	idx *segGrid
}

type snapFeat struct {
	ref   Ref
	layer int32
	live  bool
	large bool // some segment is in idx.large
	pts   []orb.Point
	segs  []int32 // segment s runs pts[s] → pts[s+1]
}

// NewSnapper returns an empty snapper with a 10 px tolerance, the 1′ grid off.
func NewSnapper() *Snapper {
	return &Snapper{tolPx: DefaultTolerancePixels, step: MinuteStep, layerIdx: map[string]int32{}}
}

// SetTolerancePixels sets the snap tolerance in screen pixels (values ≤ 0 are ignored).
func (s *Snapper) SetTolerancePixels(px float64) {
	if !(px > 0) || math.IsInf(px, 0) {
		return
	}
	s.mu.Lock()
	s.tolPx = px
	s.mu.Unlock()
}

// TolerancePixels returns the snap tolerance in pixels.
func (s *Snapper) TolerancePixels() float64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.tolPx
}

// SetGrid turns snapping to the basic-unit grid on or off (the toolbar toggle).
func (s *Snapper) SetGrid(on bool) {
	s.mu.Lock()
	s.grid = on
	s.mu.Unlock()
}

// SetEnabled turns vertex and edge snapping on or off (the toolbar toggle; on by default).
func (s *Snapper) SetEnabled(on bool) {
	s.mu.Lock()
	s.off = !on
	s.mu.Unlock()
}

// Enabled reports whether vertex and edge snapping is on.
func (s *Snapper) Enabled() bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return !s.off
}

// Grid reports whether grid snapping is on.
func (s *Snapper) Grid() bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.grid
}

// SetGridStep changes the grid spacing in degrees (values ≤ 0 are ignored).
func (s *Snapper) SetGridStep(deg float64) {
	if !(deg > 0) || math.IsInf(deg, 0) {
		return
	}
	s.mu.Lock()
	s.step = deg
	s.mu.Unlock()
}

// GridDefault says whether grid snapping should start on when def is the layer being edited:
// exploration blocks are made of 1′ basic cells.
func GridDefault(def plan.LayerDef) bool {
	return def.Role == plan.RoleBlock && def.Kind == plan.Exploration
}

// SetVisible turns snapping to layer on or off (hidden layers are not snapped to).
func (s *Snapper) SetVisible(layer string, on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.visible[s.layerOf(layer)] = on
}

// layerOf returns the index of layer, adding it (visible) if new. Caller holds mu.
func (s *Snapper) layerOf(layer string) int32 {
	if i, ok := s.layerIdx[layer]; ok {
		return i
	}
	i := int32(len(s.visible))
	s.layerIdx[layer] = i
	s.visible = append(s.visible, true)
	s.ids = append(s.ids, map[int64]int32{})
	return i
}

// SetLayer replaces every feature of layer and rebuilds the index over all layers, sized to
// their extent.
func (s *Snapper) SetLayer(layer string, fs []plan.Feature) {
	s.mu.Lock()
	defer s.mu.Unlock()
	li := s.layerOf(layer)
	// Keep the other layers' features, drop this layer's, compact the slots.
	old := s.feats
	s.feats = make([]snapFeat, 0, len(old)+len(fs))
	s.free = nil
	for l := range s.ids {
		n := len(s.ids[l])
		if int32(l) == li {
			n = len(fs)
		}
		s.ids[l] = make(map[int64]int32, n)
	}
	for _, f := range old {
		if f.live && f.layer != li {
			f.large = false
			s.ids[f.layer][f.ref.ID] = int32(len(s.feats))
			s.feats = append(s.feats, f)
		}
	}
	for _, f := range fs {
		sf, ok := flatten(Ref{layer, f.ID}, li, f.Geometry)
		if !ok {
			continue
		}
		if prev, dup := s.ids[li][f.ID]; dup {
			s.feats[prev] = sf // a repeated id: the last one wins, as in Update
			continue
		}
		s.ids[li][f.ID] = int32(len(s.feats))
		s.feats = append(s.feats, sf)
	}
	s.rebuild()
}

// Update inserts or replaces one feature of layer.
func (s *Snapper) Update(layer string, f plan.Feature) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ref := Ref{layer, f.ID}
	s.remove(ref)
	li := s.layerOf(layer)
	sf, ok := flatten(ref, li, f.Geometry)
	if !ok {
		return
	}
	var slot int32
	if n := len(s.free); n > 0 {
		slot = s.free[n-1]
		s.free = s.free[:n-1]
		s.feats[slot] = sf
	} else {
		slot = int32(len(s.feats))
		s.feats = append(s.feats, sf)
	}
	s.ids[li][f.ID] = slot
	if s.idx == nil {
		s.rebuild()
		return
	}
	s.idx.insert(s, slot)
}

// Remove drops one feature.
func (s *Snapper) Remove(layer string, id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.remove(Ref{layer, id})
}

func (s *Snapper) remove(ref Ref) {
	li, ok := s.layerIdx[ref.Layer]
	if !ok {
		return
	}
	slot, ok := s.ids[li][ref.ID]
	if !ok {
		return
	}
	delete(s.ids[li], ref.ID)
	if s.idx != nil {
		s.idx.delete(s, slot)
	}
	s.feats[slot] = snapFeat{}
	s.free = append(s.free, slot)
}

// Len returns the number of indexed features.
func (s *Snapper) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	n := 0
	for _, m := range s.ids {
		n += len(m)
	}
	return n
}

// flatten lays out a geometry's rings as one point list and the indices of its segments.
// Segments with a non-finite end are left out; a geometry without segments is not indexed.
func flatten(ref Ref, layer int32, mp orb.MultiPolygon) (snapFeat, bool) {
	sf := snapFeat{ref: ref, layer: layer, live: true}
	for _, poly := range mp {
		for _, r := range poly {
			if len(r) == 0 {
				continue
			}
			start := int32(len(sf.pts))
			sf.pts = append(sf.pts, r...)
			if r[0] != r[len(r)-1] {
				sf.pts = append(sf.pts, r[0])
			}
			for k := start; k+1 < int32(len(sf.pts)); k++ {
				if finitePoint(sf.pts[k]) && finitePoint(sf.pts[k+1]) {
					sf.segs = append(sf.segs, k)
				}
			}
		}
	}
	return sf, len(sf.segs) > 0
}

// rebuild sizes a new index to the extent of every feature and fills it. Caller holds mu.
func (s *Snapper) rebuild() {
	var ext orb.Bound
	first := true
	nseg := 0
	for i := range s.feats {
		f := &s.feats[i]
		if !f.live {
			continue
		}
		for _, p := range f.pts {
			if !finitePoint(p) {
				continue
			}
			if first {
				ext, first = orb.Bound{Min: p, Max: p}, false
			} else {
				ext = ext.Extend(p)
			}
		}
		nseg += len(f.segs)
	}
	if first {
		s.idx = nil
		return
	}
	s.idx = newSegGrid(ext, nseg)
	s.idx.bulk(s)
}

// SnapAt snaps an event's position with the snapper's tolerance and grid setting; a held Ctrl
// or Alt suspends snapping. skip lists features not to snap to (the ones being edited). A nil
// Snapper does not snap.
func (s *Snapper) SnapAt(ev Event, skip ...Ref) SnapResult {
	p := ev.Point()
	if s == nil || ev.suspendSnap() {
		return SnapResult{Point: p}
	}
	s.mu.RLock()
	tol, grid := s.tolPx*ev.px(), s.grid
	if s.off {
		tol = 0
	}
	s.mu.RUnlock()
	return s.SnapExcept(ev.X, ev.Y, tol, grid, skip)
}

// SnapAtNoGrid is SnapAt with the grid left out (vertices and edges only).
func (s *Snapper) SnapAtNoGrid(ev Event, skip ...Ref) SnapResult {
	p := ev.Point()
	if s == nil || ev.suspendSnap() {
		return SnapResult{Point: p}
	}
	s.mu.RLock()
	tol := s.tolPx * ev.px()
	if s.off {
		tol = 0
	}
	s.mu.RUnlock()
	return s.SnapExcept(ev.X, ev.Y, tol, false, skip)
}

// Snap snaps (x, y) to the nearest visible vertex within tol map units, else the nearest edge
// within tol, else (grid on) the nearest grid node. With the grid on, only a vertex that is
// itself a grid node wins over the grid: an exploration block is made of whole basic cells, and
// a point on a zone's edge between nodes would break that.
func (s *Snapper) Snap(x, y, tol float64, grid bool) SnapResult {
	return s.SnapExcept(x, y, tol, grid, nil)
}

// SnapExcept is Snap ignoring the features in skip.
func (s *Snapper) SnapExcept(x, y, tol float64, grid bool, skip []Ref) SnapResult {
	p := orb.Point{x, y}
	if !finitePoint(p) {
		return SnapResult{Point: p}
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.idx != nil && tol > 0 && !math.IsInf(tol, 0) {
		if r, ok := s.idx.nearest(s, p, tol, skip); ok {
			if !grid || s.step <= 0 || (r.Kind == SnapVertex && onGrid(r.Point, s.step)) {
				return r
			}
		}
	}
	if grid && s.step > 0 {
		g := orb.Point{snapGrid(x, s.step), snapGrid(y, s.step)}
		return SnapResult{Point: g, Kind: SnapGrid}
	}
	return SnapResult{Point: p}
}

func onGrid(p orb.Point, step float64) bool {
	return math.Abs(snapGrid(p[0], step)-p[0]) < 1e-9 && math.Abs(snapGrid(p[1], step)-p[1]) < 1e-9
}

// snapGrid rounds v to the nearest multiple of step, computed as k/n when step is 1/n so that a
// minute is exactly float64(k)/60.
func snapGrid(v, step float64) float64 {
	inv := 1 / step
	if n := math.Round(inv); math.Abs(inv-n) < 1e-9 {
		return math.Round(v*n) / n
	}
	return math.Round(v/step) * step
}

// segGrid is a uniform grid over the bounds of ring segments. A grid rather than a packed
// R-tree because editing replaces one feature at a time, which here is O(cells it covers).
// Cells are clamped at the border, so geometry moved outside the built extent still lands in
// the border cells and is found.
type segGrid struct {
	ext    orb.Bound
	nx, ny int
	cw, ch float64
	cells  [][]segRef
	large  []segRef // segments spanning too many cells to list in each
}

type segRef struct {
	feat int32
	seg  int32
}

// maxGridSide bounds the grid at 512×512 cells (6 MB of slice headers).
const maxGridSide = 512

// maxCellsPerSegment sends a long segment to the large list.
const maxCellsPerSegment = 64

func newSegGrid(ext orb.Bound, nseg int) *segGrid {
	w, h := ext.Max[0]-ext.Min[0], ext.Max[1]-ext.Min[1]
	if !(w > 1e-9) {
		w = 1e-9
	}
	if !(h > 1e-9) {
		h = 1e-9
	}
	// About two segments per cell.
	cells := math.Max(1, math.Min(float64(nseg)/2, maxGridSide*maxGridSide))
	cs := math.Sqrt(w * h / cells)
	g := &segGrid{ext: ext}
	g.nx = int(math.Min(maxGridSide, math.Max(1, math.Ceil(w/cs))))
	g.ny = int(math.Min(maxGridSide, math.Max(1, math.Ceil(h/cs))))
	g.cw, g.ch = w/float64(g.nx), h/float64(g.ny)
	g.cells = make([][]segRef, g.nx*g.ny)
	return g
}

func clampCell(v float64, n int) int {
	if !(v > 0) { // NaN too
		return 0
	}
	if v >= float64(n-1) {
		return n - 1
	}
	return int(v)
}

func (g *segGrid) cellRange(minx, miny, maxx, maxy float64) (i0, j0, i1, j1 int) {
	i0 = clampCell((minx-g.ext.Min[0])/g.cw, g.nx)
	i1 = clampCell((maxx-g.ext.Min[0])/g.cw, g.nx)
	j0 = clampCell((miny-g.ext.Min[1])/g.ch, g.ny)
	j1 = clampCell((maxy-g.ext.Min[1])/g.ch, g.ny)
	return
}

func (g *segGrid) segRange(a, b orb.Point) (i0, j0, i1, j1 int) {
	return g.cellRange(math.Min(a[0], b[0]), math.Min(a[1], b[1]), math.Max(a[0], b[0]), math.Max(a[1], b[1]))
}

// bulk fills the grid in two passes — count, then place into one backing array — to avoid a
// small allocation per cell. Each cell's slice has exactly its capacity, so a later insert
// reallocates only that cell.
func (g *segGrid) bulk(s *Snapper) {
	counts := make([]int32, len(g.cells))
	for fi := range s.feats {
		f := &s.feats[fi]
		if !f.live {
			continue
		}
		for _, sg := range f.segs {
			i0, j0, i1, j1 := g.segRange(f.pts[sg], f.pts[sg+1])
			if (i1-i0+1)*(j1-j0+1) > maxCellsPerSegment {
				continue
			}
			for j := j0; j <= j1; j++ {
				for i := i0; i <= i1; i++ {
					counts[j*g.nx+i]++
				}
			}
		}
	}
	total := 0
	for _, c := range counts {
		total += int(c)
	}
	backing := make([]segRef, total)
	off := 0
	for c, n := range counts {
		g.cells[c] = backing[off : off : off+int(n)]
		off += int(n)
	}
	for fi := range s.feats {
		if s.feats[fi].live {
			g.insert(s, int32(fi))
		}
	}
}

func (g *segGrid) insert(s *Snapper, slot int32) {
	f := &s.feats[slot]
	for _, sg := range f.segs {
		r := segRef{slot, sg}
		i0, j0, i1, j1 := g.segRange(f.pts[sg], f.pts[sg+1])
		if (i1-i0+1)*(j1-j0+1) > maxCellsPerSegment {
			g.large = append(g.large, r)
			f.large = true
			continue
		}
		for j := j0; j <= j1; j++ {
			for i := i0; i <= i1; i++ {
				c := j*g.nx + i
				g.cells[c] = append(g.cells[c], r)
			}
		}
	}
}

func (g *segGrid) delete(s *Snapper, slot int32) {
	f := &s.feats[slot]
	drop := func(list []segRef) []segRef {
		out := list[:0]
		for _, r := range list {
			if r.feat != slot {
				out = append(out, r)
			}
		}
		return out
	}
	for _, sg := range f.segs {
		i0, j0, i1, j1 := g.segRange(f.pts[sg], f.pts[sg+1])
		if (i1-i0+1)*(j1-j0+1) > maxCellsPerSegment {
			continue
		}
		for j := j0; j <= j1; j++ {
			for i := i0; i <= i1; i++ {
				c := j*g.nx + i
				g.cells[c] = drop(g.cells[c])
			}
		}
	}
	if f.large {
		g.large = drop(g.large)
	}
}

// nearest finds the nearest vertex within tol of p, else the nearest edge point within tol.
func (g *segGrid) nearest(s *Snapper, p orb.Point, tol float64, skip []Ref) (SnapResult, bool) {
	bestV, bestE := tol, tol
	var vRes, eRes SnapResult
	foundV, foundE := false, false
	visit := func(r segRef) {
		f := &s.feats[r.feat]
		if !f.live || !s.visible[f.layer] || (len(skip) > 0 && containsRef(skip, f.ref)) {
			return
		}
		a, b := f.pts[r.seg], f.pts[r.seg+1]
		// Cheap reject on the segment's bound grown by the current best distance.
		// bestV, not bestE: a vertex anywhere within tolerance beats any edge.
		best := bestV
		if p[0] < math.Min(a[0], b[0])-best || p[0] > math.Max(a[0], b[0])+best ||
			p[1] < math.Min(a[1], b[1])-best || p[1] > math.Max(a[1], b[1])+best {
			return
		}
		for _, v := range [2]orb.Point{a, b} {
			if d := dist(p, v); d <= bestV {
				bestV, vRes, foundV = d, SnapResult{Point: v, Kind: SnapVertex, Ref: f.ref}, true
			}
		}
		if !foundV {
			c := closestOnSegment(p, a, b)
			if d := dist(p, c); d <= bestE {
				bestE, eRes, foundE = d, SnapResult{Point: c, Kind: SnapEdge, Ref: f.ref}, true
			}
		}
	}
	i0, j0, i1, j1 := g.cellRange(p[0]-tol, p[1]-tol, p[0]+tol, p[1]+tol)
	for j := j0; j <= j1; j++ {
		for i := i0; i <= i1; i++ {
			for _, r := range g.cells[j*g.nx+i] {
				visit(r)
			}
		}
	}
	for _, r := range g.large {
		visit(r)
	}
	if foundV {
		return vRes, true
	}
	return eRes, foundE
}
