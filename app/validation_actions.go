package main

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"kuanggui/internal/crs"
	"kuanggui/internal/document"
	"kuanggui/internal/edit"
	"kuanggui/internal/plan"
	"kuanggui/internal/topo"
	"kuanggui/internal/validate"
)

// exceptionDialog asks for the reason and marks finding i as an exception.
func (p *valPanel) exceptionDialog(i int) {
	if i < 0 || i >= len(p.all) {
		return
	}
	f := p.all[i]
	reason := widget.NewMultiLineEntry()
	reason.SetPlaceHolder(tr("例如：已取得主管部门同意（文号）"))
	reason.SetMinRowsVisible(3)
	reason.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New(tr("需要填写理由"))
		}
		return nil
	}
	msg := widget.NewLabel(findingMessage(p.g.zh, &f))
	msg.Wrapping = fyne.TextWrapWord
	items := []*widget.FormItem{
		widget.NewFormItem(tr("问题"), msg),
		widget.NewFormItem(tr("理由"), reason),
	}
	d := dialog.NewForm(tr("标记为例外"), tr("确定"), tr("取消"), items, func(ok bool) {
		if ok {
			p.markException(f, reason.Text)
		}
	}, p.g.win)
	d.Resize(fyne.NewSize(520, 300))
	d.Show()
}

// markException stores f as an exception and greys it in the tree.
func (p *valPanel) markException(f validate.Finding, reason string) {
	if err := p.doc.MarkException(f, reason); err != nil {
		dialog.ShowError(err, p.g.win)
		return
	}
	p.reloadExceptions()
	p.g.message(tr("已标记为例外：{{.R}}", trData{"R": strings.TrimSpace(reason)}))
}

func (p *valPanel) clearException(i int) {
	if i < 0 || i >= len(p.all) {
		return
	}
	if err := p.doc.ClearException(p.all[i]); err != nil {
		dialog.ShowError(err, p.g.win)
		return
	}
	p.reloadExceptions()
	p.g.message(tr("已取消例外"))
}

func (p *valPanel) reloadExceptions() {
	ex, err := p.doc.Exceptions()
	if err != nil {
		dialog.ShowError(err, p.g.win)
		return
	}
	p.setFindings(p.doc, p.all, ex)
}

// fix is one repair the panel offers for a finding.
type fix struct {
	title string
	kind  string // "valid", "overlap", "area"
}

// fixesFor lists the repairs whose answer is clear: make valid (R01), remove an overlap from
// one of the two blocks (R02, R03), recompute MJ (R11 area).
func fixesFor(f validate.Finding, refs []featRef) []fix {
	switch {
	case f.Rule == "R01" && len(refs) == 1:
		return []fix{{tr("修复几何"), "valid"}}
	case (f.Rule == "R02" || f.Rule == "R03") && len(refs) == 2:
		return []fix{{tr("消除重叠…"), "overlap"}}
	case strings.HasPrefix(f.Key, "R11/mj") && len(refs) == 1:
		return []fix{{tr("重算面积"), "area"}}
	}
	return nil
}

func (p *valPanel) runFix(f validate.Finding, refs []featRef, fx fix) {
	var err error
	switch fx.kind {
	case "valid":
		err = p.fixMakeValid(refs[0])
	case "area":
		err = p.fixArea(refs[0])
	case "overlap":
		p.overlapDialog(f, refs)
		return
	}
	if err != nil {
		dialog.ShowError(err, p.g.win)
	}
}

// withArea returns f with MJ set to the ellipsoidal area of geom, rounded as the field is, when
// the layer has an MJ field.
func withArea(def plan.LayerDef, f plan.Feature, geom orb.MultiPolygon) plan.Feature {
	out := f
	out.Geometry = geom
	if fd, ok := def.Field("MJ"); ok {
		attrs := plan.Attrs{}
		for k, v := range f.Attrs {
			attrs[k] = v
		}
		dec := fd.Decimals
		if dec <= 0 {
			dec = 4
		}
		p := math.Pow(10, float64(dec))
		attrs["MJ"] = math.Round(crs.AreaKm2(geom)*p) / p
		out.Attrs = attrs
	}
	return out
}

func (p *valPanel) feature(r featRef) (plan.Feature, plan.LayerDef, error) {
	l, ok := p.doc.Layer(r.table)
	f, fok := p.doc.Feature(r.table, r.id)
	if !ok || !fok {
		return plan.Feature{}, plan.LayerDef{}, errors.New(tr("要素 {{.T}}#{{.ID}} 已不存在", trData{"T": r.table, "ID": r.id}))
	}
	return f, l.Def, nil
}

func blockLabel(f plan.Feature) string {
	if c := strings.TrimSpace(f.Attrs.String("QKBH")); c != "" {
		return c
	}
	return "#" + strconv.FormatInt(f.ID, 10)
}

