package main

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/paulmach/orb"
)

// zoneSpec is one planning zone before its outline is drawn. Positions follow the seed (two
// rings round the basins, eight belts along the ranges, bases and mining areas at the deposits
// the seed names); the outlines are invented, which is why every feature is marked 示意.
type zoneSpec struct {
	Layer, Code, Name, ZYKZ, BZ string
	Parts                       []radialSpec // star-shaped parts (a multipolygon when several)
	Line                        []orb.Point  // a belt's centre line
	HW                          float64      // a belt's half-width, degrees
}

func p(x, y float64) orb.Point { return orb.Point{x, y} }

func blob(x, y, rx, ry float64) radialSpec {
	return radialSpec{C: p(x, y), RX: rx, RY: ry, N: 28, Amp: 0.35}
}

// kfqSpecs: 两环八带, named in 专栏9 of the seed.
func kfqSpecs() []zoneSpec {
	z := func(code, name, zykz string) zoneSpec {
		return zoneSpec{Layer: "kfq", Code: code, Name: name + "勘查开发区", ZYKZ: zykz, BZ: "示意"}
	}
	ring := func(s zoneSpec, c orb.Point, rx, ry float64) zoneSpec {
		s.Parts = []radialSpec{{C: c, RX: rx, RY: ry, N: 64, Amp: 0.12, InnerFac: 0.62}}
		return s
	}
	belt := func(s zoneSpec, hw float64, line ...orb.Point) zoneSpec {
		s.Line, s.HW = line, hw
		return s
	}
	return []zoneSpec{
		ring(z("KFQ01", "环准噶尔能源矿产", "石油、天然气、页岩气、煤层气、煤"), p(86.6, 45.35), 4.3, 1.55),
		ring(z("KFQ02", "环塔里木能源矿产", "石油、天然气、页岩气、煤层气、煤、钾盐"), p(83.0, 39.6), 6.9, 2.45),
		belt(z("KFQ03", "阿尔泰黑色、有色及稀有金属", "铁、铜、镍、钴、金、砂金、锂、铍、铌钽"), 0.4,
			p(86.5, 48.45), p(87.8, 47.85), p(89.2, 47.2), p(90.4, 46.55)),
		belt(z("KFQ04", "东准噶尔能源矿产、贵金属", "石油、天然气、煤、煤层气、金、铜、石墨"), 0.3,
			p(88.6, 46.0), p(89.6, 45.55), p(90.5, 45.05), p(91.8, 44.75), p(93.0, 44.45)),
		belt(z("KFQ05", "西准噶尔能源矿产、有色及贵金属", "煤、金、铬、铜"), 0.35,
			p(83.0, 46.7), p(83.6, 46.1), p(84.2, 45.6), p(84.8, 45.15)),
		belt(z("KFQ06", "东天山能源矿产、黑色及有色金属", "石油、天然气、煤、铜、镍、铁、锰、金、银、钒、钛、石英岩"), 0.45,
			p(88.4, 42.75), p(90.5, 42.45), p(92.5, 42.2), p(94.6, 42.0)),
		belt(z("KFQ07", "西天山能源矿产、黑色及贵金属", "煤、铁、金、铜、石灰岩、石英岩、地热"), 0.4,
			p(80.9, 43.65), p(82.6, 43.45), p(84.3, 43.2), p(85.6, 43.05)),
		belt(z("KFQ08", "西南天山黑色、有色及贵金属", "铁、铜、铅锌、金、钒、钛"), 0.35,
			p(75.4, 39.95), p(76.6, 40.15), p(78.0, 40.65), p(79.6, 41.3)),
		belt(z("KFQ09", "西昆仑黑色、有色及稀有金属", "铁、锰、铅锌、金、锂、铍、地热"), 0.4,
			p(75.7, 38.0), p(76.5, 37.2), p(77.8, 36.5), p(79.4, 35.9)),
		belt(z("KFQ10", "东昆仑—阿尔金黑色、有色、稀有及非金属", "铁、金、锑、锂、铍、萤石、石英岩"), 0.45,
			p(81.6, 36.3), p(84.0, 36.45), p(86.5, 37.25), p(88.6, 38.1), p(90.6, 38.9)),
	}
}

