package main

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

var stdoutMu sync.Mutex

// runCaptured runs the command line as the binary would and returns what it printed.
func runCaptured(t *testing.T, args ...string) (string, int) {
	t.Helper()
	stdoutMu.Lock()
	defer stdoutMu.Unlock()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stdout
	os.Stdout = w
	done := make(chan []byte)
	go func() { b, _ := io.ReadAll(r); done <- b }()
	code := run(args)
	w.Close()
	os.Stdout = saved
	return string(<-done), code
}

var planLayers = []string{"kfq", "nyzyjd", "gjghkq", "zlcbq", "zdkanchq", "zdkaicq", "kanchqk", "kaicqk", "stbhhx", "zrbhd", "yjjbnt", "czkfbj"}

// sampleProject builds the sample project from sampledata/ exactly as `make sample` does.
func sampleProject(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "xinjiang.gpkg")
	if _, code := runCaptured(t, "new", p); code != 0 {
		t.Fatal("new failed")
	}
	if out, code := runCaptured(t, "import", p, "xzq", "../sampledata/real/xj_counties_utf8.shp", "--map", "id=XZQDM"); code != 0 {
		t.Fatalf("import xzq: %s", out)
	}
	for _, l := range planLayers {
		if out, code := runCaptured(t, "import", p, l, "../sampledata/plan/"+l+".shp"); code != 0 {
			t.Fatalf("import %s: %s", l, out)
		}
	}
	return p
}

