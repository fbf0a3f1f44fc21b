package validate

import (
	"cmp"
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// strTree is a static Sort-Tile-Recursive R-tree over feature bounds (orb's quadtree holds
// points only). After an edit the layer index marks stale ids dead and keeps the new features
// in a small side list instead of rebuilding (see layerIndex).
//
// It is stored flat, level by level, without pointers: a full check queries it once per block
// (120,000 times on a large plan), and walking contiguous arrays with an explicit stack is
// several times faster than chasing node pointers through a recursive closure, and leaves the
// garbage collector nothing to scan.
type strTree struct {
	items []strItem   // in packing order: each leaf covers a contiguous run
	level [][]strNode // level[0] are the leaves (ranges into items); level[k] ranges into level[k-1]
}

type strNode struct {
	b      orb.Bound
	lo, hi int32 // children: [lo, hi) in the level below, or in items for a leaf
}

const strCap = 16

type strItem struct {
	b  orb.Bound
	ft *feat
}

func newSTRTree(items []strItem) *strTree {
	t := &strTree{items: items}
	if len(items) == 0 {
		return t
	}
	cur := packLevel(items, func(i int) orb.Bound { return items[i].b })
	t.level = append(t.level, cur)
	for len(cur) > 1 {
		below := cur
		cur = packLevel(below, func(i int) orb.Bound { return below[i].b })
		t.level = append(t.level, cur)
	}
	return t
}

// packLevel orders the entries of s into vertical slices by x centre, each slice by y centre,
// and groups runs of strCap into nodes covering contiguous ranges of s.
func packLevel[T any](s []T, bound func(int) orb.Bound) []strNode {
	// Sort small (key, index) pairs and permute once: moving the entries themselves in the
	// sort costs more than the comparisons.
	type keyed struct {
		k float64
		i int32
	}
	n := len(s)
	ks := make([]keyed, n)
	for i := range ks {
		b := bound(i)
		ks[i] = keyed{b.Min[0] + b.Max[0], int32(i)}
	}
	byKey := func(a, b keyed) int {
		if c := cmp.Compare(a.k, b.k); c != 0 {
			return c
		}
		return cmp.Compare(a.i, b.i)
	}
	slices.SortFunc(ks, byKey)
	leaves := (n + strCap - 1) / strCap
	cols := 1
	for cols*cols < leaves {
		cols++
	}
	per := cols * strCap
	for st := 0; st < n; st += per {
		part := ks[st:min(st+per, n)]
		for j := range part {
			b := bound(int(part[j].i))
			part[j].k = b.Min[1] + b.Max[1]
		}
		slices.SortFunc(part, byKey)
	}
	sorted := make([]T, n)
	for j, k := range ks {
		sorted[j] = s[k.i]
	}
	copy(s, sorted)
	out := make([]strNode, 0, leaves)
	for g := 0; g < n; g += strCap {
		inf := math.Inf(1)
		nd := strNode{b: orb.Bound{Min: orb.Point{inf, inf}, Max: orb.Point{-inf, -inf}}, lo: int32(g), hi: int32(min(g+strCap, n))}
		for i := g; i < int(nd.hi); i++ {
			nd.b = unionBound(nd.b, bound(i))
		}
		out = append(out, nd)
	}
	return out
}

// unionBound is a.Union(b) for the bounds of the index, without orb's four Extends. A NaN in
// b is skipped rather than spread to the node (where it would hide every sibling from search).
func unionBound(a, b orb.Bound) orb.Bound {
	if b.Min[0] < a.Min[0] {
		a.Min[0] = b.Min[0]
	}
	if b.Min[1] < a.Min[1] {
		a.Min[1] = b.Min[1]
	}
	if b.Max[0] > a.Max[0] {
		a.Max[0] = b.Max[0]
	}
	if b.Max[1] > a.Max[1] {
		a.Max[1] = b.Max[1]
	}
	return a
}

func overlaps(a, b orb.Bound) bool {
	return a.Min[0] <= b.Max[0] && b.Min[0] <= a.Max[0] && a.Min[1] <= b.Max[1] && b.Min[1] <= a.Max[1]
}

// search calls fn for every feature whose bound touches or overlaps q.
func (t *strTree) search(q orb.Bound, fn func(ft *feat)) {
	if len(t.level) == 0 {
		return
	}
	type entry struct{ lv, i int32 }
	var stackBuf [64]entry
	stack := stackBuf[:0]
	top := len(t.level) - 1
	for i := range t.level[top] {
		stack = append(stack, entry{int32(top), int32(i)})
	}
	for len(stack) > 0 {
		e := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		n := &t.level[e.lv][e.i]
		if !overlaps(n.b, q) {
			continue
		}
		if e.lv == 0 {
			for k := n.lo; k < n.hi; k++ {
				if it := &t.items[k]; overlaps(it.b, q) {
					fn(it.ft)
				}
			}
			continue
		}
		for k := n.lo; k < n.hi; k++ {
			stack = append(stack, entry{e.lv - 1, k})
		}
	}
}

// spatial is a static index of feature bounds: search calls fn for every feature whose bound
// touches or overlaps q; all lists the features, neighbours in space near each other.
type spatial interface {
	search(q orb.Bound, fn func(ft *feat))
	all() []strItem
}

func (t *strTree) all() []strItem { return t.items }

// layerIndex is a static index plus the edits since it was built.
type layerIndex struct {
	tree  spatial
	dead  map[int64]bool  // ids whose tree entry is stale
	extra map[int64]*feat // features added or changed since the build, by id
}

// newLayerIndex indexes a layer: a grid for a large layer of small features (blocks), where a
// query looks at a handful of cells instead of descending an R-tree; an STR tree otherwise
// (zones, constraints: few features, some of them vast).
func newLayerIndex(items []strItem) *layerIndex {
	var sp spatial
	if len(items) >= gridMin {
		if g := newGrid(items); g != nil {
			sp = g
		}
	}
	if sp == nil {
		sp = newSTRTree(items)
	}
	return &layerIndex{tree: sp, dead: map[int64]bool{}, extra: map[int64]*feat{}}
}

func (x *layerIndex) search(q orb.Bound, fn func(ft *feat)) {
	if len(x.dead) == 0 {
		x.tree.search(q, fn)
	} else {
		x.tree.search(q, func(ft *feat) {
			if !x.dead[ft.f.ID] {
				fn(ft)
			}
		})
	}
	for _, ft := range x.extra {
		if overlaps(ft.b, q) {
			fn(ft)
		}
	}
}

func (x *layerIndex) set(ft *feat) {
	x.dead[ft.f.ID] = true
	x.extra[ft.f.ID] = ft
}

func (x *layerIndex) remove(id int64) {
	x.dead[id] = true
	delete(x.extra, id)
}

// gridMin is the layer size from which a grid is tried.
const gridMin = 2048

// grid is a uniform grid over a layer's extent. Every feature is listed in each cell its bound
// covers and reported from one of them only (the first cell the query and the bound share), so
// a search visits the few cells under the query. Features covering many cells, and any with a
// NaN in their bound, are kept aside in big and tested on every search.
type grid struct {
	items  []strItem // ordered by first cell, row by row
	first  [][2]int32
	x0, y0 float64
	cw, ch float64
	nx, ny int
	start  []int32 // cell c lists refs[start[c]:start[c+1]]
	refs   []int32 // indices into items
	big    []int32
}

// maxSpan is the most cells a feature may cover in the grid's lists; maxBig is the most
// features kept aside before the grid is not worth it.
const (
	maxSpan = 64
	maxBig  = 64
)

func plainBound(b orb.Bound) bool {
	for _, v := range [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return b.Min[0] <= b.Max[0] && b.Min[1] <= b.Max[1]
}

// newGrid builds the grid, or returns nil when the layer does not suit one (features too
// large or too many without a plain bound).
func newGrid(items []strItem) *grid {
	inf := math.Inf(1)
	ext := orb.Bound{Min: orb.Point{inf, inf}, Max: orb.Point{-inf, -inf}}
	var sw, sh float64
	n := 0
	for _, it := range items {
		if !plainBound(it.b) {
			continue
		}
		ext = unionBound(ext, it.b)
		sw += it.b.Max[0] - it.b.Min[0]
		sh += it.b.Max[1] - it.b.Min[1]
		n++
	}
	if n == 0 {
		return nil
	}
	w, h := ext.Max[0]-ext.Min[0], ext.Max[1]-ext.Min[1]
	// Cells about the size of a feature, at most 2048 along a side and 4 per feature.
	cw := max(sw/float64(n), w/2048)
	ch := max(sh/float64(n), h/2048)
	if cw <= 0 {
		cw = max(w, 1)
	}
	if ch <= 0 {
		ch = max(h, 1)
	}
	nx, ny := int(w/cw)+1, int(h/ch)+1
	if cells := float64(nx) * float64(ny); cells > 4*float64(len(items)) {
		f := math.Sqrt(cells / (4 * float64(len(items))))
		cw, ch = cw*f, ch*f
		nx, ny = int(w/cw)+1, int(h/ch)+1
	}
	g := &grid{x0: ext.Min[0], y0: ext.Min[1], cw: cw, ch: ch, nx: nx, ny: ny}
	// Order the items by first cell (a counting sort), the big ones last.
	key := make([]int32, len(items))
	count := make([]int32, nx*ny+1)
	nbig := 0
	for i, it := range items {
		cx0, cy0, cx1, cy1, ok := g.cells(it.b)
		if !ok || (cx1-cx0+1)*(cy1-cy0+1) > maxSpan {
			key[i] = int32(nx * ny)
			nbig++
		} else {
			key[i] = int32(cy0*nx + cx0)
		}
		count[key[i]]++
	}
	if nbig > maxBig {
		return nil
	}
	pos := make([]int32, nx*ny+1)
	for c := 1; c <= nx*ny; c++ {
		pos[c] = pos[c-1] + count[c-1]
	}
	sorted := make([]strItem, len(items))
	for i, it := range items {
		sorted[pos[key[i]]] = it
		pos[key[i]]++
	}
	copy(items, sorted)
	g.items = items
	// Cell lists.
	g.first = make([][2]int32, len(items))
	g.start = make([]int32, nx*ny+1)
	for i, it := range items {
		cx0, cy0, cx1, cy1, ok := g.cells(it.b)
		if !ok || (cx1-cx0+1)*(cy1-cy0+1) > maxSpan {
			g.big = append(g.big, int32(i))
			continue
		}
		g.first[i] = [2]int32{int32(cx0), int32(cy0)}
		for cy := cy0; cy <= cy1; cy++ {
			for cx := cx0; cx <= cx1; cx++ {
				g.start[cy*nx+cx+1]++
			}
		}
	}
	for c := 1; c <= nx*ny; c++ {
		g.start[c] += g.start[c-1]
	}
	g.refs = make([]int32, g.start[nx*ny])
	fill := append([]int32(nil), g.start[:nx*ny]...)
	for i, it := range items {
		cx0, cy0, cx1, cy1, ok := g.cells(it.b)
		if !ok || (cx1-cx0+1)*(cy1-cy0+1) > maxSpan {
			continue
		}
		for cy := cy0; cy <= cy1; cy++ {
			for cx := cx0; cx <= cx1; cx++ {
				c := cy*nx + cx
				g.refs[fill[c]] = int32(i)
				fill[c]++
			}
		}
	}
	return g
}

// cells is the range of cells b covers, clamped to the grid; ok is false for a bound that is
// not plain (NaN, infinite or inverted).
func (g *grid) cells(b orb.Bound) (cx0, cy0, cx1, cy1 int, ok bool) {
	if !plainBound(b) {
		return 0, 0, 0, 0, false
	}
	cell := func(v, o, size float64, n int) int {
		f := (v - o) / size
		switch {
		case f < 0:
			return 0
		case f >= float64(n-1):
			return n - 1
		}
		return int(f)
	}
	return cell(b.Min[0], g.x0, g.cw, g.nx), cell(b.Min[1], g.y0, g.ch, g.ny),
		cell(b.Max[0], g.x0, g.cw, g.nx), cell(b.Max[1], g.y0, g.ch, g.ny), true
}

func (g *grid) all() []strItem { return g.items }

func (g *grid) search(q orb.Bound, fn func(ft *feat)) {
	qx0, qy0, qx1, qy1, ok := g.cells(q)
	if !ok {
		// A query with a NaN matches nothing; an inverted one is answered the slow way, as the
		// tree would answer it.
		for _, it := range g.items {
			if overlaps(it.b, q) {
				fn(it.ft)
			}
		}
		return
	}
	for cy := qy0; cy <= qy1; cy++ {
		for cx := qx0; cx <= qx1; cx++ {
			c := cy*g.nx + cx
			for _, i := range g.refs[g.start[c]:g.start[c+1]] {
				// Report from the first cell the feature and the query share only.
				if f := g.first[i]; cx != max(int(f[0]), qx0) || cy != max(int(f[1]), qy0) {
					continue
				}
				if it := &g.items[i]; overlaps(it.b, q) {
					fn(it.ft)
				}
			}
		}
	}
	for _, i := range g.big {
		if it := &g.items[i]; overlaps(it.b, q) {
			fn(it.ft)
		}
	}
}
