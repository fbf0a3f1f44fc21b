package main

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// tipLayer shows one tooltip above the window content. It holds no tappable object, so events
// pass through it to the widgets below (a PopUp would swallow the first click).
type tipLayer struct {
	root  *fyne.Container
	bg    *canvas.Rectangle
	label *canvas.Text
}

func newTipLayer() *tipLayer {
	t := &tipLayer{
		bg:    canvas.NewRectangle(color.NRGBA{0x33, 0x37, 0x3d, 0xee}),
		label: canvas.NewText("", color.White),
	}
	t.bg.CornerRadius = 3
	t.label.TextSize = theme.TextSize() - 1
	t.root = container.NewWithoutLayout(t.bg, t.label)
	t.bg.Hide()
	t.label.Hide()
	return t
}

// show puts text under obj.
func (t *tipLayer) show(obj fyne.CanvasObject, text string) {
	d := fyne.CurrentApp().Driver()
	pos := d.AbsolutePositionForObject(obj).Subtract(d.AbsolutePositionForObject(t.root))
	t.label.Text = text
	ts := t.label.MinSize()
	x := pos.X
	if w := t.root.Size().Width; w > 0 && x+ts.Width+12 > w {
		x = w - ts.Width - 12
	}
	y := pos.Y + obj.Size().Height + 4
	t.bg.Move(fyne.NewPos(x, y))
	t.bg.Resize(fyne.NewSize(ts.Width+12, ts.Height+6))
	t.label.Move(fyne.NewPos(x+6, y+3))
	t.label.Resize(ts)
	t.bg.Show()
	t.label.Show()
	t.root.Refresh()
}

func (t *tipLayer) hide() {
	t.bg.Hide()
	t.label.Hide()
	t.root.Refresh()
}

// tipButton is a flat toolbar button with a tooltip (Fyne 2.7 buttons have none).
type tipButton struct {
	widget.Button
	tip  string
	tips *tipLayer
}

func newTipButton(icon fyne.Resource, tip string, tips *tipLayer, tapped func()) *tipButton {
	b := &tipButton{tip: tip, tips: tips}
	b.Icon = icon
	b.OnTapped = tapped
	b.Importance = widget.LowImportance
	b.ExtendBaseWidget(b)
	return b
}

func (b *tipButton) MouseIn(e *desktop.MouseEvent) {
	b.Button.MouseIn(e)
	if b.tips != nil {
		b.tips.show(b, b.tip)
	}
}

func (b *tipButton) MouseOut() {
	b.Button.MouseOut()
	if b.tips != nil {
		b.tips.hide()
	}
}

func (b *tipButton) Tapped(e *fyne.PointEvent) {
	if b.tips != nil {
		b.tips.hide()
	}
	b.Button.Tapped(e)
}

// swatch is a legend patch: fill and outline of a layer or mineral.
func swatch(fill, stroke color.Color, strokeWidth float32) fyne.CanvasObject {
	r := canvas.NewRectangle(fill)
	r.StrokeColor = stroke
	r.StrokeWidth = strokeWidth
	r.SetMinSize(fyne.NewSize(20, 13))
	return container.NewCenter(r)
}

// vsep is a thin vertical separator for the toolbar and status bar.
func vsep() fyne.CanvasObject {
	r := canvas.NewRectangle(theme.Color(theme.ColorNameSeparator))
	r.SetMinSize(fyne.NewSize(1, 18))
	return container.NewCenter(r)
}
