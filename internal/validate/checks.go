package validate

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/paulmach/orb"

	"kuanggui/internal/crs"
	"kuanggui/internal/plan"
	"kuanggui/internal/topo"
)

// newFinding fills the identity of a finding from the features involved (in the order given).
// msg is the Chinese message and en the English one, with the same codes and numbers.
func (e *Engine) newFinding(rule, sub string, sev Severity, fts []*feat, g orb.Geometry, value, limit float64, unit, msg, en string) Finding {
	f := Finding{Rule: rule, Severity: sev, Layer: fts[0].table, Geometry: g, Value: value, Limit: limit, Unit: unit, Message: msg, MessageEN: en,
		FeatureIDs: make([]int64, len(fts)), Codes: make([]string, len(fts)), refs: make([]ref, len(fts))}
	for i, ft := range fts {
		f.FeatureIDs[i] = ft.f.ID
		f.Codes[i] = ft.code()
		f.refs[i] = ref{ft.table, ft.f.ID}
	}
	sorted := fts
	if len(fts) > 1 {
		sorted = append([]*feat(nil), fts...)
		sort.Slice(sorted, func(i, j int) bool {
			if sorted[i].table != sorted[j].table {
				return sorted[i].table < sorted[j].table
			}
			return sorted[i].f.ID < sorted[j].f.ID
		})
	}
	codes := make([]string, 0, len(fts))
	h := sha256.New()
	buf := make([]byte, 0, 512)
	for _, ft := range sorted {
		c := ft.code()
		if c == "" {
			c = fmt.Sprintf("%s#%d", ft.table, ft.f.ID)
		}
		codes = append(codes, c)
		if len(ft.f.Geometry) > 0 {
			buf = appendWKB(buf[:0], ft.f.Geometry)
			h.Write(buf)
		}
		h.Write(zeroByte)
	}
	sort.Strings(codes)
	var key strings.Builder
	key.Grow(len(rule) + len(sub) + 2 + 16*len(codes))
	key.WriteString(rule)
	if sub != "" {
		key.WriteString("/")
		key.WriteString(sub)
	}
	key.WriteString(":")
	for i, c := range codes {
		if i > 0 {
			key.WriteString(",")
		}
		key.WriteString(c)
	}
	f.Key = key.String()
	var sum [sha256.Size]byte
	f.GeomHash = hex.EncodeToString(h.Sum(sum[:0])[:8])
	return f
}

var zeroByte = []byte{0} // the separator hashed after each feature

// appendWKB appends mp as little-endian WKB: the bytes wkb.Marshal gives (GeomHash depends on
// them), without its encoder's per-value writes.
func appendWKB(buf []byte, mp orb.MultiPolygon) []byte {
	le := binary.LittleEndian
	buf = append(buf, 1)
	buf = le.AppendUint32(buf, 6)
	buf = le.AppendUint32(buf, uint32(len(mp)))
	for _, p := range mp {
		buf = append(buf, 1)
		buf = le.AppendUint32(buf, 3)
		buf = le.AppendUint32(buf, uint32(len(p)))
		for _, r := range p {
			buf = le.AppendUint32(buf, uint32(len(r)))
			for _, pt := range r {
				buf = le.AppendUint64(buf, math.Float64bits(pt[0]))
				buf = le.AppendUint64(buf, math.Float64bits(pt[1]))
			}
		}
	}
	return buf
}

func (e *Engine) layerName(table string) string {
	if l := e.layers[table]; l != nil && l.def.Name != "" {
		return l.def.Name
	}
	return table
}

// layerNameEN is the layer's English name, or its table when the catalog gives none.
func (e *Engine) layerNameEN(table string) string {
	if l := e.layers[table]; l != nil && l.def.NameEN != "" {
		return l.def.NameEN
	}
	return table
}

func (e *Engine) label(ft *feat) string {
	return e.layerName(ft.table) + " " + codeOf(ft)
}

func (e *Engine) labelEN(ft *feat) string {
	return e.layerNameEN(ft.table) + " " + codeOf(ft)
}

// geosFailed reports an overlay GEOS could not do even after snapping: the rule's answer is
// unknown, which the planner must see rather than a silent pass.
func (w *worker) geosFailed(rule string, fts []*feat, err error, out *[]Finding) {
	e := w.e
	*out = append(*out, e.newFinding(rule, "geos", Warning, fts, fts[0].f.Geometry, 0, 0, "",
		fmt.Sprintf("%s：几何运算失败，无法检查（%v）", e.label(fts[0]), err),
		fmt.Sprintf("%s: geometry operation failed, cannot check (%v)", e.labelEN(fts[0]), err)))
}

func r1(v float64) float64 { return math.Round(v*10) / 10 }
func r4(v float64) float64 { return math.Round(v*1e4) / 1e4 }

