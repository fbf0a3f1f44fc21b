package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"kuanggui/app/mapview"
	"kuanggui/assets"
	"kuanggui/internal/document"
	"kuanggui/internal/render"
	"kuanggui/internal/store"
)

// guiOptions are the command-line choices for the editor window.
type guiOptions struct {
	// Screenshot, when set, captures the window to this PNG once the first map frame is drawn,
	// then exits 0.
	Screenshot string
	ReadOnly   bool
}

// processStart is when the process began (from /proc when it can be read), for the start-up
// timing KUANGGUI_TIMING=1 prints.
var processStart = startTime()

func startTime() time.Time {
	now := time.Now()
	stat, err1 := os.ReadFile("/proc/self/stat")
	up, err2 := os.ReadFile("/proc/uptime")
	if err1 != nil || err2 != nil {
		return now
	}
	// Field 22 (starttime, clock ticks since boot) follows the ")" that ends the command name.
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	f := strings.Fields(s[i+1:])
	upf := strings.Fields(string(up))
	if i < 0 || len(f) < 20 || len(upf) < 1 {
		return now
	}
	ticks, err1 := strconv.ParseFloat(f[19], 64)
	uptime, err2 := strconv.ParseFloat(upf[0], 64)
	if err1 != nil || err2 != nil {
		return now
	}
	age := uptime - ticks/100 // USER_HZ is 100 on Linux
	if age < 0 || age > 60 {
		return now
	}
	return now.Add(-time.Duration(age * float64(time.Second)))
}

// runGUI opens the project at path in the editor window and returns the exit status.
func runGUI(path string, opt guiOptions) int {
	timing := os.Getenv("KUANGGUI_TIMING") == "1"
	_ = setupLanguage() // embedded files; TestTranslationsComplete keeps them loadable
	_ = render.SetLabelFont(assets.CJKFont)

	t0 := time.Now()
	doc, err := document.Open(path, document.OpenOptions{ReadOnly: opt.ReadOnly})
	if errors.Is(err, store.ErrLocked) && !opt.ReadOnly {
		// Another window or command is editing it: show it read-only rather than not at all;
		// the title and banner say so and the editing tools stay off.
		fmt.Fprintf(os.Stderr, "kuanggui: %s: %v\nkuanggui: 以只读方式打开 (opening read-only)\n", path, err)
		doc, err = document.Open(path, document.OpenOptions{ReadOnly: true})
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "kuanggui: %s: %v\n", path, err)
		if _, serr := os.Stat(path); serr != nil && path == defaultProject {
			fmt.Fprintln(os.Stderr, "kuanggui: 示例项目不存在，请先运行 make sample (run `make sample` to build the sample project)")
		}
		return exitUsage
	}
	tOpen := time.Since(t0)

	a := app.NewWithID("cn.kuanggui.editor")
	a.Settings().SetTheme(newTheme())
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.IconPNG))
	w := a.NewWindow(tr("矿规编辑器"))
	g := newGUI(a, w)
	g.noViewSave = opt.Screenshot != "" // a screenshot run leaves the project as it was
	g.setDocument(doc)
	w.Resize(fyne.NewSize(1440, 900))

	code := exitOK
	var codeMu sync.Mutex
	first := g.mv.FirstFrameDrawn()
	go func() {
		<-first
		if timing {
			fmt.Fprintf(os.Stderr, "kuanggui: first map frame drawn %d ms after process start (project loaded in %d ms)\n",
				time.Since(processStart).Milliseconds(), tOpen.Milliseconds())
		}
	}()
	if opt.Screenshot != "" {
		go func() {
			select {
			case <-first:
			case <-time.After(50 * time.Second):
				codeMu.Lock()
				code = exitUsage
				codeMu.Unlock()
				fmt.Fprintln(os.Stderr, "kuanggui: --screenshot: no map frame was drawn within 50 s")
				fyne.Do(a.Quit)
				return
			}
			// The painter is drawing the frame now; let it reach the front buffer.
			time.Sleep(250 * time.Millisecond)
			fyne.Do(func() {
				err := writePNG(opt.Screenshot, w)
				codeMu.Lock()
				if err != nil {
					fmt.Fprintf(os.Stderr, "kuanggui: --screenshot: %v\n", err)
					code = exitUsage
				}
				codeMu.Unlock()
				a.Quit()
			})
		}()
	}
	w.SetMaster()
	if timing {
		fmt.Fprintf(os.Stderr, "kuanggui: window built %d ms after process start (runGUI entered at %d ms)\n",
			time.Since(processStart).Milliseconds(), t0.Sub(processStart).Milliseconds())
	}
	w.ShowAndRun()
	g.close()
	codeMu.Lock()
	defer codeMu.Unlock()
	return code
}

