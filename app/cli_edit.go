package main

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/paulmach/orb/geojson"

	"kuanggui/internal/crs"
	"kuanggui/internal/document"
	"kuanggui/internal/edit"
	"kuanggui/internal/plan"
)

func init() {
	commands["edit"] = command{"edit P.gpkg LAYER (--add FILE.geojson | --wkt WKT | --update QKBH | --fid N) [--set FIELD=VALUE ...] | --delete QKBH",
		"新增、修改属性或删除区块 (add a block, set attributes of one, delete one)", cmdEdit}
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
	update := fs.String("update", "", "QKBH of the block whose attributes --set changes")
	fid := fs.Int64("fid", 0, "feature id of the block to change (--set) or, with --delete-fid, delete; for blocks without a QKBH")
	delFID := fs.Bool("delete-fid", false, "delete the block given by --fid")
	var sets multiFlag
	fs.Var(&sets, "set", "FIELD=VALUE, repeatable")
	pos, ok := parseArgs("edit", fs, args, 2, 2)
	if !ok {
		return exitUsage
	}
	actions := 0
	for _, s := range []string{*add, *wktText, *del, *update} {
		if s != "" {
			actions++
		}
	}
	if *fid != 0 {
		actions++
	}
	if actions != 1 {
		fail("edit", "give exactly one of --add, --wkt, --update, --fid, --delete\n用法: kuanggui %s", commands["edit"].usage)
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
		if len(matches) > 1 {
			var ids []string
			for _, m := range matches {
				ids = append(ids, fmt.Sprint(m.ID))
			}
			fail("edit", "%s: 图层 %s 中有 %d 个区块编号为 %s（要素 %s）；用 --fid N --delete-fid 删除其一", pos[0], pos[1], len(matches), *del, strings.Join(ids, "、"))
			return exitUsage
		}
		if err := d.Apply(edit.Delete("删除区块 "+*del, pos[1], matches...)); err != nil {
			fail("edit", "%v", err)
			return exitUsage
		}
		fmt.Printf("已删除 %d 个区块 (%s)\n", len(matches), *del)
		return exitOK
	}
	if *update != "" || *fid != 0 {
		return editExisting(d, pos[0], layer, *update, *fid, *delFID, sets)
	}
	var geom orb.MultiPolygon
	var props map[string]any
	var err error
	if *add != "" {
		geom, props, err = readGeoJSONPolygon(*add)
	} else {
		geom, err = parseWKTPolygon(*wktText)
	}
	if err == nil {
		err = checkBlockGeometry(geom)
	}
	if err != nil {
		fail("edit", "%v", err)
		return exitUsage
	}
	attrs := plan.Attrs{}
	// Properties of a GeoJSON feature fill the fields they name; --set overrides them.
	var dropped []string
	for name, v := range props {
		f, ok := layer.Def.Field(name)
		if !ok {
			dropped = append(dropped, name)
			continue
		}
		if v == nil {
			continue
		}
		text, err := propertyText(v)
		if err != nil {
			fail("edit", "%s: 属性 %s: %v", *add, name, err)
			return exitUsage
		}
		val, err := fieldValue(f, text)
		if err != nil {
			fail("edit", "%s: 属性 %s: %v", *add, name, err)
			return exitUsage
		}
		if f.Computed {
			continue
		}
		attrs[f.Name] = val
	}
	if len(dropped) > 0 {
		sort.Strings(dropped)
		fmt.Fprintf(os.Stderr, "kuanggui edit: 注意：图层 %s 没有字段 %s，这些属性未保存\n", pos[1], strings.Join(dropped, "、"))
	}
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
	if code := attrs.String("QKBH"); code != "" && len(d.FindByCode(pos[1], code)) > 0 {
		fail("edit", "区块编号 %s 已存在于图层 %s，编号必须唯一 (QKBH must be unique)", code, pos[1])
		return exitUsage
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

// propertyText turns a GeoJSON property into the text a field parses: numbers without an
// exponent (650000103, not 6.50000103e+08), strings as they are; objects and arrays have no
// field to go in.
func propertyText(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case bool:
		if x {
			return "是", nil
		}
		return "否", nil
	}
	return "", fmt.Errorf("值 %v 是对象或数组，不能存入字段 (objects and arrays are not field values)", v)
}

// readGeoJSONPolygon reads the first feature of a GeoJSON file (or a bare geometry) and its
// properties.
func readGeoJSONPolygon(path string) (orb.MultiPolygon, map[string]any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	if len(data) > 64<<20 {
		return nil, nil, fmt.Errorf("%s: 文件超过 64 MiB", path)
	}
	// GeoJSON is UTF-8 (RFC 7946); Windows editors add a byte-order mark, which is harmless.
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, nil, fmt.Errorf("%s: 不是 UTF-8 编码；GeoJSON 必须是 UTF-8，请用 UTF-8 另存后重试", path)
	}
	if fc, err := geojson.UnmarshalFeatureCollection(data); err == nil && len(fc.Features) > 0 {
		if len(fc.Features) > 1 {
			return nil, nil, fmt.Errorf("%s: 含 %d 个要素，一次只能新增一个区块 (one feature at a time; use import for many)", path, len(fc.Features))
		}
		mp, err := asMultiPolygon(fc.Features[0].Geometry, path)
		return mp, fc.Features[0].Properties, err
	}
	if f, err := geojson.UnmarshalFeature(data); err == nil && f.Geometry != nil {
		mp, err := asMultiPolygon(f.Geometry, path)
		return mp, f.Properties, err
	}
	g, err := geojson.UnmarshalGeometry(data)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: 不是 GeoJSON: %v", path, err)
	}
	mp, err := asMultiPolygon(g.Geometry(), path)
	return mp, nil, err
}

