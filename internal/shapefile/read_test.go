package shapefile

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"kuanggui/internal/crs"
	"kuanggui/internal/plan"
)

func readCase(t *testing.T, dir, file string, opt ReadOptions) ([]plan.Feature, *Report) {
	t.Helper()
	fs, rep, err := Read(filepath.Join("testdata", dir, file), opt)
	if err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
	return fs, rep
}

func hasProblem(rep *Report, rec int, kind string) bool {
	for _, p := range rep.Problems {
		if p.Record == rec && p.Kind == kind {
			return true
		}
	}
	return false
}

func names(fs []plan.Feature, field string) []string {
	var s []string
	for _, f := range fs {
		s = append(s, f.Attrs.String(field))
	}
	return s
}

func TestC01PolygonZWithoutM(t *testing.T) {
	fs, _ := readCase(t, "c01_polygonz_no_m", "blocks_z.shp", ReadOptions{})
	if got := strings.Join(names(fs, "QKMC"), ","); got != "甲,乙" {
		t.Fatalf("names = %s, want 甲,乙", got)
	}
	for _, f := range fs {
		if len(f.Geometry) != 1 || len(f.Geometry[0][0]) != 5 {
			t.Fatalf("%v: geometry %v", f.Attrs["QKMC"], f.Geometry)
		}
	}
	if b := fs[1].Geometry.Bound(); math.Abs(b.Min[0]-85.02) > 1e-12 || math.Abs(b.Max[1]-44.01) > 1e-12 {
		t.Fatalf("乙 bound = %v", b)
	}
}

func TestC02CorruptNumParts(t *testing.T) {
	fs, rep := readCase(t, "c02_corrupt_numparts", "blocks.shp", ReadOptions{})
	if len(fs) != 2 {
		t.Fatalf("features = %d, want 2 (the bad one kept without geometry)", len(fs))
	}
	if !hasProblem(rep, 1, "corrupt") {
		t.Fatalf("record 1 not reported corrupt: %+v", rep.Problems)
	}
	if fs[0].Geometry != nil {
		t.Fatalf("corrupt record has geometry %v", fs[0].Geometry)
	}
	if fs[1].Attrs["QKMC"] != "好记录" || len(fs[1].Geometry) != 1 {
		t.Fatalf("record 2 = %+v", fs[1])
	}
}

func TestC03NullShape(t *testing.T) {
	fs, rep := readCase(t, "c03_null_shape", "blocks.shp", ReadOptions{})
	if len(fs) != 3 || fs[1].Attrs["QKMC"] != "无图形" || fs[1].Geometry != nil {
		t.Fatalf("features = %+v", fs)
	}
	if !hasProblem(rep, 2, "null-shape") {
		t.Fatalf("null shape not reported: %+v", rep.Problems)
	}
	want := orb.Bound{Min: orb.Point{85, 44}, Max: orb.Point{85.03, 44.01}}
	if !boundNear(rep.Extent, want, 1e-12) {
		t.Fatalf("extent = %v, want %v", rep.Extent, want)
	}
}

func boundNear(a, b orb.Bound, eps float64) bool {
	return math.Abs(a.Min[0]-b.Min[0]) < eps && math.Abs(a.Min[1]-b.Min[1]) < eps &&
		math.Abs(a.Max[0]-b.Max[0]) < eps && math.Abs(a.Max[1]-b.Max[1]) < eps
}

func TestC04DBFValues(t *testing.T) {
	fs, rep := readCase(t, "c04_dbf_values", "blocks.shp", ReadOptions{})
	if got := strings.Join(names(fs, "QKMC"), ","); got != "正常,空值,尾部补零" {
		t.Fatalf("names = %s", got)
	}
	if rep.Skipped != 1 || rep.Records != 4 || rep.Read != 3 {
		t.Fatalf("records/read/skipped = %d/%d/%d", rep.Records, rep.Read, rep.Skipped)
	}
	n := fs[0].Attrs
	if n["MJ"] != 1.2345 || n["SL"] != int64(7) || n["RQ"] != "2021-03-15" {
		t.Fatalf("正常 = %#v", n)
	}
	for _, f := range fs[1:] {
		for _, k := range []string{"MJ", "SL", "RQ"} {
			if f.Attrs[k] != nil {
				t.Fatalf("%s.%s = %#v, want NULL", f.Attrs["QKMC"], k, f.Attrs[k])
			}
		}
	}
	for _, f := range fs {
		for k, v := range f.Attrs {
			if s, ok := v.(string); ok && strings.ContainsRune(s, 0) {
				t.Fatalf("%s has a NUL byte: %q", k, s)
			}
		}
	}
	want := map[string]plan.FieldType{"QKMC": plan.FieldText, "MJ": plan.FieldReal, "SL": plan.FieldInt, "RQ": plan.FieldDate}
	for _, f := range rep.Fields {
		if want[f.Name] != f.Type {
			t.Fatalf("field %s type %s", f.Name, f.Type)
		}
	}
	if rep.Fields[1].Width != 12 || rep.Fields[1].Decimals != 4 {
		t.Fatalf("MJ = %+v", rep.Fields[1])
	}
}

