package shapefile

import (
	"fmt"
	"testing"

	"github.com/paulmach/orb"

	"kuanggui/internal/plan"
)

// BenchmarkReadCounties reads the 4.4 MB, 105-polygon county file (UTF-8, EPSG:4490).
func BenchmarkReadCounties(b *testing.B) {
	for b.Loop() {
		fs, _, err := Read("testdata/real/xj_counties_utf8.shp", ReadOptions{})
		if err != nil || len(fs) != 105 {
			b.Fatal(err, len(fs))
		}
	}
}

// BenchmarkWrite writes 10 000 one-cell blocks with the block fields, GBK.
func BenchmarkWrite(b *testing.B) {
	fields := []plan.Field{
		{Name: "QKBH", Type: plan.FieldText}, {Name: "QKMC", Type: plan.FieldText},
		{Name: "KZ", Type: plan.FieldText}, {Name: "MJ", Type: plan.FieldReal, Decimals: 4},
		{Name: "GHQ", Type: plan.FieldText},
	}
	feats := make([]plan.Feature, 10000)
	for i := range feats {
		x, y := 80+float64(i%100)/60, 40+float64(i/100)/60
		feats[i] = plan.Feature{ID: int64(i + 1),
			Geometry: orb.MultiPolygon{{orb.Ring{{x, y}, {x, y + 1.0/60}, {x + 1.0/60, y + 1.0/60}, {x + 1.0/60, y}, {x, y}}}},
			Attrs: plan.Attrs{"QKBH": fmt.Sprintf("T652300%05d", i), "QKMC": fmt.Sprintf("和田地区第%d号勘查区块", i),
				"KZ": "金矿", "MJ": 2.6335, "GHQ": "2021-2025"}}
	}
	dir := b.TempDir()
	for b.Loop() {
		if err := Write(dir, "kanchqk", fields, feats, WriteOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
