package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"kuanggui/internal/crs"
	"kuanggui/internal/document"
	"kuanggui/internal/plan"
	"kuanggui/internal/validate"
)

// exportMenuItems are the File menu's export commands.
func (g *gui) exportMenuItems() []*fyne.MenuItem {
	return []*fyne.MenuItem{
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(tr("导出成果包…"), g.exportDialog),
		fyne.NewMenuItem(tr("导出地图…"), g.mapExportDialog),
	}
}

// crsChoice is one entry of the export dialog's CRS list.
type crsChoice struct {
	label string
	crs   crs.CRS
}

// exportCRSChoices lists CGCS2000 geographic and the 3° zones over Xinjiang (25–32), each with
// and without the zone prefix.
func exportCRSChoices() []crsChoice {
	out := []crsChoice{{tr("CGCS2000 经纬度 (EPSG:4490)"), crs.Geographic()}}
	for zone := 25; zone <= 32; zone++ {
		for _, prefix := range []bool{true, false} {
			c, err := crs.GaussKruger(zone, prefix)
			if err != nil {
				continue
			}
			key := "CGCS2000 3° 带 第{{.Z}}带，不带带号 (EPSG:{{.E}})"
			if prefix {
				key = "CGCS2000 3° 带 第{{.Z}}带，带带号 (EPSG:{{.E}})"
			}
			out = append(out, crsChoice{tr(key, trData{"Z": zone, "E": c.EPSG}), c})
		}
	}
	return out
}

var exportEncodings = []struct{ label, value string }{
	{"GBK", "gbk"}, {"UTF-8", "utf-8"}, {"GB18030", "gb18030"},
}

// exportDialog asks for the package's folder, form, encoding, CRS and layers, then exports.
func (g *gui) exportDialog() {
	if g.doc == nil {
		return
	}
	dir := widget.NewEntry()
	dir.SetText(filepath.Dir(g.doc.Path()))
	browse := widget.NewButton(tr("浏览…"), func() {
		fd := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
			if err == nil && u != nil {
				dir.SetText(u.Path())
			}
		}, g.win)
		if l, err := storage.ListerForURI(storage.NewFileURI(dir.Text)); err == nil {
			fd.SetLocation(l)
		}
		fd.Resize(fyne.NewSize(900, 600))
		fd.Show()
	})
	zip := widget.NewCheck(tr("打包为 ZIP"), nil)
	zip.Checked = true
	var encLabels []string
	for _, e := range exportEncodings {
		encLabels = append(encLabels, e.label)
	}
	enc := widget.NewSelect(encLabels, nil)
	enc.SetSelectedIndex(0)
	choices := exportCRSChoices()
	var crsLabels []string
	for _, c := range choices {
		crsLabels = append(crsLabels, c.label)
	}
	crsSel := widget.NewSelect(crsLabels, nil)
	crsSel.SetSelectedIndex(0)
	var layerLabels, layerTables, ticked []string
	// Block layers first and ticked: they are what a package is for.
	ls := append([]*document.Layer(nil), g.doc.Layers()...)
	sort.SliceStable(ls, func(i, j int) bool {
		return ls[i].Def.Role == plan.RoleBlock && ls[j].Def.Role != plan.RoleBlock
	})
	for _, l := range ls {
		lbl := fmt.Sprintf("%s (%s, %d)", g.layerName(l.Def), l.Def.Table, len(l.Features))
		layerLabels = append(layerLabels, lbl)
		layerTables = append(layerTables, l.Def.Table)
		if l.Def.Role == plan.RoleBlock {
			ticked = append(ticked, lbl)
		}
	}
	layers := widget.NewCheckGroup(layerLabels, nil)
	layers.SetSelected(ticked)
	layerScroll := container.NewVScroll(layers)
	layerScroll.SetMinSize(fyne.NewSize(420, 260))

	items := []*widget.FormItem{
		widget.NewFormItem(tr("输出文件夹"), container.NewBorder(nil, nil, nil, browse, dir)),
		widget.NewFormItem(tr("形式"), zip),
		widget.NewFormItem(tr("编码"), enc),
		widget.NewFormItem(tr("坐标系"), crsSel),
		widget.NewFormItem(tr("图层"), layerScroll),
	}
	d := dialog.NewForm(tr("导出成果包"), tr("导出"), tr("取消"), items, func(ok bool) {
		if !ok {
			return
		}
		opt := document.ExportOptions{Zip: zip.Checked}
		if i := enc.SelectedIndex(); i >= 0 {
			opt.Encoding = exportEncodings[i].value
		}
		if i := crsSel.SelectedIndex(); i >= 0 {
			opt.CRS = choices[i].crs
		}
		sel := map[string]bool{}
		for _, s := range layers.Selected {
			sel[s] = true
		}
		for i, lbl := range layerLabels {
			if sel[lbl] {
				opt.Layers = append(opt.Layers, layerTables[i])
			}
		}
		if len(opt.Layers) == 0 {
			dialog.ShowError(errors.New(tr("请至少选择一个图层")), g.win)
			return
		}
		g.startExport(strings.TrimSpace(dir.Text), opt)
	}, g.win)
	d.Resize(fyne.NewSize(640, 520))
	d.Show()
}

