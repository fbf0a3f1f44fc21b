package main

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"kuanggui/internal/crs"
	"kuanggui/internal/edit"
	"kuanggui/internal/plan"
)

// pointFormats are the choices of the turning-point dialog, in crs.PointFormat order.
var pointFormats = []string{"自动", "带号X,Y", "无带号+带号选择", "度分秒", "DDDMMSS.sss", "十进制度"}

// gkZones are the 3° zones covering Xinjiang.
var gkZones = []string{"25", "26", "27", "28", "29", "30", "31", "32"}

// pointsDialog is the 拐点坐标输入 dialog: paste a table, preview it, create the block.
type pointsDialog struct {
	e      *editor
	dlg    dialog.Dialog
	text   *widget.Entry
	format *widget.Select
	zone   *widget.Select
	errs   *widget.Label
	create *widget.Button
	parsed orb.MultiPolygon
}

// showPointsInput opens the turning-point dialog.
func (e *editor) showPointsInput() {
	if ro, why := e.readOnly(); ro {
		e.g.message(tr("项目只读，不能编辑：{{.W}}", trData{"W": why}))
		return
	}
	p := &pointsDialog{e: e}
	p.text = widget.NewMultiLineEntry()
	p.text.SetPlaceHolder("J1, 4940964.21, 28421671.18\nJ2, …")
	p.text.SetMinRowsVisible(12)
	p.text.OnChanged = func(string) { p.create.Disable() }
	var fmts []string
	for _, f := range pointFormats {
		fmts = append(fmts, tr(f))
	}
	p.format = widget.NewSelect(fmts, func(string) { p.zoneEnabled() })
	p.zone = widget.NewSelect(gkZones, nil)
	p.zone.SetSelected("28")
	p.format.SetSelectedIndex(0)
	p.errs = widget.NewLabel("")
	p.errs.Wrapping = fyne.TextWrapWord
	p.errs.Importance = widget.DangerImportance
	preview := widget.NewButton(tr("预览"), func() { p.preview() })
	p.create = widget.NewButton(tr("创建"), func() { p.createBlock() })
	p.create.Importance = widget.HighImportance
	p.create.Disable()
	cancel := widget.NewButton(tr("取消"), func() { p.close() })
	top := container.NewHBox(widget.NewLabel(tr("格式")), p.format, widget.NewLabel(tr("带号")), p.zone)
	body := container.NewBorder(
		container.NewVBox(widget.NewLabel(tr("粘贴或输入拐点坐标表（X 为北坐标，Y 为东坐标）")), top), container.NewVBox(p.errs,
			container.NewHBox(preview, p.create, cancel)), nil, nil, p.text)
	p.dlg = dialog.NewCustomWithoutButtons(tr("拐点坐标输入"), body, e.g.win)
	p.dlg.Resize(fyne.NewSize(640, 520))
	p.zoneEnabled()
	e.tp = p
	p.dlg.Show()
}

func (p *pointsDialog) zoneEnabled() {
	if p.format.SelectedIndex() == int(crs.GKPlain) {
		p.zone.Enable()
	} else {
		p.zone.Disable()
	}
}

// parse reads the table; it returns the geometry only when every row was read and the block
// is a valid polygon, and says what is wrong otherwise.
func (p *pointsDialog) parse() (orb.MultiPolygon, bool) {
	opt := crs.ParseOptions{Format: crs.PointFormat(p.format.SelectedIndex())}
	if opt.Format < 0 {
		opt.Format = crs.Auto
	}
	if opt.Format == crs.GKPlain {
		opt.Zone, _ = strconv.Atoi(p.zone.Selected)
	}
	mp, rowErrs, err := crs.ParseTurningPoints(p.text.Text, opt)
	if err != nil {
		p.errs.SetText(err.Error())
		return nil, false
	}
	if len(rowErrs) > 0 {
		var b strings.Builder
		for i, re := range rowErrs {
			if i == 8 {
				b.WriteString(tr("……共 {{.N}} 处错误", trData{"N": len(rowErrs)}))
				break
			}
			fmt.Fprintln(&b, tr("第 {{.L}} 行「{{.T}}」：{{.M}}", trData{"L": re.Line, "T": re.Text, "M": re.Message}))
		}
		p.errs.SetText(strings.TrimSpace(b.String()))
		if len(rowErrs) > 0 {
			p.selectLine(rowErrs[0].Line)
		}
		return nil, false
	}
	if ok, reason, where := p.e.topo().Validity(mp); !ok {
		p.errs.SetText(tr("几何无效：{{.R}}（{{.X}}, {{.Y}}）", trData{"R": reason,
			"X": crs.FormatDMS(where[0], 3), "Y": crs.FormatDMS(where[1], 3)}))
		return nil, false
	}
	p.errs.SetText("")
	return mp, true
}

