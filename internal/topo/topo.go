// Package topo is the only door to GEOS: orb ⇄ GEOS conversion, validity, make-valid, overlay,
// distance, buffer, split and merge, and prepared geometries for repeated predicates.
//
// GEOS is never trusted blindly. Every call is wrapped in recover() (go-geos panics on GEOS
// errors), a nil result is an error, and an operation that fails on valid input is retried once
// after snapping both operands to the Context's grid (1 mm in metric work). What still fails is
// returned as an error for the caller to report as a finding; nothing here crashes the program.
//
// A Context wraps one GEOS context and is not safe for concurrent use: one per goroutine.
package topo

import (
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/twpayne/go-geos"
)

// Snapping grids for the retry after a GEOS failure, in the units of the coordinates.
const (
	GridMetre  = 0.001 // 1 mm in a Gauss-Krüger plane
	GridDegree = 1e-8  // about 1 mm on the ground in lon/lat degrees
)

// Context is one GEOS context plus the snapping grid used when an operation must be retried.
// Not safe for concurrent use.
type Context struct {
	gc *geos.Context
	// Grid is the cell size inputs are snapped to before a failed operation is retried.
	Grid float64
}

// NewContext returns a context whose retries snap to grid (GridMetre or GridDegree).
func NewContext(grid float64) *Context {
	return &Context{gc: geos.NewContext(), Grid: grid}
}

// WithGrid returns a context sharing c's GEOS context (so the same goroutine only) with another
// retry grid, for switching between degree and metre work.
func (c *Context) WithGrid(grid float64) *Context {
	return &Context{gc: c.gc, Grid: grid}
}

// Geom is a GEOS geometry owned by the Context that made it.
type Geom struct {
	g *geos.Geom
}

// Destroy frees the GEOS memory now instead of at garbage collection.
func (g *Geom) Destroy() {
	if g != nil && g.g != nil {
		destroy(g.g)
		g.g = nil
	}
}

// Area is the planar area in squared coordinate units.
func (g *Geom) Area() (a float64) {
	defer func() {
		if recover() != nil {
			a = math.NaN()
		}
	}()
	return g.g.Area()
}

func destroy(g *geos.Geom) {
	defer func() { _ = recover() }()
	if g != nil {
		g.Destroy()
	}
}

// guard runs f and turns a GEOS panic into an error naming op.
func guard(op string, f func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("topo: %s: GEOS failed: %v", op, v)
		}
	}()
	return f()
}

// checkRings refuses what GEOS cannot even build: NaN or infinite coordinates, unclosed rings,
// rings with fewer than 4 coordinates.
func checkRings(mp orb.MultiPolygon) error {
	for i, p := range mp {
		for j, r := range p {
			if len(r) < 4 {
				return fmt.Errorf("polygon %d ring %d has %d points, at least 4 (closed) are needed", i+1, j+1, len(r))
			}
			for _, pt := range r {
				if !finite(pt) {
					return fmt.Errorf("polygon %d ring %d has a coordinate that is not a number or beyond ±1e9", i+1, j+1)
				}
			}
			if r[0] != r[len(r)-1] {
				return fmt.Errorf("polygon %d ring %d is not closed", i+1, j+1)
			}
		}
	}
	return nil
}

// MaxCoord bounds coordinates: degrees and Gauss-Krüger metres are far below it, and GEOS can
// spend minutes on rings spanning 1e300.
const MaxCoord = 1e9

func finite(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsNaN(p[1]) && math.Abs(p[0]) <= MaxCoord && math.Abs(p[1]) <= MaxCoord
}

// FromOrb builds the GEOS geometry of mp. Rings must be closed and have at least 4 points.
func (c *Context) FromOrb(mp orb.MultiPolygon) (*Geom, error) {
	if err := checkRings(mp); err != nil {
		return nil, fmt.Errorf("topo: %w", err)
	}
	var g *geos.Geom
	err := guard("read geometry", func() error {
		if len(mp) == 0 {
			g = c.gc.NewEmptyCollection(geos.TypeIDMultiPolygon)
			return nil
		}
		data, err := wkb.Marshal(mp)
		if err != nil {
			return err
		}
		g, err = c.gc.NewGeomFromWKB(data)
		return err
	})
	if err == nil && g == nil {
		err = errors.New("topo: read geometry: GEOS returned nothing")
	}
	if err != nil {
		return nil, err
	}
	return &Geom{g: g}, nil
}

// ToOrb returns the polygonal parts of g as a MultiPolygon; points and lines (from collapsed
// overlay results) are dropped. An empty geometry gives an empty MultiPolygon.
func (c *Context) ToOrb(g *Geom) (orb.MultiPolygon, error) {
	if g == nil || g.g == nil {
		return nil, errors.New("topo: no geometry")
	}
	return toOrb(g.g)
}

