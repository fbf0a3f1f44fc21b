package crs

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/twpayne/go-proj/v11"
)

// Limits on .prj text: real ones are under 2 KiB.
const (
	maxPRJBytes = 64 << 10
	maxWKTDepth = 32
	maxWKTNodes = 4096
)

// FromPRJ identifies the CRS of a .prj file or any WKT text: ESRI WKT as ArcGIS and GDAL write it
// (GCS_China_Geodetic_Coordinate_System_2000, CGCS2000_3_Degree_GK_Zone_28,
// CGCS2000_3_Degree_GK_CM_84E, …), OGC WKT1 with AUTHORITY and WKT2 with ID.
//
// A top-level EPSG authority decides when present. Otherwise the parameters decide: the
// CGCS2000 (or WGS 84) ellipsoid, and for projected CRSs a Transverse Mercator / Gauss-Krüger
// projection with scale 1, latitude of origin 0, false northing 0, a central meridian on a 3° zone
// and a false easting of 500 000 (no prefix) or zone×10⁶+500 000 (prefix). The result is then
// confirmed with PROJ: the text must parse, and PROJ must project a test point through it to the
// same place as through the EPSG definition. Failures wrap ErrUnknownCRS and say what was seen.
func FromPRJ(wkt string) (CRS, error) {
	if len(wkt) > maxPRJBytes {
		return CRS{}, fmt.Errorf("%w: .prj text is %d bytes, more than the %d a CRS definition needs; pass --srs EPSG:N",
			ErrUnknownCRS, len(wkt), maxPRJBytes)
	}
	wkt = strings.TrimSpace(strings.TrimPrefix(wkt, "\ufeff"))
	if wkt == "" {
		return CRS{}, fmt.Errorf("%w: the .prj is empty; pass --srs EPSG:N", ErrUnknownCRS)
	}
	// Most files carry the exact ESRI text of one of our CRSs (ArcGIS, GDAL and this program
	// write it): recognise it without asking PROJ, which costs ~12 ms per file.
	if c, ok := knownPRJ()[wkt]; ok {
		return c, nil
	}
	root, err := parseWKT(wkt)
	if err != nil {
		return CRS{}, fmt.Errorf("%w: cannot read the .prj as WKT (%v); pass --srs EPSG:N", ErrUnknownCRS, err)
	}
	c, err := identifyWKT(root)
	if err != nil {
		return CRS{}, err
	}
	// PROJ gets our re-serialisation: it does not take WKT1's optional round brackets.
	if err := confirmWithPROJ(root.String(), c); err != nil {
		return CRS{}, fmt.Errorf("%w: %s looks like %s but %v; pass --srs EPSG:N", ErrUnknownCRS, describe(root), c, err)
	}
	return c, nil
}

// wktNode is KEYWORD[arg, …]; an arg is a *wktNode, a quoted string (wktString) or a bare token
// (number or enumeration, as written).
type wktNode struct {
	kw   string
	args []any
}

type wktString string

// String writes the node back as WKT with square brackets.
func (n *wktNode) String() string {
	var b strings.Builder
	n.write(&b)
	return b.String()
}

func (n *wktNode) write(b *strings.Builder) {
	b.WriteString(n.kw)
	b.WriteByte('[')
	for i, a := range n.args {
		if i > 0 {
			b.WriteByte(',')
		}
		switch v := a.(type) {
		case *wktNode:
			v.write(b)
		case wktString:
			b.WriteByte('"')
			b.WriteString(strings.ReplaceAll(string(v), `"`, `""`))
			b.WriteByte('"')
		case string:
			b.WriteString(v)
		}
	}
	b.WriteByte(']')
}

func (n *wktNode) children(kw ...string) []*wktNode {
	var out []*wktNode
	for _, a := range n.args {
		if c, ok := a.(*wktNode); ok {
			for _, k := range kw {
				if c.kw == k {
					out = append(out, c)
					break
				}
			}
		}
	}
	return out
}

func (n *wktNode) child(kw ...string) *wktNode {
	if c := n.children(kw...); len(c) > 0 {
		return c[0]
	}
	return nil
}

// find searches depth-first for the first node with one of the keywords.
func (n *wktNode) find(kw ...string) *wktNode {
	for _, a := range n.args {
		if c, ok := a.(*wktNode); ok {
			for _, k := range kw {
				if c.kw == k {
					return c
				}
			}
			if f := c.find(kw...); f != nil {
				return f
			}
		}
	}
	return nil
}

