package main

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"kuanggui/internal/document"
	"kuanggui/internal/plan"
	"kuanggui/internal/render"
	"kuanggui/internal/store"
	"kuanggui/internal/validate"
)

// recheckDelay gathers a burst of edits (a vertex drag, typing in a field) into one re-check;
// 30 ms keeps the panel within two frames of the last edit.
const recheckDelay = 30 * time.Millisecond

// severities in the order the tree lists them.
var severities = []validate.Severity{validate.Error, validate.Warning, validate.Info}

// ruleIDs are R01…R12 in order.
func ruleIDs() []string {
	ids := make([]string, 0, len(validate.RuleNames))
	for id := range validate.RuleNames {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// featRef is one feature a finding names, resolved to its table.
type featRef struct {
	table string
	id    int64
}

// valPanel is the validation panel, modelled on JOSM's validator: a tree of findings by
// severity and rule, filters, the selected finding's details and its actions. It also keeps
// the export and statistics hooks of the window, which share its document.
type valPanel struct {
	g    *gui
	doc  *document.Document
	root fyne.CanvasObject

	summary   *widget.Label
	progBox   *fyne.Container
	progBar   *widget.ProgressBar
	progLabel *widget.Label
	layerSel  *widget.Select
	ruleSel   *widget.Select
	extentChk *widget.Check
	search    *widget.Entry
	tree      *widget.Tree

	detailMsg    *widget.Label
	detailValue  *widget.Label
	detailEx     *widget.Label
	detailBtns   *fyne.Container
	detailBox    *fyne.Container
	detailScroll *container.Scroll // detailBox, scrolled when the split leaves it less room
	listSplit    *container.Split  // findings over details
	layerTables  []string          // layer filter options after "all"
	ruleOptionID []string          // rule filter options after "all"

	// Model, touched only on the UI goroutine.
	all       []validate.Finding
	ex        []store.Exception
	exOf      []*store.Exception // per finding of all: its exception, or nil
	children  map[string][]string
	leaf      map[string]int // tree uid → index into all
	text      map[string]string
	selKey    string // Key of the selected finding
	selIdx    int
	quiet     bool // a programmatic tree selection: no zoom
	hasRun    bool
	cancelled bool

	// Live re-check state.
	mu              sync.Mutex
	gen             uint64 // bumped by every edit and every run request
	cancel          context.CancelFunc
	timer           *time.Timer
	fullGen         uint64 // gen when the running full validation started; 0 when none runs
	editsDuringFull bool
	// pending counts the full run and the scheduled re-check not yet finished (see Wait).
	pending sync.WaitGroup

	// syncRuns validates on the calling goroutine: a full run at once, a re-check at once
	// instead of after recheckDelay on a timer's. A test hook: the test driver runs fyne.Do on
	// the caller's goroutine, so GUI tests that edit or import and then look at the window would
	// race the run's widget updates.
	syncRuns bool

	// Test hooks, called on the UI goroutine.
	afterUpdate func()
	afterExport func(*document.ExportResult, error)
	overlay     []orb.Geometry // what the panel last drew over the map
}

func newValPanel(g *gui) *valPanel {
	p := &valPanel{g: g, selIdx: -1}
	head := widget.NewLabelWithStyle(tr("校验"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	runBtn := newTipButton(theme.ViewRefreshIcon(), tr("重新校验全部"), g.tips, func() { p.runFull() })
	rulesBtn := newTipButton(theme.SettingsIcon(), tr("规则设置…"), g.tips, func() { p.rulesDialog() })
	p.summary = widget.NewLabel(tr("尚未校验"))
	p.summary.Truncation = fyne.TextTruncateEllipsis

	p.progBar = widget.NewProgressBar()
	p.progLabel = widget.NewLabel("")
	cancelBtn := widget.NewButtonWithIcon(tr("取消"), theme.CancelIcon(), func() { p.cancelRun() })
	p.progBox = container.NewBorder(nil, nil, nil, cancelBtn, p.progBar)
	p.progBox.Hide()

	p.layerSel = widget.NewSelect(nil, func(string) { p.rebuild() })
	p.ruleSel = widget.NewSelect(nil, func(string) { p.rebuild() })
	p.extentChk = widget.NewCheck(tr("仅当前范围"), func(bool) { p.rebuild() })
	p.search = widget.NewEntry()
	p.search.SetPlaceHolder(tr("搜索区块编号"))
	p.search.OnChanged = func(string) { p.rebuild() }

	p.tree = widget.NewTree(p.childUIDs, p.isBranch, p.createNode, p.updateNode)
	p.tree.OnSelected = p.onTreeSelected

	p.detailMsg = widget.NewLabel("")
	p.detailMsg.Wrapping = fyne.TextWrapWord
	p.detailValue = widget.NewLabel("")
	p.detailEx = widget.NewLabel("")
	p.detailEx.Wrapping = fyne.TextWrapWord
	p.detailEx.Importance = widget.LowImportance
	p.detailBtns = container.NewGridWithColumns(2)
	p.detailBox = container.NewVBox(widget.NewSeparator(), p.detailMsg, p.detailValue, p.detailEx, p.detailBtns)
	// The details sit under a split, not at the border's bottom: there a long message and its
	// buttons took all but 2–4 rows of the list, and a planner stepping through findings with
	// the details open could hardly see the next one. The list keeps 60% unless dragged.
	p.detailScroll = container.NewVScroll(p.detailBox)
	p.listSplit = container.NewVSplit(p.tree, p.detailScroll)
	p.listSplit.Offset = 0.6
	p.showDetail(false)

	filters := container.NewVBox(
		container.NewGridWithColumns(2, p.layerSel, p.ruleSel),
		container.NewBorder(nil, nil, nil, p.extentChk, p.search),
	)
	top := container.NewVBox(
		widget.NewSeparator(),
		container.NewBorder(nil, nil, nil, container.NewHBox(runBtn, rulesBtn), head),
		p.summary, p.progBox, filters,
	)
	p.root = container.NewBorder(top, nil, nil, nil, p.listSplit)

	// Follow the view when the extent filter is on.
	prev := g.mv.OnViewChange
	g.mv.OnViewChange = func(v render.Viewport) {
		if prev != nil {
			prev(v)
		}
		if p.extentChk.Checked {
			p.rebuild()
		}
	}
	return p
}

// setDocument starts over with doc: the filters list its layers and a full validation runs.
func (p *valPanel) setDocument(doc *document.Document) {
	p.cancelRun()
	p.doc = doc
	p.all, p.ex, p.exOf = nil, nil, nil
	p.selKey, p.selIdx = "", -1
	p.hasRun = false
	all := tr("全部图层")
	opts := []string{all}
	p.layerTables = nil
	for _, l := range doc.Layers() {
		if l.Def.Role == plan.RoleBlock {
			opts = append(opts, p.g.layerName(l.Def))
			p.layerTables = append(p.layerTables, l.Def.Table)
		}
	}
	p.layerSel.Options = opts
	p.layerSel.Selected = all
	p.layerSel.Refresh()
	ropts := []string{tr("全部规则")}
	p.ruleOptionID = ruleIDs()
	for _, id := range p.ruleOptionID {
		ropts = append(ropts, id+" "+ruleTitle(p.g.zh, id))
	}
	p.ruleSel.Options = ropts
	p.ruleSel.Selected = ropts[0]
	p.ruleSel.Refresh()
	p.setOverlay(nil)
	p.rebuild()
	p.runFull()
}

// ruleTitle is a rule's name in the UI language (zh: Chinese).
func ruleTitle(zh bool, id string) string {
	if n := validate.RuleNamesEN[id]; !zh && n != "" {
		return n
	}
	return validate.RuleNames[id]
}

// findingMessage is a finding's message in the UI language; the Chinese one when a finding
// (an older stored one) has no English.
func findingMessage(zh bool, f *validate.Finding) string {
	if !zh && f.MessageEN != "" {
		return f.MessageEN
	}
	return f.Message
}

func severityTitle(s validate.Severity) string {
	switch s {
	case validate.Error:
		return tr("错误")
	case validate.Warning:
		return tr("警告")
	}
	return tr("提示")
}

func severityIcon(s validate.Severity) fyne.Resource {
	switch s {
	case validate.Error:
		return theme.NewErrorThemedResource(theme.ErrorIcon())
	case validate.Warning:
		return theme.NewWarningThemedResource(theme.WarningIcon())
	}
	return theme.NewPrimaryThemedResource(theme.InfoIcon())
}

// docChanged is called on the UI goroutine after every edit, undo, redo and import.
func (p *valPanel) docChanged(e document.Event) {
	if e.Kind == document.Imported {
		// An import is a bulk load the engine does not follow: start over.
		p.runFull()
		return
	}
	p.scheduleRecheck()
}

// scheduleRecheck re-checks after a short pause, cancelling a re-check in flight: its answer
// would be stale. The engine keeps what the cancelled run had to do.
func (p *valPanel) scheduleRecheck() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.gen++
	if p.fullGen != 0 {
		p.editsDuringFull = true // the full run's snapshot misses this edit; it starts again
		return
	}
	if p.cancel != nil {
		p.cancel()
		p.cancel = nil
	}
	p.stopTimerLocked()
	gen := p.gen
	doc := p.doc
	if p.syncRuns {
		p.mu.Unlock()
		p.recheck(doc, gen)
		p.mu.Lock() // for the deferred Unlock
		return
	}
	p.pending.Add(1)
	p.timer = time.AfterFunc(recheckDelay, func() {
		defer p.pending.Done()
		p.recheck(doc, gen)
	})
}

// stopTimerLocked stops the scheduled re-check; one that was stopped before it fired will never
// call Done itself. Called with p.mu held.
func (p *valPanel) stopTimerLocked() {
	if p.timer != nil && p.timer.Stop() {
		p.pending.Done()
	}
	p.timer = nil
}

// Wait blocks until the full validation and the re-check in flight or scheduled have finished,
// like mapview.Wait. Their widget updates go through fyne.Do, which the test driver runs on
// their goroutine, so after Wait a test may touch the panel without racing them; in the real
// app the updates may still be queued for the UI goroutine.
func (p *valPanel) Wait() { p.pending.Wait() }

func (p *valPanel) recheck(doc *document.Document, gen uint64) {
	p.mu.Lock()
	if gen != p.gen || doc != p.doc {
		p.mu.Unlock()
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	p.mu.Unlock()
	fs, err := doc.Recheck(ctx)
	cancel()
	if err != nil {
		if ctx.Err() == nil {
			fyne.Do(func() { p.g.message(tr("校验失败：{{.E}}", trData{"E": err.Error()})) })
		}
		return
	}
	ex, _ := doc.Exceptions()
	p.mu.Lock()
	stale := gen != p.gen || doc != p.doc
	p.mu.Unlock()
	if stale {
		return
	}
	fyne.Do(func() { p.setFindings(doc, fs, ex) })
}

// runFull validates the whole project off the UI goroutine, with a progress bar and a cancel
// button in the panel.
func (p *valPanel) runFull() {
	p.mu.Lock()
	if p.cancel != nil {
		p.cancel()
	}
	p.stopTimerLocked()
	p.gen++
	gen := p.gen
	p.fullGen = gen
	p.editsDuringFull = false
	doc := p.doc
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	p.mu.Unlock()
	if doc == nil {
		cancel()
		return
	}
	p.cancelled = false
	p.progBar.SetValue(0)
	p.progBox.Show()
	p.summary.SetText(tr("正在校验…"))
	p.pending.Add(1)
	run := func() {
		defer p.pending.Done()
		defer cancel()
		lastPct := -1
		fs, err := doc.Validate(ctx, func(done, total int) {
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
					p.progBar.SetValue(float64(done) / float64(total))
				}
			})
		})
		var ex []store.Exception
		if err == nil {
			ex, _ = doc.Exceptions()
		}
		p.mu.Lock()
		again := p.editsDuringFull && p.fullGen == gen && doc == p.doc
		current := p.fullGen == gen && doc == p.doc
		if current {
			p.fullGen = 0
			p.cancel = nil
		}
		p.mu.Unlock()
		fyne.Do(func() {
			if !current {
				return
			}
			if again && err == nil {
				p.runFull()
				return
			}
			p.progBox.Hide()
			if err != nil {
				if ctx.Err() != nil {
					p.cancelled = true
					p.summary.SetText(tr("校验已取消"))
					p.g.message(tr("校验已取消"))
				} else {
					p.summary.SetText(tr("校验失败：{{.E}}", trData{"E": err.Error()}))
				}
				if p.afterUpdate != nil {
					p.afterUpdate()
				}
				return
			}
			p.setFindings(doc, fs, ex)
		})
	}
	if p.syncRuns {
		run()
		return
	}
	go run()
}

// cancelRun stops the validation in flight.
func (p *valPanel) cancelRun() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cancel != nil {
		p.cancel()
	}
	p.stopTimerLocked()
}