func TestSampleProjectEndToEnd(t *testing.T) {
	p := sampleProject(t)

	out, code := runCaptured(t, "layers", p, "--json")
	var layers []struct {
		Table, Name string
		Count       int
	}
	if code != 0 || json.Unmarshal([]byte(out), &layers) != nil {
		t.Fatalf("layers --json: %d %s", code, out)
	}
	counts := map[string]int{}
	for _, l := range layers {
		counts[l.Table] = l.Count
	}
	for table, want := range map[string]int{"kfq": 10, "nyzyjd": 16, "gjghkq": 58, "zlcbq": 5, "zdkanchq": 60, "zdkaicq": 75, "kanchqk": 863, "kaicqk": 312, "xzq": 105} {
		if counts[table] != want {
			t.Errorf("%s: %d features, want %d", table, counts[table], want)
		}
	}

	// Validation finds exactly the breaches the generator planted (sampledata/README.md).
	out, code = runCaptured(t, "validate", p, "--json")
	if code != exitFindings {
		t.Fatalf("validate exit %d, want 1 (errors present)", code)
	}
	var rep struct {
		Findings []struct {
			Rule, Severity, Layer string
			Features              []string
			Value, Limit          float64
			Message               string
			Lon, Lat              float64
		}
		Summary struct{ Error, Warning, Info int }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("validate --json: %v\n%s", err, out)
	}
	var got []string
	for _, f := range rep.Findings {
		codes := append([]string(nil), f.Features...)
		sort.Strings(codes)
		got = append(got, f.Severity+" "+f.Rule+" "+strings.Join(codes, ","))
		if f.Lon < 73 || f.Lon > 97 || f.Lat < 34 || f.Lat > 50 || f.Message == "" {
			t.Errorf("finding %s %v has no place or message: %+v", f.Rule, f.Features, f)
		}
	}
	sort.Strings(got)
	want := []string{
		"error R01 T650502018",
		"error R02 T654323013,T654323015",
		"error R04 C650502011,C650502012",
		"error R05 T653222001",
		"error R06 C654322003",
		"error R08 T654201027",
		"error R11 T650402001,T650402001",
		"warning R07 T654324017",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("findings:\n%s\nwant exactly the planted breaches:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if rep.Summary.Error != 7 || rep.Summary.Warning != 1 || rep.Summary.Info != 0 {
		t.Fatalf("summary %+v", rep.Summary)
	}
	for _, f := range rep.Findings {
		if f.Rule == "R04" && (f.Value < 199 || f.Value > 201 || f.Limit != 300) {
			t.Errorf("R04 distance %v m against %v m, want ≈200 against 300", f.Value, f.Limit)
		}
	}

	// Statistics count the blocks by mineral as the seed does.
	out, code = runCaptured(t, "stats", p, "--json")
	var stats []struct {
		Layer, By string
		Rows      []struct {
			Key   string
			Count int
		}
		Total struct{ Count int }
	}
	if code != 0 || json.Unmarshal([]byte(out), &stats) != nil {
		t.Fatalf("stats --json: %d %s", code, out)
	}
	seed := map[string]map[string]int{
		"kanchqk": {"煤": 86, "铁": 70, "锰": 22, "铜": 254, "金": 167, "其他": 264},
		"kaicqk":  {"煤": 284, "铁": 9, "铜": 9, "金": 6, "其他": 4},
	}
	for _, s := range stats {
		if s.By != "mineral_group" {
			continue
		}
		for _, r := range s.Rows {
			if seed[s.Layer][r.Key] != r.Count {
				t.Errorf("%s %s: %d blocks, the seed has %d", s.Layer, r.Key, r.Count, seed[s.Layer][r.Key])
			}
		}
		delete(seed, s.Layer)
	}
	if len(seed) != 0 {
		t.Errorf("no mineral statistics for %v", seed)
	}
}

func TestExportZipRoundTrip(t *testing.T) {
	p := sampleProject(t)
	dir := t.TempDir()
	if _, code := runCaptured(t, "export", p, dir, "--zip"); code != exitFindings {
		t.Fatalf("export with validation errors and no reason: exit %d, want 1", code)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("a stopped export left %d files", len(entries))
	}
	out, code := runCaptured(t, "export", p, dir, "--zip", "--force-reason", "示例数据含故意设置的问题")
	if code != 0 {
		t.Fatalf("export: %s", out)
	}
	zips, _ := filepath.Glob(filepath.Join(dir, "*.zip"))
	if len(zips) != 1 {
		t.Fatalf("zips: %v", zips)
	}
	zr, err := zip.OpenReader(zips[0])
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	unz := t.TempDir()
	for _, f := range zr.File {
		names[filepath.Base(f.Name)] = true
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		os.WriteFile(filepath.Join(unz, filepath.Base(f.Name)), data, 0o644)
	}
	zr.Close()
	for _, n := range []string{"kanchqk.shp", "kanchqk.shx", "kanchqk.dbf", "kanchqk.prj", "kanchqk.cpg", "kaicqk.shp", "kanchqk_points.csv", "stats.csv", "validation.json", "validation.csv"} {
		if !names[n] {
			t.Errorf("%s missing from the package", n)
		}
	}
	if cpg, _ := os.ReadFile(filepath.Join(unz, "kanchqk.cpg")); strings.TrimSpace(string(cpg)) != "936" {
		t.Errorf(".cpg = %q, want 936 (GBK)", cpg)
	}
	report, _ := os.ReadFile(filepath.Join(unz, "validation.json"))
	if !strings.Contains(string(report), "示例数据含故意设置的问题") {
		t.Error("the report does not record the reason the export went on")
	}

	// GDAL reads the Chinese attributes and the CRS of what we wrote.
	if _, err := exec.LookPath("ogrinfo"); err == nil {
		info, err := exec.Command("ogrinfo", "-ro", "-al", "-where", "QKBH='T654323013'", filepath.Join(unz, "kanchqk.shp")).CombinedOutput()
		if err != nil {
			t.Fatalf("ogrinfo: %v %s", err, info)
		}
		for _, want := range []string{"China Geodetic Coordinate System 2000", "QKBH (String) = T654323013", "KZ (String) = 铜", "XZQMC (String) = 福海县"} {
			if !strings.Contains(string(info), want) {
				t.Errorf("ogrinfo output lacks %q:\n%s", want, info)
			}
		}
	}

	// Re-importing the package gives the same blocks.
	q := filepath.Join(t.TempDir(), "again.gpkg")
	runCaptured(t, "new", q)
	if out, code := runCaptured(t, "import", q, "kanchqk", filepath.Join(unz, "kanchqk.shp")); code != 0 {
		t.Fatalf("re-import: %s", out)
	}
	a, _ := runCaptured(t, "stats", p, "--json")
	b, _ := runCaptured(t, "stats", q, "--json")
	if pick(a, "kanchqk") != pick(b, "kanchqk") {
		t.Fatalf("re-imported statistics differ:\n%s\n%s", pick(a, "kanchqk"), pick(b, "kanchqk"))
	}
}

// pick returns the statistics tables of one layer, as JSON text.
func pick(statsJSON, layer string) string {
	var tables []map[string]any
	json.Unmarshal([]byte(statsJSON), &tables)
	var keep []map[string]any
	for _, t := range tables {
		if t["layer"] == layer && (t["by"] == "mineral" || t["by"] == "region") {
			keep = append(keep, t)
		}
	}
	b, _ := json.Marshal(keep)
	return string(b)
}

func TestEditUndoPointsFromTheCommandLine(t *testing.T) {
	p := filepath.Join(t.TempDir(), "p.gpkg")
	runCaptured(t, "new", p)
	wkt := "POLYGON((83 44.6,83.05 44.6,83.05 44.65,83 44.65,83 44.6))"
	if out, code := runCaptured(t, "edit", p, "kanchqk", "--wkt", wkt, "--set", "QKBH=T652300001", "--set", "KZ=铜"); code != 0 {
		t.Fatalf("edit: %s", out)
	}
	out, code := runCaptured(t, "points", p, "kanchqk", "T652300001", "--zone", "28")
	if code != 0 || !strings.Contains(out, "J1") || !strings.Contains(out, "J4") {
		t.Fatalf("points: %d %s", code, out)
	}
	if _, code := runCaptured(t, "undo", p); code != 0 {
		t.Fatal("undo failed")
	}
	if _, code := runCaptured(t, "points", p, "kanchqk", "T652300001"); code != exitUsage {
		t.Fatal("the undone block is still there")
	}
	runCaptured(t, "redo", p)
	if _, code := runCaptured(t, "points", p, "kanchqk", "T652300001"); code != 0 {
		t.Fatal("redo did not bring the block back")
	}
	if _, code := runCaptured(t, "edit", p, "kanchqk", "--wkt", "POINT(1 2)"); code != exitUsage {
		t.Fatal("a point is not a block")
	}
	if _, code := runCaptured(t, "edit", p, "nosuch", "--wkt", wkt); code != exitUsage {
		t.Fatal("unknown layer accepted")
	}
}

func TestBadUsageExitsTwo(t *testing.T) {
	for _, args := range [][]string{
		{"nosuchcommand"},
		{"layers"},
		{"layers", "/nonexistent/x.gpkg"},
		{"import", "x.gpkg"},
		{"validate", "--bogus", "x.gpkg"},
		{"render", "x.gpkg"},
	} {
		if _, code := runCaptured(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	notGpkg := filepath.Join(t.TempDir(), "notes.gpkg")
	os.WriteFile(notGpkg, []byte("这不是项目文件"), 0o644)
	if _, code := runCaptured(t, "layers", notGpkg); code != exitUsage {
		t.Error("a text file opened as a project")
	}
	if b, _ := os.ReadFile(notGpkg); string(b) != "这不是项目文件" {
		t.Error("opening a non-project changed it")
	}
}

func TestEditRefusesWhatCannotBeABlock(t *testing.T) {
	p := filepath.Join(t.TempDir(), "p.gpkg")
	runCaptured(t, "new", p)
	good := "POLYGON((83 44.6,83.05 44.6,83.05 44.65,83 44.65,83 44.6))"
	for _, wkt := range []string{
		"POLYGON EMPTY",
		"POLYGON((85 44,85 44,85 44,85 44))",
		"POLYGON((200 95,201 95,201 96,200 95))",
		"POLYGON((28421671 4940964,28422671 4940964,28422671 4941964,28421671 4940964))",
	} {
		if _, code := runCaptured(t, "edit", p, "kanchqk", "--wkt", wkt); code != exitUsage {
			t.Errorf("%s accepted", wkt)
		}
	}
	if _, code := runCaptured(t, "edit", p, "kanchqk", "--wkt", good, "--set", "QKBH=T650000001"); code != 0 {
		t.Fatal("a good block was refused")
	}
	if _, code := runCaptured(t, "edit", p, "kanchqk", "--wkt", good, "--set", "QKBH=T650000001"); code != exitUsage {
		t.Error("a duplicate QKBH was accepted")
	}
	// GeoJSON properties fill the fields they name.
	gj := filepath.Join(t.TempDir(), "b.geojson")
	os.WriteFile(gj, []byte(`{"type":"Feature","properties":{"QKBH":"T650000002","KZ":"金","ZXGM":"x"},"geometry":{"type":"Polygon","coordinates":[[[84,44],[84.05,44],[84.05,44.05],[84,44.05],[84,44]]]}}`), 0o644)
	if out, code := runCaptured(t, "edit", p, "kanchqk", "--add", gj); code != 0 {
		t.Fatalf("--add: %s", out)
	}
	out, _ := runCaptured(t, "stats", p, "--json")
	if !strings.Contains(out, `"key": "金"`) {
		t.Errorf("the GeoJSON block's KZ was not stored: %s", out)
	}
	for _, args := range [][]string{
		{"render", p, "-o", filepath.Join(t.TempDir(), "m.png"), "--bbox", "NaN,0,1,1"},
		{"render", p, "-o", filepath.Join(t.TempDir(), "m.jpg")},
	} {
		if _, code := runCaptured(t, args...); code != exitUsage {
			t.Errorf("%v accepted", args)
		}
	}
}

func TestOpenWithoutDisplaySaysSo(t *testing.T) {
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	p := filepath.Join(t.TempDir(), "p.gpkg")
	runCaptured(t, "new", p)
	if _, code := runCaptured(t, "open", p); code != exitUsage {
		t.Fatalf("open without a display: exit %d, want 2 and a message, not a GLFW panic", code)
	}
}

// TestGDALGeoPackageEditable is case c10: a GeoPackage GDAL wrote, with its own R-tree triggers
// and without our catalog's fields, takes a new block, an undo and a redo.
func TestGDALGeoPackageEditable(t *testing.T) {
	src, _ := filepath.Glob("testdata/*.gpkg")
	if len(src) != 1 {
		t.Fatalf("testdata holds %v", src)
	}
	data, _ := os.ReadFile(src[0])
	p := filepath.Join(t.TempDir(), "gdal.gpkg")
	os.WriteFile(p, data, 0o644)
	out, code := runCaptured(t, "layers", p, "--json")
	if code != 0 {
		t.Fatalf("layers: %s", out)
	}
	var layers []struct {
		Table string
		Count int
	}
	json.Unmarshal([]byte(out), &layers)
	if len(layers) == 0 {
		t.Fatalf("no layers in %s", out)
	}
	table, before := layers[0].Table, layers[0].Count
	if out, code := runCaptured(t, "edit", p, table, "--wkt", "POLYGON((85.1 44.1,85.12 44.1,85.12 44.12,85.1 44.12,85.1 44.1))"); code != 0 {
		t.Fatalf("edit GDAL's file: %s", out)
	}
	count := func() int {
		out, _ := runCaptured(t, "layers", p, "--json")
		json.Unmarshal([]byte(out), &layers)
		for _, l := range layers {
			if l.Table == table {
				return l.Count
			}
		}
		return -1
	}
	if n := count(); n != before+1 {
		t.Fatalf("%d features after the edit, want %d", n, before+1)
	}
	runCaptured(t, "undo", p)
	if n := count(); n != before {
		t.Fatalf("%d features after undo, want %d", n, before)
	}
	if _, err := exec.LookPath("ogrinfo"); err == nil {
		runCaptured(t, "redo", p)
		info, err := exec.Command("ogrinfo", "-ro", "-so", p, table).CombinedOutput()
		if err != nil || !strings.Contains(string(info), fmt.Sprintf("Feature Count: %d", before+1)) {
			t.Fatalf("GDAL does not see the new feature: %v %s", err, info)
		}
	}
}

func TestEditAttributesOfAnExistingBlock(t *testing.T) {
	p := filepath.Join(t.TempDir(), "p.gpkg")
	runCaptured(t, "new", p)
	runCaptured(t, "edit", p, "kanchqk", "--wkt", "POLYGON((83 44.6,83.05 44.6,83.05 44.65,83 44.65,83 44.6))")
	// A block imported without a code is reached by its feature id.
	if out, code := runCaptured(t, "edit", p, "kanchqk", "--fid", "1", "--set", "QKBH=T652300009", "--set", "KZ=金"); code != 0 {
		t.Fatalf("--fid --set: %s", out)
	}
	if out, code := runCaptured(t, "edit", p, "kanchqk", "--update", "T652300009", "--set", "QKMC=某金矿勘查区块"); code != 0 {
		t.Fatalf("--update: %s", out)
	}
	if _, code := runCaptured(t, "edit", p, "kanchqk", "--update", "T652300009", "--set", "MJ=5"); code != exitUsage {
		t.Error("MJ is computed and must not be typed in")
	}
	out, _ := runCaptured(t, "stats", p, "--json")
	if !strings.Contains(out, `"key": "金"`) {
		t.Fatalf("KZ not set: %s", out)
	}
	runCaptured(t, "undo", p) // the name
	runCaptured(t, "undo", p) // code and mineral
	if _, code := runCaptured(t, "edit", p, "kanchqk", "--update", "T652300009", "--set", "BZ=x"); code != exitUsage {
		t.Error("after two undos the block must have no code again")
	}
	if _, code := runCaptured(t, "new", filepath.Join(t.TempDir(), "q.gpkg"), "--region-code", "abc"); code != exitUsage {
		t.Error("a region code that is not six digits was accepted")
	}
}

func TestImportIntoAMistypedLayerIsRefused(t *testing.T) {
	p := filepath.Join(t.TempDir(), "p.gpkg")
	runCaptured(t, "new", p)
	shp := "../sampledata/plan/stbhhx.shp"
	if _, code := runCaptured(t, "import", p, "kanchkq", shp); code != exitUsage {
		t.Fatal("a layer name not in the catalog was taken without --new-layer")
	}
	if _, code := runCaptured(t, "import", p, "stbhhx", shp, "--map", "MC=NOPE"); code != exitUsage {
		t.Fatal("--map onto a field the layer lacks was accepted")
	}
	if out, code := runCaptured(t, "import", p, "redline2", shp, "--new-layer"); code != 0 || !strings.Contains(out, "new-layer") {
		t.Fatalf("--new-layer: %d %s", code, out)
	}
}

// FuzzBlockGeoJSON feeds `edit --add` files: reading never panics, and what passes the block
// check is a polygon inside China's extent.
func FuzzBlockGeoJSON(f *testing.F) {
	f.Add([]byte(`{"type":"Feature","properties":{"QKBH":"T1"},"geometry":{"type":"Polygon","coordinates":[[[84,44],[84.05,44],[84.05,44.05],[84,44]]]}}`))
	f.Add([]byte(`{"type":"FeatureCollection","features":[]}`))
	f.Add([]byte(`{"type":"MultiPolygon","coordinates":[[[[84,44],[85,44],[85,45],[84,44]]],[]]}`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "b.geojson")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Skip()
		}
		mp, _, err := readGeoJSONPolygon(path)
		if err != nil || checkBlockGeometry(mp) != nil {
			return
		}
		b := mp.Bound()
		if b.Min[0] < 73 || b.Max[0] > 136 || b.Min[1] < 3 || b.Max[1] > 54 {
			t.Fatalf("accepted a block outside China: %v", b)
		}
	})
}
