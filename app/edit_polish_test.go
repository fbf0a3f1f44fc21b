package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"kuanggui/internal/document"
	"kuanggui/internal/edit"
	"kuanggui/internal/plan"
	"kuanggui/internal/tool"
)

// TestToolChoiceFocusesMap: a tool chosen on the toolbar or by its key has the keyboard at
// once, so Escape reaches it without a click on the map first.
func TestToolChoiceFocusesMap(t *testing.T) {
	g, w, _ := editGUI(t, false)
	e := g.editor()
	c := w.Canvas()
	c.Unfocus()
	test.Tap(e.buttons["draw"])
	if c.Focused() != g.mv {
		t.Fatalf("after the draw button the keyboard is with %v, not the map", c.Focused())
	}
	// Two vertices, then Escape through whatever has the keyboard: the drawing is cancelled.
	click(g, 83+minute, 44+minute)
	click(g, 83+3*minute, 44+minute)
	if len(e.ov.Rubber) == 0 {
		t.Fatal("no rubber band after two clicks")
	}
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if len(e.ov.Rubber) != 0 {
		t.Errorf("Escape to the focused widget left the rubber band %v", e.ov.Rubber)
	}

	c.Unfocus()
	c.OnTypedKey()(&fyne.KeyEvent{Name: "V"})
	if e.active != "vertex" || c.Focused() != g.mv {
		t.Errorf("key V: tool %q, focus %v; want vertex with the map focused", e.active, c.Focused())
	}
}

// TestMoveUpdatesRegionAndZones moves a block from 650102 (in zone KF01) into 650103 (no
// zone): its XZQDM/XZQMC and SSQY follow in the same step, and one undo restores all.
func TestMoveUpdatesRegionAndZones(t *testing.T) {
	g, _, _ := editGUI(t, false)
	e := g.editor()
	if err := g.doc.Apply(edit.Insert("新增", "xzq", plan.Feature{Geometry: square(86.5, 43, 2), Attrs: plan.Attrs{"XZQDM": "650103", "XZQMC": "沙依巴克区"}})); err != nil {
		t.Fatal(err)
	}
	if !e.apply(edit.Insert("新增", "kanchqk", plan.Feature{Geometry: square(83+minute, 44+minute, 3*minute), Attrs: plan.Attrs{"KZ": "金"}})) {
		t.Fatal("insert refused")
	}
	f := layerFeatures(t, g, "kanchqk")[0]
	if f.Attrs.String("XZQDM") != "650102" || f.Attrs.String("SSQY") != "KF01" {
		t.Fatalf("inserted block: XZQDM %q SSQY %q", f.Attrs.String("XZQDM"), f.Attrs.String("SSQY"))
	}
	g.mv.ZoomTo(orb.Bound{Min: orb.Point{82.5, 43.5}, Max: orb.Point{88, 45}})
	g.mv.Wait()
	e.setSelection([]tool.Ref{{Layer: "kanchqk", ID: f.ID}})
	test.Tap(e.buttons["move"])
	done0, _ := g.doc.History()

	from := orb.Point{83 + 2.5*minute, 44 + 2.5*minute}
	to := orb.Point{from[0] + 4.5, from[1]}
	g.mv.MouseDown(mouse(g, from[0], from[1], desktop.MouseButtonPrimary))
	for i := 1; i <= 4; i++ {
		p := screenPos(g, from[0]+(to[0]-from[0])*float64(i)/4, from[1])
		g.mv.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: p}})
	}
	g.mv.DragEnd()
	g.mv.MouseUp(mouse(g, to[0], to[1], desktop.MouseButtonPrimary))

	done, _ := g.doc.History()
	if len(done) != len(done0)+1 {
		t.Fatalf("the move made %d steps, want 1", len(done)-len(done0))
	}
	got, _ := g.doc.Feature("kanchqk", f.ID)
	if c := got.Geometry.Bound().Center(); c[0] < 86.5 {
		t.Fatalf("block not moved into 650103: centre %v", c)
	}
	if got.Attrs.String("XZQDM") != "650103" || got.Attrs.String("XZQMC") != "沙依巴克区" {
		t.Errorf("after the move XZQDM/XZQMC = %q/%q, want 650103/沙依巴克区", got.Attrs.String("XZQDM"), got.Attrs.String("XZQMC"))
	}
	if s := got.Attrs.String("SSQY"); s != "" {
		t.Errorf("after moving out of KF01 SSQY = %q, want empty", s)
	}
	test.Tap(g.undoBtn)
	back, _ := g.doc.Feature("kanchqk", f.ID)
	if !back.Geometry.Equal(f.Geometry) || back.Attrs.String("XZQDM") != "650102" || back.Attrs.String("SSQY") != "KF01" {
		t.Errorf("one undo gave XZQDM %q SSQY %q (geometry restored %v)", back.Attrs.String("XZQDM"), back.Attrs.String("SSQY"), back.Geometry.Equal(f.Geometry))
	}
}

