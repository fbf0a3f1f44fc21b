package tool

import (
	"math"
	"reflect"
	"testing"

	"github.com/paulmach/orb"

	"kuanggui/internal/plan"
)

const px = 0.001 // degrees per pixel in these tests: 10 px tolerance = 0.01°

func ev(kind EventKind, x, y float64) Event { return Event{Kind: kind, X: x, Y: y, PixelSize: px} }
func key(k string) Event                    { return Event{Kind: Key, Key: k, PixelSize: px} }

func click(c *fakeCtx, t Tool, x, y float64) Result {
	c.handle(t, ev(Move, x, y))
	r := c.handle(t, ev(Press, x, y))
	if r2 := c.handle(t, ev(Release, x, y)); r2.Command != nil {
		return r2
	}
	return r
}

func isMinute(v float64) bool {
	k := math.Round(v * 60)
	return float64(k)/60 == v
}

func TestDrawBlockOnGrid(t *testing.T) {
	s := NewSnapper()
	s.SetGrid(true)
	c := newCtx("kanchqk")
	d := NewDraw(DrawBlock, s)
	m := 1.0 / 60
	// Clockwise clicks, each a few thousandths off a minute node.
	clicks := []orb.Point{{83 + 0.003, 44 + 0.002}, {83 + 0.001, 44 + 3*m - 0.004}, {83 + 2*m + 0.002, 44 + 3*m + 0.001}, {83 + 2*m - 0.003, 44 - 0.002}}
	var r Result
	for _, p := range clicks[:3] {
		r = click(c, d, p[0], p[1])
		if r.Command != nil {
			t.Fatalf("command before finishing")
		}
	}
	if got := len(r.Overlay.Rubber); got != 4 { // 3 vertices + cursor
		t.Fatalf("rubber has %d points, want 4", got)
	}
	if r.Overlay.Snap == nil || r.Overlay.Snap.Kind != SnapGrid {
		t.Fatalf("snap marker %+v, want grid", r.Overlay.Snap)
	}
	// The double click of the last vertex: press, release, press, release, double.
	p := clicks[3]
	click(c, d, p[0], p[1])
	click(c, d, p[0], p[1])
	r = c.handle(d, ev(DoubleClick, p[0], p[1]))
	if r.Command == nil || !r.Done {
		t.Fatalf("no command after double click: %+v", r.Overlay.Message)
	}
	cmd := r.Command
	if cmd.Label != LabelNewBlock || len(cmd.Changes) != 1 || cmd.Changes[0].Before != nil || cmd.Changes[0].Layer != "kanchqk" {
		t.Fatalf("command %+v, want one insert 新建区块 in kanchqk", cmd)
	}
	f := cmd.Changes[0].After
	if f.ID != 0 || f.Attrs["QKBH"] != "NEW-1" {
		t.Fatalf("new feature id %d attrs %v", f.ID, f.Attrs)
	}
	if len(f.Geometry) != 1 || len(f.Geometry[0]) != 1 {
		t.Fatalf("geometry shape %v", f.Geometry)
	}
	ring := f.Geometry[0][0]
	if len(ring) != 5 || ring[0] != ring[4] {
		t.Fatalf("ring %v: want 4 vertices, closed", ring)
	}
	for _, q := range ring {
		if !isMinute(q[0]) || !isMinute(q[1]) {
			t.Errorf("vertex %v is not on a minute multiple", q)
		}
	}
	if signedArea(openRing(ring)) <= 0 {
		t.Errorf("outer ring is clockwise: %v", ring)
	}
	want := orb.Point{83, 44}
	if !containsPoint(ring, want) || !containsPoint(ring, orb.Point{83 + 2.0/60, 44 + 3.0/60}) {
		t.Errorf("ring %v lacks the expected corners", ring)
	}
}

func containsPoint(r orb.Ring, p orb.Point) bool {
	for _, q := range r {
		if q == p {
			return true
		}
	}
	return false
}