func toOrb(g *geos.Geom) (orb.MultiPolygon, error) {
	var data []byte
	if err := guard("write geometry", func() error {
		if g.IsEmpty() {
			return nil
		}
		data = g.ToWKB()
		return nil
	}); err != nil {
		return nil, err
	}
	if data == nil {
		return orb.MultiPolygon{}, nil
	}
	og, err := wkb.Unmarshal(data)
	if err != nil {
		return nil, fmt.Errorf("topo: decode GEOS result: %w", err)
	}
	out := orb.MultiPolygon{}
	collectPolygons(og, &out)
	return out, nil
}

func collectPolygons(g orb.Geometry, out *orb.MultiPolygon) {
	switch v := g.(type) {
	case orb.Polygon:
		if len(v) > 0 {
			*out = append(*out, v)
		}
	case orb.MultiPolygon:
		for _, p := range v {
			if len(p) > 0 {
				*out = append(*out, p)
			}
		}
	case orb.Collection:
		for _, x := range v {
			collectPolygons(x, out)
		}
	}
}

// lines returns the linear parts of g (for Distance and Split).
func lineStrings(g *geos.Geom) ([]orb.LineString, error) {
	var data []byte
	if err := guard("write geometry", func() error {
		if !g.IsEmpty() {
			data = g.ToWKB()
		}
		return nil
	}); err != nil || data == nil {
		return nil, err
	}
	og, err := wkb.Unmarshal(data)
	if err != nil {
		return nil, err
	}
	var out []orb.LineString
	var walk func(orb.Geometry)
	walk = func(x orb.Geometry) {
		switch v := x.(type) {
		case orb.LineString:
			out = append(out, v)
		case orb.MultiLineString:
			out = append(out, v...)
		case orb.Collection:
			for _, y := range v {
				walk(y)
			}
		}
	}
	walk(og)
	return out, nil
}

// binary runs a two-operand GEOS operation with the retry-after-snapping policy.
func (c *Context) binary(op string, a, b orb.MultiPolygon, f func(x, y *geos.Geom) *geos.Geom) (orb.MultiPolygon, error) {
	ga, err := c.FromOrb(a)
	if err != nil {
		return nil, err
	}
	defer ga.Destroy()
	gb, err := c.FromOrb(b)
	if err != nil {
		return nil, err
	}
	defer gb.Destroy()
	r, err := c.run(op, []*geos.Geom{ga.g, gb.g}, func(in []*geos.Geom) *geos.Geom { return f(in[0], in[1]) })
	if err != nil {
		return nil, err
	}
	defer destroy(r)
	return toOrb(r)
}

// run applies f to in; on a GEOS error or nil result it snaps every input to c.Grid and tries
// once more. The inputs are not destroyed.
func (c *Context) run(op string, in []*geos.Geom, f func([]*geos.Geom) *geos.Geom) (*geos.Geom, error) {
	var r *geos.Geom
	err := guard(op, func() error {
		r = f(in)
		if r == nil {
			return errors.New("GEOS returned nothing (a TopologyException, usually from invalid input)")
		}
		return nil
	})
	if err == nil {
		return r, nil
	}
	if c.Grid <= 0 {
		return nil, err
	}
	snapped := make([]*geos.Geom, len(in))
	defer func() {
		for _, s := range snapped {
			destroy(s)
		}
	}()
	if e := guard(op+" (snap)", func() error {
		for i, g := range in {
			snapped[i] = g.SetPrecision(c.Grid, geos.PrecisionRuleNone)
		}
		r = f(snapped)
		if r == nil {
			return errors.New("GEOS returned nothing")
		}
		return nil
	}); e != nil {
		return nil, fmt.Errorf("%v; again after snapping to a %g grid: %v", err, c.Grid, e)
	}
	return r, nil
}

// Intersection returns a ∩ b (polygonal part).
func (c *Context) Intersection(a, b orb.MultiPolygon) (orb.MultiPolygon, error) {
	return c.binary("intersection", a, b, func(x, y *geos.Geom) *geos.Geom { return x.Intersection(y) })
}

// Difference returns a − b.
func (c *Context) Difference(a, b orb.MultiPolygon) (orb.MultiPolygon, error) {
	return c.binary("difference", a, b, func(x, y *geos.Geom) *geos.Geom { return x.Difference(y) })
}

// Union returns a ∪ b.
func (c *Context) Union(a, b orb.MultiPolygon) (orb.MultiPolygon, error) {
	return c.binary("union", a, b, func(x, y *geos.Geom) *geos.Geom { return x.Union(y) })
}

// Merge dissolves several geometries into one (the editor's merge command).
func (c *Context) Merge(mps []orb.MultiPolygon) (orb.MultiPolygon, error) {
	var all orb.MultiPolygon
	for _, mp := range mps {
		all = append(all, mp...)
	}
	g, err := c.FromOrb(all)
	if err != nil {
		return nil, err
	}
	defer g.Destroy()
	r, err := c.run("merge", []*geos.Geom{g.g}, func(in []*geos.Geom) *geos.Geom { return in[0].UnaryUnion() })
	if err != nil {
		return nil, err
	}
	defer destroy(r)
	out, err := toOrb(r)
	if err != nil {
		return nil, err
	}
	return dropCollinear(out), nil
}

