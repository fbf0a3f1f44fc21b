package render

import (
	"testing"

	"github.com/paulmach/orb"
)

func TestPosterViewportLeavesTheLegendFree(t *testing.T) {
	b := orb.Bound{Min: orb.Point{73.5, 34.3}, Max: orb.Point{96.4, 49.2}}
	opt := PosterOptions{Title: "标题", Note: "示意", Legend: []LegendEntry{{Label: "勘查规划区块"}, {Label: "开采规划区块"}}}
	v := PosterViewport(b, 1600, 1100, opt)
	x0, y1 := v.ToScreen(b.Min[0], b.Min[1])
	x1, y0 := v.ToScreen(b.Max[0], b.Max[1])
	// Left of the plan there is room for the legend (at least the swatch and padding), above it
	// the title band, and the plan stays inside the image.
	if x0 < 22+3*12 || y0 < 2*12+30+18 || x1 > 1600 || y1 > 1100 {
		t.Fatalf("plan drawn at x %.0f–%.0f, y %.0f–%.0f", x0, x1, y0, y1)
	}
}
