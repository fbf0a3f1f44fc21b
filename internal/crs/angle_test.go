package crs

import (
	"math"
	"strings"
	"testing"
)

func TestFormatDMS(t *testing.T) {
	cases := []struct {
		deg  float64
		dec  int
		want string
	}{
		{vecLon, 3, `83°00'48.281"`},
		{vecLat, 3, `44°35'59.917"`},
		{83.5, 0, `83°30'00"`},
		{44.99999999, 3, `45°00'00.000"`}, // carry from 59.99996″
		{-0.5, 1, `-0°30'00.0"`},
		{-0.0000000001, 3, `0°00'00.000"`},
		{0, 2, `0°00'00.00"`},
	}
	for _, c := range cases {
		if got := FormatDMS(c.deg, c.dec); got != c.want {
			t.Errorf("FormatDMS(%v, %d) = %q, want %q", c.deg, c.dec, got, c.want)
		}
	}
}

func TestParseAngle(t *testing.T) {
	good := map[string]float64{
		`83°00'48.281"`:   vecLon,
		`83° 00′ 48.281″`: vecLon,
		`83°00′48.281″E`:  vecLon,
		`８３°００′４８．２８１″`:   vecLon,
		"83度00分48.281秒":   vecLon,
		"83d00m48.281s":   vecLon,
		"83D00M48.281\"":  vecLon,
		"83°00'48.281''":  vecLon,
		"83 00 48.281":    vecLon,
		"0830048.281":     vecLon,
		"830048.281":      vecLon,
		"443559.917":      vecLat,
		`44°35'59.917"N`:  vecLat,
		`S 44°35'59.917"`: -vecLat,
		"83.5":            83.5,
		"-83.5":           -83.5,
		"  83  ":          83,
		"83°30'":          83.5,
		"83°30.5'":        83 + 30.5/60,
		"83°":             83,
		"83d30":           83.5,
		"83 30":           83.5,
		"0":               0,
		"1000000":         100,
		"360":             360,
	}
	for s, want := range good {
		got, err := ParseAngle(s)
		if err != nil || math.Abs(got-want) > 1e-12 {
			t.Errorf("ParseAngle(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	bad := map[string]string{
		"":                       "empty",
		"abc":                    "number",
		`83°60'00"`:              "minutes",
		`83°00'60"`:              "seconds",
		"0836048.281":            "minutes",
		"0830060.5":              "seconds",
		"361":                    "range",
		"3610000":                "range",
		"83.5°30'":               "whole",
		"1e5":                    "number",
		"NaN":                    "number",
		"Inf":                    "number",
		"83 00 48 12":            "degrees minutes seconds",
		"12345678":               "5 to 7 digits",
		`83°°`:                   "without a number",
		`83'00°`:                 "order",
		"-":                      "no number",
		strings.Repeat("1", 500): "too long",
	}
	for s, frag := range bad {
		_, err := ParseAngle(s)
		if err == nil || !strings.Contains(err.Error(), frag) {
			t.Errorf("ParseAngle(%q) error = %v, want one mentioning %q", s, err, frag)
		}
	}
	// FormatDMS output always parses back.
	for _, v := range []float64{0, 1e-7, 44.5999769, 83.0134114, 95.9999999, 135} {
		got, err := ParseAngle(FormatDMS(v, 3))
		if err != nil || math.Abs(got-v)*3600 > 0.0005 {
			t.Errorf("round trip %v: %v %v", v, got, err)
		}
	}
}

func FuzzParseAngle(f *testing.F) {
	for _, s := range []string{`83°00'48.281"`, "0830048.281", "83.5", "83 00 48.281", "83d00m48.281s", "８３°", "-", "S44"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseAngle(s)
		if err != nil {
			return
		}
		if math.IsNaN(v) || math.Abs(v) > 360 {
			t.Fatalf("ParseAngle(%q) = %v", s, v)
		}
		back, err := ParseAngle(FormatDMS(v, 6))
		if err != nil || math.Abs(back-v) > 1e-8 {
			t.Fatalf("FormatDMS(%v) does not parse back: %v %v", v, back, err)
		}
	})
}
