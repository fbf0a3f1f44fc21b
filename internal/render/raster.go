package render

import (
	"encoding/binary"
	"image"
	"image/color"
	"image/draw"
	"math"
	"slices"
	"sync/atomic"

	"github.com/paulmach/orb"
	"golang.org/x/image/vector"
)

// xform maps lon/lat to the pixel space of one target image: x = lon·a − ox, y = −lat·b − oy.
// (ox, oy) is the target's top-left corner in "world pixels" (lon·a, −lat·b) of the scale.
type xform struct{ a, b, ox, oy float64 }

func (t xform) pt(p orb.Point) (float64, float64) { return p[0]*t.a - t.ox, -p[1]*t.b - t.oy }

// bound returns the pixel rectangle (float) of a map bound.
func (t xform) bound(b orb.Bound) (x0, y0, x1, y1 float64) {
	return b.Min[0]*t.a - t.ox, -b.Max[1]*t.b - t.oy, b.Max[0]*t.a - t.ox, -b.Min[1]*t.b - t.oy
}

// mapBound is the inverse of bound for a pixel rectangle.
func (t xform) mapBound(x0, y0, x1, y1 float64) orb.Bound {
	return orb.Bound{
		Min: orb.Point{(x0 + t.ox) / t.a, -(y1 + t.oy) / t.b},
		Max: orb.Point{(x1 + t.ox) / t.a, -(y0 + t.oy) / t.b},
	}
}

type fpt struct{ x, y float64 }

// path collects rings in target pixel coordinates for one fill or stroke pass, so that many
// features of one colour are rasterised together.
type path struct {
	pts    []fpt
	starts []int  // index of each ring's first point in pts
	hole   []bool // ring is a hole (fill orientation is reversed)
	closed []bool // ring closes (polygons) or not (lines)
}

func (p *path) reset() {
	p.pts, p.starts, p.hole, p.closed = p.pts[:0], p.starts[:0], p.hole[:0], p.closed[:0]
}

func (p *path) ring(i int) []fpt {
	end := len(p.pts)
	if i+1 < len(p.starts) {
		end = p.starts[i+1]
	}
	return p.pts[p.starts[i]:end]
}

// simplifyPx drops vertices closer than this to the previous kept one: finer detail cannot
// show at pixel resolution, and it turns a 50,000-vertex county into a few hundred points at
// province scale.
const simplifyPx = 0.4

// addRing appends a ring transformed by t, simplified to pixel resolution.
func (p *path) addRing(r []orb.Point, t xform, hole, closed bool) {
	if len(r) < 2 {
		return
	}
	start := len(p.pts)
	lx, ly := math.Inf(1), math.Inf(1)
	for i, q := range r {
		x, y := t.pt(q)
		if x-x != 0 || y-y != 0 { // NaN or infinite: bad data must not reach the rasteriser
			continue
		}
		if math.Abs(x-lx) < simplifyPx && math.Abs(y-ly) < simplifyPx && i != len(r)-1 {
			continue
		}
		p.pts = append(p.pts, fpt{x, y})
		lx, ly = x, y
	}
	if len(p.pts)-start < 2 {
		p.pts = p.pts[:start]
		return
	}
	p.starts = append(p.starts, start)
	p.hole = append(p.hole, hole)
	p.closed = append(p.closed, closed)
}

func (p *path) addPolygon(poly orb.Polygon, t xform) {
	for i, r := range poly {
		p.addRing(r, t, i > 0, true)
	}
}

// painter rasterises paths into RGBA images. One per worker goroutine; not shareable.
type painter struct {
	z       vector.Rasterizer
	maskBuf []byte
	maskImg image.Alpha
	clipA   []fpt
	clipB   []fpt
	path    path
	big     path
	offV    []fpt
	offL    []fpt
	offR    []fpt
	offN    []fpt
	// abort, when set and positive, stops drawFeatures early and sets aborted: the
	// background prefetch gives way to a waiting Render.
	abort    *atomic.Int32
	aborted  bool
	stamp    []uint32
	stampGen uint32
	slots    []int32
}

