package crs

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/paulmach/orb"
)

// PointFormat says how the coordinates of a turning-point table are written.
type PointFormat int

const (
	// Auto detects the format from the first point row: a value ≥ 10 000 000 means plane with
	// zone prefix, ≥ 2 000 000 plane without prefix, degree/minute/second marks DMS, five or more
	// integer digits packed DDDMMSS.sss, anything else decimal degrees.
	Auto PointFormat = iota
	// GKPrefixed is X (northing), Y (easting with the zone number in front), metres.
	GKPrefixed
	// GKPlain is X (northing), Y (easting, no prefix) in the zone ParseOptions.Zone (or a
	// "带号: 28" line of the table).
	GKPlain
	// DMS is longitude and latitude as 83°00'48.281" (any form ParseAngle reads).
	DMS
	// Packed is longitude and latitude as DDDMMSS.sss.
	Packed
	// Decimal is longitude and latitude in decimal degrees.
	Decimal
)

func (f PointFormat) String() string {
	switch f {
	case Auto:
		return "auto"
	case GKPrefixed:
		return "plane X,Y with zone prefix"
	case GKPlain:
		return "plane X,Y without zone prefix"
	case DMS:
		return "degrees minutes seconds"
	case Packed:
		return "packed DDDMMSS.sss"
	case Decimal:
		return "decimal degrees"
	}
	return "PointFormat(" + strconv.Itoa(int(f)) + ")"
}

// ParseOptions control ParseTurningPoints.
type ParseOptions struct {
	Format PointFormat
	Zone   int // 3° zone for GKPlain; 0 = take it from a "带号: N" line of the table
}

// RowError is a problem with one line of a turning-point table.
type RowError struct {
	Line    int    // 1-based line number
	Text    string // the line as written (cut to 200 bytes)
	Message string
}

func (e RowError) Error() string {
	return fmt.Sprintf("第 %d 行：%s（%q）", e.Line, e.Message, e.Text)
}

// Limits of ParseTurningPoints: a block has at most a few hundred points.
const (
	maxTableBytes  = 4 << 20
	maxTablePoints = 50000
	maxTableRings  = 2000
	maxRowErrors   = 100
)

// Plausible ranges for CGCS2000 3° zones 25–45 (with margin).
const (
	minLon, maxLon   = 72.0, 138.0
	minLat, maxLat   = 0.0, 60.0
	maxNorthing      = 7e6
	minNorthingPlane = 2e6 // below this a value is not a northing in China (lat < 18°)
)

var (
	zoneLineRE = regexp.MustCompile(`^(?i:带号|zone)\s*[:：=]?\s*(\d{1,3})$`)
	negNumRE   = regexp.MustCompile(`-\s*\d`)
	pointIDRE  = regexp.MustCompile(`^\D*\d+$`)
)

// ringKeywords start a new ring; holeKeywords mark it as a hole.
var (
	ringKeywords = []string{"圈", "环", "ring", "part", "部分", "地块", "洞", "hole"}
	holeKeywords = []string{"洞", "内环", "hole"}
)

type rawRing struct {
	pts  []orb.Point // lon/lat
	hole bool
	line int // first line
	text string
}

