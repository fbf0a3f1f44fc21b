package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"kuanggui/internal/crs"
	"kuanggui/internal/document"
	"kuanggui/internal/edit"
	"kuanggui/internal/plan"
	"kuanggui/internal/tool"
)

const minute = 1.0 / 60

// editGUI opens a project made here: an administrative area (650102 天山区) and a 两环八带
// zone (KF01) under everything, no blocks. It returns the GUI and the project path.
func editGUI(t *testing.T, readOnly bool) (*gui, fyne.Window, string) {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(newTheme())
	path := filepath.Join(t.TempDir(), "p.gpkg")
	doc, err := document.Create(path, plan.Meta{Region: "新疆维吾尔自治区", RegionCode: "650000", Period: "2021-2025"})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []struct {
		table string
		f     plan.Feature
	}{
		{"xzq", plan.Feature{Geometry: square(82, 43, 4), Attrs: plan.Attrs{"XZQDM": "650102", "XZQMC": "天山区"}}},
		{"kfq", plan.Feature{Geometry: square(82, 43, 4), Attrs: plan.Attrs{"QYBH": "KF01", "QYMC": "测试开发区"}}},
	} {
		if err := doc.Apply(edit.Insert("新增", in.table, in.f)); err != nil {
			t.Fatal(err)
		}
	}
	if readOnly {
		doc.Close()
		if doc, err = document.Open(path, document.OpenOptions{ReadOnly: true}); err != nil {
			t.Fatal(err)
		}
	}
	w := test.NewTempWindow(t, widget.NewLabel(""))
	g := newGUI(a, w)
	g.val.syncRuns = true
	g.setDocument(doc)
	t.Cleanup(func() { g.doc.Close() })
	// No validation run outlives the test (this cleanup runs before doc.Close), and the first
	// one, which updates the panel from its goroutine under the test driver, is over.
	t.Cleanup(func() { g.val.cancelRun(); g.val.Wait() })
	g.val.Wait()
	w.Resize(fyne.NewSize(1200, 800))
	w.Canvas().Capture()
	g.mv.Wait()
	g.mv.ZoomTo(orb.Bound{Min: orb.Point{83, 44}, Max: orb.Point{83.12, 44.12}})
	g.mv.Wait()
	return g, w, path
}

// attrText is what the attribute panel shows for field: the read-only view's label, or the
// editing form's entry or pick-list.
func attrText(g *gui, field string) string {
	if v := g.attrValues[field]; v != nil {
		return v.Text
	}
	if fm := g.editor().form; fm != nil {
		if en := fm.entries[field]; en != nil {
			return en.Text
		}
		if s := fm.selects[field]; s != nil {
			return s.Selected
		}
	}
	return ""
}

func mouse(g *gui, lon, lat float64, b desktop.MouseButton) *desktop.MouseEvent {
	return &desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: screenPos(g, lon, lat)}, Button: b}
}

// click is a left click on the map as the desktop driver delivers it.
func click(g *gui, lon, lat float64) {
	ev := mouse(g, lon, lat, desktop.MouseButtonPrimary)
	g.mv.MouseDown(ev)
	g.mv.MouseUp(ev)
	g.mv.Tapped(&ev.PointEvent)
}

func key(g *gui, k fyne.KeyName) { g.mv.TypedKey(&fyne.KeyEvent{Name: k}) }

