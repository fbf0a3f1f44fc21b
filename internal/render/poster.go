package render

import (
	"context"
	"image"
	"image/color"
	"math"

	"github.com/paulmach/orb"
	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
)

// PosterOptions are the decorations of an exported map image.
type PosterOptions struct {
	Title  string
	DPI    float64 // decorations are sized for 96 DPI and scaled by DPI/96; 0 means 96
	Legend []LegendEntry
	Note   string // e.g. "示意": shown in red under the title
}

// LegendEntry is one row of the legend: a swatch and its label.
type LegendEntry struct {
	Label        string
	Fill, Stroke color.NRGBA
}

var (
	posterInk   = color.NRGBA{0x20, 0x20, 0x20, 0xff}
	posterPaper = color.NRGBA{0xff, 0xff, 0xff, 0xf0}
	posterRed   = color.NRGBA{0xc0, 0x00, 0x00, 0xff}
)

// RenderPoster renders v like Render and draws a title band, a legend, a scale bar, a north
// arrow and the note over it. Text needs SetLabelFont; without a font only the graphics are
// drawn.
func (m *Map) RenderPoster(ctx context.Context, v Viewport, opt PosterOptions) (*image.RGBA, error) {
	img, err := m.Render(ctx, v)
	if err != nil {
		return nil, err
	}
	k := opt.DPI / 96
	if !(k > 0) || math.IsInf(k, 0) {
		k = 1
	}
	k = math.Min(k, 20)
	pt := &painter{}
	W, H := float64(v.Width), float64(v.Height)
	pad := 12 * k

	labelFont.mu.Lock()
	f := labelFont.font
	labelFont.mu.Unlock()
	face := func(size float64) font.Face {
		if f == nil {
			return nil
		}
		fc, err := newFace(f, size*k, font.HintingNone)
		if err != nil {
			return nil
		}
		return fc
	}
	title, body := face(24), face(13)

	// Title band.
	top := 0.0
	if opt.Title != "" || opt.Note != "" {
		bandH := 2 * pad
		if opt.Title != "" {
			bandH += 30 * k
		}
		if opt.Note != "" {
			bandH += 18 * k
		}
		box(pt, img, 0, 0, W, bandH, posterPaper, color.NRGBA{})
		y := pad
		if opt.Title != "" {
			y += 24 * k
			drawText(img, title, opt.Title, W/2, y, posterInk, true)
			y += 6 * k
		}
		if opt.Note != "" {
			y += 16 * k
			drawText(img, body, opt.Note, W/2, y, posterRed, true)
		}
		top = bandH
	}

	// North arrow, top right under the band.
	ax, ay, as := W-pad-14*k, top+pad+4*k, 28*k
	arrowL := orb.Ring{{ax, ay}, {ax - as*0.35, ay + as}, {ax, ay + as*0.72}, {ax, ay}}
	arrowR := orb.Ring{{ax, ay}, {ax + as*0.35, ay + as}, {ax, ay + as*0.72}, {ax, ay}}
	shape(pt, img, arrowL, posterInk, posterInk, k)
	shape(pt, img, arrowR, color.NRGBA{0xff, 0xff, 0xff, 0xff}, posterInk, k)
	drawText(img, body, "N", ax, ay+as+16*k, posterInk, true)

	// Scale bar, bottom right: black and white halves with the length above.
	if metres, px, label := ScaleBar(v, int(160*k)); px > 0 {
		bw, bh := float64(px), 6*k
		x0, y0 := W-pad-bw, H-pad-bh
		box(pt, img, x0-8*k, y0-26*k, bw+16*k, bh+34*k, posterPaper, color.NRGBA{})
		box(pt, img, x0, y0, bw/2, bh, posterInk, posterInk)
		box(pt, img, x0+bw/2, y0, bw/2, bh, color.NRGBA{0xff, 0xff, 0xff, 0xff}, posterInk)
		drawText(img, body, label, x0+bw/2, y0-6*k, posterInk, true)
		_ = metres
	}

	// Legend, bottom left.
	if n := len(opt.Legend); n > 0 {
		row := 20 * k
		sw := 22 * k
		width := sw + 3*pad
		for _, e := range opt.Legend {
			width = math.Max(width, sw+3*pad+textWidth(body, e.Label))
		}
		h := float64(n)*row + 2*pad
		x0, y0 := pad, H-pad-h
		box(pt, img, x0, y0, width, h, posterPaper, posterInk)
		for i, e := range opt.Legend {
			y := y0 + pad + float64(i)*row
			box(pt, img, x0+pad, y+3*k, sw, row-6*k, e.Fill, e.Stroke)
			drawText(img, body, e.Label, x0+2*pad+sw, y+row-5*k, posterInk, false)
		}
	}
	return img, nil
}

