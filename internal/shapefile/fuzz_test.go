package shapefile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kuanggui/internal/plan"
)

// fuzzLimits keep each fuzz input's allocations small whatever the bytes claim.
var fuzzLimits = Limits{MaxFileBytes: 1 << 20, MaxRecords: 2000, MaxPartsPerRecord: 2000, MaxPointsPerRecord: 50000, MaxFields: 64}

func mustRead(t testing.TB, p string) []byte {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var seedCases = []string{
	"c01_polygonz_no_m/blocks_z", "c02_corrupt_numparts/blocks", "c03_null_shape/blocks",
	"c04_dbf_values/blocks", "c05_upper_case_ext/BLOCKS", "c06_rings_a/rings_a", "c06_rings_b/rings_b",
	"c06_rings_d/rings_d", "c07_cpg_936/blocks", "c07_ldid_4d/blocks", "c08_gbk_looks_utf8/blocks",
	"c11_bowtie/blocks",
}

func ext(base, e string) string {
	if filepath.Base(base) == "BLOCKS" { // c05: upper-case extensions
		return base + "." + strings.ToUpper(e)
	}
	return base + "." + e
}

// FuzzReadSHP feeds arbitrary .shp bytes (with and without a matching .shx) next to a valid
// DBF: the reader must return features or an error, never panic.
func FuzzReadSHP(f *testing.F) {
	for _, c := range seedCases {
		f.Add(mustRead(f, ext("testdata/"+c, "shp")), mustRead(f, ext("testdata/"+c, "shx")))
	}
	dbf := mustRead(f, "testdata/c04_dbf_values/blocks.dbf")
	f.Fuzz(func(t *testing.T, shpData, shx []byte) {
		if len(shx) == 0 {
			shx = nil
		}
		lf := &layerFiles{name: "fuzz.shp", shp: shpData, shx: shx, dbf: dbf}
		fs, rep, err := readLayer(lf, ReadOptions{SRS: "EPSG:4490", Limits: fuzzLimits})
		if err != nil {
			return
		}
		checkCounts(t, fs, rep)
	})
}

// FuzzReadDBF feeds arbitrary .dbf bytes (and .cpg text) next to a valid .shp.
func FuzzReadDBF(f *testing.F) {
	for _, c := range seedCases {
		f.Add(mustRead(f, ext("testdata/"+c, "dbf")), "")
	}
	f.Add(mustRead(f, "testdata/c07_cpg_936/blocks.dbf"), "936")
	f.Add(mustRead(f, "testdata/real/xj_prefectures_gbk.dbf"), "CP936")
	shpData := mustRead(f, "testdata/c04_dbf_values/blocks.shp")
	shx := mustRead(f, "testdata/c04_dbf_values/blocks.shx")
	f.Fuzz(func(t *testing.T, dbf []byte, cpg string) {
		lf := &layerFiles{name: "fuzz.shp", shp: shpData, shx: shx, dbf: dbf, cpg: []byte(cpg)}
		fs, rep, err := readLayer(lf, ReadOptions{SRS: "EPSG:4490", Limits: fuzzLimits})
		if err != nil {
			return
		}
		checkCounts(t, fs, rep)
		for _, ft := range fs {
			for k, v := range ft.Attrs {
				if s, ok := v.(string); ok && !validText(s) {
					t.Fatalf("field %s: invalid UTF-8 or NUL %q handed on", k, s)
				}
			}
		}
	})
}

func validText(s string) bool {
	for _, r := range s {
		if r == 0 {
			return false
		}
	}
	return isValidUTF8(s)
}

// checkCounts holds the report's arithmetic to what was returned: the counts must add up
// whatever the bytes, or a caller testing Lost could be told nothing was lost when it was.
func checkCounts(t *testing.T, fs []plan.Feature, rep *Report) {
	t.Helper()
	if len(fs) != rep.Read || rep.Read+rep.Skipped != rep.Records || rep.Lost < 0 || rep.Lost > rep.Records ||
		rep.Records != max(rep.SHPRecords, rep.DBFRecords) {
		t.Fatalf("%d features; records %d (shp %d, dbf %d), read %d, skipped %d, lost %d",
			len(fs), rep.Records, rep.SHPRecords, rep.DBFRecords, rep.Read, rep.Skipped, rep.Lost)
	}
	noGeom := 0
	for _, f := range fs {
		if f.Geometry == nil {
			noGeom++
		}
	}
	if rep.Lost < rep.Records-rep.Read-countKind(rep, "deleted") {
		t.Fatalf("lost %d, but %d records were neither read nor deleted", rep.Lost, rep.Records-rep.Read-countKind(rep, "deleted"))
	}
	if noGeom > rep.Lost+countKind(rep, "null-shape") {
		t.Fatalf("%d features without geometry, only %d lost and %d null", noGeom, rep.Lost, countKind(rep, "null-shape"))
	}
}

func countKind(rep *Report, kind string) int {
	n := 0
	for _, p := range rep.Problems {
		if p.Kind == kind {
			n++
		}
	}
	return n
}
