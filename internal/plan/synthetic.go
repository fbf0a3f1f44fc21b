package plan

import (
	"fmt"
	"math/rand/v2"

	"github.com/paulmach/orb"
)

// SyntheticBlocks makes the large synthetic plan the speed targets are measured on (`kuanggui
// synth` and the benchmarks): blocks of 1–2 × 1–2 basic cells on the 1′ grid over Xinjiang's
// extent, on a 3′ lattice so they keep at least 1′ apart, 70% exploration and 30% mining, with
// one block in fifty moved half a cell onto the previous exploration block so the overlap rules
// have real work. IDs and MJ are left to the caller. The same n and seed give the same plan.
func SyntheticBlocks(n int, seed uint64) (expl, mining []Feature) {
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
			prev := expl[len(expl)-1].Geometry.Bound()
			x, y = prev.Min[0]+minute/2, prev.Min[1]
		}
		g := orb.MultiPolygon{{{{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}, {x, y}}}}
		kz := minerals[rng.IntN(len(minerals))]
		kind := Exploration
		if i%10 >= 7 {
			kind = Mining
		}
		attrs := Attrs{"QKBH": BlockCode("", kind, "650000", i), "QKMC": fmt.Sprintf("合成区块 %d", i), "KZ": kz,
			"XZQDM": "650000", "GHQ": "2021-2025", "BZ": "合成测试数据"}
		if kind == Mining {
			attrs["KCFS"] = "地下"
			mining = append(mining, Feature{Geometry: g, Attrs: attrs})
		} else {
			expl = append(expl, Feature{Geometry: g, Attrs: attrs})
		}
	}
	return expl, mining
}
