package main

import (
	"fmt"
	"image/color"
	"math"
	"sort"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"kuanggui/internal/crs"
	"kuanggui/internal/document"
	"kuanggui/internal/plan"
	"kuanggui/internal/render"
)

var emptyBound orb.Bound

// mutedInk is the grey of secondary text (feature counts).
var mutedInk = color.NRGBA{0x6b, 0x72, 0x80, 0xff}

// buildLayerPanel lists the layers under the catalog's group headings, each with a
// visibility check, a legend swatch and its feature count; block layers coloured by mineral
// get a mineral legend.
func (g *gui) buildLayerPanel() {
	g.layerChecks = map[string]*widget.Check{}
	g.layerCounts = map[string]*canvas.Text{}
	g.legends = map[string]*fyne.Container{}
	cat := g.doc.Catalog()
	byGroup := map[string][]*document.Layer{}
	known := map[string]bool{}
	for _, grp := range cat.Groups {
		known[grp.ID] = true
	}
	for _, l := range g.doc.Layers() {
		grp := l.Def.Group
		if !known[grp] {
			grp = "base"
		}
		byGroup[grp] = append(byGroup[grp], l)
	}
	var objs []fyne.CanvasObject
	for _, grp := range cat.Groups {
		ls := byGroup[grp.ID]
		if len(ls) == 0 {
			continue
		}
		name := grp.Name
		if !g.zh && grp.NameEN != "" {
			name = grp.NameEN
		}
		head := widget.NewLabelWithStyle(name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		head.Importance = widget.HighImportance
		objs = append(objs, head)
		for _, l := range ls {
			objs = append(objs, g.layerRow(l))
			if l.Def.Style.ByMineral {
				box := container.NewGridWithColumns(2)
				g.legends[l.Def.Table] = box
				g.fillMineralLegend(l, box)
				objs = append(objs, container.NewBorder(nil, nil, spacer(30), nil, box))
			}
		}
	}
	g.layerBox.Objects = objs
	g.layerMinW.SetMinSize(fyne.NewSize(layerPanelWidth(g.doc.Layers(), g.layerName), 0))
	g.layerBox.Refresh()
}

// maxLayerPanelWidth bounds the layer panel's minimum width so that the map keeps most of a
// small window.
const maxLayerPanelWidth = 380

// layerPanelWidth is the width a layer row needs to show its whole name: the check box, the
// swatch, the name and the count (as layerRow lays them out), for the longest name.
func layerPanelWidth(layers []*document.Layer, name func(plan.LayerDef) string) float32 {
	pad := theme.Padding()
	inner := theme.InnerPadding()
	var text float32
	for _, l := range layers {
		if w := fyne.MeasureText(name(l.Def), theme.TextSize(), fyne.TextStyle{}).Width; w > text {
			text = w
		}
	}
	check := widget.NewCheck("", nil).MinSize().Width
	count := fyne.MeasureText("00000", theme.TextSize()-1, fyne.TextStyle{}).Width + 2*pad
	w := check + 20 + pad + (text + 2*inner) + count + 4*pad // 20: the swatch; the outer padding
	return float32(math.Min(float64(w), maxLayerPanelWidth))
}

func spacer(w float32) fyne.CanvasObject {
	r := widget.NewLabel("")
	return container.NewGridWrap(fyne.NewSize(w, 1), r)
}

func (g *gui) layerName(def plan.LayerDef) string {
	if !g.zh && def.NameEN != "" {
		return def.NameEN
	}
	return def.Name
}

func (g *gui) layerRow(l *document.Layer) fyne.CanvasObject {
	table := l.Def.Table
	check := widget.NewCheck("", nil)
	check.Checked = g.visible[table]
	check.OnChanged = func(on bool) { g.setVisible(table, on) }
	g.layerChecks[table] = check
	st := render.StyleFromPlan(l.Def, g.doc.Catalog())
	fill := st.Fill
	if fill.A < 0x50 && fill.A > 0 {
		fill.A = 0x50 // a 13% fill would not show in a 20-pixel patch
	}
	if l.Def.Style.ByMineral {
		fill = color.NRGBA{0xdd, 0xdd, 0xdd, 0xff}
	}
	sw := swatch(fill, st.Stroke, float32(math.Min(2, math.Max(1, st.StrokeWidth))))
	name := widget.NewLabel(g.layerName(l.Def))
	name.Truncation = fyne.TextTruncateEllipsis
	count := canvas.NewText(strconv.Itoa(len(l.Features)), mutedInk)
	count.TextSize = theme.TextSize() - 1
	count.Alignment = fyne.TextAlignTrailing
	g.layerCounts[table] = count
	return container.NewBorder(nil, nil, container.NewHBox(check, sw), container.NewPadded(count), name)
}

// updateLayerRow refreshes a layer's count and mineral legend after an edit.
func (g *gui) updateLayerRow(table string) {
	l, ok := g.doc.Layer(table)
	if !ok {
		return
	}
	if c := g.layerCounts[table]; c != nil {
		c.Text = strconv.Itoa(len(l.Features))
		c.Refresh()
	}
	if box := g.legends[table]; box != nil {
		g.fillMineralLegend(l, box)
	}
}

// mineralCount is one entry of a mineral legend.
type mineralCount struct {
	name   string
	colour color.NRGBA
	n      int
}

// mineralsPresent counts the layer's features by their first mineral (the one that colours
// them), most frequent first; minerals not in the catalog are grey.
func mineralsPresent(l *document.Layer, cat *plan.Catalog) []mineralCount {
	counts := map[string]int{}
	for _, f := range l.Features {
		m := firstMineral(f.Attrs.String("KZ"))
		if m == "" {
			m = firstMineral(f.Attrs.String("KZDM"))
		}
		if m != "" {
			counts[m]++
		}
	}
	var out []mineralCount
	for name, n := range counts {
		mc := mineralCount{name: name, n: n, colour: color.NRGBA{0x95, 0xa5, 0xa6, 0xff}}
		if m, ok := cat.Mineral(name); ok {
			mc.name = m.Name
			if c, err := render.ParseColour(m.Colour); err == nil {
				c.A = 0xff
				mc.colour = c
			}
		}
		out = append(out, mc)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].n != out[j].n {
			return out[i].n > out[j].n
		}
		return out[i].name < out[j].name
	})
	return out
}