// nyzyjdSpecs: 16 bases, 6 oil and gas, 1 coal, 9 metal and non-metal (seed).
func nyzyjdSpecs() []zoneSpec {
	z := func(code, name, zykz string, parts ...radialSpec) zoneSpec {
		return zoneSpec{Layer: "nyzyjd", Code: code, Name: name, ZYKZ: zykz, BZ: "示意", Parts: parts}
	}
	return []zoneSpec{
		z("JD01", "克拉玛依油气能源资源基地", "石油、天然气", blob(85.7, 45.95, 0.6, 0.42)),
		z("JD02", "吉木萨尔油气能源资源基地", "石油、天然气", blob(88.6, 44.15, 0.4, 0.22)),
		z("JD03", "塔河油气能源资源基地", "石油、天然气", blob(84.0, 40.95, 0.65, 0.32)),
		z("JD04", "塔中油气能源资源基地", "石油、天然气", blob(83.4, 39.05, 0.7, 0.35)),
		z("JD05", "拜城—库车天然气能源资源基地", "天然气、石油", blob(83.0, 41.5, 0.7, 0.2)),
		z("JD06", "吐哈油气能源资源基地", "石油、天然气、煤层气", blob(90.0, 42.95, 0.6, 0.22)),
		z("JD07", "新疆大型煤炭能源资源基地", "煤、煤层气",
			blob(89.6, 44.85, 1.05, 0.4), blob(92.3, 42.6, 0.85, 0.25),
			blob(81.5, 44.08, 0.5, 0.16), blob(82.5, 42.02, 0.6, 0.14)),
		z("JD08", "富蕴—青河铜镍金能源资源基地", "铜、镍、钴、金、铁", blob(89.55, 46.75, 0.65, 0.28)),
		z("JD09", "哈密东天山铜镍能源资源基地", "铜、镍、金、铁", blob(94.4, 41.95, 0.7, 0.28)),
		z("JD10", "新源—和静铁矿能源资源基地", "铁、金、铜、石灰岩", blob(83.85, 43.25, 0.7, 0.22)),
		z("JD11", "阿克陶锰矿能源资源基地", "锰、铁、铅锌", blob(75.1, 38.95, 0.4, 0.2)),
		z("JD12", "乌恰铅锌铜能源资源基地", "铅锌、铜、金", blob(75.3, 39.8, 0.35, 0.3)),
		z("JD13", "托里—哈图金铬能源资源基地", "金、铬、铜", blob(84.0, 45.85, 0.48, 0.36)),
		z("JD14", "罗布泊钾盐能源资源基地", "钾盐", blob(91.0, 40.35, 0.5, 0.3)),
		z("JD15", "和田大红柳滩锂铍铅锌能源资源基地", "锂、铍、铅锌", blob(78.8, 35.75, 0.6, 0.28)),
		z("JD16", "若羌萤石铁金能源资源基地", "萤石、铁、金", blob(89.2, 38.7, 0.7, 0.28)),
	}
}