func angle(t *testing.T, s string) float64 {
	t.Helper()
	v, err := crs.ParseAngle(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func onMinute(v float64) bool { return math.Abs(v*60-math.Round(v*60)) < 1e-9 }

func layerFeatures(t *testing.T, g *gui, table string) []plan.Feature {
	t.Helper()
	l, ok := g.doc.Layer(table)
	if !ok {
		t.Fatalf("no layer %s", table)
	}
	return l.Features
}

// gkTable is a turning-point table of a 2 km × 1.5 km rectangle in zone 28 whose north-west
// corner is the DESIGN.md test vector (83°00′48.281″E 44°35′59.917″N: X 4940964.21,
// Y 28421671.18), clockwise.
const gkTable = `点号, X, Y
J1, 4940964.21, 28421671.18
J2, 4940964.21, 28423171.18
J3, 4938964.21, 28423171.18
J4, 4938964.21, 28421671.18
`

// TestEditScenario is the "done means": draw an exploration block on the 1′ grid,
// type its attributes, paste a second block's turning points, split one, merge two, undo
// three steps, close and reopen: everything as it was.
func TestEditScenario(t *testing.T) {
	g, w, path := editGUI(t, false)
	e := g.editor()
	if e.layer != "kanchqk" || !e.snap.Grid() {
		t.Fatalf("editable layer %q grid %v; want kanchqk with the grid on", e.layer, e.snap.Grid())
	}

	// 1. Draw a block of 4×3 cells, clicking near (not on) the minute nodes.
	test.Tap(e.buttons["draw"])
	if e.active != "draw" {
		t.Fatalf("active tool %q after tapping 绘制区块", e.active)
	}
	for _, p := range [][2]float64{{1, 1}, {5, 1}, {5, 4}, {1, 4}} {
		click(g, 83+p[0]*minute+0.002, 44+p[1]*minute-0.0015)
	}
	key(g, fyne.KeyReturn)
	fs := layerFeatures(t, g, "kanchqk")
	if len(fs) != 1 {
		t.Fatalf("%d blocks after drawing, want 1", len(fs))
	}
	b1 := fs[0]
	for _, r := range b1.Geometry[0][0] {
		if !onMinute(r[0]) || !onMinute(r[1]) {
			t.Fatalf("vertex %v is not on the 1′ grid", r)
		}
	}
	if got := b1.Geometry.Bound(); math.Abs(got.Min[0]-(83+minute)) > 1e-12 || math.Abs(got.Max[1]-(44+4*minute)) > 1e-12 {
		t.Fatalf("drawn block bound %v", got)
	}
	wantCode := plan.BlockCode(defaultQKBHTemplate, plan.Exploration, "650102", 1)
	if b1.Attrs.String("QKBH") != wantCode || b1.Attrs.String("XZQDM") != "650102" || b1.Attrs.String("XZQMC") != "天山区" || b1.Attrs.String("SSQY") != "KF01" {
		t.Fatalf("new block attrs %v; want QKBH %s, region 650102 天山区, SSQY KF01", b1.Attrs, wantCode)
	}
	if mj, _ := b1.Attrs.Float("MJ"); math.Abs(mj-crs.AreaKm2(b1.Geometry)) > 1e-9 || mj < 20 || mj > 40 {
		t.Fatalf("MJ %v, computed %v", mj, crs.AreaKm2(b1.Geometry))
	}

	// 2. Its attributes, typed into the form (the block is selected after drawing).
	fm := e.form
	if fm == nil || fm.id != b1.ID {
		t.Fatal("no attribute form for the drawn block")
	}
	if !strings.Contains(fm.mj.Text, "个基本单位区块") || !strings.Contains(fm.mj.Text, "12.0") {
		t.Errorf("MJ label %q lacks the 12.0 basic units", fm.mj.Text)
	}
	name := fm.entries["QKMC"]
	w.Canvas().Focus(name)
	test.Type(name, "测试金矿勘查")
	name.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	gold, _ := g.doc.Catalog().Mineral("金")
	fm.selects["KZ"].SetSelected(mineralOption(gold))
	fm.selects["KCJD"].SetSelected("普查")
	b1, _ = g.doc.Feature("kanchqk", b1.ID)
	if b1.Attrs.String("QKMC") != "测试金矿勘查" || b1.Attrs.String("KZ") != "金" || b1.Attrs.String("KZDM") != gold.Code || b1.Attrs.String("KCJD") != "普查" {
		t.Fatalf("typed attributes not stored: %v", b1.Attrs)
	}

	// 3. A second block from its turning points.
	e.showPointsInput()
	e.tp.text.SetText(gkTable)
	if !e.tp.createBlock() {
		t.Fatalf("turning-point block not created: %s", e.tp.errs.Text)
	}
	fs = layerFeatures(t, g, "kanchqk")
	if len(fs) != 2 {
		t.Fatalf("%d blocks after the turning-point table, want 2", len(fs))
	}
	b2 := fs[1]
	lon, lat := angle(t, `83°00'48.281"`), angle(t, `44°35'59.917"`)
	found := false
	for _, p := range b2.Geometry[0][0] {
		if math.Abs(p[0]-lon) < 2e-7 && math.Abs(p[1]-lat) < 2e-7 {
			found = true
		}
	}
	if !found {
		t.Errorf("no vertex at the test vector (%.7f, %.7f) in %v", lon, lat, b2.Geometry[0][0])
	}
	if mj, _ := b2.Attrs.Float("MJ"); math.Abs(mj-3.0) > 0.005 {
		t.Errorf("turning-point block MJ %.4f, want ≈ 3.0 km² (2 km × 1.5 km)", mj)
	}
	if c := b2.Attrs.String("QKBH"); c != plan.BlockCode(defaultQKBHTemplate, plan.Exploration, "650102", 2) {
		t.Errorf("second block code %q", c)
	}

	// 4. Split the drawn block along the meridian 83°03′.
	e.setSelection([]tool.Ref{{Layer: "kanchqk", ID: b1.ID}})
	test.Tap(e.buttons["split"])
	click(g, 83+3*minute, 44)
	click(g, 83+3*minute, 44+5*minute)
	key(g, fyne.KeyReturn)
	fs = layerFeatures(t, g, "kanchqk")
	if len(fs) != 3 {
		t.Fatalf("%d blocks after the split, want 3", len(fs))
	}
	var parts []plan.Feature
	for _, f := range fs {
		if f.ID != b2.ID {
			parts = append(parts, f)
		}
	}
	if parts[0].Attrs.String("QKBH") == parts[1].Attrs.String("QKBH") {
		t.Errorf("split parts share the code %s", parts[0].Attrs.String("QKBH"))
	}
	if parts[1].Attrs.String("QKMC") != "测试金矿勘查" {
		t.Errorf("split part lost the attributes: %v", parts[1].Attrs)
	}

	// 5. Merge the two parts back, keeping the second one's attributes.
	e.setSelection([]tool.Ref{{Layer: "kanchqk", ID: parts[0].ID}, {Layer: "kanchqk", ID: parts[1].ID}})
	test.Tap(e.buttons["merge"])
	if e.mergeRadio == nil {
		t.Fatal("no merge dialog")
	}
	e.mergeRadio.SetSelected(e.mergeRadio.Options[1])
	test.Tap(e.mergeOK)
	fs = layerFeatures(t, g, "kanchqk")
	if len(fs) != 2 {
		t.Fatalf("%d blocks after the merge, want 2", len(fs))
	}
	merged, ok := g.doc.Feature("kanchqk", parts[1].ID)
	if !ok || math.Abs(crs.EllipsoidalArea(merged.Geometry)-crs.EllipsoidalArea(b1.Geometry)) > 1 {
		t.Fatalf("merged block %v ok=%v: area differs from the drawn block", merged.Geometry, ok)
	}

	// 6. Undo three steps: merge, split, the turning-point block.
	for i := 0; i < 3; i++ {
		test.Tap(g.undoBtn)
	}
	fs = layerFeatures(t, g, "kanchqk")
	if len(fs) != 1 || fs[0].ID != b1.ID {
		t.Fatalf("after three undos: %d blocks, want the drawn one alone", len(fs))
	}
	if fs[0].Attrs.String("KCJD") != "普查" || !fs[0].Geometry.Equal(b1.Geometry) {
		t.Fatalf("after three undos the drawn block is %v", fs[0])
	}
	want := fs[0]
	// Undoing the mineral too leaves the form's pick-list empty, as the block is.
	if label, _ := g.doc.CanUndo(); label != "" {
		g.selTable, g.selID, g.selOK = "kanchqk", b1.ID, true
		g.showAttributes()
		undos := 0
		for ; undos < 5; undos++ {
			b, _ := g.doc.Feature("kanchqk", b1.ID)
			if b.Attrs.String("KZ") == "" {
				break
			}
			test.Tap(g.undoBtn)
		}
		if s := g.editor().form.selects["KZ"]; s.Selected != "" {
			t.Fatalf("the form still shows mineral %q after undo cleared it", s.Selected)
		}
		for i := 0; i < undos; i++ {
			test.Tap(g.redoBtn)
		}
		fs = layerFeatures(t, g, "kanchqk")
		want = fs[0]
	}

	// 7. Close and reopen.
	g.doc.Close()
	doc, err := document.Open(path, document.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	g.setDocument(doc)
	g.val.Wait()
	fs = layerFeatures(t, g, "kanchqk")
	if len(fs) != 1 || !fs[0].Geometry.Equal(want.Geometry) {
		t.Fatalf("reopened: %d blocks", len(fs))
	}
	for _, k := range []string{"QKBH", "QKMC", "KZ", "KZDM", "KCJD", "XZQDM", "SSQY", "MJ"} {
		if fmt.Sprint(fs[0].Attrs[k]) != fmt.Sprint(want.Attrs[k]) {
			t.Errorf("reopened %s = %v, want %v", k, fs[0].Attrs[k], want.Attrs[k])
		}
	}
	done, undone := doc.History()
	if len(undone) != 3 || undone[0].Command.Label != "拐点坐标新建区块" || undone[2].Command.Label != tool.LabelMerge {
		t.Errorf("reopened redo stack %d steps, want points, split, merge", len(undone))
	}
	// draw + three typed fields (+ the two inserts of editGUI)
	if len(done) != 6 || done[2].Command.Label != tool.LabelNewBlock {
		t.Errorf("reopened done steps: %d", len(done))
	}
}

// TestVertexDragIsOneStep drags a vertex through several moves: one undo step.
func TestVertexDragIsOneStep(t *testing.T) {
	g, _, _ := editGUI(t, false)
	e := g.editor()
	if err := g.doc.Apply(edit.Insert("新增", "kanchqk", plan.Feature{Geometry: square(83+minute, 44+minute, 3*minute), Attrs: plan.Attrs{"QKBH": "T1"}})); err != nil {
		t.Fatal(err)
	}
	f := layerFeatures(t, g, "kanchqk")[0]
	e.setSelection([]tool.Ref{{Layer: "kanchqk", ID: f.ID}})
	test.Tap(e.buttons["vertex"])
	done0, _ := g.doc.History()

	corner := f.Geometry[0][0][2] // (83°04′, 44°04′)
	g.mv.MouseDown(mouse(g, corner[0], corner[1], desktop.MouseButtonPrimary))
	for i := 1; i <= 5; i++ {
		pos := screenPos(g, corner[0]+float64(i)*0.4*minute, corner[1]+float64(i)*0.2*minute)
		g.mv.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: pos}})
	}
	g.mv.DragEnd()
	end := mouse(g, corner[0]+2*minute, corner[1]+minute, desktop.MouseButtonPrimary)
	g.mv.MouseUp(end)

	done, _ := g.doc.History()
	if len(done) != len(done0)+1 || done[len(done)-1].Command.Label != tool.LabelMoveVertex {
		t.Fatalf("a vertex drag made %d steps", len(done)-len(done0))
	}
	got, _ := g.doc.Feature("kanchqk", f.ID)
	moved := false
	for _, p := range got.Geometry[0][0] {
		if math.Abs(p[0]-(83+6*minute)) < 1e-12 && math.Abs(p[1]-(44+5*minute)) < 1e-12 {
			moved = true
		}
	}
	if !moved {
		t.Fatalf("dragged vertex not at the snapped grid node (83°06′, 44°05′): %v", got.Geometry[0][0])
	}
	test.Tap(g.undoBtn)
	got, _ = g.doc.Feature("kanchqk", f.ID)
	if !got.Geometry.Equal(f.Geometry) {
		t.Fatal("one undo did not restore the block")
	}
}

