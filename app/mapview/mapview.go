// Package mapview is the map widget: one canvas.Raster fed by a renderer (render.Map), with
// pan, wheel zoom, hit-testing and a seam for editing tools. Rendering runs off the UI
// goroutine; a new view cancels the frame in flight, and until the new frame arrives the last
// one is shown shifted and scaled to the new view, so panning and zooming respond at once.
package mapview

import (
	"context"
	"image"
	"image/color"
	"image/draw"
	"math"
	"runtime"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"
	xdraw "golang.org/x/image/draw"

	"kuanggui/internal/render"
)

// Source is what the widget draws and hit-tests; *render.Map satisfies it. Its methods must be
// safe for concurrent use: Render runs on a worker goroutine while the UI edits layers.
type Source interface {
	Render(ctx context.Context, v render.Viewport) (*image.RGBA, error)
	HitTest(v render.Viewport, px, py, tolPx float64, tables []string) (table string, id int64, ok bool)
	SetOverlay(geoms []orb.Geometry)
}

// EventKind is the kind of a tool event.
type EventKind int

const (
	Press   EventKind = iota // mouse button down
	Release                  // mouse button up
	Move                     // pointer moved (button up or down)
	Click                    // tap without a drag
	KeyDown                  // a key was typed while the map had focus
)

// Mouse buttons of a ToolEvent.
const (
	ButtonNone      = 0
	ButtonPrimary   = 1
	ButtonSecondary = 2
)

// ToolEvent is a pointer or key event in map coordinates, as a tool state machine wants it.
type ToolEvent struct {
	Kind      EventKind
	X, Y      float64 // lon, lat (EPSG:4490)
	PX, PY    float64 // device pixels in the map, for pixel tolerances
	Button    int
	Modifiers fyne.KeyModifier
	Key       fyne.KeyName
	// DegPerPx is the map length of one device pixel (latitude degrees), to turn a snapping
	// tolerance in pixels into map units.
	DegPerPx float64
}

// ToolHandler is an editing tool plugged into the map. Handle returns true when the tool used
// the event, which then neither pans nor selects. Overlay is what the tool wants drawn on top
// (rubber bands, vertices), asked for after every handled event.
type ToolHandler interface {
	Handle(e ToolEvent) bool
	Overlay() []orb.Geometry
}

// Background is the colour shown where no frame has been drawn yet.
var Background = color.NRGBA{0xf7, 0xf7, 0xf5, 0xff}

// MapView is the map widget. Create it with New; set the callbacks before showing it.
type MapView struct {
	widget.BaseWidget

	src Source

	// OnSelect is called on the UI goroutine after a tap: the feature hit, or ok=false.
	OnSelect func(table string, id int64, ok bool)
	// OnCursor is called as the pointer moves over the map (inside=false when it leaves).
	OnCursor func(lon, lat float64, inside bool)
	// OnViewChange is called on the UI goroutine when the view (scale, centre, size) changes.
	OnViewChange func(v render.Viewport)

	raster *canvas.Raster

	mu        sync.Mutex
	vp        render.Viewport // current view in device pixels; Width 0 until first laid out
	extent    orb.Bound
	hasExtent bool
	fitted    bool
	frame     *image.RGBA // last rendered frame and the view it was drawn for
	frameVP   render.Viewport
	gen       uint64 // last requested frame
	frameGen  uint64 // gen of frame
	cancel    context.CancelFunc
	tool      ToolHandler
	selTables []string
	overlay   []orb.Geometry // the app's overlay (findings); the tool's is added to it
	pressed   bool
	toolDrag  bool // the current drag belongs to the tool
	panDrag   bool // the current press pans whatever the tool: middle button, or Space held
	spaceHeld bool // Space is down while the map has the keyboard (pan as in QGIS/ArcGIS)

	firstOnce  sync.Once
	firstDrawn chan struct{}
	pending    sync.WaitGroup
}

// New returns a map widget drawing src. extent is what ZoomToExtent shows and what the first
// frame fits.
func New(src Source, extent orb.Bound, hasExtent bool) *MapView {
	mv := &MapView{src: src, extent: extent, hasExtent: hasExtent, firstDrawn: make(chan struct{})}
	mv.raster = canvas.NewRaster(mv.generate)
	mv.raster.ScaleMode = canvas.ImageScalePixels
	mv.ExtendBaseWidget(mv)
	return mv
}