// ParseTurningPoints reads a turning-point (拐点坐标) table as planners paste it and returns the
// block as a CGCS2000 (EPSG:4490) lon/lat multipolygon, outer rings counter-clockwise and holes
// clockwise, rings closed.
//
// Rows: an optional point number (J1, 1, 拐点1…), optional ring columns, then two coordinates.
// Plane rows are X (northing) then Y (easting), as in every Chinese table; a swapped pair is
// recognised by its values and put right. Geographic rows may give longitude or latitude first:
// the larger value is the longitude. Fields are separated by commas (also ，;；), tabs, or
// spaces; "J1 83 00 48.281 44 35 59.917" (three numbers per angle) is read too.
//
// Rings: a ring ends at a blank line, a "*" line, a line naming a ring (圈1, 第2圈, 环2, 部分1
// 圈2, ring 2…) or a line ending in "@" (the 国土 exchange format's block header). With ring
// columns "点号, 圈号, X, Y" or "点号, 部分, 圈号, X, Y" a ring ends when the numbers change.
// Holes: a ring header containing 洞, 内环 or hole, or a negative ring number (圈-2, or -2 in
// the ring column). When no ring of the table is marked, nesting decides: a ring inside an odd
// number of others is a hole. Holes join the smallest outer ring that contains them.
//
// A closing point equal to the first is dropped, as are repeated points. Lines without digits
// (headers such as "点号, X, Y"), "[…]" section lines and "key=value" lines are skipped; "带号: 28"
// gives the zone for plane coordinates without prefix.
//
// Row problems (unreadable or out-of-range values, rings under 3 distinct points, holes outside
// every ring) come back as RowErrors, and the geometry then holds only what could be read: do not
// accept it. err is for problems with the whole table (too large, no points, no zone).
func ParseTurningPoints(text string, opt ParseOptions) (orb.MultiPolygon, []RowError, error) {
	if len(text) > maxTableBytes {
		return nil, nil, fmt.Errorf("拐点坐标表有 %d 字节，最多读取 %d 字节 / turning-point table is %d bytes; at most %d are read",
			len(text), maxTableBytes, len(text), maxTableBytes)
	}
	if opt.Format < Auto || opt.Format > Decimal {
		return nil, nil, fmt.Errorf("未知的坐标格式 %d / unknown point format %d", opt.Format, opt.Format)
	}
	if opt.Zone != 0 && (opt.Zone < MinZone || opt.Zone > MaxZone) {
		return nil, nil, fmt.Errorf("带号 %d 不在 3° 带 %d–%d 之内 / zone %d is outside the 3° zones %d–%d",
			opt.Zone, MinZone, MaxZone, opt.Zone, MinZone, MaxZone)
	}
	p := &tableParser{format: opt.Format, zone: opt.Zone}
	lines := strings.Split(strings.TrimPrefix(text, "\ufeff"), "\n")
	for i, line := range lines {
		if err := p.line(i+1, strings.TrimSpace(line)); err != nil {
			return nil, p.errs, err
		}
		if len(p.errs) >= maxRowErrors {
			break
		}
	}
	p.endRing()
	if p.npts == 0 && len(p.errs) == 0 {
		return nil, nil, errors.New("未找到拐点：应为「J1, 4940964.21, 28421671.18」或「J1, 83°00'48.281\", 44°35'59.917\"」这样的行" +
			" / no turning points found: expected rows like \"J1, 4940964.21, 28421671.18\" or \"J1, 83°00'48.281\", 44°35'59.917\"\"")
	}
	mp := p.assemble()
	return mp, p.errs, nil
}

type tableParser struct {
	format      PointFormat
	zone        int
	zoneFromTbl bool
	errs        []RowError
	rings       []rawRing
	cur         rawRing
	curKey      string
	pendingHole bool
	anyMarked   bool
	npts        int
}

func cut(s string) string {
	if len(s) > 200 {
		return s[:200]
	}
	return s
}

func (p *tableParser) rowErr(line int, text, format string, args ...any) {
	p.errs = append(p.errs, RowError{Line: line, Text: cut(text), Message: fmt.Sprintf(format, args...)})
}

// endRing closes the current ring, if any.
func (p *tableParser) endRing() {
	if len(p.cur.pts) == 0 {
		return
	}
	r := p.cur
	if n := len(r.pts); n > 1 && samePoint(r.pts[0], r.pts[n-1]) {
		r.pts = r.pts[:n-1]
	}
	if len(r.pts) < 3 {
		p.rowErr(r.line, r.text, "从此行开始的圈只有 %d 个不同的点，一个圈至少要 3 个 / ring starting here has %d distinct point(s); a ring needs at least 3",
			len(r.pts), len(r.pts))
	} else if len(p.rings) >= maxTableRings {
		p.rowErr(r.line, r.text, "超过 %d 个圈：不是一个地块的拐点坐标表 / more than %d rings: not a turning-point table of one block",
			maxTableRings, maxTableRings)
	} else {
		p.rings = append(p.rings, r)
	}
	p.cur = rawRing{}
}