func TestDrawBackspaceEscape(t *testing.T) {
	c := newCtx("kanchqk")
	d := NewDraw(DrawBlock, nil)
	click(c, d, 80, 40)
	click(c, d, 80.1, 40)
	click(c, d, 80.1, 40.1)
	r := c.handle(d, key(KeyBackspace))
	if n := len(r.Overlay.Rubber); n != 3 { // 2 left + cursor
		t.Fatalf("after backspace rubber %v", r.Overlay.Rubber)
	}
	r = c.handle(d, key(KeyReturn))
	if r.Command != nil || r.Overlay.Message == "" {
		t.Fatalf("finishing with 2 vertices: command %v message %q", r.Command, r.Overlay.Message)
	}
	click(c, d, 80, 40.1)
	r = c.handle(d, key(KeyReturn))
	if r.Command == nil {
		t.Fatalf("Enter with 3 vertices: %q", r.Overlay.Message)
	}
	ring := r.Command.Changes[0].After.Geometry[0][0]
	if len(ring) != 4 || containsPoint(ring, orb.Point{80.1, 40.1}) {
		t.Fatalf("ring %v: the removed vertex came back", ring)
	}
	// Esc throws a drawing away.
	click(c, d, 81, 41)
	click(c, d, 81.1, 41)
	r = c.handle(d, key(KeyEscape))
	if !r.Done || r.Command != nil || len(r.Overlay.Rubber) != 0 {
		t.Fatalf("escape: %+v", r)
	}
	click(c, d, 82, 42)
	r = c.handle(d, key(KeyReturn))
	if r.Command != nil {
		t.Fatalf("escape left vertices behind")
	}
}

func TestDrawRefusesBadRings(t *testing.T) {
	c := newCtx("kanchqk")
	d := NewDraw(DrawBlock, nil)
	for _, p := range []orb.Point{{80, 40}, {80.1, 40.1}, {80.1, 40}, {80, 40.1}} { // bow tie
		click(c, d, p[0], p[1])
	}
	if r := c.handle(d, key(KeyReturn)); r.Command != nil || r.Overlay.Message == "" {
		t.Fatalf("self-intersecting ring accepted")
	}
	c.handle(d, key(KeyEscape))
	for _, p := range []orb.Point{{80, 40}, {80.1, 40}, {80.2, 40}} { // collinear
		click(c, d, p[0], p[1])
	}
	if r := c.handle(d, key(KeyReturn)); r.Command != nil {
		t.Fatalf("zero-area ring accepted")
	}
}

func TestDrawClosesOnFirstVertex(t *testing.T) {
	c := newCtx("kanchqk")
	d := NewDraw(DrawBlock, NewSnapper())
	for _, p := range []orb.Point{{80, 40}, {80.1, 40}, {80.1, 40.1}} {
		click(c, d, p[0], p[1])
	}
	r := click(c, d, 80.002, 40.001)
	if r.Command == nil {
		t.Fatalf("click on the first vertex did not finish: %q", r.Overlay.Message)
	}
	if ring := r.Command.Changes[0].After.Geometry[0][0]; len(ring) != 4 {
		t.Fatalf("ring %v, want a closed triangle", ring)
	}
}