// setFindings shows a new result; the selected finding stays selected when it is still there.
func (p *valPanel) setFindings(doc *document.Document, fs []validate.Finding, ex []store.Exception) {
	if doc != p.doc {
		return
	}
	p.all, p.ex = fs, ex
	p.exOf = make([]*store.Exception, len(fs))
	for i := range fs {
		if e, ok := document.IsException(fs[i], ex); ok {
			e := e
			p.exOf[i] = &e
		}
	}
	p.hasRun = true
	p.rebuild()
	if p.afterUpdate != nil {
		p.afterUpdate()
	}
}

// counts tallies the open (non-exception) findings by severity, and the exceptions.
func (p *valPanel) counts() (bySev map[validate.Severity]int, exceptions int) {
	bySev = map[validate.Severity]int{}
	for i, f := range p.all {
		if p.exOf[i] != nil {
			exceptions++
			continue
		}
		bySev[f.Severity]++
	}
	return bySev, exceptions
}

// matches applies the filters.
func (p *valPanel) matches(f *validate.Finding, view orb.Bound, q string) bool {
	if i := p.layerSel.SelectedIndex(); i > 0 && i-1 < len(p.layerTables) && f.Layer != p.layerTables[i-1] {
		return false
	}
	if i := p.ruleSel.SelectedIndex(); i > 0 && i-1 < len(p.ruleOptionID) && f.Rule != p.ruleOptionID[i-1] {
		return false
	}
	if p.extentChk.Checked {
		if f.Geometry == nil || !f.Geometry.Bound().Intersects(view) {
			return false
		}
	}
	if q != "" {
		hit := false
		for _, c := range f.Codes {
			if strings.Contains(strings.ToUpper(c), q) {
				hit = true
				break
			}
		}
		if !hit {
			return false
		}
	}
	return true
}