// SetSource replaces the renderer (a new project) and fits the new extent.
func (mv *MapView) SetSource(src Source, extent orb.Bound, hasExtent bool) {
	mv.mu.Lock()
	if mv.cancel != nil {
		mv.cancel()
	}
	mv.src, mv.extent, mv.hasExtent = src, extent, hasExtent
	mv.frame = nil
	mv.fitted = false
	if mv.vp.Width > 0 && hasExtent {
		mv.fitLocked()
	}
	mv.mu.Unlock()
	mv.requestRender()
}

// SetSelectable limits tap hit-testing to tables (nil: every visible layer).
func (mv *MapView) SetSelectable(tables []string) {
	mv.mu.Lock()
	mv.selTables = append([]string(nil), tables...)
	mv.mu.Unlock()
}

// SetTool plugs in an editing tool; nil returns to plain pan and select.
func (mv *MapView) SetTool(t ToolHandler) {
	mv.mu.Lock()
	mv.tool = t
	mv.mu.Unlock()
	mv.updateOverlay()
}

// SetOverlay sets the app's own overlay geometries (validation findings), drawn under the
// tool's overlay.
func (mv *MapView) SetOverlay(geoms []orb.Geometry) {
	mv.mu.Lock()
	mv.overlay = geoms
	mv.mu.Unlock()
	mv.updateOverlay()
}

func (mv *MapView) updateOverlay() {
	mv.mu.Lock()
	geoms := append([]orb.Geometry(nil), mv.overlay...)
	if mv.tool != nil {
		geoms = append(geoms, mv.tool.Overlay()...)
	}
	mv.mu.Unlock()
	mv.Update(func() { mv.src.SetOverlay(geoms) })
}

// Update runs fn, which changes the renderer (layers, visibility, highlight), after cancelling
// the frame in flight so that fn does not wait for it, then renders again.
func (mv *MapView) Update(fn func()) {
	mv.mu.Lock()
	if mv.cancel != nil {
		mv.cancel()
	}
	mv.mu.Unlock()
	fn()
	mv.requestRender()
}

// Viewport returns the current view (device pixels).
func (mv *MapView) Viewport() render.Viewport {
	mv.mu.Lock()
	defer mv.mu.Unlock()
	return mv.vp
}

// SetViewport replaces the view, keeping the widget's pixel size.
func (mv *MapView) SetViewport(v render.Viewport) {
	mv.mu.Lock()
	if mv.vp.Width > 0 {
		v.Width, v.Height = mv.vp.Width, mv.vp.Height
	}
	mv.vp = v
	mv.fitted = true
	mv.mu.Unlock()
	mv.viewChanged()
}

// Frame returns the last rendered frame and the view it was drawn for (nil before the first).
func (mv *MapView) Frame() (*image.RGBA, render.Viewport) {
	mv.mu.Lock()
	defer mv.mu.Unlock()
	return mv.frame, mv.frameVP
}

// FirstFrameDrawn is closed once a rendered frame has been handed to the screen.
func (mv *MapView) FirstFrameDrawn() <-chan struct{} { return mv.firstDrawn }

// Wait blocks until every requested frame has been rendered or dropped.
func (mv *MapView) Wait() { mv.pending.Wait() }

// PixelScale is device pixels per Fyne unit for this widget.
func (mv *MapView) PixelScale() float32 {
	if c := fyne.CurrentApp().Driver().CanvasForObject(mv); c != nil && c.Scale() > 0 {
		return c.Scale()
	}
	return 1
}

// ZoomIn and ZoomOut zoom by a factor of two about the centre.
func (mv *MapView) ZoomIn()  { mv.zoomCentre(2) }
func (mv *MapView) ZoomOut() { mv.zoomCentre(0.5) }

func (mv *MapView) zoomCentre(f float64) {
	mv.mu.Lock()
	mv.vp.ZoomAt(float64(mv.vp.Width)/2, float64(mv.vp.Height)/2, f)
	mv.mu.Unlock()
	mv.viewChanged()
}

// ZoomAt zooms by factor about the point at pos (Fyne units within the widget).
func (mv *MapView) ZoomAt(pos fyne.Position, factor float64) {
	s := float64(mv.PixelScale())
	mv.mu.Lock()
	mv.vp.ZoomAt(float64(pos.X)*s, float64(pos.Y)*s, factor)
	mv.mu.Unlock()
	mv.viewChanged()
}

// ZoomToExtent shows the whole project.
func (mv *MapView) ZoomToExtent() {
	mv.mu.Lock()
	mv.fitLocked()
	mv.mu.Unlock()
	mv.viewChanged()
}

// ZoomTo shows b with a margin.
func (mv *MapView) ZoomTo(b orb.Bound) {
	mv.mu.Lock()
	if mv.vp.Width > 0 {
		mv.vp.Fit(b, 40)
	}
	mv.mu.Unlock()
	mv.viewChanged()
}

