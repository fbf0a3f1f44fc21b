package main

import (
	"encoding/json"
	"image"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"kuanggui/app/mapview"
	"kuanggui/internal/document"
	"kuanggui/internal/edit"
	"kuanggui/internal/plan"
	"kuanggui/internal/render"
	"kuanggui/internal/store"
)

// square is a closed lon/lat square of side d degrees with its lower-left corner at (x, y).
func square(x, y, d float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}}}
}

// testGUI opens a project made here: two exploration blocks (金, 铜), one mining block (煤)
// and one zone that gives the map its extent.
func testGUI(t *testing.T) (*gui, fyne.Window) {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(newTheme())
	doc, err := document.Create(filepath.Join(t.TempDir(), "p.gpkg"), plan.Meta{Region: "新疆维吾尔自治区", Period: "2021-2025"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { doc.Close() })
	inserts := []struct {
		table string
		f     plan.Feature
	}{
		{"kfq", plan.Feature{Geometry: square(82, 43, 4), Attrs: plan.Attrs{"QYBH": "KF01", "QYMC": "测试开发区"}}},
		{"xzq", plan.Feature{Geometry: square(82.5, 43.5, 3), Attrs: plan.Attrs{}}},
		{"kanchqk", plan.Feature{Geometry: square(83, 44, 0.5), Attrs: plan.Attrs{"QKBH": "T6500001", "QKMC": "测试金矿勘查", "KZ": "金"}}},
		{"kanchqk", plan.Feature{Geometry: square(84.5, 45, 0.5), Attrs: plan.Attrs{"QKBH": "T6500002", "QKMC": "测试铜矿勘查", "KZ": "铜"}}},
		{"kaicqk", plan.Feature{Geometry: square(83, 45.5, 0.4), Attrs: plan.Attrs{"QKBH": "C6500001", "QKMC": "测试煤矿", "KZ": "煤"}}},
	}
	for _, in := range inserts {
		if err := doc.Apply(edit.Insert("新增", in.table, in.f)); err != nil {
			t.Fatal(err)
		}
	}
	w := test.NewTempWindow(t, widget.NewLabel(""))
	g := newGUI(a, w)
	g.val.syncRuns = true
	g.setDocument(doc)
	// No validation run outlives the test (this cleanup runs before doc.Close), and the first
	// one, which updates the panel from its goroutine under the test driver, is over.
	t.Cleanup(func() { g.val.cancelRun(); g.val.Wait() })
	g.val.Wait()
	w.Resize(fyne.NewSize(1200, 800))
	w.Canvas().Capture() // lay out; the map learns its size and renders
	g.mv.Wait()
	if f, _ := g.mv.Frame(); f == nil {
		t.Fatal("no map frame after the window was drawn")
	}
	return g, w
}

// screenPos is the Fyne position in the map widget of a lon/lat point.
func screenPos(g *gui, lon, lat float64) fyne.Position {
	v := g.mv.Viewport()
	x, y := v.ToScreen(lon, lat)
	s := g.mv.PixelScale()
	return fyne.NewPos(float32(x)/s, float32(y)/s)
}

func pixelAt(g *gui, lon, lat float64) color.RGBA {
	f, v := g.mv.Frame()
	x, y := v.ToScreen(lon, lat)
	return color.RGBAModel.Convert(f.At(int(x), int(y))).(color.RGBA)
}

func texts(objs []fyne.CanvasObject) []string {
	var out []string
	for _, o := range objs {
		switch x := o.(type) {
		case *widget.Label:
			out = append(out, x.Text)
		case *canvas.Text:
			out = append(out, x.Text)
		case *fyne.Container:
			out = append(out, texts(x.Objects)...)
		}
	}
	return out
}

func TestLayerPanelListsGroupsCountsAndMinerals(t *testing.T) {
	g, _ := testGUI(t)
	all := strings.Join(texts(g.layerBox.Objects), "|")
	for _, want := range []string{"规划分区", "规划区块", "约束图层", "基础底图", "勘查规划区块", "开采规划区块", "生态保护红线", "行政区"} {
		if !strings.Contains(all, want) {
			t.Errorf("layer panel lacks %q: %s", want, all)
		}
	}
	for table, want := range map[string]string{"kfq": "1", "kanchqk": "2", "kaicqk": "1", "stbhhx": "0"} {
		if c := g.layerCounts[table]; c == nil || c.Text != want {
			t.Errorf("count of %s = %v, want %s", table, c, want)
		}
	}
	legend := strings.Join(texts(g.legends["kanchqk"].Objects), "|")
	if legend != "金 1|铜 1" && legend != "铜 1|金 1" {
		t.Errorf("exploration mineral legend = %q, want 金 1 and 铜 1", legend)
	}
	if got := strings.Join(texts(g.legends["kaicqk"].Objects), "|"); got != "煤 1" {
		t.Errorf("mining mineral legend = %q, want 煤 1", got)
	}
	if !strings.HasPrefix(g.win.Title(), "矿规编辑器 — p") {
		t.Errorf("title %q", g.win.Title())
	}
}

func TestToggleLayerVisibilityChangesPixels(t *testing.T) {
	g, _ := testGUI(t)
	before := pixelAt(g, 83.25, 44.25)
	test.Tap(g.layerChecks["kanchqk"])
	g.mv.Wait()
	if g.visible["kanchqk"] {
		t.Fatal("check tapped but layer still visible")
	}
	hidden := pixelAt(g, 83.25, 44.25)
	if hidden == before {
		t.Fatalf("hiding the exploration blocks left the pixel at the block unchanged (%v)", before)
	}
	test.Tap(g.layerChecks["kanchqk"])
	g.mv.Wait()
	if again := pixelAt(g, 83.25, 44.25); again != before {
		t.Errorf("showing the layer again gives %v, want %v", again, before)
	}
}

func TestTapShowsAttributesAndHighlights(t *testing.T) {
	g, _ := testGUI(t)
	before := pixelAt(g, 84.75, 45.25)
	test.TapAt(g.mv, screenPos(g, 84.75, 45.25))
	g.mv.Wait()
	if !g.selOK || g.selTable != "kanchqk" {
		t.Fatalf("tap on block selected %q %d %v", g.selTable, g.selID, g.selOK)
	}
	if v := attrText(g, "QKBH"); v != "T6500002" {
		t.Fatalf("attribute panel QKBH = %q, want T6500002", v)
	}
	if v := attrText(g, "KZ"); !strings.HasPrefix(v, "铜") {
		t.Errorf("attribute panel KZ = %q", v)
	}
	if !strings.Contains(strings.Join(texts(g.attrForm.Objects), "|"), "区块编号") {
		t.Error("attribute labels are not the catalog's Chinese labels")
	}
	if after := pixelAt(g, 84.75, 45.25); after == before {
		t.Error("selected block is not highlighted on the map")
	}
	// Outside the blocks the zone, drawn over the county, is hit; with the zone hidden, the
	// county is.
	test.TapAt(g.mv, screenPos(g, 85.4, 43.6))
	if !g.selOK || g.selTable != "kfq" {
		t.Errorf("tap outside the blocks selected %q %v, want the zone", g.selTable, g.selOK)
	}
	test.Tap(g.layerChecks["kfq"])
	test.TapAt(g.mv, screenPos(g, 85.4, 43.6))
	if !g.selOK || g.selTable != "xzq" {
		t.Errorf("tap with the zone hidden selected %q %v, want the county", g.selTable, g.selOK)
	}
	test.Tap(g.layerChecks["kfq"])
	test.TapAt(g.mv, screenPos(g, 90, 40)) // empty map
	if g.selOK || len(g.attrValues) != 0 {
		t.Errorf("tap on empty map kept the selection %q %d", g.selTable, g.selID)
	}
}

func TestWheelZoomChangesScaleAboutCursor(t *testing.T) {
	g, _ := testGUI(t)
	v0 := g.mv.Viewport()
	label0 := g.scaleLabel.Text
	pos := screenPos(g, 83.25, 44.25)
	g.mv.Scrolled(&fyne.ScrollEvent{PointEvent: fyne.PointEvent{Position: pos}, Scrolled: fyne.Delta{DY: 2 * float32(mapview.WheelNotch)}})
	g.mv.Wait()
	v1 := g.mv.Viewport()
	if math.Abs(v0.Scale/v1.Scale-2) > 1e-9 {
		t.Errorf("two wheel notches zoomed by %g, want 2", v0.Scale/v1.Scale)
	}
	x, y := v1.ToScreen(83.25, 44.25)
	if math.Abs(x-float64(pos.X)) > 0.01 || math.Abs(y-float64(pos.Y)) > 0.01 {
		t.Errorf("point under the cursor moved to (%g,%g), was (%g,%g)", x, y, pos.X, pos.Y)
	}
	if g.scaleLabel.Text == label0 || !strings.HasPrefix(g.scaleLabel.Text, "1:") {
		t.Errorf("scale label %q → %q", label0, g.scaleLabel.Text)
	}
}

func TestUndoButtonRevertsApply(t *testing.T) {
	g, _ := testGUI(t)
	if err := g.doc.Apply(edit.Insert("新增区块", "kanchqk", plan.Feature{Geometry: square(86, 44, 0.3), Attrs: plan.Attrs{"QKBH": "T6500003", "KZ": "金"}})); err != nil {
		t.Fatal(err)
	}
	g.mv.Wait()
	if got := g.layerCounts["kanchqk"].Text; got != "3" {
		t.Fatalf("count after insert = %s, want 3", got)
	}
	if g.undoBtn.Disabled() {
		t.Fatal("undo button disabled after an edit")
	}
	inserted := pixelAt(g, 86.15, 44.15)
	test.Tap(g.undoBtn)
	g.mv.Wait()
	l, _ := g.doc.Layer("kanchqk")
	if len(l.Features) != 2 || len(g.doc.FindByCode("kanchqk", "T6500003")) != 0 {
		t.Fatalf("undo left %d features", len(l.Features))
	}
	if got := g.layerCounts["kanchqk"].Text; got != "2" {
		t.Errorf("count after undo = %s, want 2", got)
	}
	if pixelAt(g, 86.15, 44.15) == inserted {
		t.Error("undone block still drawn")
	}
	if g.redoBtn.Disabled() {
		t.Error("redo button disabled after an undo")
	}
	if !strings.Contains(g.msgLabel.Text, "新增区块") {
		t.Errorf("status message %q does not name the undone edit", g.msgLabel.Text)
	}
	test.Tap(g.redoBtn)
	if len(g.doc.FindByCode("kanchqk", "T6500003")) != 1 {
		t.Error("redo did not bring the block back")
	}
}

func TestFormatCursorTestVector(t *testing.T) {
	// DESIGN.md §5: 83°00′48.281″E, 44°35′59.917″N → zone 28, X = 4940964.21, Y = 28421671.18.
	lon := 83 + 0/60.0 + 48.281/3600
	lat := 44 + 35/60.0 + 59.917/3600
	dms, gk := formatCursor(lon, lat)
	if dms != `83°00'48.28"E 44°35'59.92"N` {
		t.Errorf("dms = %s", dms)
	}
	if gk != "X=4940964.21 Y=28421671.18 (第28带)" {
		t.Errorf("gk = %s", gk)
	}
}

func TestFormatScale(t *testing.T) {
	for _, c := range []struct {
		mpp   float64
		scale float32
		want  string
	}{
		{1000, 1, "1:3,780,000"}, // 1000 m × 96 px/in ÷ 0.0254 m/in = 3,779,527
		{1000, 2, "1:7,560,000"},
		{0.1, 1, "1:378"},
		{0, 1, ""},
	} {
		if got := formatScale(c.mpp, c.scale); got != c.want {
			t.Errorf("formatScale(%g, %g) = %q, want %q", c.mpp, c.scale, got, c.want)
		}
	}
}

func TestChineseUI(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{}, true},
		{map[string]string{"LANG": "C"}, true},
		{map[string]string{"LANG": "C.UTF-8"}, true},
		{map[string]string{"LANG": "zh_CN.UTF-8"}, true},
		{map[string]string{"LANG": "en_US.UTF-8"}, false},
		{map[string]string{"LANG": "zh_CN.UTF-8", "LC_ALL": "en_GB.UTF-8"}, false},
		{map[string]string{"LANG": "en_US.UTF-8", "LANGUAGE": "zh_CN:en"}, true},
		{map[string]string{"LC_ALL": "C", "LANGUAGE": "en"}, true},
	} {
		if got := chineseUI(func(k string) string { return c.env[k] }); got != c.want {
			t.Errorf("chineseUI(%v) = %v, want %v", c.env, got, c.want)
		}
	}
}

