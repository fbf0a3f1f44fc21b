package main

import (
	"encoding/json"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"kuanggui/internal/crs"
	"kuanggui/internal/document"
	"kuanggui/internal/edit"
	"kuanggui/internal/plan"
	"kuanggui/internal/validate"
)

func rect(x0, y0, x1, y1 float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}
}

// block is an exploration or mining block with the attributes the rules ask for and a true MJ.
func block(code, kz string, g orb.MultiPolygon) plan.Feature {
	f := plan.Feature{Geometry: g, Attrs: plan.Attrs{
		"QKBH": code, "QKMC": "测试" + kz + code, "KZ": kz, "MJ": math.Round(crs.AreaKm2(g)*1e4) / 1e4,
		"XZQDM": "650102", "XZQMC": "天山区", "GHQ": "2021-2025",
	}}
	if strings.HasPrefix(code, "C") {
		f.Attrs["KCFS"], f.Attrs["ZXGM"] = "露天", 300.0
	} else {
		f.Attrs["KCJD"] = "普查"
	}
	return f
}

// valGUI opens a project with a national planning mining area holding every block, two copper
// exploration blocks overlapping (R02), a gold block of half a cell (R08) and a nature reserve
// core zone with nothing in it yet; it returns once the first full validation is shown.
func valGUI(t *testing.T) (*gui, *document.Document, chan struct{}) {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(newTheme())
	doc, err := document.Create(filepath.Join(t.TempDir(), "v.gpkg"), plan.Meta{Region: "新疆维吾尔自治区", RegionCode: "650000", Period: "2021-2025"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { doc.Close() })
	ins := []struct {
		table string
		f     plan.Feature
	}{
		{"gjghkq", plan.Feature{Geometry: rect(83, 43, 85, 45), Attrs: plan.Attrs{"QYBH": "GK01", "QYMC": "测试矿区", "ZYKZ": "铜、金、煤"}}},
		{"zrbhd", plan.Feature{Geometry: rect(84.2, 44.2, 84.6, 44.6), Attrs: plan.Attrs{"MC": "测试保护区", "LX": "核心保护区"}}},
		{"kanchqk", block("T650102001", "铜", rect(83.1, 44.1, 83.15, 44.15))},
		{"kanchqk", block("T650102002", "铜", rect(83.13, 44.1, 83.18, 44.15))},
		{"kanchqk", block("T650102003", "金", rect(83.5, 44.5, 83.508, 44.508))},
	}
	for _, in := range ins {
		if err := doc.Apply(edit.Insert("新增", in.table, in.f)); err != nil {
			t.Fatal(err)
		}
	}
	w := test.NewTempWindow(t, widget.NewLabel(""))
	g := newGUI(a, w)
	updated := make(chan struct{}, 64)
	g.val.afterUpdate = func() { updated <- struct{}{} }
	g.setDocument(doc)
	t.Cleanup(func() { g.val.cancelRun(); g.val.Wait() }) // before doc.Close: no run outlives the test
	// The first run updates widgets from its goroutine (the test driver runs fyne.Do there):
	// lay the window out only once it has finished.
	waitUpdate(t, updated)
	g.val.Wait()
	w.Resize(fyne.NewSize(1400, 900))
	w.Canvas().Capture()
	return g, doc, updated
}

// waitUpdate waits for the panel to show a new result. The deadline only keeps a broken
// re-check from hanging the test run; it is not a speed assertion.
func waitUpdate(t *testing.T, ch chan struct{}) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(60 * time.Second):
		t.Fatal("the validation panel was not updated")
	}
}

func drain(ch chan struct{}) {
	for {
		select {
		case <-ch:
		default:
			return
		}
	}
}

// findingIndex is the index in the panel of the first finding of rule, or -1.
func findingIndex(p *valPanel, rule string) int {
	for i, f := range p.all {
		if f.Rule == rule {
			return i
		}
	}
	return -1
}

func leafUID(p *valPanel, i int) string {
	for uid, j := range p.leaf {
		if j == i {
			return uid
		}
	}
	return ""
}