func TestC05UpperCaseExtensions(t *testing.T) {
	for _, p := range []string{"BLOCKS.SHP", "blocks.shp", "BLOCKS"} {
		fs, rep := readCase(t, "c05_upper_case_ext", p, ReadOptions{})
		if len(fs) != 1 || fs[0].Attrs["QKMC"] != "大写扩展名" || len(fs[0].Geometry) != 1 {
			t.Fatalf("%s: %+v", p, fs)
		}
		if !strings.Contains(rep.CRS, "4490") {
			t.Fatalf("CRS = %s", rep.CRS)
		}
	}
}

func TestC06Rings(t *testing.T) {
	for _, c := range []string{"a", "b"} {
		fs, rep := readCase(t, "c06_rings_"+c, "rings_"+c+".shp", ReadOptions{})
		g := fs[0].Geometry
		if len(g) != 1 || len(g[0]) != 2 {
			t.Fatalf("rings_%s: want one polygon with one hole, got %v", c, g)
		}
		if a := planar.Area(g); math.Abs(a-96e-6) > 1e-12 {
			t.Fatalf("rings_%s: area %g, want 96e-6", c, a)
		}
		if b := g[0][0].Bound(); !boundNear(b, orb.Bound{Min: orb.Point{85, 44}, Max: orb.Point{85.01, 44.01}}, 1e-12) {
			t.Fatalf("rings_%s: shell %v", c, b)
		}
		if signedArea(g[0][0]) >= 0 || signedArea(g[0][1]) <= 0 {
			t.Fatalf("rings_%s: shell must be clockwise and hole counter-clockwise", c)
		}
		if got := hasProblem(rep, 1, "orientation"); got != (c == "b") {
			t.Fatalf("rings_%s: orientation reported = %v: %+v", c, got, rep.Problems)
		}
	}
	fs, _ := readCase(t, "c06_rings_d", "rings_d.shp", ReadOptions{})
	g := fs[0].Geometry
	if len(g) != 2 {
		t.Fatalf("rings_d: %d parts, want 2", len(g))
	}
	var withHole orb.Polygon
	for _, p := range g {
		if len(p) == 2 {
			withHole = p
		} else if len(p) != 1 {
			t.Fatalf("rings_d: part with %d rings", len(p))
		}
	}
	if withHole == nil || math.Abs(withHole.Bound().Min[0]-85.02) > 1e-12 {
		t.Fatalf("rings_d: the hole must be in the second square: %v", g)
	}
}

func TestC07Encodings(t *testing.T) {
	fs, rep := readCase(t, "c07_cpg_936", "blocks.shp", ReadOptions{})
	if fs[0].Attrs["DLMC"] != "水田" || rep.EncodingSource != SourceCPG || rep.Encoding != EncGBK {
		t.Fatalf("cpg 936: %v via %s/%s", fs[0].Attrs["DLMC"], rep.Encoding, rep.EncodingSource)
	}
	fs, rep = readCase(t, "c07_ldid_4d", "blocks.shp", ReadOptions{})
	if fs[0].Attrs["DLMC"] != "水田" || rep.EncodingSource != SourceLDID || rep.Encoding != EncGBK {
		t.Fatalf("ldid 0x4D: %v via %s/%s", fs[0].Attrs["DLMC"], rep.Encoding, rep.EncodingSource)
	}
}

func TestC08DetectPerFile(t *testing.T) {
	fs, rep := readCase(t, "c08_gbk_looks_utf8", "blocks.shp", ReadOptions{})
	if got := strings.Join(names(fs, "DLMC"), ","); got != "农业,水田,路" {
		t.Fatalf("DLMC = %s (encoding %s/%s)", got, rep.Encoding, rep.EncodingSource)
	}
	if rep.EncodingSource != SourceDetected {
		t.Fatalf("source = %s", rep.EncodingSource)
	}
	// The user can force the wrong answer, and gets replacement characters reported, never
	// invalid UTF-8.
	fs, rep = readCase(t, "c08_gbk_looks_utf8", "blocks.shp", ReadOptions{Encoding: "UTF-8"})
	if fs[0].Attrs["DLMC"] != "ũҵ" || !strings.ContainsRune(fs[1].Attrs.String("DLMC"), '\uFFFD') || !hasProblem(rep, 2, "encoding") {
		t.Fatalf("forced utf-8: %v %+v", names(fs, "DLMC"), rep.Problems)
	}
}

func TestC09GaussKruger(t *testing.T) {
	fs, rep := readCase(t, "c09_gk_zone28", "blocks.shp", ReadOptions{})
	if !strings.Contains(rep.CRS, "4516") {
		t.Fatalf("CRS = %s, want EPSG:4516", rep.CRS)
	}
	r := fs[0].Geometry[0][0]
	p := r[0]
	lon, lat := 83+0.0/60+48.281/3600, 44+35.0/60+59.917/3600
	tol := 0.001 / 3600
	if math.Abs(p[0]-lon) > tol || math.Abs(p[1]-lat) > tol {
		t.Fatalf("first corner %s %s, want 83°00'48.281\" 44°35'59.917\"", crs.FormatDMS(p[0], 3), crs.FormatDMS(p[1], 3))
	}
}

