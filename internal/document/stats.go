package document

import (
	"sort"

	"github.com/paulmach/orb/planar"

	"kuanggui/internal/crs"
	"kuanggui/internal/plan"
)

// StatRow is one line of a statistics table: a count and an area.
type StatRow struct {
	Key   string  `json:"key"`
	Name  string  `json:"name"`
	Count int     `json:"count"`
	Area  float64 `json:"area_km2"`
}

// StatTable is one table of the statistics: a block layer broken down one way.
type StatTable struct {
	Layer string    `json:"layer"`
	Title string    `json:"title"`
	By    string    `json:"by"` // "mineral_group", "mineral", "zone", "base", "region"
	Rows  []StatRow `json:"rows"`
	Total StatRow   `json:"total"`
}

// seedGroups are the mineral groups the provincial plan counts blocks by (煤炭 86, 铁矿 70, …).
var seedGroups = []struct{ name, mineral string }{
	{"煤炭", "煤"}, {"铁矿", "铁"}, {"锰矿", "锰"}, {"铜矿", "铜"}, {"金矿", "金"},
}

// Stats counts the blocks of each block layer and sums their areas by mineral (in the plan's
// groups and one by one), by zone (两环八带, 能源资源基地) and by administrative region.
func (d *Document) Stats() []StatTable {
	snap := d.Snapshot()
	var out []StatTable
	for _, def := range d.catalog.Layers {
		if def.Role != plan.RoleBlock {
			continue
		}
		blocks, ok := snap[def.Table]
		if !ok {
			continue
		}
		out = append(out,
			tally(def, "mineral_group", "按矿种（规划分类）", blocks, func(f plan.Feature) []StatRow {
				kz := f.Attrs.String("KZ")
				if kz == "" {
					// A block with no mineral yet is unfinished data, not 其他: keep it apart.
					return []StatRow{{Key: "", Name: "(未填)"}}
				}
				for _, g := range seedGroups {
					if kz == g.mineral {
						return []StatRow{{Key: g.mineral, Name: g.name}}
					}
				}
				return []StatRow{{Key: "其他", Name: "其他"}}
			}),
			tally(def, "mineral", "按矿种", blocks, func(f plan.Feature) []StatRow {
				kz := f.Attrs.String("KZ")
				if kz == "" {
					kz = "(未填)"
				}
				return []StatRow{{Key: kz, Name: kz}}
			}),
		)
		for _, zone := range []struct{ table, by, title string }{{"kfq", "zone", "按勘查开发区（两环八带）"}, {"nyzyjd", "base", "按能源资源基地"}} {
			zones := snap[zone.table]
			if len(zones) == 0 {
				continue
			}
			out = append(out, tally(def, zone.by, zone.title, blocks, func(f plan.Feature) []StatRow {
				return zonesOf(f, zones)
			}))
		}
		out = append(out, tally(def, "region", "按行政区", blocks, func(f plan.Feature) []StatRow {
			code := f.Attrs.String("XZQDM")
			if code == "" {
				return []StatRow{{Key: "", Name: "(未填)"}}
			}
			return []StatRow{{Key: code, Name: f.Attrs.String("XZQMC")}}
		}))
	}
	return out
}

// tally groups blocks by the keys classify gives; a block in two zones counts in both, and the
// total counts it once.
func tally(def plan.LayerDef, by, title string, blocks []plan.Feature, classify func(plan.Feature) []StatRow) StatTable {
	t := StatTable{Layer: def.Table, Title: def.Name + " " + title, By: by, Total: StatRow{Key: "合计", Name: "合计"}}
	rows := map[string]*StatRow{}
	var order []string
	for _, f := range blocks {
		area := blockArea(f)
		t.Total.Count++
		t.Total.Area += area
		for _, r := range classify(f) {
			row, ok := rows[r.Key]
			if !ok {
				row = &StatRow{Key: r.Key, Name: r.Name}
				rows[r.Key] = row
				order = append(order, r.Key)
			}
			row.Count++
			row.Area += area
		}
	}
	for _, k := range order {
		r := *rows[k]
		r.Area = round4(r.Area)
		t.Rows = append(t.Rows, r)
	}
	if by == "mineral_group" {
		rank := map[string]int{"其他": len(seedGroups), "": len(seedGroups) + 1}
		for i, g := range seedGroups {
			rank[g.mineral] = i
		}
		sort.SliceStable(t.Rows, func(i, j int) bool { return rank[t.Rows[i].Key] < rank[t.Rows[j].Key] })
	} else {
		sort.SliceStable(t.Rows, func(i, j int) bool {
			if t.Rows[i].Count != t.Rows[j].Count {
				return t.Rows[i].Count > t.Rows[j].Count
			}
			return t.Rows[i].Key < t.Rows[j].Key
		})
	}
	t.Total.Area = round4(t.Total.Area)
	return t
}

// blockArea is the block's recorded MJ, or its computed area when MJ is empty.
func blockArea(f plan.Feature) float64 {
	if v, ok := f.Attrs.Float("MJ"); ok {
		return v
	}
	if len(f.Geometry) == 0 {
		return 0
	}
	return crs.AreaKm2(f.Geometry)
}

func round4(v float64) float64 {
	if v < 0 {
		return -round4(-v)
	}
	return float64(int64(v*1e4+0.5)) / 1e4
}

// zonesOf names the zones that hold the block's centre point.
func zonesOf(f plan.Feature, zones []plan.Feature) []StatRow {
	if len(f.Geometry) == 0 {
		return []StatRow{{Key: "", Name: "(无图形)"}}
	}
	c, _ := planar.CentroidArea(f.Geometry)
	var out []StatRow
	for _, z := range zones {
		if len(z.Geometry) == 0 || !z.Geometry.Bound().Contains(c) {
			continue
		}
		if planar.MultiPolygonContains(z.Geometry, c) {
			out = append(out, StatRow{Key: z.Attrs.String("QYBH"), Name: z.Attrs.String("QYMC")})
		}
	}
	if len(out) == 0 {
		return []StatRow{{Key: "", Name: "(区外)"}}
	}
	return out
}