// gjghkqSpecs: 58 national planning mining areas, 5 oil and gas, 30 coal, 23 metal.
func gjghkqSpecs() []zoneSpec {
	type row struct {
		name, zykz string
		x, y, rx   float64
	}
	rows := []row{
		// oil and gas
		{"玛湖油气国家规划矿区", "石油、天然气", 85.7, 46.1, 0.3},
		{"准噶尔盆地南缘油气国家规划矿区", "石油、天然气", 85.3, 44.5, 0.35},
		{"塔河油气国家规划矿区", "石油、天然气", 84.2, 41.0, 0.3},
		{"克拉苏天然气国家规划矿区", "天然气", 82.8, 41.5, 0.3},
		{"塔中油气国家规划矿区", "石油、天然气", 83.3, 39.0, 0.35},
		// coal
		{"准东大井煤炭国家规划矿区", "煤", 88.8, 45.0, 0.2},
		{"准东五彩湾煤炭国家规划矿区", "煤", 88.95, 44.68, 0.18},
		{"准东西黑山煤炭国家规划矿区", "煤", 89.45, 45.05, 0.2},
		{"准东将军庙煤炭国家规划矿区", "煤", 89.95, 44.85, 0.22},
		{"准东老君庙煤炭国家规划矿区", "煤", 90.45, 44.7, 0.2},
		{"准东红沙泉煤炭国家规划矿区", "煤", 89.35, 44.6, 0.16},
		{"大南湖煤炭国家规划矿区", "煤", 93.0, 42.3, 0.3},
		{"沙尔湖煤炭国家规划矿区", "煤", 91.6, 42.5, 0.28},
		{"三道岭煤炭国家规划矿区", "煤", 92.6, 43.1, 0.18},
		{"巴里坤煤炭国家规划矿区", "煤", 92.95, 43.65, 0.2},
		{"三塘湖煤炭国家规划矿区", "煤", 93.6, 44.05, 0.3},
		{"淖毛湖煤炭国家规划矿区", "煤", 95.0, 43.8, 0.25},
		{"野马泉煤炭国家规划矿区", "煤", 92.3, 44.0, 0.2},
		{"梧桐窝子煤炭国家规划矿区", "煤", 93.9, 42.5, 0.2},
		{"艾丁湖煤炭国家规划矿区", "煤", 89.4, 42.55, 0.25},
		{"托克逊煤炭国家规划矿区", "煤", 88.55, 42.75, 0.2},
		{"后峡煤炭国家规划矿区", "煤", 86.9, 43.3, 0.15},
		{"硫磺沟煤炭国家规划矿区", "煤", 87.05, 43.7, 0.15},
		{"阜康煤炭国家规划矿区", "煤、煤层气", 88.1, 44.0, 0.2},
		{"玛纳斯塔西河煤炭国家规划矿区", "煤", 85.9, 43.85, 0.18},
		{"四棵树煤炭国家规划矿区", "煤", 84.6, 44.2, 0.18},
		{"和什托洛盖煤炭国家规划矿区", "煤", 85.9, 46.55, 0.25},
		{"塔城白杨河煤炭国家规划矿区", "煤", 83.3, 46.55, 0.2},
		{"伊宁煤炭国家规划矿区", "煤", 81.35, 44.1, 0.25},
		{"尼勒克煤炭国家规划矿区", "煤", 82.6, 43.85, 0.22},
		{"昭苏煤炭国家规划矿区", "煤", 81.0, 43.2, 0.2},
		{"拜城煤炭国家规划矿区", "煤、煤层气", 81.85, 42.05, 0.22},
		{"库车俄霍布拉克煤炭国家规划矿区", "煤、煤层气", 83.0, 42.05, 0.2},
		{"轮台阳霞煤炭国家规划矿区", "煤", 84.5, 42.05, 0.2},
		{"库尔勒塔什店煤炭国家规划矿区", "煤", 86.35, 42.0, 0.15},
		// metal and non-metal
		{"阿舍勒铜矿国家规划矿区", "铜、金", 86.3, 48.3, 0.2},
		{"喀拉通克铜镍矿国家规划矿区", "铜、镍", 89.7, 46.72, 0.18},
		{"蒙库铁矿国家规划矿区", "铁", 88.8, 47.35, 0.18},
		{"可可托海稀有金属国家规划矿区", "锂、铍、铌钽", 89.85, 47.25, 0.15},
		{"黄山—镜儿泉铜镍矿国家规划矿区", "铜、镍", 94.55, 42.2, 0.25},
		{"土屋—延东铜矿国家规划矿区", "铜、金", 92.8, 41.8, 0.22},
		{"罗布泊钾盐国家规划矿区", "钾盐", 91.0, 40.35, 0.3},
		{"包古图铜金矿国家规划矿区", "金、铜", 84.5, 45.55, 0.15},
		{"哈图金矿国家规划矿区", "金", 84.2, 45.98, 0.18},
		{"萨尔托海铬矿国家规划矿区", "铬", 83.75, 45.55, 0.15},
		{"阿希金矿国家规划矿区", "金", 81.7, 44.35, 0.15},
		{"查岗诺尔—智博铁矿国家规划矿区", "铁", 83.95, 43.3, 0.2},
		{"备战铁矿国家规划矿区", "铁", 84.35, 43.1, 0.15},
		{"敦德铁矿国家规划矿区", "铁、金", 83.35, 43.35, 0.15},
		{"卡特巴阿苏金矿国家规划矿区", "金", 82.9, 43.05, 0.15},
		{"瓦吉尔塔格钒钛磁铁矿国家规划矿区", "铁、钒、钛", 78.7, 40.05, 0.18},
		{"乌拉根铅锌矿国家规划矿区", "铅锌", 75.1, 39.75, 0.15},
		{"萨热克铜矿国家规划矿区", "铜", 75.4, 40.15, 0.15},
		{"萨瓦亚尔顿金矿国家规划矿区", "金", 76.2, 39.95, 0.15},
		{"玛尔坎苏锰矿国家规划矿区", "锰", 75.1, 38.95, 0.25},
		{"火烧云铅锌矿国家规划矿区", "铅锌", 78.4, 35.7, 0.18},
		{"大红柳滩锂铍矿国家规划矿区", "锂、铍", 79.1, 35.78, 0.2},
		{"卡尔恰尔萤石矿国家规划矿区", "萤石", 88.9, 38.55, 0.2},
	}
	var out []zoneSpec
	for i, r := range rows {
		ry := r.rx * 0.75
		out = append(out, zoneSpec{Layer: "gjghkq", Code: fmt.Sprintf("GK%02d", i+1), Name: r.name,
			ZYKZ: r.zykz, BZ: "示意", Parts: []radialSpec{blob(r.x, r.y, r.rx, ry)}})
	}
	return out
}

