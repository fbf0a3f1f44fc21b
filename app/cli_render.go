package main

import (
	"context"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"kuanggui/assets"
	"kuanggui/internal/document"
	"kuanggui/internal/render"
)

func init() {
	commands["render"] = command{"render P.gpkg -o OUT.png [--width W --height H --dpi D --bbox minx,miny,maxx,maxy --title T] [--plain]", "把项目绘制为 PNG 地图（标题、图例、比例尺、指北针、示意）", cmdRender}
}

// mapFromDocument loads every layer of d into a renderer, in catalog order, with catalog styles.
func mapFromDocument(d *document.Document) *render.Map {
	m := render.NewMap()
	var order []string
	for _, l := range d.Layers() {
		m.SetLayer(l.Def.Table, l.Features, render.StyleFromPlan(l.Def, d.Catalog()))
		order = append(order, l.Def.Table)
	}
	// The administrative base map goes under everything, as on a printed plan map.
	for i, t := range order {
		if t == "xzq" {
			order = append(append([]string{"xzq"}, order[:i]...), order[i+1:]...)
			break
		}
	}
	m.SetOrder(order)
	return m
}

func parseBBox(s string) (orb.Bound, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return orb.Bound{}, fmt.Errorf("--bbox %q: 应为 minx,miny,maxx,maxy (经纬度)", s)
	}
	var v [4]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return orb.Bound{}, fmt.Errorf("--bbox %q: %q 不是数字", s, p)
		}
		v[i] = f
	}
	if !(v[0] < v[2] && v[1] < v[3] && v[0] >= -180 && v[2] <= 180 && v[1] >= -90 && v[3] <= 90) {
		return orb.Bound{}, fmt.Errorf("--bbox %q: 范围无效", s)
	}
	return orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}, nil
}

func cmdRender(args []string) int {
	fs := flag.NewFlagSet("render", flag.ContinueOnError)
	out := fs.String("o", "", "output PNG")
	width := fs.Int("width", 1600, "image width in pixels")
	height := fs.Int("height", 1000, "image height in pixels")
	bbox := fs.String("bbox", "", "extent minx,miny,maxx,maxy in degrees (default: the whole plan)")
	dpi := fs.Float64("dpi", 96, "resolution the title, legend and scale bar are sized for")
	title := fs.String("title", "", "map title (default: the region's plan map)")
	plain := fs.Bool("plain", false, "the map alone, without title, legend, scale bar and north arrow")
	pos, ok := parseArgs("render", fs, args, 1, 1)
	if !ok {
		return exitUsage
	}
	if *out == "" {
		fail("render", "需要 -o OUT.png")
		return exitUsage
	}
	if !strings.EqualFold(filepath.Ext(*out), ".png") {
		fail("render", "-o %s: 只能输出 PNG，文件名应以 .png 结尾", *out)
		return exitUsage
	}
	if *width < 16 || *height < 16 || *width > 16384 || *height > 16384 {
		fail("render", "--width/--height 应在 16 到 16384 之间")
		return exitUsage
	}
	if *dpi < 24 || *dpi > 1200 {
		fail("render", "--dpi 应在 24 到 1200 之间")
		return exitUsage
	}
	d, ok := openDoc("render", pos[0], true)
	if !ok {
		return exitUsage
	}
	defer d.Close()
	ext, has := d.Extent()
	if *bbox != "" {
		b, err := parseBBox(*bbox)
		if err != nil {
			fail("render", "%v", err)
			return exitUsage
		}
		ext, has = b, true
	}
	if !has {
		ext = orb.Bound{Min: orb.Point{73.5, 34.3}, Max: orb.Point{96.4, 49.2}}
	}
	render.SetLabelFont(assets.CJKFont)
	m := mapFromDocument(d)
	var img *image.RGBA
	var err error
	if *plain {
		img, err = m.Render(context.Background(), render.NewViewport(ext, *width, *height, 10))
	} else {
		t := *title
		if t == "" {
			t = d.Meta().Region + "矿产资源总体规划图"
		}
		opt := render.PosterOptions{Title: t, DPI: *dpi, Legend: legendOf(d), Note: "示意图 · 样例数据，不作为正式规划成果"}
		img, err = m.RenderPoster(context.Background(), render.PosterViewport(ext, *width, *height, opt), opt)
	}
	if err != nil {
		fail("render", "%v", err)
		return exitUsage
	}
	if err := savePNG(*out, img); err != nil {
		fail("render", "%v", err)
		return exitUsage
	}
	fmt.Printf("已绘制 %s (%d×%d)\n", *out, *width, *height)
	return exitOK
}

// savePNG writes to a temporary name and renames, so a failed write leaves no broken picture.
func savePNG(path string, img image.Image) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".kuanggui-*.png")
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	// CreateTemp makes files only the owner can read; a map is for others too.
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := png.Encode(tmp, img); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// legendOf lists the layers that have features, in drawing order, with their catalog styles;
// a layer coloured by mineral lists its commonest minerals, as they are drawn.
func legendOf(d *document.Document) []render.LegendEntry {
	var out []render.LegendEntry
	for _, l := range d.Layers() {
		if len(l.Features) == 0 {
			continue
		}
		st := render.StyleFromPlan(l.Def, d.Catalog())
		if l.Def.Style.ByMineral {
			for i, mc := range mineralsPresent(l, d.Catalog()) {
				if i == 6 {
					break
				}
				out = append(out, render.LegendEntry{Label: l.Def.Name + "·" + mc.name, Fill: mc.colour, Stroke: darker(mc.colour)})
			}
			continue
		}
		out = append(out, render.LegendEntry{Label: l.Def.Name, Fill: st.Fill, Stroke: st.Stroke})
	}
	return out
}
