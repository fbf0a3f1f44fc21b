package main

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"kuanggui/internal/document"
	"kuanggui/internal/edit"
	"kuanggui/internal/plan"
	"kuanggui/internal/render"
)

// synthDoc is the 120,000-block plan of `kuanggui synth` in a temporary project.
func synthDoc(b *testing.B) *document.Document {
	b.Helper()
	d, err := document.Create(filepath.Join(b.TempDir(), "synth.gpkg"), plan.Meta{Region: "合成", RegionCode: "650000", Level: plan.LevelProvince, Period: "2021-2025"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	expl, mining := synthBlocks(120000, 1)
	if err := d.BulkInsert("kanchqk", expl, nil); err != nil {
		b.Fatal(err)
	}
	if err := d.BulkInsert("kaicqk", mining, nil); err != nil {
		b.Fatal(err)
	}
	return d
}

// nudged returns f with its first vertex (and the closing one) moved east by dx degrees.
func nudged(f plan.Feature, dx float64) plan.Feature {
	g := f.Clone()
	r := g.Geometry[0][0]
	r[0][0] += dx
	r[len(r)-1] = r[0]
	return g
}

// BenchmarkEditApply commits one vertex move on the 120,000-block plan (target ≤ 20 ms):
// transaction, journal, MJ, in-memory state, listeners.
func BenchmarkEditApply(b *testing.B) {
	d := synthDoc(b)
	l, _ := d.Layer("kanchqk")
	id := l.Features[len(l.Features)/2].ID
	i := 0
	for b.Loop() {
		f, _ := d.Feature("kanchqk", id)
		dx := 1e-5
		if i%2 == 1 {
			dx = -dx
		}
		i++
		if err := d.Apply(edit.Update("移动顶点", "kanchqk", f, nudged(f, dx))); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEditUndo undoes one step on the 120,000-block plan (target ≤ 20 ms).
func BenchmarkEditUndo(b *testing.B) {
	d := synthDoc(b)
	l, _ := d.Layer("kanchqk")
	id := l.Features[len(l.Features)/2].ID
	for b.Loop() {
		b.StopTimer()
		f, _ := d.Feature("kanchqk", id)
		if err := d.Apply(edit.Update("移动顶点", "kanchqk", f, nudged(f, 1e-5))); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, ok, err := d.Undo(); err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
}

// dragMap is the renderer of the synthetic plan and a 1440×900 view around one block, with
// every tile of the view already drawn (as when the user starts dragging).
func dragMap(b *testing.B) (*document.Document, *render.Map, render.Viewport, plan.Feature) {
	d := synthDoc(b)
	m := render.NewMap()
	for _, l := range d.Layers() {
		m.SetLayer(l.Def.Table, l.Features, render.StyleFromPlan(l.Def, d.Catalog()))
	}
	l, _ := d.Layer("kanchqk")
	f := l.Features[len(l.Features)/2]
	c := f.Geometry.Bound().Center()
	v := render.NewViewport(orb.Bound{Min: orb.Point{c[0] - 0.4, c[1] - 0.25}, Max: orb.Point{c[0] + 0.4, c[1] + 0.25}}, 1440, 900, 0)
	if _, err := m.Render(context.Background(), v); err != nil {
		b.Fatal(err)
	}
	return d, m, v, f
}

// BenchmarkVertexDragRedraw is the map redraw after a vertex drag is committed: the changed
// block re-indexed (UpdateFeature, which drops only the tiles under it) and the view rendered
// at 1440×900 (target ≤ 16 ms).
func BenchmarkVertexDragRedraw(b *testing.B) {
	_, m, v, f := dragMap(b)
	i := 0
	for b.Loop() {
		dx := 1e-3
		if i%2 == 1 {
			dx = 0
		}
		i++
		m.UpdateFeature("kanchqk", nudged(f, dx))
		if _, err := m.Render(context.Background(), v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDragFrame is one frame during the drag: the preview overlay changes, the tiles
// stay (target ≤ 16 ms).
func BenchmarkDragFrame(b *testing.B) {
	_, m, v, f := dragMap(b)
	i := 0
	for b.Loop() {
		i++
		m.SetOverlay([]orb.Geometry{nudged(f, float64(i%7)*1e-4).Geometry, orb.MultiPoint{f.Geometry[0][0][0]}})
		if _, err := m.Render(context.Background(), v); err != nil {
			b.Fatal(err)
		}
	}
}