func samePoint(a, b orb.Point) bool {
	return math.Abs(a[0]-b[0]) < 1e-10 && math.Abs(a[1]-b[1]) < 1e-10
}

func hasAny(s string, words []string) bool {
	ls := strings.ToLower(s)
	for _, w := range words {
		if strings.Contains(ls, w) {
			return true
		}
	}
	return false
}

func hasDigit(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r >= '0' && r <= '9' || r >= '０' && r <= '９' }) >= 0
}

// breakRing starts a new ring at a header line; hole marks the next ring.
func (p *tableParser) breakRing(hole bool) {
	p.endRing()
	p.curKey = ""
	p.pendingHole = hole
	if hole {
		p.anyMarked = true
	}
}

func (p *tableParser) line(n int, s string) error {
	switch {
	case s == "":
		p.breakRing(false)
		return nil
	case strings.HasPrefix(s, "#"), strings.HasPrefix(s, "//"):
		return nil
	case s == "*" || strings.Trim(s, "*") == "":
		p.breakRing(false)
		return nil
	}
	if m := zoneLineRE.FindStringSubmatch(strings.TrimSpace(s)); m != nil {
		z, _ := strconv.Atoi(m[1])
		if z < MinZone || z > MaxZone {
			p.rowErr(n, s, "带号 %d 不在 3° 带 %d–%d 之内 / zone %d is outside the 3° zones %d–%d", z, MinZone, MaxZone, z, MinZone, MaxZone)
			return nil
		}
		if p.zone == 0 || p.zoneFromTbl {
			p.zone, p.zoneFromTbl = z, true
		}
		return nil
	}
	if strings.HasPrefix(s, "[") || strings.HasSuffix(s, "@") {
		p.breakRing(false)
		return nil
	}
	if !hasDigit(s) {
		if hasAny(s, ringKeywords) {
			p.breakRing(hasAny(s, holeKeywords))
		}
		return nil // a column header
	}
	if strings.Contains(s, "=") && !strings.ContainsAny(s, ",，\t") {
		return nil // key=value metadata
	}
	fields := splitRow(s)
	if hasAny(s, ringKeywords) && !looksLikePointRow(fields) {
		p.breakRing(hasAny(s, holeKeywords) || negNumRE.MatchString(s))
		return nil
	}
	return p.point(n, s, fields)
}