// mask returns an Alpha image of w×h backed by the painter's reusable buffer.
func (pt *painter) mask(w, h int) *image.Alpha {
	n := w * h
	if cap(pt.maskBuf) < n {
		pt.maskBuf = make([]byte, n)
	}
	// One Alpha per painter: a new one per pass would be a heap allocation (it escapes
	// into the rasteriser's Draw).
	pt.maskImg = image.Alpha{Pix: pt.maskBuf[:n], Stride: w, Rect: image.Rect(0, 0, w, h)}
	return &pt.maskImg
}

// region is the integer rectangle of dst a set of pixel extents touches.
func region(x0, y0, x1, y1, pad float64, dst image.Rectangle) image.Rectangle {
	r := image.Rect(int(math.Floor(clampF(x0-pad))), int(math.Floor(clampF(y0-pad))),
		int(math.Ceil(clampF(x1+pad))), int(math.Ceil(clampF(y1+pad))))
	return r.Intersect(dst)
}

// clampF keeps huge coordinates (deep zoom) inside int range.
func clampF(v float64) float64 { return math.Max(-1e9, math.Min(1e9, v)) }

// pathBounds is the pixel extent of all points of p.
func (p *path) bounds() (x0, y0, x1, y1 float64) {
	x0, y0, x1, y1 = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, q := range p.pts {
		x0, y0 = math.Min(x0, q.x), math.Min(y0, q.y)
		x1, y1 = math.Max(x1, q.x), math.Max(y1, q.y)
	}
	return
}

// fill rasterises the closed rings of p into dst within r with colour c. Rings are clipped
// to r (plus a guard) so that the fixed-point rasteriser never sees huge coordinates, and
// oriented so that outer rings and holes wind opposite ways: the rasteriser takes the
// absolute sum of windings, so this is what makes holes empty and overlapping features of one
// batch blend only once.
func (pt *painter) fill(dst *image.RGBA, r image.Rectangle, p *path, c color.NRGBA) {
	if c.A == 0 || r.Empty() || len(p.starts) == 0 {
		return
	}
	w, h := r.Dx(), r.Dy()
	pt.z.Reset(w, h)
	ox, oy := float64(r.Min.X), float64(r.Min.Y)
	g := 2.0
	drew := false
	for i := range p.starts {
		if !p.closed[i] {
			continue
		}
		ring := pt.clipRing(p.ring(i), -g+ox, -g+oy, float64(w)+g+ox, float64(h)+g+oy)
		if len(ring) < 3 {
			continue
		}
		a := signedArea(ring)
		if a == 0 {
			continue
		}
		rev := (a < 0) != p.hole[i]
		n := len(ring)
		at := func(k int) fpt {
			if rev {
				return ring[n-1-k]
			}
			return ring[k]
		}
		q := at(0)
		pt.z.MoveTo(float32(q.x-ox), float32(q.y-oy))
		for k := 1; k < n; k++ {
			q = at(k)
			pt.z.LineTo(float32(q.x-ox), float32(q.y-oy))
		}
		pt.z.ClosePath()
		drew = true
	}
	if drew {
		pt.blendMask(dst, r, c)
	}
}

