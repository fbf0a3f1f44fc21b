package validate

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"

	"kuanggui/internal/crs"
	"kuanggui/internal/plan"
)

// synthCLI is the plan `kuanggui synth` writes (app/cli_synth.go, copied because package main
// cannot be imported): n blocks of 1–2 × 1–2 cells on a 3′ lattice over Xinjiang, 70%
// exploration, 30% mining, one in fifty moved half a cell onto the previous exploration block.
// Features get IDs 1… per layer, as the GeoPackage gives them, and MJ as the import computes it.
func synthCLI(n int, seed uint64) Input {
	rng := rand.New(rand.NewPCG(seed, 0x6b67))
	const step = 3 * minute
	cols, rows := int((96.4-73.5)/step), int((49.2-34.3)/step)
	used := map[int]bool{}
	minerals := []string{"煤", "铁", "铜", "金", "锰", "铅锌", "镍", "锂"}
	var expl, mining []plan.Feature
	for i := 0; i < n; i++ {
		var c int
		for {
			c = rng.IntN(cols * rows)
			if !used[c] || len(used) >= cols*rows {
				break
			}
		}
		used[c] = true
		x := 73.5 + float64(c%cols)*step
		y := 34.3 + float64(c/cols)*step
		w, h := float64(1+rng.IntN(2))*minute, float64(1+rng.IntN(2))*minute
		if i%50 == 45 && len(expl) > 0 {
			prev := expl[len(expl)-1].Geometry.Bound()
			x, y = prev.Min[0]+minute/2, prev.Min[1]
		}
		g := orb.MultiPolygon{{{{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}, {x, y}}}}
		kz := minerals[rng.IntN(len(minerals))]
		kind := plan.Exploration
		if i%10 >= 7 {
			kind = plan.Mining
		}
		attrs := plan.Attrs{"QKBH": plan.BlockCode("", kind, "650000", i), "QKMC": fmt.Sprintf("合成区块 %d", i), "KZ": kz,
			"XZQDM": "650000", "GHQ": "2021-2025", "BZ": "合成测试数据", "MJ": math.Round(crs.AreaKm2(g)*1e4) / 1e4}
		if kind == plan.Mining {
			attrs["KCFS"] = "地下"
			mining = append(mining, plan.Feature{ID: int64(len(mining) + 1), Geometry: g, Attrs: attrs})
		} else {
			expl = append(expl, plan.Feature{ID: int64(len(expl) + 1), Geometry: g, Attrs: attrs})
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
