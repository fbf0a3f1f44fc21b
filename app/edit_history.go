package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"kuanggui/internal/edit"
)

// historyDialog lists the undo history: done steps oldest first, then the undone ones greyed
// (next to redo first). Clicking a done step undoes back to it (it stays done); clicking an
// undone step redoes up to it.
type historyDialog struct {
	e      *editor
	dlg    dialog.Dialog
	list   *widget.List
	done   []edit.Step
	undone []edit.Step
}

func (e *editor) showHistory() {
	h := &historyDialog{e: e}
	h.list = widget.NewList(
		func() int { return len(h.done) + len(h.undone) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			if i < len(h.done) {
				l.SetText(h.done[i].Command.Label)
				l.Importance = widget.MediumImportance
			} else if j := i - len(h.done); j < len(h.undone) {
				l.SetText(h.undone[j].Command.Label + "  (" + tr("已撤销") + ")")
				l.Importance = widget.LowImportance
			}
			l.Refresh()
		})
	h.list.OnSelected = func(i widget.ListItemID) {
		h.list.UnselectAll()
		h.goTo(i)
	}
	h.reload()
	h.dlg = dialog.NewCustom(tr("历史记录"), tr("关闭"), h.list, e.g.win)
	h.dlg.SetOnClosed(func() {
		if e.hist == h {
			e.hist = nil
		}
	})
	h.dlg.Resize(fyne.NewSize(420, 480))
	e.hist = h
	h.dlg.Show()
}

func (h *historyDialog) reload() {
	h.done, h.undone = h.e.g.doc.History()
	h.list.Refresh()
}

// goTo makes row i of the list the newest done step.
func (h *historyDialog) goTo(i int) {
	e := h.e
	if ro, why := e.readOnly(); ro {
		e.g.message(tr("项目只读，不能编辑：{{.W}}", trData{"W": why}))
		return
	}
	doc := e.g.doc
	if i < len(h.done) {
		for n := len(h.done) - 1 - i; n > 0; n-- {
			if _, ok, err := doc.Undo(); err != nil || !ok {
				if err != nil {
					dialog.ShowError(err, e.g.win)
				}
				break
			}
		}
	} else {
		for n := i - len(h.done) + 1; n > 0; n-- {
			if _, ok, err := doc.Redo(); err != nil || !ok {
				if err != nil {
					dialog.ShowError(err, e.g.win)
				}
				break
			}
		}
	}
	h.reload()
}
