package render

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// grid is a uniform-grid spatial index of feature bounds, chosen over an R-tree because
// features are added and removed one at a time while editing: both are O(cells covered).
// Cell indices are clamped to the grid, so features outside the original extent (after an
// edit) land in the border cells and are still found.
type grid struct {
	ext      orb.Bound
	nx, ny   int
	cw, ch   float64 // cell size, degrees
	cells    [][]int32
	large    []int32 // slots covering too many cells to list in each
	stamp    []uint32
	stampGen uint32
}

// maxCellsPerFeature sends a feature to the large list instead of listing it in many cells.
const maxCellsPerFeature = 256

func newGrid(ext orb.Bound, n int) *grid {
	w := ext.Max[0] - ext.Min[0]
	h := ext.Max[1] - ext.Min[1]
	if !(w > 0) {
		w = 1e-6
	}
	if !(h > 0) {
		h = 1e-6
	}
	// About one feature per cell, square-ish cells, at most 512×512 cells.
	cells := math.Max(1, math.Min(float64(n), 512*512))
	cs := math.Sqrt(w * h / cells)
	g := &grid{ext: ext}
	g.nx = int(math.Min(512, math.Max(1, math.Ceil(w/cs))))
	g.ny = int(math.Min(512, math.Max(1, math.Ceil(h/cs))))
	g.cw, g.ch = w/float64(g.nx), h/float64(g.ny)
	g.cells = make([][]int32, g.nx*g.ny)
	return g
}

func (g *grid) cellRange(b orb.Bound) (i0, j0, i1, j1 int) {
	cl := func(v float64, n int) int {
		if !(v > 0) { // NaN too
			return 0
		}
		if v >= float64(n-1) {
			return n - 1
		}
		return int(v)
	}
	i0 = cl((b.Min[0]-g.ext.Min[0])/g.cw, g.nx)
	i1 = cl((b.Max[0]-g.ext.Min[0])/g.cw, g.nx)
	j0 = cl((b.Min[1]-g.ext.Min[1])/g.ch, g.ny)
	j1 = cl((b.Max[1]-g.ext.Min[1])/g.ch, g.ny)
	return
}

func (g *grid) insert(slot int32, b orb.Bound) {
	i0, j0, i1, j1 := g.cellRange(b)
	if (i1-i0+1)*(j1-j0+1) > maxCellsPerFeature {
		g.large = append(g.large, slot)
		return
	}
	for j := j0; j <= j1; j++ {
		for i := i0; i <= i1; i++ {
			c := &g.cells[j*g.nx+i]
			*c = append(*c, slot)
		}
	}
}

func (g *grid) remove(slot int32, b orb.Bound) {
	del := func(s []int32) []int32 {
		if k := slices.Index(s, slot); k >= 0 {
			return slices.Delete(s, k, k+1)
		}
		return s
	}
	i0, j0, i1, j1 := g.cellRange(b)
	if (i1-i0+1)*(j1-j0+1) > maxCellsPerFeature {
		g.large = del(g.large)
		return
	}
	for j := j0; j <= j1; j++ {
		for i := i0; i <= i1; i++ {
			g.cells[j*g.nx+i] = del(g.cells[j*g.nx+i])
		}
	}
}

// query appends to out the slots whose cells meet b, each once, in ascending slot order (the
// draw order). nslots is the number of slots of the layer. Callers still test the bounds.
// Not safe for concurrent use (the stamp array); see queryInto for workers.
func (g *grid) query(b orb.Bound, nslots int, out []int32) []int32 {
	if len(g.stamp) < nslots {
		g.stamp = make([]uint32, nslots+nslots/4)
		g.stampGen = 0
	}
	g.stampGen++
	if g.stampGen == 0 {
		clear(g.stamp)
		g.stampGen = 1
	}
	return g.queryInto(b, g.stamp, g.stampGen, out)
}

// queryInto is query with a caller-owned stamp array, so that render workers can query the
// same grid at once.
func (g *grid) queryInto(b orb.Bound, stamp []uint32, gen uint32, out []int32) []int32 {
	start := len(out)
	add := func(s int32) {
		if int(s) < len(stamp) && stamp[s] != gen {
			stamp[s] = gen
			out = append(out, s)
		}
	}
	for _, s := range g.large {
		add(s)
	}
	i0, j0, i1, j1 := g.cellRange(b)
	for j := j0; j <= j1; j++ {
		for i := i0; i <= i1; i++ {
			for _, s := range g.cells[j*g.nx+i] {
				add(s)
			}
		}
	}
	slices.Sort(out[start:])
	return out
}

// queryMap is query without the shared stamp array, for callers that run alongside a render
// (hit tests); it suits small query boxes.
func (g *grid) queryMap(b orb.Bound) []int32 {
	seen := map[int32]bool{}
	var out []int32
	add := func(s int32) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, s := range g.large {
		add(s)
	}
	i0, j0, i1, j1 := g.cellRange(b)
	for j := j0; j <= j1; j++ {
		for i := i0; i <= i1; i++ {
			for _, s := range g.cells[j*g.nx+i] {
				add(s)
			}
		}
	}
	slices.Sort(out)
	return out
}
