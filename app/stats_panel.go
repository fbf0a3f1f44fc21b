package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"kuanggui/internal/document"
)

// statsMenuItem is View → 统计.
func (g *gui) statsMenuItem() *fyne.MenuItem {
	return fyne.NewMenuItem(tr("统计…"), g.showStats)
}

// statsView shows document.Stats: a list of the tables (layer × breakdown) and the chosen one
// in a table with a total row.
type statsView struct {
	tables []document.StatTable
	cur    int
	list   *widget.List
	table  *widget.Table
	title  *widget.Label
	root   fyne.CanvasObject
}

func (g *gui) layerTitle(table string) string {
	if l, ok := g.doc.Layer(table); ok {
		return g.layerName(l.Def)
	}
	return table
}

// statByKey names each breakdown of document.Stats for the English UI (the document's titles
// are Chinese: layer name and breakdown).
var statByKey = map[string]string{
	"mineral_group": "按矿种（规划分类）", "mineral": "按矿种", "zone": "按勘查开发区（两环八带）",
	"base": "按能源资源基地", "region": "按行政区",
}

// statTitle is a table's title: the document's own in Chinese, layer · breakdown otherwise.
func (g *gui) statTitle(t document.StatTable) string {
	key, ok := statByKey[t.By]
	if g.zh || !ok {
		return t.Title
	}
	return g.layerTitle(t.Layer) + " · " + tr(key)
}

func newStatsView(g *gui, tables []document.StatTable) *statsView {
	sv := &statsView{tables: tables}
	sv.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	sv.list = widget.NewList(
		func() int { return len(sv.tables) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			t := sv.tables[i]
			o.(*widget.Label).SetText(g.statTitle(t))
		},
	)
	sv.table = widget.NewTable(
		func() (int, int) { return sv.rows() + 2, 3 }, // header, rows, total
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			l.SetText(sv.cell(id.Row, id.Col))
			l.TextStyle = fyne.TextStyle{Bold: id.Row == 0 || id.Row == sv.rows()+1}
			if id.Col > 0 {
				l.Alignment = fyne.TextAlignTrailing
			} else {
				l.Alignment = fyne.TextAlignLeading
			}
			l.Refresh()
		},
	)
	sv.table.SetColumnWidth(0, 260)
	sv.table.SetColumnWidth(1, 100)
	sv.table.SetColumnWidth(2, 140)
	sv.list.OnSelected = func(i widget.ListItemID) { sv.show(g, i) }
	split := container.NewHSplit(sv.list, container.NewBorder(sv.title, nil, nil, nil, sv.table))
	split.Offset = 0.34
	sv.root = split
	if len(tables) > 0 {
		sv.list.Select(0)
	}
	return sv
}

func (sv *statsView) show(g *gui, i int) {
	if i < 0 || i >= len(sv.tables) {
		return
	}
	sv.cur = i
	t := sv.tables[i]
	sv.title.SetText(g.statTitle(t))
	sv.table.Refresh()
	sv.table.ScrollToTop()
}

// rows is the number of data rows of the current table, the total row not counted.
func (sv *statsView) rows() int {
	if sv.cur >= len(sv.tables) {
		return 0
	}
	return len(sv.tables[sv.cur].Rows)
}

// cell is the text at (row, col): a header row, the data rows, then the total.
func (sv *statsView) cell(row, col int) string {
	if sv.cur >= len(sv.tables) {
		return ""
	}
	t := sv.tables[sv.cur]
	if row == 0 {
		return []string{tr("类别"), tr("区块数"), tr("面积 (km²)")}[col]
	}
	r := t.Total
	if row-1 < len(t.Rows) {
		r = t.Rows[row-1]
	} else {
		r.Name = tr("合计")
	}
	switch col {
	case 0:
		if r.Name == "" {
			return r.Key
		}
		return r.Name
	case 1:
		return strconv.Itoa(r.Count)
	}
	return strconv.FormatFloat(r.Area, 'f', 4, 64)
}

// showStats opens the statistics of the blocks as they are now.
func (g *gui) showStats() {
	if g.doc == nil {
		return
	}
	tables := g.doc.Stats()
	sv := newStatsView(g, tables)
	var d *dialog.CustomDialog
	csvBtn := widget.NewButton(tr("导出 CSV…"), func() { g.statsCSVDialog(tables) })
	closeBtn := widget.NewButton(tr("关闭"), func() { d.Hide() })
	content := container.NewBorder(nil, container.NewHBox(layout.NewSpacer(), csvBtn, closeBtn), nil, nil, sv.root)
	d = dialog.NewCustomWithoutButtons(tr("统计"), content, g.win)
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

func (g *gui) statsCSVDialog(tables []document.StatTable) {
	fd := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			dialog.ShowError(err, g.win)
			return
		}
		if w == nil {
			return
		}
		p := w.URI().Path()
		w.Close()
		if err := writeStatsFile(p, tables); err != nil {
			dialog.ShowError(err, g.win)
			return
		}
		g.message(tr("统计表已保存：{{.P}}", trData{"P": p}))
	}, g.win)
	fd.SetFileName(g.doc.Name() + "_stats.csv")
	fd.SetFilter(storage.NewExtensionFileFilter([]string{".csv"}))
	if l, err := storage.ListerForURI(storage.NewFileURI(filepath.Dir(g.doc.Path()))); err == nil {
		fd.SetLocation(l)
	}
	fd.Resize(fyne.NewSize(900, 600))
	fd.Show()
}

// writeStatsFile writes the tables as CSV (UTF-8 with a byte-order mark) under a temporary name
// and renames it when complete.
func writeStatsFile(path string, tables []document.StatTable) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".kuanggui-stats-*.csv")
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	name := tmp.Name()
	if err := document.WriteStatsCSV(tmp, tables); err != nil {
		tmp.Close()
		os.Remove(name)
		return fmt.Errorf("%s: %w", path, err)
	}
	tmp.Chmod(0o644)
	if err := tmp.Close(); err != nil {
		os.Remove(name)
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := os.Rename(name, path); err != nil {
		os.Remove(name)
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
