package validate

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"kuanggui/internal/plan"
)

var numberRE = regexp.MustCompile(`\d+(?:\.\d+)?`)

// numbersOf lists the numbers a message states, in order of size (the English word order differs).
func numbersOf(s string) []string {
	n := numberRE.FindAllString(s, -1)
	slices.Sort(n)
	return n
}

// assertMessageEN checks that every finding says in English what it says in Chinese: the run
// helpers of this package's tests call it on all the findings their fixtures produce.
func assertMessageEN(t *testing.T, fs []Finding) {
	t.Helper()
	for _, f := range fs {
		if strings.TrimSpace(f.MessageEN) == "" {
			t.Errorf("%s: no English message for %q", f.Key, f.Message)
			continue
		}
		en := f.MessageEN
		for _, u := range unitsEN { // "×10⁴ t/year" states the unit, not a number of the finding
			en = strings.ReplaceAll(en, u, "")
		}
		if zh, got := numbersOf(f.Message), numbersOf(en); !slices.Equal(zh, got) {
			t.Errorf("%s: numbers %v in %q, %v in %q", f.Key, zh, f.Message, got, f.MessageEN)
		}
		if len(regexp.MustCompile(`[A-Za-z]{3,}`).FindAllString(f.MessageEN, -1)) < 2 {
			t.Errorf("%s: %q is not English", f.Key, f.MessageEN)
		}
		for _, c := range f.Codes {
			if c != "" && !strings.Contains(f.MessageEN, c) {
				t.Errorf("%s: English message %q does not name %s", f.Key, f.MessageEN, c)
			}
		}
	}
}

func TestMessageENWording(t *testing.T) {
	fs := run(t, map[string][]plan.Feature{
		"kanchqk": {block(1, "T1", "铜", rect(84, 44, 84.01, 44.01)), block(2, "T2", "铜", rect(84.005, 44, 84.015, 44.01))},
		"kaicqk":  {block(3, "C1", "铜", orb.MultiPolygon{{{{84.3, 44}, {84.31, 44.01}, {84.31, 44}, {84.3, 44.01}, {84.3, 44}}}})},
	}, DefaultRules(plan.LevelProvince))
	var r02, r01 *Finding
	for i := range fs {
		switch fs[i].Rule {
		case "R02":
			r02 = &fs[i]
		case "R01":
			r01 = &fs[i]
		}
	}
	if r02 == nil || r01 == nil {
		t.Fatalf("fixture lacks R01/R02: %+v", fs)
	}
	if !regexp.MustCompile(`^Exploration planning blocks T1 and T2 overlap by \d+\.\d m²$`).MatchString(r02.MessageEN) {
		t.Errorf("R02 English: %q", r02.MessageEN)
	}
	if !strings.HasPrefix(r01.MessageEN, "Mining planning blocks C1 invalid geometry: Self-intersection") {
		t.Errorf("R01 English: %q (Chinese %q)", r01.MessageEN, r01.Message)
	}
	rep := Report(fs)
	if rep.Findings[0].MessageEN != fs[0].MessageEN || rep.Findings[0].MessageEN == "" {
		t.Errorf("report message_en %q", rep.Findings[0].MessageEN)
	}
}

func TestUnitEN(t *testing.T) {
	if UnitEN("万吨/年") != "×10⁴ t/year" || UnitEN("吨/日") != "t/day" || UnitEN("m²") != "m²" {
		t.Fatalf("UnitEN: %q %q %q", UnitEN("万吨/年"), UnitEN("吨/日"), UnitEN("m²"))
	}
}

func TestReasonEN(t *testing.T) {
	for zh, en := range map[string]string{
		"无几何":            "no geometry",
		"第 2 部分第 1 环未闭合": "part 2 ring 1 is not closed",
		"第 1 部分第 3 环只有 2 个不同的点，至少需要 3 个":  "part 1 ring 3 has only 2 distinct points; at least 3 are needed",
		"洞在外环之外（Hole lies outside shell）": "Hole lies outside shell",
		"什么": "什么", // unknown: left as it is
	} {
		if got := reasonEN(zh); got != en {
			t.Errorf("reasonEN(%q) = %q, want %q", zh, got, en)
		}
	}
}

func TestRuleNamesEN(t *testing.T) {
	if len(RuleNamesEN) != len(RuleNames) {
		t.Fatalf("%d English rule names for %d rules", len(RuleNamesEN), len(RuleNames))
	}
	for id := range RuleNames {
		if n := RuleNamesEN[id]; n == "" || regexp.MustCompile(`\p{Han}`).MatchString(n) {
			t.Errorf("%s: English name %q", id, n)
		}
	}
}