// TestTypedFieldSurvivesMapClick types into a field and clicks the map without Enter.
func TestTypedFieldSurvivesMapClick(t *testing.T) {
	g, w, _ := editGUI(t, false)
	e := g.editor()
	if err := g.doc.Apply(edit.Insert("新增", "kanchqk", plan.Feature{Geometry: square(83+minute, 44+minute, 3*minute), Attrs: plan.Attrs{"QKBH": "T1"}})); err != nil {
		t.Fatal(err)
	}
	f := layerFeatures(t, g, "kanchqk")[0]
	click(g, 83+2*minute, 44+2*minute) // the select tool picks it
	if e.form == nil || e.form.id != f.ID {
		t.Fatal("clicking the block did not open its form")
	}
	en := e.form.entries["BZ"]
	w.Canvas().Focus(en)
	test.Type(en, "备注文字")
	click(g, 83.1, 44.1) // empty map: the selection goes away
	got, _ := g.doc.Feature("kanchqk", f.ID)
	if got.Attrs.String("BZ") != "备注文字" {
		t.Fatalf("typed text lost on a map click: BZ = %q", got.Attrs.String("BZ"))
	}
	if len(e.sel) == 1 && e.sel[0].Layer == "kanchqk" {
		t.Errorf("the block is still selected after clicking outside it: %v", e.sel)
	}
	// Typing more into one field is one undo step (MergeKey).
	click(g, 83+2*minute, 44+2*minute)
	en = e.form.entries["BZ"]
	w.Canvas().Focus(en)
	en.CursorColumn = len([]rune(en.Text))
	test.Type(en, "二")
	en.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	done, _ := g.doc.History()
	last := done[len(done)-1].Command
	if len(done) != 4 || last.Changes[0].Before.Attrs.String("BZ") != "" || last.Changes[0].After.Attrs.String("BZ") != "备注文字二" {
		t.Errorf("two commits of BZ: %d steps, last %s → %v", len(done), last.Label, last.Changes[0].After.Attrs["BZ"])
	}
}