// rebuild makes the tree from the findings that pass the filters.
func (p *valPanel) rebuild() {
	if p.tree == nil || p.layerSel == nil {
		return
	}
	p.children = map[string][]string{}
	p.leaf = map[string]int{}
	p.text = map[string]string{}
	var view orb.Bound
	if p.extentChk.Checked {
		view = p.g.mv.Viewport().Bound()
	}
	q := strings.ToUpper(strings.TrimSpace(p.search.Text))
	type ruleGroup struct {
		leaves []string
		open   int
	}
	groups := map[validate.Severity]map[string]*ruleGroup{}
	selUID := ""
	for i := range p.all {
		f := &p.all[i]
		if !p.matches(f, view, q) {
			continue
		}
		rg := groups[f.Severity]
		if rg == nil {
			rg = map[string]*ruleGroup{}
			groups[f.Severity] = rg
		}
		g := rg[f.Rule]
		if g == nil {
			g = &ruleGroup{}
			rg[f.Rule] = g
		}
		uid := "f/" + strconv.Itoa(i)
		g.leaves = append(g.leaves, uid)
		if p.exOf[i] == nil {
			g.open++
		}
		p.leaf[uid] = i
		if f.Key == p.selKey && selUID == "" {
			selUID = uid
		}
	}
	for _, sev := range severities {
		rg := groups[sev]
		if len(rg) == 0 {
			continue
		}
		suid := "s/" + string(sev)
		p.children[""] = append(p.children[""], suid)
		total := 0
		var rules []string
		for r := range rg {
			rules = append(rules, r)
		}
		sort.Strings(rules)
		for _, r := range rules {
			g := rg[r]
			ruid := "r/" + string(sev) + "/" + r
			p.children[suid] = append(p.children[suid], ruid)
			p.children[ruid] = g.leaves
			p.text[ruid] = fmt.Sprintf("%s %s (%d)", r, ruleTitle(p.g.zh, r), g.open)
			if n := len(g.leaves) - g.open; n > 0 {
				p.text[ruid] = fmt.Sprintf("%s %s (%d + %s %d)", r, ruleTitle(p.g.zh, r), g.open, tr("例外"), n)
			}
			total += g.open
		}
		p.text[suid] = fmt.Sprintf("%s (%d)", severityTitle(sev), total)
	}
	p.tree.Refresh()
	p.tree.OpenAllBranches()
	p.updateSummary()

	// Keep the selection on the same finding, or clear it when the finding is gone (fixed).
	if p.selKey != "" {
		if selUID != "" {
			p.quiet = true
			p.tree.Select(selUID)
			p.quiet = false
			p.selIdx = p.leaf[selUID]
			p.showFinding(p.selIdx, false)
		} else if !p.present(p.selKey) {
			p.clearSelection()
		} else {
			p.tree.UnselectAll()
		}
	}
}

