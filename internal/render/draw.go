package render

import (
	"image"
	"image/color"
	"math"

	"github.com/paulmach/orb"
)

// smallArea is the pixel area under which a feature is rasterised on its own, in a
// rasteriser as small as its extent; larger features are batched per colour, so a layer of
// provinces costs one pass however many counties it has.
const smallArea = 64 * 64

// dotSize: a feature whose extent is under this many pixels each way is drawn as one dot.
const dotSize = 1.5

// markSize: a feature under this many pixels each way is drawn as a solid mark in its fill
// colour, without outline: its bounding box, antialiased, at the coverage of the polygon
// (area / box area). An outline would cover most of it anyway, at overview scales the
// colours (minerals) are what a planner reads, and blocks are mostly 1′ cells, nearly
// rectangles. This keeps the province view of a large plan cheap.
const markSize = 4.0

// drawFeatures draws feats[slots] into dst through t: fills, then outlines of width pixels in
// stroke. fill, when not nil, replaces every feature's own fill (highlights). It reports
// whether any feature reached dst.
func (pt *painter) drawFeatures(dst *image.RGBA, t xform, feats []feat, slots []int32, stroke color.NRGBA, width float64, fill *color.NRGBA) bool {
	bounds := dst.Rect
	hw := width / 2
	pad := hw + 1
	if stroke.A == 0 {
		pad = 1
	}
	drew := false
	var bigSlots []int32
	var bigColours []color.NRGBA
	for n, s := range slots {
		if pt.abort != nil && n&127 == 0 && pt.abort.Load() > 0 {
			pt.aborted = true
			return drew
		}
		f := &feats[s]
		if !f.alive {
			continue
		}
		x0, y0, x1, y1 := t.bound(f.bound)
		if x1 < float64(bounds.Min.X)-pad || y1 < float64(bounds.Min.Y)-pad ||
			x0 > float64(bounds.Max.X)+pad || y0 > float64(bounds.Max.Y)+pad {
			continue
		}
		c := f.fill
		if fill != nil {
			c = *fill
		}
		drew = true
		if x1-x0 < dotSize && y1-y0 < dotSize {
			dc := c
			if dc.A < 0x60 {
				dc = stroke
			}
			dot(dst, (x0+x1)/2, (y0+y1)/2, dc)
			continue
		}
		// Classify by the whole extent, not the part in dst, so that every tile draws a
		// feature the same way.
		if (x1-x0)*(y1-y0) > smallArea {
			bigSlots = append(bigSlots, s)
			if c.A != 0 && !containsColour(bigColours, c) {
				bigColours = append(bigColours, c)
			}
			continue
		}
		if x1-x0 < markSize && y1-y0 < markSize {
			mc := c
			if mc.A < 0x60 {
				mc = stroke
			} else if mc.A < 0xcc {
				mc.A = 0xcc
			}
			boxMark(dst, x0, y0, x1, y1, f.fillRatio, mc)
			continue
		}
		p := &pt.path
		p.reset()
		for _, poly := range f.geom {
			p.addPolygon(poly, t)
		}
		pt.fill(dst, region(x0, y0, x1, y1, 1, bounds), p, c)
		pt.stroke(dst, region(x0, y0, x1, y1, pad, bounds), p, stroke, width)
	}
	if len(bigSlots) == 0 || (pt.abort != nil && pt.abort.Load() > 0) {
		pt.aborted = pt.aborted || len(bigSlots) > 0
		return drew
	}
	// Big features: one fill pass per colour, then one stroke pass.
	p := &pt.big
	for _, c := range bigColours {
		p.reset()
		for _, s := range bigSlots {
			f := &feats[s]
			fc := f.fill
			if fill != nil {
				fc = *fill
			}
			if fc != c {
				continue
			}
			for _, poly := range f.geom {
				p.addPolygon(poly, t)
			}
		}
		x0, y0, x1, y1 := p.bounds()
		pt.fill(dst, region(x0, y0, x1, y1, 1, bounds), p, c)
	}
	if stroke.A != 0 && width > 0 {
		p.reset()
		for _, s := range bigSlots {
			for _, poly := range feats[s].geom {
				p.addPolygon(poly, t)
			}
		}
		x0, y0, x1, y1 := p.bounds()
		pt.stroke(dst, region(x0, y0, x1, y1, pad, bounds), p, stroke, width)
	}
	return drew
}

func containsColour(cs []color.NRGBA, c color.NRGBA) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}