// TestReadOnlyDisablesTools opens a read-only project: banner, tools greyed, no edit starts.
func TestReadOnlyDisablesTools(t *testing.T) {
	g, _, _ := editGUI(t, true)
	e := g.editor()
	for _, name := range []string{"draw", "vertex", "move", "split", "merge", "delete"} {
		if !e.buttons[name].Disabled() {
			t.Errorf("%s enabled in a read-only project", name)
		}
	}
	if e.buttons["select"].Disabled() {
		t.Error("select disabled in a read-only project")
	}
	if e.banner.Text == "" || !e.items["points"].Disabled {
		t.Errorf("banner %q, 拐点坐标输入 disabled=%v", e.banner.Text, e.items["points"].Disabled)
	}
	e.action("draw")
	if e.active != "select" || e.EditableLayer() != "" {
		t.Errorf("read-only: active %q editable %q", e.active, e.EditableLayer())
	}
}

// TestPointsInputRowError points at a bad row and creates nothing.
func TestPointsInputRowError(t *testing.T) {
	g, _, _ := editGUI(t, false)
	e := g.editor()
	e.showPointsInput()
	e.tp.text.SetText(strings.Replace(gkTable, "J3, 4938964.21", "J3, 49x8964.21", 1))
	if e.tp.createBlock() {
		t.Fatal("a table with a bad row made a block")
	}
	if !strings.Contains(e.tp.errs.Text, "第 4 行") {
		t.Errorf("error %q does not point at line 4", e.tp.errs.Text)
	}
	// A bow tie: valid rows, self-intersecting ring.
	e.tp.text.SetText("J1, 4940964.21, 28421671.18\nJ2, 4938964.21, 28423171.18\nJ3, 4940964.21, 28423171.18\nJ4, 4938964.21, 28421671.18\n")
	if e.tp.createBlock() || e.tp.errs.Text == "" {
		t.Fatalf("self-intersecting table accepted (%q)", e.tp.errs.Text)
	}
	if n := len(layerFeatures(t, g, "kanchqk")); n != 0 {
		t.Fatalf("%d blocks created from bad tables", n)
	}
}

