package plan

import "testing"

func TestSyntheticBlocks(t *testing.T) {
	expl, mining := SyntheticBlocks(1000, 1)
	if len(expl) != 700 || len(mining) != 300 {
		t.Fatalf("%d exploration, %d mining, want 700 and 300", len(expl), len(mining))
	}
	again, _ := SyntheticBlocks(1000, 1)
	if again[123].Attrs.String("QKBH") != expl[123].Attrs.String("QKBH") || !again[123].Geometry.Equal(expl[123].Geometry) {
		t.Fatal("the same seed gave another plan")
	}
	// Every fiftieth block (i%50 == 45, an exploration one) sits half a cell onto the one before.
	overlapping := 0
	for i := 1; i < len(expl); i++ {
		a, b := expl[i-1].Geometry.Bound(), expl[i].Geometry.Bound()
		if a.Intersects(b) && b.Min[0] > a.Min[0] && b.Min[0] < a.Max[0] {
			overlapping++
		}
	}
	if overlapping != 20 {
		t.Fatalf("%d planted overlaps, want 20 (one in fifty)", overlapping)
	}
}