func (p *valPanel) present(key string) bool {
	for i := range p.all {
		if p.all[i].Key == key {
			return true
		}
	}
	return false
}

func (p *valPanel) clearSelection() {
	p.selKey, p.selIdx = "", -1
	p.tree.UnselectAll()
	p.showDetail(false)
	p.setOverlay(nil)
}

func (p *valPanel) setOverlay(gs []orb.Geometry) {
	p.overlay = gs
	p.g.mv.SetOverlay(gs)
}

func (p *valPanel) updateSummary() {
	if !p.hasRun {
		if !p.cancelled {
			p.summary.SetText(tr("尚未校验"))
		}
		return
	}
	bySev, nex := p.counts()
	s := tr("错误 {{.E}} · 警告 {{.W}} · 提示 {{.I}}", trData{"E": bySev[validate.Error], "W": bySev[validate.Warning], "I": bySev[validate.Info]})
	if nex > 0 {
		s += " · " + tr("例外 {{.N}}", trData{"N": nex})
	}
	p.summary.SetText(s)
}

func (p *valPanel) childUIDs(uid widget.TreeNodeID) []widget.TreeNodeID {
	return p.children[uid]
}

func (p *valPanel) isBranch(uid widget.TreeNodeID) bool {
	return uid == "" || strings.HasPrefix(uid, "s/") || strings.HasPrefix(uid, "r/")
}

