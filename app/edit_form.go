package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"kuanggui/internal/crs"
	"kuanggui/internal/edit"
	"kuanggui/internal/plan"
	"kuanggui/internal/store"
)

// qkbhTemplateKey is the project setting holding the block code template.
const qkbhTemplateKey = "qkbh_template"

// defaultQKBHTemplate is plan.BlockCode's default: type letter, region code, serial.
const defaultQKBHTemplate = "{P}{XZQDM}{N}"

// zoneTables are the zone layers whose codes make a block's SSQY.
var zoneTables = []string{"kfq", "nyzyjd", "gjghkq", "zdkanchq", "zdkaicq"}

// qkbhTemplate is the project's block code template (setting "qkbh_template", a JSON string
// or plain text).
func (e *editor) qkbhTemplate() string {
	data, ok, err := e.g.doc.Store().Setting(qkbhTemplateKey)
	if err != nil || !ok || len(data) == 0 {
		return defaultQKBHTemplate
	}
	var s string
	if json.Unmarshal(data, &s) != nil {
		s = string(data)
	}
	if strings.TrimSpace(s) == "" {
		return defaultQKBHTemplate
	}
	return s
}

// setQKBHTemplate stores the block code template in the project.
func (e *editor) setQKBHTemplate(t string) error {
	data, _ := json.Marshal(t)
	return e.g.doc.Store().Update(func(tx *store.Tx) error { return tx.PutSetting(qkbhTemplateKey, data) })
}

// inside is a point of mp for lookups: the area centroid when it falls inside, else a point of
// a grid over its bound that is inside (a concave block's centroid may lie outside it).
func inside(mp orb.MultiPolygon) (orb.Point, bool) {
	if len(mp) == 0 || len(mp[0]) == 0 || len(mp[0][0]) == 0 {
		return orb.Point{}, false
	}
	c, _ := planar.CentroidArea(mp)
	if planar.MultiPolygonContains(mp, c) {
		return c, true
	}
	// The middle of the widest horizontal chord through the first ring's centre latitude.
	b := mp.Bound()
	for _, f := range []float64{0.5, 0.25, 0.75, 0.1, 0.9} {
		for i := 1; i < 64; i++ {
			p := orb.Point{b.Min[0] + (b.Max[0]-b.Min[0])*float64(i)/64, b.Min[1] + (b.Max[1]-b.Min[1])*f}
			if planar.MultiPolygonContains(mp, p) {
				return p, true
			}
		}
	}
	return c, true
}

// featuresAt lists the features of table whose polygon contains p (planar, in lon/lat).
func (e *editor) featuresAt(table string, p orb.Point) []plan.Feature {
	l, ok := e.g.doc.Layer(table)
	if !ok {
		return nil
	}
	var out []plan.Feature
	for _, f := range l.Features {
		if f.Geometry.Bound().Contains(p) && planar.MultiPolygonContains(f.Geometry, p) {
			out = append(out, f)
		}
	}
	return out
}

// regionOf returns the XZQDM and XZQMC of the administrative area under mp's centre.
func (e *editor) regionOf(mp orb.MultiPolygon) (code, name string) {
	p, ok := inside(mp)
	if !ok {
		return "", ""
	}
	for _, f := range e.featuresAt("xzq", p) {
		if c := f.Attrs.String("XZQDM"); c != "" {
			return c, f.Attrs.String("XZQMC")
		}
	}
	return "", ""
}

// zonesOf returns the codes (QYBH) of the zones under mp's centre, joined with 、.
func (e *editor) zonesOf(mp orb.MultiPolygon) string {
	p, ok := inside(mp)
	if !ok {
		return ""
	}
	var codes []string
	for _, t := range zoneTables {
		for _, f := range e.featuresAt(t, p) {
			if c := f.Attrs.String("QYBH"); c != "" {
				codes = append(codes, c)
			}
		}
	}
	return strings.Join(codes, "、")
}

// nextCode returns the first free code of the template for a block of layer def in region
// xzqdm; taken holds the codes in use (and gets the new one).
func (e *editor) nextCode(def plan.LayerDef, xzqdm string, taken map[string]bool) string {
	tmpl := e.qkbhTemplate()
	if xzqdm == "" {
		xzqdm = e.g.doc.Meta().RegionCode
	}
	for n := 1; n < 1_000_000; n++ {
		c := plan.BlockCode(tmpl, def.Kind, xzqdm, n)
		if !taken[c] {
			taken[c] = true
			return c
		}
		if !strings.Contains(tmpl, "{N}") {
			// A template without a serial cannot make codes unique: add one.
			c = fmt.Sprintf("%s-%d", c, n+1)
			if !taken[c] {
				taken[c] = true
				return c
			}
		}
	}
	return ""
}