func TestValidationPanelGroupsAndCounts(t *testing.T) {
	g, doc, _ := valGUI(t)
	p := g.val
	want, err := doc.Validate(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.all) != len(want) {
		t.Fatalf("panel shows %d findings, validation gives %d", len(p.all), len(want))
	}
	bySev := map[validate.Severity]int{}
	byRule := map[string]int{}
	for _, f := range want {
		bySev[f.Severity]++
		byRule[string(f.Severity)+"/"+f.Rule]++
	}
	if byRule["error/R02"] != 1 || byRule["error/R08"] != 1 {
		t.Fatalf("fixture: want one R02 and one R08 error, got %v", byRule)
	}
	// Severity branches in order, each with its count; rule branches with theirs.
	var sevs []string
	for _, uid := range p.children[""] {
		sevs = append(sevs, uid)
		sev := validate.Severity(strings.TrimPrefix(uid, "s/"))
		if got, w := p.text[uid], severityTitle(sev)+" ("+itoa(bySev[sev])+")"; got != w {
			t.Errorf("branch %s = %q, want %q", uid, got, w)
		}
		for _, ruid := range p.children[uid] {
			r := ruid[strings.LastIndexByte(ruid, '/')+1:]
			n := byRule[string(sev)+"/"+r]
			if len(p.children[ruid]) != n {
				t.Errorf("%s lists %d findings, want %d", ruid, len(p.children[ruid]), n)
			}
			if !strings.HasPrefix(p.text[ruid], r+" "+ruleTitle(true, r)+" (") || !strings.HasSuffix(p.text[ruid], "("+itoa(n)+")") {
				t.Errorf("rule branch %q, want %s … (%d)", p.text[ruid], r, n)
			}
		}
	}
	if len(sevs) == 0 || sevs[0] != "s/error" {
		t.Errorf("severity branches %v, errors first", sevs)
	}
	if !strings.Contains(p.summary.Text, "错误 "+itoa(bySev[validate.Error])) {
		t.Errorf("summary %q", p.summary.Text)
	}

	// Filters: by rule, by block code, by extent.
	p.ruleSel.SetSelected("R08 " + ruleTitle(true, "R08"))
	if n := len(p.leaf); n != 1 {
		t.Errorf("rule filter R08: %d findings shown, want 1", n)
	}
	p.ruleSel.SetSelectedIndex(0)
	p.search.SetText("t650102002")
	for _, i := range p.leaf {
		if !strings.Contains(strings.Join(p.all[i].Codes, ","), "T650102002") {
			t.Errorf("search shows %v", p.all[i].Codes)
		}
	}
	if len(p.leaf) == 0 {
		t.Error("search by code found nothing")
	}
	p.search.SetText("")
	g.mv.ZoomTo(orb.Bound{Min: orb.Point{83.49, 44.49}, Max: orb.Point{83.52, 44.52}})
	p.extentChk.SetChecked(true)
	for _, i := range p.leaf {
		if p.all[i].Codes[0] != "T650102003" {
			t.Errorf("extent filter shows %v, only the gold block is in view", p.all[i].Codes)
		}
	}
	if len(p.leaf) == 0 {
		t.Error("extent filter hid the finding in view")
	}
	p.extentChk.SetChecked(false)
	if len(p.leaf) != len(p.all) {
		t.Errorf("filters off: %d of %d shown", len(p.leaf), len(p.all))
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestValidationClickSelectsAndOverlays(t *testing.T) {
	g, _, _ := valGUI(t)
	p := g.val
	i := findingIndex(p, "R02")
	if i < 0 {
		t.Fatal("no R02 finding")
	}
	p.tree.Select(leafUID(p, i))
	f := p.all[i]
	if !g.selOK || g.selTable != "kanchqk" || (g.selID != f.FeatureIDs[0] && g.selID != f.FeatureIDs[1]) {
		t.Errorf("selection %s#%d ok=%v, want a block of %v", g.selTable, g.selID, g.selOK, f.FeatureIDs)
	}
	if len(p.overlay) != 1 {
		t.Fatalf("overlay %v, want the overlap polygon", p.overlay)
	}
	// The overlap is 83.13–83.15 × 44.10–44.15: the overlay is it, and the view shows it.
	b := p.overlay[0].Bound()
	if math.Abs(b.Min[0]-83.13) > 1e-9 || math.Abs(b.Max[0]-83.15) > 1e-9 {
		t.Errorf("overlay bound %v, want the overlap 83.13–83.15", b)
	}
	if vb := g.mv.Viewport().Bound(); !vb.Contains(b.Min) || !vb.Contains(b.Max) || vb.Max[0]-vb.Min[0] > 1 {
		t.Errorf("view %v does not zoom to the overlap %v", vb, b)
	}
	if !p.detailBox.Visible() || !strings.Contains(p.detailMsg.Text, "R02") {
		t.Errorf("detail %q", p.detailMsg.Text)
	}
	// The offered fix is 消除重叠.
	found := false
	for _, o := range p.detailBtns.Objects {
		if b, ok := o.(*widget.Button); ok && b.Text == tr("消除重叠…") {
			found = true
		}
	}
	if !found {
		t.Error("no 消除重叠 button for an R02 finding")
	}
}

func TestValidationExceptionSurvivesRecheck(t *testing.T) {
	g, doc, updated := valGUI(t)
	p := g.val
	i := findingIndex(p, "R08")
	if i < 0 {
		t.Fatal("no R08 finding")
	}
	errsBefore, _ := p.counts()
	key := p.all[i].Key
	p.markException(p.all[i], "测试：经批准保留")
	i = indexOfKey(p, key)
	if i < 0 || p.exOf[i] == nil || p.exOf[i].Reason != "测试：经批准保留" {
		t.Fatalf("finding not marked: %+v", p.exOf)
	}
	errsAfter, nex := p.counts()
	if nex != 1 || errsAfter[validate.Error] != errsBefore[validate.Error]-1 {
		t.Errorf("counts after exception: %v + %d exceptions, before %v", errsAfter, nex, errsBefore)
	}
	// Shown greyed with its reason.
	uid := leafUID(p, i)
	obj := p.createNode(false)
	p.updateNode(uid, false, obj)
	lbl := findLabel(obj)
	if lbl.Importance != widget.LowImportance || !strings.Contains(lbl.Text, "测试：经批准保留") {
		t.Errorf("exception row %q importance %v", lbl.Text, lbl.Importance)
	}
	// An edit elsewhere and the live re-check keep it an exception; so does a full run.
	drain(updated)
	if err := doc.Apply(edit.Insert("新增", "kanchqk", block("T650102009", "铜", rect(84, 43.5, 84.05, 43.55)))); err != nil {
		t.Fatal(err)
	}
	waitUpdate(t, updated)
	if i = indexOfKey(p, key); i < 0 || p.exOf[i] == nil {
		t.Fatal("exception lost after the re-check")
	}
	drain(updated)
	p.runFull()
	waitUpdate(t, updated)
	if i = indexOfKey(p, key); i < 0 || p.exOf[i] == nil {
		t.Fatal("exception lost after a full validation")
	}
	// Reversible.
	p.clearException(i)
	if i = indexOfKey(p, key); i < 0 || p.exOf[i] != nil {
		t.Error("exception not cleared")
	}
}

func indexOfKey(p *valPanel, key string) int {
	for i, f := range p.all {
		if f.Key == key {
			return i
		}
	}
	return -1
}

func findLabel(o fyne.CanvasObject) *widget.Label {
	for _, c := range o.(*fyne.Container).Objects {
		if l, ok := c.(*widget.Label); ok {
			return l
		}
	}
	return nil
}

func TestValidationFixOverlapIsUndoable(t *testing.T) {
	g, doc, updated := valGUI(t)
	p := g.val
	i := findingIndex(p, "R02")
	if i < 0 {
		t.Fatal("no R02 finding")
	}
	refs := p.resolve(p.all[i])
	if len(refs) != 2 {
		t.Fatalf("resolved %v", refs)
	}
	before, _ := doc.Feature(refs[1].table, refs[1].id)
	drain(updated)
	if err := p.fixOverlap(refs[1], refs[0]); err != nil {
		t.Fatal(err)
	}
	waitUpdate(t, updated)
	if findingIndex(p, "R02") >= 0 {
		t.Error("R02 finding still there after 消除重叠")
	}
	after, _ := doc.Feature(refs[1].table, refs[1].id)
	if a, b := crs.AreaKm2(after.Geometry), crs.AreaKm2(before.Geometry); !(a < b*0.7 && a > b*0.5) {
		t.Errorf("area %.4f → %.4f: the 2/5 overlap should have gone", b, a)
	}
	if mj, _ := after.Attrs.Float("MJ"); math.Abs(mj-crs.AreaKm2(after.Geometry)) > 1e-4 {
		t.Errorf("MJ %v not recomputed (%v)", mj, crs.AreaKm2(after.Geometry))
	}
	if findingIndex(p, "R11") >= 0 {
		t.Error("the fix left an R11 finding")
	}
	drain(updated)
	if _, ok, err := doc.Undo(); !ok || err != nil {
		t.Fatalf("undo: %v %v", ok, err)
	}
	waitUpdate(t, updated)
	if findingIndex(p, "R02") < 0 {
		t.Error("undo did not bring the overlap back")
	}
}

func TestValidationLiveR06(t *testing.T) {
	g, doc, updated := valGUI(t)
	p := g.val
	if findingIndex(p, "R06") >= 0 {
		t.Fatal("R06 before the edit")
	}
	drain(updated)
	// A coal mining block drawn across the reserve's core zone edge.
	if err := doc.Apply(edit.Insert("新增", "kaicqk", block("C650102001", "煤", rect(84.15, 44.3, 84.25, 44.35)))); err != nil {
		t.Fatal(err)
	}
	waitUpdate(t, updated)
	i := findingIndex(p, "R06")
	if i < 0 {
		t.Fatalf("no R06 finding after the re-check: %v", p.all)
	}
	if p.all[i].Severity != validate.Error || p.all[i].Codes[0] != "C650102001" {
		t.Errorf("R06 finding %+v", p.all[i])
	}
	if _, ok := p.children["r/error/R06"]; !ok {
		t.Error("tree has no R06 branch")
	}
}

func TestValidationFixMakeValidAndArea(t *testing.T) {
	g, doc, updated := valGUI(t)
	p := g.val
	bow := block("T650102005", "铜", orb.MultiPolygon{{{{83.6, 44.6}, {83.65, 44.65}, {83.65, 44.6}, {83.6, 44.65}, {83.6, 44.6}}}})
	drain(updated)
	if err := doc.Apply(edit.Insert("新增", "kanchqk", bow)); err != nil {
		t.Fatal(err)
	}
	waitUpdate(t, updated)
	i := findingIndex(p, "R01")
	if i < 0 {
		t.Fatal("no R01 finding for a bow-tie")
	}
	refs := p.resolve(p.all[i])
	drain(updated)
	if err := p.fixMakeValid(refs[0]); err != nil {
		t.Fatal(err)
	}
	waitUpdate(t, updated)
	if findingIndex(p, "R01") >= 0 {
		t.Error("R01 still there after 修复几何")
	}
	// MJ typed wrong: 重算面积 puts the computed value back.
	f, _ := doc.Feature(refs[0].table, refs[0].id)
	wrong := f
	wrong.Attrs = plan.Attrs{}
	for k, v := range f.Attrs {
		wrong.Attrs[k] = v
	}
	wrong.Attrs["MJ"] = 99.0
	drain(updated)
	if err := doc.Apply(edit.Update("改面积", refs[0].table, f, wrong)); err != nil {
		t.Fatal(err)
	}
	waitUpdate(t, updated)
	var mj *validate.Finding
	for k := range p.all {
		if strings.HasPrefix(p.all[k].Key, "R11/mj") {
			mj = &p.all[k]
		}
	}
	if mj == nil {
		t.Fatal("no R11 area finding")
	}
	if fx := fixesFor(*mj, p.resolve(*mj)); len(fx) != 1 || fx[0].kind != "area" {
		t.Fatalf("fixes %v", fx)
	}
	drain(updated)
	if err := p.fixArea(refs[0]); err != nil {
		t.Fatal(err)
	}
	waitUpdate(t, updated)
	for _, f := range p.all {
		if strings.HasPrefix(f.Key, "R11/mj") {
			t.Errorf("R11 area finding left: %s", f.Message)
		}
	}
}

func TestRulesSavedAndUsed(t *testing.T) {
	g, doc, updated := valGUI(t)
	p := g.val
	r := doc.Rules()
	s := r.Rule["R08"]
	s.Enabled = false
	r.Rule["R08"] = s
	drain(updated)
	p.saveRules(r)
	waitUpdate(t, updated)
	if findingIndex(p, "R08") >= 0 {
		t.Error("R08 switched off but still reported")
	}
	if doc.Rules().Rule["R08"].Enabled {
		t.Error("rules not stored")
	}
	if got := splitList("汞、砂铁, 钨；稀土"); strings.Join(got, "|") != "汞|砂铁|钨|稀土" {
		t.Errorf("splitList = %v", got)
	}
}

func TestExportDialogPath(t *testing.T) {
	g, _, _ := valGUI(t)
	type result struct {
		res *document.ExportResult
		err error
	}
	done := make(chan result, 4)
	g.val.afterExport = func(r *document.ExportResult, err error) { done <- result{r, err} }
	dir := t.TempDir()
	wait := func() result {
		select {
		case r := <-done:
			return r
		case <-time.After(120 * time.Second):
			t.Fatal("export did not finish")
		}
		return result{}
	}
	g.startExport(dir, document.ExportOptions{Encoding: "gbk", CRS: crs.Geographic()})
	r := wait()
	if r.err == nil || r.res == nil || r.res.Errors < 2 {
		t.Fatalf("export with R02/R08 errors: %+v %v", r.res, r.err)
	}
	g.startExport(dir, document.ExportOptions{Encoding: "gbk", CRS: crs.Geographic(), ForceReason: "测试强制导出"})
	r = wait()
	if r.err != nil {
		t.Fatal(r.err)
	}
	if !r.res.Forced {
		t.Error("not recorded as forced")
	}
	for _, want := range []string{"kanchqk.shp", "kanchqk.dbf", "kanchqk.cpg", "kanchqk.prj", "stats.csv"} {
		if _, err := os.Stat(filepath.Join(r.res.Path, want)); err != nil {
			t.Errorf("%s: %v (files %v)", want, err, r.res.Files)
		}
	}
	if labels := exportCRSChoices(); len(labels) != 17 || labels[5].crs.EPSG != 4515 {
		t.Errorf("CRS choices %d, [5] = %+v", len(labels), labels[5])
	}
}

func TestStatsTable(t *testing.T) {
	g, doc, _ := valGUI(t)
	tables := doc.Stats()
	sv := newStatsView(g, tables)
	k := -1
	for i, tb := range tables {
		if tb.Layer == "kanchqk" && tb.By == "mineral" {
			k = i
		}
	}
	if k < 0 {
		t.Fatal("no kanchqk by-mineral table")
	}
	sv.show(g, k)
	rows := map[string]string{}
	for r := 1; r <= sv.rows()+1; r++ {
		rows[sv.cell(r, 0)] = sv.cell(r, 1)
	}
	if rows["铜"] != "2" || rows["金"] != "1" || rows["合计"] != "3" {
		t.Errorf("stats rows %v", rows)
	}
	if sv.cell(0, 1) != "区块数" {
		t.Errorf("header %q", sv.cell(0, 1))
	}
	path := filepath.Join(t.TempDir(), "s.csv")
	if err := writeStatsFile(path, tables); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(data), "\uFEFF") || !strings.Contains(string(data), "铜") {
		t.Errorf("CSV: %.80q", data)
	}
}

func TestMapExport(t *testing.T) {
	g, doc, _ := valGUI(t)
	path := filepath.Join(t.TempDir(), "map.png")
	if err := g.mapJob(mapExport{Path: path, Width: 800, Height: 600, DPI: 150, Title: defaultMapTitle(doc), WholePlan: true})(); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 800 || b.Dy() != 600 {
		t.Errorf("map %v, want 800×600", b)
	}
	if defaultMapTitle(doc) != "新疆维吾尔自治区矿产资源规划图" {
		t.Errorf("title %q", defaultMapTitle(doc))
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v", st.Mode())
	}
	if err := g.mapJob(mapExport{Path: path, Width: 5, Height: 600})(); err == nil {
		t.Error("a 5-pixel width accepted")
	}
}

func TestMenusHaveExportAndStats(t *testing.T) {
	g, _, _ := valGUI(t)
	var labels []string
	for _, m := range g.mainMenu.Items {
		for _, it := range m.Items {
			labels = append(labels, m.Label+"/"+it.Label)
		}
	}
	all := strings.Join(labels, " ")
	for _, want := range []string{"文件/导出成果包…", "文件/导出地图…", "视图/统计…", "校验/规则设置…"} {
		if !strings.Contains(all, want) {
			t.Errorf("menu lacks %s: %s", want, all)
		}
	}
}

// TestPanelTranslationsComplete checks that the panels' keys — literal tr("…") calls and
// statistics titles — have an English and a Chinese entry. Rule names come from
// validate.RuleNames / RuleNamesEN.
func TestPanelTranslationsComplete(t *testing.T) {
	re := regexp.MustCompile(`tr\("((?:[^"\\]|\\.)*)"`)
	keys := map[string]bool{}
	for _, pat := range panelSources {
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
				var k string
				if err := json.Unmarshal([]byte(`"`+m[1]+`"`), &k); err != nil {
					t.Fatalf("%s: %v", f, err)
				}
				keys[k] = true
			}
		}
	}
	if len(keys) < 60 {
		t.Fatalf("only %d keys found", len(keys))
	}
	for _, tb := range statByKey {
		keys[tb] = true
	}
	for _, tb := range []string{"CGCS2000 3° 带 第{{.Z}}带，带带号 (EPSG:{{.E}})", "CGCS2000 3° 带 第{{.Z}}带，不带带号 (EPSG:{{.E}})"} {
		keys[tb] = true
	}
	hanzi := regexp.MustCompile(`\p{Han}`)
	for _, lang := range []string{"en", "zh_Hans"} {
		m := map[string]string{}
		for _, name := range []string{"kuanggui." + lang + ".json", "panel." + lang + ".json"} {
			data, err := translations.ReadFile("translations/" + name)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(data, &m); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		for k := range keys {
			v, ok := m[k]
			if !ok || v == "" {
				t.Errorf("%s lacks %q", lang, k)
			}
			if lang == "en" && hanzi.MatchString(v) {
				t.Errorf("en: %q is not English: %q", k, v)
			}
		}
	}
}

