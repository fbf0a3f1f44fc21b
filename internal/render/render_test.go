package render

import (
	"context"
	"errors"
	"flag"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"kuanggui/assets"
	"kuanggui/internal/plan"
)

var update = flag.Bool("update", false, "rewrite the golden PNGs in testdata")

func rect(x0, y0, x1, y1 float64) orb.Ring {
	return orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
}

// scene is a small map of 0..10°×0..10° (Lat0 0): a zone with a hole, two blocks coloured
// by mineral, and a second layer on top.
func scene() (*Map, Viewport) {
	m := NewMap()
	zone := plan.Feature{ID: 1, Geometry: orb.MultiPolygon{{rect(1, 1, 9, 9), rect(4, 4, 6, 6)}}, Attrs: plan.Attrs{"QYMC": "甲区"}}
	m.SetLayer("kfq", []plan.Feature{zone}, LayerStyle{
		Fill: color.NRGBA{0xf4, 0xa2, 0x61, 0x80}, Stroke: color.NRGBA{0xd3, 0x54, 0x00, 0xff}, StrokeWidth: 2, LabelField: "QYMC"})
	bs := blockStyle()
	m.SetLayer("kanchqk", []plan.Feature{
		{ID: 10, Geometry: orb.MultiPolygon{{rect(2, 2, 3, 3)}}, Attrs: plan.Attrs{"KZ": "煤"}},
		{ID: 11, Geometry: orb.MultiPolygon{{orb.Ring{{7, 2}, {8.5, 2.5}, {7.5, 3.5}, {7, 2}}}}, Attrs: plan.Attrs{"KZ": "金"}},
		{ID: 12, Geometry: orb.MultiPolygon{{rect(2, 7, 2.5, 7.5)}, {rect(3, 7, 3.5, 7.5)}}, Attrs: plan.Attrs{"KZ": "未知"}},
	}, bs)
	return m, Viewport{CenterX: 5, CenterY: 5, Scale: 0.05, Width: 240, Height: 220}
}

func render(t *testing.T, m *Map, v Viewport) *image.RGBA {
	t.Helper()
	img, err := m.Render(context.Background(), v)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// diff counts pixels differing by more than tol in any channel.
func diff(a, b *image.RGBA, tol int) (n int, first image.Point) {
	first = image.Pt(-1, -1)
	if a.Rect != b.Rect {
		return a.Rect.Dx() * a.Rect.Dy(), first
	}
	for y := a.Rect.Min.Y; y < a.Rect.Max.Y; y++ {
		for x := a.Rect.Min.X; x < a.Rect.Max.X; x++ {
			i := a.PixOffset(x, y)
			for c := 0; c < 4; c++ {
				d := int(a.Pix[i+c]) - int(b.Pix[i+c])
				if d > tol || d < -tol {
					if n == 0 {
						first = image.Pt(x, y)
					}
					n++
					break
				}
			}
		}
	}
	return
}

func golden(t *testing.T, name string, img *image.RGBA) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	defer f.Close()
	g, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	want := image.NewRGBA(g.Bounds())
	for y := g.Bounds().Min.Y; y < g.Bounds().Max.Y; y++ {
		for x := g.Bounds().Min.X; x < g.Bounds().Max.X; x++ {
			want.Set(x, y, g.At(x, y))
		}
	}
	// Small tolerance: rounding may differ across Go versions and CPUs (SIMD paths).
	if n, p := diff(img, want, 3); n > 4 {
		out := filepath.Join(t.TempDir(), name)
		if f, err := os.Create(out); err == nil {
			png.Encode(f, img)
			f.Close()
		}
		t.Errorf("%s: %d pixels differ, first at %v; got image saved to %s", name, n, p, out)
	}
}

func px(img *image.RGBA, x, y int) color.RGBA { return img.RGBAAt(x, y) }

