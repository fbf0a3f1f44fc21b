package tool

import (
	"github.com/paulmach/orb"

	"kuanggui/internal/edit"
	"kuanggui/internal/plan"
)

// vertexTool edits the vertices of the one selected block of the editable layer: drag a vertex
// handle to move it, drag (or click) a midpoint handle to insert one, Delete or a right click
// removes one. A ring keeps at least 3 distinct points: a delete or a move that would leave
// fewer is refused with a message. One gesture is one command, made on Release.
type vertexTool struct {
	snap   *Snapper
	ref    Ref
	active vref // current vertex, for Delete; valid if active.ok
	// drag state
	dragging  bool
	inserting bool
	orig      plan.Feature
	pos       SnapResult
	moved     bool
}

// vref addresses a vertex in the open form of a ring (closing point dropped).
type vref struct {
	part, ring, idx int
	ok              bool
}

// NewVertexEdit returns the vertex edit tool; snap may be nil.
func NewVertexEdit(snap *Snapper) Tool { return &vertexTool{snap: snap} }

func (t *vertexTool) Name() string { return "vertex" }

func (t *vertexTool) Reset() {
	t.dragging, t.inserting, t.moved, t.active = false, false, false, vref{}
}

// current returns the feature under edit, following the selection.
func (t *vertexTool) current(ctx Context) (plan.Feature, bool) {
	sel := editableSelection(ctx)
	if len(sel) != 1 {
		t.ref = Ref{}
		t.Reset()
		return plan.Feature{}, false
	}
	if sel[0] != t.ref {
		t.Reset()
		t.ref = sel[0]
	}
	f, ok := ctx.Feature(t.ref.Layer, t.ref.ID)
	if !ok {
		t.Reset()
	}
	return f, ok
}

func (t *vertexTool) Handle(ctx Context, ev Event) Result {
	if ev.Kind != Key && !ev.finite() {
		return Result{Cursor: "default"}
	}
	f, ok := t.current(ctx)
	if !ok {
		if ev.Kind == Press && ev.Button == ButtonLeft {
			return t.pick(ctx, ev, "")
		}
		return Result{Cursor: "default", Overlay: Overlay{Active: -1, Message: "请选中一个可编辑的区块"}}
	}
	switch ev.Kind {
	case Press:
		if t.dragging {
			break
		}
		tol := HandlePixels * ev.px()
		if v, ok := nearestVertex(f.Geometry, ev.Point(), tol); ok {
			t.active = v
			if ev.Button == ButtonRight {
				return t.deleteVertex(ctx, f)
			}
			if ev.Button == ButtonLeft {
				t.dragging, t.inserting, t.moved = true, false, false
				t.orig = f.Clone()
				t.pos = SnapResult{Point: vertexAt(f.Geometry, v)}
			}
			break
		}
		if ev.Button != ButtonLeft {
			break
		}
		if v, mid, ok := nearestMidpoint(f.Geometry, ev.Point(), tol); ok {
			// The new vertex goes after v; dragging then moves it.
			t.dragging, t.inserting, t.moved = true, true, false
			t.orig = f.Clone()
			t.active = vref{v.part, v.ring, v.idx + 1, true}
			t.pos = SnapResult{Point: mid}
			break
		}
		return t.pick(ctx, ev, "")
	case Drag:
		if t.dragging {
			t.pos = t.snap.SnapAt(ev, t.ref)
			t.moved = true
			r := t.result(t.edited(), "")
			s := t.pos
			if s.Kind != SnapNone {
				r.Overlay.Snap = &s
			}
			r.Cursor = "move"
			return r
		}
	case Release:
		if t.dragging && ev.Button == ButtonLeft {
			return t.commit(ctx)
		}
	case Key:
		switch ev.Key {
		case KeyDelete, KeyBackspace:
			if !t.dragging && t.active.ok {
				return t.deleteVertex(ctx, f)
			}
		case KeyEscape:
			if t.dragging {
				t.dragging, t.inserting = false, false
				return t.result(f.Geometry, "")
			}
			t.Reset()
			r := t.result(f.Geometry, "")
			r.Done = true
			return r
		}
	}
	if t.dragging {
		return t.result(t.edited(), "")
	}
	return t.result(f.Geometry, "")
}

// pick selects the editable feature under the cursor, if any.
func (t *vertexTool) pick(ctx Context, ev Event, msg string) Result {
	r := Result{Cursor: "default", Overlay: Overlay{Active: -1, Message: msg}}
	ref, hit := ctx.HitTest(ev.X, ev.Y, HitPixels*ev.px())
	if hit && ref.Layer == ctx.EditableLayer() && ref.Layer != "" {
		r.SelectionSet, r.Selection = true, []Ref{ref}
		if f, ok := ctx.Feature(ref.Layer, ref.ID); ok {
			t.Reset()
			t.ref = ref
			r.Overlay.Handles, r.Overlay.Midpoints = handles(f.Geometry)
		}
	}
	return r
}