// drawOnTop draws what is not cached: highlighted features, the overlay and labels.
func (m *Map) drawOnTop(img *image.RGBA, f frame) {
	t := m.viewXform(f)
	pt := m.painters[0]
	vb := t.mapBound(-8, -8, float64(f.v.Width)+8, float64(f.v.Height)+8)
	for _, table := range m.order {
		l := m.layers[table]
		ids := m.highlight[table]
		if l == nil || !l.visible || len(ids) == 0 {
			continue
		}
		slots := pt.slots[:0]
		for _, id := range ids {
			if s, ok := l.byID[id]; ok && l.feats[s].alive && l.feats[s].bound.Intersects(vb) {
				slots = append(slots, s)
			}
		}
		pt.slots = slots
		w := math.Max(2.5, l.style.StrokeWidth+1.5)
		hf := highlightFill
		pt.drawFeatures(img, t, l.feats, slots, highlightStroke, w, &hf)
	}
	m.drawLabels(img, t, f)
	for _, g := range m.overlay {
		pt.drawGeometry(img, t, g, vb)
	}
}

// drawGeometry draws one overlay geometry in the overlay style: areas filled and outlined,
// lines stroked, points as ringed dots.
func (pt *painter) drawGeometry(dst *image.RGBA, t xform, g orb.Geometry, vb orb.Bound) {
	if g == nil || !g.Bound().Intersects(vb) {
		return
	}
	p := &pt.path
	switch g := g.(type) {
	case orb.Point:
		x, y := t.pt(g)
		p.reset()
		const n, rad = 16, 5.0
		ring := make(orb.Ring, 0, n+1)
		for i := 0; i <= n; i++ {
			a := 2 * math.Pi * float64(i) / n
			ring = append(ring, orb.Point{x + rad*math.Cos(a), y + rad*math.Sin(a)})
		}
		p.addRing(ring, xform{a: 1, b: -1}, false, true)
		r := region(x-rad, y-rad, x+rad, y+rad, 3, dst.Rect)
		pt.fill(dst, r, p, color.NRGBA{0xff, 0x30, 0x30, 0xc0})
		pt.stroke(dst, r, p, overlayStroke, 2)
	case orb.MultiPoint:
		for _, q := range g {
			pt.drawGeometry(dst, t, q, vb)
		}
	case orb.LineString:
		p.reset()
		p.addRing(g, t, false, false)
		x0, y0, x1, y1 := p.bounds()
		pt.stroke(dst, region(x0, y0, x1, y1, 3, dst.Rect), p, overlayStroke, 3)
	case orb.MultiLineString:
		for _, q := range g {
			pt.drawGeometry(dst, t, q, vb)
		}
	case orb.Ring:
		pt.drawGeometry(dst, t, orb.Polygon{g}, vb)
	case orb.Polygon:
		pt.drawGeometry(dst, t, orb.MultiPolygon{g}, vb)
	case orb.MultiPolygon:
		p.reset()
		for _, poly := range g {
			p.addPolygon(poly, t)
		}
		x0, y0, x1, y1 := p.bounds()
		pt.fill(dst, region(x0, y0, x1, y1, 1, dst.Rect), p, overlayFill)
		pt.stroke(dst, region(x0, y0, x1, y1, 3, dst.Rect), p, overlayStroke, 2.5)
	case orb.Collection:
		for _, q := range g {
			pt.drawGeometry(dst, t, q, vb)
		}
	case orb.Bound:
		pt.drawGeometry(dst, t, g.ToPolygon(), vb)
	}
}

// boxMark blends c over the pixels of the box (x0,y0)-(x1,y1), weighted by how much of each
// pixel the box covers and by ratio, the share of the box the feature fills.
func boxMark(dst *image.RGBA, x0, y0, x1, y1, ratio float64, c color.NRGBA) {
	r := region(x0, y0, x1, y1, 0, dst.Rect)
	if r.Empty() {
		return
	}
	pr, pg, pb, pa := premul(c)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		cy := math.Min(y1, float64(y+1)) - math.Max(y0, float64(y))
		if cy <= 0 {
			continue
		}
		o := dst.PixOffset(r.Min.X, y)
		for x := r.Min.X; x < r.Max.X; x, o = x+1, o+4 {
			cx := math.Min(x1, float64(x+1)) - math.Max(x0, float64(x))
			if cx <= 0 {
				continue
			}
			m := uint32(cx*cy*ratio*255 + 0.5)
			if m > 255 {
				m = 255
			}
			if m > 0 {
				blendPx(dst.Pix[o:o+4:o+4], pr, pg, pb, pa, m)
			}
		}
	}
}
