package crs

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// FormatDMS writes an angle in degrees as 83°00'48.281" with secDecimals (0..6) decimals of
// seconds; negative angles get a leading minus. Rounding carries into minutes and degrees, so
// 59.9996" never prints as 60.000".
func FormatDMS(deg float64, secDecimals int) string {
	secDecimals = max(0, min(secDecimals, 6))
	if math.IsNaN(deg) || math.IsInf(deg, 0) {
		return fmt.Sprint(deg)
	}
	sign := ""
	if deg < 0 {
		sign = "-"
		deg = -deg
	}
	scale := math.Pow10(secDecimals)
	units := math.Round(deg * 3600 * scale) // in 10^-secDecimals seconds
	if units == 0 {
		sign = ""
	}
	perMin := 60 * scale
	perDeg := 3600 * scale
	d := math.Floor(units / perDeg)
	units -= d * perDeg
	m := math.Floor(units / perMin)
	units -= m * perMin
	s := units / scale
	width := 2
	if secDecimals > 0 {
		width = 3 + secDecimals
	}
	return fmt.Sprintf("%s%d°%02d'%0*.*f\"", sign, int64(d), int64(m), width, secDecimals, s)
}

const maxAngleLen = 64

// ParseAngle reads an angle in degrees from the forms planners type or paste:
//
//   - DMS with marks: 83°00'48.281", 83° 00′ 48.281″, 83度00分48.281秒, 83d00m48.281s, full-width
//     marks and digits, an optional hemisphere letter (E/N positive, W/S negative) or minus sign;
//   - DMS as three numbers: "83 00 48.281";
//   - packed DDDMMSS.sss: 0830048.281 or 830048.281 (at least five integer digits);
//   - decimal degrees: 83.013411.
//
// Minutes and seconds must be below 60 and the angle within ±360°.
func ParseAngle(s string) (float64, error) {
	orig := s
	if len(s) > maxAngleLen*4 {
		return 0, fmt.Errorf("angle %.20q…: too long", s)
	}
	s = normaliseAngle(s)
	if s == "" {
		return 0, fmt.Errorf("empty angle")
	}
	if len(s) > maxAngleLen {
		return 0, fmt.Errorf("angle %q: too long", orig)
	}
	neg := false
	// Hemisphere letter at either end.
	// Upper case only: a lower-case s is the seconds mark.
	if c := s[len(s)-1]; strings.IndexByte("NSEW", c) >= 0 {
		neg = c == 'S' || c == 'W'
		s = strings.TrimSpace(s[:len(s)-1])
	} else if c := s[0]; strings.IndexByte("NSEW", c) >= 0 {
		neg = c == 'S' || c == 'W'
		s = strings.TrimSpace(s[1:])
	}
	if strings.HasPrefix(s, "-") {
		neg = !neg
		s = strings.TrimSpace(s[1:])
	} else if strings.HasPrefix(s, "+") {
		s = strings.TrimSpace(s[1:])
	}
	if s == "" {
		return 0, fmt.Errorf("angle %q has no number", orig)
	}
	var v float64
	var err error
	switch {
	case strings.ContainsAny(s, "dms"):
		v, err = parseMarkedDMS(s)
	case strings.ContainsAny(s, " "):
		f := strings.Fields(s)
		if len(f) > 3 {
			return 0, fmt.Errorf("angle %q: expected degrees minutes seconds", orig)
		}
		for len(f) < 3 {
			f = append(f, "0")
		}
		v, err = dmsParts(f[0], f[1], f[2])
	default:
		v, err = parsePackedOrDecimal(s)
	}
	if err != nil {
		return 0, fmt.Errorf("angle %q: %v", orig, err)
	}
	if v > 360 {
		return 0, fmt.Errorf("angle %q: %g° is out of range (at most 360°)", orig, v)
	}
	if neg {
		v = -v
	}
	return v, nil
}