// zlcbqSpecs: 5 strategic reserve areas, 2 national and 3 of the autonomous region.
func zlcbqSpecs() []zoneSpec {
	z := func(code, name, zykz, level string, s radialSpec) zoneSpec {
		return zoneSpec{Layer: "zlcbq", Code: code, Name: name, ZYKZ: zykz, BZ: "示意；" + level, Parts: []radialSpec{s}}
	}
	return []zoneSpec{
		z("CB01", "新疆若羌县祁漫塔格铁金战略性矿产资源储备区", "铁、金", "国家级", blob(87.6, 37.55, 0.35, 0.2)),
		z("CB02", "新疆且末县阿尔金锂铍战略性矿产资源储备区", "锂、铍", "国家级", blob(85.4, 36.75, 0.3, 0.18)),
		z("CB03", "新疆青河县铜镍战略性矿产资源储备区", "铜、镍", "自治区级", blob(90.75, 46.3, 0.25, 0.15)),
		z("CB04", "新疆乌恰县铅锌战略性矿产资源储备区", "铅锌", "自治区级", blob(77.0, 40.3, 0.25, 0.15)),
		z("CB05", "新疆叶城县铁矿战略性矿产资源储备区", "铁", "自治区级", blob(77.2, 36.85, 0.28, 0.16)),
	}
}

