package render

import (
	"image"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// fallbackFace draws each rune with the primary (CJK) face when that font has the glyph, and
// with the Go font otherwise: CJK fallback fonts often lack Latin letters and digits, which
// scale bars ("50 km") and block codes need.
type fallbackFace struct {
	font.Face
	f   *opentype.Font
	fb  font.Face
	buf sfnt.Buffer
}

var goFont = sync.OnceValues(func() (*opentype.Font, error) { return opentype.Parse(goregular.TTF) })

// newFace returns a face of f at size pixels, with the Go font behind it.
func newFace(f *opentype.Font, size float64, hinting font.Hinting) (font.Face, error) {
	prim, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: hinting})
	if err != nil {
		return nil, err
	}
	g, err := goFont()
	if err != nil {
		return prim, nil
	}
	fb, err := opentype.NewFace(g, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: hinting})
	if err != nil {
		return prim, nil
	}
	return &fallbackFace{Face: prim, f: f, fb: fb}, nil
}

func (x *fallbackFace) has(r rune) bool {
	i, err := x.f.GlyphIndex(&x.buf, r)
	return err == nil && i != 0
}

func (x *fallbackFace) pick(r rune) font.Face {
	if x.has(r) {
		return x.Face
	}
	return x.fb
}

func (x *fallbackFace) Glyph(dot fixed.Point26_6, r rune) (image.Rectangle, image.Image, image.Point, fixed.Int26_6, bool) {
	return x.pick(r).Glyph(dot, r)
}

func (x *fallbackFace) GlyphBounds(r rune) (fixed.Rectangle26_6, fixed.Int26_6, bool) {
	return x.pick(r).GlyphBounds(r)
}

func (x *fallbackFace) GlyphAdvance(r rune) (fixed.Int26_6, bool) {
	return x.pick(r).GlyphAdvance(r)
}

func (x *fallbackFace) Kern(r0, r1 rune) fixed.Int26_6 {
	if x.has(r0) && x.has(r1) {
		return x.Face.Kern(r0, r1)
	}
	return 0
}

func (x *fallbackFace) Close() error {
	x.fb.Close()
	return x.Face.Close()
}