// checkFeature runs the single-block rules on ft.
func (w *worker) checkFeature(ft *feat, out *[]Finding) {
	e, r := w.e, &w.e.rules
	if !e.featRules {
		return
	}
	if e.is("R01") && !ft.valid {
		var g orb.Geometry = ft.where()
		if len(ft.f.Geometry) == 0 {
			g = nil
		}
		*out = append(*out, e.newFinding("R01", "", r.sev("R01"), []*feat{ft}, g, 0, 0, "",
			fmt.Sprintf("%s 几何无效：%s，位置 %.6f, %.6f", e.label(ft), ft.reason(), ft.where()[0], ft.where()[1]),
			fmt.Sprintf("%s invalid geometry: %s, at %.6f, %.6f", e.labelEN(ft), reasonEN(ft.reason()), ft.where()[0], ft.where()[1])))
	}
	if e.is("R11") {
		w.checkAttrs(ft, out)
	}
	if e.is("R07") {
		w.checkMineralAttrs(ft, out)
	}
	if e.is("R09") && ft.kind == plan.Mining {
		w.checkScale(ft, out)
	}
	if !ft.valid {
		return // the geometric rules would only make GEOS throw
	}
	if e.is("R08") && ft.kind == plan.Exploration {
		w.checkArea(ft, out)
	}
	if e.is("R12") {
		w.checkZoneEdge(ft, out)
	}
	if e.is("R05") {
		w.checkInZones(ft, out)
	}
	if e.is("R06") {
		w.checkProtected(ft, out)
	}
	if e.is("R07") {
		w.checkZoneMinerals(ft, out)
	}
	if e.is("R10") {
		w.checkReserve(ft, out)
	}
}

func (w *worker) checkAttrs(ft *feat, out *[]Finding) {
	e, r := w.e, &w.e.rules
	def := e.layers[ft.table].def
	var missing, missingEN []string
	for _, fd := range def.Fields {
		if fd.Required && !fd.Computed && strings.TrimSpace(ft.f.Attrs.String(fd.Name)) == "" {
			missing = append(missing, fd.Name+" "+fd.Label)
			l := fd.LabelEN
			if l == "" {
				l = fd.Label
			}
			missingEN = append(missingEN, fd.Name+" "+l)
		}
	}
	if len(missing) > 0 {
		*out = append(*out, e.newFinding("R11", "attr", r.sev("R11"), []*feat{ft}, ft.f.Geometry, float64(len(missing)), 0, "",
			fmt.Sprintf("%s 缺少必填属性：%s", e.label(ft), strings.Join(missing, "、")),
			fmt.Sprintf("%s is missing required attributes: %s", e.labelEN(ft), strings.Join(missingEN, ", "))))
	}
	e.checkValues(ft, def, out)
	if !ft.valid {
		return
	}
	if _, has := def.Field("MJ"); !has {
		return
	}
	computed := areaKm2(ft.areaM2)
	mj, ok := ft.f.Attrs.Float("MJ")
	if !ok {
		if s := strings.TrimSpace(ft.f.Attrs.String("MJ")); s == "" {
			*out = append(*out, e.newFinding("R11", "mj", Info, []*feat{ft}, ft.f.Geometry, 0, computed, "km²",
				fmt.Sprintf("%s 未填面积 MJ，计算面积 %.4f 平方千米", e.label(ft), computed),
				fmt.Sprintf("%s has no area MJ; computed area %.4f km²", e.labelEN(ft), computed)))
			return
		}
		*out = append(*out, e.newFinding("R11", "mj", r.sev("R11"), []*feat{ft}, ft.f.Geometry, 0, computed, "km²",
			fmt.Sprintf("%s 面积 MJ 不是数值：%q", e.label(ft), ft.f.Attrs.String("MJ")),
			fmt.Sprintf("%s area MJ is not a number: %q", e.labelEN(ft), ft.f.Attrs.String("MJ"))))
		return
	}
	if math.Abs(mj-computed) > r.AreaTolerance+1e-9 {
		*out = append(*out, e.newFinding("R11", "mj", r.sev("R11"), []*feat{ft}, ft.f.Geometry, mj, computed, "km²",
			fmt.Sprintf("%s 面积 MJ %.4f 平方千米与计算面积 %.4f 平方千米不符", e.label(ft), mj, computed),
			fmt.Sprintf("%s area MJ %.4f km² does not match the computed area %.4f km²", e.labelEN(ft), mj, computed)))
	}
}

