package validate

import (
	"sort"

	"github.com/paulmach/orb"
)

// strTree is a static Sort-Tile-Recursive R-tree over bounds (orb's quadtree holds points only).
// Items are int64 ids; after an edit the layer index marks stale ids dead and keeps the new
// bounds in a small side list instead of rebuilding (see layerIndex).
type strTree struct {
	root *strNode
}

type strNode struct {
	b     orb.Bound
	kids  []*strNode
	ids   []int64
	items []orb.Bound
}

const strCap = 16

type strItem struct {
	b  orb.Bound
	id int64
}

func newSTRTree(items []strItem) *strTree {
	if len(items) == 0 {
		return &strTree{}
	}
	// Leaves.
	nodes := packLevel(items, func(group []strItem) *strNode {
		n := &strNode{b: group[0].b}
		for _, it := range group {
			n.b = n.b.Union(it.b)
			n.ids = append(n.ids, it.id)
			n.items = append(n.items, it.b)
		}
		return n
	})
	for len(nodes) > 1 {
		up := make([]strItem, len(nodes))
		for i, n := range nodes {
			up[i] = strItem{b: n.b, id: int64(i)}
		}
		level := nodes
		nodes = packLevel(up, func(group []strItem) *strNode {
			n := &strNode{b: group[0].b}
			for _, it := range group {
				n.b = n.b.Union(it.b)
				n.kids = append(n.kids, level[it.id])
			}
			return n
		})
	}
	return &strTree{root: nodes[0]}
}

// packLevel sorts items into vertical slices by x centre, each slice by y centre, and groups runs
// of strCap into nodes.
func packLevel(items []strItem, mk func([]strItem) *strNode) []*strNode {
	cx := func(b orb.Bound) float64 { return b.Min[0] + b.Max[0] }
	cy := func(b orb.Bound) float64 { return b.Min[1] + b.Max[1] }
	sort.Slice(items, func(i, j int) bool { return cx(items[i].b) < cx(items[j].b) })
	leaves := (len(items) + strCap - 1) / strCap
	slices := 1
	for slices*slices < leaves {
		slices++
	}
	per := slices * strCap
	var out []*strNode
	for s := 0; s < len(items); s += per {
		e := min(s+per, len(items))
		sl := items[s:e]
		sort.Slice(sl, func(i, j int) bool { return cy(sl[i].b) < cy(sl[j].b) })
		for g := 0; g < len(sl); g += strCap {
			out = append(out, mk(sl[g:min(g+strCap, len(sl))]))
		}
	}
	return out
}

func overlaps(a, b orb.Bound) bool {
	return a.Min[0] <= b.Max[0] && b.Min[0] <= a.Max[0] && a.Min[1] <= b.Max[1] && b.Min[1] <= a.Max[1]
}

// search calls fn for every id whose bound touches or overlaps q.
func (t *strTree) search(q orb.Bound, fn func(id int64)) {
	if t.root == nil {
		return
	}
	var walk func(n *strNode)
	walk = func(n *strNode) {
		if !overlaps(n.b, q) {
			return
		}
		for _, k := range n.kids {
			walk(k)
		}
		for i, b := range n.items {
			if overlaps(b, q) {
				fn(n.ids[i])
			}
		}
	}
	walk(t.root)
}

// layerIndex is a strTree plus the edits since it was built.
type layerIndex struct {
	tree  *strTree
	dead  map[int64]bool      // ids whose tree entry is stale
	extra map[int64]orb.Bound // current bounds of ids added or changed since the build
}

func newLayerIndex(items []strItem) *layerIndex {
	return &layerIndex{tree: newSTRTree(items), dead: map[int64]bool{}, extra: map[int64]orb.Bound{}}
}

func (x *layerIndex) search(q orb.Bound, fn func(id int64)) {
	x.tree.search(q, func(id int64) {
		if !x.dead[id] {
			fn(id)
		}
	})
	for id, b := range x.extra {
		if overlaps(b, q) {
			fn(id)
		}
	}
}

func (x *layerIndex) set(id int64, b orb.Bound) {
	x.dead[id] = true
	x.extra[id] = b
}

func (x *layerIndex) remove(id int64) {
	x.dead[id] = true
	delete(x.extra, id)
}