// takenCodes is the set of QKBH values of table.
func (e *editor) takenCodes(table string) map[string]bool {
	taken := map[string]bool{}
	if l, ok := e.g.doc.Layer(table); ok {
		for _, f := range l.Features {
			if c := f.Attrs.String("QKBH"); c != "" {
				taken[c] = true
			}
		}
	}
	return taken
}

// prepareInserts fills the new blocks of cmd: region (XZQDM/XZQMC) and zones (SSQY) from the
// layers under them, the plan period, and a fresh unique code (QKBH) from the template.
func (e *editor) prepareInserts(cmd *edit.Command) {
	taken := map[string]map[string]bool{}
	for i, ch := range cmd.Changes {
		if ch.Before != nil || ch.After == nil {
			continue
		}
		l, ok := e.g.doc.Layer(ch.Layer)
		if !ok || l.Def.Role != plan.RoleBlock {
			continue
		}
		f := ch.After.Clone()
		if f.Attrs == nil {
			f.Attrs = plan.Attrs{}
		}
		if f.Attrs.String("XZQDM") == "" {
			if c, n := e.regionOf(f.Geometry); c != "" {
				f.Attrs["XZQDM"] = c
				if n != "" {
					f.Attrs["XZQMC"] = n
				}
			}
		}
		if f.Attrs.String("SSQY") == "" {
			if z := e.zonesOf(f.Geometry); z != "" {
				f.Attrs["SSQY"] = z
			}
		}
		if f.Attrs.String("GHQ") == "" {
			if p := e.g.doc.Meta().Period; p != "" {
				f.Attrs["GHQ"] = p
			}
		}
		if taken[ch.Layer] == nil {
			taken[ch.Layer] = e.takenCodes(ch.Layer)
		}
		if c := f.Attrs.String("QKBH"); c == "" || taken[ch.Layer][c] {
			f.Attrs["QKBH"] = e.nextCode(l.Def, f.Attrs.String("XZQDM"), taken[ch.Layer])
		} else {
			taken[ch.Layer][c] = true
		}
		cmd.Changes[i].After = &f
	}
}

// prepareUpdates keeps XZQDM/XZQMC and SSQY true after a geometry change (move, vertex edit,
// split, merge): when the new geometry lies in another county or other zones than the old one,
// the attributes follow, in the same command so that one undo restores both. Values the user
// typed are left alone while the holders stay the same.
func (e *editor) prepareUpdates(cmd *edit.Command) {
	for i, ch := range cmd.Changes {
		if ch.Before == nil || ch.After == nil || ch.Before.Geometry.Equal(ch.After.Geometry) {
			continue
		}
		l, ok := e.g.doc.Layer(ch.Layer)
		if !ok || l.Def.Role != plan.RoleBlock {
			continue
		}
		f := ch.After.Clone()
		if f.Attrs == nil {
			f.Attrs = plan.Attrs{}
		}
		changed := false
		oldCode, _ := e.regionOf(ch.Before.Geometry)
		if c, n := e.regionOf(f.Geometry); c != "" && c != oldCode && c != f.Attrs.String("XZQDM") {
			f.Attrs["XZQDM"] = c
			if _, has := l.Def.Field("XZQMC"); has {
				f.Attrs["XZQMC"] = n
			}
			changed = true
		}
		if _, has := l.Def.Field("SSQY"); has {
			if z := e.zonesOf(f.Geometry); z != e.zonesOf(ch.Before.Geometry) && z != f.Attrs.String("SSQY") {
				if z == "" {
					f.Attrs["SSQY"] = nil // no zone under it any more: the old codes would be wrong
				} else {
					f.Attrs["SSQY"] = z
				}
				changed = true
			}
		}
		if changed {
			cmd.Changes[i].After = &f
		}
	}
}

// basicUnits is the number of 1′ basic cells mp's area makes at its centre latitude.
func basicUnits(mp orb.MultiPolygon, mj float64) float64 {
	if len(mp) == 0 {
		return 0
	}
	b := mp.Bound()
	a := crs.BasicCellArea((b.Min[1] + b.Max[1]) / 2)
	if a <= 0 {
		return 0
	}
	return mj / a
}

// --- the attribute form ---

// fieldEntry is a text field that commits on Enter and when it loses the keyboard, so that
// typed text survives a click on the map.
type fieldEntry struct {
	widget.Entry
	committed string
	commit    func(text string) bool
}

func newFieldEntry(text string, commit func(string) bool) *fieldEntry {
	f := &fieldEntry{committed: text, commit: commit}
	f.ExtendBaseWidget(f)
	f.SetText(text)
	f.OnSubmitted = func(string) { f.flush() }
	return f
}

// FocusLost commits what was typed.
func (f *fieldEntry) FocusLost() {
	f.Entry.FocusLost()
	f.flush()
}

