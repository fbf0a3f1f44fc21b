package main

import (
	"fmt"
	"sort"
	"strings"

	"kuanggui/internal/plan"
)

// Generate draws the whole sample plan from seed over the real county and prefecture layers:
// features per catalog table (all but xzq) and the breaches planted on purpose.
func Generate(seed int64, counties, prefectures []plan.Feature) (map[string][]plan.Feature, []Breach, error) {
	w, err := newWorld(seed, counties, prefectures)
	if err != nil {
		return nil, nil, err
	}
	if err := w.buildZones(); err != nil {
		return nil, nil, err
	}
	blocks, err := w.placeBlocks()
	if err != nil {
		return nil, nil, err
	}
	r11, err := w.codes(blocks)
	if err != nil {
		return nil, nil, err
	}
	out := map[string][]plan.Feature{}
	for _, l := range []string{"kfq", "nyzyjd", "gjghkq", "zlcbq", "zdkanchq", "zdkaicq"} {
		out[l] = w.zoneFeatures(l)
	}
	for _, l := range []string{"stbhhx", "zrbhd", "yjjbnt", "czkfbj"} {
		out[l] = w.constraintFeatures(l)
	}
	sort.SliceStable(blocks, func(i, j int) bool { return blocks[i].QKBH < blocks[j].QKBH })
	for _, b := range blocks {
		t := "kanchqk"
		if b.Kind == plan.Mining {
			t = "kaicqk"
		}
		out[t] = append(out[t], w.blockFeature(b))
	}
	breaches := plantedBreaches(blocks)
	breaches = append(breaches, r11)
	sort.Slice(breaches, func(i, j int) bool { return breaches[i].Rule < breaches[j].Rule })
	return out, breaches, nil
}

func plantedBreaches(blocks []*block) []Breach {
	notes := map[string]string{
		"R01": "勘查区块边界自相交（蝴蝶结形）",
		"R02": "两个勘查区块相互重叠",
		"R04": "两个露天开采区块相距约200米，小于300米安全距离",
		"R05": "勘查区块不在任何能源资源基地、国家规划矿区或重点勘查区内",
		"R06": "开采区块位于卡拉麦里山有蹄类野生动物自然保护区核心保护区内",
		"R07": "砂金勘查区块位于和田地区以外",
		"R08": "勘查区块面积小于一个基本单位区块（半个1′×1′单元）",
	}
	var out []Breach
	idx := map[string]int{}
	for _, b := range blocks {
		if b.Planted == "" || b.Planted == "R11" {
			continue
		}
		t := "kanchqk"
		if b.Kind == plan.Mining {
			t = "kaicqk"
		}
		if i, ok := idx[b.Planted]; ok {
			out[i].QKBH = append(out[i].QKBH, b.QKBH)
			continue
		}
		idx[b.Planted] = len(out)
		out = append(out, Breach{Rule: b.Planted, Table: t, QKBH: []string{b.QKBH}, Note: notes[b.Planted]})
	}
	return out
}

var (
	zrtjExploration = []string{
		"勘查投入不低于法定最低勘查投入；编制绿色勘查实施方案",
		"具备相应勘查能力；施工避让生态保护红线和自然保护地",
		"整装勘查、统一部署；勘查成果按期汇交",
	}
	zrtjMining = []string{
		"新建矿山须达到最低开采规模；按绿色矿山标准建设",
		"落实矿山地质环境保护与土地复垦方案；“三率”指标达到要求",
		"一个区块只设一个开采主体；保持与相邻矿山的安全距离",
	}
	zrtjCoal = "原煤全部入洗；瓦斯先抽后采；新建矿山按绿色矿山标准建设"
)

func pick[T any](w *world, s []T) T { return s[w.rng.IntN(len(s))] }

func (w *world) blockFeature(b *block) plan.Feature {
	m, _ := w.cat.Mineral(b.Mineral)
	cn := w.counties[b.county]
	var ssqy []string
	for _, zi := range b.Sig {
		ssqy = append(ssqy, w.zones[zi].Code)
	}
	a := plan.Attrs{
		"QKBH": b.QKBH, "KZ": b.Mineral, "KZDM": m.Code, "MJ": round4(areaKm2(b.Geom)),
		"XZQDM": cn.Code, "XZQMC": cn.Name, "GHQ": "2021-2025",
		"CRSX": pick(w, []string{"近期", "近期", "近期", "中期", "中期", "远期"}),
		"SSQY": strings.Join(ssqy, "、"), "BZ": "示意",
	}
	suffix := "矿"
	if strings.HasSuffix(b.Mineral, "矿") {
		suffix = ""
	}
	if b.Kind == plan.Exploration {
		a["QKMC"] = fmt.Sprintf("新疆%s%s%s%s勘查区块", cn.Name, toponym(w.rng), b.Mineral, suffix)
		a["KCJD"] = pick(w, []string{"预查", "普查", "普查", "详查", "详查", "勘探"})
		a["ZRTJ"] = pick(w, zrtjExploration)
	} else {
		a["QKMC"] = fmt.Sprintf("新疆%s%s%s%s开采区块", cn.Name, toponym(w.rng), b.Mineral, suffix)
		a["ZRTJ"] = pick(w, zrtjMining)
		kcfs, zxgm, unit := w.scale(b)
		a["KCFS"], a["ZXGM"], a["GMDW"] = kcfs, zxgm, unit
		if b.Mineral == "煤" {
			a["ZRTJ"] = zrtjCoal
		}
	}
	return plan.Feature{Geometry: b.Geom, Attrs: a}
}

// scale draws a mining method and a minimum scale at or above the seed's floors: coal 45 万吨/年;
// rock gold 100 吨/日 underground, 300 吨/日 open pit.
func (w *world) scale(b *block) (string, float64, string) {
	kcfs := b.KCFS
	if kcfs == "" {
		kcfs = pick(w, []string{"露天", "地下", "地下"})
		if b.Mineral == "钾盐" {
			kcfs = "露天"
		}
	}
	switch b.Mineral {
	case "煤":
		if kcfs == "露天" {
			return kcfs, pick(w, []float64{120, 300, 500, 1000}), "万吨/年"
		}
		return kcfs, pick(w, []float64{45, 60, 90, 120, 240}), "万吨/年"
	case "金":
		if kcfs == "露天" {
			return kcfs, pick(w, []float64{300, 500, 1000}), "吨/日"
		}
		return kcfs, pick(w, []float64{100, 150, 200, 300}), "吨/日"
	case "铁":
		return kcfs, pick(w, []float64{30, 60, 100, 150}), "万吨/年"
	case "钾盐":
		return kcfs, pick(w, []float64{50, 100}), "万吨/年"
	default:
		return kcfs, pick(w, []float64{10, 30, 60}), "万吨/年"
	}
}