func (p *valPanel) createNode(branch bool) fyne.CanvasObject {
	icon := widget.NewIcon(nil)
	label := widget.NewLabel("")
	label.Truncation = fyne.TextTruncateEllipsis
	return container.NewBorder(nil, nil, icon, nil, label)
}

func (p *valPanel) updateNode(uid widget.TreeNodeID, branch bool, o fyne.CanvasObject) {
	c := o.(*fyne.Container)
	var label *widget.Label
	var icon *widget.Icon
	for _, obj := range c.Objects {
		switch x := obj.(type) {
		case *widget.Label:
			label = x
		case *widget.Icon:
			icon = x
		}
	}
	if label == nil || icon == nil {
		return
	}
	label.TextStyle = fyne.TextStyle{}
	label.Importance = widget.MediumImportance
	switch {
	case strings.HasPrefix(uid, "s/"):
		sev := validate.Severity(strings.TrimPrefix(uid, "s/"))
		icon.SetResource(severityIcon(sev))
		label.TextStyle = fyne.TextStyle{Bold: true}
		label.SetText(p.text[uid])
	case strings.HasPrefix(uid, "r/"):
		icon.SetResource(nil)
		label.SetText(p.text[uid])
	default:
		i, ok := p.leaf[uid]
		if !ok || i >= len(p.all) {
			label.SetText("")
			return
		}
		f := &p.all[i]
		if p.exOf[i] != nil {
			icon.SetResource(theme.NewDisabledResource(theme.ConfirmIcon()))
			label.Importance = widget.LowImportance
			label.SetText(tr("[例外] {{.M}} — {{.R}}", trData{"M": p.leafText(f), "R": p.exOf[i].Reason}))
			return
		}
		icon.SetResource(severityIcon(f.Severity))
		label.SetText(p.leafText(f))
	}
}

