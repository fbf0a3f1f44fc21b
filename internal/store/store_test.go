package store

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"kuanggui/assets"
	"kuanggui/internal/plan"
)

const gpkgCheckTool = "/work/shared/tools/gpkg-check"
const validatorPy = "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py"

var testMeta = plan.Meta{Region: "新疆维吾尔自治区", RegionCode: "650000", Level: plan.LevelProvince, Period: "2021-2025", BaseYear: 2020, Sample: true}

func catalog(t testing.TB) *plan.Catalog {
	t.Helper()
	c, err := plan.ParseCatalog(assets.CatalogJSON)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func layerDef(t testing.TB, table string) plan.LayerDef {
	t.Helper()
	d, ok := catalog(t).Layer(table)
	if !ok {
		t.Fatalf("catalog has no %s", table)
	}
	return d
}

func newStore(t testing.TB, tables ...string) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "项目.gpkg")
	s, err := Create(path, testMeta)
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range tables {
		if err := s.CreateLayer(layerDef(t, tb)); err != nil {
			t.Fatal(err)
		}
	}
	return s, path
}

// gpkgCheck runs GDAL's validator on a closed file.
func gpkgCheck(t *testing.T, path string) string {
	t.Helper()
	if _, err := os.Stat(validatorPy); err != nil {
		t.Skip("python3-gdal not available")
	}
	// The shared gpkg-check wraps GDAL's validator; where it is not beside the clone, call the
	// validator itself (make deps-test installs it).
	cmd := exec.Command("/usr/bin/python3", validatorPy, path)
	if _, err := os.Stat(gpkgCheckTool); err == nil {
		cmd = exec.Command(gpkgCheckTool, path)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("gpkg-check failed: %v\n%s", err, out)
	}
	return string(out)
}

