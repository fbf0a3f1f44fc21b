package main

import (
	"flag"
	"fmt"
	"math/rand/v2"

	"github.com/paulmach/orb"

	"kuanggui/internal/document"
	"kuanggui/internal/plan"
)

func init() {
	commands["synth"] = command{"synth P.gpkg [--blocks 120000] [--seed 1]", "生成大规模测试项目 (a synthetic plan for benchmarks)", cmdSynth}
}

// cmdSynth makes a large synthetic plan: blocks of 1–2 × 1–2 basic cells on the 1′ grid over
// Xinjiang's extent, on a 3′ lattice so they keep at least 1′ apart, 70% exploration and 30%
// mining, with one block in fifty moved half a cell onto the previous one so the overlap rules
// have real work. It is what the speed targets are measured on.
func cmdSynth(args []string) int {
	fs := flag.NewFlagSet("synth", flag.ContinueOnError)
	n := fs.Int("blocks", 120000, "number of blocks")
	seed := fs.Uint64("seed", 1, "random seed")
	pos, ok := parseArgs("synth", fs, args, 1, 1)
	if !ok {
		return exitUsage
	}
	if *n < 1 || *n > 5_000_000 {
		fail("synth", "--blocks 应在 1 到 5000000 之间")
		return exitUsage
	}
	d, err := document.Create(pos[0], plan.Meta{Region: "新疆维吾尔自治区(合成测试)", RegionCode: "650000", Level: plan.LevelProvince, Period: "2021-2025", BaseYear: 2020, Sample: true})
	if err != nil {
		fail("synth", "%v", err)
		return exitUsage
	}
	defer d.Close()
	expl, mining := synthBlocks(*n, *seed)
	for _, l := range []struct {
		table string
		fs    []plan.Feature
	}{{"kanchqk", expl}, {"kaicqk", mining}} {
		if err := d.BulkInsert(l.table, l.fs, nil); err != nil {
			fail("synth", "%v", err)
			return exitUsage
		}
	}
	fmt.Printf("已生成 %s: 勘查规划区块 %d, 开采规划区块 %d\n", pos[0], len(expl), len(mining))
	return exitOK
}

func synthBlocks(n int, seed uint64) (expl, mining []plan.Feature) {
	rng := rand.New(rand.NewPCG(seed, 0x6b67))
	const minute = 1.0 / 60
	// A lattice 3′ apart over 73.5–96.4°E, 34.3–49.2°N: 136,000 places for blocks of up to 2′.
	const step = 3 * minute
	cols, rows := int((96.4-73.5)/step), int((49.2-34.3)/step)
	used := map[int]bool{}
	minerals := []string{"煤", "铁", "铜", "金", "锰", "铅锌", "镍", "锂"}
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
			// Planted overlap: half a cell onto the previous exploration block.
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
			"XZQDM": "650000", "GHQ": "2021-2025", "BZ": "合成测试数据"}
		if kind == plan.Mining {
			attrs["KCFS"] = "地下"
			mining = append(mining, plan.Feature{Geometry: g, Attrs: attrs})
		} else {
			expl = append(expl, plan.Feature{Geometry: g, Attrs: attrs})
		}
	}
	return expl, mining
}