func TestDrawHolePartLine(t *testing.T) {
	c := newCtx("kanchqk")
	a := c.add("kanchqk", rect(1, 80, 40, 81, 41))
	hole := NewDraw(DrawHole, nil)
	if r := click(c, hole, 80.5, 40.5); r.Overlay.Message == "" {
		t.Fatalf("hole without a selection: no message")
	}
	c.sel = []Ref{a}
	for _, p := range []orb.Point{{80.2, 40.2}, {80.4, 40.2}, {80.4, 40.4}} {
		click(c, hole, p[0], p[1])
	}
	r := c.handle(hole, key(KeyReturn))
	if r.Command == nil || r.Command.Label != LabelAddHole {
		t.Fatalf("hole: %+v", r)
	}
	g := r.Command.Changes[0].After.Geometry
	if len(g) != 1 || len(g[0]) != 2 || signedArea(openRing(g[0][1])) >= 0 {
		t.Fatalf("hole geometry %v: want one polygon with a clockwise hole", g)
	}
	if r.Command.Changes[0].Before.ID != 1 || len(r.Command.Changes[0].Before.Geometry[0]) != 1 {
		t.Fatalf("before state changed")
	}
	// A hole outside the block is refused.
	for _, p := range []orb.Point{{82.2, 40.2}, {82.4, 40.2}, {82.4, 40.4}} {
		click(c, hole, p[0], p[1])
	}
	if r := c.handle(hole, key(KeyReturn)); r.Command != nil || r.Overlay.Message == "" {
		t.Fatalf("hole outside the block accepted")
	}

	part := NewDraw(DrawPart, nil)
	for _, p := range []orb.Point{{82, 40}, {82, 40.5}, {82.5, 40.5}} { // clockwise
		click(c, part, p[0], p[1])
	}
	r = c.handle(part, key(KeyReturn))
	if r.Command == nil || r.Command.Label != LabelAddPart {
		t.Fatalf("part: %+v", r)
	}
	g = r.Command.Changes[0].After.Geometry
	if len(g) != 2 || signedArea(openRing(g[1][0])) <= 0 {
		t.Fatalf("part geometry %v: want 2 polygons, new one counter-clockwise", g)
	}

	line := NewDraw(DrawLine, nil)
	click(c, line, 79.5, 40.5)
	click(c, line, 81.5, 40.5)
	r = c.handle(line, ev(DoubleClick, 81.5, 40.5))
	if r.Command != nil || !reflect.DeepEqual(r.Line, orb.LineString{{79.5, 40.5}, {81.5, 40.5}}) {
		t.Fatalf("line: %v", r.Line)
	}

	// A split line is not pulled to the 1′ grid even when the grid is on.
	gs := NewSnapper()
	gs.SetGrid(true)
	gridLine := NewDraw(DrawLine, gs)
	click(c, gridLine, 79.5071, 40.5033)
	click(c, gridLine, 81.5071, 40.5033)
	r = c.handle(gridLine, ev(DoubleClick, 81.5071, 40.5033))
	if !reflect.DeepEqual(r.Line, orb.LineString{{79.5071, 40.5033}, {81.5071, 40.5033}}) {
		t.Fatalf("split line snapped to the grid: %v", r.Line)
	}
}

func square(c *fakeCtx) Ref {
	r := c.add("kanchqk", rect(7, 80, 40, 80.1, 40.1))
	c.sel = []Ref{r}
	return r
}

func TestVertexDragOneUpdate(t *testing.T) {
	c := newCtx("kanchqk")
	ref := square(c)
	v := NewVertexEdit(nil)
	r := c.handle(v, ev(Move, 80, 40))
	if len(r.Overlay.Handles) != 4 || len(r.Overlay.Midpoints) != 4 {
		t.Fatalf("handles %v midpoints %v", r.Overlay.Handles, r.Overlay.Midpoints)
	}
	if r = c.handle(v, ev(Press, 80.001, 40.001)); r.Command != nil {
		t.Fatalf("command on press")
	}
	var last Result
	for i := 1; i <= 5; i++ {
		last = c.handle(v, ev(Drag, 80-0.01*float64(i), 40-0.01*float64(i)))
		if last.Command != nil {
			t.Fatalf("command during drag")
		}
	}
	if len(last.Overlay.Preview) != 1 || last.Overlay.Preview[0][0][0] != (orb.Point{79.95, 39.95}) {
		t.Fatalf("preview %v does not show the moved vertex", last.Overlay.Preview)
	}
	r = c.handle(v, ev(Release, 79.95, 39.95))
	if r.Command == nil || r.Command.Label != LabelMoveVertex || len(r.Command.Changes) != 1 {
		t.Fatalf("release: %+v", r.Command)
	}
	ch := r.Command.Changes[0]
	if ch.Before == nil || ch.After == nil || ch.After.ID != ref.ID {
		t.Fatalf("not an update of %v", ref)
	}
	ring := ch.After.Geometry[0][0]
	want := orb.Ring{{79.95, 39.95}, {80.1, 40}, {80.1, 40.1}, {80, 40.1}, {79.95, 39.95}}
	if !reflect.DeepEqual(ring, want) {
		t.Fatalf("ring %v, want %v", ring, want)
	}
	if ch.Before.Geometry[0][0][0] != (orb.Point{80, 40}) {
		t.Fatalf("before state was modified")
	}
}

