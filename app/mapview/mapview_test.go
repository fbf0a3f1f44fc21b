package mapview

import (
	"context"
	"image"
	"image/color"
	"image/draw"
	"math"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"github.com/paulmach/orb"

	"kuanggui/internal/render"
)

// fakeSource paints the whole frame one colour and answers hit tests from a bound.
type fakeSource struct {
	mu      sync.Mutex
	colour  color.RGBA
	renders int
	hitPx   [2]float64
	hit     orb.Bound
	overlay []orb.Geometry
}

func (f *fakeSource) Render(ctx context.Context, v render.Viewport) (*image.RGBA, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.renders++
	img := image.NewRGBA(image.Rect(0, 0, v.Width, v.Height))
	draw.Draw(img, img.Rect, image.NewUniform(f.colour), image.Point{}, draw.Src)
	return img, nil
}

func (f *fakeSource) HitTest(v render.Viewport, px, py, tol float64, tables []string) (string, int64, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hitPx = [2]float64{px, py}
	lon, lat := v.ToMap(px, py)
	if f.hit.Contains(orb.Point{lon, lat}) {
		return "kanchqk", 7, true
	}
	return "", 0, false
}

func (f *fakeSource) SetOverlay(g []orb.Geometry) {
	f.mu.Lock()
	f.overlay = g
	f.mu.Unlock()
}

var xinjiang = orb.Bound{Min: orb.Point{73.5, 34.3}, Max: orb.Point{96.4, 49.2}}

func newTestMap(t *testing.T) (*MapView, *fakeSource, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	src := &fakeSource{colour: color.RGBA{10, 200, 30, 255}, hit: orb.Bound{Min: orb.Point{83, 44}, Max: orb.Point{84, 45}}}
	mv := New(src, xinjiang, true)
	w := test.NewTempWindow(t, mv)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(400, 300))
	w.Canvas().Capture() // lays out and calls the raster generator
	mv.Wait()
	return mv, src, w
}

func TestFirstFrameFitsExtent(t *testing.T) {
	mv, _, w := newTestMap(t)
	v := mv.Viewport()
	if v.Width <= 0 || v.Height <= 0 {
		t.Fatalf("viewport not sized: %+v", v)
	}
	b := v.Bound()
	if b.Min[0] > xinjiang.Min[0] || b.Max[0] < xinjiang.Max[0] || b.Min[1] > xinjiang.Min[1] || b.Max[1] < xinjiang.Max[1] {
		t.Errorf("view %v does not show extent %v", b, xinjiang)
	}
	frame, fvp := mv.Frame()
	if frame == nil || fvp != v {
		t.Fatalf("no frame for the current view: frame=%v fvp=%+v v=%+v", frame != nil, fvp, v)
	}
	select {
	case <-mv.FirstFrameDrawn():
		t.Fatal("first frame reported drawn before the painter showed it")
	default:
	}
	img := w.Canvas().Capture()
	select {
	case <-mv.FirstFrameDrawn():
	default:
		t.Fatal("first frame not reported after the painter drew it")
	}
	c := color.RGBAModel.Convert(img.At(200, 150)).(color.RGBA)
	if c != (color.RGBA{10, 200, 30, 255}) {
		t.Errorf("map centre pixel = %v, want the rendered colour", c)
	}
}

