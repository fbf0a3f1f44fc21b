package render

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"slices"
	"sort"
	"sync"

	"github.com/paulmach/orb"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// labelSize is the label font size in pixels.
const labelSize = 13

// haloRadius is the width of the light halo around label text, in pixels.
const haloRadius = 2

// maxLabels bounds the labels considered per frame, so a view of thousands of labelled
// features stays cheap; the largest features are considered first.
const maxLabels = 3000

var labelFont struct {
	mu   sync.Mutex
	font *opentype.Font
	face font.Face
	gen  int // bumped on every change, to drop cached label images
}

// SetLabelFont sets the font for labels: TrueType/OpenType bytes, or a collection (the first
// font is used). It must cover CJK. Until a font is set labels are skipped; nil unsets it.
func SetLabelFont(ttf []byte) error {
	var f *opentype.Font
	if ttf != nil {
		var err error
		f, err = opentype.Parse(ttf)
		if err != nil {
			c, cerr := opentype.ParseCollection(ttf)
			if cerr != nil || c.NumFonts() == 0 {
				return fmt.Errorf("label font: not a TrueType/OpenType font or collection: %w", err)
			}
			if f, err = c.Font(0); err != nil {
				return fmt.Errorf("label font: %w", err)
			}
		}
	}
	var face font.Face
	if f != nil {
		var err error
		face, err = newFace(f, labelSize, font.HintingFull)
		if err != nil {
			return fmt.Errorf("label font: %w", err)
		}
	}
	labelFont.mu.Lock()
	defer labelFont.mu.Unlock()
	labelFont.font, labelFont.face = f, face
	labelFont.gen++
	return nil
}

// labelImage is a label rendered with its halo, premultiplied.
type labelImage struct {
	img *image.RGBA
}

type labelCache struct {
	gen  int
	imgs map[string]*labelImage
}

var (
	labelText = color.NRGBA{0x1c, 0x1c, 0x1c, 0xff}
	labelHalo = color.NRGBA{0xff, 0xff, 0xff, 0xe6}
)

// get returns the rendered label for text, or nil when no font is set or text has no glyphs.
func (c *labelCache) get(text string) *labelImage {
	labelFont.mu.Lock()
	defer labelFont.mu.Unlock()
	if labelFont.face == nil {
		return nil
	}
	if c.gen != labelFont.gen || c.imgs == nil || len(c.imgs) > 4096 {
		c.gen = labelFont.gen
		c.imgs = map[string]*labelImage{}
	}
	if li, ok := c.imgs[text]; ok {
		return li
	}
	li := renderLabel(labelFont.face, text)
	c.imgs[text] = li
	return li
}

// renderLabel draws text and a halo into a tight image. Caller holds labelFont.mu.
func renderLabel(face font.Face, text string) *labelImage {
	b, _ := font.BoundString(face, text)
	w := (b.Max.X - b.Min.X).Ceil()
	h := (b.Max.Y - b.Min.Y).Ceil()
	if w <= 0 || h <= 0 || w > 4096 || h > 512 {
		return nil
	}
	m := haloRadius + 1
	W, H := w+2*m, h+2*m
	mask := image.NewAlpha(image.Rect(0, 0, W, H))
	d := font.Drawer{Dst: mask, Src: image.Opaque, Face: face,
		Dot: fixed.Point26_6{X: fixed.I(m) - b.Min.X, Y: fixed.I(m) - b.Min.Y}}
	d.DrawString(text)
	// Halo: the text mask dilated by a disc of haloRadius.
	halo := make([]uint8, W*H)
	for y := 0; y < H; y++ {
		for x := 0; x < W; x++ {
			v := mask.Pix[y*W+x]
			if v == 0 {
				continue
			}
			for dy := -haloRadius; dy <= haloRadius; dy++ {
				for dx := -haloRadius; dx <= haloRadius; dx++ {
					if dx*dx+dy*dy > haloRadius*haloRadius+1 {
						continue
					}
					xx, yy := x+dx, y+dy
					if xx >= 0 && yy >= 0 && xx < W && yy < H && halo[yy*W+xx] < v {
						halo[yy*W+xx] = v
					}
				}
			}
		}
	}
	img := image.NewRGBA(image.Rect(0, 0, W, H))
	hr, hg, hb, ha := premul(labelHalo)
	tr, tg, tb, ta := premul(labelText)
	for i := 0; i < W*H; i++ {
		px := img.Pix[4*i : 4*i+4]
		if a := halo[i]; a != 0 {
			blendPx(px, hr, hg, hb, ha, uint32(a))
		}
		if a := mask.Pix[i]; a != 0 {
			blendPx(px, tr, tg, tb, ta, uint32(a))
		}
	}
	return &labelImage{img: img}
}

