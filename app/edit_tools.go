package main

import (
	"fmt"
	"image/color"
	"math"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"kuanggui/app/mapview"
	"kuanggui/internal/document"
	"kuanggui/internal/edit"
	"kuanggui/internal/plan"
	"kuanggui/internal/tool"
	"kuanggui/internal/topo"
)

// editor is the editing side of the window: the active tool, the layer edits go to, the
// selection, snapping, and the commands the toolbar and menus run. It is the map's
// mapview.ToolHandler and the tools' tool.Context. Everything runs on the UI goroutine.
type editor struct {
	g *gui

	snap      *tool.Snapper
	snapBuilt bool // the snapper is filled lazily: the first edit tool, not project opening
	tools     map[string]tool.Tool
	active    string
	layer     string // table edits go to
	unlock    bool   // zone layers may be chosen as the editable layer
	gridOff   bool   // the project's settings turn grid snapping off by default
	sel       []tool.Ref
	ov        tool.Overlay
	preview   orb.MultiPolygon // a turning-point table being previewed
	geos      *topo.Context

	// Pointer bookkeeping between mapview's events and the tools' (see Handle).
	pressFwd   bool // the press went to the tool, so its drag and release do too
	pressTaken bool // same, kept after the release for the click that follows
	sawPress   bool
	mods       fyne.KeyModifier
	lastPress  time.Time
	lastPx     [2]float64
	pixel      float64 // map units per device pixel at the last event

	buttons   map[string]*tipButton
	layerSel  *widget.Select
	layerOpts map[string]string // display name → table
	unlockChk *widget.Check
	banner    *canvas.Text
	items     map[string]*fyne.MenuItem

	mergeRadio *widget.RadioGroup // the open merge dialog's choice and button (tests drive them)
	mergeOK    *widget.Button

	form    *attrForm
	table   *attrTable
	tp      *pointsDialog
	ptTable *pointsTable
	hist    *historyDialog

	settings  *settingsDialog
	layerSelW *canvas.Rectangle // holds the layer choice wide enough for its longest name
}

// editTools are the toolbar's tools and actions, in tool.Shortcuts order.
var editTools = []struct{ name, label string }{
	{"select", "选择"}, {"draw", "绘制区块"}, {"vertex", "编辑顶点"}, {"move", "移动"},
	{"hole", "添加洞"}, {"part", "添加部分"}, {"split", "分割"}, {"merge", "合并"}, {"delete", "删除"},
	{"grid", "1′网格吸附"}, {"snap", "吸附"},
}

// editor returns the window's editor, made on first use (the toolbar asks for it while the
// window is being built).
func (g *gui) editor() *editor {
	if g.ed == nil {
		e := &editor{g: g, snap: tool.NewSnapper(), active: "select", buttons: map[string]*tipButton{},
			items: map[string]*fyne.MenuItem{}, layerOpts: map[string]string{}}
		e.tools = map[string]tool.Tool{
			"select": tool.NewSelect(),
			"draw":   tool.NewDraw(tool.DrawBlock, e.snap),
			"vertex": tool.NewVertexEdit(e.snap),
			"move":   tool.NewMove(e.snap),
			"hole":   tool.NewDraw(tool.DrawHole, e.snap),
			"part":   tool.NewDraw(tool.DrawPart, e.snap),
			"split":  tool.NewDraw(tool.DrawLine, e.snap),
		}
		g.ed = e
	}
	return g.ed
}

// tip returns a tool's tooltip in the UI language, with its shortcut.
func (e *editor) tip(name string) string {
	s, ok := tool.ShortcutFor(name)
	if !ok {
		return name
	}
	if e.g.zh {
		return s.Tip
	}
	return s.TipEN
}