// TestTranslationsComplete checks that every tr("…") key of the GUI has an English and a
// Chinese entry: a key missing from the language in use is logged by Fyne on stderr.
func TestTranslationsComplete(t *testing.T) {
	files, _ := filepath.Glob("gui*.go")
	re := regexp.MustCompile(`tr\("((?:[^"\\]|\\.)*)"`)
	keys := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			var k string
			if err := json.Unmarshal([]byte(`"`+m[1]+`"`), &k); err != nil {
				t.Fatalf("%s: key %s: %v", f, m[1], err)
			}
			keys[k] = true
		}
	}
	if len(keys) < 30 {
		t.Fatalf("found only %d keys; the pattern is broken", len(keys))
	}
	hanzi := regexp.MustCompile(`\p{Han}`)
	for _, name := range []string{"kuanggui.en.json", "kuanggui.zh_Hans.json"} {
		data, err := translations.ReadFile("translations/" + name)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for k := range keys {
			v, ok := m[k]
			if !ok || v == "" {
				t.Errorf("%s lacks %q", name, k)
			}
			if name == "kuanggui.en.json" && hanzi.MatchString(v) {
				t.Errorf("%s: %q is not English: %q", name, k, v)
			}
		}
	}
}

func TestBlankImage(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 10, 10))
	if !blankImage(img) {
		t.Error("all-zero image not blank")
	}
	img.Set(3, 3, color.White)
	if blankImage(img) {
		t.Error("image with a white pixel is blank")
	}
}

