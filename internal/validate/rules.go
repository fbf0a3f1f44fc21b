// Package validate checks a plan against the rules of DESIGN.md §6 (R01–R12) and re-checks only
// what an edit touched.
//
// Measures: overlap and outside areas (R02, R03, R05, R06, R10) are ellipsoidal areas in m² on
// CGCS2000 of the lon/lat overlay result (crs.EllipsoidalArea, TD/T 1055-2019 附录D); distances
// (R04) are planar in the 3° Gauss-Krüger zone (no prefix) of the first block of the pair, through
// PROJ; block areas (R08, R11) are crs.AreaKm2. Touching is never overlap: overlap is an
// intersection AREA above a tolerance, not GEOS's Overlaps predicate.
package validate

import (
	"encoding/json"
	"strings"

	"github.com/paulmach/orb"

	"kuanggui/internal/plan"
)

// Severity of a finding.
type Severity string

const (
	Error   Severity = "error"
	Warning Severity = "warning"
	Info    Severity = "info"
)

func (s Severity) rank() int {
	switch s {
	case Error:
		return 0
	case Warning:
		return 1
	}
	return 2
}

// Finding is one breach of a rule.
type Finding struct {
	Rule       string
	Severity   Severity
	Layer      string
	FeatureIDs []int64
	Codes      []string // QKBH of the features, in FeatureIDs order
	// Geometry in lon/lat: the overlap polygon, the shortest-distance line, the self-intersection
	// point, the part outside the zones, or the block itself for attribute rules.
	Geometry orb.Geometry
	Value    float64
	Limit    float64
	Unit     string
	Message  string
	// MessageEN says the same in English: the same codes, numbers (same precision), limits and
	// units; stored values (minerals, zone names, codes) stay as stored.
	MessageEN string
	// Key identifies the finding across runs (rule, sub-rule and sorted codes) for exceptions.
	Key string
	// GeomHash hashes the involved features' geometries: an exception holds while they are unchanged.
	GeomHash string

	refs []ref // every block feature involved, for incremental re-checks
}

type ref struct {
	table string
	id    int64
}

// RuleSetting switches one rule and sets the severity of its main finding. Secondary findings of
// a rule (R06 exploration outside core zones, R07 restricted minerals and zone minerals, R09
// unit mismatches) are warnings whatever this says.
type RuleSetting struct {
	Enabled  bool     `json:"enabled"`
	Severity Severity `json:"severity"`
}

// SafetyDistance is the minimum distance between mining blocks, in metres. A pair must keep the
// larger of its two blocks' requirements.
type SafetyDistance struct {
	OpenPit         float64 `json:"open_pit"`         // 露天 and quarries, and blocks whose KCFS is empty or mixed
	UndergroundCoal float64 `json:"underground_coal"` // 地下 coal: a 20 m pillar on each side
	Underground     float64 `json:"underground"`      // other 地下
	// ByMineral overrides the method defaults for a mineral name (KZ).
	ByMineral map[string]float64 `json:"by_mineral,omitempty"`
}

// MinScale holds the seed's floors (专栏15).
type MinScale struct {
	Coal                float64 `json:"coal"`          // 万吨/年
	CoalOutburst        float64 `json:"coal_outburst"` // 万吨/年, for mines flagged OutburstFlag in BZ
	OutburstFlag        string  `json:"outburst_flag"`
	RockGoldUnderground float64 `json:"rock_gold_underground"` // 吨/日
	RockGoldOpenPit     float64 `json:"rock_gold_open_pit"`    // 吨/日
}