// startExport runs the export off the UI goroutine with a progress bar and a cancel button.
func (g *gui) startExport(dir string, opt document.ExportOptions) {
	ctx, cancel := context.WithCancel(context.Background())
	bar := widget.NewProgressBar()
	status := widget.NewLabel(tr("正在校验并导出…"))
	cancelBtn := widget.NewButton(tr("取消"), cancel)
	prog := dialog.NewCustomWithoutButtons(tr("导出成果包"), container.NewVBox(status, bar, container.NewCenter(cancelBtn)), g.win)
	prog.Resize(fyne.NewSize(420, 160))
	prog.Show()
	doc := g.doc
	go func() {
		defer cancel()
		res, err := doc.Export(ctx, dir, opt, func(done, total int) {
			fyne.Do(func() {
				if total > 0 {
					bar.SetValue(float64(done) / float64(total))
				}
			})
		})
		fyne.Do(func() {
			prog.Hide()
			g.exportFinished(ctx, dir, opt, res, err)
		})
	}()
}

func (g *gui) exportFinished(ctx context.Context, dir string, opt document.ExportOptions, res *document.ExportResult, err error) {
	if g.val != nil && g.val.afterExport != nil {
		defer g.val.afterExport(res, err)
	}
	switch {
	case err != nil && errors.Is(err, document.ErrValidationErrors) && res != nil:
		g.forceExportDialog(dir, opt, res)
	case err != nil && ctx.Err() != nil:
		g.message(tr("导出已取消"))
	case err != nil:
		dialog.ShowError(err, g.win)
	default:
		g.showExportResult(res)
	}
}

// forceExportDialog lists the errors that stopped the export and offers to go on with a reason,
// which the package's report records.
func (g *gui) forceExportDialog(dir string, opt document.ExportOptions, res *document.ExportResult) {
	var ex []string
	exs, _ := g.doc.Exceptions()
	for _, f := range res.Findings {
		if f.Severity != validate.Error {
			continue
		}
		if _, ok := document.IsException(f, exs); ok {
			continue
		}
		ex = append(ex, fmt.Sprintf("%s %s", f.Rule, f.Message))
	}
	list := widget.NewLabel(strings.Join(ex, "\n"))
	list.Wrapping = fyne.TextWrapWord
	scroll := container.NewVScroll(list)
	scroll.SetMinSize(fyne.NewSize(560, 220))
	reason := widget.NewMultiLineEntry()
	reason.SetPlaceHolder(tr("仍然导出的理由（写入校验报告）"))
	reason.SetMinRowsVisible(2)
	head := widget.NewLabel(tr("校验发现 {{.N}} 个错误，导出已停止。修正后再导出，或填写理由仍然导出。", trData{"N": res.Errors}))
	head.Wrapping = fyne.TextWrapWord
	var d *dialog.CustomDialog
	force := widget.NewButton(tr("仍然导出"), func() {
		d.Hide()
		opt.ForceReason = strings.TrimSpace(reason.Text)
		g.startExport(dir, opt)
	})
	force.Importance = widget.DangerImportance
	force.Disable()
	reason.OnChanged = func(s string) {
		if strings.TrimSpace(s) == "" {
			force.Disable()
		} else {
			force.Enable()
		}
	}
	cancel := widget.NewButton(tr("取消"), func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(tr("校验错误"), container.NewBorder(head,
		container.NewVBox(widget.NewLabel(tr("理由")), reason, container.NewHBox(layout.NewSpacer(), cancel, force)), nil, nil, scroll), g.win)
	d.Resize(fyne.NewSize(640, 520))
	d.Show()
}

func (g *gui) showExportResult(res *document.ExportResult) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n%s\n\n", tr("已导出到："), res.Path)
	if res.Forced {
		fmt.Fprintf(&b, "%s\n\n", tr("注意：存在校验错误，已按填写的理由强制导出。"))
	}
	fmt.Fprintf(&b, "%s (%d)\n", tr("文件"), len(res.Files))
	for _, f := range res.Files {
		fmt.Fprintf(&b, "  %s\n", f)
	}
	text := widget.NewLabel(b.String())
	text.Wrapping = fyne.TextWrapWord
	scroll := container.NewVScroll(text)
	scroll.SetMinSize(fyne.NewSize(560, 320))
	dialog.ShowCustom(tr("导出完成"), tr("关闭"), scroll, g.win)
	g.message(tr("已导出到：") + res.Path)
}