// TestSettingsDialog: the template shows a live example and a template without a serial is
// refused; OK applies the tolerance and grid default at once, stores them in the project and
// new codes follow the template; a reopened project keeps them.
func TestSettingsDialog(t *testing.T) {
	g, _, path := editGUI(t, false)
	e := g.editor()
	if !e.snap.Grid() || e.snap.TolerancePixels() != tool.DefaultTolerancePixels {
		t.Fatalf("defaults: grid %v tolerance %g", e.snap.Grid(), e.snap.TolerancePixels())
	}
	e.showSettings()
	sd := e.settings
	if sd.example.Text != tr("示例：{{.C}}", trData{"C": "T650102001"}) {
		t.Errorf("default example %q, want T650102001", sd.example.Text)
	}
	sd.tmpl.SetText("{P}{XZQDM}")
	if !sd.ok.Disabled() || !strings.Contains(sd.example.Text, "{N}") {
		t.Errorf("template without {N}: OK disabled %v, text %q", sd.ok.Disabled(), sd.example.Text)
	}
	sd.tmpl.SetText("{P}-{XZQDM}-{N}")
	if sd.example.Text != tr("示例：{{.C}}", trData{"C": "T-650102-001"}) || sd.ok.Disabled() {
		t.Errorf("example %q (OK disabled %v), want T-650102-001", sd.example.Text, sd.ok.Disabled())
	}
	sd.tol.SetText("500")
	if !sd.ok.Disabled() {
		t.Error("a 500 px tolerance was accepted")
	}
	sd.tol.SetText("25")
	sd.grid.SetChecked(false)
	test.Tap(sd.ok)

	if e.snap.TolerancePixels() != 25 || e.snap.Grid() {
		t.Errorf("not applied: tolerance %g grid %v", e.snap.TolerancePixels(), e.snap.Grid())
	}
	data, ok, err := g.doc.Store().Setting(snapTolKey)
	var tol float64
	if err != nil || !ok || json.Unmarshal(data, &tol) != nil || tol != 25 {
		t.Errorf("stored tolerance %s (%v %v)", data, ok, err)
	}
	if !e.apply(edit.Insert("新增", "kanchqk", plan.Feature{Geometry: square(83+minute, 44+minute, 3*minute), Attrs: plan.Attrs{"KZ": "金"}})) {
		t.Fatal("insert refused")
	}
	if c := layerFeatures(t, g, "kanchqk")[0].Attrs.String("QKBH"); c != "T-650102-001" {
		t.Errorf("new block coded %q, want T-650102-001", c)
	}

	g.doc.Close()
	doc, err := document.Open(path, document.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	g.setDocument(doc)
	g.val.Wait()
	if e.snap.TolerancePixels() != 25 || e.snap.Grid() || e.qkbhTemplate() != "{P}-{XZQDM}-{N}" {
		t.Errorf("reopened: tolerance %g grid %v template %q", e.snap.TolerancePixels(), e.snap.Grid(), e.qkbhTemplate())
	}
}

// findLabelIn is the label showing text under o.
func findLabelIn(o fyne.CanvasObject, text string) *widget.Label {
	switch x := o.(type) {
	case *widget.Label:
		if x.Text == text {
			return x
		}
	case *fyne.Container:
		for _, c := range x.Objects {
			if l := findLabelIn(c, text); l != nil {
				return l
			}
		}
	}
	return nil
}

// TestEnglishLayerNamesFit: in the English UI the layer panel shows every layer name whole and
// the edit-layer choice is wide enough for the longest name it lists.
func TestEnglishLayerNamesFit(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(newTheme())
	doc, err := document.Create(filepath.Join(t.TempDir(), "p.gpkg"), plan.Meta{Region: "新疆维吾尔自治区", Period: "2021-2025"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { doc.Close() })
	if err := doc.Apply(edit.Insert("新增", "kfq", plan.Feature{Geometry: square(82, 43, 4), Attrs: plan.Attrs{"QYBH": "KF01"}})); err != nil {
		t.Fatal(err)
	}
	w := test.NewTempWindow(t, widget.NewLabel(""))
	g := newGUI(a, w)
	g.zh = false
	g.val.syncRuns = true
	g.setDocument(doc)
	g.val.Wait()
	e := g.editor()
	e.unlockChk.SetChecked(true) // the zone layers join the choice: "Exploration and development zones"
	w.Resize(fyne.NewSize(1400, 900))
	w.Canvas().Capture()
	g.mv.Wait()

	inner := theme.InnerPadding()
	for _, l := range doc.Layers() {
		name := l.Def.NameEN
		lab := findLabelIn(g.layerBox, name)
		if lab == nil {
			t.Fatalf("no label %q in the layer panel", name)
		}
		need := fyne.MeasureText(name, theme.TextSize(), fyne.TextStyle{}).Width + 2*inner
		if lab.Size().Width < need {
			t.Errorf("layer %q cut off: %g wide, needs %g", name, lab.Size().Width, need)
		}
	}
	var longest float32
	for _, o := range e.layerSel.Options {
		if m := fyne.MeasureText(o, theme.TextSize(), fyne.TextStyle{}).Width; m > longest {
			longest = m
		}
	}
	if !strings.Contains(strings.Join(e.layerSel.Options, "|"), "Exploration and development zones") {
		t.Fatalf("options %v lack the zone layers", e.layerSel.Options)
	}
	// The select's label gets its width less the icon and paddings (Fyne's select renderer).
	if room := e.layerSel.Size().Width - theme.IconInlineSize() - 4*inner; room < longest {
		t.Errorf("edit-layer choice %g wide leaves %g for text, longest name needs %g", e.layerSel.Size().Width, room, longest)
	}
}