func TestVertexDragSnapsToNeighbour(t *testing.T) {
	c := newCtx("kanchqk")
	square(c)
	other := rect(8, 80.2, 40, 80.3, 40.1)
	c.add("kanchqk", other)
	s := NewSnapper()
	s.SetLayer("kanchqk", []plan.Feature{c.feats[Ref{"kanchqk", 7}], other})
	v := NewVertexEdit(s)
	c.handle(v, ev(Press, 80.1, 40))
	r := c.handle(v, ev(Drag, 80.195, 40.003))
	if r.Overlay.Snap == nil || r.Overlay.Snap.Kind != SnapVertex || r.Overlay.Snap.Point != (orb.Point{80.2, 40}) {
		t.Fatalf("snap %+v, want vertex 80.2,40", r.Overlay.Snap)
	}
	r = c.handle(v, ev(Release, 80.195, 40.003))
	if got := r.Command.Changes[0].After.Geometry[0][0][1]; got != (orb.Point{80.2, 40}) {
		t.Fatalf("vertex at %v", got)
	}
	// Ctrl held: no snapping, and the drag never snaps to the edited feature itself.
	c.apply(*r.Command)
	c.handle(v, ev(Press, 80, 40.1))
	e := ev(Drag, 80.003, 40.1)
	e.Ctrl = true
	r = c.handle(v, e)
	if r.Overlay.Snap != nil {
		t.Fatalf("snapped with Ctrl held: %+v", r.Overlay.Snap)
	}
	r = c.handle(v, ev(Release, 80.003, 40.1))
	if got := r.Command.Changes[0].After.Geometry[0][0][3]; got != (orb.Point{80.003, 40.1}) {
		t.Fatalf("vertex at %v", got)
	}
	// Without Ctrl, a small drag does not snap back to the vertex's own old place.
	c.apply(*r.Command)
	s.Update("kanchqk", *r.Command.Changes[0].After)
	c.handle(v, ev(Press, 80.003, 40.1))
	c.handle(v, ev(Drag, 80.006, 40.1))
	r = c.handle(v, ev(Release, 80.006, 40.1))
	if got := r.Command.Changes[0].After.Geometry[0][0][3]; got != (orb.Point{80.006, 40.1}) {
		t.Fatalf("vertex at %v: snapped to its own feature", got)
	}
}

func TestVertexDeleteAndRefuse(t *testing.T) {
	c := newCtx("kanchqk")
	square(c)
	v := NewVertexEdit(nil)
	click(c, v, 80.1, 40.1)
	r := c.handle(v, key(KeyDelete))
	if r.Command == nil || r.Command.Label != LabelDeleteVertex {
		t.Fatalf("delete: %+v", r)
	}
	ring := r.Command.Changes[0].After.Geometry[0][0]
	if !reflect.DeepEqual(ring, orb.Ring{{80, 40}, {80.1, 40}, {80, 40.1}, {80, 40}}) {
		t.Fatalf("ring after delete %v", ring)
	}
	c.apply(*r.Command)
	// Three left: a right click on a vertex is refused.
	r = c.handle(v, Event{Kind: Press, X: 80, Y: 40, Button: ButtonRight, PixelSize: px})
	if r.Command != nil || r.Overlay.Message == "" {
		t.Fatalf("deleted below 3 points: %+v", r.Command)
	}
	// So is Delete.
	click(c, v, 80.1, 40)
	if r = c.handle(v, key(KeyDelete)); r.Command != nil || r.Overlay.Message == "" {
		t.Fatalf("deleted below 3 points with Delete")
	}
	// And dragging a vertex onto another.
	c.handle(v, ev(Press, 80.1, 40))
	c.handle(v, ev(Drag, 80, 40))
	if r = c.handle(v, ev(Release, 80, 40)); r.Command != nil || r.Overlay.Message == "" {
		t.Fatalf("collapsed ring accepted")
	}
}

