package main

import (
	"flag"
	"fmt"

	"kuanggui/internal/document"
	"kuanggui/internal/plan"
)

func init() {
	commands["synth"] = command{"synth P.gpkg [--blocks 120000] [--seed 1]", "生成大规模测试项目 (a synthetic plan for benchmarks)", cmdSynth}
}

// cmdSynth writes plan.SyntheticBlocks into a new project: the plan the speed targets are
// measured on.
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
	return plan.SyntheticBlocks(n, seed)
}