// leafText puts the block codes first, where a narrow panel still shows them, and drops the
// layer name the message starts with (the detail area below shows the whole message).
func (p *valPanel) leafText(f *validate.Finding) string {
	msg := findingMessage(p.g.zh, f)
	if l, ok := p.doc.Layer(f.Layer); ok {
		name := l.Def.Name
		if !p.g.zh && f.MessageEN != "" && l.Def.NameEN != "" {
			name = l.Def.NameEN
		}
		msg = strings.TrimPrefix(msg, name+" ")
	}
	if len(f.Codes) == 0 || f.Codes[0] == "" {
		return msg
	}
	for _, c := range f.Codes {
		msg = strings.Replace(msg, c, "", 1)
	}
	msg = strings.TrimLeft(msg, " 与、，,")
	if !p.g.zh && f.MessageEN != "" {
		// "T1 and T2 overlap by …" without its codes: drop the joining word and the gap.
		msg = strings.Join(strings.Fields(strings.TrimPrefix(msg, "and ")), " ")
	}
	return strings.Join(f.Codes, "、") + "  " + msg
}

func (p *valPanel) onTreeSelected(uid widget.TreeNodeID) {
	if p.quiet {
		return
	}
	i, ok := p.leaf[uid]
	if !ok {
		return
	}
	p.selectFinding(i)
}

// selectFinding zooms to finding i, selects its blocks and draws its geometry over the map.
func (p *valPanel) selectFinding(i int) {
	if i < 0 || i >= len(p.all) {
		return
	}
	p.selKey, p.selIdx = p.all[i].Key, i
	p.showFinding(i, true)
}

// showFinding fills the detail area and the map highlight; zoom moves the view to it.
func (p *valPanel) showFinding(i int, zoom bool) {
	f := p.all[i]
	refs := p.resolve(f)
	hl := map[string][]int64{}
	var b orb.Bound
	hasB := false
	grow := func(x orb.Bound) {
		if !hasB {
			b, hasB = x, true
		} else {
			b = b.Union(x)
		}
	}
	for _, r := range refs {
		hl[r.table] = append(hl[r.table], r.id)
		if ft, ok := p.doc.Feature(r.table, r.id); ok && len(ft.Geometry) > 0 {
			grow(ft.Geometry.Bound())
		}
	}
	if f.Geometry != nil {
		grow(f.Geometry.Bound())
	}
	if len(refs) > 0 {
		p.g.select_(refs[0].table, refs[0].id, true)
	}
	p.g.mv.Update(func() { p.g.rmap.SetHighlight(hl) })
	if f.Geometry != nil {
		p.setOverlay([]orb.Geometry{f.Geometry})
	} else {
		p.setOverlay(nil)
	}
	if zoom && hasB {
		p.g.mv.ZoomTo(padBound(b))
	}
	p.fillDetail(i, refs)
}

// padBound gives a finding's bound some room: a point or a sliver becomes at least ~2 km.
func padBound(b orb.Bound) orb.Bound {
	const minSpan = 0.02
	c := b.Center()
	w := math.Max(b.Max[0]-b.Min[0], minSpan)
	h := math.Max(b.Max[1]-b.Min[1], minSpan)
	return orb.Bound{Min: orb.Point{c[0] - w*0.75, c[1] - h*0.75}, Max: orb.Point{c[0] + w*0.75, c[1] + h*0.75}}
}

