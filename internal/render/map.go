package render

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"

	"kuanggui/internal/plan"
)

// tileSize is the edge of a cached tile in pixels. Tiles are what makes panning cheap: a pan
// reuses every tile still on screen and renders only the tiles that come into view.
const tileSize = 256

// maxViewPixels bounds a render request (a 16k×16k poster at most).
const maxViewPixels = 16384 * 16384

// keepTiles is how many tiles beyond the view, on each side, stay cached after a render, so
// that panning back and forth does not re-render.
const keepTiles = 2

// maxCachedTiles bounds the memory of the caches (256 KiB a tile: 192 MiB). Beyond it, layer
// tiles off screen go first; composites, which pans need, stay.
const maxCachedTiles = 768

type tkey struct{ i, j int }

// feat is one feature as the renderer keeps it: its geometry, bound and resolved fill.
type feat struct {
	id    int64
	alive bool
	geom  orb.MultiPolygon
	bound orb.Bound
	fill  color.NRGBA
	label string
	area  float64 // bound area, deg², label priority
	// fillRatio is the polygon's area over its bound's, for features drawn as marks.
	fillRatio float64
	lp        orb.Point
	lpOK      bool // lp computed
	lpHas     bool // a label point exists
}

type layer struct {
	table   string
	style   LayerStyle
	visible bool
	feats   []feat
	byID    map[int64]int32
	idx     *grid
	// tiles of the current tile grid; a nil image means "rendered, nothing there".
	tiles map[tkey]*image.RGBA
}

// tileGrid places tiles in world pixels of one scale. The anchor is the view origin when the
// grid was made, so integer pans stay pixel-exact; a fractional pan is drawn up to half a
// pixel off and catches up at the next zoom.
type tileGrid struct {
	valid        bool
	scale, lat0  float64
	a, b, ax, ay float64
}

// Map is the renderer: layers in draw order, a spatial index per layer, and per-layer tile
// caches composited into a cached image per tile. All methods are safe for concurrent use.
// HitTest runs alongside a Render; edits (SetLayer, UpdateFeature, …) wait for a running
// Render to finish, so cancel a long one first.
type Map struct {
	// data guards the layers, order, styles, highlight and overlay; cache guards the tiles,
	// the tile grid and the label cache. Lock order: data, then cache.
	data       sync.RWMutex
	cache      sync.Mutex
	layers     map[string]*layer
	order      []string
	background color.NRGBA
	highlight  map[string][]int64
	overlay    []orb.Geometry

	grid     tileGrid
	comp     map[tkey]*image.RGBA
	painters []*painter

	// Prefetch: after a render, a goroutine renders the ring of tiles around the view, one
	// tile per lock, so that the next pan finds them cached.
	last        frame
	lastOK      bool // last is a frame of the current grid
	prefetching bool
	bg          painter
	waiting     atomic.Int32  // renders waiting for the cache lock
	pool        []*image.RGBA // spare tile images
	labels      labelCache
}

// Highlight and overlay styles.
var (
	highlightFill   = color.NRGBA{0x00, 0xe5, 0xff, 0x50}
	highlightStroke = color.NRGBA{0x00, 0xb8, 0xd4, 0xff}
	overlayFill     = color.NRGBA{0xff, 0x00, 0x00, 0x40}
	overlayStroke   = color.NRGBA{0xe0, 0x00, 0x00, 0xff}
)

// NewMap returns an empty renderer with a white background.
func NewMap() *Map {
	n := runtime.GOMAXPROCS(0)
	if n > 4 {
		n = 4
	}
	m := &Map{
		layers:     map[string]*layer{},
		background: color.NRGBA{0xff, 0xff, 0xff, 0xff},
		comp:       map[tkey]*image.RGBA{},
	}
	for i := 0; i < n; i++ {
		m.painters = append(m.painters, &painter{})
	}
	return m
}

// SetBackground sets the colour under all layers (transparent is allowed).
func (m *Map) SetBackground(c color.NRGBA) {
	m.data.Lock()
	defer m.data.Unlock()
	m.cache.Lock()
	defer m.cache.Unlock()
	if c != m.background {
		m.background = c
		m.dropComposite()
	}
}