// splitRow splits a row at commas (also full-width and semicolons), else tabs, else spaces.
func splitRow(s string) []string {
	s = strings.NewReplacer("，", ",", "；", ",", ";", ",", "、", ",").Replace(s)
	var raw []string
	switch {
	case strings.Contains(s, ","):
		raw = strings.Split(s, ",")
	case strings.Contains(s, "\t"):
		raw = strings.Split(s, "\t")
	default:
		raw = strings.Fields(s)
		// "J1 83 00 48.281 44 35 59.917": three numbers per angle.
		if n := len(raw); n >= 6 && allPlainNumbers(raw[n-6:]) && isDMSTriple(raw[n-6:n-3]) && isDMSTriple(raw[n-3:]) {
			lead := raw[: n-6 : n-6]
			return append(lead, strings.Join(raw[n-6:n-3], " "), strings.Join(raw[n-3:], " "))
		}
	}
	out := raw[:0]
	for _, f := range raw {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func allPlainNumbers(fs []string) bool {
	for _, f := range fs {
		if _, err := plainNumber(f); err != nil {
			return false
		}
	}
	return true
}

func isDMSTriple(fs []string) bool {
	d, _ := plainNumber(fs[0])
	m, _ := plainNumber(fs[1])
	s, _ := plainNumber(fs[2])
	return d == math.Trunc(d) && m == math.Trunc(m) && m < 60 && s < 60
}

// looksLikePointRow reports whether the last two fields are coordinates (for lines that also
// contain a ring word, such as a ring column named "圈").
func looksLikePointRow(fields []string) bool {
	if len(fields) < 2 {
		return false
	}
	for _, f := range fields[len(fields)-2:] {
		if _, err := ParseAngle(f); err != nil {
			if _, err := strconv.ParseFloat(f, 64); err != nil {
				return false
			}
		}
	}
	return true
}

func (p *tableParser) point(n int, s string, fields []string) error {
	if len(fields) < 2 {
		p.rowErr(n, s, "应为 点号,X,Y（点号和两个坐标） / expected a point number and two coordinates")
		return nil
	}
	if len(fields) > 5 {
		p.rowErr(n, s, "有 %d 个字段，应为 点号,[部分,][圈号,] X,Y / %d fields; expected point number, [part,] [ring,] and two coordinates",
			len(fields), len(fields))
		return nil
	}
	lead := fields[:len(fields)-2]
	a, b := fields[len(fields)-2], fields[len(fields)-1]
	// Point number: the first leading field with a non-digit prefix (J1), else the first one.
	idIdx := -1
	for i, f := range lead {
		if pointIDRE.MatchString(f) && !isInt(f) {
			idIdx = i
			break
		}
	}
	if idIdx < 0 && len(lead) > 0 {
		idIdx = 0
	}
	var ringCols []int
	for i, f := range lead {
		if i == idIdx {
			if !pointIDRE.MatchString(f) {
				p.rowErr(n, s, "点号「%s」应形如 J1 或 1 / point number %q is not like J1 or 1", f, f)
				return nil
			}
			continue
		}
		v, err := strconv.Atoi(f)
		if err != nil {
			p.rowErr(n, s, "圈号列「%s」不是整数 / ring column %q is not a whole number", f, f)
			return nil
		}
		ringCols = append(ringCols, v)
	}
	key := ""
	hole := false
	if len(ringCols) > 0 {
		key = fmt.Sprint(ringCols)
		hole = ringCols[len(ringCols)-1] < 0
	}
	lon, lat, err := p.coords(a, b)
	if errors.Is(err, errNoZone) {
		return err
	}
	if err != nil {
		p.rowErr(n, s, "%v", err)
		return nil
	}
	if p.npts++; p.npts > maxTablePoints {
		return fmt.Errorf("超过 %d 个拐点：不是一个地块的拐点坐标表 / more than %d points: not a turning-point table of one block",
			maxTablePoints, maxTablePoints)
	}
	if key != "" && key != p.curKey {
		p.endRing()
		p.curKey = key
		if hole {
			p.pendingHole = true
			p.anyMarked = true
		}
	}
	pt := orb.Point{lon, lat}
	if len(p.cur.pts) == 0 {
		p.cur = rawRing{line: n, text: cut(s), hole: p.pendingHole}
		p.pendingHole = false
	} else if samePoint(p.cur.pts[len(p.cur.pts)-1], pt) {
		return nil // repeated point
	}
	p.cur.pts = append(p.cur.pts, pt)
	return nil
}

func isInt(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}

func hasAngleMarks(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool {
		return strings.ContainsRune(`°'"′″度分秒dDmMsS’”ºENW`, r) || r == ' '
	})
}

// detect chooses the format of a coordinate pair (for Auto).
func detect(a, b string) (PointFormat, error) {
	if hasAngleMarks(a) || hasAngleMarks(b) {
		return DMS, nil
	}
	va, errA := strconv.ParseFloat(normaliseDigits(a), 64)
	vb, errB := strconv.ParseFloat(normaliseDigits(b), 64)
	if errA != nil || errB != nil {
		return Auto, fmt.Errorf("坐标「%s」「%s」不是数字 / coordinates %q, %q are not numbers", a, b, a, b)
	}
	hi := math.Max(math.Abs(va), math.Abs(vb))
	switch {
	case hi >= 1e7:
		return GKPrefixed, nil
	case hi >= minNorthingPlane:
		return GKPlain, nil
	}
	ia, _, _ := strings.Cut(strings.TrimLeft(a, "+-"), ".")
	ib, _, _ := strings.Cut(strings.TrimLeft(b, "+-"), ".")
	if len(ia) >= 5 && len(ib) >= 5 {
		return Packed, nil
	}
	return Decimal, nil
}

func normaliseDigits(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return '0' + r - '０'
		case r == '．':
			return '.'
		case unicode.IsSpace(r):
			return -1
		}
		return r
	}, s)
}