// toponyms builds plausible Uyghur/Kazakh/Mongolian place names for 示意 zones and blocks.
var (
	topoA = []string{"喀拉", "阿克", "库木", "克孜勒", "托尔", "塔斯", "乌尊", "铁热克", "苏鲁", "阿勒腾", "别斯", "琼", "萨尔", "恰勒", "布伦", "江格", "哈尔", "乌兰", "巴音", "其格"}
	topoB = []string{"苏", "布拉克", "塔格", "萨依", "陶", "吐别克", "库都克", "阿尕什", "托海", "乌拉", "沟", "克尔", "巴斯陶", "铁列克", "达坂"}
)

func toponym(rng *rand.Rand) string {
	return topoA[rng.IntN(len(topoA))] + topoB[rng.IntN(len(topoB))]
}

// kfqMinerals lists the minerals a key exploration area of each belt may be drawn for
// (metals and non-metals only; oil and gas areas are the state's).
var kfqMinerals = map[string][]string{
	"KFQ03": {"铜", "镍", "金", "铁", "钴", "锂", "铍"},
	"KFQ04": {"金", "铜", "石墨", "煤"},
	"KFQ05": {"金", "铬", "铜"},
	"KFQ06": {"铜", "镍", "铁", "金", "锰", "银", "钒", "钛", "石英岩"},
	"KFQ07": {"铁", "金", "铜", "石灰岩", "石英岩"},
	"KFQ08": {"铜", "铅锌", "金", "铁"},
	"KFQ09": {"铁", "锰", "铅锌", "金", "锂", "铍"},
	"KFQ10": {"铁", "金", "锑", "锂", "铍", "萤石", "石英岩"},
}

// zdkanchqSpecs draws 60 key exploration areas (48 national, 12 of the region) along the belts,
// plus the placer-gold area of 哈巴河 whose block carries the planted 砂金 breach.
func zdkanchqSpecs(rng *rand.Rand, kfq []*zone, nameAt func(orb.Point) string) []zoneSpec {
	var out []zoneSpec
	belts := []string{"KFQ03", "KFQ04", "KFQ05", "KFQ06", "KFQ07", "KFQ08", "KFQ09", "KFQ10"}
	byCode := map[string]*zone{}
	for _, z := range kfq {
		byCode[z.Code] = z
	}
	// 砂金 along the 额尔齐斯 tributaries of 哈巴河 (the region's planned placer area, 示意).
	out = append(out, zoneSpec{Layer: "zdkanchq", Code: "ZK01", Name: "新疆哈巴河县砂金重点勘查区",
		ZYKZ: "砂金、金", BZ: "示意；自治区级", Parts: []radialSpec{blob(86.45, 48.2, 0.22, 0.14)}})
	for i := 1; len(out) < 60; i++ {
		bc := belts[i%len(belts)]
		z := byCode[bc]
		// a centre on the belt: a random point of its outline's interior
		b := z.Geom.Bound()
		var c orb.Point
		for k := 0; k < 500; k++ {
			c = orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
			if polyContains(z.Geom, c) {
				break
			}
		}
		mins := kfqMinerals[bc]
		m1 := mins[rng.IntN(len(mins))]
		m2 := mins[rng.IntN(len(mins))]
		zykz, title := m1, m1
		if m2 != m1 {
			zykz, title = m1+"、"+m2, m1+m2
		}
		level := "国家级"
		if len(out) >= 48 {
			level = "自治区级"
		}
		county := nameAt(c)
		if county == "" {
			continue
		}
		out = append(out, zoneSpec{Layer: "zdkanchq", Code: fmt.Sprintf("ZK%02d", len(out)+1),
			Name: "新疆" + county + toponym(rng) + title + "矿重点勘查区", ZYKZ: zykz, BZ: "示意；" + level,
			Parts: []radialSpec{blob(c[0], c[1], 0.15+0.15*rng.Float64(), 0.1+0.1*rng.Float64())}})
	}
	return out
}