// flush commits the text if it changed; a refused value goes back to the stored one.
func (f *fieldEntry) flush() {
	if f.Text == f.committed {
		return
	}
	text := f.Text
	if f.commit(text) {
		f.committed = text
	} else {
		f.SetText(f.committed)
	}
}

// setStored shows a stored value unless the user is typing a different one.
func (f *fieldEntry) setStored(text string) {
	if f.Text != f.committed {
		return // typed, not yet committed: keep it
	}
	f.committed = text
	if f.Text != text {
		f.SetText(text)
	}
}

// attrForm edits one feature's attributes, built from its layer's schema.
type attrForm struct {
	e       *editor
	table   string
	id      int64
	def     plan.LayerDef
	objs    []fyne.CanvasObject
	entries map[string]*fieldEntry
	selects map[string]*widget.Select
	mj      *widget.Label
	loading bool
}

// formEditable says whether selected features of table get the form (editable layers, zones
// once unlocked, and never in a read-only project).
func (e *editor) formEditable(def plan.LayerDef) bool {
	if ro, _ := e.readOnly(); ro {
		return false
	}
	return (def.Editable && def.Role == plan.RoleBlock) || (e.unlock && def.Role == plan.RoleZone)
}

// editShowAttributes shows the form for the selected feature when its layer is editable; false
// leaves the read-only view to showAttributes.
func (g *gui) editShowAttributes() bool {
	e := g.editor()
	if !g.selOK || g.doc == nil {
		e.form = nil
		return false
	}
	l, ok := g.doc.Layer(g.selTable)
	f, fok := g.doc.Feature(g.selTable, g.selID)
	if !ok || !fok || !e.formEditable(l.Def) {
		e.form = nil
		return false
	}
	if e.form == nil || e.form.table != g.selTable || e.form.id != g.selID {
		if e.form != nil {
			e.form.flush()
		}
		e.form = e.newForm(l.Def, f)
	}
	e.form.load(f)
	g.attrSub.SetText(fmt.Sprintf("%s · ID %d · %s", g.layerName(l.Def), f.ID, tr("可编辑")))
	if len(g.attrForm.Objects) != len(e.form.objs) || len(e.form.objs) == 0 || g.attrForm.Objects[0] != e.form.objs[0] {
		g.attrForm.Objects = e.form.objs
		g.attrForm.Refresh()
	}
	return true
}

func (e *editor) fieldLabel(fd plan.Field) string {
	label := fd.Label
	if !e.g.zh && fd.LabelEN != "" {
		label = fd.LabelEN
	}
	if label == "" {
		label = fd.Name
	}
	if fd.Required {
		label += " *"
	}
	return label
}

// newForm builds the widgets for def's fields.
func (e *editor) newForm(def plan.LayerDef, f plan.Feature) *attrForm {
	fm := &attrForm{e: e, table: def.Table, id: f.ID, def: def, entries: map[string]*fieldEntry{}, selects: map[string]*widget.Select{}}
	cat := e.g.doc.Catalog()
	for _, fd := range def.Fields {
		fd := fd
		kt := canvas.NewText(e.fieldLabel(fd), mutedInk)
		if fd.Required {
			kt.Color = theme.Color(theme.ColorNameError)
		}
		kt.TextSize = theme.TextSize()
		ip := theme.InnerPadding()
		key := container.New(layout.NewCustomPaddedLayout(ip/2, ip/2, ip, ip/2), kt)
		var val fyne.CanvasObject
		switch {
		case fd.Computed:
			fm.mj = widget.NewLabel("")
			val = fm.mj
		case fd.Choices == "mineral":
			var opts []string
			for _, m := range cat.Minerals {
				opts = append(opts, mineralOption(m))
			}
			s := widget.NewSelect(opts, nil)
			s.PlaceHolder = tr("请选择…")
			s.OnChanged = func(v string) {
				if fm.loading {
					return
				}
				m, ok := cat.Mineral(strings.Fields(v + " ")[0])
				if !ok {
					return
				}
				fm.commit(fd, map[string]any{fd.Name: m.Name, "KZDM": m.Code})
			}
			fm.selects[fd.Name] = s
			val = s
		case fd.Choices != "":
			s := widget.NewSelect(append([]string(nil), cat.Choices[fd.Choices]...), nil)
			s.PlaceHolder = tr("请选择…")
			s.OnChanged = func(v string) {
				if !fm.loading {
					fm.commit(fd, map[string]any{fd.Name: v})
				}
			}
			fm.selects[fd.Name] = s
			val = s
		default:
			en := newFieldEntry("", func(text string) bool {
				v, err := parseFieldValue(fd, text)
				if err != nil {
					e.g.message(tr("{{.F}}：{{.E}}", trData{"F": e.fieldLabel(fd), "E": err.Error()}))
					return false
				}
				return fm.commit(fd, map[string]any{fd.Name: v})
			})
			fm.entries[fd.Name] = en
			val = en
			if fd.Name == "XZQDM" || fd.Name == "SSQY" {
				btn := widget.NewButton(tr("自动"), func() { fm.autoFill(fd.Name) })
				val = container.NewBorder(nil, nil, nil, btn, en)
			}
		}
		fm.objs = append(fm.objs, key, val)
	}
	return fm
}

