package assets_test

import (
	"bytes"
	"image"
	"image/png"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"kuanggui/assets"
)

// uiText holds characters the UI and the real data must show: the program name, plan terms, a
// place name from the boundary data and the DMS symbols of coordinate display.
const uiText = "矿规编辑器勘查规划区块两环八带十六基地和田地区砂金°′″"

func TestCJKFontParsesAndCoversUIText(t *testing.T) {
	f, err := opentype.Parse(assets.CJKFont)
	if err != nil {
		t.Fatalf("parse bundled font: %v", err)
	}
	// 6763 GB2312 hanzi plus ASCII, Latin-1 and punctuation: a much smaller count means the
	// subset lost its hanzi.
	if n := f.NumGlyphs(); n < 7000 {
		t.Errorf("NumGlyphs = %d, want >= 7000", n)
	}
	var buf sfnt.Buffer
	for _, r := range uiText + "ABCxyz0123456789,.()×²³（），、。" {
		gi, err := f.GlyphIndex(&buf, r)
		if err != nil {
			t.Fatalf("GlyphIndex(%q): %v", r, err)
		}
		if gi == 0 {
			t.Errorf("no glyph for %q (U+%04X)", r, r)
		}
	}
	name, err := f.Name(&buf, 1) // family name
	if err != nil || name != "Kuanggui CJK" {
		t.Errorf("family name = %q, %v; want %q (OFL: renamed derivative)", name, err, "Kuanggui CJK")
	}
}

func TestCJKFontFaceDrawsInk(t *testing.T) {
	f, err := opentype.Parse(assets.CJKFont)
	if err != nil {
		t.Fatal(err)
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: 16, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		t.Fatal(err)
	}
	defer face.Close()
	for _, r := range uiText {
		// A glyph index alone does not prove the outlines converted from CFF survived; the
		// glyph must rasterise to a non-empty mask with a sensible advance.
		dr, mask, mp, adv, ok := face.Glyph(fixed.P(0, 16), r)
		if !ok {
			t.Errorf("face.Glyph(%q) not ok", r)
			continue
		}
		if adv <= 0 || adv > fixed.I(17) {
			t.Errorf("advance of %q = %v, want in (0, 17] px at 16 px", r, adv)
		}
		if ink := inkPixels(mask, dr, mp); ink == 0 {
			t.Errorf("glyph %q rasterised to no ink", r)
		}
	}
}

func inkPixels(mask image.Image, dr image.Rectangle, mp image.Point) int {
	n := 0
	for y := 0; y < dr.Dy(); y++ {
		for x := 0; x < dr.Dx(); x++ {
			if _, _, _, a := mask.At(mp.X+x, mp.Y+y).RGBA(); a > 0x8000 {
				n++
			}
		}
	}
	return n
}

func TestIconPNG(t *testing.T) {
	img, err := png.Decode(bytes.NewReader(assets.IconPNG))
	if err != nil {
		t.Fatalf("decode icon: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 512 || b.Dy() != 512 {
		t.Fatalf("icon is %v, want 512×512", b)
	}
	// Rounded corners are transparent; the centre of the pin is opaque.
	if _, _, _, a := img.At(2, 2).RGBA(); a != 0 {
		t.Errorf("corner alpha = %d, want 0", a)
	}
	if _, _, _, a := img.At(256, 256).RGBA(); a != 0xffff {
		t.Errorf("centre alpha = %d, want opaque", a)
	}
}