func writePNG(path string, w fyne.Window) error {
	img := captureWindow(w)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}

// captureWindow returns the window content as drawn. Mesa under Xvfb reads the GL front
// buffer back as zeros, so when the GL capture is blank the content is painted again by Fyne's
// software painter (the map raster returns its cached frame). That moves the content to
// another canvas: call it only just before the window closes.
func captureWindow(w fyne.Window) image.Image {
	img := w.Canvas().Capture()
	if !blankImage(img) {
		return img
	}
	content := w.Content()
	size := content.Size()
	c := software.NewCanvas()
	c.SetPadded(false)
	c.SetScale(w.Canvas().Scale())
	c.SetContent(content)
	c.Resize(size)
	return c.Capture()
}

// blankImage reports whether every pixel of img is the same colour.
func blankImage(img image.Image) bool {
	b := img.Bounds()
	if b.Empty() {
		return true
	}
	first := img.At(b.Min.X, b.Min.Y)
	r0, g0, b0, a0 := first.RGBA()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bb, a := img.At(x, y).RGBA()
			if r != r0 || g != g0 || bb != b0 || a != a0 {
				return false
			}
		}
	}
	return true
}

// gui is the editor window and its panels.
type gui struct {
	app fyne.App
	win fyne.Window
	zh  bool

	doc        *document.Document
	noViewSave bool // --screenshot: do not write the map view into the project
	rmap       *render.Map
	mv         *mapview.MapView
	visible    map[string]bool

	identify bool
	selTable string
	selID    int64
	selOK    bool

	tips        *tipLayer
	layerBox    *fyne.Container
	layerMinW   *canvas.Rectangle // keeps the layer panel as wide as its longest layer name
	layerChecks map[string]*widget.Check
	layerCounts map[string]*canvas.Text
	legends     map[string]*fyne.Container
	attrHead    *widget.Label
	attrSub     *widget.Label
	attrForm    *fyne.Container
	attrValues  map[string]*widget.Label

	cursorLabel *widget.Label
	gkLabel     *widget.Label
	scaleLabel  *widget.Label
	msgLabel    *widget.Label

	identifyBtn *tipButton
	undoBtn     *tipButton
	redoBtn     *tipButton
	undoItem    *fyne.MenuItem
	redoItem    *fyne.MenuItem
	mainMenu    *fyne.MainMenu
	ed          *editor   // editing tools, form and dialogs (edit_*.go)
	val         *valPanel // validation panel (validation_panel.go)

	afterImport func() // for tests: called on the UI goroutine when an import has ended
}

