package tool

import (
	"github.com/paulmach/orb"

	"kuanggui/internal/edit"
	"kuanggui/internal/plan"
)

// fakeCtx is a document in memory: features by ref, a selection, and an apply that assigns ids
// to inserted features as the real document does.
type fakeCtx struct {
	layer  string
	feats  map[Ref]plan.Feature
	order  []Ref
	sel    []Ref
	nextID int64
}

func newCtx(layer string) *fakeCtx {
	return &fakeCtx{layer: layer, feats: map[Ref]plan.Feature{}, nextID: 100}
}

func (c *fakeCtx) add(layer string, f plan.Feature) Ref {
	r := Ref{layer, f.ID}
	c.feats[r] = f.Clone()
	c.order = append(c.order, r)
	return r
}

func (c *fakeCtx) Feature(layer string, id int64) (plan.Feature, bool) {
	f, ok := c.feats[Ref{layer, id}]
	return f.Clone(), ok
}

func inFeature(p orb.Point, g orb.MultiPolygon) bool {
	for _, poly := range g {
		if len(poly) == 0 || !pointInRing(p, poly[0]) {
			continue
		}
		inHole := false
		for _, h := range poly[1:] {
			if pointInRing(p, h) {
				inHole = true
			}
		}
		if !inHole {
			return true
		}
	}
	return false
}

func (c *fakeCtx) HitTest(x, y, tol float64) (Ref, bool) {
	for i := len(c.order) - 1; i >= 0; i-- {
		r := c.order[i]
		if f, ok := c.feats[r]; ok && inFeature(orb.Point{x, y}, f.Geometry) {
			return r, true
		}
	}
	return Ref{}, false
}

func (c *fakeCtx) Query(b orb.Bound) []Ref {
	var out []Ref
	for _, r := range c.order {
		if f, ok := c.feats[r]; ok && f.Geometry.Bound().Intersects(b) {
			out = append(out, r)
		}
	}
	return out
}

func (c *fakeCtx) Selection() []Ref      { return append([]Ref(nil), c.sel...) }
func (c *fakeCtx) EditableLayer() string { return c.layer }
func (c *fakeCtx) NewAttrs(layer string) plan.Attrs {
	return plan.Attrs{"QKBH": "NEW-1", "GHQ": "2021-2025"}
}

// apply writes a command's After states (what document.Apply does).
func (c *fakeCtx) apply(cmd edit.Command) {
	for _, ch := range cmd.Changes {
		switch {
		case ch.After == nil:
			delete(c.feats, Ref{ch.Layer, ch.Before.ID})
		case ch.Before == nil:
			f := ch.After.Clone()
			if f.ID == 0 {
				f.ID = c.nextID
				c.nextID++
			}
			c.add(ch.Layer, f)
		default:
			c.feats[Ref{ch.Layer, ch.After.ID}] = ch.After.Clone()
		}
	}
}

// handle feeds a result's selection back, as the map widget does.
func (c *fakeCtx) handle(t Tool, ev Event) Result {
	r := t.Handle(c, ev)
	if r.SelectionSet {
		c.sel = append([]Ref(nil), r.Selection...)
	}
	return r
}

func rect(id int64, x0, y0, x1, y1 float64) plan.Feature {
	return plan.Feature{ID: id, Geometry: orb.MultiPolygon{{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}, Attrs: plan.Attrs{"QKBH": "B"}}
}
