package shapefile

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/paulmach/orb"

	"kuanggui/internal/crs"
	"kuanggui/internal/plan"
)

// ErrCRSMismatch is wrapped by the error Read returns when the coordinates cannot be in the CRS
// the .prj or --srs names: importing them would put the plan somewhere else on Earth.
var ErrCRSMismatch = errors.New("shapefile: the coordinates do not fit the CRS")

// chinaBound is where any layer of a Chinese mineral plan must lie, in EPSG:4490.
var chinaBound = orb.Bound{Min: orb.Point{73, 3}, Max: orb.Point{136, 54}}

// crsFit holds what a layer's import saw, to judge whether its CRS was the right one.
type crsFit struct {
	name      string
	src       crs.CRS
	from      string    // where src came from, for the message
	srcExt    orb.Bound // the raw coordinates, in the file's CRS
	hasSrc    bool
	ext       orb.Bound // after reprojection to EPSG:4490
	hasExt    bool
	withShape int // records with a shape to reproject
	// reprojFailed counts records PROJ could not transform.
	reprojFailed int
}

// check fails when the CRS cannot be the file's: a zone-prefixed easting naming another zone,
// every shape failing to reproject, or a result outside China. A layer without shapes passes.
func (c crsFit) check() error {
	if !c.hasSrc {
		return nil
	}
	seen := c.rangeText()
	if c.src.ZonePrefix {
		lo, hi := int(math.Floor(c.srcExt.Min[0]/1e6)), int(math.Floor(c.srcExt.Max[0]/1e6))
		if lo != c.src.Zone || hi != c.src.Zone {
			if hi < 1 {
				return fmt.Errorf("%s: %w: 坐标系 %s（%s）为第 %d 带，横坐标应以 %d 开头，但坐标 %s 不带带号；请用 --srs 指定正确的坐标系%s / the CRS %s (from %s) is zone %d, so eastings must start with %d, but the coordinates %s carry no zone prefix; pass the right one with --srs%s",
					c.name, ErrCRSMismatch, c.src, c.from, c.src.Zone, c.src.Zone, seen, c.suggestZH(),
					c.src, c.from, c.src.Zone, c.src.Zone, seen, c.suggestEN())
			}
			return fmt.Errorf("%s: %w: 坐标系 %s（%s）为第 %d 带（横坐标以 %d 开头），但坐标 %s 的带号为 %s；请用 --srs 指定正确的坐标系%s / the CRS %s (from %s) is zone %d, so eastings must start with %d, but the coordinates %s carry zone %s; pass the right one with --srs%s",
				c.name, ErrCRSMismatch, c.src, c.from, c.src.Zone, c.src.Zone, seen, zoneText(lo, hi), c.suggestZH(),
				c.src, c.from, c.src.Zone, c.src.Zone, seen, zoneText(lo, hi), c.suggestEN())
		}
	}
	if c.withShape > 0 && c.reprojFailed == c.withShape {
		return fmt.Errorf("%s: %w: 坐标（%s）无法按 %s（%s）转换，所有图形都转换失败；坐标系与坐标不符，请用 --srs 指定正确的坐标系%s / the CRS %s (from %s) does not fit the coordinates (%s): every shape failed to reproject; pass the right one with --srs%s",
			c.name, ErrCRSMismatch, seen, c.src, c.from, c.suggestZH(), c.src, c.from, seen, c.suggestEN())
	}
	if c.hasExt && !inside(c.ext, chinaBound) {
		got := fmt.Sprintf("lon %.4f..%.4f, lat %.4f..%.4f", c.ext.Min[0], c.ext.Max[0], c.ext.Min[1], c.ext.Max[1])
		return fmt.Errorf("%s: %w: 按 %s（%s）转换后坐标在 %s，不在中国境内（经度 73–136°，纬度 3–54°）；原坐标 %s。坐标系与坐标不符，请用 --srs 指定正确的坐标系%s / the CRS %s (from %s) does not fit the coordinates %s: they land at %s, outside China (lon 73–136, lat 3–54); pass the right one with --srs%s",
			c.name, ErrCRSMismatch, c.src, c.from, got, seen, c.suggestZH(), c.src, c.from, seen, got, c.suggestEN())
	}
	return nil
}

func inside(b, in orb.Bound) bool {
	return b.Min[0] >= in.Min[0] && b.Max[0] <= in.Max[0] && b.Min[1] >= in.Min[1] && b.Max[1] <= in.Max[1]
}

func zoneText(lo, hi int) string {
	if lo == hi {
		return fmt.Sprint(lo)
	}
	return fmt.Sprintf("%d–%d", lo, hi)
}

func (c crsFit) rangeText() string {
	b := c.srcExt
	if looksGeographic(b) {
		return fmt.Sprintf("x %.6f..%.6f, y %.6f..%.6f", b.Min[0], b.Max[0], b.Min[1], b.Max[1])
	}
	return fmt.Sprintf("x %s..%s, y %s..%s", coord(b.Min[0]), coord(b.Max[0]), coord(b.Min[1]), coord(b.Max[1]))
}