// edited is the original geometry with the dragged vertex at its current position.
func (t *vertexTool) edited() orb.MultiPolygon {
	g := plan.CloneMultiPolygon(t.orig.Geometry)
	a := t.active
	if a.part >= len(g) || a.ring >= len(g[a.part]) {
		return g
	}
	pts := openRing(g[a.part][a.ring])
	if t.inserting {
		if a.idx > len(pts) {
			return g
		}
		pts = append(pts[:a.idx], append([]orb.Point{t.pos.Point}, pts[a.idx:]...)...)
	} else {
		if a.idx >= len(pts) {
			return g
		}
		pts[a.idx] = t.pos.Point
	}
	g[a.part][a.ring] = closeRing(pts)
	return g
}

func (t *vertexTool) commit(ctx Context) Result {
	t.dragging = false
	if !t.moved && !t.inserting {
		// A click on a vertex makes it current (for Delete) without changing anything.
		return t.result(t.orig.Geometry, "")
	}
	g := t.edited()
	a := t.active
	pts := openRing(g[a.part][a.ring])
	clean := dedupe(pts, 0)
	if distinctCount(clean) < 3 {
		t.inserting = false
		return t.result(t.orig.Geometry, "环至少需要3个不同的顶点：不能把顶点移到这里")
	}
	if len(clean) != len(pts) {
		// Dropped onto a neighbour: the two become one vertex.
		g[a.part][a.ring] = closeRing(clean)
		t.active = vref{}
	}
	label := LabelMoveVertex
	if t.inserting {
		label = LabelInsertVertex
	}
	t.inserting = false
	after := t.orig.Clone()
	after.Geometry = g
	cmd := edit.Update(label, ctx.EditableLayer(), t.orig, after)
	r := t.result(g, "")
	r.Command = &cmd
	return r
}

func (t *vertexTool) deleteVertex(ctx Context, f plan.Feature) Result {
	a := t.active
	g := plan.CloneMultiPolygon(f.Geometry)
	if !a.ok || a.part >= len(g) || a.ring >= len(g[a.part]) {
		return t.result(f.Geometry, "")
	}
	pts := openRing(g[a.part][a.ring])
	if a.idx >= len(pts) {
		return t.result(f.Geometry, "")
	}
	rest := append(append([]orb.Point(nil), pts[:a.idx]...), pts[a.idx+1:]...)
	if distinctCount(rest) < 3 {
		return t.result(f.Geometry, "环至少需要3个不同的顶点，不能再删除")
	}
	g[a.part][a.ring] = closeRing(rest)
	after := f.Clone()
	after.Geometry = g
	cmd := edit.Update(LabelDeleteVertex, ctx.EditableLayer(), f, after)
	t.active = vref{}
	r := t.result(g, "")
	r.Command = &cmd
	return r
}

func (t *vertexTool) result(g orb.MultiPolygon, msg string) Result {
	r := Result{Cursor: "default"}
	r.Overlay.Message = msg
	r.Overlay.Handles, r.Overlay.Midpoints = handles(g)
	r.Overlay.Active = -1
	if t.active.ok {
		r.Overlay.Active = handleIndex(g, t.active)
	}
	if t.dragging {
		r.Overlay.Preview = g
		r.Cursor = "move"
	}
	return r
}

// handles lists every vertex (open rings, in part, ring, index order) and every segment
// midpoint of g.
func handles(g orb.MultiPolygon) (vs, mids []orb.Point) {
	for _, poly := range g {
		for _, r := range poly {
			pts := openRing(r)
			vs = append(vs, pts...)
			for i := range pts {
				a, b := pts[i], pts[(i+1)%len(pts)]
				mids = append(mids, orb.Point{(a[0] + b[0]) / 2, (a[1] + b[1]) / 2})
			}
		}
	}
	return vs, mids
}

func handleIndex(g orb.MultiPolygon, v vref) int {
	n := 0
	for pi, poly := range g {
		for ri, r := range poly {
			pts := openRing(r)
			if pi == v.part && ri == v.ring {
				if v.idx < len(pts) {
					return n + v.idx
				}
				return -1
			}
			n += len(pts)
		}
	}
	return -1
}

func vertexAt(g orb.MultiPolygon, v vref) orb.Point {
	return openRing(g[v.part][v.ring])[v.idx]
}

func nearestVertex(g orb.MultiPolygon, p orb.Point, tol float64) (vref, bool) {
	best, out := tol, vref{}
	for pi, poly := range g {
		for ri, r := range poly {
			for i, q := range openRing(r) {
				if d := dist(p, q); d <= best {
					best, out = d, vref{pi, ri, i, true}
				}
			}
		}
	}
	return out, out.ok
}

// nearestMidpoint returns the segment (by its first vertex) whose midpoint is nearest p.
func nearestMidpoint(g orb.MultiPolygon, p orb.Point, tol float64) (vref, orb.Point, bool) {
	best, out := tol, vref{}
	var mid orb.Point
	for pi, poly := range g {
		for ri, r := range poly {
			pts := openRing(r)
			for i := range pts {
				a, b := pts[i], pts[(i+1)%len(pts)]
				m := orb.Point{(a[0] + b[0]) / 2, (a[1] + b[1]) / 2}
				if d := dist(p, m); d <= best {
					best, out, mid = d, vref{pi, ri, i, true}, m
				}
			}
		}
	}
	return out, mid, out.ok
}