// fitLocked fits the view to the extent; Lat0 is set once per extent so that panning never
// reshapes the map.
func (mv *MapView) fitLocked() {
	if !mv.hasExtent || mv.vp.Width <= 0 {
		return
	}
	mv.vp = render.NewViewport(mv.extent, mv.vp.Width, mv.vp.Height, 20)
	mv.fitted = true
}

// viewChanged shows the old frame moved to the new view at once and asks for a new frame.
func (mv *MapView) viewChanged() {
	mv.Refresh()
	mv.requestRender()
	if mv.OnViewChange != nil {
		mv.OnViewChange(mv.Viewport())
	}
}

// requestRender cancels the frame in flight and renders the current view on a goroutine.
func (mv *MapView) requestRender() {
	mv.mu.Lock()
	if mv.cancel != nil {
		mv.cancel()
		mv.cancel = nil
	}
	if mv.vp.Width <= 0 || mv.vp.Height <= 0 || mv.src == nil {
		mv.mu.Unlock()
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	mv.cancel = cancel
	mv.gen++
	gen, vp, src := mv.gen, mv.vp, mv.src
	mv.pending.Add(1)
	mv.mu.Unlock()
	go func() {
		defer mv.pending.Done()
		defer cancel()
		img, err := src.Render(ctx, vp)
		if err != nil || ctx.Err() != nil || img == nil {
			return
		}
		mv.mu.Lock()
		if gen < mv.frameGen || src != mv.src {
			mv.mu.Unlock()
			return
		}
		mv.frame, mv.frameVP, mv.frameGen = img, vp, gen
		mv.mu.Unlock()
		fyne.Do(mv.raster.Refresh)
	}()
}

// generate is the raster's generator, called by the painter with the size in device pixels.
func (mv *MapView) generate(w, h int) image.Image {
	if w <= 0 || h <= 0 {
		return image.NewRGBA(image.Rect(0, 0, 1, 1))
	}
	mv.mu.Lock()
	resized := false
	if w != mv.vp.Width || h != mv.vp.Height {
		resized = true
		if mv.vp.Width == 0 || !mv.fitted {
			mv.vp.Width, mv.vp.Height = w, h
			mv.fitLocked()
			if !mv.fitted {
				mv.vp.Scale = 1e-3
			}
		} else {
			// Keep the centre and the scale; the window just shows more or less.
			mv.vp.Width, mv.vp.Height = w, h
		}
	}
	img := mv.composeLocked(w, h)
	isFrame := mv.frame != nil
	mv.mu.Unlock()
	if resized {
		mv.requestRender()
		if mv.OnViewChange != nil {
			v := mv.Viewport()
			fyne.Do(func() { mv.OnViewChange(v) })
		}
	}
	if isFrame {
		mv.firstOnce.Do(func() { close(mv.firstDrawn) })
	}
	return img
}

// composeLocked returns the image for the current view: the frame itself when it was drawn
// for this view, else the frame mapped onto the view (shifted while panning, scaled while
// zooming) over the background.
func (mv *MapView) composeLocked(w, h int) image.Image {
	if mv.frame != nil && mv.frameVP == mv.vp && mv.frame.Rect.Dx() == w && mv.frame.Rect.Dy() == h {
		return mv.frame
	}
	// A fresh image per call: the painter may still hold the previous one.
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Rect, image.NewUniform(Background), image.Point{}, draw.Src)
	if mv.frame == nil {
		return dst
	}
	fw, fh := float64(mv.frame.Rect.Dx()), float64(mv.frame.Rect.Dy())
	x0, y0 := mv.vp.ToScreen(mv.frameVP.ToMap(0, 0))
	x1, y1 := mv.vp.ToScreen(mv.frameVP.ToMap(fw, fh))
	if !finite(x0, y0, x1, y1) || x1-x0 < 1 || y1-y0 < 1 || x1-x0 > 64*float64(w) {
		return dst
	}
	r := image.Rect(int(math.Round(x0)), int(math.Round(y0)), int(math.Round(x1)), int(math.Round(y1)))
	if r.Dx() == mv.frame.Rect.Dx() && r.Dy() == mv.frame.Rect.Dy() {
		draw.Draw(dst, r, mv.frame, mv.frame.Rect.Min, draw.Src)
	} else {
		xdraw.NearestNeighbor.Scale(dst, r, mv.frame, mv.frame.Rect, draw.Src, nil)
	}
	return dst
}