// editToolbar is the editing part of the toolbar: layer choice, unlock, tools, toggles and the
// read-only banner.
func (g *gui) editToolbar() fyne.CanvasObject {
	e := g.editor()
	e.layerSel = widget.NewSelect(nil, func(s string) {
		if t, ok := e.layerOpts[s]; ok {
			e.setLayer(t)
		}
	})
	e.unlockChk = widget.NewCheck(tr("解锁分区图层"), func(on bool) {
		e.unlock = on
		e.fillLayerChoice()
	})
	e.layerSelW = canvas.NewRectangle(color.Transparent)
	objs := []fyne.CanvasObject{vsep(), widget.NewLabel(tr("编辑图层")), container.NewStack(e.layerSelW, e.layerSel), e.unlockChk, vsep()}
	for _, t := range editTools {
		name := t.name
		b := newTipButton(nil, e.tip(name), g.tips, func() { e.action(name) })
		b.Text = tr(t.label)
		e.buttons[name] = b
		objs = append(objs, b)
		if name == "delete" {
			objs = append(objs, vsep())
		}
	}
	e.banner = canvas.NewText("", color.NRGBA{0xc0, 0x20, 0x20, 0xff})
	e.banner.TextStyle.Bold = true
	objs = append(objs, e.banner)
	e.refreshButtons()
	return container.NewHBox(objs...)
}

// editMenuItems are the Edit menu's editing entries.
func (g *gui) editMenuItems() []*fyne.MenuItem {
	e := g.editor()
	out := []*fyne.MenuItem{fyne.NewMenuItemSeparator()}
	for _, t := range editTools {
		name := t.name
		it := fyne.NewMenuItem(tr(t.label), func() { e.action(name) })
		e.items[name] = it
		out = append(out, it)
	}
	pts := fyne.NewMenuItem(tr("拐点坐标输入…"), e.showPointsInput)
	tab := fyne.NewMenuItem(tr("拐点坐标表…"), e.showPointsTable)
	hist := fyne.NewMenuItem(tr("历史记录…"), e.showHistory)
	set := fyne.NewMenuItem(tr("设置…"), e.showSettings)
	e.items["points"], e.items["pointsTable"] = pts, tab
	return append(out, fyne.NewMenuItemSeparator(), pts, tab, fyne.NewMenuItemSeparator(), hist, set)
}

// viewMenuItems are the View menu's editing entries.
func (g *gui) viewMenuItems() []*fyne.MenuItem {
	e := g.editor()
	return []*fyne.MenuItem{fyne.NewMenuItemSeparator(), fyne.NewMenuItem(tr("属性表"), e.showTable)}
}

// editShortcuts adds the editing entries to the Edit and View menus (menus() has been built
// by then) and binds the tool keys when no widget has the keyboard (with the map focused the
// keys come through Handle).
func (g *gui) editShortcuts() {
	e := g.editor()
	if g.mainMenu != nil {
		for _, m := range g.mainMenu.Items {
			switch m.Label {
			case tr("编辑"):
				m.Items = append(m.Items, g.editMenuItems()...)
			case tr("视图"):
				m.Items = append(m.Items, g.viewMenuItems()...)
			}
		}
		g.win.SetMainMenu(g.mainMenu)
	}
	c := g.win.Canvas()
	prev := c.OnTypedKey()
	c.SetOnTypedKey(func(k *fyne.KeyEvent) {
		if e.shortcutKey(k.Name) {
			return
		}
		if prev != nil {
			prev(k)
		}
	})
}

// shortcutKey runs the tool or action bound to key; false when none is.
func (e *editor) shortcutKey(key fyne.KeyName) bool {
	for _, s := range tool.Shortcuts {
		if s.Key == string(key) {
			if s.Tool == "delete" && e.active != "select" {
				return false // Delete removes a vertex in the vertex tool
			}
			e.action(s.Tool)
			return true
		}
	}
	return false
}

