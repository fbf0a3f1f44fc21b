package tool

import (
	"math"

	"github.com/paulmach/orb"

	"kuanggui/internal/edit"
	"kuanggui/internal/plan"
)

// moveTool drags the selected blocks of the editable layer (pressing on an unselected block
// selects it alone first). The vertex of the moved blocks nearest the press is the anchor: its
// displaced position is snapped, so a block lands exactly on a neighbour's vertex or on the
// grid. One command (移动区块) on Release; Esc during the drag cancels.
type moveTool struct {
	snap     *Snapper
	dragging bool
	refs     []Ref
	orig     []plan.Feature
	start    orb.Point
	anchor   orb.Point
	dx, dy   float64
	pos      SnapResult
}

// NewMove returns the move tool; snap may be nil.
func NewMove(snap *Snapper) Tool { return &moveTool{snap: snap} }

func (t *moveTool) Name() string { return "move" }

func (t *moveTool) Reset() {
	t.dragging, t.refs, t.orig, t.dx, t.dy = false, nil, nil, 0, 0
}

func (t *moveTool) Handle(ctx Context, ev Event) Result {
	if ev.Kind != Key && !ev.finite() {
		return Result{Cursor: "move"}
	}
	switch ev.Kind {
	case Press:
		if ev.Button != ButtonLeft || t.dragging {
			break
		}
		refs := editableSelection(ctx)
		var res Result
		ref, hit := ctx.HitTest(ev.X, ev.Y, HitPixels*ev.px())
		if hit && ref.Layer == ctx.EditableLayer() && !containsRef(refs, ref) {
			refs = []Ref{ref}
			res.SelectionSet, res.Selection = true, refs
		} else if !hit || !containsRef(refs, ref) {
			return Result{Cursor: "move", Overlay: Overlay{Active: -1, Message: "在选中的区块上按下并拖动"}}
		}
		t.refs, t.orig = nil, nil
		for _, r := range refs {
			if f, ok := ctx.Feature(r.Layer, r.ID); ok {
				t.refs = append(t.refs, r)
				t.orig = append(t.orig, f.Clone())
			}
		}
		if len(t.orig) == 0 {
			return Result{Cursor: "move"}
		}
		t.dragging, t.start, t.dx, t.dy = true, ev.Point(), 0, 0
		t.anchor = nearestVertexOf(t.orig, ev.Point())
		res.Cursor = "move"
		res.Overlay = t.overlay()
		return res
	case Drag:
		if !t.dragging {
			break
		}
		target := orb.Point{t.anchor[0] + ev.X - t.start[0], t.anchor[1] + ev.Y - t.start[1]}
		sev := ev
		sev.X, sev.Y = target[0], target[1]
		t.pos = t.snap.SnapAt(sev, t.refs...)
		t.dx, t.dy = t.pos.Point[0]-t.anchor[0], t.pos.Point[1]-t.anchor[1]
		return Result{Cursor: "move", Overlay: t.overlay()}
	case Release:
		if !t.dragging || ev.Button != ButtonLeft {
			break
		}
		t.dragging = false
		if t.dx == 0 && t.dy == 0 {
			t.Reset()
			return Result{Cursor: "move"}
		}
		layer := ctx.EditableLayer()
		cmd := edit.Command{Label: LabelMoveBlock}
		for _, f := range t.orig {
			after := f.Clone()
			after.Geometry = translate(f.Geometry, t.dx, t.dy)
			cmd.Changes = append(cmd.Changes, edit.Update(LabelMoveBlock, layer, f, after).Changes...)
		}
		t.Reset()
		return Result{Cursor: "move", Command: &cmd, Done: true}
	case Key:
		if ev.Key == KeyEscape {
			t.Reset()
			return Result{Cursor: "move", Done: true}
		}
	}
	return Result{Cursor: "move", Overlay: t.overlay()}
}

func (t *moveTool) overlay() Overlay {
	o := Overlay{Active: -1}
	if !t.dragging {
		return o
	}
	for _, f := range t.orig {
		o.Preview = append(o.Preview, translate(f.Geometry, t.dx, t.dy)...)
	}
	if t.pos.Kind != SnapNone {
		s := t.pos
		o.Snap = &s
	}
	return o
}

// nearestVertexOf returns the vertex of fs nearest p (p itself if there is none).
func nearestVertexOf(fs []plan.Feature, p orb.Point) orb.Point {
	best, out := math.Inf(1), p
	for _, f := range fs {
		for _, poly := range f.Geometry {
			for _, r := range poly {
				for _, q := range r {
					if d := dist(p, q); d < best && finitePoint(q) {
						best, out = d, q
					}
				}
			}
		}
	}
	return out
}