// resolve finds the table of each feature of a finding: the finding's layer first, then the
// other block layers (R03 names an exploration and a mining block), matched by code so that
// equal ids in two tables are not confused.
func (p *valPanel) resolve(f validate.Finding) []featRef {
	var out []featRef
	tables := []string{f.Layer}
	for _, l := range p.doc.Layers() {
		if l.Def.Role == plan.RoleBlock && l.Def.Table != f.Layer {
			tables = append(tables, l.Def.Table)
		}
	}
	for k, id := range f.FeatureIDs {
		code := ""
		if k < len(f.Codes) {
			code = f.Codes[k]
		}
		for _, t := range tables {
			ft, ok := p.doc.Feature(t, id)
			if !ok {
				continue
			}
			if code != "" && strings.TrimSpace(ft.Attrs.String("QKBH")) != strings.TrimSpace(code) {
				continue
			}
			out = append(out, featRef{t, id})
			break
		}
	}
	return out
}

func (p *valPanel) fillDetail(i int, refs []featRef) {
	f := p.all[i]
	p.detailMsg.SetText(fmt.Sprintf("%s %s · %s\n%s", f.Rule, ruleTitle(p.g.zh, f.Rule), severityTitle(f.Severity), findingMessage(p.g.zh, &f)))
	if f.Unit != "" {
		unit := f.Unit
		if !p.g.zh {
			unit = validate.UnitEN(unit)
		}
		p.detailValue.SetText(tr("实测 {{.V}} {{.U}}，限值 {{.L}} {{.U}}", trData{"V": trimFloat(f.Value), "L": trimFloat(f.Limit), "U": unit}))
		p.detailValue.Show()
	} else {
		p.detailValue.Hide()
	}
	var btns []fyne.CanvasObject
	btns = append(btns, widget.NewButtonWithIcon(tr("缩放至"), theme.ZoomFitIcon(), func() { p.showFinding(i, true) }))
	if e := p.exOf[i]; e != nil {
		p.detailEx.SetText(tr("已标记为例外：{{.R}}", trData{"R": e.Reason}))
		p.detailEx.Show()
		btns = append(btns, widget.NewButtonWithIcon(tr("取消例外"), theme.ContentUndoIcon(), func() { p.clearException(i) }))
	} else {
		p.detailEx.Hide()
		btns = append(btns, widget.NewButtonWithIcon(tr("标记例外…"), theme.ConfirmIcon(), func() { p.exceptionDialog(i) }))
	}
	ro, _ := p.doc.ReadOnly()
	for _, fx := range fixesFor(f, refs) {
		fx := fx
		b := widget.NewButtonWithIcon(fx.title, theme.DocumentCreateIcon(), func() { p.runFix(f, refs, fx) })
		if ro {
			b.Disable()
		}
		btns = append(btns, b)
	}
	p.detailBtns.Objects = btns
	p.detailBtns.Refresh()
	p.showDetail(true)
	p.detailScroll.ScrollToTop()
}

// showDetail shows or hides the detail area; hidden, the list has the whole height.
func (p *valPanel) showDetail(on bool) {
	if on {
		p.detailBox.Show()
		p.detailScroll.Show()
	} else {
		p.detailBox.Hide()
		p.detailScroll.Hide()
	}
	p.listSplit.Refresh() // the split lays out again only when refreshed
}

// trimFloat writes a measured value without trailing zeros.
func trimFloat(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// validationMenu is the 校验 menu: run everything again, and the rules.
func (g *gui) validationMenu() *fyne.Menu {
	run := fyne.NewMenuItem(tr("重新校验全部"), func() {
		if g.val != nil {
			g.val.runFull()
		}
	})
	rules := fyne.NewMenuItem(tr("规则设置…"), func() {
		if g.val != nil {
			g.val.rulesDialog()
		}
	})
	return fyne.NewMenu(tr("校验"), run, rules)
}

// dock stacks the attribute panel over the validation panel in the window's right column, as
// JOSM stacks its properties and validator panels.
func (p *valPanel) dock(attrs fyne.CanvasObject) fyne.CanvasObject {
	s := container.NewVSplit(attrs, p.root)
	s.Offset = 0.4
	return s
}