// zdkaicqSpecs draws 75 key mining areas inside the bases and national planning mining areas,
// with their parents' minerals (a key mining area concentrates what its parent plans).
func zdkaicqSpecs(rng *rand.Rand, parents []*zone) []zoneSpec {
	var out []zoneSpec
	used := map[string]int{}
	var cands []*zone
	for _, z := range parents {
		if !strings.Contains(z.ZYKZ, "石油") && !strings.Contains(z.ZYKZ, "天然气") {
			cands = append(cands, z)
		}
	}
	// the parts of the multi-part coal base are named after their coal fields
	coalParts := []string{"准东", "吐哈", "伊犁", "库拜"}
	numerals := []string{"", "", "二", "三", "四", "五", "六", "七", "八", "九"}
	for i := 0; len(out) < 75; i++ {
		par := cands[i%len(cands)]
		pi := rng.IntN(len(par.Geom))
		part := par.Geom[pi]
		c := centroid(orb.MultiPolygon{orb.Polygon{part[0]}})
		b := part.Bound()
		c[0] += (rng.Float64() - 0.5) * (b.Max[0] - b.Min[0]) * 0.3
		c[1] += (rng.Float64() - 0.5) * (b.Max[1] - b.Min[1]) * 0.3
		base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(par.Name, "国家规划矿区"), "能源资源基地"), "矿")
		if len(par.Geom) == len(coalParts) {
			base = coalParts[pi] + "煤炭"
		}
		used[base]++
		name := base + "重点开采区"
		if n := used[base]; n > 1 {
			name = base + numerals[min(n, len(numerals)-1)] + "号重点开采区"
		}
		out = append(out, zoneSpec{Layer: "zdkaicq", Code: fmt.Sprintf("ZC%02d", len(out)+1), Name: name,
			ZYKZ: par.ZYKZ, BZ: "示意",
			Parts: []radialSpec{blob(c[0], c[1], (b.Max[0]-b.Min[0])*0.15, (b.Max[1]-b.Min[1])*0.15)}})
	}
	return out
}

// constraintSpecs: a few of each constraint layer, near the places they are in reality (示意).
// The 自然保护地 are zoned: the 一般控制区 polygon has the 核心保护区 as a hole, so the two never
// overlap, as in a reserve's zoning plan.
type constraintSpec struct {
	Layer, Name, LX string
	Spec            radialSpec
	Core            float64 // zrbhd: the core zone's fraction of the outline; 0 = none
}

