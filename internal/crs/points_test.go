package crs

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"unicode"

	"github.com/paulmach/orb"
)

// A square block around the test vector, about 1 km across, with the vector as its NW corner.
func vecBlock(t *testing.T) orb.MultiPolygon {
	t.Helper()
	var r orb.Ring
	for _, xy := range [][2]float64{{vecX, vecY}, {vecX, vecY + 1000}, {vecX - 1000, vecY + 1000}, {vecX - 1000, vecY}} {
		lon, lat, err := GKToGeo(xy[0], xy[1], 28, true)
		if err != nil {
			t.Fatal(err)
		}
		r = append(r, orb.Point{lon, lat})
	}
	return orb.MultiPolygon{{append(r, r[0])}}
}

func checkVecBlock(t *testing.T, name string, mp orb.MultiPolygon, tolDeg float64) {
	t.Helper()
	want := vecBlock(t)
	if len(mp) != 1 || len(mp[0]) != 1 || len(mp[0][0]) != 5 {
		t.Fatalf("%s: got %v", name, mp)
	}
	if ringArea(mp[0][0]) <= 0 {
		t.Errorf("%s: outer ring not counter-clockwise", name)
	}
	// Same vertex set (the parser reorients to counter-clockwise).
	for _, p := range want[0][0][:4] {
		found := false
		for _, q := range mp[0][0][:4] {
			if math.Abs(p[0]-q[0]) <= tolDeg && math.Abs(p[1]-q[1]) <= tolDeg {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: vertex %v missing from %v", name, p, mp[0][0])
		}
	}
}

func TestParseTurningPointsFormats(t *testing.T) {
	pts, err := TurningPoints(vecBlock(t), 28, true)
	if err != nil {
		t.Fatal(err)
	}
	row := func(i int, f func(p TurningPoint) string) string {
		return f(pts[i])
	}
	build := func(sep string, f func(p TurningPoint) string) string {
		var lines []string
		for i := range pts {
			lines = append(lines, fmt.Sprintf("J%d%s%s", i+1, sep, row(i, f)))
		}
		return strings.Join(lines, "\n")
	}
	packed := func(v float64) string {
		s := FormatDMS(v, 3) // 83°00'48.281"
		s = strings.NewReplacer("°", "", "'", "", `"`, "").Replace(s)
		return fmt.Sprintf("%011s", s)
	}
	const sec = 1.0 / 3600
	cases := []struct {
		name string
		text string
		opt  ParseOptions
		tol  float64
	}{
		{"prefixed comma", build(", ", func(p TurningPoint) string { return fmt.Sprintf("%.2f, %.2f", p.X, p.Y) }), ParseOptions{}, 1e-7},
		{"prefixed full-width comma, closing point", build("，", func(p TurningPoint) string { return fmt.Sprintf("%.2f，%.2f", p.X, p.Y) }) +
			fmt.Sprintf("\nJ5，%.2f，%.2f", pts[0].X, pts[0].Y), ParseOptions{Format: GKPrefixed}, 1e-7},
		{"prefixed tab, swapped", build("\t", func(p TurningPoint) string { return fmt.Sprintf("%.2f\t%.2f", p.Y, p.X) }), ParseOptions{}, 1e-7},
		{"plain spaces with zone", build(" ", func(p TurningPoint) string { return fmt.Sprintf("%.2f %.2f", p.X, p.Y-28e6) }), ParseOptions{Zone: 28}, 1e-7},
		{"plain with zone line", "带号: 28\n" + build(",", func(p TurningPoint) string { return fmt.Sprintf("%.2f,%.2f", p.X, p.Y-28e6) }), ParseOptions{Format: GKPlain}, 1e-7},
		{"dms", build(", ", func(p TurningPoint) string { return FormatDMS(p.Lon, 3) + ", " + FormatDMS(p.Lat, 3) }), ParseOptions{}, 0.001 * sec},
		{"dms lat first", build(", ", func(p TurningPoint) string { return FormatDMS(p.Lat, 3) + ", " + FormatDMS(p.Lon, 3) }), ParseOptions{Format: DMS}, 0.001 * sec},
		{"dms spaces", build(" ", func(p TurningPoint) string {
			return strings.NewReplacer("°", " ", "'", " ", `"`, "").Replace(FormatDMS(p.Lon, 3) + " " + FormatDMS(p.Lat, 3))
		}), ParseOptions{}, 0.001 * sec},
		{"packed", build(",", func(p TurningPoint) string { return packed(p.Lon) + "," + packed(p.Lat) }), ParseOptions{}, 0.001 * sec},
		{"decimal", build(",", func(p TurningPoint) string { return fmt.Sprintf("%.9f,%.9f", p.Lon, p.Lat) }), ParseOptions{Format: Decimal}, 1e-9},
		{"decimal auto, no ids", strings.Join(func() []string {
			var l []string
			for _, p := range pts {
				l = append(l, fmt.Sprintf("%.9f %.9f", p.Lon, p.Lat))
			}
			return l
		}(), "\n"), ParseOptions{}, 1e-9},
		{"headers and ring column", "[地块坐标]\n4,1.0,1,名称,面,,,,@\n点号,圈号,X,Y\n" +
			build(",1,", func(p TurningPoint) string { return fmt.Sprintf("%.2f,%.2f", p.X, p.Y) }), ParseOptions{}, 1e-7},
	}
	for _, c := range cases {
		mp, rowErrs, err := ParseTurningPoints(c.text, c.opt)
		if err != nil || len(rowErrs) > 0 {
			t.Errorf("%s: %v %v\n%s", c.name, err, rowErrs, c.text)
			continue
		}
		checkVecBlock(t, c.name, mp, c.tol)
	}
	// The DESIGN.md vector itself, as a table row, lands on the DMS of the vector.
	mp, _, err := ParseTurningPoints("J1, 4940964.21, 28421671.18\nJ2, 4940964.21, 28422671.18\nJ3, 4939964.21, 28422671.18", ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range mp[0][0] {
		if FormatDMS(p[0], 3) == `83°00'48.281"` && FormatDMS(p[1], 3) == `44°35'59.917"` {
			found = true
		}
	}
	if !found {
		t.Errorf("test vector not found in %v", mp)
	}
}

func TestParseTurningPointsRingsAndHoles(t *testing.T) {
	sq := func(x0, y0, d float64, j int) string {
		return fmt.Sprintf("J%d,%.2f,%.2f\nJ%d,%.2f,%.2f\nJ%d,%.2f,%.2f\nJ%d,%.2f,%.2f\n",
			j, x0, y0, j+1, x0, y0+d, j+2, x0-d, y0+d, j+3, x0-d, y0)
	}
	outer := sq(4941000, 28421000, 1000, 1)
	inner := sq(4940800, 28421200, 200, 5)
	other := sq(4941000, 28425000, 500, 9)
	cases := []struct {
		name        string
		text        string
		parts, hole int
	}{
		{"blank lines, unmarked nesting", outer + "\n" + inner + "\n" + other, 2, 1},
		{"star lines", outer + "*\n" + inner + "*\n" + other, 2, 1},
		{"marked hole", "圈1\n" + outer + "第2圈 洞\n" + inner + "环3\n" + other, 2, 1},
		{"内环 and negative ring header", outer + "内环\n" + inner + "圈-3\n" + sq(4940500, 28421600, 100, 13), 1, 2},
		{"ring column with negative hole", strings.NewReplacer("J1,", "J1,1,", "J2,", "J2,1,", "J3,", "J3,1,", "J4,", "J4,1,").Replace(outer) +
			strings.NewReplacer("J5,", "J5,-2,", "J6,", "J6,-2,", "J7,", "J7,-2,", "J8,", "J8,-2,").Replace(inner), 1, 1},
		{"two marked outers, no holes", outer + "圈2\n" + other, 2, 0},
	}
	for _, c := range cases {
		mp, rowErrs, err := ParseTurningPoints(c.text, ParseOptions{})
		if err != nil || len(rowErrs) > 0 {
			t.Errorf("%s: %v %v", c.name, err, rowErrs)
			continue
		}
		holes := 0
		for _, p := range mp {
			holes += len(p) - 1
			for i, r := range p {
				if (ringArea(r) > 0) != (i == 0) {
					t.Errorf("%s: ring %d wrongly oriented", c.name, i)
				}
				if r[0] != r[len(r)-1] {
					t.Errorf("%s: ring not closed", c.name)
				}
			}
		}
		if len(mp) != c.parts || holes != c.hole {
			t.Errorf("%s: %d parts, %d holes; want %d, %d", c.name, len(mp), holes, c.parts, c.hole)
		}
	}
	// Area with the hole subtracted: 1 km² − 0.04 km², plus the other 0.25 km².
	mp, _, _ := ParseTurningPoints(outer+"\n"+inner+"\n"+other, ParseOptions{})
	if got := EllipsoidalArea(mp) / 1e6; math.Abs(got-1.21) > 0.001 {
		t.Errorf("area %v km², want ≈1.21", got)
	}
}

func TestParseTurningPointsErrors(t *testing.T) {
	good := "J1, 4940964.21, 28421671.18\nJ2, 4940964.21, 28422671.18\nJ3, 4939964.21, 28422671.18\n"
	cases := []struct {
		name string
		text string
		opt  ParseOptions
		line int
		frag string
	}{
		{"non-numeric", good + "\nJ4, 4940964.2x, 28421671.18\nJ5, 4940000, 28421671.18\nJ6, 4940000, 28421000\n", ParseOptions{}, 5, "not"},
		{"two points", good + "\nJ4, 4940964.21, 28425000\nJ5, 4940000, 28425000\nJ6, 4940964.21, 28425000\n", ParseOptions{}, 5, "2 distinct"},
		{"bad prefix zone", "J1, 4940964.21, 58421671.18\nJ2, 4940964.21, 58422671.18\nJ3, 4939964.21, 58422671.18\n", ParseOptions{}, 1, "zone prefix 58"},
		{"northing out of range", good + "\nJ4, 9940964.21, 28421671.18\n", ParseOptions{}, 5, "northing"},
		{"minutes 60", "J1, 83°60'00\", 44°00'00\"\nJ2, 83°10'00\", 44°00'00\"\nJ3, 83°10'00\", 44°10'00\"\n", ParseOptions{}, 1, "minutes"},
		{"lon out of range", "J1, 10.5, 44.5\nJ2, 10.6, 44.5\nJ3, 10.6, 44.6\n", ParseOptions{}, 1, "outside"},
		{"packed seconds", "J1, 0830060.1, 443559.917\nJ2, 0830148.281, 443559.917\nJ3, 0830148.281, 443659.917\n", ParseOptions{}, 1, "seconds"},
		{"too many fields", good + "J4, 1, 2, 3, 4940964.21, 28421671.18\n", ParseOptions{}, 4, "fields"},
		{"hole outside", good + "洞\nJ4, 4930000, 28421000\nJ5, 4930000, 28421100\nJ6, 4929900, 28421100\n", ParseOptions{}, 5, "not inside"},
		{"format mismatch", good + "J4, 83.5, 44.5\n", ParseOptions{}, 4, "expected X"},
	}
	for _, c := range cases {
		_, rowErrs, err := ParseTurningPoints(c.text, c.opt)
		if err != nil {
			t.Errorf("%s: fatal %v", c.name, err)
			continue
		}
		ok := false
		for _, re := range rowErrs {
			if re.Line == c.line && strings.Contains(re.Message, c.frag) && strings.Contains(re.Error(), fmt.Sprintf("第 %d 行：", c.line)) && bilingual(re.Message) {
				ok = true
			}
		}
		if !ok {
			t.Errorf("%s: row errors %v; want line %d mentioning %q", c.name, rowErrs, c.line, c.frag)
		}
	}
	fatal := []struct {
		text string
		opt  ParseOptions
		frag string
	}{
		{"", ParseOptions{}, "no turning points"},
		{"点号, X, Y\n", ParseOptions{}, "no turning points"},
		{"J1, 4940964.21, 421671.18\n", ParseOptions{}, "带号"},
		{good, ParseOptions{Zone: 7}, "zone 7"},
		{good, ParseOptions{Format: PointFormat(99)}, "format"},
		{strings.Repeat("x", maxTableBytes+1), ParseOptions{}, "bytes"},
	}
	for _, c := range fatal {
		_, _, err := ParseTurningPoints(c.text, c.opt)
		if err == nil || !strings.Contains(err.Error(), c.frag) || !bilingual(err.Error()) {
			t.Errorf("ParseTurningPoints(%.30q) error %v; want one mentioning %q", c.text, err, c.frag)
		}
	}
}

// bilingual reports whether a message is Chinese first, then " / ", then English, as every
// message a planner sees is.
func bilingual(msg string) bool {
	zh, en, ok := strings.Cut(msg, " / ")
	han := func(r rune) bool { return unicode.Is(unicode.Han, r) }
	return ok && strings.IndexFunc(zh, han) >= 0 && en != "" && !han([]rune(en)[0])
}

func TestTurningPointsRoundTrip(t *testing.T) {
	// Two parts, the first with a hole, drawn counter-clockwise in lon/lat, starting anywhere.
	mp := orb.MultiPolygon{
		{
			{{83.02, 44.58}, {83.05, 44.585}, {83.04, 44.61}, {83.01, 44.60}, {83.02, 44.58}},
			{{83.025, 44.59}, {83.03, 44.6}, {83.035, 44.59}, {83.025, 44.59}},
		},
		{{{83.1, 44.5}, {83.12, 44.5}, {83.12, 44.52}, {83.1, 44.5}}},
	}
	for _, prefix := range []bool{true, false} {
		pts, err := TurningPoints(mp, 28, prefix)
		if err != nil {
			t.Fatal(err)
		}
		if len(pts) != 4+3+3 || pts[0].J != 1 || pts[9].J != 10 || !pts[4].Hole || pts[4].Ring != 2 || pts[7].Part != 2 {
			t.Fatalf("points %+v", pts)
		}
		// First point of the outer ring: north-west-most, i.e. (83.01, 44.60); next clockwise.
		if math.Abs(pts[0].Lon-83.01) > 1e-12 || math.Abs(pts[0].Lat-44.60) > 1e-12 || math.Abs(pts[1].Lon-83.04) > 1e-12 {
			t.Errorf("outer ring order %+v %+v", pts[0], pts[1])
		}
		if prefix && (pts[0].Y < 28e6 || pts[0].Y > 29e6) || !prefix && pts[0].Y > 1e6 {
			t.Errorf("Y %v with prefix %v", pts[0].Y, prefix)
		}
		for _, dms := range []bool{false, true} {
			text := FormatTurningPoints(pts, dms)
			back, rowErrs, err := ParseTurningPoints(text, ParseOptions{})
			if err != nil || len(rowErrs) > 0 {
				t.Fatalf("prefix %v dms %v: %v %v\n%s", prefix, dms, err, rowErrs, text)
			}
			pts2, err := TurningPoints(back, 28, prefix)
			if err != nil {
				t.Fatal(err)
			}
			if text2 := FormatTurningPoints(pts2, dms); text2 != text {
				t.Errorf("prefix %v dms %v: table changed on round trip:\n%s\n---\n%s", prefix, dms, text, text2)
			}
			// Rounding moves each vertex by ≤ 1.5 cm (0.0005″ or 0.005 m): ≤ perimeter × 1.5 cm.
			if d := math.Abs(EllipsoidalArea(back) - EllipsoidalArea(mp)); d > 300 {
				t.Errorf("area changed by %v m²", d)
			}
		}
	}
	if got := FormatTurningPoints(nil, false); got != "点号, X, Y\n" {
		t.Errorf("empty table %q", got)
	}
	if _, err := TurningPoints(mp, 99, true); !errors.Is(err, ErrUnknownCRS) || !bilingual(err.Error()) {
		t.Errorf("zone 99: %v", err)
	}
}

func FuzzParseTurningPoints(f *testing.F) {
	f.Add("J1, 4940964.21, 28421671.18\nJ2, 4940964.21, 28422671.18\nJ3, 4939964.21, 28422671.18\n", 0, 0)
	f.Add("J1, 83°00'48.281\", 44°35'59.917\"\nJ2, 83°01'48\", 44°35'59\"\nJ3, 83°01'48\", 44°36'59\"\n洞\nJ4,1,2\n", 0, 0)
	f.Add("带号: 28\n部分1 圈1\nJ1, 4940964.21, 421671.18\nJ2,4940964.21,422671.18\nJ3,4939964.21,422671.18\n", 2, 0)
	f.Add("J1 0830048.281 443559.917\nJ2 0830148.281 443559.917\nJ3 0830148.281 443659.917", 4, 28)
	f.Add("J1,1,83.5,44.5\nJ2,1,83.6,44.5\nJ3,1,83.6,44.6\nJ4,-2,83.55,44.52\n", 5, 0)
	f.Fuzz(func(t *testing.T, text string, format, zone int) {
		if format < 0 || format > 5 {
			format = 0
		}
		mp, rowErrs, err := ParseTurningPoints(text, ParseOptions{Format: PointFormat(format), Zone: zone})
		if err != nil {
			return
		}
		for _, re := range rowErrs {
			if re.Line < 1 || re.Message == "" {
				t.Fatalf("bad row error %+v", re)
			}
		}
		for _, p := range mp {
			for _, r := range p {
				if len(r) < 4 || r[0] != r[len(r)-1] {
					t.Fatalf("bad ring %v", r)
				}
				for _, pt := range r {
					if !finite(pt[0]) || !finite(pt[1]) {
						t.Fatalf("non-finite point %v", pt)
					}
				}
			}
		}
		_ = EllipsoidalArea(mp)
	})
}