// editSetDocument resets editing for a newly opened project.
func (g *gui) editSetDocument(doc *document.Document) {
	e := g.editor()
	if e.form != nil {
		e.form = nil
	}
	e.sel, e.preview, e.ov = nil, nil, tool.Overlay{}
	e.snapBuilt = false
	e.snap = tool.NewSnapper()
	set := e.loadSettings()
	e.gridOff = !set.GridDefault
	e.snap.SetTolerancePixels(set.TolPx)
	e.tools["draw"] = tool.NewDraw(tool.DrawBlock, e.snap)
	e.tools["vertex"] = tool.NewVertexEdit(e.snap)
	e.tools["move"] = tool.NewMove(e.snap)
	e.tools["hole"] = tool.NewDraw(tool.DrawHole, e.snap)
	e.tools["part"] = tool.NewDraw(tool.DrawPart, e.snap)
	e.tools["split"] = tool.NewDraw(tool.DrawLine, e.snap)
	e.active = "select"
	e.unlock = false
	if e.unlockChk != nil {
		e.unlockChk.SetChecked(false)
	}
	e.layer = ""
	for _, l := range doc.Layers() {
		if l.Def.Editable && l.Def.Role == plan.RoleBlock {
			e.setLayer(l.Def.Table)
			break
		}
	}
	e.fillLayerChoice()
	g.mv.SetTool(e)
	e.refreshButtons()
	if e.table != nil {
		e.table.reload()
	}
}

// editDocChanged keeps snapping, the selection and the editing windows in step with the
// document after an edit, undo, redo or import.
func (g *gui) editDocChanged(ev document.Event) {
	e := g.editor()
	if e.snapBuilt {
		if ev.Kind == document.Imported {
			e.snapBuilt = false
		} else {
			for _, ch := range ev.Command.Changes {
				if ch.After != nil {
					e.snap.Update(ch.Layer, *ch.After)
				} else if ch.Before != nil {
					e.snap.Remove(ch.Layer, ch.Before.ID)
				}
			}
		}
	}
	keep := e.sel[:0:0]
	for _, r := range e.sel {
		if _, ok := g.doc.Feature(r.Layer, r.ID); ok {
			keep = append(keep, r)
		}
	}
	if len(keep) != len(e.sel) {
		e.setSelection(keep)
	}
	e.refreshButtons()
	if e.table != nil {
		e.table.reload()
	}
	if e.hist != nil {
		e.hist.reload()
	}
}

// readOnly says whether the project refuses edits.
func (e *editor) readOnly() (bool, string) {
	if e.g.doc == nil {
		return true, ""
	}
	return e.g.doc.ReadOnly()
}

// fillLayerChoice lists the layers the user may edit: the editable block layers, and the zone
// layers once unlocked.
func (e *editor) fillLayerChoice() {
	if e.layerSel == nil || e.g.doc == nil {
		return
	}
	e.layerOpts = map[string]string{}
	var opts []string
	cur := ""
	for _, l := range e.g.doc.Layers() {
		d := l.Def
		if !(d.Editable && d.Role == plan.RoleBlock) && !(e.unlock && d.Role == plan.RoleZone) {
			continue
		}
		name := e.g.layerName(d)
		e.layerOpts[name] = d.Table
		opts = append(opts, name)
		if d.Table == e.layer {
			cur = name
		}
	}
	e.layerSel.Options = opts
	e.layerSelW.SetMinSize(fyne.NewSize(selectWidth(opts), 0))
	if cur == "" && len(opts) > 0 {
		cur = opts[0]
	}
	e.layerSel.SetSelected(cur) // calls setLayer when it changes
	e.layerSel.Refresh()
}

// selectWidth is the width a widget.Select needs to show the longest of opts whole (its label's
// padding and the drop-down icon, as Fyne's select renderer lays them out).
func selectWidth(opts []string) float32 {
	var w float32
	for _, o := range opts {
		if m := fyne.MeasureText(o, theme.TextSize(), fyne.TextStyle{}).Width; m > w {
			w = m
		}
	}
	inner := theme.InnerPadding()
	return w + 2*inner + inner*3 + theme.IconInlineSize() + inner
}

