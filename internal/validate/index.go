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

// layerIndex is a strTree plus the edits since it was built.
type layerIndex struct {
	tree  *strTree
	dead  map[int64]bool  // ids whose tree entry is stale
	extra map[int64]*feat // features added or changed since the build, by id
}

func newLayerIndex(items []strItem) *layerIndex {
	return &layerIndex{tree: newSTRTree(items), dead: map[int64]bool{}, extra: map[int64]*feat{}}
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