func TestRenderSceneGolden(t *testing.T) {
	m, v := scene()
	m.SetHighlight(map[string][]int64{"kanchqk": {11}})
	m.SetOverlay([]orb.Geometry{orb.LineString{{1, 9.5}, {9, 9.5}}, orb.Point{5, 5}, orb.Polygon{rect(6.5, 6.5, 8, 8)}})
	img := render(t, m, v)
	golden(t, "scene.png", img)

	// Independent checks of the picture, in case the golden file is regenerated wrongly.
	white := color.RGBA{255, 255, 255, 255}
	if c := px(img, 5, 5); c != white {
		t.Errorf("outside everything: %v, want white", c)
	}
	hx, hy := v.ToScreen(4.5, 4.5) // in the zone's hole
	if c := px(img, int(hx), int(hy)); c != white {
		t.Errorf("in the hole: %v, want white", c)
	}
	zx, zy := v.ToScreen(3.5, 5) // in the zone's fill
	// #f4a261 at alpha 0x80 over white: (249.5, 208.5, 176).
	if c := px(img, int(zx), int(zy)); !near(float64(c.R), 249.5, 1.5) || !near(float64(c.G), 208.5, 1.5) || !near(float64(c.B), 176, 1.5) {
		t.Errorf("zone fill: %v, want orange at half alpha over white", c)
	}
	bx, by := v.ToScreen(2.5, 2.5) // block of 煤: fill of the by-value colour
	want := blockStyle()
	wc, _ := want.FillByValue(plan.Attrs{"KZ": "煤"})
	c := px(img, int(bx), int(by))
	if c == white || c.G < c.R || c.G < 150 {
		t.Errorf("煤 block: %v, want its colour %v over the zone", c, wc)
	}
	ox, oy := v.ToScreen(5, 9.5) // overlay line
	if c := px(img, int(ox), int(oy)); c.R < 0xd0 || c.G > 0x40 {
		t.Errorf("overlay line: %v, want red", c)
	}
}

func TestRenderEmpty(t *testing.T) {
	m := NewMap()
	v := Viewport{CenterX: 85, CenterY: 42, Scale: 0.01, Width: 300, Height: 200, Lat0: 42}
	img := render(t, m, v)
	m.SetLayer("kfq", nil, zoneStyle())
	m.SetLayer("xzq", []plan.Feature{{ID: 1}}, countyStyle()) // no geometry
	img2 := render(t, m, v)
	for i := 0; i < len(img.Pix); i++ {
		if img.Pix[i] != 255 || img2.Pix[i] != 255 {
			t.Fatalf("empty map is not white at byte %d", i)
		}
	}
	m.SetBackground(color.NRGBA{})
	img3 := render(t, m, v)
	for _, b := range img3.Pix {
		if b != 0 {
			t.Fatal("transparent background not transparent")
		}
	}
	if _, err := m.Render(context.Background(), Viewport{Width: 0, Height: 10, Scale: 1}); err == nil {
		t.Error("zero width: no error")
	}
}

func TestRenderCancelled(t *testing.T) {
	m, v := scene()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	img, err := m.Render(ctx, v)
	if !errors.Is(err, context.Canceled) || img != nil {
		t.Fatalf("got %v, %v; want nil, context.Canceled", img, err)
	}
	// The map still renders afterwards, and the same as a fresh one.
	m2, _ := scene()
	if n, p := diff(render(t, m, v), render(t, m2, v), 0); n != 0 {
		t.Errorf("after a cancelled render %d pixels differ, first %v", n, p)
	}
}