func constraintSpecs() []constraintSpec {
	return []constraintSpec{
		// 卡拉麦里 borders the 准东 coal field in reality; its core reaches into the coal base here
		// so that the planted R06 block can sit in it.
		{"zrbhd", "卡拉麦里山有蹄类野生动物自然保护区", "", radialSpec{C: p(89.55, 45.45), RX: 0.7, RY: 0.42, N: 40, Amp: 0.15}, 0.55},
		{"zrbhd", "阿尔金山国家级自然保护区", "", radialSpec{C: p(89.3, 37.0), RX: 1.4, RY: 0.5, N: 40, Amp: 0.2}, 0.5},
		{"zrbhd", "喀纳斯国家级自然保护区", "", radialSpec{C: p(87.2, 48.75), RX: 0.35, RY: 0.2, N: 32, Amp: 0.2}, 0.5},
		{"zrbhd", "巴音布鲁克国家级自然保护区", "", radialSpec{C: p(84.2, 42.75), RX: 0.45, RY: 0.18, N: 32, Amp: 0.2}, 0.5},
		{"zrbhd", "罗布泊野骆驼国家级自然保护区", "", radialSpec{C: p(92.6, 40.6), RX: 0.9, RY: 0.5, N: 36, Amp: 0.2}, 0.5},
		{"zrbhd", "托木尔峰国家级自然保护区", "", radialSpec{C: p(80.25, 42.0), RX: 0.35, RY: 0.18, N: 32, Amp: 0.2}, 0.5},
		{"zrbhd", "塔什库尔干野生动物自然保护区", "", radialSpec{C: p(75.6, 37.15), RX: 0.3, RY: 0.3, N: 32, Amp: 0.2}, 0.5},
		{"stbhhx", "天山北坡水源涵养生态保护红线", "水源涵养", radialSpec{C: p(87.5, 43.45), RX: 0.5, RY: 0.12, N: 32, Amp: 0.2}, 0},
		{"stbhhx", "额尔齐斯河流域生态保护红线", "水源涵养", radialSpec{C: p(87.6, 47.75), RX: 0.5, RY: 0.1, Rot: 25, N: 32, Amp: 0.2}, 0},
		{"stbhhx", "塔里木河流域防风固沙生态保护红线", "防风固沙", radialSpec{C: p(84.8, 40.7), RX: 0.9, RY: 0.12, Rot: 10, N: 36, Amp: 0.2}, 0},
		{"stbhhx", "伊犁河谷水土保持生态保护红线", "水土保持", radialSpec{C: p(82.0, 43.7), RX: 0.35, RY: 0.1, N: 32, Amp: 0.2}, 0},
		{"stbhhx", "艾比湖湿地生态保护红线", "生物多样性维护", radialSpec{C: p(82.95, 44.9), RX: 0.3, RY: 0.15, N: 32, Amp: 0.2}, 0},
		{"yjjbnt", "伊宁市周边永久基本农田", "永久基本农田", radialSpec{C: p(81.3, 43.85), RX: 0.15, RY: 0.08, N: 28, Amp: 0.3}, 0},
		{"yjjbnt", "喀什市周边永久基本农田", "永久基本农田", radialSpec{C: p(76.0, 39.4), RX: 0.18, RY: 0.1, N: 28, Amp: 0.3}, 0},
		{"yjjbnt", "阿克苏市周边永久基本农田", "永久基本农田", radialSpec{C: p(80.3, 41.1), RX: 0.16, RY: 0.09, N: 28, Amp: 0.3}, 0},
		{"yjjbnt", "石河子市周边永久基本农田", "永久基本农田", radialSpec{C: p(86.05, 44.4), RX: 0.18, RY: 0.08, N: 28, Amp: 0.3}, 0},
		{"yjjbnt", "昌吉市周边永久基本农田", "永久基本农田", radialSpec{C: p(87.25, 44.1), RX: 0.14, RY: 0.07, N: 28, Amp: 0.3}, 0},
		{"yjjbnt", "和田市周边永久基本农田", "永久基本农田", radialSpec{C: p(79.95, 37.2), RX: 0.14, RY: 0.08, N: 28, Amp: 0.3}, 0},
		{"czkfbj", "乌鲁木齐市城镇开发边界", "城镇开发边界", radialSpec{C: p(87.6, 43.83), RX: 0.14, RY: 0.1, N: 28, Amp: 0.3}, 0},
		{"czkfbj", "克拉玛依市城镇开发边界", "城镇开发边界", radialSpec{C: p(84.88, 45.58), RX: 0.08, RY: 0.05, N: 28, Amp: 0.3}, 0},
		{"czkfbj", "哈密市城镇开发边界", "城镇开发边界", radialSpec{C: p(93.5, 42.82), RX: 0.08, RY: 0.05, N: 28, Amp: 0.3}, 0},
		{"czkfbj", "库尔勒市城镇开发边界", "城镇开发边界", radialSpec{C: p(86.15, 41.75), RX: 0.08, RY: 0.05, N: 28, Amp: 0.3}, 0},
		{"czkfbj", "吐鲁番市城镇开发边界", "城镇开发边界", radialSpec{C: p(89.18, 42.95), RX: 0.07, RY: 0.04, N: 28, Amp: 0.3}, 0},
		{"czkfbj", "喀什市城镇开发边界", "城镇开发边界", radialSpec{C: p(75.99, 39.47), RX: 0.07, RY: 0.05, N: 28, Amp: 0.3}, 0},
	}
}