// BenchmarkValidationLiveUpdate measures what the panel does after one edit of the sample plan:
// the incremental re-check and the rebuilt tree (the debounce pause not counted). Target: within
// two frames (33 ms). Needs the sample project (`make sample`).
func BenchmarkValidationLiveUpdate(b *testing.B) {
	src := filepath.Join("..", "sampledata", "xinjiang.gpkg")
	data, err := os.ReadFile(src)
	if err != nil {
		b.Skip("sample project missing; run make sample")
	}
	path := filepath.Join(b.TempDir(), "x.gpkg")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	a := test.NewTempApp(b)
	doc, err := document.Open(path, document.OpenOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer doc.Close()
	w := test.NewTempWindow(b, widget.NewLabel(""))
	g := newGUI(a, w)
	updated := make(chan struct{}, 64)
	g.val.afterUpdate = func() { updated <- struct{}{} }
	g.setDocument(doc)
	<-updated
	p := g.val
	l, _ := doc.Layer("kaicqk")
	f := l.Features[len(l.Features)/2]
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		after := f
		after.Geometry = orb.MultiPolygon{}
		for _, poly := range f.Geometry {
			var np orb.Polygon
			for _, r := range poly {
				nr := make(orb.Ring, len(r))
				for k, pt := range r {
					nr[k] = orb.Point{pt[0] + float64(i%2)*0.001, pt[1]}
				}
				np = append(np, nr)
			}
			after.Geometry = append(after.Geometry, np)
		}
		p.cancelRun()
		if err := doc.Apply(edit.Update("移动", "kaicqk", f, after)); err != nil {
			b.Fatal(err)
		}
		p.cancelRun() // measure the re-check here, not after the debounce
		f = after
		fs, err := doc.Recheck(b.Context())
		if err != nil {
			b.Fatal(err)
		}
		ex, _ := doc.Exceptions()
		p.setFindings(doc, fs, ex)
		drain(updated)
	}
}