// SetLayer replaces a layer's features and style, rebuilds its index and drops its cache. A
// new table goes on top of the draw order, visible.
func (m *Map) SetLayer(table string, features []plan.Feature, style LayerStyle) {
	m.data.Lock()
	defer m.data.Unlock()
	m.cache.Lock()
	defer m.cache.Unlock()
	l := m.layers[table]
	if l == nil {
		l = &layer{table: table, visible: true}
		m.layers[table] = l
		if !slices.Contains(m.order, table) { // SetOrder may have named it already
			m.order = append(m.order, table)
		}
	}
	l.style = style
	l.feats = make([]feat, 0, len(features))
	l.byID = make(map[int64]int32, len(features))
	ext := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for _, f := range features {
		ft, ok := l.makeFeat(f)
		if !ok {
			continue
		}
		if old, dup := l.byID[f.ID]; dup && f.ID != 0 {
			l.feats[old].alive = false
		}
		l.byID[f.ID] = int32(len(l.feats))
		l.feats = append(l.feats, ft)
		ext = ext.Union(ft.bound)
	}
	if len(l.feats) == 0 {
		ext = orb.Bound{Min: orb.Point{73, 34}, Max: orb.Point{97, 50}}
	}
	l.idx = newGrid(ext, len(l.feats))
	for i := range l.feats {
		if l.feats[i].alive {
			l.idx.insert(int32(i), l.feats[i].bound)
		}
	}
	m.releaseTiles(l.tiles)
	l.tiles = map[tkey]*image.RGBA{}
	m.dropComposite()
}

// makeFeat resolves what drawing needs of f; features without a usable geometry are skipped
// (they cannot be drawn or clicked).
func (l *layer) makeFeat(f plan.Feature) (feat, bool) {
	if len(f.Geometry) == 0 {
		return feat{}, false
	}
	b := f.Geometry.Bound()
	if !finiteBound(b) {
		return feat{}, false
	}
	ft := feat{id: f.ID, alive: true, geom: f.Geometry, bound: b, fill: l.style.Fill}
	if l.style.FillByValue != nil {
		if c, ok := l.style.FillByValue(f.Attrs); ok {
			ft.fill = c
		}
	}
	if l.style.LabelField != "" {
		ft.label = f.Attrs.String(l.style.LabelField)
	}
	ft.area = (b.Max[0] - b.Min[0]) * (b.Max[1] - b.Min[1])
	ft.fillRatio = 1
	if ft.area > 0 {
		pa := 0.0
		for _, p := range f.Geometry {
			for i, r := range p {
				if i == 0 {
					pa += math.Abs(ringArea(r))
				} else {
					pa -= math.Abs(ringArea(r))
				}
			}
		}
		ft.fillRatio = math.Max(0.05, math.Min(1, pa/ft.area))
	}
	return ft, true
}

// UpdateFeature adds f to table or replaces the feature with f's ID. Only that feature is
// re-indexed and only the cached tiles under its old and new extent are re-rendered.
func (m *Map) UpdateFeature(table string, f plan.Feature) {
	m.data.Lock()
	defer m.data.Unlock()
	m.cache.Lock()
	defer m.cache.Unlock()
	l := m.layers[table]
	if l == nil {
		l = &layer{table: table, visible: true, byID: map[int64]int32{}, tiles: map[tkey]*image.RGBA{},
			style: LayerStyle{Stroke: fallbackColour, StrokeWidth: 1}}
		l.idx = newGrid(orb.Bound{Min: orb.Point{73, 34}, Max: orb.Point{97, 50}}, 1)
		m.layers[table] = l
		if !slices.Contains(m.order, table) { // SetOrder may have named it already
			m.order = append(m.order, table)
		}
	}
	ft, ok := l.makeFeat(f)
	slot, exists := l.byID[f.ID]
	if exists {
		old := &l.feats[slot]
		m.invalidate(l, old.bound)
		l.idx.remove(slot, old.bound)
		if !ok {
			old.alive = false
			old.geom = nil
			delete(l.byID, f.ID)
			return
		}
		*old = ft
	} else {
		if !ok {
			return
		}
		slot = int32(len(l.feats))
		l.feats = append(l.feats, ft)
		l.byID[f.ID] = slot
	}
	l.idx.insert(slot, ft.bound)
	m.invalidate(l, ft.bound)
}

