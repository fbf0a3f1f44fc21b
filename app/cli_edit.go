package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/paulmach/orb/geojson"

	"kuanggui/internal/crs"
	"kuanggui/internal/edit"
	"kuanggui/internal/plan"
)

func init() {
	commands["edit"] = command{"edit P.gpkg LAYER (--add FILE.geojson | --wkt WKT) [--set FIELD=VALUE ...] | --delete QKBH", "新增或删除区块 (add or delete a block)", cmdEdit}
	commands["undo"] = command{"undo P.gpkg", "撤销最近一步编辑", func(a []string) int { return cmdStep("undo", a) }}
	commands["redo"] = command{"redo P.gpkg", "重做被撤销的一步", func(a []string) int { return cmdStep("redo", a) }}
	commands["points"] = command{"points P.gpkg LAYER QKBH [--zone N [--no-prefix] | --dms]", "输出区块拐点坐标表", cmdPoints}
}

// multiFlag collects a flag given several times (--set A=1 --set B=2).
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func cmdEdit(args []string) int {
	fs := flag.NewFlagSet("edit", flag.ContinueOnError)
	add := fs.String("add", "", "GeoJSON file with the new block's polygon (EPSG:4490)")
	wktText := fs.String("wkt", "", "the new block's polygon as WKT (EPSG:4490)")
	del := fs.String("delete", "", "QKBH of the block to delete")
	var sets multiFlag
	fs.Var(&sets, "set", "FIELD=VALUE, repeatable")
	pos, ok := parseArgs("edit", fs, args, 2, 2)
	if !ok {
		return exitUsage
	}
	actions := 0
	for _, s := range []string{*add, *wktText, *del} {
		if s != "" {
			actions++
		}
	}
	if actions != 1 {
		fail("edit", "give exactly one of --add, --wkt, --delete\n用法: kuanggui %s", commands["edit"].usage)
		return exitUsage
	}
	d, ok := openDoc("edit", pos[0], false)
	if !ok {
		return exitUsage
	}
	defer d.Close()
	layer, ok := d.Layer(pos[1])
	if !ok {
		fail("edit", "%s: 没有图层 %q (no such layer; see `kuanggui layers`)", pos[0], pos[1])
		return exitUsage
	}
	if *del != "" {
		matches := d.FindByCode(pos[1], *del)
		if len(matches) == 0 {
			fail("edit", "%s: 图层 %s 中没有编号为 %s 的区块", pos[0], pos[1], *del)
			return exitUsage
		}
		if err := d.Apply(edit.Delete("删除区块 "+*del, pos[1], matches...)); err != nil {
			fail("edit", "%v", err)
			return exitUsage
		}
		fmt.Printf("已删除 %d 个区块 (%s)\n", len(matches), *del)
		return exitOK
	}
	var geom orb.MultiPolygon
	var err error
	if *add != "" {
		geom, err = readGeoJSONPolygon(*add)
	} else {
		geom, err = parseWKTPolygon(*wktText)
	}
	if err != nil {
		fail("edit", "%v", err)
		return exitUsage
	}
	attrs := plan.Attrs{}
	for _, s := range sets {
		name, value, found := strings.Cut(s, "=")
		if !found {
			fail("edit", "--set %q: 应为 FIELD=VALUE", s)
			return exitUsage
		}
		f, ok := layer.Def.Field(name)
		if !ok {
			fail("edit", "--set %s: 图层 %s 没有字段 %s", s, pos[1], name)
			return exitUsage
		}
		v, err := fieldValue(f, value)
		if err != nil {
			fail("edit", "--set %s: %v", s, err)
			return exitUsage
		}
		attrs[f.Name] = v
	}
	cmd := edit.Insert("新建区块", pos[1], plan.Feature{Geometry: geom, Attrs: attrs})
	if err := d.Apply(cmd); err != nil {
		fail("edit", "%v", err)
		return exitUsage
	}
	fmt.Printf("已新增区块 %s, 面积 %.4f 平方千米\n", attrs.String("QKBH"), crs.AreaKm2(geom))
	return exitOK
}

