package main

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"
)

// region answers "is this point inside Xinjiang" for shape fitting.
type region interface {
	contains(p orb.Point) bool
}

// insideWithMargin keeps generated outlines a few kilometres off the border, so that the
// quantised real boundary (≈100 m) never decides a containment test.
func insideWithMargin(r region, p orb.Point) bool {
	const m = 0.03
	return r.contains(p) && r.contains(orb.Point{p[0] + m, p[1]}) && r.contains(orb.Point{p[0] - m, p[1]}) &&
		r.contains(orb.Point{p[0], p[1] + m}) && r.contains(orb.Point{p[0], p[1] - m})
}

// harmonics is a smooth random function of an angle, for irregular but plausible outlines.
type harmonics struct {
	amp, phase []float64
}

func newHarmonics(rng *rand.Rand, amp float64) harmonics {
	var h harmonics
	for k := 1; k <= 6; k++ {
		h.amp = append(h.amp, amp*rng.Float64()/float64(k))
		h.phase = append(h.phase, rng.Float64()*2*math.Pi)
	}
	return h
}

func (h harmonics) at(t float64) float64 {
	v := 1.0
	for k := range h.amp {
		v += h.amp[k] * math.Sin(float64(k+2)*t+h.phase[k])
	}
	return v
}

// radialSpec describes a star-shaped outline round a centre: every vertex is at its own angle,
// so shrinking a vertex along its ray can never make the ring cross itself.
type radialSpec struct {
	C        orb.Point
	RX, RY   float64 // half-axes in degrees of longitude and latitude
	Rot      float64 // degrees, counter-clockwise
	N        int
	Amp      float64
	InnerFac float64 // > 0: a band (ring) with a hole this fraction of the outer radius
}

func (s radialSpec) point(t, r float64) orb.Point {
	x, y := s.RX*r*math.Cos(t), s.RY*r*math.Sin(t)
	a := s.Rot * math.Pi / 180
	return orb.Point{s.C[0] + x*math.Cos(a) - y*math.Sin(a), s.C[1] + x*math.Sin(a) + y*math.Cos(a)}
}

// radial builds the polygon and fits it inside xj by shrinking vertices along their rays.
func radial(rng *rand.Rand, s radialSpec, xj region) (orb.Polygon, error) {
	if s.N == 0 {
		s.N = 36
	}
	if !insideWithMargin(xj, s.C) {
		return nil, fmt.Errorf("centre %v is not inside Xinjiang", s.C)
	}
	h := newHarmonics(rng, s.Amp)
	ts := make([]float64, s.N)
	rs := make([]float64, s.N)
	for i := range ts {
		ts[i] = 2 * math.Pi * (float64(i) + 0.3*(rng.Float64()-0.5)) / float64(s.N)
		rs[i] = h.at(ts[i]) * (1 + 0.06*(rng.Float64()-0.5))
	}
	fit(rs, func(i int, r float64) orb.Point { return s.point(ts[i], r) }, xj)
	outer := make(orb.Ring, 0, s.N+1)
	for i := range ts {
		outer = append(outer, s.point(ts[i], rs[i]))
	}
	outer = append(outer, outer[0])
	pg := orb.Polygon{outer}
	if s.InnerFac > 0 {
		hi := newHarmonics(rng, s.Amp*0.7)
		inner := make(orb.Ring, 0, s.N+1)
		for i := len(ts) - 1; i >= 0; i-- { // clockwise
			r := math.Min(s.InnerFac*hi.at(ts[i]), 0.75*rs[i])
			inner = append(inner, s.point(ts[i], r))
		}
		inner = append(inner, inner[0])
		pg = append(pg, inner)
	}
	return pg, nil
}

