package shapefile

import (
	"bytes"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"kuanggui/internal/crs"
	"kuanggui/internal/plan"
)

func square(x, y, s float64) orb.Ring {
	// counter-clockwise on purpose: Write must turn shells clockwise
	return orb.Ring{{x, y}, {x + s, y}, {x + s, y + s}, {x, y + s}, {x, y}}
}

func sampleLayer() ([]plan.Field, []plan.Feature) {
	fields := []plan.Field{
		{Name: "QKBH", Type: plan.FieldText, Width: 20},
		{Name: "QKMC", Type: plan.FieldText},
		{Name: "MJ", Type: plan.FieldReal, Width: 12, Decimals: 4},
		{Name: "SL", Type: plan.FieldInt},
		{Name: "RQ", Type: plan.FieldDate},
	}
	hole := square(85.004, 44.004, 0.002)
	feats := []plan.Feature{
		{ID: 1, Geometry: orb.MultiPolygon{{square(85, 44, 0.01), hole}},
			Attrs: plan.Attrs{"QKBH": "T652300001", "QKMC": "和田地区砂金勘查", "MJ": 1.2345, "SL": int64(7), "RQ": "2021-03-15"}},
		{ID: 2, Geometry: orb.MultiPolygon{{square(85.02, 44, 0.01)}, {square(85.04, 44, 0.01)}},
			Attrs: plan.Attrs{"QKBH": "T652300002", "QKMC": "乌鲁木齐", "MJ": nil, "SL": nil, "RQ": nil}},
		{ID: 3, Geometry: nil,
			Attrs: plan.Attrs{"QKBH": "T652300003", "QKMC": nil, "MJ": 0.5, "SL": int64(-3), "RQ": "2020-01-01"}},
	}
	return fields, feats
}

