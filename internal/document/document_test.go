package document

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"kuanggui/internal/crs"
	"kuanggui/internal/edit"
	"kuanggui/internal/plan"
	"kuanggui/internal/validate"
)

func cell(lon, lat float64, n int) orb.MultiPolygon {
	d := float64(n) / 60
	return orb.MultiPolygon{{{{lon, lat}, {lon + d, lat}, {lon + d, lat + d}, {lon, lat + d}, {lon, lat}}}}
}

func newDoc(t *testing.T) (*Document, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "p.gpkg")
	d, err := Create(path, plan.Meta{Region: "新疆", RegionCode: "650000", Level: plan.LevelPrefecture, Period: "2021-2025", BaseYear: 2020})
	if err != nil {
		t.Fatal(err)
	}
	return d, path
}

func block(code string, g orb.MultiPolygon) plan.Feature {
	return plan.Feature{Geometry: g, Attrs: plan.Attrs{"QKBH": code, "KZ": "铜", "QKMC": "测试区块"}}
}

func TestApplyUndoRedoSurvivesReopen(t *testing.T) {
	d, path := newDoc(t)
	var events []EventKind
	d.OnChange(func(e Event) { events = append(events, e.Kind) })
	if err := d.Apply(edit.Insert("新建区块", "kanchqk", block("T1", cell(85, 44, 2)))); err != nil {
		t.Fatal(err)
	}
	if err := d.Apply(edit.Insert("新建区块", "kanchqk", block("T2", cell(86, 44, 1)))); err != nil {
		t.Fatal(err)
	}
	t1 := d.FindByCode("kanchqk", "T1")[0]
	// MJ is computed from the geometry, ellipsoidal, 4 decimals: 2×2 cells at 44°N.
	if mj, _ := t1.Attrs.Float("MJ"); mj != crs.AreaKm2(t1.Geometry) || mj < 9.8 || mj > 9.92 {
		t.Fatalf("MJ = %v, want the ellipsoidal area of four 1′ cells (≈ 4 × 2.4752)", mj)
	}
	moved := t1.Clone()
	moved.Geometry = cell(85.5, 44, 2)
	if err := d.Apply(edit.Update("移动区块", "kanchqk", t1, moved)); err != nil {
		t.Fatal(err)
	}
	if label, ok, err := d.Undo(); err != nil || !ok || label != "移动区块" {
		t.Fatalf("undo = %q %v %v", label, ok, err)
	}
	if got, _ := d.Feature("kanchqk", t1.ID); !orb.Equal(got.Geometry, t1.Geometry) {
		t.Fatal("undo did not restore the geometry")
	}
	if _, _, err := d.Undo(); err != nil {
		t.Fatal(err)
	}
	if n := len(d.FindByCode("kanchqk", "T2")); n != 0 {
		t.Fatalf("undo of an insert left %d features", n)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}

	// Reopened, the history goes on where it stopped: redo brings T2 back, then the move.
	d, err := Open(path, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if l, _ := d.Layer("kanchqk"); len(l.Features) != 1 {
		t.Fatalf("reopened: %d blocks, want 1", len(l.Features))
	}
	if label, ok := d.CanRedo(); !ok || label != "新建区块" {
		t.Fatalf("CanRedo after reopen = %q %v", label, ok)
	}
	d.Redo()
	d.Redo()
	if got, _ := d.Feature("kanchqk", t1.ID); !orb.Equal(got.Geometry, moved.Geometry) {
		t.Fatal("redo after reopen did not move T1 again")
	}
	if n := len(d.FindByCode("kanchqk", "T2")); n != 1 {
		t.Fatalf("redo brought back %d T2", n)
	}
	if want := []EventKind{Edited, Edited, Edited, Undone, Undone}; fmt.Sprint(events) != fmt.Sprint(want) {
		t.Fatalf("events = %v, want %v", events, want)
	}
}

func TestNewEditDropsRedoAndMergeIsOneStep(t *testing.T) {
	d, path := newDoc(t)
	d.Apply(edit.Insert("新建区块", "kanchqk", block("T1", cell(85, 44, 1))))
	f := d.FindByCode("kanchqk", "T1")[0]
	// Typing 名称 one keystroke at a time is one step.
	prev := f
	for _, name := range []string{"甲", "甲矿", "甲矿区"} {
		next := prev.Clone()
		next.Attrs["QKMC"] = name
		c := edit.Update("修改 区块名称", "kanchqk", prev, next)
		c.MergeKey = "attr:kanchqk:QKMC"
		if err := d.Apply(c); err != nil {
			t.Fatal(err)
		}
		prev = next
	}
	done, _ := d.History()
	if len(done) != 2 {
		t.Fatalf("history has %d steps, want 2 (insert, one merged typing step)", len(done))
	}
	d.Undo()
	if got, _ := d.Feature("kanchqk", f.ID); got.Attrs.String("QKMC") != "测试区块" {
		t.Fatalf("undo of the typing step gave %q", got.Attrs.String("QKMC"))
	}
	d.Apply(edit.Insert("新建区块", "kanchqk", block("T3", cell(87, 44, 1))))
	if _, ok := d.CanRedo(); ok {
		t.Fatal("a new edit must drop the redo tail")
	}
	d.Close()
	d, _ = Open(path, OpenOptions{})
	defer d.Close()
	done, undone := d.History()
	if len(done) != 2 || len(undone) != 0 {
		t.Fatalf("after reopen: %d done, %d undone", len(done), len(undone))
	}
}

func TestReadOnlyRefusesEdits(t *testing.T) {
	d, path := newDoc(t)
	d.Apply(edit.Insert("新建区块", "kanchqk", block("T1", cell(85, 44, 1))))
	d.Close()
	ro, err := Open(path, OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if isRO, _ := ro.ReadOnly(); !isRO {
		t.Fatal("not read-only")
	}
	err = ro.Apply(edit.Insert("新建区块", "kanchqk", block("T2", cell(86, 44, 1))))
	if !errors.Is(err, ErrReadOnly) {
		t.Fatalf("Apply on read-only = %v", err)
	}
	if _, _, err := ro.Undo(); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("Undo on read-only = %v", err)
	}
}

func TestApplyRejectsUnknownLayer(t *testing.T) {
	d, _ := newDoc(t)
	defer d.Close()
	if err := d.Apply(edit.Insert("x", "nosuch", block("T", cell(85, 44, 1)))); err == nil || !strings.Contains(err.Error(), "nosuch") {
		t.Fatalf("err = %v", err)
	}
}

// TestKilledProcessLosesNoFinishedEdit runs edits in a child process and SIGKILLs it while it
// is still editing; the reopened project must hold every edit the child reported finished and
// must still be a valid project.
func TestKilledProcessLosesNoFinishedEdit(t *testing.T) {
	if path := os.Getenv("KG_CRASH_CHILD"); path != "" {
		crashChild(path)
		return
	}
	d, path := newDoc(t)
	d.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledProcessLosesNoFinishedEdit$")
	cmd.Env = append(os.Environ(), "KG_CRASH_CHILD="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait for a number of finished edits, then kill without warning mid-stream.
	buf := make([]byte, 0, 4096)
	chunk := make([]byte, 512)
	finished := 0
	for finished < 40 {
		n, err := out.Read(chunk)
		if err != nil {
			t.Fatalf("child stopped early: %v (%s)", err, buf)
		}
		buf = append(buf, chunk[:n]...)
		finished = strings.Count(string(buf), "\n")
	}
	cmd.Process.Signal(syscall.SIGKILL)
	rest := make([]byte, 1<<16)
	n, _ := out.Read(rest)
	buf = append(buf, rest[:n]...)
	cmd.Wait()
	lines := strings.Split(strings.TrimSpace(string(buf)), "\n")
	// A line is printed only after Apply returned, so every printed code must be there.
	var codes []string
	for _, l := range lines {
		if strings.HasPrefix(l, "done ") {
			codes = append(codes, strings.TrimPrefix(l, "done "))
		}
	}
	d, err = Open(path, OpenOptions{})
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer d.Close()
	for _, c := range codes {
		if len(d.FindByCode("kanchqk", c)) != 1 {
			t.Fatalf("edit %s finished before the kill but is missing", c)
		}
	}
	done, _ := d.History()
	if len(done) < len(codes) {
		t.Fatalf("journal has %d steps, %d edits finished", len(done), len(codes))
	}
	// The last finished edit can still be undone after the crash.
	if _, ok, err := d.Undo(); !ok || err != nil {
		t.Fatalf("undo after crash: %v %v", ok, err)
	}
	t.Logf("%d edits finished before SIGKILL, all present", len(codes))
	d.Close()
	// And the file is still a valid GeoPackage, by GDAL's own validator.
	const validator = "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py"
	if _, err := os.Stat(validator); err == nil {
		if out, err := exec.Command("/usr/bin/python3", validator, path).CombinedOutput(); err != nil {
			t.Fatalf("validate_gpkg.py after the crash: %v\n%s", err, out)
		}
	} else {
		t.Log("python3-gdal not installed: GeoPackage validity not checked")
	}
}

func crashChild(path string) {
	d, err := Open(path, OpenOptions{})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(3)
	}
	for i := 0; ; i++ {
		code := "T" + strconv.Itoa(100000+i)
		lon := 80 + float64(i%600)/60
		lat := 40 + float64(i/600)/60
		if err := d.Apply(edit.Insert("新建区块", "kanchqk", block(code, cell(lon, lat, 1)))); err != nil {
			fmt.Println("apply:", err)
			os.Exit(3)
		}
		fmt.Println("done " + code)
		if i > 100000 {
			time.Sleep(time.Millisecond)
		}
	}
}

func TestValidateAndRecheckAfterEdit(t *testing.T) {
	d, _ := newDoc(t)
	defer d.Close()
	d.Apply(edit.Insert("新建区块", "kanchqk", block("T1", cell(85, 44, 2))))
	d.Apply(edit.Insert("新建区块", "kanchqk", block("T2", cell(86, 44, 2))))
	fs, err := d.Validate(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if countRule(fs, "R02") != 0 {
		t.Fatalf("no overlap yet, got %v", fs)
	}
	// Drag T2 over T1: the incremental re-check reports the overlap.
	t2 := d.FindByCode("kanchqk", "T2")[0]
	moved := t2.Clone()
	moved.Geometry = cell(85+1.0/60, 44, 2)
	d.Apply(edit.Update("移动区块", "kanchqk", t2, moved))
	fs, err = d.Recheck(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if countRule(fs, "R02") != 1 {
		t.Fatalf("after the move: %d overlap findings, want 1", countRule(fs, "R02"))
	}
	for _, f := range fs {
		if f.Rule == "R02" {
			// Half of a 2×2-cell block: two 1′ cells ≈ 2 × 2.4752 km².
			if f.Value < 4.9e6 || f.Value > 5.0e6 {
				t.Fatalf("overlap area %v m²", f.Value)
			}
			if err := d.MarkException(f, "经核实为同一主体的整合区块"); err != nil {
				t.Fatal(err)
			}
			ex, _ := d.Exceptions()
			if _, ok := IsException(f, ex); !ok {
				t.Fatal("exception not found after marking")
			}
		}
	}
}

func countRule(fs []validate.Finding, rule string) int {
	n := 0
	for _, f := range fs {
		if f.Rule == rule {
			n++
		}
	}
	return n
}

func TestStatsMineralGroupKeepsEmptyKZApart(t *testing.T) {
	d, _ := newDoc(t)
	defer d.Close()
	noKZ := block("T3", cell(87, 44, 1))
	delete(noKZ.Attrs, "KZ")
	other := block("T4", cell(88, 44, 1))
	other.Attrs["KZ"] = "石墨"
	for _, f := range []plan.Feature{block("T1", cell(85, 44, 1)), other, noKZ, block("T2", cell(86, 44, 1))} {
		if err := d.Apply(edit.Insert("新建区块", "kanchqk", f)); err != nil {
			t.Fatal(err)
		}
	}
	var got []StatRow
	for _, tb := range d.Stats() {
		if tb.Layer == "kanchqk" && tb.By == "mineral_group" {
			got = tb.Rows
			if tb.Total.Count != 4 {
				t.Errorf("total %d blocks, want 4", tb.Total.Count)
			}
		}
	}
	// Seed groups first, then 其他, then the unfilled ones last.
	want := []struct {
		key, name string
		n         int
	}{{"铜", "铜矿", 2}, {"其他", "其他", 1}, {"", "(未填)", 1}}
	if len(got) != len(want) {
		t.Fatalf("rows %+v, want %v", got, want)
	}
	for i, w := range want {
		if got[i].Key != w.key || got[i].Name != w.name || got[i].Count != w.n {
			t.Errorf("row %d = %+v, want %v", i, got[i], w)
		}
	}
}

func TestRulesLiveInKgRules(t *testing.T) {
	d, path := newDoc(t)
	r := d.Rules()
	if r.Rule["R05"].Severity != validate.Warning {
		t.Fatalf("a prefecture plan's R05 default is a warning, got %v", r.Rule["R05"])
	}
	s := r.Rule["R02"]
	s.Enabled = false
	r.Rule["R02"] = s
	r.OverlapTolerance = 5
	if err := d.SetRules(r); err != nil {
		t.Fatal(err)
	}
	d.Close()
	const validator = "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py"
	if _, err := os.Stat(validator); err == nil {
		if out, err := exec.Command("/usr/bin/python3", validator, path).CombinedOutput(); err != nil {
			t.Fatalf("validate_gpkg.py with kg_rules: %v\n%s", err, out)
		}
	}
	d, err := Open(path, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	got := d.Rules()
	if got.Rule["R02"].Enabled || got.OverlapTolerance != 5 || !got.Rule["R03"].Enabled {
		t.Fatalf("rules after reopen: R02 %v, tolerance %v", got.Rule["R02"], got.OverlapTolerance)
	}
	rows, _ := d.Store().Rules()
	if len(rows) != 13 {
		t.Fatalf("kg_rules has %d rows, want R01…R12 and *", len(rows))
	}
}

func TestDuplicateCodes(t *testing.T) {
	fs := []plan.Feature{block("T1", nil), block("T2", nil), block("T1", nil), block("", nil), block("", nil), block("T1", nil)}
	if n, ex := duplicateCodes(fs); n != 1 || ex != "T1" {
		t.Fatalf("duplicateCodes = %d %q, want 1 T1", n, ex)
	}
}