// box fills and outlines a rectangle given in pixels.
func box(pt *painter, dst *image.RGBA, x, y, w, h float64, fill, stroke color.NRGBA) {
	shape(pt, dst, orb.Ring{{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}, {x, y}}, fill, stroke, 1)
}

// shape fills and outlines a ring given in pixels.
func shape(pt *painter, dst *image.RGBA, r orb.Ring, fill, stroke color.NRGBA, k float64) {
	p := &pt.path
	p.reset()
	p.addRing(r, xform{a: 1, b: -1}, false, true)
	x0, y0, x1, y1 := p.bounds()
	pt.fill(dst, region(x0, y0, x1, y1, 1, dst.Rect), p, fill)
	pt.stroke(dst, region(x0, y0, x1, y1, 2*k+1, dst.Rect), p, stroke, math.Max(1, k))
}

func textWidth(face font.Face, s string) float64 {
	if face == nil {
		return 0
	}
	return float64(font.MeasureString(face, s)) / 64
}

// drawText draws s with its baseline at y, starting at x or centred on it.
func drawText(dst *image.RGBA, face font.Face, s string, x, y float64, c color.NRGBA, centre bool) {
	if face == nil || s == "" {
		return
	}
	if centre {
		x -= textWidth(face, s) / 2
	}
	d := font.Drawer{Dst: dst, Src: image.NewUniform(c), Face: face,
		Dot: fixed.Point26_6{X: fixed.Int26_6(x * 64), Y: fixed.Int26_6(y * 64)}}
	d.DrawString(s)
}

// PosterViewport fits b into what a poster of w×h leaves free: below the title band, right of
// the legend and clear of the edges, so the legend covers none of the plan.
func PosterViewport(b orb.Bound, w, h int, opt PosterOptions) Viewport {
	k := opt.DPI / 96
	if !(k > 0) || math.IsInf(k, 0) {
		k = 1
	}
	k = math.Min(k, 20)
	pad := 12 * k
	top := pad
	if opt.Title != "" || opt.Note != "" {
		top = 2 * pad
		if opt.Title != "" {
			top += 30 * k
		}
		if opt.Note != "" {
			top += 18 * k
		}
		top += pad
	}
	left := pad
	if len(opt.Legend) > 0 {
		labelFont.mu.Lock()
		f := labelFont.font
		labelFont.mu.Unlock()
		var body font.Face
		if f != nil {
			body, _ = newFace(f, 13*k, font.HintingNone)
		}
		width := 22*k + 3*pad
		for _, e := range opt.Legend {
			width = math.Max(width, 22*k+3*pad+textWidth(body, e.Label))
		}
		left = pad + width + pad
	}
	right := pad + 40*k // the north arrow's column
	subW, subH := float64(w)-left-right, float64(h)-top-pad
	if subW < 32 || subH < 32 {
		// Too small for room around the decorations: the whole image.
		return NewViewport(b, w, h, pad)
	}
	v := NewViewport(b, int(subW), int(subH), 0)
	v.Width, v.Height = w, h
	v.Pan(left+subW/2-float64(w)/2, top+subH/2-float64(h)/2)
	return v
}