// normaliseAngle maps every degree/minute/second mark to d/m/s, full-width characters to ASCII
// and collapses whitespace.
func normaliseAngle(s string) string {
	var b strings.Builder
	runes := []rune(strings.TrimSpace(s))
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		switch {
		case r >= '０' && r <= '９':
			b.WriteRune('0' + r - '０')
		case r == '．' || r == '。':
			b.WriteByte('.')
		case r == '－' || r == '−':
			b.WriteByte('-')
		case r == '＋':
			b.WriteByte('+')
		case r == '°' || r == '度' || r == 'º' || r == '˚' || r == 'D':
			b.WriteByte('d')
		case r == '\'' && i+1 < len(runes) && runes[i+1] == '\'':
			b.WriteByte('s') // two apostrophes as a seconds mark
			i++
		case r == '\'' || r == '′' || r == '’' || r == '‘' || r == '＇' || r == '分' || r == 'M':
			b.WriteByte('m')
		case r == '"' || r == '″' || r == '”' || r == '“' || r == '＂' || r == '秒':
			b.WriteByte('s')
		case r == '\u3000' || unicode.IsSpace(r):
			b.WriteByte(' ')
		case r >= 'Ａ' && r <= 'Ｚ':
			b.WriteRune('A' + r - 'Ａ')
		default:
			b.WriteRune(r)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// parseMarkedDMS reads "83d00m48.281s" (spaces allowed; any trailing part may be missing).
func parseMarkedDMS(s string) (float64, error) {
	s = strings.ReplaceAll(s, " ", "")
	parts := map[byte]string{}
	order := ""
	cur := strings.Builder{}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case 'd', 'm', 's':
			if cur.Len() == 0 {
				return 0, fmt.Errorf("mark %q without a number", c)
			}
			if _, dup := parts[c]; dup {
				return 0, fmt.Errorf("mark %q twice", c)
			}
			parts[c] = cur.String()
			order += string(c)
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	if cur.Len() > 0 {
		// A trailing unmarked number belongs to the next unit: 83d00m48.281 or 83d30.
		switch {
		case order == "d":
			parts['m'] = cur.String()
			order += "m"
		case order == "dm":
			parts['s'] = cur.String()
			order += "s"
		default:
			return 0, fmt.Errorf("unexpected %q", cur.String())
		}
	}
	if order != "d" && order != "dm" && order != "dms" && order != "ds" && order != "m" && order != "ms" && order != "s" {
		return 0, fmt.Errorf("marks out of order")
	}
	d, m, sec := parts['d'], parts['m'], parts['s']
	if d == "" {
		d = "0"
	}
	if m == "" {
		m = "0"
	}
	if sec == "" {
		sec = "0"
	}
	return dmsParts(d, m, sec)
}

// dmsParts combines degree, minute and second strings; only the last non-zero part may carry
// decimals and minutes and seconds must be below 60.
func dmsParts(ds, ms, ss string) (float64, error) {
	d, err := plainNumber(ds)
	if err != nil {
		return 0, fmt.Errorf("degrees %q: %v", ds, err)
	}
	m, err := plainNumber(ms)
	if err != nil {
		return 0, fmt.Errorf("minutes %q: %v", ms, err)
	}
	sec, err := plainNumber(ss)
	if err != nil {
		return 0, fmt.Errorf("seconds %q: %v", ss, err)
	}
	if m >= 60 {
		return 0, fmt.Errorf("minutes %s must be below 60", ms)
	}
	if sec >= 60 {
		return 0, fmt.Errorf("seconds %s must be below 60", ss)
	}
	if (m != 0 || sec != 0) && d != math.Trunc(d) {
		return 0, fmt.Errorf("degrees %s must be whole when minutes or seconds follow", ds)
	}
	if sec != 0 && m != math.Trunc(m) {
		return 0, fmt.Errorf("minutes %s must be whole when seconds follow", ms)
	}
	return d + m/60 + sec/3600, nil
}

// plainNumber parses an unsigned decimal number without exponent, Inf or NaN.
func plainNumber(s string) (float64, error) {
	if s == "" {
		return 0, fmt.Errorf("missing number")
	}
	dot := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
		case c == '.' && !dot:
			dot = true
		default:
			return 0, fmt.Errorf("not a number")
		}
	}
	if s == "." {
		return 0, fmt.Errorf("not a number")
	}
	return strconv.ParseFloat(s, 64)
}

// parsePackedOrDecimal reads DDDMMSS.sss when the integer part has five or more digits, else
// decimal degrees.
func parsePackedOrDecimal(s string) (float64, error) {
	if _, err := plainNumber(s); err != nil {
		return 0, err
	}
	intPart, _, _ := strings.Cut(s, ".")
	if len(intPart) < 5 {
		return strconv.ParseFloat(s, 64)
	}
	return parsePacked(s)
}

// parsePacked reads DDDMMSS.sss / DDMMSS.sss.
func parsePacked(s string) (float64, error) {
	intPart, frac, hasDot := strings.Cut(s, ".")
	if len(intPart) < 5 || len(intPart) > 7 {
		return 0, fmt.Errorf("packed DDDMMSS.sss needs 5 to 7 digits before the decimal point, got %d", len(intPart))
	}
	n := len(intPart)
	sec := intPart[n-2:]
	if hasDot {
		sec += "." + frac
	}
	return dmsParts(intPart[:n-4], intPart[n-4:n-2], sec)
}