func TestVertexMidpointInsert(t *testing.T) {
	c := newCtx("kanchqk")
	square(c)
	v := NewVertexEdit(nil)
	c.handle(v, ev(Press, 80.05, 40.001)) // midpoint of the bottom edge
	r := c.handle(v, ev(Drag, 80.05, 39.95))
	if got := len(r.Overlay.Handles); got != 5 {
		t.Fatalf("%d handles during insert drag, want 5", got)
	}
	r = c.handle(v, ev(Release, 80.05, 39.95))
	if r.Command == nil || r.Command.Label != LabelInsertVertex {
		t.Fatalf("insert: %+v", r)
	}
	ring := r.Command.Changes[0].After.Geometry[0][0]
	want := orb.Ring{{80, 40}, {80.05, 39.95}, {80.1, 40}, {80.1, 40.1}, {80, 40.1}, {80, 40}}
	if !reflect.DeepEqual(ring, want) {
		t.Fatalf("ring %v, want %v", ring, want)
	}
	if r.Overlay.Active != 1 {
		t.Errorf("active handle %d, want 1 (the new vertex)", r.Overlay.Active)
	}
}

func TestVertexPicksFeature(t *testing.T) {
	c := newCtx("kanchqk")
	c.add("kanchqk", rect(7, 80, 40, 80.1, 40.1))
	v := NewVertexEdit(nil)
	r := c.handle(v, ev(Press, 80.05, 40.05))
	if !r.SelectionSet || len(r.Selection) != 1 || r.Selection[0].ID != 7 || len(r.Overlay.Handles) != 4 {
		t.Fatalf("press on a block did not pick it: %+v", r)
	}
}

func TestSelect(t *testing.T) {
	c := newCtx("kanchqk")
	a := c.add("kanchqk", rect(1, 80, 40, 80.1, 40.1))
	b := c.add("kanchqk", rect(2, 80.2, 40, 80.3, 40.1))
	z := c.add("kanchqk", rect(3, 81, 41, 81.1, 41.1))
	s := NewSelect()
	click(c, s, 80.05, 40.05)
	if !reflect.DeepEqual(c.sel, []Ref{a}) {
		t.Fatalf("click: %v", c.sel)
	}
	shift := func(x, y float64) {
		e := ev(Press, x, y)
		e.Shift = true
		c.handle(s, e)
		e.Kind = Release
		c.handle(s, e)
	}
	shift(80.25, 40.05)
	if !reflect.DeepEqual(c.sel, []Ref{a, b}) {
		t.Fatalf("shift-click add: %v", c.sel)
	}
	shift(80.05, 40.05)
	if !reflect.DeepEqual(c.sel, []Ref{b}) {
		t.Fatalf("shift-click toggle: %v", c.sel)
	}
	// Box over a and b only.
	c.handle(s, ev(Press, 79.9, 39.9))
	r := c.handle(s, ev(Drag, 80.35, 40.2))
	if r.Overlay.Box == nil || r.Overlay.Box.Max != (orb.Point{80.35, 40.2}) {
		t.Fatalf("box overlay %v", r.Overlay.Box)
	}
	c.handle(s, ev(Release, 80.35, 40.2))
	if !reflect.DeepEqual(c.sel, []Ref{a, b}) {
		t.Fatalf("box: %v", c.sel)
	}
	// Shift+box adds.
	e := ev(Press, 80.9, 40.9)
	e.Shift = true
	c.handle(s, e)
	e.Kind, e.X, e.Y = Drag, 81.2, 41.2
	c.handle(s, e)
	e.Kind = Release
	c.handle(s, e)
	if !reflect.DeepEqual(c.sel, []Ref{a, b, z}) {
		t.Fatalf("shift-box: %v", c.sel)
	}
	// Delete asks for confirmation for more than one block.
	r = c.handle(s, key(KeyDelete))
	if r.Command == nil || r.Command.Label != LabelDeleteBlock || len(r.Command.Changes) != 3 || !r.NeedsConfirm {
		t.Fatalf("delete 3: %+v", r)
	}
	c.handle(s, key(KeyEscape))
	if len(c.sel) != 0 {
		t.Fatalf("escape left %v", c.sel)
	}
	click(c, s, 80.05, 40.05)
	r = c.handle(s, key(KeyDelete))
	if r.Command == nil || r.NeedsConfirm || r.Command.Changes[0].Before.ID != 1 || r.Command.Changes[0].After != nil {
		t.Fatalf("delete 1: %+v", r)
	}
	click(c, s, 85, 45)
	if len(c.sel) != 0 {
		t.Fatalf("click on nothing kept %v", c.sel)
	}
}