func (n *wktNode) str(i int) string {
	if n == nil || i >= len(n.args) {
		return ""
	}
	switch v := n.args[i].(type) {
	case wktString:
		return string(v)
	case string:
		return v
	}
	return ""
}

func (n *wktNode) num(i int) (float64, bool) {
	if n == nil || i >= len(n.args) {
		return 0, false
	}
	var s string
	switch v := n.args[i].(type) {
	case string:
		s = v
	case wktString:
		s = string(v)
	default:
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

type wktParser struct {
	s     string
	pos   int
	nodes int
}

func parseWKT(s string) (*wktNode, error) {
	p := &wktParser{s: s}
	n, err := p.node(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.pos != len(p.s) {
		return nil, fmt.Errorf("unexpected text after the definition at byte %d", p.pos)
	}
	return n, nil
}

func (p *wktParser) space() {
	for p.pos < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.pos]) >= 0 {
		p.pos++
	}
}

func (p *wktParser) node(depth int) (*wktNode, error) {
	if depth > maxWKTDepth {
		return nil, errors.New("nested too deeply")
	}
	if p.nodes++; p.nodes > maxWKTNodes {
		return nil, errors.New("too many elements")
	}
	p.space()
	start := p.pos
	for p.pos < len(p.s) && isKeywordByte(p.s[p.pos]) {
		p.pos++
	}
	if p.pos == start {
		return nil, fmt.Errorf("expected a keyword at byte %d", p.pos)
	}
	n := &wktNode{kw: strings.ToUpper(p.s[start:p.pos])}
	p.space()
	if p.pos >= len(p.s) || (p.s[p.pos] != '[' && p.s[p.pos] != '(') {
		return nil, fmt.Errorf("expected [ after %s at byte %d", n.kw, p.pos)
	}
	closer := byte(']')
	if p.s[p.pos] == '(' {
		closer = ')'
	}
	p.pos++
	for {
		p.space()
		if p.pos >= len(p.s) {
			return nil, fmt.Errorf("%s is not closed", n.kw)
		}
		c := p.s[p.pos]
		switch {
		case c == closer && len(n.args) == 0:
			p.pos++
			return n, nil
		case c == '"':
			str, err := p.quoted()
			if err != nil {
				return nil, err
			}
			n.args = append(n.args, str)
		default:
			start := p.pos
			for p.pos < len(p.s) && isKeywordByte(p.s[p.pos]) || p.pos < len(p.s) && strings.IndexByte("+-.", p.s[p.pos]) >= 0 {
				p.pos++
			}
			tok := p.s[start:p.pos]
			if tok == "" {
				return nil, fmt.Errorf("unexpected %q at byte %d", c, p.pos)
			}
			p.space()
			if p.pos < len(p.s) && (p.s[p.pos] == '[' || p.s[p.pos] == '(') {
				p.pos = start
				child, err := p.node(depth + 1)
				if err != nil {
					return nil, err
				}
				n.args = append(n.args, child)
			} else {
				n.args = append(n.args, tok)
			}
		}
		p.space()
		if p.pos >= len(p.s) {
			return nil, fmt.Errorf("%s is not closed", n.kw)
		}
		switch p.s[p.pos] {
		case ',':
			p.pos++
		case closer:
			p.pos++
			return n, nil
		default:
			return nil, fmt.Errorf("expected , or %c in %s at byte %d", closer, n.kw, p.pos)
		}
	}
}

func (p *wktParser) quoted() (wktString, error) {
	p.pos++ // opening quote
	var b strings.Builder
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		p.pos++
		if c == '"' {
			if p.pos < len(p.s) && p.s[p.pos] == '"' { // "" is an escaped quote
				b.WriteByte('"')
				p.pos++
				continue
			}
			return wktString(b.String()), nil
		}
		b.WriteByte(c)
	}
	return "", errors.New("unterminated string")
}

func isKeywordByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_'
}

// describe summarises what a WKT says, for error messages.
func describe(root *wktNode) string {
	parts := []string{fmt.Sprintf("%s %q", root.kw, root.str(0))}
	if sph := root.find("SPHEROID", "ELLIPSOID"); sph != nil {
		a, _ := sph.num(1)
		rf, _ := sph.num(2)
		parts = append(parts, fmt.Sprintf("ellipsoid %q a=%g 1/f=%g", sph.str(0), a, rf))
	}
	if pr := root.child("PROJECTION"); pr != nil {
		parts = append(parts, fmt.Sprintf("projection %q", pr.str(0)))
	}
	if m := root.find("METHOD"); m != nil {
		parts = append(parts, fmt.Sprintf("method %q", m.str(0)))
	}
	for _, name := range []string{"central_meridian", "false_easting"} {
		if v, ok := param(root, name); ok {
			parts = append(parts, fmt.Sprintf("%s=%g", name, v))
		}
	}
	return "the .prj (" + strings.Join(parts, ", ") + ")"
}