// coord writes a plane coordinate to 2 decimals, or in exponent form when it is absurdly large
// (a stray 1e308 must not print as 300 digits).
func coord(v float64) string {
	if math.Abs(v) >= 1e12 {
		return fmt.Sprintf("%.3g", v)
	}
	return fmt.Sprintf("%.2f", v)
}

// dropStrays takes the geometry off the few features that lie outside China when the rest lie
// inside: a stray vertex (a typo, 1e308) is a fault of that record, not of the layer's CRS. Each
// is reported with its record and keeps its attributes; the extent is recomputed. When many are
// outside, nothing is dropped and the CRS check decides.
func dropStrays(feats []plan.Feature, rep *Report) (orb.Bound, bool) {
	var outside []int
	withGeom := 0
	for i, f := range feats {
		if len(f.Geometry) == 0 {
			continue
		}
		withGeom++
		if !inside(f.Geometry.Bound(), chinaBound) {
			outside = append(outside, i)
		}
	}
	var ext orb.Bound
	has := false
	if len(outside) == 0 || len(outside)*10 > withGeom {
		return ext, false
	}
	for _, i := range outside {
		b := feats[i].Geometry.Bound()
		rep.add(int(feats[i].ID), "", "outside-china", fmt.Sprintf(
			"第 %d 条记录的坐标（经度 %s..%s，纬度 %s..%s）不在中国境内，而本层其余图形都在；已去掉其图形、保留属性，请核对该记录 / record %d lies outside China (lon %s..%s, lat %s..%s) while the rest of the layer is inside; its geometry was dropped and its attributes kept",
			feats[i].ID, coord(b.Min[0]), coord(b.Max[0]), coord(b.Min[1]), coord(b.Max[1]),
			feats[i].ID, coord(b.Min[0]), coord(b.Max[0]), coord(b.Min[1]), coord(b.Max[1])))
		feats[i].Geometry = nil
		rep.Lost++
	}
	for _, f := range feats {
		if len(f.Geometry) == 0 {
			continue
		}
		if has {
			ext = ext.Union(f.Geometry.Bound())
		} else {
			ext, has = f.Geometry.Bound(), true
		}
	}
	return ext, has
}

func looksGeographic(b orb.Bound) bool {
	return b.Min[0] >= -180 && b.Max[0] <= 180 && b.Min[1] >= -90 && b.Max[1] <= 90
}

// suggestion guesses the CRS from the raw coordinates alone: lon/lat in China, a zone-prefixed
// Gauss-Krüger easting (8 digits, the first two the zone), or a plain 6-digit easting.
func (c crsFit) suggestion() (srs, zh, en string) {
	b := c.srcExt
	switch {
	case looksGeographic(b) && inside(b, chinaBound):
		return "EPSG:4490", "经纬度", "longitude/latitude"
	case b.Min[0] >= 1e6 && b.Max[0] < 1e8 && b.Min[1] > 0 && b.Max[1] < 1e7:
		lo, hi := int(math.Floor(b.Min[0]/1e6)), int(math.Floor(b.Max[0]/1e6))
		if lo == hi && lo >= crs.MinZone && lo <= crs.MaxZone {
			if g, err := crs.GaussKruger(lo, true); err == nil && g.EPSG != c.src.EPSG {
				return g.SRS(), fmt.Sprintf("带号 %d 的高斯-克吕格投影", lo), fmt.Sprintf("Gauss-Krüger zone %d, with prefix", lo)
			}
		}
	case b.Min[0] > 0 && b.Max[0] < 1e6 && b.Min[1] > 0 && b.Max[1] < 1e7 && c.src.EPSG != 4537:
		return "EPSG:4537", "不带带号的高斯-克吕格投影，中央经线 84°E；其他带为 EPSG:4534–4554",
			"Gauss-Krüger without zone prefix, central meridian 84°E; other zones are EPSG:4534–4554"
	}
	return "", "", ""
}

// The advice also names what we cannot read: data in UTM, Xi'an 1980 or Beijing 1954 has to be
// converted to CGCS2000 first.
const (
	otherDatums   = "西安80、北京54 或 UTM 坐标须先转换为 CGCS2000（如 ogr2ogr -t_srs EPSG:4490）"
	otherDatumsEN = "Xi'an 1980, Beijing 1954 or UTM data must be converted to CGCS2000 first (e.g. ogr2ogr -t_srs EPSG:4490)"
)

func (c crsFit) suggestZH() string {
	if srs, zh, _ := c.suggestion(); srs != "" {
		return fmt.Sprintf("，例如 --srs %s（%s）；%s", srs, zh, otherDatums)
	}
	return "；" + otherDatums
}

func (c crsFit) suggestEN() string {
	if srs, _, en := c.suggestion(); srs != "" {
		return fmt.Sprintf(", e.g. --srs %s (%s); %s", srs, en, otherDatumsEN)
	}
	return "; " + otherDatumsEN
}

// crsSource names where the CRS came from, for messages.
func crsSource(lf *layerFiles, srs string) string {
	switch {
	case strings.TrimSpace(srs) != "":
		return "--srs"
	case lf.prj != nil:
		return ".prj"
	}
	return "无 .prj，按经纬度 / no .prj, read as lon/lat"
}