// With a finding's details open the list keeps most of the room: a planner steps from finding
// to finding with the details shown (the details once took all but 2–4 rows).
func TestValidationDetailLeavesTheListRoom(t *testing.T) {
	g, _, _ := valGUI(t)
	p := g.val
	i := findingIndex(p, "R02")
	if i < 0 {
		t.Fatal("no R02 finding")
	}
	p.tree.Select(leafUID(p, i))
	if !p.detailBox.Visible() {
		t.Fatal("detail area not shown")
	}
	g.win.Content().Refresh()
	row := p.createNode(false).MinSize().Height
	list, detail := p.tree.Size().Height, p.detailScroll.Size().Height
	t.Logf("list %.0f (%.1f rows), detail %.0f", list, list/row, detail)
	if list < 1.4*detail || list < 5*row {
		t.Errorf("list %.0f high (%.1f rows) beside a detail area of %.0f: the list should keep ~60%%", list, list/row, detail)
	}
	if detail < 2*row {
		t.Errorf("detail area %.0f high: too small to read", detail)
	}
	p.clearSelection()
	if p.detailScroll.Visible() || p.tree.Size().Height < list+detail {
		t.Errorf("details hidden: list %.0f high, want the whole %.0f", p.tree.Size().Height, list+detail)
	}
}