var paramAliases = map[string][]string{
	"central_meridian":   {"central_meridian", "longitude_of_natural_origin", "longitude_of_origin", "longitude_of_center"},
	"false_easting":      {"false_easting"},
	"false_northing":     {"false_northing"},
	"scale_factor":       {"scale_factor", "scale_factor_at_natural_origin"},
	"latitude_of_origin": {"latitude_of_origin", "latitude_of_natural_origin", "latitude_of_center"},
}

// param finds a projection parameter by its canonical name in WKT1 (PARAMETER at the top) or
// WKT2 (PARAMETER inside CONVERSION) spelling.
func param(root *wktNode, name string) (float64, bool) {
	holders := []*wktNode{root}
	if conv := root.find("CONVERSION"); conv != nil {
		holders = append(holders, conv)
	}
	for _, h := range holders {
		for _, p := range h.children("PARAMETER") {
			key := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(p.str(0)), " ", "_"))
			for _, alias := range paramAliases[name] {
				if key == alias {
					return p.num(1)
				}
			}
		}
	}
	return 0, false
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func identifyWKT(root *wktNode) (CRS, error) {
	unknown := func(why string) (CRS, error) {
		return CRS{}, fmt.Errorf("%w: %s: %s; supported are CGCS2000 geographic (EPSG:4490) and its 3° Gauss-Krüger zones (EPSG:4513–4554); pass --srs EPSG:N",
			ErrUnknownCRS, describe(root), why)
	}
	var projected bool
	switch root.kw {
	case "GEOGCS", "GEOGCRS", "GEODCRS", "GEODETICCRS", "GEOGRAPHICCRS":
	case "PROJCS", "PROJCRS", "PROJECTEDCRS":
		projected = true
	default:
		return unknown("not a geographic or projected CRS")
	}
	// A top-level EPSG code decides.
	for _, a := range root.children("AUTHORITY", "ID") {
		if strings.EqualFold(a.str(0), "EPSG") {
			code, ok := a.num(1)
			if !ok || code != math.Trunc(code) {
				return unknown(fmt.Sprintf("unreadable EPSG code %q", a.str(1)))
			}
			c, err := FromEPSG(int(code))
			if err != nil {
				return unknown(fmt.Sprintf("EPSG:%d is not supported", int(code)))
			}
			if c.IsGeographic() == projected {
				return unknown(fmt.Sprintf("EPSG:%d does not match the kind of definition", int(code)))
			}
			return c, nil
		}
	}
	sph := root.find("SPHEROID", "ELLIPSOID")
	if sph == nil {
		return unknown("no ellipsoid")
	}
	a, okA := sph.num(1)
	rf, okF := sph.num(2)
	if !okA || !okF || !near(a, SemiMajorAxis, 1e-3) {
		return unknown("ellipsoid is not CGCS2000 (a=6378137, 1/f=298.257222101)")
	}
	wgs84 := false
	switch {
	case near(rf, InverseFlatting, 1e-8):
	case near(rf, 298.257223563, 1e-8):
		wgs84 = true
	default:
		return unknown("ellipsoid is not CGCS2000 (a=6378137, 1/f=298.257222101)")
	}
	if pm := root.find("PRIMEM"); pm != nil {
		if v, ok := pm.num(1); !ok || v != 0 {
			return unknown("prime meridian is not Greenwich")
		}
	}
	if !projected {
		if u := root.child("UNIT", "ANGLEUNIT"); u != nil {
			if v, ok := u.num(1); !ok || !near(v, math.Pi/180, 1e-12) {
				return unknown("angular unit is not the degree")
			}
		}
		if wgs84 {
			return WGS84(), nil
		}
		return Geographic(), nil
	}
	if wgs84 {
		return unknown("projected on WGS 84, not CGCS2000")
	}
	method := ""
	if pr := root.child("PROJECTION"); pr != nil {
		method = pr.str(0)
	} else if m := root.find("METHOD"); m != nil {
		method = m.str(0)
	}
	switch strings.ToLower(strings.ReplaceAll(method, " ", "_")) {
	case "gauss_kruger", "transverse_mercator", "gauss-kruger":
	default:
		return unknown("projection is not Gauss-Krüger / Transverse Mercator")
	}
	if u := root.child("UNIT", "LENGTHUNIT"); u != nil {
		if v, ok := u.num(1); !ok || v != 1 {
			return unknown("linear unit is not the metre")
		}
	}
	cm, ok := param(root, "central_meridian")
	if !ok {
		return unknown("no central meridian")
	}
	fe, _ := param(root, "false_easting")
	fn, _ := param(root, "false_northing")
	k, okK := param(root, "scale_factor")
	lat0, _ := param(root, "latitude_of_origin")
	if okK && !near(k, 1, 1e-12) {
		return unknown(fmt.Sprintf("scale factor %g is not 1 (UTM or another projection?)", k))
	}
	if fn != 0 || lat0 != 0 {
		return unknown("false northing or latitude of origin is not 0")
	}
	zone := int(math.Round(cm / 3))
	if !near(cm, float64(zone)*3, 1e-9) || zone < MinZone || zone > MaxZone {
		return unknown(fmt.Sprintf("central meridian %g°E is not that of a 3° zone 25–45 (75°E–135°E)", cm))
	}
	switch {
	case near(fe, 500000, 1e-6):
		return GaussKruger(zone, false)
	case near(fe, float64(zone)*1e6+500000, 1e-6):
		return GaussKruger(zone, true)
	}
	return unknown(fmt.Sprintf("false easting %g is neither 500000 nor the zone-%d prefixed %d", fe, zone, zone*1000000+500000))
}