// setLayer makes table the editable layer; grid snapping follows the layer's default.
func (e *editor) setLayer(table string) {
	if table == e.layer {
		return
	}
	e.layer = table
	if l, ok := e.g.doc.Layer(table); ok {
		e.snap.SetGrid(e.gridDefaultFor(l.Def))
	}
	if t := e.tools[e.active]; t != nil {
		t.Reset()
	}
	e.refreshButtons()
	e.g.showAttributes()
}

// action runs a toolbar entry: switches tool, toggles snapping, or runs delete/merge.
func (e *editor) action(name string) {
	if e.g.doc == nil {
		return
	}
	ro, why := e.readOnly()
	switch name {
	case "grid":
		e.snap.SetGrid(!e.snap.Grid())
		e.refreshButtons()
		return
	case "snap":
		e.snap.SetEnabled(!e.snap.Enabled())
		e.refreshButtons()
		return
	}
	if ro && name != "select" {
		e.g.message(tr("项目只读，不能编辑：{{.W}}", trData{"W": why}))
		return
	}
	switch name {
	case "delete":
		e.deleteSelected()
	case "merge":
		e.mergeSelected()
	default:
		e.setTool(name)
	}
}

// setTool makes name the active tool.
func (e *editor) setTool(name string) {
	t, ok := e.tools[name]
	if !ok {
		return
	}
	if cur := e.tools[e.active]; cur != nil {
		cur.Reset()
	}
	e.active = name
	t.Reset()
	e.ov = tool.Overlay{Active: -1}
	if name != "select" {
		e.ensureSnap()
		if !e.g.identify {
			e.g.toggleIdentify()
		}
	}
	e.refreshButtons()
	e.g.mv.RefreshOverlay()
	e.g.mv.Focus() // Esc, Enter, Backspace and Delete go to the tool at once
	e.g.message(e.tip(name))
}

// ensureSnap fills the snapper from the document the first time an edit tool is used, and
// follows the layers' visibility.
func (e *editor) ensureSnap() {
	if !e.snapBuilt {
		for _, l := range e.g.doc.Layers() {
			e.snap.SetLayer(l.Def.Table, l.Features)
		}
		e.snapBuilt = true
	}
	for t, on := range e.g.visible {
		e.snap.SetVisible(t, on)
	}
}

// refreshButtons shows the active tool and toggles, greys out what cannot run, and shows the
// read-only banner.
func (e *editor) refreshButtons() {
	ro, why := e.readOnly()
	for name, b := range e.buttons {
		on := false
		switch name {
		case "grid":
			on = e.snap.Grid()
		case "snap":
			on = e.snap.Enabled()
		default:
			on = name == e.active
		}
		imp := widget.LowImportance
		if on {
			imp = widget.HighImportance
		}
		if b.Importance != imp {
			b.Importance = imp
			b.Refresh()
		}
		if ro && name != "select" && name != "grid" && name != "snap" {
			b.Disable()
		} else {
			b.Enable()
		}
	}
	for name, it := range e.items {
		it.Disabled = ro && name != "select" && name != "pointsTable" && name != "grid" && name != "snap"
	}
	if e.layerSel != nil {
		if ro {
			e.layerSel.Disable()
			e.unlockChk.Disable()
		} else {
			e.layerSel.Enable()
			e.unlockChk.Enable()
		}
	}
	if e.banner != nil {
		text := ""
		if ro && e.g.doc != nil {
			text = tr("只读：不能编辑")
			if why != "" {
				text += " (" + why + ")"
			}
		}
		if e.banner.Text != text {
			e.banner.Text = text
			e.banner.Refresh()
		}
	}
	if e.g.mainMenu != nil {
		e.g.mainMenu.Refresh()
	}
}

// --- mapview.ToolHandler ---

