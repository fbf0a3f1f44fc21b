// Package render draws a plan's layers into images: viewport maths, a rasteriser built on
// golang.org/x/image/vector, layer styles, per-layer tile caches, hit-testing, labels and the
// scale bar. It knows nothing of Fyne; the map widget shows the images it returns.
//
// How a frame is made. Each scale has a grid of 256-px tiles anchored at the view origin of
// the first render at that scale. Every layer keeps its own tiles (nil when the layer has
// nothing there), and a composite tile of the background and the visible layers is kept per
// tile. Render copies the composites under the view into a new image and draws what is not
// cached on top: highlights, labels, the overlay. After a pan only the tiles that came into
// view are drawn, and a background goroutine draws the ring of tiles around the view, one
// tile per hold of the map's lock, so that the next pan usually finds them ready. A zoom
// starts a new grid. UpdateFeature drops only the layer and composite tiles under the
// feature's old and new extent; SetVisible and SetOrder drop only composites.
//
// Drawing a layer tile: features come from a uniform-grid index; a feature under 1.5 px is a
// dot, under 4 px a box mark in its fill colour; small features are rasterised one by one in
// a rasteriser the size of their extent, large ones batched per fill colour in one pass per
// tile. Paths are simplified to 0.4 px and clipped to the tile. Outlines are bands between
// the two offset rings of each ring. Tiles are drawn in parallel on up to four cores.
package render

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// Scale limits keep the maths finite: 1e-8 °/px is about 1 mm per pixel, 1 °/px shows the
// whole globe in a few hundred pixels.
const (
	minScale = 1e-8
	maxScale = 1.0
)

// Viewport maps EPSG:4490 lon/lat to screen pixels.
//
// The display projection is equirectangular with x scaled by cos(Lat0): one pixel is Scale
// degrees of latitude vertically and Scale/cos(Lat0) degrees of longitude horizontally, so
// shapes near Lat0 keep their proportions (Xinjiang at 42°N is not stretched). Lat0 is fixed
// per document (the centre latitude of the plan) so that panning never reshapes the map; 0
// gives plain lon/lat. Scale is in degrees of latitude per pixel and must be > 0 (Fit and
// NewViewport set it). (CenterX, CenterY) is the lon/lat at the centre of the Width×Height
// screen; pixel (0,0) is the top-left corner and y grows downward.
type Viewport struct {
	CenterX, CenterY float64 // lon, lat at the screen centre
	Scale            float64 // degrees of latitude per pixel
	Width, Height    int     // screen size in pixels
	Lat0             float64 // latitude whose east-west scale is true, degrees
}

// NewViewport returns a w×h viewport whose Lat0 is the centre latitude of b, fitted to b
// with margin pixels on every side.
func NewViewport(b orb.Bound, w, h int, margin float64) Viewport {
	v := Viewport{Width: w, Height: h, Lat0: (b.Min[1] + b.Max[1]) / 2, Scale: 1e-3}
	v.Fit(b, margin)
	return v
}

// kx is cos(Lat0), kept away from zero so the poles do not divide by zero.
func (v Viewport) kx() float64 {
	k := math.Cos(v.Lat0 * math.Pi / 180)
	if !(k > 0.01) { // also catches NaN
		k = 0.01
	}
	return k
}

// scale returns Scale, or a harmless default when it is unset or absurd.
func (v Viewport) scale() float64 {
	s := v.Scale
	if !(s >= minScale) {
		return minScale
	}
	if s > maxScale {
		return maxScale
	}
	return s
}

// ToScreen returns the pixel position of a lon/lat point.
func (v Viewport) ToScreen(lon, lat float64) (px, py float64) {
	s := v.scale()
	return (lon-v.CenterX)*v.kx()/s + float64(v.Width)/2, (v.CenterY-lat)/s + float64(v.Height)/2
}

// ToMap returns the lon/lat under a pixel position.
func (v Viewport) ToMap(px, py float64) (lon, lat float64) {
	s := v.scale()
	return v.CenterX + (px-float64(v.Width)/2)*s/v.kx(), v.CenterY - (py-float64(v.Height)/2)*s
}