// TestAttributeTableSortFilterSelect sorts, filters and selects from the table window.
func TestAttributeTableSortFilterSelect(t *testing.T) {
	g, _, _ := editGUI(t, false)
	e := g.editor()
	for i, code := range []string{"T3", "T1", "T2"} {
		if err := g.doc.Apply(edit.Insert("新增", "kanchqk", plan.Feature{Geometry: square(83+float64(i)*0.05, 44, 0.02), Attrs: plan.Attrs{"QKBH": code, "QKMC": "区块" + code}})); err != nil {
			t.Fatal(err)
		}
	}
	e.showTable()
	at := e.table
	if len(at.rows) != 3 {
		t.Fatalf("%d rows", len(at.rows))
	}
	at.sortColumn(1) // QKBH
	if got := at.cells[at.rows[0]][1]; got != "T1" {
		t.Errorf("first row after sorting by QKBH: %s", got)
	}
	at.sortColumn(1)
	if got := at.cells[at.rows[0]][1]; got != "T3" {
		t.Errorf("first row after sorting QKBH descending: %s", got)
	}
	at.filter.SetText("区块t2")
	if len(at.rows) != 1 || at.cells[at.rows[0]][1] != "T2" {
		t.Fatalf("filter kept %d rows", len(at.rows))
	}
	at.tbl.Select(widget.TableCellID{Row: 0, Col: 2})
	id := at.feats[at.rows[0]].ID
	if len(e.sel) != 1 || e.sel[0].ID != id || !g.selOK || g.selID != id {
		t.Errorf("row click selected %v", e.sel)
	}
	if v := g.mv.Viewport(); v.Scale > 0.001 {
		t.Errorf("row click did not zoom in (scale %g)", v.Scale)
	}
	at.win.Close()
}