func TestWheelZoomKeepsPointUnderCursor(t *testing.T) {
	mv, _, w := newTestMap(t)
	before := mv.Viewport()
	pos := fyne.NewPos(100, 80)
	lon0, lat0 := before.ToMap(100, 80)
	// test.Scroll drops the position, so the event is built here.
	mv.Scrolled(&fyne.ScrollEvent{PointEvent: fyne.PointEvent{Position: pos}, Scrolled: fyne.Delta{DY: float32(WheelNotch)}})
	after := mv.Viewport()
	if !(after.Scale < before.Scale) {
		t.Fatalf("scroll up did not zoom in: scale %g → %g", before.Scale, after.Scale)
	}
	if r := before.Scale / after.Scale; math.Abs(r-math.Sqrt2) > 1e-9 {
		t.Errorf("one notch zoomed by %g, want √2", r)
	}
	lon1, lat1 := after.ToMap(100, 80)
	if math.Abs(lon1-lon0) > 1e-9 || math.Abs(lat1-lat0) > 1e-9 {
		t.Errorf("point under cursor moved: (%g,%g) → (%g,%g)", lon0, lat0, lon1, lat1)
	}
	mv.Scrolled(&fyne.ScrollEvent{PointEvent: fyne.PointEvent{Position: pos}, Scrolled: fyne.Delta{DY: -float32(WheelNotch)}})
	mv.Wait()
	if f, fv := mv.Frame(); f == nil || fv != mv.Viewport() {
		t.Error("no frame rendered for the zoomed view")
	}
	_ = w
	if back := mv.Viewport(); math.Abs(back.Scale-before.Scale) > 1e-12 {
		t.Errorf("scroll down did not undo the zoom: %g vs %g", back.Scale, before.Scale)
	}
}

func TestDragPansAndPreviewsShiftedFrame(t *testing.T) {
	mv, _, w := newTestMap(t)
	before := mv.Viewport()
	test.Drag(w.Canvas(), fyne.NewPos(200, 150), 50, -20)
	after := mv.Viewport()
	// The map follows the pointer: the point that was at (200,150) is now at (250,130).
	lon, lat := before.ToMap(200, 150)
	x, y := after.ToScreen(lon, lat)
	if math.Abs(x-250) > 1e-6 || math.Abs(y-130) > 1e-6 {
		t.Errorf("dragged point at (%g,%g), want (250,130)", x, y)
	}
}

func TestTapSelectsFeatureUnderPointer(t *testing.T) {
	mv, src, _ := newTestMap(t)
	v := mv.Viewport()
	px, py := v.ToScreen(83.5, 44.5)
	var gotTable string
	var gotID int64
	var gotOK bool
	mv.OnSelect = func(table string, id int64, ok bool) { gotTable, gotID, gotOK = table, id, ok }
	test.TapAt(mv, fyne.NewPos(float32(px), float32(py)))
	if !gotOK || gotTable != "kanchqk" || gotID != 7 {
		t.Fatalf("tap on feature: got %q %d %v", gotTable, gotID, gotOK)
	}
	if math.Abs(src.hitPx[0]-float64(float32(px))) > 1e-3 {
		t.Errorf("hit test at x=%g, want %g", src.hitPx[0], px)
	}
	test.TapAt(mv, fyne.NewPos(2, 2))
	if gotOK {
		t.Errorf("tap on empty map selected %q %d", gotTable, gotID)
	}
}

// recordTool takes every press and draws a line to the last point.
type recordTool struct {
	events []ToolEvent
}

func (r *recordTool) Handle(e ToolEvent) bool {
	r.events = append(r.events, e)
	return e.Kind == Click
}

func (r *recordTool) Overlay() []orb.Geometry {
	if len(r.events) == 0 {
		return nil
	}
	e := r.events[len(r.events)-1]
	return []orb.Geometry{orb.LineString{{80, 40}, {e.X, e.Y}}}
}

func TestToolGetsMapCoordinatesAndOverlay(t *testing.T) {
	mv, src, _ := newTestMap(t)
	tool := &recordTool{}
	mv.SetTool(tool)
	selected := false
	mv.OnSelect = func(string, int64, bool) { selected = true }
	v := mv.Viewport()
	px, py := v.ToScreen(83.5, 44.5)
	test.TapAt(mv, fyne.NewPos(float32(px), float32(py)))
	mv.Wait()
	if selected {
		t.Error("tap used by the tool also selected")
	}
	if len(tool.events) == 0 {
		t.Fatal("tool got no event")
	}
	e := tool.events[len(tool.events)-1]
	if e.Kind != Click || math.Abs(e.X-83.5) > 2*v.Scale/0.7 || math.Abs(e.Y-44.5) > 2*v.Scale {
		t.Errorf("tool event %+v, want a click at 83.5,44.5", e)
	}
	src.mu.Lock()
	n := len(src.overlay)
	src.mu.Unlock()
	if n != 1 {
		t.Errorf("overlay has %d geometries, want the tool's 1", n)
	}
	// The tap focused the map, so keys reach the tool.
	mv.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if last := tool.events[len(tool.events)-1]; last.Kind != KeyDown || last.Key != fyne.KeyEscape {
		t.Errorf("tool's last event %+v, want Escape", last)
	}
	if c := fyne.CurrentApp().Driver().CanvasForObject(mv); c == nil || c.Focused() != mv {
		t.Error("tap did not focus the map")
	}
}

