package shapefile

import (
	"encoding/binary"
	"strings"
	"testing"
)

func caseFiles(t *testing.T, dir string) *layerFiles {
	return &layerFiles{name: dir, shp: mustRead(t, "testdata/"+dir+"/blocks.shp"), shx: mustRead(t, "testdata/"+dir+"/blocks.shx"),
		dbf: mustRead(t, "testdata/"+dir+"/blocks.dbf"), prj: mustRead(t, "testdata/"+dir+"/blocks.prj")}
}

func TestTruncatedSHP(t *testing.T) {
	lf := caseFiles(t, "c03_null_shape")
	lf.shp = lf.shp[:len(lf.shp)-20] // cut into record 3
	for _, shx := range [][]byte{lf.shx, nil} {
		lf.shx = shx
		fs, rep, err := readLayer(lf, ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) != 3 || fs[0].Geometry == nil || fs[2].Geometry != nil || fs[2].Attrs["QKMC"] != "三号" {
			t.Fatalf("shx=%v: %+v", shx != nil, fs)
		}
		if shx != nil && !hasProblem(rep, 0, "corrupt") {
			t.Fatalf("inconsistent .shx not reported: %+v", rep.Problems)
		}
		if shx == nil && !hasProblem(rep, 3, "corrupt") {
			t.Fatalf("record 3 not reported: %+v", rep.Problems)
		}
	}
}

func TestNonPolygonFileRefused(t *testing.T) {
	lf := caseFiles(t, "c07_cpg_936")
	shp := append([]byte(nil), lf.shp...)
	binary.LittleEndian.PutUint32(shp[32:], 3) // PolyLine
	lf.shp = shp
	_, _, err := readLayer(lf, ReadOptions{})
	if err == nil || !strings.Contains(err.Error(), "PolyLine") {
		t.Fatalf("err = %v", err)
	}
}

func TestDBFDeclaresMoreRecordsThanItHolds(t *testing.T) {
	lf := caseFiles(t, "c03_null_shape")
	dbf := append([]byte(nil), lf.dbf...)
	binary.LittleEndian.PutUint32(dbf[4:], 1_000_000_000)
	lf.dbf = dbf
	fs, rep, err := readLayer(lf, ReadOptions{})
	if err != nil || len(fs) != 3 || !hasProblem(rep, 0, "corrupt") {
		t.Fatalf("err %v, %d features, %+v", err, len(fs), rep)
	}
}

func TestNumberAsText(t *testing.T) {
	if v, k := numericValue(" 12,5 ", 2); v != "12,5" || k != valueNumberText {
		t.Fatalf("12,5 → %#v %s", v, k)
	}
	if v, _ := numericValue("9.0", 0); v != int64(9) {
		t.Fatalf("9.0 in an integer field → %#v", v)
	}
	if v, _ := numericValue("99999999999999999999", 0); v != 1e20 {
		t.Fatalf("overflow → %#v", v)
	}
	if v, k := dateValue("2021-3-5"); v != "2021-3-5" || k != valueBadDate {
		t.Fatalf("bad date → %#v", v)
	}
	if logicalValue("y") != "T" || logicalValue("?") != nil {
		t.Fatal("logical")
	}
}