// drawLabels places labels of the visible labelled layers, top layer first and larger
// features first, skipping a label that would overlap one already placed or that is larger
// than its feature on screen.
func (m *Map) drawLabels(img *image.RGBA, t xform, f frame) {
	labelFont.mu.Lock()
	on := labelFont.face != nil
	labelFont.mu.Unlock()
	if !on {
		return
	}
	vb := t.mapBound(0, 0, float64(f.v.Width), float64(f.v.Height))
	var placed []image.Rectangle
	for oi := len(m.order) - 1; oi >= 0; oi-- {
		l := m.layers[m.order[oi]]
		if l == nil || !l.visible || l.style.LabelField == "" {
			continue
		}
		slots := l.idx.query(vb, len(l.feats), nil)
		slots = slices.DeleteFunc(slots, func(s int32) bool {
			ft := &l.feats[s]
			return !ft.alive || ft.label == "" || !ft.bound.Intersects(vb)
		})
		sort.SliceStable(slots, func(i, j int) bool { return l.feats[slots[i]].area > l.feats[slots[j]].area })
		if len(slots) > maxLabels {
			slots = slots[:maxLabels]
		}
		for _, s := range slots {
			ft := &l.feats[s]
			x0, y0, x1, y1 := t.bound(ft.bound)
			if x1-x0 < labelSize || y1-y0 < labelSize {
				continue // smaller than any label: skip before rendering its text
			}
			li := m.labels.get(ft.label)
			if li == nil {
				continue
			}
			lw, lh := li.img.Rect.Dx(), li.img.Rect.Dy()
			inner := float64(2 * (haloRadius + 1))
			if x1-x0 < float64(lw)-inner || y1-y0 < float64(lh)-inner {
				continue
			}
			if !ft.lpOK {
				ft.lp, ft.lpHas = labelPoint(ft.geom)
				ft.lpOK = true
			}
			if !ft.lpHas {
				continue
			}
			cx, cy := t.pt(ft.lp)
			min := image.Pt(int(math.Round(cx))-lw/2, int(math.Round(cy))-lh/2)
			r := image.Rectangle{Min: min, Max: min.Add(image.Pt(lw, lh))}
			if !r.In(img.Rect) {
				continue
			}
			clash := false
			for _, p := range placed {
				if p.Inset(-2).Overlaps(r) {
					clash = true
					break
				}
			}
			if clash {
				continue
			}
			placed = append(placed, r)
			blit(img, li.img, r.Min)
		}
	}
}

// blit composites src (premultiplied) over dst with src's origin at at; src lies inside dst.
func blit(dst, src *image.RGBA, at image.Point) {
	w := src.Rect.Dx()
	for y := 0; y < src.Rect.Dy(); y++ {
		do := dst.PixOffset(at.X, at.Y+y)
		so := y * src.Stride
		over(&image.RGBA{Pix: dst.Pix[do : do+4*w]}, &image.RGBA{Pix: src.Pix[so : so+4*w]})
	}
}

// errNoPart is returned by labelPoint's helpers for a geometry without area.
var errNoPart = errors.New("no polygon with area")

// labelPoint returns a point inside the largest part of mp, in the middle of the widest
// horizontal run through it (near the centroid for compact shapes, and inside the shape for
// C- and ring-shaped ones, where the centroid may fall outside).
func labelPoint(mp orb.MultiPolygon) (orb.Point, bool) {
	best, bestA := -1, 0.0
	for i, p := range mp {
		if len(p) == 0 {
			continue
		}
		if a := math.Abs(ringArea(p[0])); a > bestA {
			best, bestA = i, a
		}
	}
	if best < 0 {
		return orb.Point{}, false
	}
	poly := mp[best]
	c, err := ringCentroid(poly[0])
	if err != nil {
		return orb.Point{}, false
	}
	b := poly[0].Bound()
	bw := b.Max[0] - b.Min[0]
	y := c[1]
	x, w := widestRun(poly, y)
	if w < 0.3*bw {
		for _, f := range []float64{0.5, 0.35, 0.65, 0.2, 0.8} {
			yy := b.Min[1] + f*(b.Max[1]-b.Min[1])
			if xx, ww := widestRun(poly, yy); ww > w*1.5 {
				x, w, y = xx, ww, yy
			}
		}
	}
	if w <= 0 {
		return c, true
	}
	return orb.Point{x, y}, true
}

// widestRun intersects the horizontal line at y with the rings of poly and returns the middle
// and width of the widest interval inside it.
func widestRun(poly orb.Polygon, y float64) (mid, width float64) {
	var xs []float64
	for _, r := range poly {
		n := len(r)
		for i := 0; i < n; i++ {
			a, b := r[i], r[(i+1)%n]
			if (a[1] > y) != (b[1] > y) {
				xs = append(xs, a[0]+(y-a[1])*(b[0]-a[0])/(b[1]-a[1]))
			}
		}
	}
	sort.Float64s(xs)
	for i := 0; i+1 < len(xs); i += 2 {
		if w := xs[i+1] - xs[i]; w > width {
			mid, width = (xs[i]+xs[i+1])/2, w
		}
	}
	return
}

// ringArea is the signed planar area of r, computed relative to its first point so that
// small rings far from the origin keep their precision.
func ringArea(r orb.Ring) float64 {
	if len(r) < 3 {
		return 0
	}
	s := 0.0
	o := r[0]
	n := len(r)
	for i := 0; i < n; i++ {
		a, b := r[i], r[(i+1)%n]
		s += (a[0]-o[0])*(b[1]-o[1]) - (b[0]-o[0])*(a[1]-o[1])
	}
	return s / 2
}

func ringCentroid(r orb.Ring) (orb.Point, error) {
	if len(r) < 3 {
		return orb.Point{}, errNoPart
	}
	var cx, cy, a float64
	o := r[0] // relative to the first point, for precision
	n := len(r)
	for i := 0; i < n; i++ {
		px, py := r[i][0]-o[0], r[i][1]-o[1]
		qx, qy := r[(i+1)%n][0]-o[0], r[(i+1)%n][1]-o[1]
		c := px*qy - qx*py
		a += c
		cx += (px + qx) * c
		cy += (py + qy) * c
	}
	if a == 0 || math.IsNaN(a) || math.IsInf(a, 0) {
		return orb.Point{}, errNoPart
	}
	return orb.Point{o[0] + cx/(3*a), o[1] + cy/(3*a)}, nil
}