func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// toolEvent builds a tool event at pos (Fyne units).
func (mv *MapView) toolEvent(kind EventKind, pos fyne.Position, button int, mods fyne.KeyModifier) ToolEvent {
	s := float64(mv.PixelScale())
	mv.mu.Lock()
	vp := mv.vp
	mv.mu.Unlock()
	px, py := float64(pos.X)*s, float64(pos.Y)*s
	lon, lat := vp.ToMap(px, py)
	return ToolEvent{Kind: kind, X: lon, Y: lat, PX: px, PY: py, Button: button, Modifiers: mods, DegPerPx: vp.Scale}
}

// sendTool passes e to the tool, if any, and redraws its overlay when it used the event.
func (mv *MapView) sendTool(e ToolEvent) bool {
	mv.mu.Lock()
	t := mv.tool
	mv.mu.Unlock()
	if t == nil || !t.Handle(e) {
		return false
	}
	mv.updateOverlay()
	return true
}

// Tapped selects the feature under the pointer (or gives the tap to the tool).
func (mv *MapView) Tapped(ev *fyne.PointEvent) {
	mv.focus()
	mv.mu.Lock()
	pan := mv.panDrag || mv.spaceHeld
	mv.panDrag = false
	mv.mu.Unlock()
	if pan {
		return // a Space-click without a drag is a pan of nothing, not a vertex
	}
	if mv.sendTool(mv.toolEvent(Click, ev.Position, ButtonPrimary, 0)) {
		return
	}
	s := float64(mv.PixelScale())
	mv.mu.Lock()
	vp, src, tables := mv.vp, mv.src, mv.selTables
	mv.mu.Unlock()
	if src == nil || vp.Width <= 0 {
		return
	}
	table, id, ok := src.HitTest(vp, float64(ev.Position.X)*s, float64(ev.Position.Y)*s, 4*s, tables)
	if mv.OnSelect != nil {
		mv.OnSelect(table, id, ok)
	}
}

// WheelNotch is the scroll delta Fyne's desktop driver reports for one notch of a mouse
// wheel: 25 units (10 on macOS). Touchpads report fractions of it.
var WheelNotch = func() float64 {
	if runtime.GOOS == "darwin" {
		return 10
	}
	return 25
}()

// Scrolled zooms about the pointer, by √2 per wheel notch.
func (mv *MapView) Scrolled(ev *fyne.ScrollEvent) {
	d := float64(ev.Scrolled.DY)
	if d == 0 {
		return
	}
	f := math.Pow(2, math.Max(-4, math.Min(4, d/WheelNotch/2)))
	mv.ZoomAt(ev.Position, f)
}

// Dragged pans: the cached frame follows the pointer at once; the new frame is rendered when
// the drag ends.
func (mv *MapView) Dragged(ev *fyne.DragEvent) {
	mv.mu.Lock()
	toolDrag := mv.toolDrag
	mv.mu.Unlock()
	if toolDrag {
		mv.sendTool(mv.toolEvent(Move, ev.Position, ButtonPrimary, 0))
		return
	}
	s := float64(mv.PixelScale())
	mv.mu.Lock()
	mv.vp.Pan(float64(ev.Dragged.DX)*s, float64(ev.Dragged.DY)*s)
	if mv.cancel != nil {
		mv.cancel() // the frame in flight is stale; render again on DragEnd
	}
	mv.mu.Unlock()
	mv.raster.Refresh()
}

// DragEnd renders the view the drag ended at.
func (mv *MapView) DragEnd() {
	mv.mu.Lock()
	toolDrag := mv.toolDrag
	mv.toolDrag = false
	if !mv.pressed {
		mv.panDrag = false
	}
	mv.mu.Unlock()
	if toolDrag {
		return
	}
	mv.viewChanged()
}

// MouseDown gives the press to the tool; if the tool takes it, the drag that may follow is
// the tool's too. A middle-button press, or any press while Space is held, is the map's: the
// drag that follows pans even while a tool is drawing (Fyne 2.7 sends Dragged for every button
// but the secondary one).
func (mv *MapView) MouseDown(ev *desktop.MouseEvent) {
	mv.focus()
	mv.mu.Lock()
	pan := ev.Button == desktop.MouseButtonTertiary || mv.spaceHeld
	mv.pressed = true
	mv.panDrag = pan
	mv.mu.Unlock()
	used := false
	if !pan {
		used = mv.sendTool(mv.toolEvent(Press, ev.Position, toolButton(ev.Button), ev.Modifier))
	}
	mv.mu.Lock()
	mv.toolDrag = used
	mv.mu.Unlock()
}

// toolButton maps a desktop button to a ToolEvent button.
func toolButton(b desktop.MouseButton) int {
	if b == desktop.MouseButtonSecondary {
		return ButtonSecondary
	}
	return ButtonPrimary
}

