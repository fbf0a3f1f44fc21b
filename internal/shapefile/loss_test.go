package shapefile

import (
	"archive/zip"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"kuanggui/internal/crs"
	"kuanggui/internal/plan"
)

func countiesFiles(t *testing.T) *layerFiles {
	const b = "testdata/real/xj_counties_utf8"
	return &layerFiles{name: b + ".shp", shp: mustRead(t, b+".shp"), shx: mustRead(t, b+".shx"),
		dbf: mustRead(t, b+".dbf"), prj: mustRead(t, b+".prj"), cpg: mustRead(t, b+".cpg")}
}

func problemsOf(rep *Report, kind string) []Problem {
	var out []Problem
	for _, p := range rep.Problems {
		if p.Kind == kind {
			out = append(out, p)
		}
	}
	return out
}

// The tester's case: the counties .dbf cut to 3000 bytes holds 18 of its 105 rows. The other
// 87 shapes must still come in, with empty attributes, and the report must say so.
func TestTruncatedDBFKeepsShapes(t *testing.T) {
	lf := countiesFiles(t)
	lf.dbf = lf.dbf[:3000]
	fs, rep, err := readLayer(lf, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 105 || rep.Records != 105 || rep.SHPRecords != 105 || rep.DBFRecords != 105 || rep.Read != 105 || rep.Skipped != 0 {
		t.Fatalf("features %d, records %d (shp %d, dbf %d), read %d, skipped %d",
			len(fs), rep.Records, rep.SHPRecords, rep.DBFRecords, rep.Read, rep.Skipped)
	}
	if rep.Lost != 87 || !rep.Truncated {
		t.Fatalf("lost %d, truncated %v; want 87, true", rep.Lost, rep.Truncated)
	}
	if fs[17].Attrs["XZQMC"] == nil || fs[18].Attrs["XZQMC"] != nil || len(fs[18].Geometry) == 0 || len(fs[104].Geometry) == 0 {
		t.Fatalf("record 18 %v, record 19 %v with %d polygons", fs[17].Attrs["XZQMC"], fs[18].Attrs, len(fs[18].Geometry))
	}
	if _, ok := fs[18].Attrs["XZQMC"]; !ok {
		t.Fatal("a shape without a row must still carry every field, as NULL")
	}
	found := false
	for _, p := range problemsOf(rep, "corrupt") {
		found = found || (p.Record == 0 && strings.Contains(p.Message, "truncated .dbf") && strings.Contains(p.Message, "records 19–105 have no attributes"))
	}
	if !found {
		t.Fatalf("no truncation problem naming records 19–105: %+v", rep.Problems)
	}
}

// A .shp cut in half: every record whose shape was cut off is named, the rest is imported.
func TestTruncatedSHPNamesEveryRecord(t *testing.T) {
	for _, withSHX := range []bool{true, false} {
		lf := countiesFiles(t)
		lf.shp = lf.shp[:len(lf.shp)/2]
		if !withSHX {
			lf.shx = nil
		}
		fs, rep, err := readLayer(lf, ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) != 105 || rep.Records != 105 || rep.Read != 105 || !rep.Truncated {
			t.Fatalf("shx %v: %d features, records %d, read %d, truncated %v", withSHX, len(fs), rep.Records, rep.Read, rep.Truncated)
		}
		if withSHX && rep.SHPRecords != 105 {
			t.Fatalf("the .shx knows 105 records, report says %d", rep.SHPRecords)
		}
		noGeom := 0
		for _, f := range fs {
			if f.Geometry == nil {
				noGeom++
				if !hasProblem(rep, int(f.ID), "corrupt") {
					t.Fatalf("shx %v: record %d has no geometry and no problem", withSHX, f.ID)
				}
				if f.Attrs["XZQMC"] == nil {
					t.Fatalf("record %d lost its attributes too", f.ID)
				}
			}
		}
		if noGeom < 20 || noGeom > 85 || rep.Lost != noGeom {
			t.Fatalf("shx %v: %d records without geometry, lost %d", withSHX, noGeom, rep.Lost)
		}
		if fs[0].Geometry == nil || fs[104].Geometry != nil {
			t.Fatal("the first record must survive and the last must not")
		}
	}
}

// A .shx shorter than the .shp (stale index) must not hide the records it does not list.
func TestShortSHXDoesNotHideRecords(t *testing.T) {
	lf := caseFiles(t, "c03_null_shape")
	lf.shx = lf.shx[:len(lf.shx)-8]
	fs, rep, err := readLayer(lf, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 3 || fs[2].Geometry == nil || rep.Lost != 0 || rep.Truncated || !hasProblem(rep, 0, "corrupt") {
		t.Fatalf("%d features, third %v, lost %d, problems %+v", len(fs), fs[2].Geometry, rep.Lost, rep.Problems)
	}
}

// Counts that disagree without truncation: the .dbf has fewer rows, then the .shp has fewer
// records. Nothing is dropped; the gaps are named.
func TestCountMismatch(t *testing.T) {
	lf := caseFiles(t, "c03_null_shape")
	h := int(binary.LittleEndian.Uint16(lf.dbf[8:10]))
	rl := int(binary.LittleEndian.Uint16(lf.dbf[10:12]))
	dbf := append([]byte(nil), lf.dbf[:h+2*rl]...)
	binary.LittleEndian.PutUint32(dbf[4:], 2)
	lf.dbf = dbf
	fs, rep, err := readLayer(lf, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 3 || fs[2].Geometry == nil || fs[2].Attrs["QKMC"] != nil || rep.Lost != 1 || rep.Truncated ||
		rep.SHPRecords != 3 || rep.DBFRecords != 2 || !hasProblem(rep, 0, "count-mismatch") {
		t.Fatalf("short .dbf: %d features, lost %d, truncated %v, %+v", len(fs), rep.Lost, rep.Truncated, rep.Problems)
	}

	lf = caseFiles(t, "c03_null_shape")
	end := 8 * 2 // end of record 2: offset + 8 + length, from the .shx
	off := int(binary.BigEndian.Uint32(lf.shx[100+end:])) * 2
	shp := append([]byte(nil), lf.shp[:off]...)
	binary.BigEndian.PutUint32(shp[24:], uint32(off/2))
	lf.shp, lf.shx = shp, lf.shx[:100+16]
	fs, rep, err = readLayer(lf, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 3 || fs[2].Geometry != nil || fs[2].Attrs["QKMC"] != "三号" || rep.Lost != 1 || rep.Truncated || !hasProblem(rep, 3, "missing-shape") {
		t.Fatalf("short .shp: %d features, lost %d, truncated %v, %+v", len(fs), rep.Lost, rep.Truncated, rep.Problems)
	}
}

// A .dbf header claiming rows neither file holds: they are counted as skipped and lost.
func TestDBFDeclaresRowsNoFileHolds(t *testing.T) {
	lf := caseFiles(t, "c03_null_shape")
	dbf := append([]byte(nil), lf.dbf...)
	binary.LittleEndian.PutUint32(dbf[4:], 10)
	lf.dbf = dbf
	fs, rep, err := readLayer(lf, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 3 || rep.Records != 10 || rep.Read != 3 || rep.Skipped != 7 || rep.Lost != 7 || !rep.Truncated {
		t.Fatalf("%d features, records %d, read %d, skipped %d, lost %d", len(fs), rep.Records, rep.Read, rep.Skipped, rep.Lost)
	}
}

func TestDeletedRowsListed(t *testing.T) {
	_, rep := readCase(t, "c04_dbf_values", "blocks.shp", ReadOptions{})
	d := problemsOf(rep, "deleted")
	if len(d) != 1 || d[0].Record != 3 || rep.Skipped != 1 || rep.Lost != 0 {
		t.Fatalf("deleted problems %+v, skipped %d, lost %d", d, rep.Skipped, rep.Lost)
	}
}

func TestZDroppedReported(t *testing.T) {
	_, rep := readCase(t, "c01_polygonz_no_m", "blocks_z.shp", ReadOptions{})
	z := problemsOf(rep, "z-dropped")
	if len(z) != 1 || z[0].Record != 0 || !strings.Contains(z[0].Message, "range 5..7") || strings.Contains(z[0].Message, "M values") {
		t.Fatalf("z-dropped: %+v", z)
	}
	_, rep = readCase(t, "c03_null_shape", "blocks.shp", ReadOptions{})
	if len(problemsOf(rep, "z-dropped")) != 0 {
		t.Fatal("a 2D file must not report dropped Z")
	}
}

func TestMeasureBlock(t *testing.T) {
	c := make([]byte, 16+8*3)
	for i, v := range []float64{-1e39, 2.5, -4} { // -1e39: M "no data"
		binary.LittleEndian.PutUint64(c[16+8*i:], mathBits(v))
	}
	m, end := measureBlock(c, 0, 3, true)
	if m.n != 2 || m.min != -4 || m.max != 2.5 || end != int64(len(c)) {
		t.Fatalf("M range %+v end %d", m, end)
	}
	if z, _ := measureBlock(c, 8, 3, false); z.n != 0 {
		t.Fatalf("a block running past the record must be ignored, got %+v", z)
	}
}

func writeZip(t *testing.T, members map[string]string) string {
	zp := filepath.Join(t.TempDir(), "layers.zip")
	zf, err := os.Create(zp)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(zf)
	for name, src := range members {
		w, _ := zw.Create(name)
		w.Write(mustRead(t, src))
	}
	zw.Close()
	zf.Close()
	return zp
}

func TestReadPathIsZip(t *testing.T) {
	one := map[string]string{}
	for _, e := range []string{"shp", "shx", "dbf", "prj", "cpg"} {
		one["data/blocks."+e] = "testdata/c07_cpg_936/blocks." + e
	}
	fs, rep, err := Read(writeZip(t, one), ReadOptions{})
	if err != nil || len(fs) != 1 || fs[0].Attrs["DLMC"] != "水田" || !strings.Contains(rep.File, "!data/blocks.shp") {
		t.Fatalf("one-layer zip: %v %+v", err, fs)
	}

	for _, e := range []string{"SHP", "SHX", "DBF", "PRJ"} {
		one["BLOCKS2."+e] = "testdata/c05_upper_case_ext/BLOCKS." + e
	}
	two := writeZip(t, one)
	_, _, err = Read(two, ReadOptions{})
	if err == nil || !strings.Contains(err.Error(), "data/blocks.shp") || !strings.Contains(err.Error(), "BLOCKS2.SHP") {
		t.Fatalf("two layers without Member: %v", err)
	}
	fs, _, err = Read(two, ReadOptions{Member: "blocks2"})
	if err != nil || len(fs) != 1 || fs[0].Attrs["QKMC"] != "大写扩展名" {
		t.Fatalf("Member blocks2: %v %+v", err, fs)
	}
	fs, _, err = Read(two, ReadOptions{Member: "data/blocks.shp"})
	if err != nil || fs[0].Attrs["DLMC"] != "水田" {
		t.Fatalf("Member with folder: %v", err)
	}
	if _, _, err = Read(two, ReadOptions{Member: "roads"}); err == nil || !strings.Contains(err.Error(), "roads") || !strings.Contains(err.Error(), "BLOCKS2.SHP") {
		t.Fatalf("unknown Member: %v", err)
	}
	if _, _, err = Read(filepath.Join(t.TempDir(), "none.zip"), ReadOptions{}); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Fatalf("missing zip: %v", err)
	}
}

func TestReadPathErrors(t *testing.T) {
	for _, c := range []struct{ path, want string }{
		{"testdata/c07_cpg_936/blocks.dbf", "got a .dbf: pass " + filepath.Join("testdata/c07_cpg_936", "blocks.shp")},
		{"testdata/c07_cpg_936/blocks.PRJ", "got a .prj"},
		{"testdata/c07_cpg_936", "is a folder: expected a .shp file (or .zip holding one), pass one of blocks.shp"},
		{"testdata/c07_cpg_936/nothere.shp", "no such file"},
		{"testdata/no_such_dir/blocks.shp", "no such folder"},
		{"loss_test.go", "expected a .shp file (or .zip holding one), got loss_test.go"},
	} {
		_, _, err := Read(c.path, ReadOptions{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.path, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), ".dbf.shp") {
			t.Errorf("%s: %v", c.path, err)
		}
	}
}

// writeGK writes one 0.01° square at lon, lat in the Gauss-Krüger CRS given.
func writeGK(t *testing.T, c crs.CRS, lon, lat float64) string {
	dir := t.TempDir()
	r := orb.Ring{{lon, lat}, {lon, lat + 0.01}, {lon + 0.01, lat + 0.01}, {lon + 0.01, lat}, {lon, lat}}
	f := plan.Feature{ID: 1, Geometry: orb.MultiPolygon{{r}}, Attrs: plan.Attrs{"QKMC": "甲"}}
	if err := Write(dir, "gk", []plan.Field{{Name: "QKMC", Type: plan.FieldText, Width: 20}}, []plan.Feature{f}, WriteOptions{CRS: c}); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "gk.shp")
}

func TestCRSMustFitCoordinates(t *testing.T) {
	zone38, _ := crs.GaussKruger(38, true) // CM 114°E
	p := writeGK(t, zone38, 114, 40)
	if fs, _, err := Read(p, ReadOptions{}); err != nil || len(fs) != 1 {
		t.Fatalf("zone 38 data read with its own .prj: %v", err)
	}
	// The tester's case: zone-38 eastings read as zone 28 would land near 150°E.
	_, _, err := Read(p, ReadOptions{SRS: "EPSG:4516"})
	if !errors.Is(err, ErrCRSMismatch) || !strings.Contains(err.Error(), "zone 28") || !strings.Contains(err.Error(), "carry zone 38") ||
		!strings.Contains(err.Error(), "--srs EPSG:4526") || !strings.Contains(err.Error(), "from --srs") {
		t.Fatalf("zone 38 as 4516: %v", err)
	}
	// The same mismatch in the .prj.
	zone28, _ := crs.GaussKruger(28, true)
	if err := os.WriteFile(strings.TrimSuffix(p, ".shp")+".prj", []byte(zone28.PRJ()), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Read(p, ReadOptions{}); !errors.Is(err, ErrCRSMismatch) || !strings.Contains(err.Error(), "from .prj") {
		t.Fatalf(".prj zone 28 on zone 38 eastings: %v", err)
	}

	for _, c := range []struct{ srs, want string }{
		// Prefixed eastings through a zone without prefix: every shape fails in PROJ.
		{"EPSG:4537", "every shape failed to reproject"},
		// Plane metres taken as degrees.
		{"EPSG:4490", "outside China"},
	} {
		_, _, err := Read("testdata/c09_gk_zone28/blocks.shp", ReadOptions{SRS: c.srs})
		if !errors.Is(err, ErrCRSMismatch) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "x 28421671.18..") ||
			!strings.Contains(err.Error(), "--srs EPSG:4516") {
			t.Errorf("c09 as %s: %v", c.srs, err)
		}
	}
	// Degrees read as a zone without prefix land near the equator.
	if _, _, err := Read("testdata/c07_cpg_936/blocks.shp", ReadOptions{SRS: "EPSG:4537"}); !errors.Is(err, ErrCRSMismatch) ||
		!strings.Contains(err.Error(), "--srs EPSG:4490") {
		t.Errorf("lon/lat as 4537: %v", err)
	}
	// And degrees as a prefixed zone fail the prefix check.
	if _, _, err := Read("testdata/c07_cpg_936/blocks.shp", ReadOptions{SRS: "EPSG:4516"}); !errors.Is(err, ErrCRSMismatch) ||
		!strings.Contains(err.Error(), "no zone prefix") {
		t.Errorf("lon/lat as 4516: %v", err)
	}
}

func mathBits(v float64) uint64 { return math.Float64bits(v) }

// One wild vertex (1e308) in one record is that record's fault, not the layer's CRS: the record
// loses its geometry, keeps its attributes, and is reported; the rest import.
func TestStrayRecordOutsideChina(t *testing.T) {
	fs, rep, err := Read("testdata/real/xj_prefectures_gbk.shp", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	fs[3].Geometry = append(fs[3].Geometry[:0:0], fs[3].Geometry...)
	fs[3].Geometry[0] = append(fs[3].Geometry[0][:0:0], fs[3].Geometry[0]...)
	fs[3].Geometry[0][0] = append(fs[3].Geometry[0][0][:0:0], fs[3].Geometry[0][0]...)
	fs[3].Geometry[0][0][2] = orb.Point{1e308, 44}
	dir := t.TempDir()
	if err := Write(dir, "stray", rep.Fields, fs, WriteOptions{Encoding: EncGBK}); err != nil {
		t.Fatal(err)
	}
	got, rep2, err := Read(filepath.Join(dir, "stray.shp"), ReadOptions{})
	if err != nil {
		t.Fatalf("one stray record refused the whole layer: %v", err)
	}
	if len(got) != 23 || len(got[3].Geometry) != 0 || got[3].Attrs.String("XZQMC") == "" || rep2.Lost != 1 {
		t.Fatalf("features %d, stray geometry %v, lost %d", len(got), got[3].Geometry, rep2.Lost)
	}
	found := false
	for _, p := range rep2.Problems {
		if p.Kind == "outside-china" && p.Record == 4 {
			found = !strings.Contains(p.Message, "0000000000")
		}
	}
	if !found {
		t.Fatalf("no readable outside-china problem for record 4: %+v", rep2.Problems)
	}
}
