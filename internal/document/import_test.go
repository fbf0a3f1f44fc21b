package document

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"kuanggui/internal/plan"
	"kuanggui/internal/shapefile"
)

// writeShapefile writes a small county-like file: a valid block, a bow-tie (invalid), a block
// with a hole, values of every type and some missing.
func writeShapefile(t *testing.T, dir string) string {
	t.Helper()
	bowtie := orb.MultiPolygon{{{{80, 40}, {80.1, 40.1}, {80.1, 40}, {80, 40.1}, {80, 40}}}}
	holed := cell(82, 44, 30)
	holed[0] = append(holed[0], orb.Ring{{82.1, 44.1}, {82.1, 44.2}, {82.2, 44.2}, {82.2, 44.1}, {82.1, 44.1}})
	fields := []plan.Field{
		{Name: "QKBH", Type: plan.FieldText, Width: 20}, {Name: "MJ", Type: plan.FieldReal, Width: 18, Decimals: 6},
		{Name: "NUM", Type: plan.FieldInt, Width: 9}, {Name: "RQ", Type: plan.FieldDate},
		{Name: "NOTE", Type: plan.FieldText, Width: 40},
	}
	fs := []plan.Feature{
		{Geometry: cell(85, 45, 10), Attrs: plan.Attrs{"QKBH": "T6500001", "MJ": 12.5, "NUM": int64(7), "RQ": "2021-06-30", "NOTE": "阿勒泰地区"}},
		{Geometry: bowtie, Attrs: plan.Attrs{"QKBH": "T6500002", "MJ": 0.25, "NUM": int64(-3), "RQ": nil, "NOTE": ""}},
		{Geometry: holed, Attrs: plan.Attrs{"QKBH": "T6500003", "MJ": nil, "NUM": nil, "RQ": "2020-01-01", "NOTE": nil}},
	}
	if err := shapefile.Write(dir, "blocks", fields, fs, shapefile.WriteOptions{Encoding: "utf-8"}); err != nil {
		t.Fatal(err)
	}
	return dir + "/blocks.shp"
}

// After an import the in-memory layers hold exactly what a fresh Open reads from the file:
// IDs, geometry, every field (extra ones included) and its value's type.
func TestImportInMemoryEqualsReopen(t *testing.T) {
	d, path := newDoc(t)
	shp := writeShapefile(t, t.TempDir())
	ctx := context.Background()
	rep, err := d.Import(ctx, "kanchqk", shp, ImportOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var invalid []shapefile.Problem
	for _, p := range rep.Problems {
		if p.Kind == "invalid-geometry" {
			invalid = append(invalid, p)
		}
	}
	if len(invalid) != 1 || invalid[0].Record != 2 || !strings.HasPrefix(invalid[0].Message, "T6500002 几何无效：") {
		t.Fatalf("invalid-geometry problems %+v; want record 2 (the bow-tie) alone", invalid)
	}
	if _, err := d.Import(ctx, "cankao", shp, ImportOptions{}, nil); err != nil {
		t.Fatal(err)
	}
	// A second import into a layer that holds features: the layer is read back.
	if _, err := d.Import(ctx, "kanchqk", shp, ImportOptions{}, nil); err != nil {
		t.Fatal(err)
	}
	type layerState struct {
		fields   []plan.Field
		features []plan.Feature
	}
	snapshot := func(d *Document) map[string]layerState {
		out := map[string]layerState{}
		for _, table := range []string{"kanchqk", "cankao"} {
			l, ok := d.Layer(table)
			if !ok {
				t.Fatalf("no layer %s", table)
			}
			out[table] = layerState{append([]plan.Field(nil), l.Def.Fields...), append([]plan.Feature(nil), l.Features...)}
		}
		return out
	}
	before := snapshot(d)
	if n := len(before["kanchqk"].features); n != 6 {
		t.Fatalf("kanchqk holds %d features after two imports of 3", n)
	}
	if got := before["cankao"].features[0].Attrs; got["NUM"] != int64(7) || got["RQ"] != "2021-06-30" || got["MJ"] != 12.5 {
		t.Fatalf("first feature of the new layer: %v", got)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	d2, err := Open(path, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Close()
	after := snapshot(d2)
	for table, b := range before {
		a := after[table]
		// Names and types: a new layer keeps the file's widths in memory, which the table does
		// not record (reopened, it has none).
		if !reflect.DeepEqual(nameTypes(b.fields), nameTypes(a.fields)) {
			t.Errorf("%s fields in memory %+v\nreopened %+v", table, b.fields, a.fields)
		}
		if !reflect.DeepEqual(b.features, a.features) {
			t.Errorf("%s features in memory:\n%#v\nreopened:\n%#v", table, b.features, a.features)
		}
	}
}

func nameTypes(fs []plan.Field) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Name+":"+string(f.Type))
	}
	return out
}