// Handle turns a map event into tool events. The select tool leaves a plain drag to the map
// (panning): it gets a press only with Shift (box or toggle), and a click as a press and a
// release. The other tools take every press, so their drags are theirs. A second press within
// 400 ms at the same place is also a double click (the draw tools finish on it).
func (e *editor) Handle(me mapview.ToolEvent) bool {
	if e.g.doc == nil {
		return false
	}
	if me.DegPerPx > 0 {
		e.pixel = me.DegPerPx
	}
	t := e.tools[e.active]
	isSelect := e.active == "select"
	ev := tool.Event{X: me.X, Y: me.Y, PixelSize: e.pixel}
	mods := me.Modifiers
	if me.Kind == mapview.Move && me.Button == mapview.ButtonPrimary {
		mods = e.mods // drags carry no modifiers
	}
	ev.Shift = mods&fyne.KeyModifierShift != 0
	ev.Ctrl = mods&(fyne.KeyModifierControl|fyne.KeyModifierSuper) != 0
	ev.Alt = mods&fyne.KeyModifierAlt != 0
	if me.Button == mapview.ButtonSecondary {
		ev.Button = tool.ButtonRight
	}
	switch me.Kind {
	case mapview.KeyDown:
		if e.shortcutKey(me.Key) {
			return true
		}
		ev.Kind, ev.Key = tool.Key, string(me.Key)
		e.run(t, ev)
		return true
	case mapview.Press:
		e.sawPress, e.mods = true, me.Modifiers
		if isSelect && (!ev.Shift || !e.g.identify || ev.Button == tool.ButtonRight) {
			e.pressFwd, e.pressTaken = false, false
			return false
		}
		e.pressFwd, e.pressTaken = true, true
		ev.Kind = tool.Press
		if !isSelect {
			e.ensureSnap()
		}
		e.run(t, ev)
		now := time.Now()
		if ev.Button == tool.ButtonLeft && now.Sub(e.lastPress) < 400*time.Millisecond &&
			math.Hypot(me.PX-e.lastPx[0], me.PY-e.lastPx[1]) < 5 {
			ev.Kind = tool.DoubleClick
			e.run(t, ev)
			now = time.Time{}
		}
		e.lastPress, e.lastPx = now, [2]float64{me.PX, me.PY}
		return true
	case mapview.Release:
		if !e.pressFwd {
			return false
		}
		e.pressFwd = false
		ev.Kind = tool.Release
		e.run(t, ev)
		return true
	case mapview.Move:
		if me.Button == mapview.ButtonPrimary {
			if !e.pressFwd {
				return false
			}
			ev.Kind = tool.Drag
			e.run(t, ev)
			return true
		}
		if isSelect {
			return false
		}
		ev.Kind = tool.Move
		before := e.ov
		e.run(t, ev)
		return !sameOverlay(before, e.ov)
	case mapview.Click:
		if isSelect && !e.g.identify {
			return false
		}
		if e.sawPress && e.pressTaken {
			e.sawPress = false
			return true
		}
		// A click whose press went to panning (the select tool) or that came without one
		// (test.Tap): give the tool a whole click.
		e.sawPress = false
		if !isSelect {
			e.ensureSnap()
		}
		ev.Kind = tool.Press
		e.run(t, ev)
		ev.Kind = tool.Release
		e.run(t, ev)
		return true
	}
	return false
}

// sameOverlay is a cheap check that a hover changed nothing worth a redraw.
func sameOverlay(a, b tool.Overlay) bool {
	if len(a.Rubber) != len(b.Rubber) || len(a.Handles) != len(b.Handles) || a.Active != b.Active || (a.Snap == nil) != (b.Snap == nil) {
		return false
	}
	if a.Snap != nil && *a.Snap != *b.Snap {
		return false
	}
	if n := len(a.Rubber); n > 0 && a.Rubber[n-1] != b.Rubber[n-1] {
		return false
	}
	return len(a.Preview) == len(b.Preview) && a.Box == nil && b.Box == nil
}