// dropCollinear removes vertices that lie on the straight line between their neighbours: the
// union of a split block keeps the points where it was cut, which would otherwise reappear as
// extra turning points of the merged block.
func dropCollinear(mp orb.MultiPolygon) orb.MultiPolygon {
	for i, p := range mp {
		for j, r := range p {
			if len(r) < 5 {
				continue
			}
			pts := r[:len(r)-1] // open ring
			var keep orb.Ring
			for k := range pts {
				a, b, c := pts[(k+len(pts)-1)%len(pts)], pts[k], pts[(k+1)%len(pts)]
				cross := (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
				scale := math.Hypot(c[0]-a[0], c[1]-a[1])
				// Within 1e-9 degree (about 0.1 mm) of the line a–c, and between a and c.
				between := (b[0]-a[0])*(c[0]-b[0])+(b[1]-a[1])*(c[1]-b[1]) > 0
				if scale > 0 && math.Abs(cross)/scale < 1e-9 && between {
					continue
				}
				keep = append(keep, b)
			}
			if len(keep) >= 3 && len(keep) < len(pts) {
				mp[i][j] = append(keep, keep[0])
			}
		}
	}
	return mp
}

// Buffer grows (d > 0) or shrinks (d < 0) mp by d coordinate units, 8 segments per quarter circle.
func (c *Context) Buffer(mp orb.MultiPolygon, d float64) (orb.MultiPolygon, error) {
	g, err := c.FromOrb(mp)
	if err != nil {
		return nil, err
	}
	defer g.Destroy()
	r, err := c.run("buffer", []*geos.Geom{g.g}, func(in []*geos.Geom) *geos.Geom { return in[0].Buffer(d, 8) })
	if err != nil {
		return nil, err
	}
	defer destroy(r)
	return toOrb(r)
}

// Distance returns the shortest distance between a and b and the line joining the nearest points
// (a single point repeated when they touch or overlap).
func (c *Context) Distance(a, b orb.MultiPolygon) (float64, orb.LineString, error) {
	ga, err := c.FromOrb(a)
	if err != nil {
		return 0, nil, err
	}
	defer ga.Destroy()
	gb, err := c.FromOrb(b)
	if err != nil {
		return 0, nil, err
	}
	defer gb.Destroy()
	return c.distance(ga.g, gb.g)
}

func (c *Context) distance(a, b *geos.Geom) (float64, orb.LineString, error) {
	var pts [][]float64
	err := guard("distance", func() error {
		pts = a.NearestPoints(b)
		return nil
	})
	if err != nil || len(pts) != 2 {
		if err == nil {
			err = errors.New("topo: distance: GEOS found no nearest points")
		}
		return 0, nil, err
	}
	line := orb.LineString{{pts[0][0], pts[0][1]}, {pts[1][0], pts[1][1]}}
	d := math.Hypot(pts[1][0]-pts[0][0], pts[1][1]-pts[0][1])
	if math.IsNaN(d) {
		return 0, nil, errors.New("topo: distance: not a number")
	}
	return d, line, nil
}

// Split cuts mp along line and returns the pieces: the faces of mp's boundary noded with the line
// that lie inside mp. A line that does not cross mp gives mp's polygons back unchanged.
func (c *Context) Split(mp orb.MultiPolygon, line orb.LineString) ([]orb.Polygon, error) {
	if len(line) < 2 {
		return nil, errors.New("topo: split: the cutting line needs at least 2 points")
	}
	g, err := c.FromOrb(mp)
	if err != nil {
		return nil, err
	}
	defer g.Destroy()
	var faces *geos.Geom
	err = guard("split", func() error {
		coords := make([][]float64, len(line))
		for i, p := range line {
			coords[i] = []float64{p[0], p[1]}
		}
		l := c.gc.NewLineString(coords)
		defer destroy(l)
		b := g.g.Boundary()
		defer destroy(b)
		noded := b.Union(l)
		defer destroy(noded)
		faces = c.gc.Polygonize([]*geos.Geom{noded})
		if faces == nil {
			return errors.New("GEOS returned nothing")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	defer destroy(faces)
	var out []orb.Polygon
	err = guard("split", func() error {
		pg := g.g.Prepare()
		defer pg.Destroy()
		for i := 0; i < faces.NumGeometries(); i++ {
			f := faces.Geometry(i)
			pt := f.PointOnSurface()
			inside := pg.Contains(pt)
			destroy(pt)
			if !inside {
				continue
			}
			ps, err := toOrb(f)
			if err != nil {
				return err
			}
			out = append(out, ps...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
