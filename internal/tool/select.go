package tool

import (
	"math"

	"github.com/paulmach/orb"

	"kuanggui/internal/plan"
)

// selectTool: click picks one feature, Shift+click toggles one in or out of the selection, a
// drag draws a box (Shift adds the boxed features), Esc clears, Delete returns a DeleteCommand
// for the selected blocks of the editable layer.
type selectTool struct {
	pressed bool
	start   orb.Point
	boxing  bool
	startPx float64
}

// NewSelect returns the select tool.
func NewSelect() Tool { return &selectTool{} }

func (t *selectTool) Name() string { return "select" }

func (t *selectTool) Reset() { *t = selectTool{} }

func (t *selectTool) Handle(ctx Context, ev Event) Result {
	res := Result{Cursor: "default"}
	if ev.Kind != Key && !ev.finite() {
		return res
	}
	switch ev.Kind {
	case Press:
		if ev.Button != ButtonLeft {
			return res
		}
		t.pressed, t.boxing, t.start, t.startPx = true, false, ev.Point(), ev.px()
	case Drag:
		if !t.pressed {
			return res
		}
		if !t.boxing && dist(t.start, ev.Point()) > DragPixels*t.startPx {
			t.boxing = true
		}
		if t.boxing {
			b := box(t.start, ev.Point())
			res.Overlay.Box = &b
			res.Cursor = "crosshair"
		}
	case Release:
		if !t.pressed || ev.Button != ButtonLeft {
			return res
		}
		t.pressed = false
		if t.boxing {
			t.boxing = false
			found := ctx.Query(box(t.start, ev.Point()))
			sel := found
			if ev.Shift {
				sel = append([]Ref(nil), ctx.Selection()...)
				for _, r := range found {
					if !containsRef(sel, r) {
						sel = append(sel, r)
					}
				}
			}
			return Result{Cursor: "default", SelectionSet: true, Selection: sel}
		}
		ref, hit := ctx.HitTest(ev.X, ev.Y, HitPixels*ev.px())
		if ev.Shift {
			sel := append([]Ref(nil), ctx.Selection()...)
			if hit {
				if i := indexRef(sel, ref); i >= 0 {
					sel = append(sel[:i], sel[i+1:]...)
				} else {
					sel = append(sel, ref)
				}
			}
			return Result{Cursor: "default", SelectionSet: true, Selection: sel}
		}
		res.SelectionSet = true
		if hit {
			res.Selection = []Ref{ref}
		}
	case Key:
		switch ev.Key {
		case KeyEscape:
			t.Reset()
			return Result{Cursor: "default", SelectionSet: true, Done: true}
		case KeyDelete:
			return deleteSelected(ctx)
		}
	}
	return res
}

// deleteSelected builds the delete command for the selected blocks of the editable layer.
func deleteSelected(ctx Context) Result {
	res := Result{Cursor: "default"}
	layer := ctx.EditableLayer()
	refs := editableSelection(ctx)
	if len(refs) == 0 {
		res.Overlay.Message = "没有选中可编辑图层的区块"
		return res
	}
	var fs []plan.Feature
	for _, r := range refs {
		if f, ok := ctx.Feature(r.Layer, r.ID); ok {
			fs = append(fs, f)
		}
	}
	if len(fs) == 0 {
		res.Overlay.Message = "选中的区块已不存在"
		return res
	}
	cmd, confirm := DeleteCommand(layer, fs)
	res.Command, res.NeedsConfirm, res.Done = &cmd, confirm, true
	// The caller clears the selection once the command is applied; a cancelled confirmation
	// should leave it.
	return res
}

func indexRef(rs []Ref, r Ref) int {
	for i, x := range rs {
		if x == r {
			return i
		}
	}
	return -1
}

func box(a, b orb.Point) orb.Bound {
	return orb.Bound{
		Min: orb.Point{math.Min(a[0], b[0]), math.Min(a[1], b[1])},
		Max: orb.Point{math.Max(a[0], b[0]), math.Max(a[1], b[1])},
	}
}