// coords converts one coordinate pair to lon/lat.
func (p *tableParser) coords(a, b string) (lon, lat float64, err error) {
	format := p.format
	if format == Auto {
		if format, err = detect(a, b); err != nil {
			return 0, 0, err
		}
		p.format = format // the first readable row decides for the table
	}
	switch format {
	case GKPrefixed, GKPlain:
		va, errA := strconv.ParseFloat(normaliseDigits(a), 64)
		vb, errB := strconv.ParseFloat(normaliseDigits(b), 64)
		if errA != nil || errB != nil || !finite(va) || !finite(vb) {
			return 0, 0, fmt.Errorf("平面坐标「%s」「%s」不是数字 / plane coordinates %q, %q are not numbers", a, b, a, b)
		}
		return p.plane(va, vb, format == GKPrefixed)
	}
	va, err := angleAs(a, format)
	if err != nil {
		return 0, 0, err
	}
	vb, err := angleAs(b, format)
	if err != nil {
		return 0, 0, err
	}
	lon, lat = va, vb
	if vb > va {
		lon, lat = vb, va
	}
	if lon < minLon || lon > maxLon || lat < minLat || lat > maxLat {
		return 0, 0, fmt.Errorf("经度 %s、纬度 %s 超出 CGCS2000 高斯-克吕格投影带范围（东经 %g–%g°，北纬 %g–%g°） / "+
			"longitude %s, latitude %s are outside CGCS2000's Gauss-Krüger zones (%g–%g°E, %g–%g°N)",
			FormatDMS(lon, 3), FormatDMS(lat, 3), minLon, maxLon, minLat, maxLat,
			FormatDMS(lon, 3), FormatDMS(lat, 3), minLon, maxLon, minLat, maxLat)
	}
	return lon, lat, nil
}

func angleAs(s string, f PointFormat) (float64, error) {
	switch f {
	case Packed:
		v, err := parsePacked(normaliseDigits(s))
		if err != nil {
			return 0, fmt.Errorf("「%s」不是 DDDMMSS.sss 形式的度分秒 / %q is not packed DDDMMSS.sss: %v", s, s, err)
		}
		return v, nil
	case Decimal:
		t := normaliseDigits(s)
		if _, err := plainNumber(strings.TrimPrefix(t, "-")); err != nil {
			return 0, fmt.Errorf("「%s」不是十进制度数 / %q is not decimal degrees", s, s)
		}
		return strconv.ParseFloat(t, 64)
	}
	v, err := ParseAngle(s)
	if err != nil {
		// ParseAngle speaks English only: put the Chinese first here.
		return 0, fmt.Errorf("「%s」不是有效的度分秒角度 / %v", s, err)
	}
	return v, nil
}

// plane converts X (northing), Y (easting) — in either order, told apart by size — to lon/lat.
func (p *tableParser) plane(va, vb float64, prefixed bool) (float64, float64, error) {
	x, y := va, vb
	if prefixed {
		if x >= 1e7 && y < 1e7 {
			x, y = y, x // easting first
		}
		if y < 1e7 || x >= 1e7 {
			return 0, 0, fmt.Errorf("应为 X（北坐标）和带带号的 Y（东坐标，如 28421671.18），实为 %v、%v / "+
				"expected X (northing) and Y (easting with zone prefix, like 28421671.18), got %v, %v", va, vb, va, vb)
		}
		zone := int(y / 1e6)
		if zone < MinZone || zone > MaxZone {
			return 0, 0, fmt.Errorf("Y %v 的带号 %d 不在 3° 带 %d–%d 之内 / Y %v has zone prefix %d, outside the 3° zones %d–%d",
				y, zone, MinZone, MaxZone, y, zone, MinZone, MaxZone)
		}
		if x < 0 || x > maxNorthing {
			return 0, 0, fmt.Errorf("X（北坐标）%v 超出 0–%g / X (northing) %v is out of range 0–%g", x, maxNorthing, x, maxNorthing)
		}
		return GKToGeo(x, y, zone, true)
	}
	if p.zone == 0 {
		return 0, 0, errNoZone
	}
	if x < 1e6 && y >= 1e6 {
		x, y = y, x
	}
	if y < 0 || y >= 1e6 {
		return 0, 0, fmt.Errorf("不带带号的 Y（东坐标）%v 超出 0–1000000 / Y (easting) %v is out of range 0–1000000 for plane coordinates without zone prefix", y, y)
	}
	if x < 0 || x > maxNorthing {
		return 0, 0, fmt.Errorf("X（北坐标）%v 超出 0–%g / X (northing) %v is out of range 0–%g", x, maxNorthing, x, maxNorthing)
	}
	return GKToGeo(x, y, p.zone, false)
}