// TestValidationPanelEnglish checks that an English UI shows the findings' English messages and
// the rules' English names, and the Chinese UI the Chinese ones.
func TestValidationPanelEnglish(t *testing.T) {
	g, _, _ := valGUI(t)
	p := g.val
	i := findingIndex(p, "R02")
	if i < 0 {
		t.Fatal("no R02 finding")
	}
	f := p.all[i]
	if f.MessageEN == "" || f.MessageEN == f.Message {
		t.Fatalf("R02 English message %q", f.MessageEN)
	}
	branch := func(title string) bool {
		for _, txt := range p.text {
			if strings.HasPrefix(txt, "R02 "+title+" (") {
				return true
			}
		}
		return false
	}
	if !branch(validate.RuleNames["R02"]) || !strings.Contains(p.leafText(&f), "重叠") {
		t.Fatalf("Chinese UI: leaf %q", p.leafText(&f))
	}

	g.zh = false
	p.rebuild()
	if !branch(validate.RuleNamesEN["R02"]) {
		t.Errorf("English tree lacks %q: %v", validate.RuleNamesEN["R02"], p.text)
	}
	// "Exploration planning blocks T650102001 and T650102002 overlap by … m²": codes first, then
	// the rest without the layer name and the joining word.
	leaf := p.leafText(&f)
	if !regexp.MustCompile(`^T650102001、T650102002  overlap by [0-9.]+ m²$`).MatchString(leaf) {
		t.Errorf("English leaf %q", leaf)
	}
	p.selectFinding(i)
	if !strings.Contains(p.detailMsg.Text, f.MessageEN) || !strings.Contains(p.detailMsg.Text, validate.RuleNamesEN["R02"]) {
		t.Errorf("English detail %q", p.detailMsg.Text)
	}
}
