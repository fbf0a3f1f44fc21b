package main

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"kuanggui/assets"
)

// cjkFont is the bundled Chinese font as a Fyne resource, so that Chinese renders on machines
// without Chinese system fonts.
var cjkFont = fyne.NewStaticResource("kuanggui-cjk.ttf", assets.CJKFont)

// gisTheme is the light, dense look of a desktop GIS tool, with the bundled CJK font for every
// text style. The subset has one face, so bold and italic fall back to it.
type gisTheme struct{ base fyne.Theme }

func newTheme() fyne.Theme { return &gisTheme{base: theme.DefaultTheme()} }

func (t *gisTheme) Font(s fyne.TextStyle) fyne.Resource {
	if s.Symbol {
		return t.base.Font(s)
	}
	return cjkFont
}

// Color always uses the light variant: map colours are designed for a light frame.
func (t *gisTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	switch n {
	case theme.ColorNamePrimary:
		return color.NRGBA{0x1f, 0x6f, 0xb5, 0xff}
	case theme.ColorNameBackground:
		return color.NRGBA{0xf3, 0xf4, 0xf6, 0xff}
	case theme.ColorNameHeaderBackground, theme.ColorNameMenuBackground, theme.ColorNameOverlayBackground:
		return color.NRGBA{0xfb, 0xfb, 0xfc, 0xff}
	case theme.ColorNameInputBackground:
		return color.NRGBA{0xff, 0xff, 0xff, 0xff}
	case theme.ColorNameSeparator:
		return color.NRGBA{0xd5, 0xd8, 0xdd, 0xff}
	}
	return t.base.Color(n, theme.VariantLight)
}

func (t *gisTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.base.Icon(n) }

// Size is a little denser than Fyne's default, as panels of a GIS tool are.
func (t *gisTheme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNameText:
		return 13
	case theme.SizeNamePadding:
		return 3
	case theme.SizeNameInnerPadding:
		return 6
	case theme.SizeNameSubHeadingText:
		return 15
	case theme.SizeNameInlineIcon:
		return 18
	}
	return t.base.Size(n)
}