// firstMineral is the first name of a list such as "金、铜", as render colours by it.
func firstMineral(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "、,，;；/ "); i >= 0 {
		s = s[:i]
	}
	return s
}

func (g *gui) fillMineralLegend(l *document.Layer, box *fyne.Container) {
	var items []fyne.CanvasObject
	for _, m := range mineralsPresent(l, g.doc.Catalog()) {
		lbl := canvas.NewText(fmt.Sprintf("%s %d", m.name, m.n), theme.Color(theme.ColorNameForeground))
		lbl.TextSize = theme.TextSize() - 1
		sw := canvas.NewRectangle(m.colour)
		sw.StrokeColor = darker(m.colour)
		sw.StrokeWidth = 1
		sw.SetMinSize(fyne.NewSize(14, 10))
		items = append(items, container.NewHBox(container.NewCenter(sw), lbl))
	}
	box.Objects = items
	box.Refresh()
}

func darker(c color.NRGBA) color.NRGBA {
	return color.NRGBA{c.R * 3 / 4, c.G * 3 / 4, c.B * 3 / 4, 0xff}
}

// showAttributes fills the attribute panel with the selected feature's fields, labelled in
// the catalog's language.
func (g *gui) showAttributes() {
	if g.editShowAttributes() {
		return
	}
	g.attrValues = map[string]*widget.Label{}
	if !g.selOK {
		g.attrSub.SetText(tr("在地图上点击要素查看其属性"))
		g.attrForm.Objects = nil
		g.attrForm.Refresh()
		return
	}
	l, ok := g.doc.Layer(g.selTable)
	f, fok := g.doc.Feature(g.selTable, g.selID)
	if !ok || !fok {
		g.selOK = false
		g.showAttributes()
		return
	}
	g.attrSub.SetText(fmt.Sprintf("%s · ID %d", g.layerName(l.Def), f.ID))
	var objs []fyne.CanvasObject
	seen := map[string]bool{}
	add := func(fd plan.Field) {
		label := fd.Label
		if !g.zh && fd.LabelEN != "" {
			label = fd.LabelEN
		}
		if label == "" {
			label = fd.Name
		}
		kt := canvas.NewText(label, mutedInk)
		kt.TextSize = theme.TextSize()
		ip := theme.InnerPadding()
		k := container.New(layout.NewCustomPaddedLayout(ip/2, ip/2, ip, ip/2), kt)
		v := widget.NewLabel(formatValue(f.Attrs[fd.Name], fd))
		v.Wrapping = fyne.TextWrapWord
		v.Selectable = true
		g.attrValues[fd.Name] = v
		objs = append(objs, k, v)
	}
	for _, fd := range l.Def.Fields {
		seen[strings.ToUpper(fd.Name)] = true
		add(fd)
	}
	for _, k := range f.Attrs.Keys() {
		if !seen[strings.ToUpper(k)] {
			add(plan.Field{Name: k, Label: k})
		}
	}
	g.attrForm.Objects = objs
	g.attrForm.Refresh()
}

// formatValue writes an attribute value for reading: reals to the field's decimals, NULL as —.
func formatValue(v any, f plan.Field) string {
	switch x := v.(type) {
	case nil:
		return "—"
	case string:
		if x == "" {
			return "—"
		}
		return x
	case float64:
		if f.Decimals > 0 {
			return strconv.FormatFloat(x, 'f', f.Decimals, 64)
		}
		return plan.Attrs{"v": x}.String("v")
	case int64:
		return strconv.FormatInt(x, 10)
	}
	return fmt.Sprint(v)
}

// formatCursor writes a position as CGCS2000 DMS and as 3° Gauss-Krüger plane coordinates
// (X northing, Y easting with the zone prefix, as Chinese coordinate tables write them).
func formatCursor(lon, lat float64) (dms, gk string) {
	ew, ns := "E", "N"
	if lon < 0 {
		ew = "W"
	}
	if lat < 0 {
		ns = "S"
	}
	dms = crs.FormatDMS(math.Abs(lon), 2) + ew + " " + crs.FormatDMS(math.Abs(lat), 2) + ns
	zone := crs.ZoneOf(lon)
	x, y, err := crs.GeoToGK(lon, lat, zone, true)
	if err != nil || math.IsNaN(x) || math.IsNaN(y) {
		return dms, "—"
	}
	return dms, fmt.Sprintf("X=%.2f Y=%.2f ", x, y) + tr("(第{{.Z}}带)", trData{"Z": zone})
}

// formatScale is the map scale 1:N for metres per device pixel, taking a Fyne unit at
// canvas scale 1 as 1/96 inch; N is rounded to three significant figures.
func formatScale(metresPerPx float64, canvasScale float32) string {
	if !(metresPerPx > 0) || math.IsInf(metresPerPx, 0) {
		return ""
	}
	pxPerMetre := 96 * float64(canvasScale) / 0.0254
	n := metresPerPx * pxPerMetre
	if n >= 1000 {
		p := math.Pow(10, math.Floor(math.Log10(n))-2)
		n = math.Round(n/p) * p
	}
	return "1:" + groupThousands(int64(math.Round(n)))
}

func groupThousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
