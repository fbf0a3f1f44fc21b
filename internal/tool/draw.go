package tool

import (
	"github.com/paulmach/orb"

	"kuanggui/internal/edit"
	"kuanggui/internal/plan"
)

// DrawMode is what a drawn ring or line becomes.
type DrawMode int

const (
	// DrawBlock draws a new block of the editable layer (新建区块).
	DrawBlock DrawMode = iota
	// DrawHole cuts a hole in the selected block (添加洞).
	DrawHole
	// DrawPart adds a polygon to the selected block (添加部分).
	DrawPart
	// DrawLine draws a polyline returned in Result.Line, to split the selected block with.
	DrawLine
)

// drawTool: a left press places a vertex (snapped); the rubber band follows the cursor;
// double-click, Enter, a right click or a click on the first vertex finishes; Backspace removes
// the last vertex; Esc cancels.
type drawTool struct {
	mode   DrawMode
	snap   *Snapper
	pts    []orb.Point
	cursor SnapResult
	hover  bool
}

// NewDraw returns the draw tool for mode; snap may be nil (no snapping). Grid snapping follows
// snap.Grid(): the app turns it on (GridDefault) when exploration blocks are being edited.
func NewDraw(mode DrawMode, snap *Snapper) Tool { return &drawTool{mode: mode, snap: snap} }

func (t *drawTool) Name() string {
	switch t.mode {
	case DrawHole:
		return "hole"
	case DrawPart:
		return "part"
	case DrawLine:
		return "split"
	}
	return "draw"
}

func (t *drawTool) Reset() { t.pts, t.hover = nil, false }

func (t *drawTool) minPoints() int {
	if t.mode == DrawLine {
		return 2
	}
	return 3
}

// snapAt snaps to the tool's own placed vertices first (to close or retrace), then the snapper.
func (t *drawTool) snapAt(ev Event) SnapResult {
	if !ev.suspendSnap() && t.snap != nil && t.snap.Enabled() {
		tol := t.snap.TolerancePixels() * ev.px()
		best, found := tol, false
		var res SnapResult
		for _, p := range t.pts {
			if d := dist(p, ev.Point()); d <= best {
				best, found, res = d, true, SnapResult{Point: p, Kind: SnapVertex}
			}
		}
		if found {
			return res
		}
	}
	if t.mode == DrawLine {
		// A split line must cross the block where the planner points; pulling its ends to the
		// 1′ grid (which ignores the pixel tolerance) can land them inside the block.
		return t.snap.SnapAtNoGrid(ev)
	}
	return t.snap.SnapAt(ev)
}

func (t *drawTool) Handle(ctx Context, ev Event) Result {
	if ev.Kind != Key && !ev.finite() {
		return t.result("")
	}
	switch ev.Kind {
	case Move, Drag:
		t.cursor, t.hover = t.snapAt(ev), true
	case Press:
		t.cursor, t.hover = t.snapAt(ev), true
		if ev.Button == ButtonRight {
			return t.finish(ctx, ev)
		}
		if ev.Button != ButtonLeft {
			break
		}
		if len(t.pts) == 0 && (t.mode == DrawHole || t.mode == DrawPart || t.mode == DrawLine) {
			if _, ok := t.target(ctx); !ok {
				return t.result("请先选中一个可编辑的区块")
			}
		}
		p := t.cursor.Point
		// A click on the first vertex closes the ring.
		if t.mode != DrawLine && len(t.pts) >= 3 && dist(p, t.pts[0]) <= HandlePixels*ev.px() {
			return t.finish(ctx, ev)
		}
		t.add(p, ev.px())
	case DoubleClick:
		t.cursor = t.snapAt(ev)
		t.add(t.cursor.Point, ev.px())
		return t.finish(ctx, ev)
	case Key:
		switch {
		case ev.isEnter():
			return t.finish(ctx, ev)
		case ev.Key == KeyBackspace:
			if len(t.pts) > 0 {
				t.pts = t.pts[:len(t.pts)-1]
			}
		case ev.Key == KeyEscape:
			t.Reset()
			r := t.result("")
			r.Done = true
			return r
		}
	}
	return t.result("")
}

// add appends p unless it repeats the last vertex (the two clicks of a double click).
func (t *drawTool) add(p orb.Point, px float64) {
	if n := len(t.pts); n > 0 && dist(t.pts[n-1], p) <= px {
		return
	}
	t.pts = append(t.pts, p)
}

// target is the one selected feature of the editable layer, for hole, part and split.
func (t *drawTool) target(ctx Context) (plan.Feature, bool) {
	sel := editableSelection(ctx)
	if len(sel) != 1 {
		return plan.Feature{}, false
	}
	return ctx.Feature(sel[0].Layer, sel[0].ID)
}

func (t *drawTool) finish(ctx Context, ev Event) Result {
	pts := dedupe(t.pts, 0)
	if distinctCount(pts) < t.minPoints() {
		if t.mode == DrawLine {
			return t.result("分割线至少需要2个顶点")
		}
		return t.result("多边形至少需要3个不同的顶点")
	}
	if t.mode == DrawLine {
		line := orb.LineString(pts)
		t.Reset()
		r := t.result("")
		r.Line, r.Done = line, true
		return r
	}
	if signedArea(pts) == 0 {
		return t.result("多边形面积为零：顶点共线")
	}
	if selfIntersects(pts) {
		return t.result("多边形自相交：请用退格键删除顶点后重画")
	}
	layer := ctx.EditableLayer()
	if layer == "" {
		return t.result("没有可编辑的图层")
	}
	var cmd edit.Command
	switch t.mode {
	case DrawBlock:
		f := plan.Feature{Geometry: orb.MultiPolygon{{closeRing(orient(pts, true))}}, Attrs: ctx.NewAttrs(layer)}
		cmd = edit.Insert(LabelNewBlock, layer, f)
	case DrawHole, DrawPart:
		f, ok := t.target(ctx)
		if !ok {
			return t.result("请先选中一个可编辑的区块")
		}
		var err error
		if t.mode == DrawHole {
			cmd, err = AddHoleCommand(layer, f, closeRing(pts))
			if err != nil {
				return t.result("洞必须完全位于选中区块之内")
			}
		} else {
			cmd, err = AddPartCommand(layer, f, closeRing(pts))
			if err != nil {
				return t.result(err.Error())
			}
		}
	}
	t.Reset()
	r := t.result("")
	r.Command, r.Done = &cmd, true
	return r
}

func (t *drawTool) result(msg string) Result {
	r := Result{Cursor: "crosshair"}
	r.Overlay.Active = -1
	r.Overlay.Message = msg
	line := append(orb.LineString(nil), t.pts...)
	if t.hover {
		line = append(line, t.cursor.Point)
		if t.cursor.Kind != SnapNone {
			s := t.cursor
			r.Overlay.Snap = &s
		}
	}
	if len(t.pts) > 0 {
		r.Overlay.Rubber = line
	}
	if t.mode != DrawLine && len(line) >= 3 {
		r.Overlay.Preview = orb.MultiPolygon{{closeRing(line)}}
	}
	return r
}