// selectLine puts the cursor on a 1-based line of the table.
func (p *pointsDialog) selectLine(line int) {
	if line < 1 {
		return
	}
	p.text.CursorRow = line - 1
	p.text.CursorColumn = 0
	p.text.Refresh()
}

// preview draws the parsed block on the map and zooms to it.
func (p *pointsDialog) preview() bool {
	mp, ok := p.parse()
	p.e.preview = mp
	p.e.g.mv.RefreshOverlay()
	if !ok {
		p.create.Disable()
		return false
	}
	p.parsed = mp
	p.e.g.mv.ZoomTo(mp.Bound())
	area := crs.AreaKm2(mp)
	p.errs.Importance = widget.MediumImportance
	p.errs.SetText(tr("预览：{{.N}} 个拐点，面积 {{.A}} km²", trData{"N": countPoints(mp), "A": strconv.FormatFloat(area, 'f', 4, 64)}))
	p.errs.Importance = widget.DangerImportance
	p.create.Enable()
	return true
}

func countPoints(mp orb.MultiPolygon) int {
	n := 0
	for _, poly := range mp {
		for _, r := range poly {
			n += len(r) - 1
		}
	}
	return n
}

// createBlock inserts the previewed block into the editable layer.
func (p *pointsDialog) createBlock() bool {
	if !p.preview() {
		return false
	}
	e := p.e
	layer := e.EditableLayer()
	if layer == "" {
		p.errs.SetText(tr("没有可编辑的图层"))
		return false
	}
	cmd := edit.Insert("拐点坐标新建区块", layer, plan.Feature{Geometry: p.parsed, Attrs: e.NewAttrs(layer)})
	if !e.apply(cmd) {
		return false
	}
	p.close()
	return true
}

func (p *pointsDialog) close() {
	p.e.preview = nil
	p.e.g.mv.RefreshOverlay()
	p.dlg.Hide()
	if p.e.tp == p {
		p.e.tp = nil
	}
}

// --- the turning-point table of the selected block ---

// pointsTable shows a block's turning points in a chosen zone and form, with a copy button.
type pointsTable struct {
	f      plan.Feature
	zone   *widget.Select
	prefix *widget.Check
	dms    *widget.Check
	out    *widget.Entry
	text   string
}

// showPointsTable opens the table of the one selected feature.
func (e *editor) showPointsTable() {
	if len(e.sel) != 1 {
		e.g.message(tr("请先选中一个区块"))
		return
	}
	f, ok := e.g.doc.Feature(e.sel[0].Layer, e.sel[0].ID)
	if !ok || len(f.Geometry) == 0 {
		return
	}
	pt := &pointsTable{f: f}
	pt.out = widget.NewMultiLineEntry()
	pt.out.TextStyle.Monospace = true
	pt.out.SetMinRowsVisible(16)
	pt.zone = widget.NewSelect(gkZones, func(string) { pt.fill() })
	pt.prefix = widget.NewCheck(tr("Y 带带号"), func(bool) { pt.fill() })
	pt.dms = widget.NewCheck(tr("经纬度（度分秒）"), func(bool) { pt.fill() })
	b := f.Geometry.Bound()
	pt.prefix.Checked = true
	pt.zone.Selected = strconv.Itoa(crs.ZoneOf((b.Min[0] + b.Max[0]) / 2))
	pt.fill()
	copyBtn := widget.NewButton(tr("复制"), func() {
		e.g.win.Clipboard().SetContent(pt.text)
		e.g.message(tr("拐点坐标表已复制"))
	})
	top := container.NewHBox(widget.NewLabel(tr("带号")), pt.zone, pt.prefix, pt.dms, copyBtn)
	d := dialog.NewCustom(tr("拐点坐标表")+" — "+blockTitle(f), tr("关闭"), container.NewBorder(top, nil, nil, nil, pt.out), e.g.win)
	d.Resize(fyne.NewSize(620, 520))
	e.ptTable = pt
	d.Show()
}

// fill writes the table for the current choices.
func (pt *pointsTable) fill() {
	if pt.out == nil || pt.zone == nil || pt.prefix == nil || pt.dms == nil {
		return
	}
	zone, _ := strconv.Atoi(pt.zone.Selected)
	pts, err := crs.TurningPoints(pt.f.Geometry, zone, pt.prefix.Checked)
	if err != nil {
		pt.text = err.Error()
	} else {
		pt.text = crs.FormatTurningPoints(pts, pt.dms.Checked)
	}
	pt.out.SetText(pt.text)
}