// checkValues warns about block attribute values the database standard would not take: a
// mineral missing from the mineral catalog (a typo, or a name the receiving office does not
// code) and a mineral code that disagrees with the name. Block codes are not checked for form:
// their template is the project's choice.
func (e *Engine) checkValues(ft *feat, def plan.LayerDef, out *[]Finding) {
	if def.Role != plan.RoleBlock {
		return
	}
	var bad, badEN []string
	if kz := strings.TrimSpace(ft.f.Attrs.String("KZ")); kz != "" {
		for _, m := range minerals(kz) {
			cm, ok := e.cat.Mineral(m)
			if !ok {
				bad = append(bad, fmt.Sprintf("矿种「%s」不在矿种目录中", m))
				badEN = append(badEN, fmt.Sprintf("mineral 「%s」 is not in the mineral catalog", m))
				continue
			}
			if code := strings.TrimSpace(ft.f.Attrs.String("KZDM")); code != "" && len(minerals(kz)) == 1 && code != cm.Code {
				bad = append(bad, fmt.Sprintf("矿种代码 %s 与矿种「%s」(%s) 不符", code, m, cm.Code))
				badEN = append(badEN, fmt.Sprintf("mineral code %s does not match mineral 「%s」 (%s)", code, m, cm.Code))
			}
		}
	}
	// A shapefile's text field holds at most 254 bytes; export would refuse the block.
	for _, fd := range def.Fields {
		if fd.Type != plan.FieldText {
			continue
		}
		if n := dbfBytes(ft.f.Attrs.String(fd.Name)); n > 254 {
			bad = append(bad, fmt.Sprintf("字段 %s 长 %d 字节（GBK），超过 DBF 上限 254，无法导出", fd.Name, n))
			badEN = append(badEN, fmt.Sprintf("field %s is %d bytes in GBK, over the DBF limit of 254, so it cannot be exported", fd.Name, n))
		}
	}
	if len(bad) > 0 {
		*out = append(*out, e.newFinding("R11", "values", Warning, []*feat{ft}, ft.f.Geometry, float64(len(bad)), 0, "",
			fmt.Sprintf("%s 属性值不规范：%s", e.label(ft), strings.Join(bad, "；")),
			fmt.Sprintf("%s has non-standard attribute values: %s", e.labelEN(ft), strings.Join(badEN, "; "))))
	}
}

// dbfBytes is how long s is in a GBK shapefile: ASCII one byte, a Chinese character two, a
// character GBK lacks four (it goes out as GB18030).
func dbfBytes(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case r < 0x80:
			n++
		case r < 0x10000:
			n += 2
		default:
			n += 4
		}
	}
	return n
}

// areaKm2 is crs.AreaKm2 of a geometry whose crs.EllipsoidalArea is m2 (prepare measured it
// once; TestAreaKm2Reuse holds the two formulas together).
func areaKm2(m2 float64) float64 { return math.Round(m2/1e6*1e4) / 1e4 }

// sameMineral compares names loosely: 金矿 = 金, 煤炭 = 煤.
func sameMineral(a, b string) bool {
	n := func(s string) string {
		s = strings.TrimSpace(s)
		s = strings.TrimSuffix(s, "矿")
		return strings.TrimSuffix(s, "炭")
	}
	return n(a) == n(b)
}

func (w *worker) checkMineralAttrs(ft *feat, out *[]Finding) {
	e, r := w.e, &w.e.rules
	kz := minerals(ft.f.Attrs.String("KZ"))
	for _, m := range kz {
		prohibited := false
		for _, p := range r.Prohibited {
			base, cond, _ := strings.Cut(p, "(")
			if !sameMineral(m, base) {
				continue
			}
			if cond == "" {
				prohibited = true
				*out = append(*out, e.newFinding("R07", "prohibited", r.sev("R07"), []*feat{ft}, ft.f.Geometry, 0, 0, "",
					fmt.Sprintf("%s 矿种 %s 为禁止开采矿种", e.label(ft), m),
					fmt.Sprintf("%s mineral %s is prohibited from mining", e.labelEN(ft), m)))
				continue
			}
			// Conditional (可耕地): only where the block lies on arable land.
			if !ft.valid {
				continue
			}
			for _, id := range w.candidates(r.ArableLayer, ft.b) {
				in, area, err := w.inside(ft, r.ArableLayer, id)
				if err != nil {
					w.geosFailed("R07", []*feat{ft}, err, out)
					continue
				}
				if area > r.OverlapTolerance {
					prohibited = true
					*out = append(*out, e.newFinding("R07", "prohibited-"+strings.TrimSuffix(cond, ")"), r.sev("R07"), []*feat{ft}, in, r1(area), r.OverlapTolerance, "m²",
						fmt.Sprintf("%s 矿种 %s 位于%s（%s）%.1f 平方米，为禁止开采矿种", e.label(ft), m, e.layerName(r.ArableLayer), strings.TrimSuffix(cond, ")"), area),
						fmt.Sprintf("%s mineral %s lies on %s (%s) over %.1f m², where it is prohibited from mining", e.labelEN(ft), m, e.layerNameEN(r.ArableLayer), termEN(strings.TrimSuffix(cond, ")")), area)))
					break
				}
			}
		}
		if !prohibited {
			for _, p := range r.Restricted {
				if sameMineral(m, p) {
					*out = append(*out, e.newFinding("R07", "restricted", Warning, []*feat{ft}, ft.f.Geometry, 0, 0, "",
						fmt.Sprintf("%s 矿种 %s 为限制开采矿种，需论证供需并调控开采总量", e.label(ft), m),
						fmt.Sprintf("%s mineral %s is restricted: supply and demand must be justified and total output controlled", e.labelEN(ft), m)))
				}
			}
		}
		if r.PlacerGold != "" && sameMineral(m, r.PlacerGold) {
			code := strings.TrimSpace(ft.f.Attrs.String("XZQDM"))
			if code != "" && !strings.HasPrefix(code, r.placerPrefix()) {
				sev := r.sev("R07")
				if ft.kind != plan.Mining {
					sev = Warning // the seed forbids new placer-gold mining projects; exploration is a warning
				}
				*out = append(*out, e.newFinding("R07", "placer", sev, []*feat{ft}, ft.f.Geometry, 0, 0, "",
					fmt.Sprintf("%s 矿种 %s 位于行政区 %s，除和田地区（%s）外禁止新设砂金开采项目", e.label(ft), m, code, r.PlacerGoldRegion),
					fmt.Sprintf("%s mineral %s lies in region %s; new placer gold projects are prohibited outside Hotan Prefecture (%s)", e.labelEN(ft), m, code, r.PlacerGoldRegion)))
			}
		}
	}
	if ft.coal {
		bz := ft.f.Attrs.String("BZ")
		for _, flag := range r.ProhibitedCoalFlags {
			if flag != "" && strings.Contains(bz, flag) {
				*out = append(*out, e.newFinding("R07", "coal-"+flag, r.sev("R07"), []*feat{ft}, ft.f.Geometry, 0, 0, "",
					fmt.Sprintf("%s 为%s超标的煤炭项目，禁止开采", e.label(ft), flag),
					fmt.Sprintf("%s is a coal project with excessive %s: mining is prohibited", e.labelEN(ft), termEN(flag))))
			}
		}
	}
}