func TestC11BowtieImported(t *testing.T) {
	fs, _ := readCase(t, "c11_bowtie", "blocks.shp", ReadOptions{})
	if len(fs) != 1 || fs[0].Attrs["QKMC"] != "蝴蝶形" || len(fs[0].Geometry) != 1 || len(fs[0].Geometry[0][0]) != 5 {
		t.Fatalf("bowtie = %+v", fs)
	}
}

func TestRealPrefecturesGBK(t *testing.T) {
	fs, rep := readCase(t, "real", "xj_prefectures_gbk.shp", ReadOptions{})
	if len(fs) != 23 || rep.Encoding != EncGBK || rep.EncodingSource != SourceCPG {
		t.Fatalf("%d features, encoding %s/%s", len(fs), rep.Encoding, rep.EncodingSource)
	}
	found := false
	for _, f := range fs {
		if f.Attrs["XZQMC"] == "和田地区" {
			found = f.Attrs["XZQDM"] == "653200" && len(f.Geometry) > 0
		}
	}
	if !found {
		t.Fatalf("和田地区 653200 missing: %v", names(fs, "XZQMC"))
	}
	want := orb.Bound{Min: orb.Point{73.50, 34.33}, Max: orb.Point{96.39, 49.18}}
	if !boundNear(rep.Extent, want, 0.01) {
		t.Fatalf("extent %v", rep.Extent)
	}
}

func TestRealCountiesUTF8(t *testing.T) {
	fs, rep := readCase(t, "real", "xj_counties_utf8.shp", ReadOptions{})
	if len(fs) != 105 || rep.Encoding != EncUTF8 || rep.EncodingSource != SourceCPG {
		t.Fatalf("%d features, encoding %s/%s", len(fs), rep.Encoding, rep.EncodingSource)
	}
	for _, f := range fs {
		if len(f.Geometry) == 0 {
			t.Fatalf("county %v without geometry", f.Attrs)
		}
	}
	if n := names(fs, "XZQMC"); !strings.Contains(strings.Join(n, ","), "和田") {
		t.Fatalf("names %v", n)
	}
}

func TestUnknownCRSNamesSRS(t *testing.T) {
	dir := t.TempDir()
	for _, e := range []string{"shp", "shx", "dbf"} {
		b, _ := os.ReadFile(filepath.Join("testdata/c07_cpg_936/blocks." + e))
		os.WriteFile(filepath.Join(dir, "x."+e), b, 0o644)
	}
	os.WriteFile(filepath.Join(dir, "x.prj"), []byte(`PROJCS["Mystery",GEOGCS["GCS_Mars"]]`), 0o644)
	_, _, err := Read(filepath.Join(dir, "x.shp"), ReadOptions{})
	if !errors.Is(err, crs.ErrUnknownCRS) || !strings.Contains(err.Error(), "--srs") {
		t.Fatalf("err = %v", err)
	}
	fs, rep, err := Read(filepath.Join(dir, "x.shp"), ReadOptions{SRS: "EPSG:4490"})
	if err != nil || len(fs) != 1 || rep.CRS == "" {
		t.Fatalf("with --srs: %v", err)
	}
}

func TestMissingDBF(t *testing.T) {
	dir := t.TempDir()
	b, _ := os.ReadFile("testdata/c07_cpg_936/blocks.shp")
	os.WriteFile(filepath.Join(dir, "x.shp"), b, 0o644)
	if _, _, err := Read(filepath.Join(dir, "x.shp"), ReadOptions{}); err == nil || !strings.Contains(err.Error(), ".dbf") {
		t.Fatalf("err = %v", err)
	}
	if _, _, err := Read(filepath.Join(dir, "nothere.shp"), ReadOptions{}); err == nil {
		t.Fatal("missing .shp must fail")
	}
}

func TestLimits(t *testing.T) {
	_, _, err := Read("testdata/real/xj_counties_utf8.shp", ReadOptions{Limits: Limits{MaxFileBytes: 1 << 20}})
	if !errors.Is(err, ErrLimit) {
		t.Fatalf("file size limit: %v", err)
	}
	_, _, err = Read("testdata/real/xj_counties_utf8.shp", ReadOptions{Limits: Limits{MaxRecords: 10}})
	if !errors.Is(err, ErrLimit) {
		t.Fatalf("record limit: %v", err)
	}
	fs, rep, err := Read("testdata/real/xj_counties_utf8.shp", ReadOptions{Limits: Limits{MaxPointsPerRecord: 100}})
	if err != nil || len(fs) != 105 || !hasProblem(rep, 1, "corrupt") {
		t.Fatalf("point limit: err %v, %d features", err, len(fs))
	}
}