// RemoveFeature deletes a feature; unknown tables and IDs are ignored.
func (m *Map) RemoveFeature(table string, id int64) {
	m.data.Lock()
	defer m.data.Unlock()
	m.cache.Lock()
	defer m.cache.Unlock()
	l := m.layers[table]
	if l == nil {
		return
	}
	slot, ok := l.byID[id]
	if !ok {
		return
	}
	f := &l.feats[slot]
	l.idx.remove(slot, f.bound)
	m.invalidate(l, f.bound)
	f.alive, f.geom = false, nil
	delete(l.byID, id)
}

// SetOrder sets the draw order, bottom to top. Tables not named keep their relative order
// above the named ones; names of unknown tables are kept for when they are set.
func (m *Map) SetOrder(tables []string) {
	m.data.Lock()
	defer m.data.Unlock()
	m.cache.Lock()
	defer m.cache.Unlock()
	var order []string
	seen := map[string]bool{}
	for _, t := range tables {
		if !seen[t] {
			seen[t] = true
			order = append(order, t)
		}
	}
	for _, t := range m.order {
		if !seen[t] {
			seen[t] = true
			order = append(order, t)
		}
	}
	if !slices.Equal(order, m.order) {
		m.order = order
		m.dropComposite()
	}
}

// SetVisible shows or hides a layer; its cache is kept, so showing it again is cheap.
func (m *Map) SetVisible(table string, on bool) {
	m.data.Lock()
	defer m.data.Unlock()
	m.cache.Lock()
	defer m.cache.Unlock()
	if l := m.layers[table]; l != nil && l.visible != on {
		l.visible = on
		m.dropComposite()
	}
}

// SetHighlight sets the selected features, drawn on top in the highlight style, by table.
func (m *Map) SetHighlight(ids map[string][]int64) {
	m.data.Lock()
	defer m.data.Unlock()
	m.highlight = make(map[string][]int64, len(ids))
	for t, s := range ids {
		m.highlight[t] = slices.Clone(s)
	}
}

// SetOverlay sets geometries drawn on top in red (validation findings): polygons, lines and
// points of any orb type.
func (m *Map) SetOverlay(geoms []orb.Geometry) {
	m.data.Lock()
	defer m.data.Unlock()
	m.overlay = slices.Clone(geoms)
}

func (m *Map) dropComposite() {
	m.releaseTiles(m.comp)
	m.comp = map[tkey]*image.RGBA{}
}

func (m *Map) releaseTiles(t map[tkey]*image.RGBA) {
	for _, img := range t {
		m.putTile(img)
	}
}

// putTile keeps a spare tile image for reuse, up to a bound (48 MiB, about what a full
// redraw of a few layers at 1600×1000 needs, so a zoom reuses the previous scale's tiles).
func (m *Map) putTile(img *image.RGBA) {
	if img != nil && len(m.pool) < 192 {
		m.pool = append(m.pool, img)
	}
}

func (m *Map) newTile() *image.RGBA {
	if n := len(m.pool); n > 0 {
		img := m.pool[n-1]
		m.pool = m.pool[:n-1]
		clear(img.Pix)
		return img
	}
	return image.NewRGBA(image.Rect(0, 0, tileSize, tileSize))
}

// strokePad is how far a layer's drawing reaches beyond its features' bounds, in pixels.
func strokePad(st LayerStyle) float64 { return st.StrokeWidth/2 + 2 }

// invalidate drops the cached tiles of l (and the composite) that a map bound touches.
func (m *Map) invalidate(l *layer, b orb.Bound) {
	if !m.grid.valid {
		return
	}
	g := m.grid
	pad := strokePad(l.style)
	x0, y0 := b.Min[0]*g.a-g.ax-pad, -b.Max[1]*g.b-g.ay-pad
	x1, y1 := b.Max[0]*g.a-g.ax+pad, -b.Min[1]*g.b-g.ay+pad
	i0, i1 := int(math.Floor(clampF(x0)/tileSize)), int(math.Floor(clampF(x1)/tileSize))
	j0, j1 := int(math.Floor(clampF(y0)/tileSize)), int(math.Floor(clampF(y1)/tileSize))
	drop := func(t map[tkey]*image.RGBA) {
		if (i1-i0+1)*(j1-j0+1) > len(t) {
			for k, img := range t {
				if k.i >= i0 && k.i <= i1 && k.j >= j0 && k.j <= j1 {
					m.putTile(img)
					delete(t, k)
				}
			}
			return
		}
		for j := j0; j <= j1; j++ {
			for i := i0; i <= i1; i++ {
				k := tkey{i, j}
				if img, ok := t[k]; ok {
					m.putTile(img)
					delete(t, k)
				}
			}
		}
	}
	drop(l.tiles)
	drop(m.comp)
}

