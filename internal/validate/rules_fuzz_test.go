package validate

import (
	"encoding/json"
	"testing"

	"kuanggui/internal/plan"
)

// FuzzRulesJSON feeds rule settings as a project file may hold them (written by an older
// version, edited by hand, damaged): decoding never panics, and whatever decodes runs.
func FuzzRulesJSON(f *testing.F) {
	good, _ := json.Marshal(DefaultRules(plan.LevelPrefecture))
	f.Add(good)
	f.Add([]byte(`{"level":"县级","rule":{"R02":{"enabled":false}},"overlap_tolerance":-5}`))
	f.Add([]byte(`{"safety_distance":{"open_pit":1e308,"by_mineral":{"煤":-1}},"cells":{"metal":0}}`))
	f.Add([]byte(`{"zone_layers":{"mining":["nosuch"]},"mineral_zone_layers":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var r Rules
		if err := json.Unmarshal(data, &r); err != nil {
			return
		}
		fs := run(t, map[string][]plan.Feature{
			"kaicqk": {block(1, "C1", "煤", rect(84, 44, 84.01, 44.01)), block(2, "C2", "铜", rect(84.005, 44, 84.02, 44.01))},
		}, r)
		for _, f := range fs {
			if f.Rule == "" || f.Message == "" {
				t.Fatalf("finding without rule or message: %+v", f)
			}
		}
	})
}
