package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"kuanggui/internal/document"
	"kuanggui/internal/shapefile"
	"kuanggui/internal/store"
)

// openDialog asks for a project file and opens it in place of the current one.
func (g *gui) openDialog() {
	g.pickFile([]string{".gpkg"}, g.openPath)
}

// pickFile shows the file chooser for files with the given extensions and hands the chosen
// path to then; a cancelled chooser calls nothing.
func (g *gui) pickFile(exts []string, then func(path string)) {
	d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil {
			dialog.ShowError(err, g.win)
			return
		}
		if rc == nil {
			return
		}
		path := rc.URI().Path()
		rc.Close()
		then(path)
	}, g.win)
	d.SetFilter(storage.NewExtensionFileFilter(exts))
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

func (g *gui) openPath(path string) {
	doc, err := document.Open(path, document.OpenOptions{})
	if errors.Is(err, store.ErrLocked) {
		// Held by another window or command: show it, read-only, and say why.
		if doc, err = document.Open(path, document.OpenOptions{ReadOnly: true}); err == nil {
			g.setDocument(doc)
			dialog.ShowInformation(tr("只读"), tr("此项目正被另一个窗口或命令编辑，已以只读方式打开。"), g.win)
			return
		}
	}
	if err != nil {
		dialog.ShowError(err, g.win)
		return
	}
	g.setDocument(doc)
}

var nonTable = regexp.MustCompile(`[^a-z0-9_]+`)

// tableFromFile makes a table name for a new reference layer from a shapefile name.
func tableFromFile(path string) string {
	base := strings.ToLower(strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)))
	t := strings.Trim(nonTable.ReplaceAllString(base, "_"), "_")
	if t == "" || t[0] < 'a' || t[0] > 'z' {
		t = "ref_" + t
	}
	if len(t) > 32 {
		t = t[:32]
	}
	return strings.TrimRight(t, "_")
}

// importDialog: pick a shapefile, pick the target layer, then import with a progress bar and
// a cancel button; the report is shown at the end.
func (g *gui) importDialog() {
	if ro, why := g.doc.ReadOnly(); ro {
		dialog.ShowError(fmt.Errorf("%s: %s", tr("项目以只读方式打开"), why), g.win)
		return
	}
	g.pickFile([]string{".shp", ".SHP", ".zip", ".ZIP"}, g.chooseImportLayer)
}

func (g *gui) chooseImportLayer(path string) {
	var options, tables []string
	for _, def := range g.doc.Catalog().Layers {
		options = append(options, fmt.Sprintf("%s (%s)", g.layerName(def), def.Table))
		tables = append(tables, def.Table)
	}
	newTable := tableFromFile(path)
	options = append(options, tr("新建参考图层：{{.T}}", trData{"T": newTable}))
	tables = append(tables, newTable)
	sel := widget.NewSelect(options, nil)
	sel.SetSelectedIndex(len(options) - 1)
	items := []*widget.FormItem{
		widget.NewFormItem(tr("文件"), widget.NewLabel(filepath.Base(path))),
		widget.NewFormItem(tr("导入到图层"), sel),
	}
	dialog.ShowForm(tr("导入 Shapefile"), tr("导入"), tr("取消"), items, func(ok bool) {
		if ok && sel.SelectedIndex() >= 0 {
			g.runImport(tables[sel.SelectedIndex()], path)
		}
	}, g.win)
}

func (g *gui) runImport(table, path string) {
	ctx, cancel := context.WithCancel(context.Background())
	bar := widget.NewProgressBar()
	status := widget.NewLabel(tr("正在读取 {{.F}}…", trData{"F": filepath.Base(path)}))
	cancelBtn := widget.NewButton(tr("取消"), cancel)
	prog := dialog.NewCustomWithoutButtons(tr("导入 Shapefile"),
		container.NewVBox(status, bar, container.NewCenter(cancelBtn)), g.win)
	prog.Resize(fyne.NewSize(420, 160))
	prog.Show()
	doc := g.doc
	go func() {
		defer cancel()
		lastPct := -1
		rep, err := doc.Import(ctx, table, path, document.ImportOptions{}, func(done, total int) {
			// One UI update per percent, not per row.
			pct := 0
			if total > 0 {
				pct = done * 100 / total
			}
			if pct == lastPct {
				return
			}
			lastPct = pct
			fyne.Do(func() {
				if total > 0 {
					bar.SetValue(float64(done) / float64(total))
					status.SetText(tr("正在写入 {{.D}} / {{.N}}", trData{"D": done, "N": total}))
				}
			})
		})
		fyne.Do(func() {
			if g.afterImport != nil {
				defer g.afterImport()
			}
			prog.Hide()
			if err != nil {
				if ctx.Err() != nil {
					g.message(tr("导入已取消"))
					return
				}
				dialog.ShowError(err, g.win)
				return
			}
			g.message(tr("已导入 {{.N}} 个要素到 {{.T}}", trData{"N": rep.Read, "T": table}))
			g.showImportReport(table, rep)
		})
	}()
}

func (g *gui) showImportReport(table string, rep *shapefile.Report) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n", tr("文件"), rep.File)
	fmt.Fprintf(&b, "%s: %s\n", tr("图层"), table)
	fmt.Fprintf(&b, "%s: %d / %d (%s %d)\n", tr("已读取记录"), rep.Read, rep.Records, tr("跳过"), rep.Skipped)
	if rep.Lost > 0 || rep.Truncated {
		fmt.Fprintf(&b, "%s: %d\n", tr("文件不完整，缺少图形或属性的记录"), rep.Lost)
	}
	fmt.Fprintf(&b, "%s: %s (%s)\n", tr("编码"), rep.Encoding, rep.EncodingSource)
	fmt.Fprintf(&b, "%s: %s\n", tr("坐标系"), rep.CRS)
	if n := len(rep.Problems); n > 0 {
		fmt.Fprintf(&b, "\n%s: %d\n", tr("问题"), n)
		for i, p := range rep.Problems {
			if i == 20 {
				fmt.Fprintf(&b, "…\n")
				break
			}
			fmt.Fprintf(&b, "  #%d %s: %s\n", p.Record, p.Field, p.Message)
		}
	}
	text := widget.NewLabel(b.String())
	text.Wrapping = fyne.TextWrapWord
	scroll := container.NewVScroll(text)
	scroll.SetMinSize(fyne.NewSize(520, 260))
	dialog.ShowCustom(tr("导入报告"), tr("关闭"), scroll, g.win)
}