// run gives ev to t and carries out what it returns.
func (e *editor) run(t tool.Tool, ev tool.Event) {
	if t == nil {
		return
	}
	r := t.Handle(e, ev)
	e.ov = r.Overlay
	if r.Overlay.Message != "" {
		e.g.message(r.Overlay.Message) // the tools speak Chinese only
	}
	e.g.mv.SetCursor(r.Cursor)
	if r.SelectionSet {
		e.setSelection(r.Selection)
	}
	if r.Command != nil {
		cmd := *r.Command
		if r.NeedsConfirm {
			e.confirmApply(cmd, len(e.editableSelection()))
		} else {
			e.apply(cmd)
		}
	}
	if len(r.Line) >= 2 {
		e.split(r.Line)
	}
}

// Overlay is part of mapview.ToolHandler: the turning-point preview, then the tool's overlay.
func (e *editor) Overlay() []orb.Geometry {
	var out []orb.Geometry
	if len(e.preview) > 0 {
		out = append(out, e.preview)
	}
	o := e.ov
	if len(o.Preview) > 0 {
		out = append(out, o.Preview)
	}
	if len(o.Rubber) >= 2 {
		out = append(out, o.Rubber)
	}
	if o.Box != nil {
		out = append(out, o.Box.ToPolygon())
	}
	px := e.pixel
	if !(px > 0) {
		px = tool.DefaultPixelSize
	}
	for _, m := range o.Midpoints {
		out = append(out, orb.Bound{Min: orb.Point{m[0] - 2*px, m[1] - 2*px}, Max: orb.Point{m[0] + 2*px, m[1] + 2*px}})
	}
	if len(o.Handles) > 0 {
		out = append(out, orb.MultiPoint(o.Handles))
	}
	if s := o.Snap; s != nil {
		p := s.Point
		switch s.Kind {
		case tool.SnapGrid:
			d := 7 * px
			out = append(out, orb.MultiLineString{{{p[0] - d, p[1]}, {p[0] + d, p[1]}}, {{p[0], p[1] - d}, {p[0], p[1] + d}}})
		case tool.SnapEdge:
			d := 4 * px
			out = append(out, orb.Bound{Min: orb.Point{p[0] - d, p[1] - d}, Max: orb.Point{p[0] + d, p[1] + d}})
		default:
			out = append(out, p)
		}
	}
	return out
}

// --- tool.Context ---

// Feature is part of tool.Context.
func (e *editor) Feature(layer string, id int64) (plan.Feature, bool) {
	return e.g.doc.Feature(layer, id)
}

// HitTest is part of tool.Context: the select tool picks from every visible layer, the edit
// tools only from the editable one.
func (e *editor) HitTest(x, y, tol float64) (tool.Ref, bool) {
	v := e.g.mv.Viewport()
	if v.Width <= 0 || v.Scale <= 0 {
		return tool.Ref{}, false
	}
	px, py := v.ToScreen(x, y)
	var tables []string
	if e.active != "select" {
		if e.layer == "" {
			return tool.Ref{}, false
		}
		tables = []string{e.layer}
	}
	t, id, ok := e.g.rmap.HitTest(v, px, py, math.Max(tol/v.Scale, 1), tables)
	return tool.Ref{Layer: t, ID: id}, ok
}

// Query is part of tool.Context: the features of the editable layer whose geometry meets b
// (box selection is for editing work, so it does not pick the zones underneath).
func (e *editor) Query(b orb.Bound) []tool.Ref {
	l, ok := e.g.doc.Layer(e.layer)
	if !ok || !e.g.visible[e.layer] {
		return nil
	}
	var out []tool.Ref
	for _, f := range l.Features {
		if f.Geometry.Bound().Intersects(b) {
			out = append(out, tool.Ref{Layer: e.layer, ID: f.ID})
		}
	}
	return out
}

// Selection is part of tool.Context.
func (e *editor) Selection() []tool.Ref { return append([]tool.Ref(nil), e.sel...) }

// EditableLayer is part of tool.Context; none while the project is read-only.
func (e *editor) EditableLayer() string {
	if ro, _ := e.readOnly(); ro {
		return ""
	}
	return e.layer
}