// stroke rasterises the outlines of p, width pixels wide, into dst within r. A closed ring
// becomes a band between its two offset rings (mitred, bevelled when sharp): two edges per
// segment for the rasteriser instead of the five of a quad. Open lines are drawn as one quad
// per segment (square caps, so joints have no gaps); all quads wind the same way, so where
// they overlap the coverage saturates instead of doubling.
func (pt *painter) stroke(dst *image.RGBA, r image.Rectangle, p *path, c color.NRGBA, width float64) {
	if c.A == 0 || width <= 0 || r.Empty() || len(p.starts) == 0 {
		return
	}
	w, h := r.Dx(), r.Dy()
	pt.z.Reset(w, h)
	ox, oy := float64(r.Min.X), float64(r.Min.Y)
	hw := width / 2
	// The clip rectangle lies well outside r: the offset bands of the edges clipping adds
	// (and their miters, up to 3 half widths long) must not reach r.
	g := 4*hw + 4
	cx0, cy0, cx1, cy1 := ox-g, oy-g, ox+float64(w)+g, oy+float64(h)+g
	drew := false
	for i := range p.starts {
		ring := p.ring(i)
		if p.closed[i] {
			if pt.strokeRing(ring, hw, ox, oy, cx0, cy0, cx1, cy1) {
				drew = true
			}
			continue
		}
		for k := 0; k+1 < len(ring); k++ {
			a, b, ok := clipSegment(ring[k], ring[k+1], cx0, cy0, cx1, cy1)
			if !ok {
				continue
			}
			dx, dy := b.x-a.x, b.y-a.y
			l := math.Hypot(dx, dy)
			if l < 1e-9 {
				continue
			}
			ux, uy := dx/l*hw, dy/l*hw // along, half width
			nx, ny := -uy, ux          // left normal, half width
			ax, ay := a.x-ux-ox, a.y-uy-oy
			bx, by := b.x+ux-ox, b.y+uy-oy
			pt.z.MoveTo(float32(ax+nx), float32(ay+ny))
			pt.z.LineTo(float32(bx+nx), float32(by+ny))
			pt.z.LineTo(float32(bx-nx), float32(by-ny))
			pt.z.LineTo(float32(ax-nx), float32(ay-ny))
			pt.z.ClosePath()
			drew = true
		}
	}
	if drew {
		pt.blendMask(dst, r, c)
	}
}

// strokeRing adds the band of half width hw around a closed ring to the rasteriser: the left
// offset ring forward and the right offset ring backward, so that winding cancels inside.
// Rings reaching outside the clip rectangle are first clipped (the band is clipped with a
// guard wider than hw, so the cut edges are never seen).
func (pt *painter) strokeRing(ring []fpt, hw, ox, oy, cx0, cy0, cx1, cy1 float64) bool {
	ring = pt.clipRing(ring, cx0, cy0, cx1, cy1)
	// Drop the closing duplicate and repeated points.
	v := pt.offV[:0]
	for _, q := range ring {
		if len(v) > 0 && math.Abs(q.x-v[len(v)-1].x) < 1e-9 && math.Abs(q.y-v[len(v)-1].y) < 1e-9 {
			continue
		}
		v = append(v, q)
	}
	for len(v) > 1 && math.Abs(v[0].x-v[len(v)-1].x) < 1e-9 && math.Abs(v[0].y-v[len(v)-1].y) < 1e-9 {
		v = v[:len(v)-1]
	}
	pt.offV = v
	n := len(v)
	if n < 2 {
		return false
	}
	// One orientation for every ring, so that all bands wind the same way and saturate where
	// they cross instead of cancelling.
	if signedArea(v) < 0 {
		slices.Reverse(v)
	}
	// Unit left normal of edge i (from v[i] to v[i+1]).
	nrm := pt.offN[:0]
	for i := 0; i < n; i++ {
		a, b := v[i], v[(i+1)%n]
		dx, dy := b.x-a.x, b.y-a.y
		l := math.Sqrt(dx*dx + dy*dy)
		nrm = append(nrm, fpt{-dy / l, dx / l})
	}
	pt.offN = nrm
	left, right := pt.offL[:0], pt.offR[:0]
	for i := 0; i < n; i++ {
		b := v[i]
		n0x, n0y := nrm[(i+n-1)%n].x, nrm[(i+n-1)%n].y
		n1x, n1y := nrm[i].x, nrm[i].y
		mx, my := n0x+n1x, n0y+n1y
		ml := math.Hypot(mx, my)
		cos := 0.0
		if ml > 1e-9 {
			mx, my = mx/ml, my/ml
			cos = mx*n0x + my*n0y
		}
		if cos < 0.35 { // sharp turn (or a spike): bevel instead of a long miter
			left = append(left, fpt{b.x + n0x*hw, b.y + n0y*hw}, fpt{b.x + n1x*hw, b.y + n1y*hw})
			right = append(right, fpt{b.x - n0x*hw, b.y - n0y*hw}, fpt{b.x - n1x*hw, b.y - n1y*hw})
			continue
		}
		k := hw / cos
		left = append(left, fpt{b.x + mx*k, b.y + my*k})
		right = append(right, fpt{b.x - mx*k, b.y - my*k})
	}
	pt.offL, pt.offR = left, right
	pt.z.MoveTo(float32(left[0].x-ox), float32(left[0].y-oy))
	for _, q := range left[1:] {
		pt.z.LineTo(float32(q.x-ox), float32(q.y-oy))
	}
	pt.z.ClosePath()
	last := right[len(right)-1]
	pt.z.MoveTo(float32(last.x-ox), float32(last.y-oy))
	for k := len(right) - 2; k >= 0; k-- {
		pt.z.LineTo(float32(right[k].x-ox), float32(right[k].y-oy))
	}
	pt.z.ClosePath()
	return true
}

