package crs

import (
	"fmt"
	"math"
	"sync"

	"github.com/paulmach/orb"
	"github.com/twpayne/go-proj/v11"
)

// Transformer converts coordinates from one CRS to another through PROJ, in GIS axis order on
// both sides (x = longitude/easting, y = latitude/northing).
//
// A Transformer is NOT safe for concurrent use: it owns one PROJ context, and PROJ contexts are
// single-threaded. Give each goroutine its own Transformer (they are cheap after the first).
type Transformer struct {
	from, to CRS
	identity bool
	ctx      *proj.Context
	pj       *proj.PJ
	buf      []float64
}

// NewTransformer returns a Transformer from one CRS to another.
func NewTransformer(from, to CRS) (*Transformer, error) {
	if _, err := FromEPSG(from.EPSG); err != nil {
		return nil, fmt.Errorf("transform source: %w", err)
	}
	if _, err := FromEPSG(to.EPSG); err != nil {
		return nil, fmt.Errorf("transform target: %w", err)
	}
	t := &Transformer{from: from, to: to}
	// CGCS2000 and WGS 84 are treated as one datum (see WGS84), so geographic to geographic is
	// the identity; it also keeps PROJ out of the storage CRS's own path.
	if from.EPSG == to.EPSG || (from.IsGeographic() && to.IsGeographic()) {
		t.identity = true
		return t, nil
	}
	src, dst := srsForPROJ(from), srsForPROJ(to)
	t.ctx = proj.NewContext()
	pj, err := t.ctx.NewCRSToCRS(src, dst, nil)
	if err != nil {
		return nil, fmt.Errorf("PROJ cannot transform %s to %s: %w", from, to, err)
	}
	// EPSG Gauss-Krüger CRSs are northing-first and EPSG:4490 is latitude-first; normalise to
	// GIS order so callers never swap by hand.
	norm, err := pj.NormalizeForVisualization()
	if err != nil {
		return nil, fmt.Errorf("PROJ cannot normalise axis order of %s to %s: %w", from, to, err)
	}
	t.pj = norm
	return t, nil
}

// srsForPROJ maps WGS 84 onto CGCS2000 so PROJ never inserts a ballpark datum shift.
func srsForPROJ(c CRS) string {
	if c.EPSG == EPSGWGS84 {
		return "EPSG:4490"
	}
	return c.SRS()
}

// From returns the source CRS.
func (t *Transformer) From() CRS { return t.from }

// To returns the target CRS.
func (t *Transformer) To() CRS { return t.to }

// Point transforms one coordinate pair.
func (t *Transformer) Point(x, y float64) (float64, float64, error) {
	if t.identity {
		return x, y, nil
	}
	if t.pj == nil {
		return 0, 0, fmt.Errorf("transformer %s → %s is closed", t.from, t.to)
	}
	if !finite(x) || !finite(y) {
		return 0, 0, fmt.Errorf("cannot transform non-finite coordinate (%v, %v) from %s", x, y, t.from)
	}
	c, err := t.pj.Forward(proj.NewCoord(x, y, 0, 0))
	if err != nil {
		return 0, 0, fmt.Errorf("transform (%v, %v) from %s to %s: %w", x, y, t.from, t.to, err)
	}
	if !finite(c[0]) || !finite(c[1]) {
		return 0, 0, fmt.Errorf("transform (%v, %v) from %s to %s: point outside the CRS's domain", x, y, t.from, t.to)
	}
	return c[0], c[1], nil
}