func TestWriteReadRoundTrip(t *testing.T) {
	for _, enc := range []string{"gbk", "utf-8", "gb18030"} {
		t.Run(enc, func(t *testing.T) {
			dir := t.TempDir()
			fields, feats := sampleLayer()
			if err := Write(dir, "kanchqk", fields, feats, WriteOptions{Encoding: enc}); err != nil {
				t.Fatal(err)
			}
			ents, _ := os.ReadDir(dir)
			var got []string
			for _, e := range ents {
				got = append(got, e.Name())
			}
			if strings.Join(got, ",") != "kanchqk.cpg,kanchqk.dbf,kanchqk.prj,kanchqk.shp,kanchqk.shx" {
				t.Fatalf("files = %v", got)
			}
			back, rep, err := Read(filepath.Join(dir, "kanchqk.shp"), ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Encoding != normalizeEncoding(enc) || rep.EncodingSource != SourceCPG {
				t.Fatalf("encoding %s/%s", rep.Encoding, rep.EncodingSource)
			}
			if len(back) != 3 {
				t.Fatalf("%d features", len(back))
			}
			for i := range feats {
				if !reflect.DeepEqual(back[i].Attrs, feats[i].Attrs) {
					t.Fatalf("feature %d attrs\n got %#v\nwant %#v", i+1, back[i].Attrs, feats[i].Attrs)
				}
			}
			if g := back[0].Geometry; len(g) != 1 || len(g[0]) != 2 || signedArea(g[0][0]) >= 0 || signedArea(g[0][1]) <= 0 {
				t.Fatalf("feature 1 geometry %v", g)
			}
			if g := back[1].Geometry; len(g) != 2 {
				t.Fatalf("feature 2 geometry %v", g)
			}
			if back[2].Geometry != nil || !hasProblem(rep, 3, "null-shape") {
				t.Fatalf("feature 3 must come back as a null shape")
			}
			if !boundNear(rep.Extent, orb.Bound{Min: orb.Point{85, 44}, Max: orb.Point{85.05, 44.01}}, 1e-12) {
				t.Fatalf("extent %v", rep.Extent)
			}
			for _, p := range rep.Problems {
				if p.Kind != "null-shape" {
					t.Fatalf("unexpected problem %+v", p)
				}
			}
			wantTypes := []plan.FieldType{plan.FieldText, plan.FieldText, plan.FieldReal, plan.FieldInt, plan.FieldDate}
			for i, f := range rep.Fields {
				if f.Type != wantTypes[i] || f.Name != fields[i].Name {
					t.Fatalf("field %d = %+v", i, f)
				}
			}
		})
	}
}

func TestWriteHeaderAndSidecars(t *testing.T) {
	dir := t.TempDir()
	fields, feats := sampleLayer()
	if err := Write(dir, "k", fields, feats, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	cpg, _ := os.ReadFile(filepath.Join(dir, "k.cpg"))
	dbf, _ := os.ReadFile(filepath.Join(dir, "k.dbf"))
	if string(cpg) != "936" || dbf[29] != 0x4D {
		t.Fatalf("gbk: cpg %q ldid %#x", cpg, dbf[29])
	}
	shpData, _ := os.ReadFile(filepath.Join(dir, "k.shp"))
	if b := headerBound(shpData); !boundNear(b, orb.Bound{Min: orb.Point{85, 44}, Max: orb.Point{85.05, 44.01}}, 1e-12) {
		t.Fatalf("header bbox %v must ignore the null shape", b)
	}
	// the DBF for GBK holds GBK bytes of 乌鲁木齐
	if !bytes.Contains(dbf, []byte{0xce, 0xda, 0xc2, 0xb3, 0xc4, 0xbe, 0xc6, 0xeb}) {
		t.Fatal("乌鲁木齐 not GBK-encoded in the DBF")
	}
	// NULL numbers are '*'-filled, NULL dates zeros
	if !bytes.Contains(dbf, []byte("************")) || !bytes.Contains(dbf, []byte("00000000")) {
		t.Fatal("NULL encoding")
	}
	if err := Write(dir, "u", fields, feats, WriteOptions{Encoding: "utf-8"}); err != nil {
		t.Fatal(err)
	}
	cpg, _ = os.ReadFile(filepath.Join(dir, "u.cpg"))
	dbf, _ = os.ReadFile(filepath.Join(dir, "u.dbf"))
	if string(cpg) != "UTF-8" || dbf[29] != 0 {
		t.Fatalf("utf-8: cpg %q ldid %#x", cpg, dbf[29])
	}
	prj, _ := os.ReadFile(filepath.Join(dir, "u.prj"))
	if string(prj) != crs.Geographic().PRJ() {
		t.Fatalf("prj %s", prj)
	}
}

func TestWriteRareCharacterNeedsGB18030(t *testing.T) {
	dir := t.TempDir()
	fields, feats := sampleLayer()
	feats[1].Attrs["QKMC"] = "𠮷矿区"
	err := Write(dir, "kanchqk", fields, feats, WriteOptions{Encoding: "gbk"})
	if err == nil {
		t.Fatal("a character outside GBK must be an error")
	}
	for _, want := range []string{"kanchqk", "T652300002", "QKMC", "GB18030"} {
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("error %q does not name %s", err, want)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("a failed write left files: %v", ents)
	}
	if err := Write(dir, "kanchqk", fields, feats, WriteOptions{Encoding: "gb18030"}); err != nil {
		t.Fatal(err)
	}
	back, _, err := Read(filepath.Join(dir, "kanchqk.shp"), ReadOptions{})
	if err != nil || back[1].Attrs["QKMC"] != "𠮷矿区" {
		t.Fatalf("gb18030 round trip: %v %v", err, back[1].Attrs["QKMC"])
	}
}

func TestFieldNamesCutOnCharacterBoundary(t *testing.T) {
	we, _ := writeEncodingFor("utf-8")
	fields := []plan.Field{{Name: "区块名称长"}, {Name: "区块名称短"}, {Name: "ABCDEFGHIJKL"}, {Name: "abcdefghijXY"}}
	got, err := dbfFieldNames("l", fields, we)
	if err != nil {
		t.Fatal(err)
	}
	// 3 bytes per Han character in UTF-8: three fit in 10 bytes; the second collides and
	// gets a suffix, cut on a character boundary again.
	want := []string{"区块名", "区块_2", "ABCDEFGHIJ", "abcdefgh_2"}
	for i := range want {
		if string(got[i]) != want[i] {
			t.Fatalf("name %d = %q, want %q", i, got[i], want[i])
		}
	}
	gbk, _ := writeEncodingFor("gbk")
	got, _ = dbfFieldNames("l", fields[:1], gbk)
	if len(got[0]) != 10 {
		t.Fatalf("GBK: 5 characters = 10 bytes, got %d", len(got[0]))
	}
}

func TestWriteGaussKruger(t *testing.T) {
	dir := t.TempDir()
	gk, err := crs.GaussKruger(28, true)
	if err != nil {
		t.Fatal(err)
	}
	lon, lat := 83+48.281/3600, 44+35.0/60+59.917/3600
	feats := []plan.Feature{{ID: 1, Geometry: orb.MultiPolygon{{square(lon, lat, 0.01)}}, Attrs: plan.Attrs{"QKBH": "C1"}}}
	if err := Write(dir, "gk", []plan.Field{{Name: "QKBH"}}, feats, WriteOptions{CRS: gk}); err != nil {
		t.Fatal(err)
	}
	shpData, _ := os.ReadFile(filepath.Join(dir, "gk.shp"))
	// DESIGN §5 test vector: X (northing) 4940964.21, Y (easting) 28421671.18
	// first point of the first record: 100 header + 8 record header + 4 type + 32 box + 8 counts + 4 part
	x, y := leFloat(shpData[156:]), leFloat(shpData[164:])
	if math.Abs(x-28421671.18) > 0.01 || math.Abs(y-4940964.21) > 0.01 {
		t.Fatalf("GK corner = %.2f %.2f", x, y)
	}
	back, rep, err := Read(filepath.Join(dir, "gk.shp"), ReadOptions{})
	if err != nil || !strings.Contains(rep.CRS, "4516") {
		t.Fatalf("%v %s", err, rep.CRS)
	}
	p := back[0].Geometry[0][0][0]
	if math.Abs(p[0]-lon) > 1e-8 || math.Abs(p[1]-lat) > 1e-8 {
		t.Fatalf("round trip %v", p)
	}
}

func TestGDALReadsWhatWeWrite(t *testing.T) {
	if _, err := exec.LookPath("ogrinfo"); err != nil {
		t.Skip("ogrinfo not installed")
	}
	for _, enc := range []string{"gbk", "utf-8"} {
		dir := t.TempDir()
		fields, feats := sampleLayer()
		if err := Write(dir, "kanchqk", fields, feats, WriteOptions{Encoding: enc}); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("ogrinfo", "-al", "-so", filepath.Join(dir, "kanchqk.shp")).CombinedOutput()
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		s := string(out)
		for _, want := range []string{"Feature Count: 3", "China Geodetic Coordinate System 2000", "MJ: Real (12.4)", "RQ: Date"} {
			if !strings.Contains(s, want) {
				t.Fatalf("%s: ogrinfo -so lacks %q:\n%s", enc, want, s)
			}
		}
		out, err = exec.Command("ogrinfo", "-al", "-q", filepath.Join(dir, "kanchqk.shp")).CombinedOutput()
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		s = string(out)
		for _, want := range []string{"QKMC (String) = 和田地区砂金勘查", "QKMC (String) = 乌鲁木齐", "MJ (Real) = (null)", "RQ (Date) = 2021/03/15", "SL (Integer) = -3", "SL (Integer) = (null)", "RQ (Date) = (null)",
			"POLYGON ((85 44,85.0 44.01,85.01 44.01,85.01 44.0,85 44),(85.004 44.004,85.006 44.004,85.006 44.006,85.004 44.006,85.004 44.004))"} {
			if !strings.Contains(s, want) {
				t.Fatalf("%s: ogrinfo lacks %q:\n%s", enc, want, s)
			}
		}
	}
}

func TestWeReadWhatGDALWrites(t *testing.T) {
	if _, err := exec.LookPath("ogr2ogr"); err != nil {
		t.Skip("ogr2ogr not installed")
	}
	for _, enc := range []string{"CP936", "UTF-8"} {
		dir := t.TempDir()
		out := filepath.Join(dir, "pref.shp")
		if b, err := exec.Command("ogr2ogr", "-f", "ESRI Shapefile", "-lco", "ENCODING="+enc, out, "testdata/real/xj_prefectures_gbk.shp").CombinedOutput(); err != nil {
			t.Fatalf("%v\n%s", err, b)
		}
		fs, rep, err := Read(out, ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) != 23 || !strings.Contains(strings.Join(names(fs, "XZQMC"), ","), "和田地区") {
			t.Fatalf("%s: %d features %v (%s)", enc, len(fs), names(fs, "XZQMC"), rep.Encoding)
		}
	}
}