// NewAttrs is part of tool.Context: the plan period; the code, region and zones are filled
// from the geometry when the block is inserted (prepareInserts).
func (e *editor) NewAttrs(layer string) plan.Attrs {
	a := plan.Attrs{}
	if l, ok := e.g.doc.Layer(layer); ok && l.Def.Role == plan.RoleBlock {
		if p := e.g.doc.Meta().Period; p != "" {
			a["GHQ"] = p
		}
	}
	return a
}

// editableSelection is the selected features of the editable layer.
func (e *editor) editableSelection() []plan.Feature {
	var fs []plan.Feature
	for _, r := range e.sel {
		if r.Layer != e.layer {
			continue
		}
		if f, ok := e.g.doc.Feature(r.Layer, r.ID); ok {
			fs = append(fs, f)
		}
	}
	return fs
}

// setSelection replaces the selection: highlighted on the map; one feature shows its
// attributes (the form for an editable layer). Text typed in the form is committed first.
func (e *editor) setSelection(refs []tool.Ref) {
	if e.form != nil {
		e.form.flush()
	}
	e.sel = append([]tool.Ref(nil), refs...)
	g := e.g
	hl := map[string][]int64{}
	for _, r := range e.sel {
		hl[r.Layer] = append(hl[r.Layer], r.ID)
	}
	g.selOK = len(e.sel) == 1
	if g.selOK {
		g.selTable, g.selID = e.sel[0].Layer, e.sel[0].ID
	}
	g.mv.Update(func() { g.rmap.SetHighlight(hl) })
	g.showAttributes()
	if len(e.sel) > 1 {
		g.attrSub.SetText(tr("已选中 {{.N}} 个要素", trData{"N": len(e.sel)}))
	}
}

// selectAndZoom selects one feature and shows it.
func (e *editor) selectAndZoom(table string, id int64) {
	f, ok := e.g.doc.Feature(table, id)
	if !ok {
		return
	}
	e.setSelection([]tool.Ref{{Layer: table, ID: id}})
	if len(f.Geometry) > 0 {
		e.g.mv.ZoomTo(f.Geometry.Bound())
	}
}

// --- commands ---

// apply fills what new blocks need, writes cmd and selects what it produced. False when the
// edit was refused.
func (e *editor) apply(cmd edit.Command) bool {
	doc := e.g.doc
	if ro, why := doc.ReadOnly(); ro {
		e.g.message(tr("项目只读，不能编辑：{{.W}}", trData{"W": why}))
		return false
	}
	e.prepareInserts(&cmd)
	e.prepareUpdates(&cmd)
	maxID := map[string]int64{}
	for _, ch := range cmd.Changes {
		if ch.Before == nil {
			if _, seen := maxID[ch.Layer]; !seen {
				maxID[ch.Layer] = layerMaxID(doc, ch.Layer)
			}
		}
	}
	if err := doc.Apply(cmd); err != nil {
		dialog.ShowError(err, e.g.win)
		return false
	}
	var sel []tool.Ref
	for _, ch := range cmd.Changes {
		if ch.Before != nil && ch.After != nil {
			sel = append(sel, tool.Ref{Layer: ch.Layer, ID: ch.After.ID})
		}
	}
	for t, max := range maxID {
		if l, ok := doc.Layer(t); ok {
			for _, f := range l.Features {
				if f.ID > max {
					sel = append(sel, tool.Ref{Layer: t, ID: f.ID})
				}
			}
		}
	}
	e.setSelection(sel)
	e.g.message(tr("已完成：{{.L}}", trData{"L": cmd.Label}))
	return true
}

func layerMaxID(doc *document.Document, table string) int64 {
	var max int64
	if l, ok := doc.Layer(table); ok {
		for _, f := range l.Features {
			if f.ID > max {
				max = f.ID
			}
		}
	}
	return max
}