// TestHistoryListUndoesBackToStep clicks an older step of the history list.
func TestHistoryListUndoesBackToStep(t *testing.T) {
	g, _, _ := editGUI(t, false)
	e := g.editor()
	for i := 0; i < 3; i++ {
		if err := g.doc.Apply(edit.Insert(fmt.Sprintf("块%d", i), "kanchqk", plan.Feature{Geometry: square(83+float64(i)*0.05, 44, 0.02), Attrs: plan.Attrs{"QKBH": fmt.Sprint(i)}})); err != nil {
			t.Fatal(err)
		}
	}
	e.showHistory()
	h := e.hist
	if len(h.done) != 5 || h.done[2].Command.Label != "块0" {
		t.Fatalf("history lists %d done steps", len(h.done))
	}
	h.list.Select(2) // 块0: keep it, undo 块1 and 块2
	if n := len(layerFeatures(t, g, "kanchqk")); n != 1 {
		t.Fatalf("%d blocks after going back to the first insert", n)
	}
	if len(h.done) != 3 || len(h.undone) != 2 {
		t.Fatalf("history after: %d done, %d undone", len(h.done), len(h.undone))
	}
	h.list.Select(4) // the last undone step: redo both
	if n := len(layerFeatures(t, g, "kanchqk")); n != 3 {
		t.Fatalf("%d blocks after redoing from the list", n)
	}
}

// TestEditTranslationsComplete: every tr key of edit_*.go, and the toolbar and format labels,
// is in both edit translation files.
func TestEditTranslationsComplete(t *testing.T) {
	keys := map[string]bool{}
	re := regexp.MustCompile(`tr\("((?:[^"\\]|\\.)*)"`)
	for _, pat := range editSources {
		files, _ := filepath.Glob(pat)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range re.FindAllStringSubmatch(string(src), -1) {
				keys[m[1]] = true
			}
		}
	}
	for _, x := range editTools {
		keys[x.label] = true
	}
	for _, x := range pointFormats {
		keys[x] = true
	}
	if len(keys) < 40 {
		t.Fatalf("found only %d keys", len(keys))
	}
	han := regexp.MustCompile(`\p{Han}`)
	for _, name := range []string{"edit.en.json", "edit.zh_Hans.json"} {
		data, err := translations.ReadFile("translations/" + name)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for k := range keys {
			if v, ok := m[k]; !ok || v == "" {
				t.Errorf("%s lacks %q", name, k)
			} else if name == "edit.en.json" && han.MatchString(v) {
				t.Errorf("%s: %q is not English", name, k)
			}
		}
	}
}