// blendMask draws the rasteriser's coverage into a mask with the SIMD fast path and blends c
// through it into dst at r, skipping uncovered pixels.
func (pt *painter) blendMask(dst *image.RGBA, r image.Rectangle, c color.NRGBA) {
	w, h := r.Dx(), r.Dy()
	m := pt.mask(w, h)
	pt.z.DrawOp = draw.Src
	pt.z.Draw(m, m.Rect, image.Opaque, image.Point{})
	pr, pg, pb, pa := premul(c)
	cp := pr | pg<<8 | pb<<16 | pa<<24
	for y := 0; y < h; y++ {
		row := m.Pix[y*w : y*w+w]
		off := dst.PixOffset(r.Min.X, r.Min.Y+y)
		d := dst.Pix[off : off+4*w]
		for x, mv := range row {
			if mv == 0 {
				continue
			}
			i := 4 * x
			sp := cp
			if mv != 255 {
				sp = scalePacked(cp, uint32(mv))
			} else if pa == 255 {
				binary.LittleEndian.PutUint32(d[i:i+4], cp)
				continue
			}
			binary.LittleEndian.PutUint32(d[i:i+4], overPacked(binary.LittleEndian.Uint32(d[i:i+4]), sp))
		}
	}
}

func premul(c color.NRGBA) (r, g, b, a uint32) {
	a = uint32(c.A)
	return div255(uint32(c.R) * a), div255(uint32(c.G) * a), div255(uint32(c.B) * a), a
}

// div255 is x/255 rounded, exact for x ≤ 255·255, without a division.
func div255(x uint32) uint32 {
	x += 128
	return (x + x>>8) >> 8
}

// blendPx puts premultiplied colour (r,g,b,a) with coverage m (0..255) over one pixel.
func blendPx(d []byte, r, g, b, a, m uint32) {
	if m != 255 {
		r, g, b, a = div255(r*m), div255(g*m), div255(b*m), div255(a*m)
	}
	if a == 255 {
		d[0], d[1], d[2], d[3] = byte(r), byte(g), byte(b), 255
		return
	}
	ia := 255 - a
	d[0] = byte(r + div255(uint32(d[0])*ia))
	d[1] = byte(g + div255(uint32(d[1])*ia))
	d[2] = byte(b + div255(uint32(d[2])*ia))
	d[3] = byte(a + div255(uint32(d[3])*ia))
}

// dot blends c into the single pixel at (x, y), for features smaller than a pixel.
func dot(dst *image.RGBA, x, y float64, c color.NRGBA) {
	ix, iy := int(math.Floor(x)), int(math.Floor(y))
	if !(image.Point{ix, iy}.In(dst.Rect)) || c.A == 0 {
		return
	}
	r, g, b, a := premul(c)
	o := dst.PixOffset(ix, iy)
	blendPx(dst.Pix[o:o+4], r, g, b, a, 255)
}

// over composites premultiplied src onto dst (same size), skipping transparent pixels: most
// of a sparse layer's tile is empty.
func over(dst, src *image.RGBA) {
	d, s := dst.Pix, src.Pix
	n := min(len(d), len(s)) &^ 3
	for i := 0; i < n; i += 4 {
		sp := binary.LittleEndian.Uint32(s[i : i+4])
		switch sp >> 24 {
		case 0:
			continue
		case 255:
			binary.LittleEndian.PutUint32(d[i:i+4], sp)
		default:
			binary.LittleEndian.PutUint32(d[i:i+4], overPacked(binary.LittleEndian.Uint32(d[i:i+4]), sp))
		}
	}
}

