package main

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"kuanggui/internal/document"
	"kuanggui/internal/render"
)

// mapExport is what File → 导出地图 renders.
type mapExport struct {
	Path          string
	Width, Height int
	DPI           float64
	Title         string
	WholePlan     bool
}

// defaultMapTitle is the region's name and 矿产资源规划图（示意）.
func defaultMapTitle(doc *document.Document) string {
	region := doc.Meta().Region
	if region == "" {
		region = "新疆维吾尔自治区"
	}
	// The 示意 note is drawn under the title; the title itself stays the plan's name.
	return region + "矿产资源规划图"
}

func (g *gui) mapExportDialog() {
	if g.doc == nil {
		return
	}
	path := widget.NewEntry()
	path.SetText(strings.TrimSuffix(g.doc.Path(), filepath.Ext(g.doc.Path())) + "_map.png")
	browse := widget.NewButton(tr("浏览…"), func() {
		fd := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
			if err == nil && w != nil {
				p := w.URI().Path()
				w.Close()
				os.Remove(p) // the dialog created it empty; the render writes it for real
				if !strings.EqualFold(filepath.Ext(p), ".png") {
					p += ".png"
				}
				path.SetText(p)
			}
		}, g.win)
		fd.SetFileName(filepath.Base(path.Text))
		if l, err := storage.ListerForURI(storage.NewFileURI(filepath.Dir(path.Text))); err == nil {
			fd.SetLocation(l)
		}
		fd.Resize(fyne.NewSize(900, 600))
		fd.Show()
	})
	intEntry := func(v int) *widget.Entry {
		e := widget.NewEntry()
		e.SetText(strconv.Itoa(v))
		e.Validator = func(s string) error {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || n < 16 || n > 20000 {
				return errors.New(tr("应为 16 到 20000 之间的整数"))
			}
			return nil
		}
		return e
	}
	width, height := intEntry(3508), intEntry(2480) // A4 landscape at 300 DPI
	dpi := widget.NewSelect([]string{"96", "150", "200", "300"}, nil)
	dpi.SetSelected("300")
	title := widget.NewEntry()
	title.SetText(defaultMapTitle(g.doc))
	current, whole := tr("当前视图"), tr("全图")
	extent := widget.NewRadioGroup([]string{current, whole}, nil)
	extent.Horizontal = true
	extent.SetSelected(current)
	items := []*widget.FormItem{
		widget.NewFormItem(tr("文件"), container.NewBorder(nil, nil, nil, browse, path)),
		widget.NewFormItem(tr("宽度 (像素)"), width),
		widget.NewFormItem(tr("高度 (像素)"), height),
		widget.NewFormItem("DPI", dpi),
		widget.NewFormItem(tr("标题"), title),
		widget.NewFormItem(tr("范围"), extent),
	}
	d := dialog.NewForm(tr("导出地图"), tr("导出"), tr("取消"), items, func(ok bool) {
		if !ok {
			return
		}
		w, _ := strconv.Atoi(strings.TrimSpace(width.Text))
		h, _ := strconv.Atoi(strings.TrimSpace(height.Text))
		dv, _ := strconv.ParseFloat(dpi.Selected, 64)
		g.startMapExport(mapExport{Path: strings.TrimSpace(path.Text), Width: w, Height: h, DPI: dv,
			Title: title.Text, WholePlan: extent.Selected == whole})
	}, g.win)
	d.Resize(fyne.NewSize(620, 420))
	d.Show()
}

func (g *gui) startMapExport(me mapExport) {
	prog := dialog.NewCustomWithoutButtons(tr("导出地图"), container.NewVBox(widget.NewLabel(tr("正在绘制…")), widget.NewProgressBarInfinite()), g.win)
	prog.Show()
	job := g.mapJob(me)
	go func() {
		err := job()
		fyne.Do(func() {
			prog.Hide()
			if err != nil {
				dialog.ShowError(err, g.win)
				return
			}
			g.message(tr("地图已保存：{{.P}}", trData{"P": me.Path}))
		})
	}()
}

// mapJob gathers on the UI goroutine what the poster needs (view, visible layers, legend) and
// returns the work to do off it: render with the screen's rasteriser and save.
func (g *gui) mapJob(me mapExport) func() error {
	if me.Width < 16 || me.Height < 16 || me.Width > 20000 || me.Height > 20000 {
		return func() error { return errors.New(tr("应为 16 到 20000 之间的整数")) }
	}
	if me.Path == "" {
		return func() error { return errors.New(tr("请选择保存位置")) }
	}
	var b orb.Bound
	has := false
	if me.WholePlan {
		b, has = g.doc.Extent()
	} else if v := g.mv.Viewport(); v.Width > 0 {
		b, has = v.Bound(), true
	}
	if !has {
		b = orb.Bound{Min: orb.Point{73.5, 34.3}, Max: orb.Point{96.4, 49.2}}
	}
	// A map of its own: the poster has no selection highlight or finding overlay, and the
	// screen's tile caches stay untouched.
	m := render.NewMap()
	cat := g.doc.Catalog()
	var legend []render.LegendEntry
	for _, l := range g.doc.Layers() {
		st := render.StyleFromPlan(l.Def, cat)
		m.SetLayer(l.Def.Table, l.Features, st)
		on := g.visible[l.Def.Table]
		m.SetVisible(l.Def.Table, on)
		if !on || len(l.Features) == 0 {
			continue
		}
		if l.Def.Style.ByMineral {
			for i, mc := range mineralsPresent(l, cat) {
				if i == 5 { // the most frequent; a legend of every mineral would cover the map
					break
				}
				legend = append(legend, render.LegendEntry{Label: g.layerName(l.Def) + "·" + mc.name, Fill: mc.colour, Stroke: darker(mc.colour)})
			}
			continue
		}
		legend = append(legend, render.LegendEntry{Label: g.layerName(l.Def), Fill: st.Fill, Stroke: st.Stroke})
	}
	m.SetOrder(drawOrder(g.doc.Layers()))
	opt := render.PosterOptions{Title: me.Title, DPI: me.DPI, Legend: legend, Note: "示意"}
	return func() error {
		v := render.PosterViewport(b, me.Width, me.Height, opt)
		img, err := m.RenderPoster(context.Background(), v, opt)
		if err != nil {
			return err
		}
		if img == nil {
			return errors.New(tr("绘制失败"))
		}
		return writePNGAtomic(me.Path, img)
	}
}

// writePNGAtomic writes under a temporary name in the same folder and renames when complete,
// so a failed write never leaves a picture that looks finished.
func writePNGAtomic(path string, img image.Image) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".kuanggui-map-*.png")
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	name := tmp.Name()
	fail := func(err error) error {
		tmp.Close()
		os.Remove(name)
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := png.Encode(tmp, img); err != nil {
		return fail(err)
	}
	if err := tmp.Chmod(0o644); err != nil { // CreateTemp makes 0600; others must read the map
		return fail(err)
	}
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
