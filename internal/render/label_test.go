package render

import (
	"context"
	"image"
	"os"
	"testing"

	"github.com/paulmach/orb"

	"kuanggui/internal/plan"
)

// testFont is a CJK font found on the machine; the label tests skip without one (the
// bundled font arrives in assets later).
func testFont(t *testing.T) []byte {
	for _, p := range []string{
		"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
		"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
		"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
	} {
		if b, err := os.ReadFile(p); err == nil {
			return b
		}
	}
	t.Skip("no CJK font on this machine")
	return nil
}

// darkIn counts label-text pixels (near black) in r.
func darkIn(img *image.RGBA, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := img.RGBAAt(x, y)
			if c.R < 0x50 && c.G < 0x50 && c.B < 0x50 {
				n++
			}
		}
	}
	return n
}

func TestLabels(t *testing.T) {
	if err := SetLabelFont([]byte("not a font")); err == nil {
		t.Error("garbage font accepted")
	}
	m, v := scene()
	// The zone's centroid (5,5) is in its hole: the label goes in the widest run through it,
	// [1,4] at latitude 5, so at (2.5, 5).
	lx, ly := v.ToScreen(2.5, 5)
	around := image.Rect(int(lx)-25, int(ly)-10, int(lx)+25, int(ly)+10)
	hx, hy := v.ToScreen(5, 5)
	hole := image.Rect(int(hx)-18, int(hy)-18, int(hx)+18, int(hy)+18)
	if n := darkIn(render(t, m, v), around); n != 0 {
		t.Fatalf("%d dark pixels before a font is set", n)
	}
	if err := SetLabelFont(testFont(t)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { SetLabelFont(nil) })
	img := render(t, m, v)
	if n := darkIn(img, around); n < 20 {
		t.Errorf("label 甲区 not drawn at (%g,%g): %d dark pixels", lx, ly, n)
	}
	if n := darkIn(img, hole); n != 0 {
		t.Errorf("%d dark pixels in the hole", n)
	}
	// Zoomed out so the zone is smaller than its label: no label.
	v2 := v
	v2.Scale *= 12
	if n := darkIn(render(t, m, v2), image.Rect(0, 0, v2.Width, v2.Height)); n != 0 {
		t.Errorf("label drawn on a feature smaller than it: %d dark pixels", n)
	}
	// Two features at the same place: only one label.
	m2 := NewMap()
	st := zoneStyle()
	f := plan.Feature{ID: 1, Geometry: orb.MultiPolygon{{rect(1, 1, 9, 9)}}, Attrs: plan.Attrs{"QYMC": "重叠"}}
	g := plan.Feature{ID: 2, Geometry: orb.MultiPolygon{{rect(1.1, 1.1, 8.9, 8.9)}}, Attrs: plan.Attrs{"QYMC": "重叠"}}
	m2.SetLayer("a", []plan.Feature{f}, st)
	one := darkIn(render(t, m2, v), image.Rect(0, 0, v.Width, v.Height))
	m2.SetLayer("a", []plan.Feature{f, g}, st)
	two := darkIn(render(t, m2, v), image.Rect(0, 0, v.Width, v.Height))
	if one < 20 || two != one {
		t.Errorf("overlapping labels: one feature %d dark pixels, two features %d", one, two)
	}
}

func TestLabelPoint(t *testing.T) {
	// A C shape: the centroid is in the gap; the label point must be inside.
	c := orb.MultiPolygon{{orb.Ring{{0, 0}, {10, 0}, {10, 2}, {2, 2}, {2, 8}, {10, 8}, {10, 10}, {0, 10}, {0, 0}}}}
	p, ok := labelPoint(c)
	if !ok || !containsMP(c, p) {
		t.Errorf("C shape label point %v %v not inside", p, ok)
	}
	sq := orb.MultiPolygon{{rect(0, 0, 1, 1)}, {rect(5, 5, 9, 9)}}
	if p, ok := labelPoint(sq); !ok || !near(p[0], 7, 1e-9) || !near(p[1], 7, 1e-9) {
		t.Errorf("largest part's centre: %v %v", p, ok)
	}
	if _, ok := labelPoint(orb.MultiPolygon{{orb.Ring{{0, 0}, {1, 1}, {0, 0}}}}); ok {
		t.Error("degenerate polygon has a label point")
	}
}

func TestRenderPoster(t *testing.T) {
	m, v := scene()
	v.Width, v.Height = 480, 400
	opt := PosterOptions{Title: "新疆矿产资源规划图", DPI: 96, Note: "示意",
		Legend: []LegendEntry{{Label: "勘查开发区", Fill: zoneStyle().Fill, Stroke: zoneStyle().Stroke}}}
	// Without a font: graphics only, and the map is still there.
	img, err := m.RenderPoster(context.Background(), v, opt)
	if err != nil {
		t.Fatal(err)
	}
	// Scale bar: black left half at the bottom right.
	golden(t, "poster_nofont.png", img) // text depends on the machine's font: checked below by shape
	_, bar, _ := ScaleBar(v, 160)
	if c := img.RGBAAt(v.Width-12-bar+4, v.Height-12-3); bar < 50 || c.R > 0x40 {
		t.Errorf("scale bar missing: %v", c)
	}
	if err := SetLabelFont(testFont(t)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { SetLabelFont(nil) })
	img, err = m.RenderPoster(context.Background(), v, opt)
	if err != nil {
		t.Fatal(err)
	}
	if n := darkIn(img, image.Rect(100, 0, 380, 40)); n < 50 {
		t.Errorf("title: %d dark pixels", n)
	}
	red := 0
	for x := 200; x < 280; x++ {
		for y := 40; y < 70; y++ {
			if c := img.RGBAAt(x, y); c.R > 0x90 && c.G < 0x40 {
				red++
			}
		}
	}
	if red < 10 {
		t.Errorf("note 示意: %d red pixels", red)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := m.RenderPoster(ctx, v, opt); err == nil {
		t.Error("cancelled poster: no error")
	}
}
