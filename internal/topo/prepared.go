package topo

import (
	"errors"

	"github.com/paulmach/orb"
	"github.com/twpayne/go-geos"
)

// Prepared is a geometry indexed for repeated predicates and overlays against many others (a
// zone tested against every block). It belongs to the Context that made it.
type Prepared struct {
	c  *Context
	g  *geos.Geom
	pg *geos.PrepGeom
	// Bound is the extent of the source geometry, for callers' own pre-filters.
	Bound orb.Bound
}

// Prepare builds a prepared geometry of mp.
func (c *Context) Prepare(mp orb.MultiPolygon) (*Prepared, error) {
	g, err := c.FromOrb(mp)
	if err != nil {
		return nil, err
	}
	p := &Prepared{c: c, g: g.g, Bound: mp.Bound()}
	if err := guard("prepare", func() error {
		p.pg = g.g.Prepare()
		if p.pg == nil {
			return errors.New("GEOS returned nothing")
		}
		return nil
	}); err != nil {
		g.Destroy()
		return nil, err
	}
	return p, nil
}

// Destroy frees the GEOS memory now.
func (p *Prepared) Destroy() {
	if p == nil {
		return
	}
	if p.pg != nil {
		func() { defer func() { _ = recover() }(); p.pg.Destroy() }()
		p.pg = nil
	}
	destroy(p.g)
	p.g = nil
}

func (p *Prepared) predicate(op string, mp orb.MultiPolygon, f func(*geos.PrepGeom, *geos.Geom) bool) (bool, error) {
	g, err := p.c.FromOrb(mp)
	if err != nil {
		return false, err
	}
	defer g.Destroy()
	var r bool
	err = guard(op, func() error {
		r = f(p.pg, g.g)
		return nil
	})
	return r, err
}

// Intersects reports whether p and mp share any point (touching counts).
func (p *Prepared) Intersects(mp orb.MultiPolygon) (bool, error) {
	return p.predicate("intersects", mp, (*geos.PrepGeom).Intersects)
}

// Covers reports whether no point of mp lies outside p.
func (p *Prepared) Covers(mp orb.MultiPolygon) (bool, error) {
	return p.predicate("covers", mp, (*geos.PrepGeom).Covers)
}

// Contains reports whether mp lies inside p with no point on p's exterior and some in its interior.
func (p *Prepared) Contains(mp orb.MultiPolygon) (bool, error) {
	return p.predicate("contains", mp, (*geos.PrepGeom).Contains)
}

// Intersection returns mp ∩ p (polygonal part).
func (p *Prepared) Intersection(mp orb.MultiPolygon) (orb.MultiPolygon, error) {
	g, err := p.c.FromOrb(mp)
	if err != nil {
		return nil, err
	}
	defer g.Destroy()
	r, err := p.c.run("intersection", []*geos.Geom{g.g, p.g}, func(in []*geos.Geom) *geos.Geom { return in[0].Intersection(in[1]) })
	if err != nil {
		return nil, err
	}
	defer destroy(r)
	return toOrb(r)
}

// DifferenceAll returns mp minus every prepared geometry in ps (the part of a block outside all
// of its zones). With no ps it returns mp itself.
func (c *Context) DifferenceAll(mp orb.MultiPolygon, ps []*Prepared) (orb.MultiPolygon, error) {
	if len(ps) == 0 {
		return mp, nil
	}
	g, err := c.FromOrb(mp)
	if err != nil {
		return nil, err
	}
	in := make([]*geos.Geom, 0, len(ps)+1)
	in = append(in, g.g)
	for _, p := range ps {
		if p.c.gc != c.gc {
			g.Destroy()
			return nil, errors.New("topo: difference: prepared geometry from another context")
		}
		in = append(in, p.g)
	}
	r, err := c.run("difference", in, func(in []*geos.Geom) *geos.Geom {
		cur := in[0]
		for _, z := range in[1:] {
			next := cur.Difference(z)
			if cur != in[0] {
				destroy(cur)
			}
			if next == nil {
				return nil
			}
			cur = next
			if cur.IsEmpty() {
				break
			}
		}
		if cur == in[0] {
			return cur.Clone()
		}
		return cur
	})
	g.Destroy()
	if err != nil {
		return nil, err
	}
	defer destroy(r)
	return toOrb(r)
}