// confirmApply asks before an edit that removes more than one block.
func (e *editor) confirmApply(cmd edit.Command, n int) {
	dialog.ShowConfirm(tr("确认删除"), tr("删除选中的 {{.N}} 个区块？可以撤销。", trData{"N": n}), func(ok bool) {
		if ok {
			e.apply(cmd)
		}
	}, e.g.win)
}

// deleteSelected deletes the selected blocks of the editable layer (asking when more than one).
func (e *editor) deleteSelected() {
	fs := e.editableSelection()
	if len(fs) == 0 {
		e.g.message(tr("没有选中可编辑图层的区块"))
		return
	}
	cmd, confirm := tool.DeleteCommand(e.layer, fs)
	if confirm {
		e.confirmApply(cmd, len(fs))
		return
	}
	e.apply(cmd)
}

// topo returns the UI goroutine's GEOS context.
func (e *editor) topo() *topo.Context {
	if e.geos == nil {
		e.geos = topo.NewContext(topo.GridDegree)
	}
	return e.geos
}

// split cuts the one selected block along line; the new parts get new codes.
func (e *editor) split(line orb.LineString) {
	fs := e.editableSelection()
	if len(fs) != 1 {
		e.g.message(tr("请先选中一个可编辑的区块"))
		return
	}
	f := fs[0]
	polys, err := e.topo().Split(f.Geometry, line)
	if err != nil {
		dialog.ShowError(err, e.g.win)
		return
	}
	parts := make([]orb.MultiPolygon, len(polys))
	for i, p := range polys {
		parts[i] = orb.MultiPolygon{p}
	}
	cmd, err := tool.SplitCommand(e.layer, f, parts, func(int) plan.Attrs {
		a := f.Attrs.Clone()
		delete(a, "QKBH") // a new part gets a new code (prepareInserts)
		return a
	})
	if err != nil {
		e.g.message(tr("分割线必须完整穿过区块"))
		return
	}
	e.apply(cmd)
}

// mergeSelected asks which block's attributes to keep, then merges the selected blocks.
func (e *editor) mergeSelected() {
	fs := e.editableSelection()
	if len(fs) < 2 {
		e.g.message(tr("请至少选中两个可编辑的区块再合并"))
		return
	}
	var opts []string
	for _, f := range fs {
		opts = append(opts, blockTitle(f))
	}
	radio := widget.NewRadioGroup(opts, nil)
	radio.SetSelected(opts[0])
	var d dialog.Dialog
	ok := widget.NewButton(tr("合并"), func() {
		d.Hide()
		keep := 0
		for i, o := range opts {
			if o == radio.Selected {
				keep = i
			}
		}
		e.merge(fs, keep)
	})
	ok.Importance = widget.HighImportance
	cancel := widget.NewButton(tr("取消"), func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(tr("合并区块"), container.NewVBox(widget.NewLabel(tr("保留哪个区块的属性：")), radio,
		container.NewHBox(ok, cancel)), e.g.win)
	e.mergeRadio, e.mergeOK = radio, ok
	d.Show()
}

// merge dissolves fs into fs[keep].
func (e *editor) merge(fs []plan.Feature, keep int) bool {
	geoms := make([]orb.MultiPolygon, len(fs))
	for i, f := range fs {
		geoms[i] = f.Geometry
	}
	merged, err := e.topo().Merge(geoms)
	if err != nil {
		dialog.ShowError(err, e.g.win)
		return false
	}
	cmd, err := tool.MergeCommand(e.layer, fs, merged, keep)
	if err != nil {
		dialog.ShowError(err, e.g.win)
		return false
	}
	return e.apply(cmd)
}

// blockTitle names a block in lists: its code and name.
func blockTitle(f plan.Feature) string {
	code := f.Attrs.String("QKBH")
	if code == "" {
		code = f.Attrs.String("QYBH")
	}
	name := f.Attrs.String("QKMC")
	if name == "" {
		name = f.Attrs.String("QYMC")
	}
	s := fmt.Sprintf("#%d", f.ID)
	if code != "" {
		s = code
	}
	if name != "" {
		s += " " + name
	}
	return s
}