// MouseUp gives the release to the tool, unless the press was a pan.
func (mv *MapView) MouseUp(ev *desktop.MouseEvent) {
	mv.mu.Lock()
	mv.pressed = false
	pan := mv.panDrag
	if ev.Button == desktop.MouseButtonTertiary {
		mv.panDrag = false // no tap follows a middle click to clear it
	}
	mv.mu.Unlock()
	if pan || ev.Button == desktop.MouseButtonTertiary {
		return
	}
	mv.sendTool(mv.toolEvent(Release, ev.Position, toolButton(ev.Button), ev.Modifier))
}

// MouseIn is part of desktop.Hoverable.
func (mv *MapView) MouseIn(ev *desktop.MouseEvent) { mv.MouseMoved(ev) }

// MouseMoved reports the map position under the pointer.
func (mv *MapView) MouseMoved(ev *desktop.MouseEvent) {
	e := mv.toolEvent(Move, ev.Position, ButtonNone, ev.Modifier)
	mv.sendTool(e)
	if mv.OnCursor != nil {
		mv.OnCursor(e.X, e.Y, true)
	}
}

// MouseOut clears the cursor position.
func (mv *MapView) MouseOut() {
	if mv.OnCursor != nil {
		mv.OnCursor(0, 0, false)
	}
}

// focus takes the keyboard, so that a tool gets Escape and Enter while digitising.
func (mv *MapView) focus() {
	if c := fyne.CurrentApp().Driver().CanvasForObject(mv); c != nil && c.Focused() != mv {
		c.Focus(mv)
	}
}

// Focus gives the map the keyboard (called when a tool is chosen from the toolbar or a
// shortcut, so that Esc, Enter and Backspace reach the tool without a click on the map first).
func (mv *MapView) Focus() { mv.focus() }

// FocusGained is part of fyne.Focusable.
func (mv *MapView) FocusGained() {}

// FocusLost is part of fyne.Focusable; a Space released elsewhere must not leave panning on.
func (mv *MapView) FocusLost() {
	mv.mu.Lock()
	mv.spaceHeld = false
	mv.mu.Unlock()
}

// TypedRune is part of fyne.Focusable; characters are not map commands.
func (mv *MapView) TypedRune(rune) {}

// KeyDown is part of desktop.Keyable: holding Space makes a primary drag pan.
func (mv *MapView) KeyDown(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeySpace {
		mv.mu.Lock()
		mv.spaceHeld = true
		mv.mu.Unlock()
	}
}

// KeyUp is part of desktop.Keyable.
func (mv *MapView) KeyUp(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeySpace {
		mv.mu.Lock()
		mv.spaceHeld = false
		mv.mu.Unlock()
	}
}

// Panning says whether a primary drag would pan now whatever the tool (Space held).
func (mv *MapView) Panning() bool {
	mv.mu.Lock()
	defer mv.mu.Unlock()
	return mv.spaceHeld
}

// TypedKey gives keys to the tool (Escape, Enter, Delete while digitising). Space belongs to
// panning (KeyDown/KeyUp).
func (mv *MapView) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeySpace {
		return
	}
	mv.mu.Lock()
	t := mv.tool
	mv.mu.Unlock()
	if t != nil && t.Handle(ToolEvent{Kind: KeyDown, Key: ev.Name}) {
		mv.updateOverlay()
	}
}

// Destroy stops the frame in flight (called when the widget is thrown away).
func (mv *MapView) Destroy() {
	mv.mu.Lock()
	if mv.cancel != nil {
		mv.cancel()
	}
	mv.mu.Unlock()
}

// CreateRenderer is part of fyne.Widget.
func (mv *MapView) CreateRenderer() fyne.WidgetRenderer {
	r := &mapRenderer{mv: mv, bar: newScaleBar()}
	return r
}

type mapRenderer struct {
	mv  *MapView
	bar *scaleBar
}

func (r *mapRenderer) Layout(size fyne.Size) {
	r.mv.raster.Resize(size)
	r.mv.raster.Move(fyne.NewPos(0, 0))
	r.bar.layout(r.mv, size)
}

func (r *mapRenderer) MinSize() fyne.Size { return fyne.NewSize(100, 100) }

func (r *mapRenderer) Refresh() {
	r.mv.raster.Refresh()
	r.bar.layout(r.mv, r.mv.Size())
}

func (r *mapRenderer) Objects() []fyne.CanvasObject {
	return append([]fyne.CanvasObject{r.mv.raster}, r.bar.objects()...)
}

func (r *mapRenderer) Destroy() { r.mv.Destroy() }