// Rules are the settings of §6, stored in the project's kg_settings under "rules".
type Rules struct {
	Level string                 `json:"level"` // plan.LevelProvince / LevelPrefecture / LevelCounty
	Rule  map[string]RuleSetting `json:"rule"`  // "R01".."R12"
	// OverlapTolerance in m²: intersections at or below it are touching, not overlap (R02, R03,
	// and the "lies in" test of R05–R07, R10).
	OverlapTolerance float64        `json:"overlap_tolerance"`
	SafetyDistance   SafetyDistance `json:"safety_distance"`
	// ZoneLayers lists, per block kind, the zone tables a block must lie inside (R05).
	ZoneLayers map[plan.BlockKind][]string `json:"zone_layers"`
	// MineralZoneLayers are the zone tables whose ZYKZ a block's mineral must match (R07).
	MineralZoneLayers []string `json:"mineral_zone_layers"`
	// Prohibited minerals (R07 error). "X(可耕地)" prohibits X only where the block lies on
	// 永久基本农田 (ArableLayer).
	Prohibited  []string `json:"prohibited"`
	ArableLayer string   `json:"arable_layer"`
	// ProhibitedCoalFlags: coal blocks whose BZ names one of these (砷, 放射性) are prohibited.
	ProhibitedCoalFlags []string `json:"prohibited_coal_flags"`
	Restricted          []string `json:"restricted"` // R07 warning
	PlacerGold          string   `json:"placer_gold"`
	// PlacerGoldRegion is the GB/T 2260 code of the only prefecture where placer gold may be
	// mined (和田地区 653200); trailing "00" pairs are dropped to get the prefix.
	PlacerGoldRegion string   `json:"placer_gold_region"`
	MinScale         MinScale `json:"min_scale"`
	// Cells is the maximum number of basic unit blocks per mineral class (R08); empty means the
	// catalog's.
	Cells map[plan.MineralClass]int `json:"cells,omitempty"`
	// AreaTolerance is how far MJ may be from the computed area, km² (R11).
	AreaTolerance float64 `json:"area_tolerance"`
	// Zone tables by role for R06 and R10.
	ProtectedLayer string `json:"protected_layer"` // 自然保护地 (LX 核心保护区 / 一般控制区)
	RedLineLayer   string `json:"red_line_layer"`  // 生态保护红线
	ReserveLayer   string `json:"reserve_layer"`   // 战略性矿产资源储备区
}

// RuleNames are the Chinese titles of the rules, for panels and reports.
var RuleNames = map[string]string{
	"R01": "几何有效性",
	"R02": "同层区块重叠",
	"R03": "勘查区块与开采区块重叠",
	"R04": "开采区块安全距离",
	"R05": "区块位于规划分区内",
	"R06": "禁止开发区域",
	"R07": "矿种规定",
	"R08": "勘查区块面积",
	"R09": "最低开采规模",
	"R10": "战略性矿产资源储备区",
	"R11": "属性完整与一致",
	"R12": "跨 3° 分带",
}

// RuleNamesEN are the English titles of the rules, for an English UI.
var RuleNamesEN = map[string]string{
	"R01": "Geometry validity",
	"R02": "Overlapping blocks in a layer",
	"R03": "Exploration and mining blocks overlap",
	"R04": "Mining block safety distance",
	"R05": "Blocks inside planning zones",
	"R06": "No-development areas",
	"R07": "Mineral rules",
	"R08": "Exploration block area",
	"R09": "Minimum mining scale",
	"R10": "Strategic mineral reserve areas",
	"R11": "Attribute completeness and consistency",
	"R12": "Crossing a 3° zone",
}

