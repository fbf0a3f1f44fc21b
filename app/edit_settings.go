package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"kuanggui/internal/plan"
	"kuanggui/internal/store"
	"kuanggui/internal/tool"
)

// Project settings of the editor, beside qkbhTemplateKey. They live in the project so that
// everyone editing one plan codes and snaps the same way.
const (
	snapTolKey     = "snap_tolerance_px" // JSON number, pixels
	gridDefaultKey = "grid_snap_default" // JSON bool: grid snapping starts on for exploration blocks
)

// Limits of the snap tolerance: below 1 px nothing can be hit, above 50 px everything is.
const (
	minSnapTol = 1
	maxSnapTol = 50
)

// editSettings are the editor's settings as the dialog shows them.
type editSettings struct {
	Template    string
	TolPx       float64
	GridDefault bool
}

// loadSettings reads the editor's settings from the project; missing or unreadable values give
// the defaults.
func (e *editor) loadSettings() editSettings {
	s := editSettings{Template: defaultQKBHTemplate, TolPx: tool.DefaultTolerancePixels, GridDefault: true}
	if e.g.doc == nil {
		return s
	}
	s.Template = e.qkbhTemplate()
	st := e.g.doc.Store()
	if data, ok, err := st.Setting(snapTolKey); err == nil && ok {
		var v float64
		if json.Unmarshal(data, &v) == nil && v >= minSnapTol && v <= maxSnapTol {
			s.TolPx = v
		}
	}
	if data, ok, err := st.Setting(gridDefaultKey); err == nil && ok {
		var v bool
		if json.Unmarshal(data, &v) == nil {
			s.GridDefault = v
		}
	}
	return s
}

// applySettings makes s take effect at once: the snapper's tolerance, and grid snapping for the
// layer being edited.
func (e *editor) applySettings(s editSettings) {
	e.gridOff = !s.GridDefault
	e.snap.SetTolerancePixels(s.TolPx)
	if l, ok := e.g.doc.Layer(e.layer); ok {
		e.snap.SetGrid(e.gridDefaultFor(l.Def))
	}
	e.refreshButtons()
}

// gridDefaultFor says whether grid snapping starts on for def under the project's settings.
func (e *editor) gridDefaultFor(def plan.LayerDef) bool {
	return !e.gridOff && tool.GridDefault(def)
}

// saveSettings stores s in the project, in one transaction.
func (e *editor) saveSettings(s editSettings) error {
	tmpl, _ := json.Marshal(s.Template)
	tol, _ := json.Marshal(s.TolPx)
	grid, _ := json.Marshal(s.GridDefault)
	return e.g.doc.Store().Update(func(tx *store.Tx) error {
		for _, kv := range []struct {
			k string
			v []byte
		}{{qkbhTemplateKey, tmpl}, {snapTolKey, tol}, {gridDefaultKey, grid}} {
			if err := tx.PutSetting(kv.k, kv.v); err != nil {
				return err
			}
		}
		return nil
	})
}

// templateExample is the code the template gives the first exploration block of the project's
// region (650102 when the project names none, as in T650102001), or an error for a template
// that cannot make codes.
func (e *editor) templateExample(tmpl string) (string, error) {
	tmpl = strings.TrimSpace(tmpl)
	if tmpl == "" {
		return "", fmt.Errorf("%s", tr("模板不能为空"))
	}
	if !strings.Contains(tmpl, "{N}") {
		return "", fmt.Errorf("%s", tr("模板必须含序号 {N}，否则编号不能唯一"))
	}
	xzqdm := "650102"
	if e.g.doc != nil {
		if c := e.g.doc.Meta().RegionCode; c != "" && c != "650000" {
			xzqdm = c
		}
	}
	return plan.BlockCode(tmpl, plan.Exploration, xzqdm, 1), nil
}

// settingsDialog is the open settings dialog's widgets (tests drive them).
type settingsDialog struct {
	d       dialog.Dialog
	tmpl    *widget.Entry
	example *widget.Label
	tol     *widget.Entry
	grid    *widget.Check
	ok      *widget.Button
}

// showSettings opens 编辑 → 设置…: the QKBH template with a live example, the snap tolerance and
// whether grid snapping starts on. OK stores them in the project and applies them at once.
func (e *editor) showSettings() {
	if e.g.doc == nil {
		return
	}
	cur := e.loadSettings()
	sd := &settingsDialog{}
	sd.tmpl = widget.NewEntry()
	sd.tmpl.SetText(cur.Template)
	sd.example = widget.NewLabel("")
	sd.tol = widget.NewEntry()
	sd.tol.SetText(strconv.FormatFloat(cur.TolPx, 'f', -1, 64))
	sd.grid = widget.NewCheck(tr("绘制勘查区块时默认吸附 1′ 网格"), nil)
	sd.grid.SetChecked(cur.GridDefault)

	read := func() (editSettings, error) {
		s := editSettings{Template: strings.TrimSpace(sd.tmpl.Text), GridDefault: sd.grid.Checked}
		if _, err := e.templateExample(s.Template); err != nil {
			return s, err
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(sd.tol.Text), 64)
		if err != nil || v < minSnapTol || v > maxSnapTol {
			return s, fmt.Errorf("%s", tr("吸附容差应为 {{.Min}}–{{.Max}} 像素", trData{"Min": minSnapTol, "Max": maxSnapTol}))
		}
		s.TolPx = v
		return s, nil
	}
	sd.ok = widget.NewButton(tr("确定"), func() {
		s, err := read()
		if err != nil {
			return // the example line already says what is wrong
		}
		sd.d.Hide()
		e.applySettings(s)
		if ro, _ := e.readOnly(); ro {
			e.g.message(tr("项目只读：设置只用于本次"))
			return
		}
		if err := e.saveSettings(s); err != nil {
			dialog.ShowError(err, e.g.win)
			return
		}
		e.g.message(tr("设置已保存到项目"))
	})
	sd.ok.Importance = widget.HighImportance
	update := func(string) {
		if _, err := read(); err != nil {
			sd.example.SetText(err.Error())
			sd.ok.Disable()
			return
		}
		ex, _ := e.templateExample(sd.tmpl.Text)
		sd.example.SetText(tr("示例：{{.C}}", trData{"C": ex}))
		sd.ok.Enable()
	}
	sd.tmpl.OnChanged = update
	sd.tol.OnChanged = update
	update("")

	help := widget.NewLabel(tr("{P} 类型字母 (T 勘查 / C 开采)，{XZQDM} 行政区代码，{N} 三位序号"))
	help.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem(tr("区块编号模板"), sd.tmpl),
		widget.NewFormItem("", sd.example),
		widget.NewFormItem("", help),
		widget.NewFormItem(tr("吸附容差 (像素)"), sd.tol),
		widget.NewFormItem("", sd.grid),
	)
	cancel := widget.NewButton(tr("取消"), func() { sd.d.Hide() })
	sd.d = dialog.NewCustomWithoutButtons(tr("设置"), container.NewVBox(form, container.NewHBox(sd.ok, cancel)), e.g.win)
	sd.d.Resize(fyne.NewSize(520, 0))
	e.settings = sd
	sd.d.Show()
}