func TestMove(t *testing.T) {
	c := newCtx("kanchqk")
	a := c.add("kanchqk", rect(1, 80, 40, 80.1, 40.1))
	b := c.add("kanchqk", rect(2, 80.2, 40, 80.3, 40.1))
	c.sel = []Ref{a, b}
	m := NewMove(nil)
	c.handle(m, ev(Press, 80.05, 40.05))
	var r Result
	for i := 1; i <= 4; i++ {
		r = c.handle(m, ev(Drag, 80.05+0.025*float64(i), 40.05+0.0125*float64(i)))
		if r.Command != nil {
			t.Fatalf("command during drag")
		}
	}
	if len(r.Overlay.Preview) != 2 {
		t.Fatalf("preview %v", r.Overlay.Preview)
	}
	r = c.handle(m, ev(Release, 80.15, 40.1))
	if r.Command == nil || r.Command.Label != LabelMoveBlock || len(r.Command.Changes) != 2 {
		t.Fatalf("move: %+v", r.Command)
	}
	got := r.Command.Changes[0].After.Geometry[0][0][0]
	if math.Abs(got[0]-80.1) > 1e-12 || math.Abs(got[1]-40.05) > 1e-12 {
		t.Fatalf("moved corner %v, want 80.1,40.05", got)
	}
	// Pressing an unselected block selects it alone and moves it; with the grid on its anchor
	// vertex lands on a minute node.
	s := NewSnapper()
	s.SetGrid(true)
	c.add("kanchqk", rect(3, 81.004, 41.003, 81.05, 41.05))
	m = NewMove(s)
	r = c.handle(m, ev(Press, 81.01, 41.01))
	if !r.SelectionSet || len(r.Selection) != 1 || r.Selection[0].ID != 3 {
		t.Fatalf("press did not select block 3: %+v", r.Selection)
	}
	c.handle(m, ev(Drag, 81.03, 41.02))
	r = c.handle(m, ev(Release, 81.03, 41.02))
	corner := r.Command.Changes[0].After.Geometry[0][0][0]
	if !isMinute(corner[0]) || !isMinute(corner[1]) {
		t.Fatalf("anchor %v not on the grid", corner)
	}
	// Esc cancels a drag.
	c.handle(m, ev(Press, 81.03, 41.03))
	c.handle(m, ev(Drag, 81.2, 41.2))
	c.handle(m, key(KeyEscape))
	if r = c.handle(m, ev(Release, 81.2, 41.2)); r.Command != nil {
		t.Fatalf("move after Esc")
	}
}

func TestShortcuts(t *testing.T) {
	keys := map[string]bool{}
	for _, s := range Shortcuts {
		if keys[s.Key] {
			t.Errorf("key %s used twice", s.Key)
		}
		keys[s.Key] = true
	}
	for _, tl := range []Tool{NewSelect(), NewDraw(DrawBlock, nil), NewDraw(DrawHole, nil), NewDraw(DrawPart, nil), NewDraw(DrawLine, nil), NewVertexEdit(nil), NewMove(nil)} {
		if _, ok := ShortcutFor(tl.Name()); !ok {
			t.Errorf("tool %q has no shortcut", tl.Name())
		}
	}
	if s, _ := ShortcutFor("select"); s.Key != "S" || s.Tip != "选择 (S)" {
		t.Errorf("select shortcut %+v", s)
	}
}