func TestUpdateFeatureOnlyItsPixels(t *testing.T) {
	prefetchOn = false // the tile count below must not change behind the test's back
	defer func() { prefetchOn = true }()
	m, v := scene()
	v.Width, v.Height, v.Scale = 600, 600, 0.02 // the scene spans 500 px: several tiles
	before := render(t, m, v)
	tilesBefore := len(m.comp)
	moved := plan.Feature{ID: 10, Geometry: orb.MultiPolygon{{rect(2, 4, 3, 5)}}, Attrs: plan.Attrs{"KZ": "铜"}}
	m.UpdateFeature("kanchqk", moved)
	// Only the tiles under the old and new place (50 px squares) were dropped.
	if dropped := tilesBefore - len(m.comp); dropped < 1 || dropped > 4 {
		t.Errorf("UpdateFeature dropped %d of %d composite tiles", dropped, tilesBefore)
	}
	after := render(t, m, v)

	// The cached map draws exactly what a fresh map of the new data draws.
	fresh, _ := scene()
	fresh.UpdateFeature("kanchqk", moved)
	if n, p := diff(after, render(t, fresh, v), 0); n != 0 {
		t.Fatalf("after UpdateFeature %d pixels differ from a fresh render, first %v", n, p)
	}
	// And pixels changed only where the feature was or is (plus its outline).
	var area image.Rectangle
	for _, b := range []orb.Bound{rect(2, 2, 3, 3).Bound(), rect(2, 4, 3, 5).Bound()} {
		x0, y0 := v.ToScreen(b.Min[0], b.Max[1])
		x1, y1 := v.ToScreen(b.Max[0], b.Min[1])
		area = area.Union(image.Rect(int(x0)-2, int(y0)-2, int(x1)+3, int(y1)+3))
	}
	changed := 0
	for y := 0; y < v.Height; y++ {
		for x := 0; x < v.Width; x++ {
			if before.RGBAAt(x, y) != after.RGBAAt(x, y) {
				changed++
				if !image.Pt(x, y).In(area) {
					t.Fatalf("pixel (%d,%d) changed outside the feature's area %v", x, y, area)
				}
			}
		}
	}
	if changed < 200 {
		t.Errorf("only %d pixels changed", changed)
	}
	// Adding and removing.
	m.UpdateFeature("kanchqk", plan.Feature{ID: 99, Geometry: orb.MultiPolygon{{rect(8, 8, 8.8, 8.8)}}})
	fresh.UpdateFeature("kanchqk", plan.Feature{ID: 99, Geometry: orb.MultiPolygon{{rect(8, 8, 8.8, 8.8)}}})
	m.RemoveFeature("kanchqk", 11)
	fresh.RemoveFeature("kanchqk", 11)
	if n, p := diff(render(t, m, v), render(t, fresh, v), 0); n != 0 {
		t.Fatalf("after add/remove %d pixels differ, first %v", n, p)
	}
	if _, id, ok := m.HitTest(v, 0, 0, 0, nil); ok {
		t.Errorf("hit %d at the corner", id)
	}
	x, y := v.ToScreen(8.4, 8.4)
	if table, id, ok := m.HitTest(v, x, y, 0, nil); !ok || table != "kanchqk" || id != 99 {
		t.Errorf("added feature not hit: %s %d %v", table, id, ok)
	}
}

func TestPanUsesCacheAndMatchesFresh(t *testing.T) {
	m := sampleMap()
	v := NewViewport(xjBound, 700, 500, 10)
	v.ZoomAt(350, 250, 3)
	render(t, m, v)
	for _, d := range [][2]float64{{37, -20}, {-300, 11}, {5, 400}} {
		v.Pan(d[0], d[1])
		got := render(t, m, v)
		fresh := sampleMap()
		// Same scale and an origin an integer number of pixels away: the same picture. Not
		// bit-exact: x/image/vector's fixed-point rasteriser steps x row by row from where a
		// segment enters the tile, so tiles cut at other rows round antialiasing a little
		// differently (under 0.1 px).
		want := render(t, fresh, v)
		if n, p := diff(got, want, 40); n != 0 {
			t.Fatalf("pan %v: %d pixels differ from a fresh render, first %v", d, n, p)
		}
		if n, _ := diff(got, want, 8); n > 350 { // 0.1 %
			t.Fatalf("pan %v: %d pixels differ slightly from a fresh render", d, n)
		}
	}
}

func TestVisibilityAndOrder(t *testing.T) {
	m, v := scene()
	bx, by := v.ToScreen(2.5, 2.5)
	withBlocks := render(t, m, v).RGBAAt(int(bx), int(by))
	m.SetVisible("kanchqk", false)
	without := render(t, m, v).RGBAAt(int(bx), int(by))
	if withBlocks == without {
		t.Fatal("hiding the block layer changed nothing")
	}
	if _, _, ok := m.HitTest(v, bx, by, 0, []string{"kanchqk"}); ok {
		t.Error("hidden layer hit")
	}
	m.SetVisible("kanchqk", true)
	if c := render(t, m, v).RGBAAt(int(bx), int(by)); c != withBlocks {
		t.Errorf("shown again: %v, want %v", c, withBlocks)
	}
	// Zone on top of the blocks: the zone's translucent fill now tints the block.
	m.SetOrder([]string{"kanchqk", "kfq"})
	if c := render(t, m, v).RGBAAt(int(bx), int(by)); c == withBlocks {
		t.Error("order change changed nothing")
	}
	if table, _, _ := m.HitTest(v, bx, by, 0, nil); table != "kfq" {
		t.Errorf("topmost hit %q, want kfq on top", table)
	}
}