func (w *worker) checkScale(ft *feat, out *[]Finding) {
	e, r := w.e, &w.e.rules
	var floor float64
	var unit, what, whatEN string
	bz := ft.f.Attrs.String("BZ")
	method := ft.f.Attrs.String("KCFS")
	for _, m := range minerals(ft.f.Attrs.String("KZ")) {
		switch {
		case sameMineral(m, "煤"):
			floor, unit, what, whatEN = r.MinScale.Coal, "万吨/年", "煤矿", "coal mines"
			if r.MinScale.OutburstFlag != "" && strings.Contains(bz, r.MinScale.OutburstFlag) {
				floor, what, whatEN = r.MinScale.CoalOutburst, "煤与瓦斯突出煤矿", "coal mines with coal and gas outbursts"
			}
		case sameMineral(m, "金") || sameMineral(m, "岩金"):
			floor, unit, what, whatEN = r.MinScale.RockGoldUnderground, "吨/日", "地下开采岩金矿", "underground rock gold mines"
			if strings.Contains(method, "露天") {
				floor, what, whatEN = r.MinScale.RockGoldOpenPit, "露天开采岩金矿", "open-pit rock gold mines"
			}
		default:
			continue
		}
		break
	}
	if floor <= 0 {
		return
	}
	v, ok := ft.f.Attrs.Float("ZXGM")
	if !ok {
		*out = append(*out, e.newFinding("R09", "missing", Warning, []*feat{ft}, ft.f.Geometry, 0, floor, unit,
			fmt.Sprintf("%s 未填最低开采规模 ZXGM（%s不低于 %g %s）", e.label(ft), what, floor, unit),
			fmt.Sprintf("%s has no minimum mining scale ZXGM (%s: at least %g %s)", e.labelEN(ft), whatEN, floor, unitEN(unit))))
		return
	}
	if u := strings.TrimSpace(ft.f.Attrs.String("GMDW")); u != "" && u != unit {
		*out = append(*out, e.newFinding("R09", "unit", Warning, []*feat{ft}, ft.f.Geometry, v, floor, u,
			fmt.Sprintf("%s 规模单位 %s 与%s最低规模的单位 %s 不同，无法比较", e.label(ft), u, what, unit),
			fmt.Sprintf("%s scale unit %s differs from the unit %s of the minimum scale for %s; cannot compare", e.labelEN(ft), unitEN(u), unitEN(unit), whatEN)))
		return
	}
	if v < floor {
		*out = append(*out, e.newFinding("R09", "", r.sev("R09"), []*feat{ft}, ft.f.Geometry, v, floor, unit,
			fmt.Sprintf("%s 最低开采规模 %g %s，低于%s最低开采规模 %g %s", e.label(ft), v, unit, what, floor, unit),
			fmt.Sprintf("%s minimum mining scale %g %s is below the minimum for %s, %g %s", e.labelEN(ft), v, unitEN(unit), whatEN, floor, unitEN(unit))))
	}
}