// fixMakeValid repairs the block's geometry (self-crossings split into parts, areas kept) and
// recomputes its MJ, as one undoable edit.
func (p *valPanel) fixMakeValid(r featRef) error {
	f, def, err := p.feature(r)
	if err != nil {
		return err
	}
	fixed, err := topo.NewContext(topo.GridDegree).MakeValid(f.Geometry)
	if err != nil {
		return fmt.Errorf("%s: %w", blockLabel(f), err)
	}
	if len(fixed) == 0 {
		return errors.New(tr("{{.C}}：修复后几何为空，请手工编辑", trData{"C": blockLabel(f)}))
	}
	label := tr("修复几何 {{.C}}", trData{"C": blockLabel(f)})
	if err := p.doc.Apply(edit.Update(label, r.table, f, withArea(def, f, fixed))); err != nil {
		return err
	}
	p.g.message(label)
	return nil
}

// fixArea sets MJ to the computed area, the geometry unchanged.
func (p *valPanel) fixArea(r featRef) error {
	f, def, err := p.feature(r)
	if err != nil {
		return err
	}
	label := tr("重算面积 {{.C}}", trData{"C": blockLabel(f)})
	if err := p.doc.Apply(edit.Update(label, r.table, f, withArea(def, f, f.Geometry))); err != nil {
		return err
	}
	p.g.message(label)
	return nil
}

// overlapDialog asks which of the two blocks gives up the overlap.
func (p *valPanel) overlapDialog(f validate.Finding, refs []featRef) {
	var names []string
	for _, r := range refs {
		ft, def, err := p.feature(r)
		if err != nil {
			dialog.ShowError(err, p.g.win)
			return
		}
		names = append(names, fmt.Sprintf("%s（%s）", blockLabel(ft), p.g.layerName(def)))
	}
	radio := widget.NewRadioGroup(names, nil)
	radio.SetSelected(names[0])
	note := widget.NewLabel(tr("从所选区块中扣除重叠部分，另一区块不变。可撤销。"))
	note.Wrapping = fyne.TextWrapWord
	items := []*widget.FormItem{
		widget.NewFormItem(tr("扣除区块"), radio),
		widget.NewFormItem("", note),
	}
	d := dialog.NewForm(tr("消除重叠"), tr("确定"), tr("取消"), items, func(ok bool) {
		if !ok {
			return
		}
		k := 0
		for i, n := range names {
			if n == radio.Selected {
				k = i
			}
		}
		if err := p.fixOverlap(refs[k], refs[1-k]); err != nil {
			dialog.ShowError(err, p.g.win)
		}
	}, p.g.win)
	d.Resize(fyne.NewSize(460, 260))
	d.Show()
}

// fixOverlap removes other's area from cut, recomputing cut's MJ.
func (p *valPanel) fixOverlap(cut, other featRef) error {
	a, def, err := p.feature(cut)
	if err != nil {
		return err
	}
	b, _, err := p.feature(other)
	if err != nil {
		return err
	}
	diff, err := topo.NewContext(topo.GridDegree).Difference(a.Geometry, b.Geometry)
	if err != nil {
		return fmt.Errorf("%s − %s: %w", blockLabel(a), blockLabel(b), err)
	}
	if len(diff) == 0 || crs.AreaKm2(diff) <= 0 {
		return errors.New(tr("{{.A}} 整体位于 {{.B}} 内，扣除后将为空；请改选另一区块", trData{"A": blockLabel(a), "B": blockLabel(b)}))
	}
	label := tr("消除重叠：{{.A}} 扣除与 {{.B}} 的重叠", trData{"A": blockLabel(a), "B": blockLabel(b)})
	if err := p.doc.Apply(edit.Update(label, cut.table, a, withArea(def, a, diff))); err != nil {
		return err
	}
	p.g.message(label)
	return nil
}