var errNoZone = errors.New("平面坐标不带带号：请选择 3° 带号，或在表中加一行「带号: 28」 / " +
	"plane coordinates without zone prefix: choose the 3° zone (带号), or add a line \"带号: 28\"")

// assemble turns the rings into polygons: holes join the smallest containing outer ring.
func (p *tableParser) assemble() orb.MultiPolygon {
	rings := p.rings
	if !p.anyMarked {
		// Nesting decides: a ring inside an odd number of others is a hole.
		for i := range rings {
			depth := 0
			for j := range rings {
				if i != j && ringInside(rings[i].pts, rings[j].pts) {
					depth++
				}
			}
			rings[i].hole = depth%2 == 1
		}
	}
	var mp orb.MultiPolygon
	var outerIdx []int
	for i, r := range rings {
		if !r.hole {
			mp = append(mp, orb.Polygon{closedOriented(r.pts, true)})
			outerIdx = append(outerIdx, i)
		}
	}
	for _, r := range rings {
		if !r.hole {
			continue
		}
		best, bestArea := -1, math.Inf(1)
		for k, oi := range outerIdx {
			if ringInside(r.pts, rings[oi].pts) {
				if a := math.Abs(ringArea(rings[oi].pts)); a < bestArea {
					best, bestArea = k, a
				}
			}
		}
		if best < 0 {
			p.rowErr(r.line, r.text, "从此行开始的洞不在任何外圈之内 / hole starting here is not inside any outer ring")
			continue
		}
		mp[best] = append(mp[best], closedOriented(r.pts, false))
	}
	return mp
}

// ringInside reports whether ring a lies inside ring b, judged by a's vertices: all that are not
// on b's boundary must be inside, and at least one must be.
func ringInside(a, b []orb.Point) bool {
	ba, bb := bounds(a), bounds(b)
	if !bb.Contains(ba.Min) || !bb.Contains(ba.Max) {
		return false
	}
	if math.Abs(ringArea(a)) >= math.Abs(ringArea(b)) {
		return false
	}
	inside := 0
	for _, pt := range a {
		switch pointInRing(pt, b) {
		case -1:
			return false
		case 1:
			inside++
		}
	}
	return inside > 0
}

func bounds(pts []orb.Point) orb.Bound {
	return orb.MultiPoint(pts).Bound()
}

// pointInRing: 1 inside, 0 on the boundary, -1 outside (even-odd rule; ring not closed).
func pointInRing(pt orb.Point, r []orb.Point) int {
	in := false
	n := len(r)
	for i, j := 0, n-1; i < n; j, i = i, i+1 {
		a, b := r[j], r[i]
		// On the segment?
		cross := (b[0]-a[0])*(pt[1]-a[1]) - (b[1]-a[1])*(pt[0]-a[0])
		if math.Abs(cross) < 1e-18 && pt[0] >= math.Min(a[0], b[0]) && pt[0] <= math.Max(a[0], b[0]) &&
			pt[1] >= math.Min(a[1], b[1]) && pt[1] <= math.Max(a[1], b[1]) {
			return 0
		}
		if (a[1] > pt[1]) != (b[1] > pt[1]) && pt[0] < (b[0]-a[0])*(pt[1]-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	if in {
		return 1
	}
	return -1
}

// closedOriented returns a closed copy, counter-clockwise if ccw, else clockwise.
func closedOriented(pts []orb.Point, ccw bool) orb.Ring {
	r := make(orb.Ring, 0, len(pts)+1)
	r = append(r, pts...)
	if (ringArea(r) > 0) != ccw {
		for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
			r[i], r[j] = r[j], r[i]
		}
	}
	return append(r, r[0])
}