func (w *worker) checkArea(ft *feat, out *[]Finding) {
	e, r := w.e, &w.e.rules
	a := ft.areaM2 / 1e6
	// The cell centred on the block's centre latitude (BasicCellArea takes the south edge).
	lat := (ft.b.Min[1]+ft.b.Max[1])/2 - 1.0/120
	cell := crs.BasicCellArea(lat)
	const half = 0.00005 // MJ's rounding: a one-cell block must not fail by a rounding hair
	if a < cell-half {
		*out = append(*out, e.newFinding("R08", "min", r.sev("R08"), []*feat{ft}, ft.f.Geometry, r4(a), r4(cell), "km²",
			fmt.Sprintf("%s 面积 %.4f 平方千米，小于一个基本单位区块 %.4f 平方千米", e.label(ft), a, cell),
			fmt.Sprintf("%s area %.4f km² is smaller than one basic unit block, %.4f km²", e.labelEN(ft), a, cell)))
	}
	kz := minerals(ft.f.Attrs.String("KZ"))
	if len(kz) == 0 {
		return
	}
	class := e.mineral(kz[0]).Class
	n := r.Cells[class]
	if n <= 0 {
		return
	}
	limit := float64(n) * cell
	if a > limit+half {
		*out = append(*out, e.newFinding("R08", "max", r.sev("R08"), []*feat{ft}, ft.f.Geometry, r4(a), r4(limit), "km²",
			fmt.Sprintf("%s 面积 %.4f 平方千米，超过 %d 个基本单位区块 %.4f 平方千米", e.label(ft), a, n, limit),
			fmt.Sprintf("%s area %.4f km² exceeds %d basic unit blocks, %.4f km²", e.labelEN(ft), a, n, limit)))
	}
}

func (w *worker) checkZoneEdge(ft *feat, out *[]Finding) {
	e, r := w.e, &w.e.rules
	z0, z1 := crs.ZoneOf(ft.b.Min[0]), crs.ZoneOf(ft.b.Max[0])
	for z := z0; z < z1; z++ {
		edge := crs.CentralMeridian(z) + 1.5
		if edge <= ft.b.Min[0] || edge >= ft.b.Max[0] {
			continue // touching the edge is not crossing it
		}
		line := orb.LineString{{edge, ft.b.Min[1]}, {edge, ft.b.Max[1]}}
		*out = append(*out, e.newFinding("R12", fmt.Sprint(z), r.sev("R12"), []*feat{ft}, line, edge, 0, "°",
			fmt.Sprintf("%s 跨 3° 分带界线 %.1f°E（第 %d 带与第 %d 带），拐点坐标需选定分带", e.label(ft), edge, z, z+1),
			fmt.Sprintf("%s crosses the 3° zone boundary %.1f°E (zones %d and %d); choose a zone for the turning-point coordinates", e.labelEN(ft), edge, z, z+1)))
	}
}