// DefaultRules returns the seed's rule set for a plan level.
//
// R05 by level: the provincial plan draws mining blocks only inside 能源资源基地 or 国家规划矿区
// and exploration blocks inside those or 重点勘查区 (seed: "在能源资源基地、国家规划矿区…范围内
// 划定"), so outside is an error. Prefecture and county plans also draw blocks in 重点开采区 /
// 重点勘查区 "及其他区域", so those zones count too and a block outside all of them is only a
// warning for the reviewer.
func DefaultRules(level string) Rules {
	r := Rules{
		Level: level,
		Rule: map[string]RuleSetting{
			"R01": {true, Error}, "R02": {true, Error}, "R03": {true, Error}, "R04": {true, Error},
			"R05": {true, Error}, "R06": {true, Error}, "R07": {true, Error}, "R08": {true, Error},
			"R09": {true, Error}, "R10": {true, Warning}, "R11": {true, Error}, "R12": {true, Info},
		},
		OverlapTolerance: 1,
		SafetyDistance:   SafetyDistance{OpenPit: 300, UndergroundCoal: 40, Underground: 50},
		ZoneLayers: map[plan.BlockKind][]string{
			plan.Mining:      {"nyzyjd", "gjghkq"},
			plan.Exploration: {"nyzyjd", "gjghkq", "zdkanchq"},
		},
		MineralZoneLayers:   []string{"kfq", "nyzyjd", "gjghkq", "zdkanchq", "zdkaicq"},
		Prohibited:          []string{"砂铁", "汞", "砖瓦用粘土(可耕地)"},
		ArableLayer:         "yjjbnt",
		ProhibitedCoalFlags: []string{"砷", "放射性"},
		Restricted:          []string{"砖瓦用粘土", "钨", "稀土"},
		PlacerGold:          "砂金",
		PlacerGoldRegion:    "653200",
		MinScale: MinScale{Coal: 45, CoalOutburst: 90, OutburstFlag: "煤与瓦斯突出",
			RockGoldUnderground: 100, RockGoldOpenPit: 300},
		AreaTolerance:  0.0001,
		ProtectedLayer: "zrbhd",
		RedLineLayer:   "stbhhx",
		ReserveLayer:   "zlcbq",
	}
	if level == plan.LevelPrefecture || level == plan.LevelCounty {
		r.ZoneLayers[plan.Mining] = append(r.ZoneLayers[plan.Mining], "zdkaicq")
		r.Rule["R05"] = RuleSetting{true, Warning}
	} else if level == "" {
		r.Level = plan.LevelProvince
	}
	return r
}

type rulesJSON Rules

// MarshalJSON writes the settings as they are.
func (r Rules) MarshalJSON() ([]byte, error) { return json.Marshal(rulesJSON(r)) }

// UnmarshalJSON starts from DefaultRules of the stored level, so that settings added in a later
// version (or left out by hand) keep their defaults.
func (r *Rules) UnmarshalJSON(data []byte) error {
	var lv struct {
		Level string `json:"level"`
	}
	if err := json.Unmarshal(data, &lv); err != nil {
		return err
	}
	d := rulesJSON(DefaultRules(lv.Level))
	if err := json.Unmarshal(data, &d); err != nil {
		return err
	}
	for id, s := range d.Rule {
		if s.Severity != Error && s.Severity != Warning && s.Severity != Info {
			s.Severity = DefaultRules(d.Level).Rule[id].Severity
			if s.Severity == "" {
				s.Severity = Warning
			}
			d.Rule[id] = s
		}
	}
	*r = Rules(d)
	return nil
}

func (r *Rules) on(id string) bool { return r.Rule[id].Enabled }

func (r *Rules) sev(id string) Severity {
	if s := r.Rule[id].Severity; s != "" {
		return s
	}
	return Error
}

// placerPrefix is PlacerGoldRegion without its trailing "00" pairs (653200 → 6532).
func (r *Rules) placerPrefix() string {
	p := strings.TrimSpace(r.PlacerGoldRegion)
	for len(p) > 2 && strings.HasSuffix(p, "00") {
		p = p[:len(p)-2]
	}
	return p
}

// safety returns the distance a mining block needs around it.
func (r *Rules) safety(f plan.Feature, coal bool) float64 {
	sd := r.SafetyDistance
	for _, m := range minerals(f.Attrs.String("KZ")) {
		if d, ok := sd.ByMineral[m]; ok {
			return d
		}
	}
	method := f.Attrs.String("KCFS")
	if strings.Contains(method, "地下") && !strings.Contains(method, "露天") {
		if coal {
			return sd.UndergroundCoal
		}
		return sd.Underground
	}
	return sd.OpenPit
}

func (r *Rules) maxSafety() float64 {
	sd := r.SafetyDistance
	m := max(sd.OpenPit, sd.UndergroundCoal, sd.Underground)
	for _, d := range sd.ByMineral {
		m = max(m, d)
	}
	return m
}

// minerals splits a KZ value ("铜、金", "铜,金") into names.
func minerals(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || r == '/' || r == ' ' || r == '　'
	})
	return f
}