func ogrinfo(t *testing.T, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath("ogrinfo")
	if err != nil {
		t.Skip("ogrinfo not available")
	}
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func square(x, y, d float64) orb.Ring {
	return orb.Ring{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}
}

func sampleFeatures() []plan.Feature {
	hole := orb.Ring{{82.2, 44.2}, {82.2, 44.4}, {82.4, 44.4}, {82.4, 44.2}, {82.2, 44.2}}
	return []plan.Feature{
		{Geometry: orb.MultiPolygon{{square(82, 44, 1), hole}}, Attrs: plan.Attrs{"QKBH": "T652300001", "QKMC": "带洞区块", "KZ": "金", "MJ": 12.3456}},
		{Geometry: orb.MultiPolygon{{square(85, 45, 0.1)}, {square(86, 45, 0.2)}}, Attrs: plan.Attrs{"QKBH": "T652300002", "QKMC": "两块", "KZ": nil, "MJ": nil}},
		{Geometry: nil, Attrs: plan.Attrs{"QKBH": "T652300003", "QKMC": "无图形"}},
	}
}

func wantAttrs(fields []plan.Field, a plan.Attrs) plan.Attrs {
	out := plan.Attrs{}
	for _, f := range fields {
		out[f.Name] = a[f.Name]
	}
	return out
}

func TestCreateValidAndChineseIdentifier(t *testing.T) {
	c := catalog(t)
	path := filepath.Join(t.TempDir(), "plan.gpkg")
	s, err := Create(path, testMeta)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range c.Layers {
		if err := s.CreateLayer(l); err != nil {
			t.Fatal(err)
		}
	}
	fs := sampleFeatures()
	if err := s.InsertMany("kanchqk", fs, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.Update(func(tx *Tx) error {
		if _, err := tx.AppendJournal("导入", []byte(`{"n":3}`)); err != nil {
			return err
		}
		return tx.PutException(Exception{Rule: "R02", Features: []string{"kanchqk:2", "kanchqk:1"}, Reason: "已核实"})
	}); err != nil {
		t.Fatal(err)
	}
	tables, err := s.Tables()
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) != len(c.Layers) {
		t.Fatalf("tables = %d, want %d", len(tables), len(c.Layers))
	}
	for _, ti := range tables {
		if ti.Table == "kanchqk" {
			if ti.Identifier != "勘查规划区块" || ti.Count != 3 || !ti.HasBound || ti.SRID != 4490 || ti.GeomType != "MULTIPOLYGON" {
				t.Fatalf("kanchqk info = %+v", ti)
			}
			if ti.Bound.Min != (orb.Point{82, 44}) || ti.Bound.Max != (orb.Point{86.2, 45.2}) {
				t.Fatalf("bound = %v", ti.Bound)
			}
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		t.Fatal("closed project still has a -wal file")
	}
	hdr := make([]byte, 100)
	f, _ := os.Open(path)
	f.Read(hdr)
	f.Close()
	if string(hdr[68:72]) != "GPKG" || hdr[18] != 1 {
		t.Fatalf("application_id %q, write version %d (want GPKG, 1 = rollback journal)", hdr[68:72], hdr[18])
	}
	out := gpkgCheck(t, path)
	if !strings.Contains(out, "validate_gpkg.py: OK") || !strings.Contains(out, "kanchqk (Multi Polygon)") {
		t.Fatalf("gpkg-check output:\n%s", out)
	}
	info := ogrinfo(t, "-ro", "-so", path, "kanchqk")
	if !strings.Contains(info, "IDENTIFIER=勘查规划区块") || !strings.Contains(info, "Feature Count: 3") {
		t.Fatalf("ogrinfo -so:\n%s", info)
	}
}

func TestCreateNeverOverwrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.gpkg")
	os.WriteFile(path, []byte("keep me"), 0o644)
	_, err := Create(path, testMeta)
	if !errors.Is(err, ErrExists) {
		t.Fatalf("err = %v, want ErrExists", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "keep me" {
		t.Fatal("file overwritten")
	}
}

func TestRoundTrip(t *testing.T) {
	s, path := newStore(t, "kanchqk")
	in := sampleFeatures()
	var done []int
	if err := s.InsertMany("kanchqk", in, func(n int) { done = append(done, n) }); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(done, []int{3}) {
		t.Fatalf("progress calls %v", done)
	}
	if in[0].ID != 1 || in[2].ID != 3 {
		t.Fatalf("IDs not written back: %d %d", in[0].ID, in[2].ID)
	}
	// A date field kept from an import.
	if err := s.AddFields("kanchqk", []plan.Field{{Name: "SL", Type: plan.FieldInt}, {Name: "RQ", Type: plan.FieldDate}, {Name: "QKBH", Type: plan.FieldText}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Update(func(tx *Tx) error {
		f := plan.Feature{Geometry: orb.MultiPolygon{{square(80, 40, 0.5)}}, Attrs: plan.Attrs{"QKBH": "X", "RQ": "2024-05-06", "SL": 7}}
		return tx.Insert("kanchqk", &f)
	}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err := Open(path, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, fields, err := s.ReadLayer("kanchqk")
	if err != nil {
		t.Fatal(err)
	}
	// Inserts only: the stored extent is exact.
	if ti, _ := s.Tables(); len(ti) != 1 || ti[0].Bound != (orb.Bound{Min: orb.Point{80, 40}, Max: orb.Point{86.2, 45.2}}) {
		t.Fatalf("tables = %+v", ti)
	}
	if len(got) != 4 {
		t.Fatalf("%d features", len(got))
	}
	def := layerDef(t, "kanchqk")
	if len(fields) != len(def.Fields)+2 || fields[len(fields)-1].Type != plan.FieldDate {
		t.Fatalf("fields = %+v", fields)
	}
	for i, f := range in {
		if got[i].ID != f.ID {
			t.Fatalf("feature %d ID %d want %d", i, got[i].ID, f.ID)
		}
		if !reflect.DeepEqual(got[i].Geometry, f.Geometry) {
			t.Fatalf("feature %d geometry %v want %v", i, got[i].Geometry, f.Geometry)
		}
		want := wantAttrs(fields, f.Attrs)
		if !reflect.DeepEqual(got[i].Attrs, want) {
			t.Fatalf("feature %d attrs\n got %v\nwant %v", i, got[i].Attrs, want)
		}
	}
	if got[3].Attrs["RQ"] != "2024-05-06" || got[3].Attrs["SL"] != int64(7) {
		t.Fatalf("date/int = %#v %#v", got[3].Attrs["RQ"], got[3].Attrs["SL"])
	}
	// The empty geometry stays out of the index.
	var n int
	s.db.QueryRow(`SELECT count(*) FROM rtree_kanchqk_geom`).Scan(&n)
	if n != 3 {
		t.Fatalf("rtree rows = %d, want 3", n)
	}
}

func TestBadAttributeRejected(t *testing.T) {
	s, _ := newStore(t, "kanchqk")
	defer s.Close()
	err := s.Update(func(tx *Tx) error {
		f := plan.Feature{Attrs: plan.Attrs{"NOPE": "x"}}
		return tx.Insert("kanchqk", &f)
	})
	if err == nil || !strings.Contains(err.Error(), `"NOPE"`) {
		t.Fatalf("err = %v", err)
	}
	err = s.Update(func(tx *Tx) error {
		f := plan.Feature{Attrs: plan.Attrs{"QKBH": []int{1}}}
		return tx.Insert("kanchqk", &f)
	})
	if err == nil || !strings.Contains(err.Error(), "QKBH") {
		t.Fatalf("err = %v", err)
	}
	if fs, _, _ := s.ReadLayer("kanchqk"); len(fs) != 0 {
		t.Fatal("failed transaction left rows")
	}
}

func TestPutDeleteGet(t *testing.T) {
	s, _ := newStore(t, "kaicqk")
	a := plan.Feature{Geometry: orb.MultiPolygon{{square(88, 43, 0.1)}}, Attrs: plan.Attrs{"QKBH": "C1"}}
	if err := s.Update(func(tx *Tx) error { return tx.Insert("kaicqk", &a) }); err != nil {
		t.Fatal(err)
	}
	// Insert with a chosen free ID keeps it; a taken ID is replaced.
	b := plan.Feature{ID: 50, Attrs: plan.Attrs{"QKBH": "C50"}}
	c := plan.Feature{ID: 50, Attrs: plan.Attrs{"QKBH": "C51"}}
	if err := s.Update(func(tx *Tx) error {
		if err := tx.Insert("kaicqk", &b); err != nil {
			return err
		}
		return tx.Insert("kaicqk", &c)
	}); err != nil {
		t.Fatal(err)
	}
	if b.ID != 50 || c.ID == 50 || c.ID == a.ID {
		t.Fatalf("ids a=%d b=%d c=%d", a.ID, b.ID, c.ID)
	}
	var saved plan.Feature
	err := s.Update(func(tx *Tx) error {
		f, ok, err := tx.Get("kaicqk", a.ID)
		if err != nil || !ok {
			t.Fatalf("get: %v %v", ok, err)
		}
		saved = f.Clone()
		f.Attrs["QKBH"] = "C1-改"
		f.Geometry = orb.MultiPolygon{{square(89, 43, 0.2)}}
		if err := tx.Put("kaicqk", f); err != nil {
			return err
		}
		g, _, _ := tx.Get("kaicqk", a.ID)
		if g.Attrs["QKBH"] != "C1-改" {
			t.Fatalf("put not visible in tx: %v", g.Attrs)
		}
		return tx.Delete("kaicqk", a.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Update(func(tx *Tx) error {
		if _, ok, _ := tx.Get("kaicqk", a.ID); ok {
			t.Fatal("deleted feature still there")
		}
		if err := tx.Delete("kaicqk", a.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("delete twice: %v", err)
		}
		return tx.Put("kaicqk", saved) // undo of the delete: same ID back
	})
	if err != nil {
		t.Fatal(err)
	}
	fs, _, _ := s.ReadLayer("kaicqk")
	if len(fs) != 3 || fs[0].ID != a.ID || fs[0].Attrs["QKBH"] != "C1" || !reflect.DeepEqual(fs[0].Geometry, a.Geometry) {
		t.Fatalf("after undo: %+v", fs)
	}
	var minx float64
	s.db.QueryRow(`SELECT minx FROM rtree_kaicqk_geom WHERE id = ?`, a.ID).Scan(&minx)
	if minx < 87.99 || minx > 88.0 {
		t.Fatalf("rtree minx = %v, want ~88", minx)
	}
	// A deleted feature shrinks the extent when the project is closed.
	if err := s.Update(func(tx *Tx) error { return tx.Delete("kaicqk", a.ID) }); err != nil {
		t.Fatal(err)
	}
	if err := s.Update(func(tx *Tx) error {
		f := plan.Feature{Geometry: orb.MultiPolygon{{square(90, 44, 1)}}, Attrs: plan.Attrs{"QKBH": "C9"}}
		return tx.Insert("kaicqk", &f)
	}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(s.Path(), OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ti, _ := s.Tables()
	if b := ti[0].Bound; b.Min[0] < 89.999 || b.Min[0] > 90 || b.Max[0] < 91 || b.Max[0] > 91.001 {
		t.Fatalf("extent after delete: %v", b)
	}
}

func TestRollbackOnError(t *testing.T) {
	s, _ := newStore(t, "kanchqk")
	defer s.Close()
	boom := errors.New("boom")
	err := s.Update(func(tx *Tx) error {
		f := plan.Feature{Attrs: plan.Attrs{"QKBH": "A"}}
		if err := tx.Insert("kanchqk", &f); err != nil {
			return err
		}
		tx.AppendJournal("x", nil)
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	fs, _, _ := s.ReadLayer("kanchqk")
	j, _ := s.Journal()
	if len(fs) != 0 || len(j) != 0 {
		t.Fatalf("rolled back tx left %d features, %d journal entries", len(fs), len(j))
	}
}

func TestJournalSettingsExceptionsMeta(t *testing.T) {
	s, path := newStore(t)
	var seqs []int64
	err := s.Update(func(tx *Tx) error {
		for _, l := range []string{"画区块", "改属性", "删除"} {
			seq, err := tx.AppendJournal(l, []byte(`{"op":"`+l+`"}`))
			if err != nil {
				return err
			}
			seqs = append(seqs, seq)
		}
		if err := tx.SetUndone(seqs[2], true); err != nil {
			return err
		}
		if err := tx.SetUndone(999, true); !errors.Is(err, ErrNotFound) {
			t.Fatalf("SetUndone missing: %v", err)
		}
		if err := tx.PutSetting("rules", []byte(`{"R04":300}`)); err != nil {
			return err
		}
		if err := tx.PutSetting("rules", []byte(`{"R04":250}`)); err != nil {
			return err
		}
		if err := tx.PutException(Exception{Rule: "R02", Features: []string{"kanchqk:9", "kanchqk:3"}, GeomHash: "h1", Reason: "相邻"}); err != nil {
			return err
		}
		if err := tx.PutException(Exception{Rule: "R02", Features: []string{"kanchqk:3", "kanchqk:9"}, GeomHash: "h2", Reason: "已核实"}); err != nil {
			return err
		}
		return tx.PutException(Exception{Rule: "R04", Features: []string{"kaicqk:1"}, Reason: "x"})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Update(func(tx *Tx) error { return tx.ReplaceJournal(seqs[1], "改属性", []byte(`{"op":"merged"}`)) }); err != nil {
		t.Fatal(err)
	}
	j, err := s.Journal()
	if err == nil && len(j) == 3 && string(j[1].Payload) != `{"op":"merged"}` {
		t.Fatalf("ReplaceJournal: %s", j[1].Payload)
	}
	if err != nil || len(j) != 3 || j[1].Label != "改属性" || string(j[0].Payload) != `{"op":"画区块"}` || !j[2].Undone || j[1].Undone || j[0].Time.IsZero() {
		t.Fatalf("journal = %+v, %v", j, err)
	}
	if err := s.Update(func(tx *Tx) error { return tx.TruncateRedo() }); err != nil {
		t.Fatal(err)
	}
	var next int64
	s.Update(func(tx *Tx) error { next, err = tx.AppendJournal("新", nil); return err })
	if next <= seqs[2] {
		t.Fatalf("seq %d reused after truncate (last %d)", next, seqs[2])
	}
	j, _ = s.Journal()
	if len(j) != 3 || j[2].Seq != next {
		t.Fatalf("after truncate: %+v", j)
	}
	v, ok, err := s.Setting("rules")
	if err != nil || !ok || string(v) != `{"R04":250}` {
		t.Fatalf("setting = %s %v %v", v, ok, err)
	}
	if _, ok, _ := s.Setting("none"); ok {
		t.Fatal("missing setting found")
	}
	ex, err := s.Exceptions()
	if err != nil || len(ex) != 2 || ex[0].Reason != "已核实" || ex[0].GeomHash != "h2" || !reflect.DeepEqual(ex[0].Features, []string{"kanchqk:3", "kanchqk:9"}) {
		t.Fatalf("exceptions = %+v %v", ex, err)
	}
	s.Update(func(tx *Tx) error { return tx.DeleteException("R02", []string{"kanchqk:9", "kanchqk:3"}) })
	ex, _ = s.Exceptions()
	if len(ex) != 1 || ex[0].Rule != "R04" {
		t.Fatalf("after delete: %+v", ex)
	}
	m, err := s.Meta()
	if err != nil || m != testMeta {
		t.Fatalf("meta = %+v %v", m, err)
	}
	m.Level = plan.LevelPrefecture
	m.Sample = false
	if err := s.SetMeta(m); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(path, OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if m2, _ := s.Meta(); m2 != m {
		t.Fatalf("meta after reopen = %+v", m2)
	}
}

func fileHash(t *testing.T, path string) [32]byte {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

func TestReadOnly(t *testing.T) {
	s, path := newStore(t, "kanchqk")
	fs := sampleFeatures()
	s.InsertMany("kanchqk", fs, nil)
	s.Close()
	before := fileHash(t, path)

	s, err := Open(path, OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if !s.ReadOnly() || s.ReadOnlyReason() == "" {
		t.Fatal("not read-only")
	}
	if err := s.Update(func(tx *Tx) error { return nil }); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("update: %v", err)
	}
	got, _, err := s.ReadLayer("kanchqk")
	if err != nil || len(got) != 3 {
		t.Fatalf("read: %d %v", len(got), err)
	}
	s.Close()

	// A write-protected folder: opened immutable, no -wal/-shm created. Root ignores
	// permissions, so the check is substituted; the real check runs below when not root.
	old := writableCheck
	writableCheck = func(p string) error {
		if p == filepath.Dir(path) {
			return os.ErrPermission
		}
		return nil
	}
	s, err = Open(path, OpenOptions{})
	writableCheck = old
	if err != nil {
		t.Fatal(err)
	}
	if !s.ReadOnly() || !strings.Contains(s.ReadOnlyReason(), "folder") {
		t.Fatalf("reason %q", s.ReadOnlyReason())
	}
	if got, _, err := s.ReadLayer("kanchqk"); err != nil || len(got) != 3 {
		t.Fatalf("read immutable: %v", err)
	}
	if err := s.Update(func(tx *Tx) error { return nil }); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("update: %v", err)
	}
	for _, ext := range []string{"-wal", "-shm", "-journal"} {
		if _, err := os.Stat(path + ext); err == nil {
			t.Fatalf("%s created next to a read-only project", ext)
		}
	}
	s.Close()
	if fileHash(t, path) != before {
		t.Fatal("read-only open changed the file")
	}

	if os.Geteuid() != 0 {
		os.Chmod(path, 0o444)
		s, err = Open(path, OpenOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !s.ReadOnly() || !strings.Contains(s.ReadOnlyReason(), "file") {
			t.Fatalf("chmod 444: reason %q", s.ReadOnlyReason())
		}
		s.Close()
	}
}

func TestNotGeoPackage(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.gpkg")
	os.WriteFile(text, []byte("这不是数据库\n"), 0o644)
	empty := filepath.Join(dir, "empty.gpkg")
	os.WriteFile(empty, nil, 0o644)
	plain := filepath.Join(dir, "plain.gpkg")
	db, err := sql.Open(driverName, plain)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE t (a TEXT); INSERT INTO t VALUES ('x')`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, p := range []string{text, empty, plain} {
		before := fileHash(t, p)
		s, err := Open(p, OpenOptions{})
		if !errors.Is(err, ErrNotGeoPackage) {
			if s != nil {
				s.Close()
			}
			t.Fatalf("%s: err = %v, want ErrNotGeoPackage", filepath.Base(p), err)
		}
		if !strings.Contains(err.Error(), p) {
			t.Fatalf("error does not name the file: %v", err)
		}
		if fileHash(t, p) != before {
			t.Fatalf("%s modified", p)
		}
		for _, ext := range []string{"-wal", "-shm"} {
			if _, err := os.Stat(p + ext); err == nil {
				t.Fatalf("%s%s created", p, ext)
			}
		}
	}
	if _, err := Open(filepath.Join(dir, "missing.gpkg"), OpenOptions{}); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("missing: %v", err)
	}
}

func TestLocked(t *testing.T) {
	s, path := newStore(t, "kanchqk")
	defer s.Close()
	// A second editor of the same file.
	s2, err := Open(path, OpenOptions{})
	if !errors.Is(err, ErrLocked) {
		if s2 != nil {
			s2.Close()
		}
		t.Fatalf("second open: %v", err)
	}
	if strings.Contains(err.Error(), "database is locked") || !strings.Contains(err.Error(), path) {
		t.Fatalf("message: %v", err)
	}
	// Reading alongside is fine.
	r, err := Open(path, OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
}

func TestLockedByOtherWriter(t *testing.T) {
	s, path := newStore(t, "kanchqk")
	s.Close()
	// Another program holding SQLite's write lock (as QGIS does while saving).
	other, err := sql.Open(driverName, path+"?_busy_timeout=0")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	other.SetMaxOpenConns(1)
	if _, err := other.Exec("BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	_, err = Open(path, OpenOptions{})
	if !errors.Is(err, ErrLocked) || strings.Contains(err.Error(), "database is locked") {
		t.Fatalf("open while another writer holds the lock: %v", err)
	}
	other.Exec("ROLLBACK")
	s, err = Open(path, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
}

func TestC10GDALFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "made_by_gdal.gpkg")
	src, err := os.ReadFile("testdata/made_by_gdal.gpkg")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, src, 0o644)
	s, err := Open(path, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tables, err := s.Tables()
	if err != nil || len(tables) != 1 || tables[0].Table != "kanchqk" || tables[0].Count != 1 || tables[0].SRID != 4490 {
		t.Fatalf("tables = %+v %v", tables, err)
	}
	fs, fields, err := s.ReadLayer("kanchqk")
	if err != nil || len(fs) != 1 || len(fields) != 3 {
		t.Fatalf("read: %v %v %v", fs, fields, err)
	}
	if fs[0].Attrs["QKMC"] != "测试区块" || len(fs[0].Geometry) != 1 || fs[0].Geometry.Bound().Min != (orb.Point{82, 44.5}) {
		t.Fatalf("GDAL feature = %+v", fs[0])
	}
	newF := plan.Feature{Geometry: orb.MultiPolygon{{square(83, 45, 0.05)}}, Attrs: plan.Attrs{"QKBH": "K652700002", "QKMC": "新区块", "KZ": "铜"}}
	err = s.Update(func(tx *Tx) error {
		if err := tx.Insert("kanchqk", &newF); err != nil {
			return err
		}
		f := fs[0]
		f.Attrs["KZ"] = "银"
		if err := tx.Put("kanchqk", f); err != nil {
			return err
		}
		_, err := tx.AppendJournal("改属性", []byte(`{"kz":"银"}`))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var rtreeIDs []int64
	rows, err := s.db.Query(`SELECT id FROM rtree_kanchqk_geom WHERE minx <= 83.1 AND maxx >= 82.9 AND miny <= 45.1 AND maxy >= 44.9`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		rtreeIDs = append(rtreeIDs, id)
	}
	rows.Close()
	if len(rtreeIDs) != 1 || rtreeIDs[0] != newF.ID {
		t.Fatalf("rtree search found %v, want [%d]", rtreeIDs, newF.ID)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	all := ogrinfo(t, "-ro", "-al", path)
	if !strings.Contains(all, "Feature Count: 2") || !strings.Contains(all, "KZ (String) = 银") || !strings.Contains(all, "QKMC (String) = 新区块") {
		t.Fatalf("ogrinfo -al:\n%s", all)
	}
	spat := ogrinfo(t, "-ro", "-spat", "82.9", "44.9", "83.1", "45.1", path, "kanchqk")
	if !strings.Contains(spat, "新区块") || strings.Contains(spat, "测试区块") {
		t.Fatalf("ogrinfo -spat:\n%s", spat)
	}
	// GDAL's feature-count trigger kept gpkg_ogr_contents right.
	if !strings.Contains(ogrinfo(t, "-ro", "-so", path, "kanchqk"), "Feature Count: 2") {
		t.Fatal("feature count")
	}
	gpkgCheck(t, path)
}

func TestGeometryKinds(t *testing.T) {
	// Z, M, ZM, big-endian, Polygon and no-envelope blobs as other writers make them.
	poly := func(bo byte, typ uint32, dims int) []byte {
		var b bytes.Buffer
		b.Write([]byte{'G', 'P', 0, bo & 1}) // no envelope
		put32 := func(v uint32) {
			if bo == 1 {
				b.Write([]byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24)})
			} else {
				b.Write([]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
			}
		}
		putF := func(f float64) {
			var tmp [8]byte
			u := math.Float64bits(f)
			for i := 0; i < 8; i++ {
				if bo == 1 {
					tmp[i] = byte(u >> (8 * i))
				} else {
					tmp[7-i] = byte(u >> (8 * i))
				}
			}
			b.Write(tmp[:])
		}
		put32(4490)
		b.WriteByte(bo)
		put32(typ)
		put32(1)
		put32(4)
		for _, p := range [][2]float64{{1, 2}, {3, 2}, {3, 4}, {1, 2}} {
			putF(p[0])
			putF(p[1])
			for d := 2; d < dims; d++ {
				putF(99)
			}
		}
		return b.Bytes()
	}
	want := orb.MultiPolygon{{{{1, 2}, {3, 2}, {3, 4}, {1, 2}}}}
	for _, c := range []struct {
		name string
		bo   byte
		typ  uint32
		dims int
	}{{"2D", 1, 3, 2}, {"Z", 1, 1003, 3}, {"M", 0, 2003, 3}, {"ZM", 1, 3003, 4}, {"EWKB Z", 0, 0x80000003, 3}} {
		got, err := decodeGeometry(poly(c.bo, c.typ, c.dims))
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: %v %v", c.name, got, err)
		}
		if b, ok := geometryBound(poly(c.bo, c.typ, c.dims)); !ok || b.Min != (orb.Point{1, 2}) || b.Max != (orb.Point{3, 4}) {
			t.Fatalf("%s bound %v", c.name, b)
		}
	}
	// Empty flag, NULL, garbage.
	if mp, err := decodeGeometry([]byte{'G', 'P', 0, 0x11, 0, 0, 0, 0, 1, 6, 0, 0, 0, 0, 0, 0, 0}); err != nil || mp != nil {
		t.Fatalf("empty: %v %v", mp, err)
	}
	if stIsEmpty([]byte{'G', 'P', 0, 0x11, 0, 0, 0, 0}) != int64(1) || stIsEmpty(nil) != nil || stMinX([]byte("xx")) != nil {
		t.Fatal("ST_ functions on empty/NULL/garbage")
	}
	if _, err := decodeGeometry([]byte("GP\x00\x01\x00\x00\x00\x00\x01\x02\x00\x00\x00")); err == nil {
		t.Fatal("linestring accepted")
	}
}

// A GDAL layer declared POLYGON with mandatory Z and a Chinese column name: read (Z dropped)
// and written back (single polygons, Z = 0) so that the file stays valid.
func TestGDALPolygonZLayer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "polyz.gpkg")
	src, err := os.ReadFile("testdata/gdal_polygon_z.gpkg")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, src, 0o644)
	s, err := Open(path, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	fs, fields, err := s.ReadLayer("zones")
	if err != nil || len(fs) != 2 || len(fields) != 2 || fields[1].Type != plan.FieldInt {
		t.Fatalf("read: %v %+v %v", fs, fields, err)
	}
	want := orb.MultiPolygon{{{{80, 40}, {81, 40}, {81, 41}, {80, 40}}}}
	if !reflect.DeepEqual(fs[0].Geometry, want) || fs[0].Attrs["名称"] != "甲" || fs[0].Attrs["n"] != int64(1) || fs[1].Geometry != nil {
		t.Fatalf("features = %+v", fs)
	}
	err = s.Update(func(tx *Tx) error {
		f := plan.Feature{Geometry: orb.MultiPolygon{{square(82, 41, 1)}}, Attrs: plan.Attrs{"名称": "丙", "n": int64(3)}}
		if err := tx.Insert("zones", &f); err != nil {
			return err
		}
		two := plan.Feature{Geometry: orb.MultiPolygon{{square(1, 1, 1)}, {square(3, 3, 1)}}}
		if err := tx.Insert("zones", &two); err == nil || !strings.Contains(err.Error(), "2 parts") {
			t.Fatalf("multipart into POLYGON layer: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, _ = Open(path, OpenOptions{ReadOnly: true})
	fs, _, _ = s.ReadLayer("zones")
	s.Close()
	if len(fs) != 3 || !reflect.DeepEqual(fs[2].Geometry, orb.MultiPolygon{{square(82, 41, 1)}}) {
		t.Fatalf("after write: %+v", fs)
	}
	gpkgCheck(t, path)
	if out := ogrinfo(t, "-ro", "-al", path); !strings.Contains(out, "名称 (String) = 丙") || !strings.Contains(out, "POLYGON Z ((82 41 0") {
		t.Fatalf("ogrinfo:\n%s", out)
	}
}

// rtreeCheck runs SQLite's own consistency check of an R-tree and a search against brute force.
func rtreeCheck(t *testing.T, s *Store, table string, fs []plan.Feature) {
	t.Helper()
	var res string
	if err := s.db.QueryRow(`SELECT rtreecheck(?)`, "rtree_"+table+"_geom").Scan(&res); err != nil || res != "ok" {
		t.Fatalf("rtreecheck: %q %v", res, err)
	}
	q := orb.Bound{Min: orb.Point{80.31, 40.17}, Max: orb.Point{80.77, 40.29}}
	want := map[int64]bool{}
	for _, f := range fs {
		if len(f.Geometry) > 0 && f.Geometry.Bound().Intersects(q) {
			want[f.ID] = true
		}
	}
	rows, err := s.db.Query(`SELECT id FROM "rtree_`+table+`_geom" WHERE minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ?`, q.Max[0], q.Min[0], q.Max[1], q.Min[1])
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[int64]bool{}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		got[id] = true
	}
	if len(want) == 0 || !reflect.DeepEqual(got, want) {
		t.Fatalf("rtree search: got %d ids, want %d", len(got), len(want))
	}
}

func TestBulkRtree(t *testing.T) {
	for _, n := range []int{1, 51, 52, 3000, 20000} {
		s, path := newStore(t, "kanchqk")
		fs := make([]plan.Feature, n)
		for i := range fs {
			fs[i] = plan.Feature{Geometry: orb.MultiPolygon{{square(80+float64(i%97)*0.01, 40+float64(i/97)*0.01, 0.005)}}}
		}
		fs[0].Geometry = nil // no index row
		if err := s.InsertMany("kanchqk", fs, nil); err != nil {
			t.Fatal(err)
		}
		var rows int
		s.db.QueryRow(`SELECT count(*) FROM rtree_kanchqk_geom`).Scan(&rows)
		if rows != n-1 {
			t.Fatalf("n=%d: rtree rows %d", n, rows)
		}
		if n >= 3000 {
			rtreeCheck(t, s, "kanchqk", fs)
		}
		// The tree keeps working for edits after the bulk load.
		more := []plan.Feature{{Geometry: orb.MultiPolygon{{square(80.5, 40.2, 0.01)}}}}
		if err := s.InsertMany("kanchqk", more, nil); err != nil {
			t.Fatal(err)
		}
		err := s.Update(func(tx *Tx) error {
			for id := int64(2); id <= int64(n)/2; id++ {
				if err := tx.Delete("kanchqk", id); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n >= 3000 {
			all, _, _ := s.ReadLayer("kanchqk")
			rtreeCheck(t, s, "kanchqk", all)
		}
		s.Close()
		if n == 20000 {
			gpkgCheck(t, path)
		}
	}
}

func TestAttributeNamesCaseInsensitive(t *testing.T) {
	s, _ := newStore(t, "kanchqk")
	defer s.Close()
	f := plan.Feature{Attrs: plan.Attrs{"qkbh": "T1", "QKMC": "名"}}
	if err := s.Update(func(tx *Tx) error { return tx.Insert("kanchqk", &f) }); err != nil {
		t.Fatal(err)
	}
	fs, _, _ := s.ReadLayer("kanchqk")
	if fs[0].Attrs["QKBH"] != "T1" || fs[0].Attrs["QKMC"] != "名" {
		t.Fatalf("attrs = %v", fs[0].Attrs)
	}
}

// A project left in WAL mode (the process was killed) on read-only media: both the file and its
// folder are write-protected. It must still open, read-only, and create nothing.
func TestReadOnlyMediaAfterCrash(t *testing.T) {
	s, path := newStore(t, "kanchqk")
	s.Update(func(tx *Tx) error {
		for _, f := range sampleFeatures() {
			f := f
			if err := tx.Insert("kanchqk", &f); err != nil {
				return err
			}
		}
		return nil
	})
	s.Close()
	db, err := sql.Open(driverName, path)
	if err != nil {
		t.Fatal(err)
	}
	var mode string
	if err := db.QueryRow(`PRAGMA journal_mode=WAL`).Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal mode %q %v", mode, err)
	}
	db.Close()
	old := writableCheck
	writableCheck = func(string) error { return os.ErrPermission }
	defer func() { writableCheck = old }()
	ro, err := Open(path, OpenOptions{})
	if err != nil {
		t.Fatalf("a WAL-mode project on read-only media: %v", err)
	}
	defer ro.Close()
	if got, _, err := ro.ReadLayer("kanchqk"); err != nil || len(got) != len(sampleFeatures()) {
		t.Fatalf("read: %d %v", len(got), err)
	}
	for _, ext := range []string{"-shm", "-journal"} {
		if _, err := os.Stat(path + ext); err == nil {
			t.Errorf("%s created on read-only media", ext)
		}
	}
}