// visibleLayers returns the visible layers bottom to top.
func (m *Map) visibleLayers() []*layer {
	var out []*layer
	for _, t := range m.order {
		if l := m.layers[t]; l != nil && l.visible {
			out = append(out, l)
		}
	}
	return out
}

// frame is the pixel geometry of one render: the tile grid, the snapped view origin and the
// tiles it covers.
type frame struct {
	v              Viewport
	ox, oy         int // view origin relative to the grid anchor, pixels
	i0, j0, i1, j1 int
}

func (m *Map) setupFrame(v Viewport) (frame, error) {
	if v.Width <= 0 || v.Height <= 0 || int64(v.Width)*int64(v.Height) > maxViewPixels {
		return frame{}, fmt.Errorf("render: view size %d×%d: want 1 to 16384 pixels each way", v.Width, v.Height)
	}
	for _, f := range []float64{v.CenterX, v.CenterY, v.Scale, v.Lat0} {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return frame{}, errors.New("render: viewport has a NaN or infinite value; fit the view again")
		}
	}
	s := v.scale()
	a, b := v.kx()/s, 1/s
	vx := v.CenterX*a - float64(v.Width)/2
	vy := -v.CenterY*b - float64(v.Height)/2
	if !m.grid.valid || m.grid.scale != s || m.grid.lat0 != v.Lat0 || math.Abs(vx-m.grid.ax) > 1e9 || math.Abs(vy-m.grid.ay) > 1e9 {
		m.grid = tileGrid{valid: true, scale: s, lat0: v.Lat0, a: a, b: b, ax: vx, ay: vy}
		m.lastOK = false
		for _, l := range m.layers {
			m.releaseTiles(l.tiles)
			l.tiles = map[tkey]*image.RGBA{}
		}
		m.dropComposite()
	}
	f := frame{v: v, ox: int(math.Round(vx - m.grid.ax)), oy: int(math.Round(vy - m.grid.ay))}
	f.i0, f.i1 = floorDiv(f.ox, tileSize), floorDiv(f.ox+v.Width-1, tileSize)
	f.j0, f.j1 = floorDiv(f.oy, tileSize), floorDiv(f.oy+v.Height-1, tileSize)
	return f, nil
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// viewXform maps lon/lat to the pixels of the output image, consistent with the tiles.
func (m *Map) viewXform(f frame) xform {
	g := m.grid
	return xform{a: g.a, b: g.b, ox: g.ax + float64(f.ox), oy: g.ay + float64(f.oy)}
}

func (m *Map) tileXform(k tkey) xform {
	g := m.grid
	return xform{a: g.a, b: g.b, ox: g.ax + float64(k.i*tileSize), oy: g.ay + float64(k.j*tileSize)}
}

// parallel runs n jobs on the map's painters, stopping early when ctx is cancelled.
func (m *Map) parallel(ctx context.Context, n int, job func(pt *painter, i int)) error {
	if n == 0 {
		return ctx.Err()
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	workers := min(len(m.painters), n)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(pt *painter) {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				job(pt, i)
			}
		}(m.painters[w])
	}
	wg.Wait()
	return ctx.Err()
}

// Render draws all visible layers, the highlight, the overlay and the labels for v. Tiles
// already rendered at v's scale are reused; after a pan only the newly exposed tiles are
// drawn. The image is the caller's. A cancelled ctx returns ctx.Err() (tiles finished so far
// stay cached).
func (m *Map) Render(ctx context.Context, v Viewport) (*image.RGBA, error) {
	if v.Width <= 0 || v.Height <= 0 || int64(v.Width)*int64(v.Height) > maxViewPixels {
		return nil, fmt.Errorf("render: view size %d×%d: want 1 to 16384 pixels each way", v.Width, v.Height)
	}
	img := image.NewRGBA(image.Rect(0, 0, v.Width, v.Height))
	if err := m.RenderInto(ctx, v, img); err != nil {
		return nil, err
	}
	return img, nil
}