// confirmWithPROJ checks that PROJ reads the text and maps a test point through it as through
// the EPSG definition of c (to 1 mm, or 1e-9° for geographic CRSs).
func confirmWithPROJ(wkt string, c CRS) error {
	ctx := proj.NewContext()
	if _, err := ctx.New(wkt); err != nil {
		return fmt.Errorf("PROJ cannot read it (%v)", err)
	}
	viaWKT, err := ctx.NewCRSToCRS("EPSG:4490", wkt, nil)
	if err != nil {
		return fmt.Errorf("PROJ cannot use it (%v)", err)
	}
	if viaWKT, err = viaWKT.NormalizeForVisualization(); err != nil {
		return fmt.Errorf("PROJ cannot use it (%v)", err)
	}
	lon, lat := 87.5, 43.8
	if !c.IsGeographic() {
		lon = CentralMeridian(c.Zone) + 1.2
	}
	got, err := viaWKT.Forward(proj.NewCoord(lon, lat, 0, 0))
	if err != nil {
		return fmt.Errorf("PROJ cannot project through it (%v)", err)
	}
	want := [2]float64{lon, lat}
	tol := 1e-9
	if !c.IsGeographic() {
		viaEPSG, err := ctx.NewCRSToCRS("EPSG:4490", c.SRS(), nil)
		if err == nil {
			viaEPSG, err = viaEPSG.NormalizeForVisualization()
		}
		if err != nil {
			return fmt.Errorf("PROJ does not know %s (%v)", c.SRS(), err)
		}
		w, err := viaEPSG.Forward(proj.NewCoord(lon, lat, 0, 0))
		if err != nil {
			return fmt.Errorf("PROJ cannot project through %s (%v)", c.SRS(), err)
		}
		want = [2]float64{w[0], w[1]}
		tol = 1e-3
	}
	if !near(got[0], want[0], tol) || !near(got[1], want[1], tol) {
		return fmt.Errorf("PROJ projects (%g, %g) to (%.3f, %.3f) through it and to (%.3f, %.3f) through %s",
			lon, lat, got[0], got[1], want[0], want[1], c.SRS())
	}
	return nil
}

// knownPRJ maps the ESRI text PRJ() writes for every supported CRS back to the CRS; each entry is
// confirmed through PROJ by TestKnownPRJConfirmedByPROJ.
var knownPRJ = sync.OnceValue(func() map[string]CRS {
	m := map[string]CRS{}
	add := func(c CRS, err error) {
		if err == nil {
			m[c.PRJ()] = c
		}
	}
	add(Geographic(), nil)
	for z := MinZone; z <= MaxZone; z++ {
		add(GaussKruger(z, true))
		add(GaussKruger(z, false))
	}
	return m
})