// newGUI builds the window frame; setDocument fills it.
func newGUI(a fyne.App, w fyne.Window) *gui {
	g := &gui{app: a, win: w, zh: chineseUI(os.Getenv), identify: true, tips: newTipLayer()}
	g.mv = mapview.New(render.NewMap(), emptyBound, false)
	g.mv.OnSelect = g.onSelect
	g.mv.OnCursor = g.onCursor
	g.mv.OnViewChange = func(render.Viewport) { g.updateScale() }

	g.layerBox = container.NewVBox()
	g.layerMinW = canvas.NewRectangle(color.Transparent)
	g.attrHead = widget.NewLabelWithStyle(tr("属性"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	g.attrSub = widget.NewLabel(tr("在地图上点击要素查看其属性"))
	g.attrSub.Wrapping = fyne.TextWrapWord
	g.attrForm = container.New(layout.NewFormLayout())

	g.cursorLabel = widget.NewLabel("")
	g.gkLabel = widget.NewLabel("")
	g.scaleLabel = widget.NewLabel("")
	g.msgLabel = widget.NewLabel(tr("就绪"))
	g.msgLabel.Truncation = fyne.TextTruncateEllipsis

	layersHead := widget.NewLabelWithStyle(tr("图层"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	left := container.NewBorder(container.NewVBox(layersHead, widget.NewSeparator()), nil, nil, nil,
		container.NewVScroll(container.NewPadded(container.NewStack(g.layerMinW, g.layerBox))))
	right := container.NewBorder(container.NewVBox(g.attrHead, g.attrSub, widget.NewSeparator()), nil, nil, nil,
		container.NewVScroll(container.NewPadded(g.attrForm)))

	g.val = newValPanel(g)
	inner := container.NewHSplit(g.mv, g.val.dock(right))
	inner.Offset = 0.72
	outer := container.NewHSplit(left, inner)
	outer.Offset = 0.19

	status := container.NewBorder(nil, nil, nil,
		container.NewHBox(vsep(), fixedWidth(g.cursorLabel, 250), vsep(), fixedWidth(g.gkLabel, 290), vsep(), fixedWidth(g.scaleLabel, 120)),
		g.msgLabel)
	top := container.NewVBox(g.toolbar(), widget.NewSeparator())
	bottom := container.NewVBox(widget.NewSeparator(), status)
	content := container.NewBorder(top, bottom, nil, nil, outer)
	w.SetContent(container.NewStack(content, g.tips.root))
	g.mainMenu = g.menus()
	w.SetMainMenu(g.mainMenu)
	g.shortcuts()
	return g
}

// fixedWidth keeps a status field from jumping as its text changes.
func fixedWidth(o fyne.CanvasObject, w float32) fyne.CanvasObject {
	return container.NewGridWrap(fyne.NewSize(w, o.MinSize().Height), o)
}

func (g *gui) toolbar() fyne.CanvasObject {
	g.identifyBtn = newTipButton(theme.InfoIcon(), tr("识别/选择要素"), g.tips, g.toggleIdentify)
	g.identifyBtn.Importance = widget.HighImportance
	g.undoBtn = newTipButton(theme.ContentUndoIcon(), tr("撤销 (Ctrl+Z)"), g.tips, g.undo)
	g.redoBtn = newTipButton(theme.ContentRedoIcon(), tr("重做 (Ctrl+Shift+Z)"), g.tips, g.redo)
	return container.NewHBox(
		newTipButton(theme.FolderOpenIcon(), tr("打开项目…"), g.tips, g.openDialog),
		vsep(),
		newTipButton(theme.ZoomInIcon(), tr("放大"), g.tips, func() { g.mv.ZoomIn() }),
		newTipButton(theme.ZoomOutIcon(), tr("缩小"), g.tips, func() { g.mv.ZoomOut() }),
		newTipButton(theme.ZoomFitIcon(), tr("全图"), g.tips, func() { g.mv.ZoomToExtent() }),
		vsep(),
		g.identifyBtn,
		vsep(),
		g.undoBtn, g.redoBtn,
		g.editToolbar(),
	)
}

func (g *gui) menus() *fyne.MainMenu {
	open := fyne.NewMenuItem(tr("打开…"), g.openDialog)
	open.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: fyne.KeyModifierShortcutDefault}
	imp := fyne.NewMenuItem(tr("导入 Shapefile…"), g.importDialog)
	quit := fyne.NewMenuItem(tr("退出"), func() { g.app.Quit() })
	quit.IsQuit = true
	g.undoItem = fyne.NewMenuItem(tr("撤销"), g.undo)
	g.undoItem.Shortcut = &fyne.ShortcutUndo{}
	g.redoItem = fyne.NewMenuItem(tr("重做"), g.redo)
	g.redoItem.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyZ, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	full := fyne.NewMenuItem(tr("全图"), func() { g.mv.ZoomToExtent() })
	in := fyne.NewMenuItem(tr("放大"), func() { g.mv.ZoomIn() })
	out := fyne.NewMenuItem(tr("缩小"), func() { g.mv.ZoomOut() })
	about := fyne.NewMenuItem(tr("关于"), g.about)
	return fyne.NewMainMenu(
		fyne.NewMenu(tr("文件"), append(append([]*fyne.MenuItem{open, imp}, g.exportMenuItems()...), fyne.NewMenuItemSeparator(), quit)...),
		fyne.NewMenu(tr("编辑"), g.undoItem, g.redoItem),
		fyne.NewMenu(tr("视图"), full, in, out, fyne.NewMenuItemSeparator(), g.statsMenuItem()),
		g.validationMenu(),
		fyne.NewMenu(tr("帮助"), about),
	)
}

// shortcuts adds what the menus cannot carry: Ctrl+Y as a second redo key.
func (g *gui) shortcuts() {
	c := g.win.Canvas()
	c.AddShortcut(&fyne.ShortcutRedo{}, func(fyne.Shortcut) { g.redo() })
	c.AddShortcut(&fyne.ShortcutUndo{}, func(fyne.Shortcut) { g.undo() })
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyZ, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift},
		func(fyne.Shortcut) { g.redo() })
	g.editShortcuts()
}

func (g *gui) about() {
	dialog.ShowInformation(tr("关于"), tr("矿规编辑器\n新疆矿产资源总体规划 规划区块编辑与审查\n项目文件为 GeoPackage (EPSG:4490)"), g.win)
}

// setDocument shows doc, replacing (and closing) the open one.
func (g *gui) setDocument(doc *document.Document) {
	old := g.doc
	if old != nil && old != doc {
		g.saveView()
	}
	g.doc = doc
	g.selOK = false
	g.visible = map[string]bool{}
	m := render.NewMap()
	cat := doc.Catalog()
	for _, l := range doc.Layers() {
		m.SetLayer(l.Def.Table, l.Features, render.StyleFromPlan(l.Def, cat))
		g.visible[l.Def.Table] = true
	}
	m.SetOrder(drawOrder(doc.Layers()))
	g.rmap = m
	ext, ok := doc.Extent()
	g.mv.SetSource(m, ext, ok)
	g.restoreView(doc, ext, ok)
	doc.OnChange(func(e document.Event) {
		fyne.Do(func() {
			if g.doc == doc {
				g.onDocChange(e)
			}
		})
	})
	g.updateTitle()
	g.buildLayerPanel()
	g.showAttributes()
	g.updateUndo()
	g.editSetDocument(doc)
	g.val.setDocument(doc)
	if old != nil && old != doc {
		old.Close()
	}
	g.message(tr("已打开 {{.Path}}", trData{"Path": doc.Path()}))
}

// groupRank orders the layer groups on the map, bottom first: the base map under the
// constraints, the zones over them and the blocks on top, so that a tap, which hits the
// topmost feature, finds the block and not the county around it.
var groupRank = map[string]int{"base": 0, "constraints": 1, "zones": 2, "blocks": 3}

// drawOrder lists the tables bottom to top; within a group the catalog order is kept.
func drawOrder(layers []*document.Layer) []string {
	ls := append([]*document.Layer(nil), layers...)
	sort.SliceStable(ls, func(i, j int) bool { return groupRank[ls[i].Def.Group] < groupRank[ls[j].Def.Group] })
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.Def.Table
	}
	return out
}

