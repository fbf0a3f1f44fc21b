package render

import (
	"context"
	"encoding/binary"
	"math"
	"testing"

	"github.com/paulmach/orb"

	"kuanggui/internal/plan"
)

// FuzzRender feeds arbitrary coordinates (NaN, infinities, huge values, degenerate rings) to
// the renderer and hit test: nothing may panic or hang.
func FuzzRender(f *testing.F) {
	seed := func(vals ...float64) []byte {
		b := make([]byte, 8*len(vals))
		for i, v := range vals {
			binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(v))
		}
		return b
	}
	f.Add(seed(1, 1, 9, 1, 9, 9, 1, 9, 1, 1))
	f.Add(seed(1, 1, math.NaN(), 1, 9, 9, 1, 9))
	f.Add(seed(0, 0, 1e300, 0, 0, 1e300, -1e300, -5))
	f.Add(seed(5, 5, 5, 5, 5, 5))
	f.Add(seed(math.Inf(1), 0, 0, math.Inf(-1), 3, 3))
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 8*2*2000 {
			return
		}
		var ring orb.Ring
		for i := 0; i+16 <= len(data); i += 16 {
			ring = append(ring, orb.Point{
				math.Float64frombits(binary.LittleEndian.Uint64(data[i:])),
				math.Float64frombits(binary.LittleEndian.Uint64(data[i+8:])),
			})
		}
		m := NewMap()
		feats := []plan.Feature{{ID: 1, Geometry: orb.MultiPolygon{{ring}}, Attrs: plan.Attrs{"QYMC": "区"}}}
		m.SetLayer("a", feats, zoneStyle())
		m.SetOverlay([]orb.Geometry{ring, orb.LineString(ring), orb.MultiPoint(ring)})
		m.SetHighlight(map[string][]int64{"a": {1}})
		v := Viewport{CenterX: 5, CenterY: 5, Scale: 0.05, Width: 64, Height: 48}
		if _, err := m.Render(context.Background(), v); err != nil {
			t.Fatal(err)
		}
		m.HitTest(v, 32, 24, 3, nil)
		m.UpdateFeature("a", plan.Feature{ID: 1, Geometry: orb.MultiPolygon{{ring, ring}}})
		v.ZoomAt(10, 10, 1e6)
		if _, err := m.Render(context.Background(), v); err != nil {
			t.Fatal(err)
		}
		labelPoint(orb.MultiPolygon{{ring}})
	})
}
