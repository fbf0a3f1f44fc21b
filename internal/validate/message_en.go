package validate

import (
	"regexp"
	"strings"
)

// The English messages (Finding.MessageEN) carry the same facts as the Chinese ones. The few
// Chinese words that reach a message from outside this package's format strings — topo's
// validity reasons, the rules' condition and flag words, LX values, scale units — are put in
// English here; anything not known is left as it is rather than guessed.

// termsEN translates the fixed words of the default rules and the catalog's pick-lists.
var termsEN = map[string]string{
	"可耕地":    "arable land",
	"砷":      "arsenic",
	"放射性":    "radioactivity",
	"核心保护区":  "core protection zone",
	"一般控制区":  "general control zone",
	"煤与瓦斯突出": "coal and gas outburst",
}

func termEN(s string) string {
	if t, ok := termsEN[strings.TrimSpace(s)]; ok {
		return t
	}
	return s
}

var unitsEN = map[string]string{"万吨/年": "×10⁴ t/year", "吨/日": "t/day"}

// UnitEN is a finding's Unit in English (万吨/年, 吨/日); other units are already international.
func UnitEN(u string) string { return unitEN(u) }

func unitEN(u string) string {
	if t, ok := unitsEN[strings.TrimSpace(u)]; ok {
		return t
	}
	return u
}

// reasonsEN are topo.Validity's own reasons (valid.go); the ring and part numbers are kept.
var reasonsEN = []struct {
	re *regexp.Regexp
	en string
}{
	{regexp.MustCompile(`^无几何$`), "no geometry"},
	{regexp.MustCompile(`^第 (\d+) 部分没有环$`), "part $1 has no ring"},
	{regexp.MustCompile(`^第 (\d+) 部分第 (\d+) 环没有点$`), "part $1 ring $2 has no points"},
	{regexp.MustCompile(`^第 (\d+) 部分第 (\d+) 环有非数值坐标$`), "part $1 ring $2 has non-numeric coordinates"},
	{regexp.MustCompile(`^第 (\d+) 部分第 (\d+) 环未闭合$`), "part $1 ring $2 is not closed"},
	{regexp.MustCompile(`^第 (\d+) 部分第 (\d+) 环只有 (\d+) 个不同的点，至少需要 3 个$`), "part $1 ring $2 has only $3 distinct points; at least 3 are needed"},
	{regexp.MustCompile(`^GEOS 无法读取: (.*)$`), "GEOS cannot read it: $1"},
	{regexp.MustCompile(`^GEOS 无法检查: (.*)$`), "GEOS cannot check it: $1"},
	// "环自相交（Ring Self-intersection）": GEOS's own English words are in the brackets.
	{regexp.MustCompile(`^[^（]*（(.*)）$`), "$1"},
}

// reasonEN puts a topo.Validity reason in English.
func reasonEN(reason string) string {
	for _, r := range reasonsEN {
		if r.re.MatchString(reason) {
			return r.re.ReplaceAllString(reason, r.en)
		}
	}
	return reason
}
