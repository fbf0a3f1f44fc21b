package main

import (
	"sort"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"kuanggui/internal/plan"
)

// attrTable is the attribute table window: one layer's features in a virtualised table,
// sorted by a clicked header, filtered by a substring of any field; a row click selects the
// feature on the map and zooms to it.
type attrTable struct {
	e      *editor
	win    fyne.Window
	layer  string
	layers *widget.Select
	names  map[string]string // display name → table
	filter *widget.Entry
	tbl    *widget.Table
	count  *widget.Label
	cols   []plan.Field
	feats  []plan.Feature // the layer as loaded
	rows   []int          // indexes into feats, filtered and sorted
	cells  [][]string     // text of feats[i], by column
	sortBy int            // column; -1 unsorted
	desc   bool
}

// showTable opens (or raises) the attribute table of the editable layer.
func (e *editor) showTable() {
	if e.table != nil {
		e.table.win.Show()
		e.table.win.RequestFocus()
		return
	}
	at := &attrTable{e: e, layer: e.layer, sortBy: -1, names: map[string]string{}}
	var opts []string
	cur := ""
	for _, l := range e.g.doc.Layers() {
		n := e.g.layerName(l.Def)
		at.names[n] = l.Def.Table
		opts = append(opts, n)
		if l.Def.Table == at.layer {
			cur = n
		}
	}
	at.layers = widget.NewSelect(opts, func(s string) {
		if t := at.names[s]; t != at.layer {
			at.layer, at.sortBy = t, -1
			at.reload()
		}
	})
	at.layers.Selected = cur
	at.filter = widget.NewEntry()
	at.filter.SetPlaceHolder(tr("筛选（任一字段包含）"))
	at.filter.OnChanged = func(string) { at.refilter() }
	at.count = widget.NewLabel("")
	at.tbl = widget.NewTable(
		func() (int, int) { return len(at.rows), len(at.cols) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			if id.Row < len(at.rows) && id.Col < len(at.cols) {
				o.(*widget.Label).SetText(at.cells[at.rows[id.Row]][id.Col])
			}
		})
	at.tbl.ShowHeaderRow = true
	at.tbl.CreateHeader = func() fyne.CanvasObject {
		b := widget.NewButton("", nil)
		b.Importance = widget.LowImportance
		return b
	}
	at.tbl.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		b := o.(*widget.Button)
		if id.Col < 0 || id.Col >= len(at.cols) {
			b.SetText("")
			b.OnTapped = nil
			return
		}
		text := e.fieldLabel(at.cols[id.Col])
		if id.Col == at.sortBy {
			if at.desc {
				text += " ▼"
			} else {
				text += " ▲"
			}
		}
		b.SetText(text)
		col := id.Col
		b.OnTapped = func() { at.sortColumn(col) }
	}
	at.tbl.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(at.rows) {
			f := at.feats[at.rows[id.Row]]
			e.selectAndZoom(at.layer, f.ID)
		}
	}
	at.win = e.g.app.NewWindow(tr("属性表"))
	at.win.SetContent(container.NewBorder(container.NewBorder(nil, nil, at.layers, at.count, at.filter), nil, nil, nil, at.tbl))
	at.win.Resize(fyne.NewSize(900, 500))
	at.win.SetOnClosed(func() {
		if e.table == at {
			e.table = nil
		}
	})
	e.table = at
	at.reload()
	at.win.Show()
}

// reload reads the layer again (after an edit or another layer choice).
func (at *attrTable) reload() {
	l, ok := at.e.g.doc.Layer(at.layer)
	if !ok {
		at.feats, at.cols = nil, nil
		at.refilter()
		return
	}
	at.feats = append([]plan.Feature(nil), l.Features...)
	at.cols = append([]plan.Field{{Name: "ID", Label: "ID", Type: plan.FieldInt}}, l.Def.Fields...)
	seen := map[string]bool{}
	for _, fd := range l.Def.Fields {
		seen[strings.ToUpper(fd.Name)] = true
	}
	extra := map[string]bool{}
	for _, f := range at.feats {
		for k := range f.Attrs {
			if !seen[strings.ToUpper(k)] {
				extra[k] = true
			}
		}
	}
	var ks []string
	for k := range extra {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	for _, k := range ks {
		at.cols = append(at.cols, plan.Field{Name: k, Label: k})
	}
	at.cells = make([][]string, len(at.feats))
	for i, f := range at.feats {
		row := make([]string, len(at.cols))
		row[0] = strconv.FormatInt(f.ID, 10)
		for c, fd := range at.cols[1:] {
			row[c+1] = storedText(f.Attrs[fd.Name], fd)
		}
		at.cells[i] = row
	}
	at.refilter()
}

// refilter applies the filter text and the sort order.
func (at *attrTable) refilter() {
	q := strings.ToLower(strings.TrimSpace(at.filter.Text))
	at.rows = at.rows[:0]
	for i, row := range at.cells {
		if q == "" || rowMatches(row, q) {
			at.rows = append(at.rows, i)
		}
	}
	if at.sortBy >= 0 && at.sortBy < len(at.cols) {
		c, fd := at.sortBy, at.cols[at.sortBy]
		numeric := fd.Type == plan.FieldInt || fd.Type == plan.FieldReal
		sort.SliceStable(at.rows, func(i, j int) bool {
			a, b := at.cells[at.rows[i]][c], at.cells[at.rows[j]][c]
			less := a < b
			if numeric {
				x, _ := strconv.ParseFloat(a, 64)
				y, _ := strconv.ParseFloat(b, 64)
				less = x < y
			}
			if at.desc {
				if numeric {
					x, _ := strconv.ParseFloat(a, 64)
					y, _ := strconv.ParseFloat(b, 64)
					return y < x
				}
				return b < a
			}
			return less
		})
	}
	at.count.SetText(tr("{{.N}} / {{.T}} 行", trData{"N": len(at.rows), "T": len(at.cells)}))
	at.tbl.Refresh()
}

func rowMatches(row []string, q string) bool {
	for _, s := range row {
		if strings.Contains(strings.ToLower(s), q) {
			return true
		}
	}
	return false
}

// sortColumn sorts by col; a second click reverses the order.
func (at *attrTable) sortColumn(col int) {
	if at.sortBy == col {
		at.desc = !at.desc
	} else {
		at.sortBy, at.desc = col, false
	}
	at.refilter()
}
