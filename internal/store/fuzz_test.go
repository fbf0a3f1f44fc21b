package store

import (
	"math"
	"os"
	"testing"

	"github.com/paulmach/orb"
)

func FuzzDecodeGeometry(f *testing.F) {
	for _, mp := range []orb.MultiPolygon{
		{{square(82, 44, 1), {{82.2, 44.2}, {82.2, 44.4}, {82.4, 44.4}, {82.2, 44.2}}}},
		{{square(85, 45, 0.1)}, {square(86, 45, 0.2)}},
	} {
		b, err := encodeGeometry(mp, 4490, false)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	b, _ := encodeGeometry(orb.MultiPolygon{{square(1, 1, 1)}}, 4490, true)
	f.Add(b)
	f.Add([]byte{'G', 'P', 0, 0x11, 0, 0, 0, 0})
	f.Add([]byte("GP\x00\x01\x00\x00\x00\x00\x01\xeb\x03\x00\x00\x01\x00\x00\x00\x04\x00\x00\x00"))
	f.Add([]byte("GP\x00\x01\x00\x00\x00\x00\x01\x07\x00\x00\x00\xff\xff\xff\xff"))
	if gdal, err := os.ReadFile("testdata/gdal_geom.bin"); err == nil {
		f.Add(gdal)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		mp, err := decodeGeometry(b)
		stMinX(b)
		stIsEmpty(b)
		// ReadLayer's decoding into a shared slab gives the same answer.
		sl := &slab{}
		fromSlab, slabErr := decodeGeometryIn(b, sl)
		if (err == nil) != (slabErr == nil) || !sameBits(mp, fromSlab) {
			t.Fatalf("slab decode %v, %v; plain %v, %v", fromSlab, slabErr, mp, err)
		}
		if err != nil || len(mp) == 0 {
			return
		}
		// Whatever decodes re-encodes and decodes to the same geometry.
		enc, err := encodeGeometry(mp, 4490, false)
		if err != nil {
			return // NaN coordinates are refused on write
		}
		back, err := decodeGeometry(enc)
		if err != nil || len(back) != len(mp) {
			t.Fatalf("re-decode: %v (%d vs %d parts)", err, len(back), len(mp))
		}
	})
}

// sameBits compares geometries coordinate by coordinate, bit for bit (NaN included).
func sameBits(a, b orb.MultiPolygon) bool {
	if len(a) != len(b) || (a == nil) != (b == nil) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if len(a[i][j]) != len(b[i][j]) {
				return false
			}
			for k, p := range a[i][j] {
				q := b[i][j][k]
				if math.Float64bits(p[0]) != math.Float64bits(q[0]) || math.Float64bits(p[1]) != math.Float64bits(q[1]) {
					return false
				}
			}
		}
	}
	return true
}