// Bound is the map extent visible on screen.
func (v Viewport) Bound() orb.Bound {
	x0, y1 := v.ToMap(0, 0)
	x1, y0 := v.ToMap(float64(v.Width), float64(v.Height))
	return orb.Bound{Min: orb.Point{x0, y0}, Max: orb.Point{x1, y1}}
}

// Fit centres b and picks the scale that shows all of it with margin pixels free on every
// side. A point-sized b keeps the current scale. Lat0 is not changed.
func (v *Viewport) Fit(b orb.Bound, margin float64) {
	if !finiteBound(b) {
		return
	}
	c := b.Center()
	v.CenterX, v.CenterY = c[0], c[1]
	w := float64(v.Width) - 2*margin
	h := float64(v.Height) - 2*margin
	if w < 1 {
		w = 1
	}
	if h < 1 {
		h = 1
	}
	s := math.Max((b.Max[0]-b.Min[0])*v.kx()/w, (b.Max[1]-b.Min[1])/h)
	if s > 0 {
		v.Scale = clampScale(s)
	} else {
		v.Scale = v.scale()
	}
}

func finiteBound(b orb.Bound) bool {
	for _, f := range []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return false
		}
	}
	return b.Min[0] <= b.Max[0] && b.Min[1] <= b.Max[1]
}

func clampScale(s float64) float64 {
	return math.Min(maxScale, math.Max(minScale, s))
}

// ZoomAt zooms by factor (> 1 zooms in) so that the map point under (px, py) stays under it.
func (v *Viewport) ZoomAt(px, py, factor float64) {
	if !(factor > 0) || math.IsInf(factor, 0) {
		return
	}
	lon, lat := v.ToMap(px, py)
	v.Scale = clampScale(v.scale() / factor)
	// Solve ToScreen(lon, lat) == (px, py) for the centre.
	s := v.Scale
	v.CenterX = lon - (px-float64(v.Width)/2)*s/v.kx()
	v.CenterY = lat + (py-float64(v.Height)/2)*s
}

// Pan moves the map content by (dxPx, dyPx) pixels, as a drag of the mouse does.
func (v *Viewport) Pan(dxPx, dyPx float64) {
	s := v.scale()
	v.CenterX -= dxPx * s / v.kx()
	v.CenterY += dyPx * s
}

// CGCS2000 ellipsoid.
const (
	cgcsA  = 6378137.0
	cgcsF  = 1 / 298.257222101
	cgcsE2 = cgcsF * (2 - cgcsF)
)

// MetresPerPixel is the ground length of one horizontal pixel at the latitude of the view
// centre, on the CGCS2000 ellipsoid (what a horizontal scale bar measures).
func (v Viewport) MetresPerPixel() float64 {
	phi := v.CenterY * math.Pi / 180
	sin := math.Sin(phi)
	n := cgcsA / math.Sqrt(1-cgcsE2*sin*sin) // prime vertical radius of curvature
	degLon := v.scale() / v.kx()
	return degLon * math.Pi / 180 * n * math.Cos(phi)
}

// ScaleBar picks the longest round length (1, 2 or 5 × 10ⁿ metres) that fits in maxPx
// pixels, and returns it, its length in pixels and a label such as "50 km" or "500 m".
// It returns zeros when nothing fits.
func ScaleBar(v Viewport, maxPx int) (metres float64, px int, label string) {
	mpp := v.MetresPerPixel()
	if maxPx <= 0 || !(mpp > 0) || math.IsInf(mpp, 0) {
		return 0, 0, ""
	}
	limit := float64(maxPx) * mpp
	p := math.Pow(10, math.Floor(math.Log10(limit)))
	for _, m := range []float64{5, 2, 1} {
		if m*p <= limit*(1+1e-9) {
			metres = m * p
			break
		}
	}
	if metres == 0 {
		return 0, 0, ""
	}
	px = int(math.Round(metres / mpp))
	if px > maxPx {
		px = maxPx
	}
	return metres, px, lengthLabel(metres)
}

func lengthLabel(m float64) string {
	if m >= 1000 {
		return fmt.Sprintf("%g km", m/1000)
	}
	if m >= 1 {
		return fmt.Sprintf("%g m", m)
	}
	return fmt.Sprintf("%g cm", m*100)
}