func TestHitTest(t *testing.T) {
	m, v := scene()
	at := func(lon, lat float64) (float64, float64) { return v.ToScreen(lon, lat) }
	cases := []struct {
		lon, lat, tol float64
		tables        []string
		table         string
		id            int64
		ok            bool
	}{
		{2.5, 2.5, 0, nil, "kanchqk", 10, true},        // block on top of zone
		{2.5, 2.5, 0, []string{"kfq"}, "kfq", 1, true}, // only zones
		{5, 5, 0, nil, "", 0, false},                   // in the zone's hole
		{5, 5, 3, nil, "", 0, false},                   // hole is 40 px wide: the rim is far
		{4.02, 5, 3, nil, "kfq", 1, true},              // near the hole's rim (1.6 px away)
		{0.9, 5, 0, nil, "", 0, false},                 // just outside the zone
		{0.95, 5, 2, nil, "kfq", 1, true},              // outside, within tolerance
		{3.25, 7.25, 0, nil, "kanchqk", 12, true},      // second part of a multipolygon
		{2.75, 7.25, 0, nil, "kfq", 1, true},           // between the parts
		{7.6, 2.6, 0, nil, "kanchqk", 11, true},        // triangle
		{20, 20, 5, nil, "", 0, false},                 // off the map
	}
	for _, c := range cases {
		x, y := at(c.lon, c.lat)
		table, id, ok := m.HitTest(v, x, y, c.tol, c.tables)
		if table != c.table || id != c.id || ok != c.ok {
			t.Errorf("hit (%g,%g) tol %g %v: got %q %d %v, want %q %d %v", c.lon, c.lat, c.tol, c.tables, table, id, ok, c.table, c.id, c.ok)
		}
	}
}

func TestStyleFromPlan(t *testing.T) {
	cat, err := plan.ParseCatalog(assets.CatalogJSON)
	if err != nil {
		t.Fatal(err)
	}
	def, _ := cat.Layer("kanchqk")
	st := StyleFromPlan(def, cat)
	if st.Fill != (color.NRGBA{0x34, 0x98, 0xdb, 0xaa}) || st.Stroke != (color.NRGBA{0x1b, 0x4f, 0x72, 0xff}) || st.StrokeWidth != 0.8 {
		t.Errorf("kanchqk style %+v", st)
	}
	if st.FillByValue == nil {
		t.Fatal("by_mineral layer without FillByValue")
	}
	if c, ok := st.FillByValue(plan.Attrs{"KZ": "煤、煤层气"}); !ok || c != (color.NRGBA{0x2c, 0x3e, 0x50, 0xaa}) {
		t.Errorf("煤: %v %v", c, ok)
	}
	if _, ok := st.FillByValue(plan.Attrs{"KZ": "不存在"}); ok {
		t.Error("unknown mineral coloured")
	}
	def, _ = cat.Layer("xzq")
	st = StyleFromPlan(def, cat)
	if st.Fill.A != 0 || st.LabelField != "XZQMC" || st.FillByValue != nil {
		t.Errorf("xzq style %+v", st)
	}
	st = StyleFromPlan(plan.LayerDef{Style: plan.Style{Fill: "red", Stroke: "#12345"}}, nil)
	if st.Fill != (color.NRGBA{}) || st.Stroke != fallbackColour || st.StrokeWidth != 1 {
		t.Errorf("bad colours: %+v", st)
	}
}

