package store

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// referenceBlob is the GP blob as the generic path writes it: orb's bound and orb's WKB encoder.
func referenceBlob(t *testing.T, mp orb.MultiPolygon, asPolygon bool) []byte {
	t.Helper()
	b := mp.Bound()
	var buf bytes.Buffer
	buf.Write([]byte{'G', 'P', 0, flagLittle | flagEnvXY})
	binary.Write(&buf, binary.LittleEndian, int32(4490))
	for _, v := range []float64{b.Min[0], b.Max[0], b.Min[1], b.Max[1]} {
		binary.Write(&buf, binary.LittleEndian, v)
	}
	var g orb.Geometry = mp
	if asPolygon {
		g = mp[0]
	}
	if err := wkb.NewEncoder(&buf).SetByteOrder(binary.LittleEndian).Encode(g); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestEncodeGeometryMatchesGenericEncoder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	ring := func(n int) orb.Ring {
		r := make(orb.Ring, n)
		for i := range r {
			r[i] = orb.Point{70 + rng.Float64()*25, 35 + rng.Float64()*15}
		}
		r[n-1] = r[0]
		return r
	}
	cases := []orb.MultiPolygon{
		{{square(82, 44, 1)}},
		{{square(82, 44, 1), square(82.2, 44.2, 0.1)}},
		{{square(85, 45, 0.1)}, {square(80, 40, 0.2), square(80.01, 40.01, 0.01)}},
		// A hole reaching outside its shell does not widen the envelope, as in orb.
		{{square(1, 1, 1), square(-5, -5, 20)}},
		{{}, {square(3, 3, 1)}}, // an empty part before a real one
	}
	for i := 0; i < 50; i++ {
		var mp orb.MultiPolygon
		for p := 0; p < 1+rng.IntN(3); p++ {
			poly := orb.Polygon{ring(4 + rng.IntN(200))}
			for h := 0; h < rng.IntN(3); h++ {
				poly = append(poly, ring(4+rng.IntN(20)))
			}
			mp = append(mp, poly)
		}
		cases = append(cases, mp)
	}
	for i, mp := range cases {
		for _, asPolygon := range []bool{false, true} {
			if asPolygon && len(mp) != 1 {
				continue
			}
			got, bound, err := encodeGeometryBound(mp, 4490, asPolygon, false, false)
			if err != nil {
				t.Fatalf("case %d: %v", i, err)
			}
			if want := referenceBlob(t, mp, asPolygon); !bytes.Equal(got, want) {
				t.Fatalf("case %d (polygon %v): blob differs from the generic encoder\n got %x\nwant %x", i, asPolygon, got[:min(len(got), 64)], want[:min(len(want), 64)])
			}
			if bound != mp.Bound() {
				t.Fatalf("case %d: bound %v, orb says %v", i, bound, mp.Bound())
			}
			back, err := decodeGeometry(got)
			if err != nil || !sameBits(back, dropEmpty(mp)) {
				t.Fatalf("case %d: decode %v, %v", i, back, err)
			}
		}
	}
}

func dropEmpty(mp orb.MultiPolygon) orb.MultiPolygon {
	var out orb.MultiPolygon
	for _, p := range mp {
		if len(p) > 0 {
			out = append(out, p)
		}
	}
	return out
}

func TestEncodeGeometryRefusesNonFinite(t *testing.T) {
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		hole := square(82.2, 44.2, 0.1)
		hole[1][1] = bad // in a hole, which the envelope does not measure
		if _, _, err := encodeGeometryBound(orb.MultiPolygon{{square(82, 44, 1), hole}}, 4490, false, false, false); err == nil {
			t.Fatalf("coordinate %v accepted", bad)
		}
	}
	blob, b, err := encodeGeometryBound(orb.MultiPolygon{{}}, 4490, false, false, false)
	if blob != nil || err != nil || b != (orb.Bound{}) {
		t.Fatalf("empty geometry: %x, %v, %v; want NULL", blob, b, err)
	}
	if _, _, err := encodeGeometryBound(orb.MultiPolygon{{square(1, 1, 1)}, {square(3, 3, 1)}}, 4490, true, false, false); err == nil {
		t.Fatal("two parts accepted into a POLYGON layer")
	}
}

func TestEncodeGeometryZMHeader(t *testing.T) {
	mp := orb.MultiPolygon{{square(82, 44, 1)}}
	blob, b, err := encodeGeometryBound(mp, 4490, true, true, false)
	if err != nil {
		t.Fatal(err)
	}
	h, err := parseHeader(blob)
	if err != nil || !h.hasEnv || h.env != b || h.srsID != 4490 {
		t.Fatalf("header %+v, %v; want envelope %v", h, err, b)
	}
	back, err := decodeGeometry(blob)
	if err != nil || !sameBits(back, mp) {
		t.Fatalf("decode %v, %v", back, err)
	}
	if n := len(blob) - gpHeaderLen - 32; n != 9+4+5*24 {
		t.Fatalf("POLYGON Z of 5 points is %d bytes of WKB, want %d", n, 9+4+5*24)
	}
}