func mineralOption(m plan.Mineral) string { return m.Name + " (" + m.Code + ")" }

// load shows f's stored values (keeping text being typed).
func (fm *attrForm) load(f plan.Feature) {
	fm.loading = true
	defer func() { fm.loading = false }()
	for _, fd := range fm.def.Fields {
		if en, ok := fm.entries[fd.Name]; ok {
			en.setStored(storedText(f.Attrs[fd.Name], fd))
		}
		if s, ok := fm.selects[fd.Name]; ok {
			v := f.Attrs.String(fd.Name)
			if fd.Choices == "mineral" && v != "" {
				if m, ok := fm.e.g.doc.Catalog().Mineral(v); ok {
					v = mineralOption(m)
				}
			}
			if s.Selected != v {
				// SetSelected ignores a value not among the options, "" included, which would
				// leave an undone mineral showing: clear explicitly.
				if v == "" {
					s.ClearSelected()
				} else {
					s.SetSelected(v)
				}
			}
		}
	}
	if fm.mj != nil {
		mj, _ := f.Attrs.Float("MJ")
		text := strconv.FormatFloat(mj, 'f', 4, 64) + " km²"
		if fm.def.Kind == plan.Exploration {
			text += "  " + tr("约 {{.N}} 个基本单位区块", trData{"N": strconv.FormatFloat(basicUnits(f.Geometry, mj), 'f', 1, 64)})
		}
		fm.mj.SetText(text)
	}
}

// storedText is a value as the form's entry shows it.
func storedText(v any, fd plan.Field) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		if fd.Decimals > 0 {
			return strconv.FormatFloat(x, 'f', fd.Decimals, 64)
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// parseFieldValue reads typed text as the field's type; empty is NULL.
func parseFieldValue(fd plan.Field, text string) (any, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, nil
	}
	switch fd.Type {
	case plan.FieldInt:
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s", tr("请输入整数"))
		}
		return n, nil
	case plan.FieldReal:
		x, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return nil, fmt.Errorf("%s", tr("请输入数字"))
		}
		return x, nil
	}
	return text, nil
}

// flush commits every field being typed in.
func (fm *attrForm) flush() {
	for _, en := range fm.entries {
		en.flush()
	}
}

// commit writes changed values of one field as one edit; consecutive edits of the same field
// merge into one undo step (MergeKey).
func (fm *attrForm) commit(fd plan.Field, vals map[string]any) bool {
	e := fm.e
	doc := e.g.doc
	f, ok := doc.Feature(fm.table, fm.id)
	if !ok {
		return false
	}
	if fd.Name == "QKBH" {
		code, _ := vals["QKBH"].(string)
		for _, o := range doc.FindByCode(fm.table, code) {
			if o.ID != f.ID {
				e.g.message(tr("区块编号 {{.C}} 已被使用", trData{"C": code}))
				return false
			}
		}
		if fd.Required && code == "" {
			e.g.message(tr("区块编号不能为空"))
			return false
		}
	}
	after := f.Clone()
	if after.Attrs == nil {
		after.Attrs = plan.Attrs{}
	}
	changed := false
	for k, v := range vals {
		if after.Attrs[k] != v {
			after.Attrs[k] = v
			changed = true
		}
	}
	if !changed {
		return true
	}
	cmd := edit.Update("修改属性："+fd.Label, fm.table, f, after)
	cmd.MergeKey = fmt.Sprintf("attr:%s:%d:%s", fm.table, fm.id, fd.Name)
	if err := doc.Apply(cmd); err != nil {
		e.g.message(err.Error())
		return false
	}
	return true
}

// autoFill recomputes the region (XZQDM, XZQMC) or the zones (SSQY) from the layers under the
// block.
func (fm *attrForm) autoFill(field string) {
	f, ok := fm.e.g.doc.Feature(fm.table, fm.id)
	if !ok {
		return
	}
	if field == "SSQY" {
		fd, _ := fm.def.Field("SSQY")
		fm.commit(fd, map[string]any{"SSQY": nilIfEmpty(fm.e.zonesOf(f.Geometry))})
		return
	}
	code, name := fm.e.regionOf(f.Geometry)
	if code == "" {
		fm.e.g.message(tr("区块中心不在任何行政区内"))
		return
	}
	fd, _ := fm.def.Field("XZQDM")
	fm.commit(fd, map[string]any{"XZQDM": code, "XZQMC": nilIfEmpty(name)})
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
