package validate

import (
	"context"
	"testing"

	"kuanggui/internal/crs"
	"kuanggui/internal/plan"
)

// synthCLI is the plan `kuanggui synth` writes (plan.SyntheticBlocks), numbered and with MJ as
// BulkInsert fills it.
func synthCLI(n int, seed uint64) Input {
	expl, mining := plan.SyntheticBlocks(n, seed)
	for _, fs := range [][]plan.Feature{expl, mining} {
		for i := range fs {
			fs[i].ID = int64(i + 1)
			fs[i].Attrs["MJ"] = crs.AreaKm2(fs[i].Geometry)
		}
	}
	return Input{Meta: plan.Meta{Level: plan.LevelProvince},
		Layers: map[string][]plan.Feature{"kanchqk": expl, "kaicqk": mining}}
}

func onlyRule(r Rules, ids ...string) Rules {
	m := map[string]RuleSetting{}
	for id, s := range r.Rule {
		s.Enabled = false
		m[id] = s
	}
	for _, id := range ids {
		s := m[id]
		s.Enabled = true
		m[id] = s
	}
	r.Rule = m
	return r
}

// BenchmarkR02CLI120k is `kuanggui validate --rules R02` on the `kuanggui synth` plan without
// the loading: engine construction and the run. Target ≤ 0.2 s (SpatiaLite's same query through
// ogrinfo takes about 1.1 s on the development machine).
func BenchmarkR02CLI120k(b *testing.B) {
	in := synthCLI(120000, 1)
	rules := onlyRule(DefaultRules(plan.LevelProvince), "R02")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		fs, err := NewEngine(in, rules).Run(context.Background(), nil)
		if err != nil || len(fs) != 2400 {
			b.Fatal(len(fs), err)
		}
	}
}

// BenchmarkAllCLI120k runs every rule on the `kuanggui synth` plan; target ≤ 10 s.
func BenchmarkAllCLI120k(b *testing.B) {
	in := synthCLI(120000, 1)
	rules := DefaultRules(plan.LevelProvince)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		fs, err := NewEngine(in, rules).Run(context.Background(), nil)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(fs)), "findings")
	}
}

// BenchmarkNewEngineCLI120k is the construction part of BenchmarkR02CLI120k.
func BenchmarkNewEngineCLI120k(b *testing.B) {
	in := synthCLI(120000, 1)
	rules := onlyRule(DefaultRules(plan.LevelProvince), "R02")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		NewEngine(in, rules)
	}
}
