package mapview

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"

	"kuanggui/internal/render"
)

// scaleBar is drawn with Fyne objects over the raster, so its text is crisp at any canvas
// scale and it costs no re-render.
type scaleBar struct {
	bg         *canvas.Rectangle
	line       *canvas.Rectangle
	tickL      *canvas.Rectangle
	tickR      *canvas.Rectangle
	label      *canvas.Text
	maxWidthPt float32
}

var barInk = color.NRGBA{0x22, 0x22, 0x22, 0xff}

func newScaleBar() *scaleBar {
	b := &scaleBar{
		bg:         canvas.NewRectangle(color.NRGBA{0xff, 0xff, 0xff, 0xc8}),
		line:       canvas.NewRectangle(barInk),
		tickL:      canvas.NewRectangle(barInk),
		tickR:      canvas.NewRectangle(barInk),
		label:      canvas.NewText("", barInk),
		maxWidthPt: 140,
	}
	b.bg.CornerRadius = 3
	b.label.TextSize = theme.TextSize() - 2
	return b
}

func (b *scaleBar) objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{b.bg, b.line, b.tickL, b.tickR, b.label}
}

// layout places the bar at the bottom left of the map for the current view.
func (b *scaleBar) layout(mv *MapView, size fyne.Size) {
	s := mv.PixelScale()
	v := mv.Viewport()
	_, px, label := render.ScaleBar(v, int(b.maxWidthPt*s))
	if px <= 0 || v.Width <= 0 {
		for _, o := range b.objects() {
			o.Hide()
		}
		return
	}
	for _, o := range b.objects() {
		o.Show()
	}
	w := float32(px) / s
	b.label.Text = label
	ts := b.label.MinSize()
	pad := float32(6)
	x0 := float32(12)
	y1 := size.Height - 12
	bgW := w + 2*pad
	if ts.Width+2*pad > bgW {
		bgW = ts.Width + 2*pad
	}
	b.bg.Move(fyne.NewPos(x0-pad, y1-ts.Height-14))
	b.bg.Resize(fyne.NewSize(bgW, ts.Height+14+pad/2))
	b.label.Move(fyne.NewPos(x0+(w-ts.Width)/2, y1-ts.Height-12))
	b.label.Resize(ts)
	b.line.Move(fyne.NewPos(x0, y1-2))
	b.line.Resize(fyne.NewSize(w, 2))
	b.tickL.Move(fyne.NewPos(x0, y1-7))
	b.tickL.Resize(fyne.NewSize(1.5, 7))
	b.tickR.Move(fyne.NewPos(x0+w-1.5, y1-7))
	b.tickR.Resize(fyne.NewSize(1.5, 7))
	b.label.Refresh()
	for _, o := range b.objects() {
		o.Refresh()
	}
}
