package store

import (
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