// overPacked is premultiplied s over d, pixels packed as 0xAABBGGRR, two channels per
// multiply (each product fits in 16 bits), rounded like div255.
func overPacked(d, s uint32) uint32 {
	return s + scalePacked(d, 255-s>>24)
}

// scalePacked multiplies the four channels of p by m/255, rounded.
func scalePacked(p, m uint32) uint32 {
	rb := (p&0x00ff00ff)*m + 0x00800080
	rb = (rb + (rb>>8)&0x00ff00ff) >> 8 & 0x00ff00ff
	ga := (p>>8&0x00ff00ff)*m + 0x00800080
	ga = (ga + (ga>>8)&0x00ff00ff) & 0xff00ff00
	return rb | ga
}

func signedArea(r []fpt) float64 {
	s := 0.0
	n := len(r)
	for i := 0; i < n; i++ {
		a, b := r[i], r[(i+1)%n]
		s += a.x*b.y - b.x*a.y
	}
	return s / 2
}

// clipRing clips a closed ring to a rectangle (Sutherland–Hodgman). The result may have
// zero-width slivers along the rectangle's edges, which add no coverage. The returned slice
// is painter scratch, valid until the next call.
func (pt *painter) clipRing(r []fpt, x0, y0, x1, y1 float64) []fpt {
	inside := true
	for _, q := range r {
		if q.x < x0 || q.x > x1 || q.y < y0 || q.y > y1 {
			inside = false
			break
		}
	}
	if inside {
		return r
	}
	in := append(pt.clipA[:0], r...)
	out := pt.clipB[:0]
	for edge := 0; edge < 4 && len(in) > 0; edge++ {
		out = out[:0]
		isIn := func(q fpt) bool {
			switch edge {
			case 0:
				return q.x >= x0
			case 1:
				return q.x <= x1
			case 2:
				return q.y >= y0
			}
			return q.y <= y1
		}
		cross := func(a, b fpt) fpt {
			var t float64
			switch edge {
			case 0:
				t = (x0 - a.x) / (b.x - a.x)
			case 1:
				t = (x1 - a.x) / (b.x - a.x)
			case 2:
				t = (y0 - a.y) / (b.y - a.y)
			default:
				t = (y1 - a.y) / (b.y - a.y)
			}
			return fpt{a.x + t*(b.x-a.x), a.y + t*(b.y-a.y)}
		}
		n := len(in)
		for i := 0; i < n; i++ {
			a, b := in[(i+n-1)%n], in[i]
			ai, bi := isIn(a), isIn(b)
			if bi {
				if !ai {
					out = append(out, cross(a, b))
				}
				out = append(out, b)
			} else if ai {
				out = append(out, cross(a, b))
			}
		}
		in, out = out, in
	}
	pt.clipA, pt.clipB = in, out
	return in
}

// clipSegment clips a–b to a rectangle (Liang–Barsky).
func clipSegment(a, b fpt, x0, y0, x1, y1 float64) (fpt, fpt, bool) {
	t0, t1 := 0.0, 1.0
	dx, dy := b.x-a.x, b.y-a.y
	for _, e := range [4][2]float64{{-dx, a.x - x0}, {dx, x1 - a.x}, {-dy, a.y - y0}, {dy, y1 - a.y}} {
		p, q := e[0], e[1]
		if p == 0 {
			if q < 0 {
				return a, b, false
			}
			continue
		}
		t := q / p
		if p < 0 {
			if t > t1 {
				return a, b, false
			}
			if t > t0 {
				t0 = t
			}
		} else {
			if t < t0 {
				return a, b, false
			}
			if t < t1 {
				t1 = t
			}
		}
	}
	return fpt{a.x + t0*dx, a.y + t0*dy}, fpt{a.x + t1*dx, a.y + t1*dy}, true
}