// grabTool takes every press and drag, as the drawing tools do.
type grabTool struct{ presses, moves, clicks int }

func (g *grabTool) Handle(e ToolEvent) bool {
	switch e.Kind {
	case Press:
		g.presses++
	case Move:
		g.moves++
	case Click:
		g.clicks++
	}
	return true
}

func (g *grabTool) Overlay() []orb.Geometry { return nil }

// dragWith presses button at from, drags by (dx, dy) and releases, as the desktop driver does.
func dragWith(mv *MapView, b desktop.MouseButton, from fyne.Position, dx, dy float32) {
	down := &desktop.MouseEvent{Button: b}
	down.Position = from
	mv.MouseDown(down)
	ev := &fyne.DragEvent{Dragged: fyne.NewDelta(dx, dy)}
	ev.Position = from.Add(fyne.NewPos(dx, dy))
	mv.Dragged(ev)
	up := &desktop.MouseEvent{Button: b}
	up.Position = ev.Position
	mv.MouseUp(up)
	mv.DragEnd()
	mv.Wait()
}

func TestPanWhileToolActive(t *testing.T) {
	mv, _, _ := newTestMap(t)
	tl := &grabTool{}
	mv.SetTool(tl)
	from := fyne.NewPos(200, 150)

	// A primary drag belongs to the tool: the view stays.
	before := mv.Viewport()
	dragWith(mv, desktop.MouseButtonPrimary, from, 40, 10)
	if tl.presses != 1 || tl.moves == 0 {
		t.Fatalf("primary drag: tool got %d presses, %d moves; want 1 and some", tl.presses, tl.moves)
	}
	if v := mv.Viewport(); v.CenterX != before.CenterX || v.CenterY != before.CenterY {
		t.Fatalf("primary drag with a tool panned the map")
	}

	// The middle button pans, and the tool sees no press.
	lon, lat := before.ToMap(200, 150)
	dragWith(mv, desktop.MouseButtonTertiary, from, 50, -20)
	if tl.presses != 1 {
		t.Errorf("middle press reached the tool (%d presses)", tl.presses)
	}
	if x, y := mv.Viewport().ToScreen(lon, lat); math.Abs(x-250) > 1e-6 || math.Abs(y-130) > 1e-6 {
		t.Errorf("middle drag: point at (%g,%g), want (250,130)", x, y)
	}

	// Holding Space makes a primary drag pan; releasing it gives drags back to the tool.
	mid := mv.Viewport()
	mv.KeyDown(&fyne.KeyEvent{Name: fyne.KeySpace})
	mv.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	dragWith(mv, desktop.MouseButtonPrimary, from, -30, 0)
	if tl.presses != 1 {
		t.Errorf("Space+drag reached the tool (%d presses)", tl.presses)
	}
	if d := mv.Viewport(); d.CenterX == mid.CenterX && d.CenterY == mid.CenterY {
		t.Error("Space+drag did not pan")
	}
	mv.KeyUp(&fyne.KeyEvent{Name: fyne.KeySpace})
	dragWith(mv, desktop.MouseButtonPrimary, from, 10, 10)
	if tl.presses != 2 {
		t.Errorf("after Space was released the tool got %d presses, want 2", tl.presses)
	}

	// A middle click without a drag leaves the next tap to the tool.
	mid2 := &desktop.MouseEvent{Button: desktop.MouseButtonTertiary}
	mid2.Position = from
	mv.MouseDown(mid2)
	mv.MouseUp(mid2)
	test.TapAt(mv, from)
	if tl.clicks != 1 {
		t.Errorf("a tap after a middle click gave the tool %d clicks, want 1", tl.clicks)
	}
}