// fieldValue parses a typed-in value for field f.
func fieldValue(f plan.Field, s string) (any, error) {
	if s == "" {
		return nil, nil
	}
	switch f.Type {
	case plan.FieldInt:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s(%s) 需要整数", f.Label, f.Name)
		}
		return n, nil
	case plan.FieldReal:
		n, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("%s(%s) 需要数字", f.Label, f.Name)
		}
		return n, nil
	}
	return s, nil
}

func asMultiPolygon(g orb.Geometry, source string) (orb.MultiPolygon, error) {
	switch g := g.(type) {
	case orb.Polygon:
		return orb.MultiPolygon{g}, nil
	case orb.MultiPolygon:
		return g, nil
	case nil:
		return nil, fmt.Errorf("%s: 没有几何图形 (no geometry)", source)
	default:
		return nil, fmt.Errorf("%s: 需要面 (Polygon/MultiPolygon)，得到 %s", source, g.GeoJSONType())
	}
}

func parseWKTPolygon(s string) (orb.MultiPolygon, error) {
	g, err := wkt.Unmarshal(s)
	if err != nil {
		return nil, fmt.Errorf("--wkt: 无法解析 WKT: %v", err)
	}
	return asMultiPolygon(g, "--wkt")
}

func readGeoJSONPolygon(path string) (orb.MultiPolygon, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(data) > 64<<20 {
		return nil, fmt.Errorf("%s: 文件超过 64 MiB", path)
	}
	if fc, err := geojson.UnmarshalFeatureCollection(data); err == nil && len(fc.Features) > 0 {
		return asMultiPolygon(fc.Features[0].Geometry, path)
	}
	if f, err := geojson.UnmarshalFeature(data); err == nil && f.Geometry != nil {
		return asMultiPolygon(f.Geometry, path)
	}
	g, err := geojson.UnmarshalGeometry(data)
	if err != nil {
		return nil, fmt.Errorf("%s: 不是 GeoJSON: %v", path, err)
	}
	return asMultiPolygon(g.Geometry(), path)
}

func cmdStep(name string, args []string) int {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	pos, ok := parseArgs(name, fs, args, 1, 1)
	if !ok {
		return exitUsage
	}
	d, ok := openDoc(name, pos[0], false)
	if !ok {
		return exitUsage
	}
	defer d.Close()
	var label string
	var done bool
	var err error
	if name == "undo" {
		label, done, err = d.Undo()
	} else {
		label, done, err = d.Redo()
	}
	if err != nil {
		fail(name, "%v", err)
		return exitUsage
	}
	if !done {
		fmt.Println("没有可" + map[string]string{"undo": "撤销", "redo": "重做"}[name] + "的编辑")
		return exitOK
	}
	fmt.Printf("%s: %s\n", map[string]string{"undo": "已撤销", "redo": "已重做"}[name], label)
	return exitOK
}

func cmdPoints(args []string) int {
	fs := flag.NewFlagSet("points", flag.ContinueOnError)
	zone := fs.Int("zone", 0, "3° Gauss-Krüger zone (default: the zone of the block's centre)")
	noPrefix := fs.Bool("no-prefix", false, "write Y without the zone prefix")
	dms := fs.Bool("dms", false, "longitude and latitude in degrees, minutes, seconds")
	pos, ok := parseArgs("points", fs, args, 3, 3)
	if !ok {
		return exitUsage
	}
	d, ok := openDoc("points", pos[0], true)
	if !ok {
		return exitUsage
	}
	defer d.Close()
	matches := d.FindByCode(pos[1], pos[2])
	if len(matches) == 0 {
		fail("points", "%s: 图层 %s 中没有编号为 %s 的区块", pos[0], pos[1], pos[2])
		return exitUsage
	}
	f := matches[0]
	if len(f.Geometry) == 0 {
		fail("points", "区块 %s 没有几何图形", pos[2])
		return exitUsage
	}
	z := *zone
	if z == 0 {
		z = crs.ZoneOf(f.Geometry.Bound().Center().X())
	}
	pts, err := crs.TurningPoints(f.Geometry, z, !*noPrefix)
	if err != nil {
		fail("points", "%v", err)
		return exitUsage
	}
	fmt.Print(crs.FormatTurningPoints(pts, *dms))
	return exitOK
}
