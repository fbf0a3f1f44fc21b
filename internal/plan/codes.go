package plan

import (
	"fmt"
	"strings"
)

// BlockCodePrefix is the first letter of a block code: T for exploration (探矿), C for mining (采矿),
// as in mining-right numbers.
func BlockCodePrefix(k BlockKind) string {
	if k == Mining {
		return "C"
	}
	return "T"
}

// BlockCode builds a QKBH from the template: {P} prefix letter, {XZQDM} the six-digit region
// code, {N} the serial, zero-padded to three digits. The default template is "{P}{XZQDM}{N}".
func BlockCode(template string, k BlockKind, xzqdm string, serial int) string {
	if template == "" {
		template = "{P}{XZQDM}{N}"
	}
	r := strings.NewReplacer("{P}", BlockCodePrefix(k), "{XZQDM}", xzqdm, "{N}", fmt.Sprintf("%03d", serial))
	return r.Replace(template)
}

// Meta is the plan's metadata, stored in the project.
type Meta struct {
	Region     string `json:"region"`      // 新疆维吾尔自治区
	RegionCode string `json:"region_code"` // GB/T 2260, 650000
	Level      string `json:"level"`       // 省级 / 地级 / 县级
	Period     string `json:"period"`      // 2021-2025
	BaseYear   int    `json:"base_year"`   // 2020
	Sample     bool   `json:"sample"`      // 示意: generated, not an official plan
}

// Plan levels.
const (
	LevelProvince   = "省级"
	LevelPrefecture = "地级"
	LevelCounty     = "县级"
)