// fit shrinks radii (or widths) until every vertex and every point along every edge is inside.
func fit(rs []float64, at func(i int, r float64) orb.Point, xj region) {
	n := len(rs)
	for iter := 0; iter < 60; iter++ {
		changed := false
		for i := range rs {
			for rs[i] > 0.05 && !insideWithMargin(xj, at(i, rs[i])) {
				rs[i] *= 0.9
				changed = true
			}
		}
		for i := range rs {
			j := (i + 1) % n
			a, b := at(i, rs[i]), at(j, rs[j])
			steps := int(math.Hypot(b[0]-a[0], b[1]-a[1])/0.02) + 1
			for k := 1; k < steps; k++ {
				f := float64(k) / float64(steps)
				if !insideWithMargin(xj, orb.Point{a[0] + (b[0]-a[0])*f, a[1] + (b[1]-a[1])*f}) {
					rs[i] *= 0.9
					rs[j] *= 0.9
					changed = true
					break
				}
			}
		}
		if !changed {
			return
		}
	}
}

// belt builds a band of half-width hw along a centre line (a mountain range), with an irregular
// width, fitted inside xj by narrowing it towards the centre line.
func belt(rng *rand.Rand, line []orb.Point, hw float64, xj region) (orb.Polygon, error) {
	// densify the centre line
	var pts []orb.Point
	for i := 0; i+1 < len(line); i++ {
		a, b := line[i], line[i+1]
		n := int(math.Hypot(b[0]-a[0], b[1]-a[1])/0.15) + 1
		for k := 0; k < n; k++ {
			f := float64(k) / float64(n)
			pts = append(pts, orb.Point{a[0] + (b[0]-a[0])*f, a[1] + (b[1]-a[1])*f})
		}
	}
	pts = append(pts, line[len(line)-1])
	for _, p := range pts {
		if !insideWithMargin(xj, p) {
			return nil, fmt.Errorf("belt centre line point %v is outside Xinjiang", p)
		}
	}
	n := len(pts)
	normal := func(i int) orb.Point {
		a, b := pts[max(i-1, 0)], pts[min(i+1, n-1)]
		dx, dy := b[0]-a[0], b[1]-a[1]
		l := math.Hypot(dx, dy)
		return orb.Point{-dy / l, dx / l}
	}
	// vertices: left side forward, end cap, right side backward, start cap
	type vtx struct {
		base, dir orb.Point
	}
	var vs []vtx
	hl, hr := newHarmonics(rng, 0.5), newHarmonics(rng, 0.5)
	var ws []float64
	for i := 0; i < n; i++ {
		nm := normal(i)
		vs = append(vs, vtx{pts[i], nm})
		ws = append(ws, hw*hl.at(float64(i)*0.35))
	}
	tangent := func(i int) orb.Point { nm := normal(i); return orb.Point{nm[1], -nm[0]} }
	te := tangent(n - 1)
	vs = append(vs, vtx{pts[n-1], orb.Point{te[0]*0.8 + normal(n - 1)[0]*0.6, te[1]*0.8 + normal(n - 1)[1]*0.6}})
	ws = append(ws, hw*0.8)
	vs = append(vs, vtx{pts[n-1], orb.Point{te[0]*0.8 - normal(n - 1)[0]*0.6, te[1]*0.8 - normal(n - 1)[1]*0.6}})
	ws = append(ws, hw*0.8)
	for i := n - 1; i >= 0; i-- {
		nm := normal(i)
		vs = append(vs, vtx{pts[i], orb.Point{-nm[0], -nm[1]}})
		ws = append(ws, hw*hr.at(float64(i)*0.35))
	}
	ts := tangent(0)
	vs = append(vs, vtx{pts[0], orb.Point{-ts[0]*0.8 - normal(0)[0]*0.6, -ts[1]*0.8 - normal(0)[1]*0.6}})
	ws = append(ws, hw*0.8)
	vs = append(vs, vtx{pts[0], orb.Point{-ts[0]*0.8 + normal(0)[0]*0.6, -ts[1]*0.8 + normal(0)[1]*0.6}})
	ws = append(ws, hw*0.8)
	at := func(i int, w float64) orb.Point {
		return orb.Point{vs[i].base[0] + vs[i].dir[0]*w, vs[i].base[1] + vs[i].dir[1]*w}
	}
	fit(ws, at, xj)
	ring := make(orb.Ring, 0, len(vs)+1)
	for i := range vs {
		ring = append(ring, at(i, ws[i]))
	}
	ring = append(ring, ring[0])
	if ringSigned(ring) < 0 {
		ring.Reverse()
	}
	return orb.Polygon{ring}, nil
}