// checkBlockGeometry refuses what cannot be a planning block in CGCS2000 degrees: no geometry,
// rings of fewer than three distinct points, numbers that are not finite, and coordinates
// outside China (most often projected metres given as degrees). A self-crossing ring is let
// through: validation reports it (R01) with where it crosses.
func checkBlockGeometry(mp orb.MultiPolygon) error {
	if len(mp) == 0 {
		return fmt.Errorf("几何为空，区块需要面 (empty geometry)")
	}
	for i, p := range mp {
		if len(p) == 0 {
			return fmt.Errorf("第 %d 部分没有环 (part %d has no ring)", i+1, i+1)
		}
		for j, r := range p {
			distinct := map[orb.Point]bool{}
			for _, pt := range r {
				if math.IsNaN(pt[0]) || math.IsNaN(pt[1]) || math.IsInf(pt[0], 0) || math.IsInf(pt[1], 0) {
					return fmt.Errorf("第 %d 部分第 %d 环有非数值坐标", i+1, j+1)
				}
				if pt[0] < 73 || pt[0] > 136 || pt[1] < 3 || pt[1] > 54 {
					return fmt.Errorf("坐标 %g, %g 不在中国范围内（经度 73–136，纬度 3–54）：应为 CGCS2000 经纬度；平面坐标请用拐点坐标输入 (coordinates must be CGCS2000 degrees)", pt[0], pt[1])
				}
				distinct[pt] = true
			}
			if len(distinct) < 3 {
				return fmt.Errorf("第 %d 部分第 %d 环只有 %d 个不同的点，至少需要 3 个", i+1, j+1, len(distinct))
			}
		}
	}
	return nil
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
	if *dms && (*zone != 0 || *noPrefix) {
		fail("points", "--dms 与 --zone/--no-prefix 不能同时使用")
		return exitUsage
	}
	z := *zone
	centre := f.Geometry.Bound().Center().X()
	if z == 0 {
		z = crs.ZoneOf(centre)
	} else if own := crs.ZoneOf(centre); own != z {
		fmt.Fprintf(os.Stderr, "kuanggui points: 注意：区块 %s 位于第 %d 带，按第 %d 带计算的坐标变形较大\n", pos[2], own, z)
	}
	pts, err := crs.TurningPoints(f.Geometry, z, !*noPrefix)
	if err != nil {
		fail("points", "%v", err)
		return exitUsage
	}
	fmt.Print(crs.FormatTurningPoints(pts, *dms))
	return exitOK
}

// editExisting sets attributes of one block, or deletes it by feature id, as one undoable step.
func editExisting(d *document.Document, path string, layer *document.Layer, code string, fid int64, del bool, sets []string) int {
	table := layer.Def.Table
	var f plan.Feature
	if code != "" {
		matches := d.FindByCode(table, code)
		switch len(matches) {
		case 0:
			fail("edit", "%s: 图层 %s 中没有编号为 %s 的区块", path, table, code)
			return exitUsage
		case 1:
			f = matches[0]
		default:
			fail("edit", "%s: 图层 %s 中有 %d 个区块编号为 %s；用 --fid 指定其一 (see `kuanggui validate`, R11)", path, table, len(matches), code)
			return exitUsage
		}
	} else {
		var ok bool
		if f, ok = d.Feature(table, fid); !ok {
			fail("edit", "%s: 图层 %s 中没有要素 %d", path, table, fid)
			return exitUsage
		}
	}
	if del {
		if err := d.Apply(edit.Delete(fmt.Sprintf("删除区块 #%d", f.ID), table, f)); err != nil {
			fail("edit", "%v", err)
			return exitUsage
		}
		fmt.Printf("已删除要素 #%d\n", f.ID)
		return exitOK
	}
	if len(sets) == 0 {
		fail("edit", "没有要修改的属性：用 --set FIELD=VALUE")
		return exitUsage
	}
	after := f.Clone()
	if after.Attrs == nil {
		after.Attrs = plan.Attrs{}
	}
	for _, s := range sets {
		name, value, found := strings.Cut(s, "=")
		if !found {
			fail("edit", "--set %q: 应为 FIELD=VALUE", s)
			return exitUsage
		}
		fd, ok := layer.Def.Field(name)
		if !ok {
			fail("edit", "--set %s: 图层 %s 没有字段 %s", s, table, name)
			return exitUsage
		}
		if fd.Computed {
			fail("edit", "--set %s: %s 由图形计算，不能手填", s, fd.Label)
			return exitUsage
		}
		v, err := fieldValue(fd, value)
		if err != nil {
			fail("edit", "--set %s: %v", s, err)
			return exitUsage
		}
		if fd.Name == "QKBH" && v != nil {
			for _, other := range d.FindByCode(table, value) {
				if other.ID != f.ID {
					fail("edit", "区块编号 %s 已存在于图层 %s，编号必须唯一", value, table)
					return exitUsage
				}
			}
		}
		after.Attrs[fd.Name] = v
	}
	if err := d.Apply(edit.Update("修改属性", table, f, after)); err != nil {
		fail("edit", "%v", err)
		return exitUsage
	}
	fmt.Printf("已修改要素 #%d 的 %d 个属性\n", f.ID, len(sets))
	return exitOK
}