func (g *gui) close() {
	if g.doc != nil {
		g.saveView()
		g.doc.Close()
	}
}

// viewSetting is the project setting that keeps the map view, so that a project reopens where
// the planner left it rather than at the whole of Xinjiang.
const viewSetting = "view"

// savedView is the stored map view. Scale and size are in device pixels: the view comes back
// the same on the same screen.
type savedView struct {
	Lon    float64 `json:"lon"`
	Lat    float64 `json:"lat"`
	Scale  float64 `json:"scale"` // degrees of latitude per pixel
	Width  int     `json:"width"` // map size in pixels when stored
	Height int     `json:"height"`
}

// saveView stores the map view in the project's settings; a read-only project, or a map never
// laid out, stores nothing.
func (g *gui) saveView() {
	if g.doc == nil || g.noViewSave {
		return
	}
	if ro, _ := g.doc.ReadOnly(); ro {
		return
	}
	v := g.mv.Viewport()
	if v.Width <= 0 || v.Height <= 0 || !(v.Scale > 0) {
		return
	}
	data, err := json.Marshal(savedView{Lon: v.CenterX, Lat: v.CenterY, Scale: v.Scale, Width: v.Width, Height: v.Height})
	if err == nil {
		err = g.doc.Store().Update(func(tx *store.Tx) error { return tx.PutSetting(viewSetting, data) })
	}
	if err != nil {
		// Losing the view is no reason to stop a close; say it on the console.
		fmt.Fprintf(os.Stderr, "kuanggui: 未能保存地图视图 / could not store the map view: %v\n", err)
	}
}