// rulesDialog edits the project's rule settings: each rule on or off with its severity, the
// overlap tolerance, safety distances, minimum scales and the mineral lists.
func (p *valPanel) rulesDialog() {
	if p.doc == nil {
		return
	}
	r := p.doc.Rules()
	sevOpts := []string{severityTitle(validate.Error), severityTitle(validate.Warning), severityTitle(validate.Info)}
	sevOf := map[string]validate.Severity{sevOpts[0]: validate.Error, sevOpts[1]: validate.Warning, sevOpts[2]: validate.Info}
	type row struct {
		on  *widget.Check
		sev *widget.Select
	}
	rows := map[string]row{}
	grid := container.NewGridWithColumns(2)
	for _, id := range ruleIDs() {
		s := r.Rule[id]
		on := widget.NewCheck(id+" "+ruleTitle(p.g.zh, id), nil)
		on.Checked = s.Enabled
		sev := widget.NewSelect(sevOpts, nil)
		sev.Selected = severityTitle(s.Severity)
		rows[id] = row{on, sev}
		grid.Add(on)
		grid.Add(sev)
	}
	num := func(v float64) *widget.Entry {
		e := widget.NewEntry()
		e.SetText(trimFloat(v))
		e.Validator = func(s string) error {
			x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil || x < 0 || math.IsNaN(x) || math.IsInf(x, 0) {
				return errors.New(tr("应为非负数"))
			}
			return nil
		}
		return e
	}
	list := func(v []string) *widget.Entry {
		e := widget.NewEntry()
		e.SetText(strings.Join(v, "、"))
		return e
	}
	tol := num(r.OverlapTolerance)
	openPit := num(r.SafetyDistance.OpenPit)
	ugCoal := num(r.SafetyDistance.UndergroundCoal)
	ug := num(r.SafetyDistance.Underground)
	coal := num(r.MinScale.Coal)
	coalOut := num(r.MinScale.CoalOutburst)
	goldUG := num(r.MinScale.RockGoldUnderground)
	goldOP := num(r.MinScale.RockGoldOpenPit)
	prohibited := list(r.Prohibited)
	restricted := list(r.Restricted)
	placer := widget.NewEntry()
	placer.SetText(r.PlacerGoldRegion)

	form := widget.NewForm(
		widget.NewFormItem(tr("重叠容差 (平方米)"), tol),
		widget.NewFormItem(tr("安全距离·露天 (米)"), openPit),
		widget.NewFormItem(tr("安全距离·地下煤矿 (米)"), ugCoal),
		widget.NewFormItem(tr("安全距离·其他地下 (米)"), ug),
		widget.NewFormItem(tr("煤矿最低规模 (万吨/年)"), coal),
		widget.NewFormItem(tr("煤与瓦斯突出矿井 (万吨/年)"), coalOut),
		widget.NewFormItem(tr("岩金地下开采 (吨/日)"), goldUG),
		widget.NewFormItem(tr("岩金露天开采 (吨/日)"), goldOP),
		widget.NewFormItem(tr("禁止开采矿种"), prohibited),
		widget.NewFormItem(tr("限制开采矿种"), restricted),
		widget.NewFormItem(tr("砂金允许地区代码"), placer),
	)
	content := container.NewVScroll(container.NewVBox(
		widget.NewLabelWithStyle(tr("规则"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), grid,
		widget.NewSeparator(),
		widget.NewLabelWithStyle(tr("参数"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), form,
	))
	content.SetMinSize(fyne.NewSize(620, 520))
	d := dialog.NewCustomConfirm(tr("规则设置"), tr("保存"), tr("取消"), content, func(ok bool) {
		if !ok {
			return
		}
		for _, e := range []*widget.Entry{tol, openPit, ugCoal, ug, coal, coalOut, goldUG, goldOP} {
			if err := e.Validate(); err != nil {
				dialog.ShowError(fmt.Errorf("%s: %w", e.Text, err), p.g.win)
				return
			}
		}
		f := func(e *widget.Entry) float64 {
			x, _ := strconv.ParseFloat(strings.TrimSpace(e.Text), 64)
			return x
		}
		nr := r
		nr.Rule = map[string]validate.RuleSetting{}
		for id, s := range r.Rule {
			if row, ok := rows[id]; ok {
				s.Enabled = row.on.Checked
				if sv, ok := sevOf[row.sev.Selected]; ok {
					s.Severity = sv
				}
			}
			nr.Rule[id] = s
		}
		nr.OverlapTolerance = f(tol)
		nr.SafetyDistance.OpenPit = f(openPit)
		nr.SafetyDistance.UndergroundCoal = f(ugCoal)
		nr.SafetyDistance.Underground = f(ug)
		nr.MinScale.Coal = f(coal)
		nr.MinScale.CoalOutburst = f(coalOut)
		nr.MinScale.RockGoldUnderground = f(goldUG)
		nr.MinScale.RockGoldOpenPit = f(goldOP)
		nr.Prohibited = splitList(prohibited.Text)
		nr.Restricted = splitList(restricted.Text)
		nr.PlacerGoldRegion = strings.TrimSpace(placer.Text)
		p.saveRules(nr)
	}, p.g.win)
	d.Show()
}

// saveRules stores the rules and validates everything again with them.
func (p *valPanel) saveRules(r validate.Rules) {
	if err := p.doc.SetRules(r); err != nil {
		if errors.Is(err, document.ErrReadOnly) {
			dialog.ShowError(errors.New(tr("项目以只读方式打开")), p.g.win)
			return
		}
		dialog.ShowError(err, p.g.win)
		return
	}
	p.g.message(tr("规则已保存，重新校验"))
	p.runFull()
}

// splitList reads a mineral list typed with any of the usual separators.
func splitList(s string) []string {
	fs := strings.FieldsFunc(s, func(r rune) bool {
		return strings.ContainsRune("、,，;；\n", r)
	})
	var out []string
	for _, f := range fs {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
