package crs

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
)

func FuzzFromPRJ(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.prj"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err == nil {
			f.Add(string(b))
		}
	}
	f.Add(`GEOGCS("x",SPHEROID("a",6378137,298.257222101))`)
	f.Add(`PROJCS["a""b",AUTHORITY["EPSG","4516"]]`)
	f.Fuzz(func(t *testing.T, wkt string) {
		c, err := FromPRJ(wkt)
		if err != nil {
			if !errors.Is(err, ErrUnknownCRS) {
				t.Fatalf("error %v does not wrap ErrUnknownCRS", err)
			}
			return
		}
		back, err := FromEPSG(c.EPSG)
		if err != nil || back != c {
			t.Fatalf("FromPRJ gave %+v, not a supported CRS", c)
		}
	})
}

func BenchmarkTransformMultiPolygon(b *testing.B) {
	var r orb.Ring
	for i := 0; i < 1000; i++ {
		a := 2 * math.Pi * float64(i) / 1000
		r = append(r, orb.Point{84 + 0.1*math.Cos(a), 44 + 0.07*math.Sin(a)})
	}
	r = append(r, r[0])
	mp := orb.MultiPolygon{{r}}
	gk, _ := GaussKruger(28, true)
	tr, err := NewTransformer(Geographic(), gk)
	if err != nil {
		b.Fatal(err)
	}
	defer tr.Close()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tr.MultiPolygon(mp); err != nil {
			b.Fatal(err)
		}
	}
}