// candidates returns the ids of table's features whose bounds meet b, sorted.
func (w *worker) candidates(table string, b orb.Bound) []int64 {
	l := w.e.layers[table]
	if l == nil {
		return nil
	}
	var ids []int64
	l.idx.search(b, func(ft *feat) { ids = append(ids, ft.f.ID) })
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// inside returns the part of ft in zone feature (table, id) and its area in m²; a block the zone
// covers comes back whole without an overlay.
func (w *worker) inside(ft *feat, table string, id int64) (orb.MultiPolygon, float64, error) {
	p := w.zonePrep(table, id)
	if p == nil {
		return nil, 0, nil // an invalid zone: its own R01 is not ours to report; nothing lies in it
	}
	hit, err := p.Intersects(ft.f.Geometry)
	if err != nil || !hit {
		return nil, 0, err
	}
	cov, err := p.Covers(ft.f.Geometry)
	if err != nil {
		return nil, 0, err
	}
	if cov {
		return ft.f.Geometry, ft.areaM2, nil
	}
	in, err := p.Intersection(ft.f.Geometry)
	if err != nil {
		return nil, 0, err
	}
	return in, crs.EllipsoidalArea(in), nil
}

func (w *worker) checkInZones(ft *feat, out *[]Finding) {
	e, r := w.e, &w.e.rules
	tables := r.ZoneLayers[ft.kind]
	if len(tables) == 0 {
		return
	}
	var preps = w.zonePreps(tables, ft.b)
	for _, p := range preps {
		cov, err := p.Covers(ft.f.Geometry)
		if err == nil && cov {
			return
		}
	}
	outside, err := w.deg.DifferenceAll(ft.f.Geometry, preps)
	if err != nil {
		w.geosFailed("R05", []*feat{ft}, err, out)
		return
	}
	a := ft.areaM2 // no zone near: outside is the block itself, whose area prepare measured
	if len(preps) > 0 {
		a = crs.EllipsoidalArea(outside)
	}
	if a <= r.OverlapTolerance {
		return
	}
	names, namesEN := make([]string, len(tables)), make([]string, len(tables))
	for i, t := range tables {
		names[i], namesEN[i] = e.layerName(t), e.layerNameEN(t)
	}
	*out = append(*out, e.newFinding("R05", "", r.sev("R05"), []*feat{ft}, outside, r1(a), r.OverlapTolerance, "m²",
		fmt.Sprintf("%s 有 %.1f 平方米（占 %.1f%%）不在%s范围内", e.label(ft), a, 100*a/math.Max(ft.areaM2, 1e-9), strings.Join(names, "、")),
		fmt.Sprintf("%s has %.1f m² (%.1f%%) outside %s", e.labelEN(ft), a, 100*a/math.Max(ft.areaM2, 1e-9), strings.Join(namesEN, ", "))))
}

func (w *worker) zonePreps(tables []string, b orb.Bound) []*topo.Prepared {
	var ps []*topo.Prepared
	for _, t := range tables {
		for _, id := range w.candidates(t, b) {
			if p := w.zonePrep(t, id); p != nil {
				ps = append(ps, p)
			}
		}
	}
	return ps
}

func (w *worker) checkProtected(ft *feat, out *[]Finding) {
	e, r := w.e, &w.e.rules
	for _, t := range []string{r.ProtectedLayer, r.RedLineLayer} {
		if t == "" {
			continue
		}
		for _, id := range w.candidates(t, ft.b) {
			in, a, err := w.inside(ft, t, id)
			if err != nil {
				w.geosFailed("R06", []*feat{ft}, err, out)
				continue
			}
			if a <= r.OverlapTolerance {
				continue
			}
			z := e.layers[t].feats[id]
			lx := z.f.Attrs.String("LX")
			core := t == r.ProtectedLayer && strings.Contains(lx, "核心")
			sev := r.sev("R06")
			if ft.kind == plan.Exploration && !core {
				sev = Warning
			}
			where, whereEN := e.layerName(t), e.layerNameEN(t)
			if name := z.f.Attrs.String("MC"); name != "" {
				where += "「" + name + "」"
				whereEN += " 「" + name + "」"
			}
			if lx != "" {
				where += lx
				whereEN += " " + termEN(lx)
			}
			*out = append(*out, e.newFinding("R06", fmt.Sprintf("%s#%d", t, id), sev, []*feat{ft}, in, r1(a), r.OverlapTolerance, "m²",
				fmt.Sprintf("%s 有 %.1f 平方米位于%s内", e.label(ft), a, where),
				fmt.Sprintf("%s has %.1f m² inside %s", e.labelEN(ft), a, whereEN)))
		}
	}
}

// checkZoneMinerals asks whether the block's mineral is one its zones plan for. A block sits in
// nested zones (a belt of 两环八带 holds a base, which holds a planning area), each with its own
// planned minerals; the block agrees with the plan when any zone holding it lists its mineral,
// and is reported once, naming those zones, when none does.
func (w *worker) checkZoneMinerals(ft *feat, out *[]Finding) {
	e, r := w.e, &w.e.rules
	kz := minerals(ft.f.Attrs.String("KZ"))
	if len(kz) == 0 {
		return
	}
	var names, namesEN, planned []string
	for _, t := range r.MineralZoneLayers {
		for _, id := range w.candidates(t, ft.b) {
			z := e.layers[t].feats[id]
			zp := minerals(z.f.Attrs.String("ZYKZ"))
			if len(zp) == 0 {
				continue
			}
			_, a, err := w.inside(ft, t, id)
			if err != nil {
				w.geosFailed("R07", []*feat{ft}, err, out)
				continue
			}
			if a <= r.OverlapTolerance {
				continue
			}
			if mineralPlanned(kz, zp) {
				return
			}
			names = append(names, e.layerName(t)+" "+z.code())
			namesEN = append(namesEN, e.layerNameEN(t)+" "+z.code())
			planned = append(planned, zp...)
		}
	}
	if len(names) == 0 {
		return
	}
	*out = append(*out, e.newFinding("R07", "zone-minerals", Warning, []*feat{ft}, ft.f.Geometry, 0, 0, "",
		fmt.Sprintf("%s 矿种 %s 不在所在分区（%s）的规划矿种（%s）内", e.label(ft), strings.Join(kz, "、"), strings.Join(names, "、"), strings.Join(dedupe(planned), "、")),
		fmt.Sprintf("%s mineral %s is not planned in its zones (%s), which plan %s", e.labelEN(ft), strings.Join(kz, "、"), strings.Join(namesEN, "; "), strings.Join(dedupe(planned), "、"))))
}

func mineralPlanned(kz, planned []string) bool {
	for _, m := range kz {
		for _, p := range planned {
			// Loose on purpose: 铜镍 plans 铜, 砂金 is gold, 金矿 is 金.
			mm, pp := strings.TrimSuffix(m, "矿"), strings.TrimSuffix(p, "矿")
			if sameMineral(m, p) || strings.Contains(pp, mm) || strings.Contains(mm, pp) {
				return true
			}
		}
	}
	return false
}

func dedupe(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func (w *worker) checkReserve(ft *feat, out *[]Finding) {
	e, r := w.e, &w.e.rules
	t := r.ReserveLayer
	for _, id := range w.candidates(t, ft.b) {
		in, a, err := w.inside(ft, t, id)
		if err != nil {
			w.geosFailed("R10", []*feat{ft}, err, out)
			continue
		}
		if a <= r.OverlapTolerance {
			continue
		}
		z := e.layers[t].feats[id]
		*out = append(*out, e.newFinding("R10", fmt.Sprintf("%s#%d", t, id), r.sev("R10"), []*feat{ft}, in, r1(a), r.OverlapTolerance, "m²",
			fmt.Sprintf("%s 有 %.1f 平方米位于%s %s 内，大中型矿产地原则上不得压覆", e.label(ft), a, e.layerName(t), z.code()),
			fmt.Sprintf("%s has %.1f m² inside %s %s; large and medium mineral deposits should in principle not be overlaid", e.labelEN(ft), a, e.layerNameEN(t), z.code())))
	}
}

// checkPairs runs the pair rules (R02, R03, R04) between ft and its neighbours. With seen nil
// (a full run) each pair is checked once, from its first member; with seen (a re-check) every
// neighbour is considered and seen removes pairs already done.
//
// The index calls back into methods bound once per worker (w.overlapCB, w.distanceCB) with the
// pair's state in the worker: a closure per block would be allocated 100,000s of times.
func (w *worker) checkPairs(ft *feat, seen map[[2]ref]bool, out *[]Finding) {
	e := w.e
	if !ft.valid {
		return
	}
	w.pft, w.pseen, w.pout = ft, seen, out
	defer func() { w.pft, w.pseen, w.pout = nil, nil, nil }()
	for _, other := range e.blockLayers {
		w.psame = other.def.Table == ft.table
		cross := other.def.Kind != ft.kind && e.on[3]
		if !(w.psame && e.on[2]) && !cross {
			continue
		}
		other.idx.search(ft.b, w.overlapCB)
	}
	if ft.kind != plan.Mining || !e.on[4] || ft.metric == nil {
		return
	}
	dlon, dlat := degMargin(ft.b, e.maxSafety*1.01)
	q := orb.Bound{Min: orb.Point{ft.b.Min[0] - dlon, ft.b.Min[1] - dlat}, Max: orb.Point{ft.b.Max[0] + dlon, ft.b.Max[1] + dlat}}
	for _, other := range e.blockLayers {
		if other.def.Kind != plan.Mining {
			continue
		}
		other.idx.search(q, w.distanceCB)
	}
}

// firstOf is the canonical order of a pair.
func firstOf(a, b *feat) bool {
	if a.table != b.table {
		return a.table < b.table
	}
	return a.f.ID < b.f.ID
}

// visit says whether the pair (a, b) of rule is to be checked now (see checkPairs).
func (w *worker) visit(rule string, a, b *feat) bool {
	if w.pseen == nil {
		return a == w.pft
	}
	k := [2]ref{{rule + a.table, a.f.ID}, {b.table, b.f.ID}}
	if w.pseen[k] {
		return false
	}
	w.pseen[k] = true
	return true
}

// overlapCandidate is the R02/R03 step of checkPairs for one neighbour o of w.pft.
func (w *worker) overlapCandidate(o *feat) {
	ft := w.pft
	if o == ft || !o.valid || !o.prepared {
		return
	}
	if !interiorsMeet(ft.b, o.b) {
		return // bounds only touch: no area in common
	}
	if w.psame {
		a, b := ft, o
		if !firstOf(a, b) {
			a, b = b, a
		}
		if w.visit("R02", a, b) {
			w.overlap("R02", a, b, w.pout)
		}
		return
	}
	a, b := ft, o // exploration first
	if a.kind == plan.Mining {
		a, b = b, a
	}
	if w.visit("R03", a, b) {
		w.overlap("R03", a, b, w.pout)
	}
}

// distanceCandidate is the R04 step of checkPairs for one neighbour o of w.pft.
func (w *worker) distanceCandidate(o *feat) {
	ft := w.pft
	if o == ft || !o.valid || !o.prepared || o.metric == nil {
		return
	}
	a, b := ft, o
	if !firstOf(a, b) {
		a, b = b, a
	}
	if w.visit("R04", a, b) {
		w.distance(a, b, w.pout)
	}
}

// interiorsMeet reports whether two bounds share an area (not just an edge or corner).
func interiorsMeet(a, b orb.Bound) bool {
	return math.Min(a.Max[0], b.Max[0]) > math.Max(a.Min[0], b.Min[0]) &&
		math.Min(a.Max[1], b.Max[1]) > math.Max(a.Min[1], b.Min[1])
}

func (w *worker) overlap(rule string, a, b *feat, out *[]Finding) {
	e, r := w.e, &w.e.rules
	var in orb.MultiPolygon
	fast, key := false, -1
	if fastPaths && a.rect.ok && b.rect.ok && interiorsMeet(a.b, b.b) {
		in, key, fast = rectIntersection(a, b)
	}
	if !fast {
		var err error
		in, err = w.deg.Intersection(a.f.Geometry, b.f.Geometry)
		if err != nil {
			w.geosFailed(rule, []*feat{a, b}, err, out)
			return
		}
		if key >= 0 {
			learnRect(key, a, b, in)
		}
	}
	area := crs.EllipsoidalArea(in)
	if area <= r.OverlapTolerance {
		return
	}
	var msg, en string
	if rule == "R02" {
		msg = fmt.Sprintf("%s %s 与 %s 重叠 %.1f 平方米", e.layerName(a.table), codeOf(a), codeOf(b), area)
		en = fmt.Sprintf("%s %s and %s overlap by %.1f m²", e.layerNameEN(a.table), codeOf(a), codeOf(b), area)
	} else {
		msg = fmt.Sprintf("%s 与%s 重叠 %.1f 平方米", e.label(a), e.label(b), area)
		en = fmt.Sprintf("%s and %s overlap by %.1f m²", e.labelEN(a), e.labelEN(b), area)
	}
	*out = append(*out, e.newFinding(rule, "", r.sev(rule), []*feat{a, b}, in, r1(area), r.OverlapTolerance, "m²", msg, en))
}

func codeOf(ft *feat) string {
	if ft.code() != "" {
		return ft.code()
	}
	return fmt.Sprintf("#%d", ft.f.ID)
}

// distance measures a mining pair in the Gauss-Krüger zone of a.
func (w *worker) distance(a, b *feat, out *[]Finding) {
	e, r := w.e, &w.e.rules
	limit := max(r.safety(a.f, a.coal), r.safety(b.f, b.coal))
	if limit <= 0 {
		return
	}
	bm, bb := b.metric.g, b.metric.b
	if b.zone != a.zone {
		m, err := w.toMetric(b.f.Geometry, a.zone)
		if err != nil {
			w.geosFailed("R04", []*feat{a, b}, err, out)
			return
		}
		bm, bb = m, m.Bound()
	}
	dx := math.Max(0, math.Max(a.metric.b.Min[0], bb.Min[0])-math.Min(a.metric.b.Max[0], bb.Max[0]))
	dy := math.Max(0, math.Max(a.metric.b.Min[1], bb.Min[1])-math.Min(a.metric.b.Max[1], bb.Max[1]))
	if math.Hypot(dx, dy) >= limit {
		return // the bounds are already far enough apart
	}
	d, line, err := w.met.Distance(a.metric.g, bm)
	if err != nil {
		w.geosFailed("R04", []*feat{a, b}, err, out)
		return
	}
	if d >= limit {
		return
	}
	var g orb.Geometry
	if geo := w.lineToGeo(line, a.zone); geo != nil {
		g = geo
	}
	*out = append(*out, e.newFinding("R04", "", r.sev("R04"), []*feat{a, b}, g, r1(d), limit, "m",
		fmt.Sprintf("%s %s 与 %s 最近距离 %.1f 米，小于安全距离 %g 米", e.layerName(a.table), codeOf(a), codeOf(b), d, limit),
		fmt.Sprintf("%s %s and %s are %.1f m apart at the nearest, less than the safety distance %g m", e.layerNameEN(a.table), codeOf(a), codeOf(b), d, limit)))
}

// checkDuplicates finds QKBH used more than once within a block layer: one finding per code.
// With only set, just those (table, code) pairs are looked at.
func (e *Engine) checkDuplicates(only map[[2]string]bool) []Finding {
	r := &e.rules
	if !r.on("R11") {
		return nil
	}
	var out []Finding
	check := func(t, c string, ids []int64) {
		if len(ids) < 2 {
			return
		}
		fs := make([]*feat, 0, len(ids))
		for _, id := range ids {
			if ft := e.layers[t].feats[id]; ft != nil {
				fs = append(fs, ft)
			}
		}
		sort.Slice(fs, func(i, j int) bool { return fs[i].f.ID < fs[j].f.ID })
		var g orb.MultiPolygon
		names := make([]string, len(fs))
		for i, ft := range fs {
			g = append(g, ft.f.Geometry...)
			names[i] = fmt.Sprintf("#%d", ft.f.ID)
		}
		out = append(out, e.newFinding("R11", "dup", r.sev("R11"), fs, g, float64(len(fs)), 1, "",
			fmt.Sprintf("%s 区块编号 %s 重复 %d 次（要素 %s）", e.layerName(t), c, len(fs), strings.Join(names, "、")),
			fmt.Sprintf("%s block code %s is used %d times (features %s)", e.layerNameEN(t), c, len(fs), strings.Join(names, ", "))))
	}
	if only != nil {
		for k := range only {
			check(k[0], k[1], e.codes[k[0]][k[1]])
		}
		return out
	}
	for _, t := range e.blocks {
		for c, ids := range e.codes[t] {
			check(t, c, ids)
		}
	}
	return out
}