func TestParseColour(t *testing.T) {
	for in, want := range map[string]color.NRGBA{
		"#f4a26122": {0xf4, 0xa2, 0x61, 0x22}, "#FFFFFF": {255, 255, 255, 255}, " 00ff0080 ": {0, 255, 0, 0x80},
	} {
		if c, err := ParseColour(in); err != nil || c != want {
			t.Errorf("%q: %v %v", in, c, err)
		}
	}
	for _, in := range []string{"", "#", "#12345", "#gggggg", "#1234567", "#+1234567"} {
		if _, err := ParseColour(in); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

func FuzzParseColour(f *testing.F) {
	for _, s := range []string{"#f4a26122", "#fff", "#00000000", "zz", "#-1234567"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseColour(s)
		if err == nil {
			// A parsed colour prints back to the same value.
			back, err2 := ParseColour(hexColour(c))
			if err2 != nil || back != c {
				t.Fatalf("%q -> %v -> %v %v", s, c, back, err2)
			}
		}
	})
}

func hexColour(c color.NRGBA) string {
	const h = "0123456789abcdef"
	b := []byte{'#'}
	for _, v := range []uint8{c.R, c.G, c.B, c.A} {
		b = append(b, h[v>>4], h[v&15])
	}
	return string(b)
}

func TestConcurrentUse(t *testing.T) {
	m := sampleMap()
	v := NewViewport(xjBound, 500, 400, 0)
	done := make(chan error)
	go func() {
		for i := 0; i < 6; i++ {
			vv := v
			vv.Pan(float64(i*40), 0)
			if i%3 == 2 {
				vv.ZoomAt(250, 200, 1.5)
			}
			if _, err := m.Render(context.Background(), vv); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	hits := 0
	for i := 0; i < 200; i++ {
		if _, _, ok := m.HitTest(v, float64(i%500), float64(i%400), 2, nil); ok {
			hits++
		}
		if i%50 == 0 {
			m.UpdateFeature("kanchqk", plan.Feature{ID: int64(5000 + i), Geometry: orb.MultiPolygon{{rect(85, 42, 85.1, 42.1)}}})
			m.SetHighlight(map[string][]int64{"kanchqk": {int64(5000 + i)}})
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if hits == 0 {
		t.Error("no hits over the sample map")
	}
}

func TestRenderIntoAndPrefetch(t *testing.T) {
	m := sampleMap()
	v := NewViewport(xjBound, 600, 400, 0)
	want := render(t, m, v)
	dst := image.NewRGBA(image.Rect(0, 0, 600, 400))
	for i := range dst.Pix {
		dst.Pix[i] = 0x55 // every pixel must be overwritten
	}
	if err := m.RenderInto(context.Background(), v, dst); err != nil {
		t.Fatal(err)
	}
	if n, p := diff(dst, want, 0); n != 0 {
		t.Errorf("RenderInto differs from Render in %d pixels, first %v", n, p)
	}
	if err := m.RenderInto(context.Background(), v, image.NewRGBA(image.Rect(0, 0, 600, 399))); err == nil {
		t.Error("wrong size accepted")
	}
	// After the background ring is drawn, a pan by less than a tile needs no drawing.
	m.waitPrefetch()
	v.Pan(-200, 150)
	m.cache.Lock()
	f, err := m.setupFrame(v)
	missing := 0
	for j := f.j0; j <= f.j1; j++ {
		for i := f.i0; i <= f.i1; i++ {
			if _, ok := m.comp[tkey{i, j}]; !ok {
				missing++
			}
		}
	}
	m.cache.Unlock()
	if err != nil || missing != 0 {
		t.Errorf("after prefetch, %d tiles of the panned view missing (%v)", missing, err)
	}
}

func TestOrderNamedBeforeSet(t *testing.T) {
	m := NewMap()
	m.SetOrder([]string{"top", "bottom"}) // names first, layers later
	m.SetOrder([]string{"bottom", "top"})
	m.SetLayer("top", []plan.Feature{{ID: 1, Geometry: orb.MultiPolygon{{rect(0, 0, 2, 2)}}}}, LayerStyle{Fill: color.NRGBA{255, 0, 0, 255}})
	m.SetLayer("bottom", []plan.Feature{{ID: 2, Geometry: orb.MultiPolygon{{rect(0, 0, 2, 2)}}}}, LayerStyle{Fill: color.NRGBA{0, 0, 255, 255}})
	m.UpdateFeature("top", plan.Feature{ID: 3, Geometry: orb.MultiPolygon{{rect(3, 3, 4, 4)}}})
	if len(m.order) != 2 {
		t.Fatalf("order %v", m.order)
	}
	v := Viewport{CenterX: 1, CenterY: 1, Scale: 0.02, Width: 50, Height: 50}
	if c := render(t, m, v).RGBAAt(25, 25); c != (color.RGBA{255, 0, 0, 255}) {
		t.Errorf("top layer colour %v, want red", c)
	}
}