// MultiPolygon returns a transformed copy of mp; mp is not modified. All points go through PROJ
// in one array call.
func (t *Transformer) MultiPolygon(mp orb.MultiPolygon) (orb.MultiPolygon, error) {
	n := 0
	for _, p := range mp {
		for _, r := range p {
			n += len(r)
		}
	}
	out := make(orb.MultiPolygon, len(mp))
	if t.identity {
		for i, p := range mp {
			out[i] = make(orb.Polygon, len(p))
			for j, r := range p {
				out[i][j] = append(orb.Ring(nil), r...)
			}
		}
		return out, nil
	}
	if t.pj == nil {
		return nil, fmt.Errorf("transformer %s → %s is closed", t.from, t.to)
	}
	if cap(t.buf) < 2*n {
		t.buf = make([]float64, 2*n)
	}
	buf := t.buf[:2*n]
	k := 0
	for _, p := range mp {
		for _, r := range p {
			for _, pt := range r {
				if !finite(pt[0]) || !finite(pt[1]) {
					return nil, fmt.Errorf("cannot transform non-finite coordinate (%v, %v) from %s", pt[0], pt[1], t.from)
				}
				buf[k], buf[k+1] = pt[0], pt[1]
				k += 2
			}
		}
	}
	if n > 0 {
		if err := t.pj.ForwardFlatCoords(buf, 2, -1, -1); err != nil {
			return nil, fmt.Errorf("transform %d points from %s to %s: %w", n, t.from, t.to, err)
		}
	}
	k = 0
	for i, p := range mp {
		out[i] = make(orb.Polygon, len(p))
		for j, r := range p {
			nr := make(orb.Ring, len(r))
			for m := range r {
				x, y := buf[k], buf[k+1]
				if !finite(x) || !finite(y) {
					return nil, fmt.Errorf("transform point (%v, %v) from %s to %s: outside the CRS's domain", r[m][0], r[m][1], t.from, t.to)
				}
				nr[m] = orb.Point{x, y}
				k += 2
			}
			out[i][j] = nr
		}
	}
	return out, nil
}

// Close releases the PROJ objects now instead of at garbage collection. The Transformer must not
// be used afterwards.
func (t *Transformer) Close() {
	t.pj = nil
	t.ctx = nil
	t.buf = nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// gkCache keeps one geographic→GK transformer per (zone, prefix) for GeoToGK and GKToGeo, which
// may be called from any goroutine; the mutex serialises use of the non-thread-safe PROJ objects.
var gkCache struct {
	sync.Mutex
	fwd map[gkKey]*Transformer
	inv map[gkKey]*Transformer
}

type gkKey struct {
	zone   int
	prefix bool
}

func cachedGK(zone int, prefix, inverse bool) (*Transformer, error) {
	k := gkKey{zone, prefix}
	m := &gkCache.fwd
	if inverse {
		m = &gkCache.inv
	}
	if *m == nil {
		*m = map[gkKey]*Transformer{}
	}
	if t, ok := (*m)[k]; ok {
		return t, nil
	}
	gk, err := GaussKruger(zone, prefix)
	if err != nil {
		return nil, err
	}
	var t *Transformer
	if inverse {
		t, err = NewTransformer(gk, Geographic())
	} else {
		t, err = NewTransformer(Geographic(), gk)
	}
	if err != nil {
		return nil, err
	}
	(*m)[k] = t
	return t, nil
}

// GeoToGK converts CGCS2000 longitude/latitude to Gauss-Krüger plane coordinates of a 3° zone,
// in Chinese table order: X is northing, Y is easting. Safe for concurrent use.
func GeoToGK(lon, lat float64, zone int, prefix bool) (northingX, eastingY float64, err error) {
	gkCache.Lock()
	defer gkCache.Unlock()
	t, err := cachedGK(zone, prefix, false)
	if err != nil {
		return 0, 0, err
	}
	e, n, err := t.Point(lon, lat)
	return n, e, err
}

// GKToGeo converts Gauss-Krüger plane coordinates (X northing, Y easting) of a 3° zone to CGCS2000
// longitude/latitude. Safe for concurrent use.
func GKToGeo(northingX, eastingY float64, zone int, prefix bool) (lon, lat float64, err error) {
	gkCache.Lock()
	defer gkCache.Unlock()
	t, err := cachedGK(zone, prefix, true)
	if err != nil {
		return 0, 0, err
	}
	return t.Point(eastingY, northingX)
}