// restoreView shows the view stored in doc, if there is one, it is sane and it shows some of
// the data (ext); otherwise the map keeps the full extent SetSource fitted.
func (g *gui) restoreView(doc *document.Document, ext orb.Bound, hasExt bool) {
	if !hasExt {
		return
	}
	data, ok, err := doc.Store().Setting(viewSetting)
	if err != nil || !ok {
		return
	}
	var sv savedView
	if json.Unmarshal(data, &sv) != nil {
		return
	}
	if !finiteAll(sv.Lon, sv.Lat, sv.Scale) || sv.Scale <= 0 || sv.Scale > 1 ||
		sv.Width <= 0 || sv.Height <= 0 || sv.Width > 1e5 || sv.Height > 1e5 {
		return
	}
	v := render.Viewport{CenterX: sv.Lon, CenterY: sv.Lat, Scale: sv.Scale, Width: sv.Width, Height: sv.Height,
		Lat0: (ext.Min[1] + ext.Max[1]) / 2}
	if !v.Bound().Intersects(ext) {
		return
	}
	g.mv.SetViewport(v)
}

func finiteAll(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

func (g *gui) updateTitle() {
	title := tr("矿规编辑器") + " — " + g.doc.Name()
	if ro, _ := g.doc.ReadOnly(); ro {
		title += " [" + tr("只读") + "]"
	}
	g.win.SetTitle(title)
}

// onDocChange brings the map and panels up to date after an edit, undo, redo or import.
func (g *gui) onDocChange(e document.Event) {
	newLayer := false
	g.mv.Update(func() {
		if e.Kind == document.Imported {
			for _, t := range e.Tables {
				l, ok := g.doc.Layer(t)
				if !ok {
					continue
				}
				g.rmap.SetLayer(t, l.Features, render.StyleFromPlan(l.Def, g.doc.Catalog()))
				if _, seen := g.visible[t]; !seen {
					g.visible[t] = true
					newLayer = true
				}
			}
			if newLayer {
				g.rmap.SetOrder(drawOrder(g.doc.Layers()))
			}
			return
		}
		for _, ch := range e.Command.Changes {
			if ch.After == nil {
				if ch.Before != nil {
					g.rmap.RemoveFeature(ch.Layer, ch.Before.ID)
				}
				continue
			}
			g.rmap.UpdateFeature(ch.Layer, *ch.After)
		}
	})
	if newLayer {
		g.buildLayerPanel()
	} else {
		for _, t := range e.Tables {
			g.updateLayerRow(t)
		}
	}
	if g.selOK {
		if _, ok := g.doc.Feature(g.selTable, g.selID); !ok {
			g.select_("", 0, false)
		} else {
			g.showAttributes()
		}
	}
	g.updateUndo()
	g.val.docChanged(e)
	g.editDocChanged(e)
}

func (g *gui) updateUndo() {
	ro, _ := g.doc.ReadOnly()
	ul, canU := g.doc.CanUndo()
	rl, canR := g.doc.CanRedo()
	setEnabled := func(b *tipButton, on bool) {
		if on {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	setEnabled(g.undoBtn, canU && !ro)
	setEnabled(g.redoBtn, canR && !ro)
	g.undoBtn.tip = tr("撤销 (Ctrl+Z)")
	if canU {
		g.undoBtn.tip += "：" + ul
	}
	g.redoBtn.tip = tr("重做 (Ctrl+Shift+Z)")
	if canR {
		g.redoBtn.tip += "：" + rl
	}
	g.undoItem.Disabled = !canU || ro
	g.redoItem.Disabled = !canR || ro
	g.mainMenu.Refresh()
}

func (g *gui) undo() {
	label, ok, err := g.doc.Undo()
	switch {
	case err != nil:
		dialog.ShowError(err, g.win)
	case ok:
		g.message(tr("已撤销：{{.L}}", trData{"L": label}))
	default:
		g.message(tr("没有可撤销的操作"))
	}
}

func (g *gui) redo() {
	label, ok, err := g.doc.Redo()
	switch {
	case err != nil:
		dialog.ShowError(err, g.win)
	case ok:
		g.message(tr("已重做：{{.L}}", trData{"L": label}))
	default:
		g.message(tr("没有可重做的操作"))
	}
}

func (g *gui) toggleIdentify() {
	g.identify = !g.identify
	if g.identify {
		g.identifyBtn.Importance = widget.HighImportance
		g.message(tr("识别：在地图上点击要素"))
	} else {
		g.identifyBtn.Importance = widget.LowImportance
		g.select_("", 0, false)
		g.message(tr("就绪"))
	}
	g.identifyBtn.Refresh()
}

func (g *gui) onSelect(table string, id int64, ok bool) {
	if !g.identify {
		return
	}
	g.select_(table, id, ok)
}

// select_ makes (table, id) the selected feature: highlighted on the map, its attributes shown.
func (g *gui) select_(table string, id int64, ok bool) {
	g.selTable, g.selID, g.selOK = table, id, ok
	hl := map[string][]int64{}
	if ok {
		hl[table] = []int64{id}
	}
	g.mv.Update(func() { g.rmap.SetHighlight(hl) })
	g.showAttributes()
}

func (g *gui) message(s string) {
	g.msgLabel.SetText(s)
}

// setVisible shows or hides a layer.
func (g *gui) setVisible(table string, on bool) {
	if g.visible[table] == on {
		return
	}
	g.visible[table] = on
	g.mv.Update(func() { g.rmap.SetVisible(table, on) })
}

func (g *gui) onCursor(lon, lat float64, inside bool) {
	if !inside {
		g.cursorLabel.SetText("")
		g.gkLabel.SetText("")
		return
	}
	dms, gk := formatCursor(lon, lat)
	g.cursorLabel.SetText(dms)
	g.gkLabel.SetText(gk)
}

func (g *gui) updateScale() {
	v := g.mv.Viewport()
	if v.Width <= 0 {
		return
	}
	g.scaleLabel.SetText(formatScale(v.MetresPerPixel(), g.mv.PixelScale()))
}