// The map view is stored in the project when the project changes or the window closes, and a
// reopened project shows it again, even when opened before the window is laid out; a stored
// view away from the data, or none, gives the full extent, and a read-only project stores none.
func TestMapViewRememberedPerProject(t *testing.T) {
	g, _ := testGUI(t)
	path := g.doc.Path()
	full := g.mv.Viewport()
	g.mv.ZoomTo(orb.Bound{Min: orb.Point{83, 44}, Max: orb.Point{83.5, 44.5}})
	zoomed := g.mv.Viewport()
	if zoomed.Scale >= full.Scale/2 {
		t.Fatalf("zoom did not zoom: %v vs %v", zoomed.Scale, full.Scale)
	}
	empty := func() *document.Document {
		t.Helper()
		d, err := document.Create(filepath.Join(t.TempDir(), "q.gpkg"), plan.Meta{Region: "新疆维吾尔自治区", Period: "2021-2025"})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		return d
	}
	g.setDocument(empty()) // stores the view of p.gpkg and closes it

	reopen := func(opt document.OpenOptions) *document.Document {
		t.Helper()
		d, err := document.Open(path, opt)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		return d
	}
	same := func(a, b render.Viewport) bool {
		return math.Abs(a.CenterX-b.CenterX) < 1e-9 && math.Abs(a.CenterY-b.CenterY) < 1e-9 && math.Abs(a.Scale/b.Scale-1) < 1e-9
	}
	// In the same window.
	g.setDocument(reopen(document.OpenOptions{}))
	if v := g.mv.Viewport(); !same(v, zoomed) || v.Width != zoomed.Width {
		t.Errorf("reopened view %+v, want the stored %+v", v, zoomed)
	}
	g.close()

	// In a new window, before its first layout (as at start-up).
	w2 := test.NewTempWindow(t, widget.NewLabel(""))
	g2 := newGUI(g.app, w2)
	g2.val.syncRuns = true
	d := reopen(document.OpenOptions{})
	g2.setDocument(d)
	t.Cleanup(func() { g2.val.cancelRun(); g2.val.Wait() })
	w2.Resize(fyne.NewSize(1000, 700)) // another size: the centre and scale are kept
	w2.Canvas().Capture()
	g2.mv.Wait()
	if v := g2.mv.Viewport(); !same(v, zoomed) || v.Width == 0 {
		t.Errorf("view at start-up %+v, want the stored %+v", v, zoomed)
	}

	// A stored view nowhere near the data: the full extent.
	far, _ := json.Marshal(savedView{Lon: 120, Lat: 30, Scale: zoomed.Scale, Width: zoomed.Width, Height: zoomed.Height})
	if err := d.Store().Update(func(tx *store.Tx) error { return tx.PutSetting(viewSetting, far) }); err != nil {
		t.Fatal(err)
	}
	g2.noViewSave = true // keep the far view stored
	g2.setDocument(empty())
	g2.setDocument(reopen(document.OpenOptions{}))
	ext := orb.Bound{Min: orb.Point{82, 43}, Max: orb.Point{86, 47}}
	if v := g2.mv.Viewport(); !v.Bound().Contains(ext.Min) || !v.Bound().Contains(ext.Max) || v.Scale > 2*full.Scale {
		t.Errorf("view %+v for a stored view off the data, want the full extent %v", v, ext)
	}
	g2.setDocument(empty())
	g2.noViewSave = false

	// Read-only: the view is shown but never stored.
	g2.setDocument(reopen(document.OpenOptions{ReadOnly: true}))
	g2.mv.ZoomIn()
	g2.close()
	data, ok, err := reopen(document.OpenOptions{ReadOnly: true}).Store().Setting(viewSetting)
	if err != nil || !ok || string(data) != string(far) {
		t.Errorf("read-only project's view became %s (%v %v), want %s", data, ok, err, far)
	}
}