// RenderInto is Render drawing into dst, which must be v.Width×v.Height with its origin at
// (0,0); every pixel is overwritten. It lets a caller reuse two images (one shown, one being
// drawn) instead of allocating 6 MB a frame, which also spares the garbage collector.
func (m *Map) RenderInto(ctx context.Context, v Viewport, dst *image.RGBA) error {
	if dst == nil || dst.Rect != image.Rect(0, 0, v.Width, v.Height) {
		return fmt.Errorf("render: destination image must be %d×%d at (0,0)", v.Width, v.Height)
	}
	m.waiting.Add(1)
	m.data.RLock()
	defer m.data.RUnlock()
	m.cache.Lock()
	defer m.cache.Unlock()
	m.waiting.Add(-1)
	f, err := m.setupFrame(v)
	if err != nil {
		return err
	}
	if err := m.renderTiles(ctx, f); err != nil {
		return err
	}
	for j := f.j0; j <= f.j1; j++ {
		for i := f.i0; i <= f.i1; i++ {
			t := m.comp[tkey{i, j}]
			at := image.Pt(i*tileSize-f.ox, j*tileSize-f.oy)
			copyInto(dst, t, at)
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	m.drawOnTop(dst, f)
	m.evict(f)
	m.last, m.lastOK = f, true
	if prefetchOn && !m.prefetching && len(m.ringMissing(f)) > 0 {
		m.prefetching = true
		go m.prefetch()
	}
	return nil
}

// ringMissing lists the tiles of the ring around f that have no composite yet.
func (m *Map) ringMissing(f frame) []tkey {
	var out []tkey
	for j := f.j0 - 1; j <= f.j1+1; j++ {
		for i := f.i0 - 1; i <= f.i1+1; i++ {
			if i >= f.i0 && i <= f.i1 && j >= f.j0 && j <= f.j1 {
				continue
			}
			if _, ok := m.comp[tkey{i, j}]; !ok {
				out = append(out, tkey{i, j})
			}
		}
	}
	return out
}

// prefetch renders the missing ring tiles of the latest frame, one tile per hold of the
// lock, so a Render waits for at most one tile. It follows the view as it moves and stops
// when the ring is complete.
func (m *Map) prefetch() {
	for {
		m.data.RLock()
		m.cache.Lock()
		var miss []tkey
		if m.lastOK {
			miss = m.ringMissing(m.last)
		}
		if len(miss) == 0 {
			m.prefetching = false
			m.cache.Unlock()
			m.data.RUnlock()
			return
		}
		// One layer tile, or the composite, per hold of the lock.
		k := miss[0]
		vis := m.visibleLayers()
		done := true
		for _, l := range vis {
			if _, ok := l.tiles[k]; !ok {
				img := m.newTile()
				m.bg.abort, m.bg.aborted = &m.waiting, false
				drew := m.bg.renderLayerTile(img, m.tileXform(k), l)
				if m.bg.aborted { // a Render is waiting: give way, redo the tile later
					m.putTile(img)
				} else if drew {
					l.tiles[k] = img
				} else {
					l.tiles[k] = nil
					m.putTile(img)
				}
				done = false
				break
			}
		}
		if done {
			c := m.newTile()
			m.composeTile(c, k, vis)
			m.comp[k] = c
		}
		m.cache.Unlock()
		m.data.RUnlock()
	}
}

// composeTile fills c with the background and the visible layers' tiles at k.
func (m *Map) composeTile(c *image.RGBA, k tkey, vis []*layer) {
	if bg := m.background; bg.A != 0 {
		r, g, b, a := premul(bg)
		p := c.Pix
		for o := 0; o < len(p); o += 4 {
			p[o], p[o+1], p[o+2], p[o+3] = byte(r), byte(g), byte(b), byte(a)
		}
	}
	for _, l := range vis {
		if t := l.tiles[k]; t != nil {
			over(c, t)
		}
	}
}

// renderTiles makes sure every tile of f has its layer tiles and its composite.
func (m *Map) renderTiles(ctx context.Context, f frame) error {
	vis := m.visibleLayers()
	type job struct {
		l *layer
		k tkey
	}
	var jobs []job
	var comps []tkey
	for j := f.j0; j <= f.j1; j++ {
		for i := f.i0; i <= f.i1; i++ {
			k := tkey{i, j}
			if _, ok := m.comp[k]; ok {
				continue
			}
			comps = append(comps, k)
			for _, l := range vis {
				if _, ok := l.tiles[k]; !ok {
					jobs = append(jobs, job{l, k})
				}
			}
		}
	}
	// Tile images are taken from the pool here, on one goroutine.
	imgs := make([]*image.RGBA, len(jobs))
	for i := range imgs {
		imgs[i] = m.newTile()
	}
	used := make([]bool, len(jobs))
	ran := make([]bool, len(jobs))
	err := m.parallel(ctx, len(jobs), func(pt *painter, i int) {
		used[i] = pt.renderLayerTile(imgs[i], m.tileXform(jobs[i].k), jobs[i].l)
		ran[i] = true
	})
	for i, jb := range jobs {
		switch {
		case used[i]:
			jb.l.tiles[jb.k] = imgs[i]
		case ran[i]:
			jb.l.tiles[jb.k] = nil // known empty
			m.putTile(imgs[i])
		default: // skipped by cancellation: not cached
			m.putTile(imgs[i])
		}
	}
	if err != nil {
		return err
	}
	cimgs := make([]*image.RGBA, len(comps))
	for i := range cimgs {
		cimgs[i] = m.newTile()
	}
	err = m.parallel(ctx, len(comps), func(_ *painter, i int) {
		m.composeTile(cimgs[i], comps[i], vis)
	})
	if err != nil {
		for _, c := range cimgs {
			m.putTile(c)
		}
		return err
	}
	for i, k := range comps {
		m.comp[k] = cimgs[i]
	}
	return nil
}

// renderLayerTile draws l into a cleared tile; it reports false when nothing was there, so
// the tile is cached as empty (nil) and the image goes back to the pool.
func (pt *painter) renderLayerTile(img *image.RGBA, t xform, l *layer) bool {
	pad := strokePad(l.style)
	qb := t.mapBound(-pad, -pad, tileSize+pad, tileSize+pad)
	if len(pt.stamp) < len(l.feats) {
		pt.stamp = make([]uint32, len(l.feats)+len(l.feats)/4+16)
		pt.stampGen = 0
	}
	pt.stampGen++
	if pt.stampGen == 0 {
		clear(pt.stamp)
		pt.stampGen = 1
	}
	pt.slots = l.idx.queryInto(qb, pt.stamp, pt.stampGen, pt.slots[:0])
	return pt.drawFeatures(img, t, l.feats, pt.slots, l.style.Stroke, l.style.StrokeWidth, nil)
}

// copyInto copies tile t (nil = background only, which cannot happen for composites) into
// dst with its top-left at at, clipped.
func copyInto(dst, t *image.RGBA, at image.Point) {
	if t == nil {
		return
	}
	r := image.Rect(at.X, at.Y, at.X+tileSize, at.Y+tileSize).Intersect(dst.Rect)
	if r.Empty() {
		return
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		so := t.PixOffset(r.Min.X-at.X, y-at.Y)
		do := dst.PixOffset(r.Min.X, y)
		copy(dst.Pix[do:do+4*r.Dx()], t.Pix[so:so+4*r.Dx()])
	}
}

// evict drops tiles more than keepTiles beyond the view.
func (m *Map) evict(f frame) {
	far := func(k tkey) bool {
		return k.i < f.i0-keepTiles || k.i > f.i1+keepTiles || k.j < f.j0-keepTiles || k.j > f.j1+keepTiles
	}
	drop := func(t map[tkey]*image.RGBA) {
		for k, img := range t {
			if far(k) {
				m.putTile(img)
				delete(t, k)
			}
		}
	}
	for _, l := range m.layers {
		drop(l.tiles)
	}
	drop(m.comp)
	n := len(m.comp)
	for _, l := range m.layers {
		for _, img := range l.tiles {
			if img != nil {
				n++
			}
		}
	}
	if n <= maxCachedTiles {
		return
	}
	for _, l := range m.layers {
		for k, img := range l.tiles {
			if img != nil && (k.i < f.i0 || k.i > f.i1 || k.j < f.j0 || k.j > f.j1) {
				m.putTile(img)
				delete(l.tiles, k)
			}
		}
	}
}

// prefetchOn lets benchmarks measure renders without the background ring.
var prefetchOn = true
