package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// GeoPackage binary geometry (spec §2.1.3): "GP", version 0, flags, srs_id, envelope, WKB.
const (
	gpHeaderLen   = 8
	flagLittle    = 0x01
	flagEnvXY     = 1 << 1 // envelope code 1: [minx, maxx, miny, maxy]
	flagEmpty     = 1 << 4
	flagExtended  = 1 << 5
	wkbPolygon    = 3
	wkbMultiPoly  = 6
	wkbCollection = 7
)

// Limits of the decoder: a GP blob comes from a file anyone may have written, so counts are
// checked against the bytes that remain before anything is allocated.
const (
	maxWKBDepth = 4
	maxParts    = 1 << 20
)

var errBadBlob = errors.New("not a GeoPackage geometry blob")

// encodeGeometry returns the GP blob of mp, or nil (SQL NULL) when mp is empty: the spec lets
// a feature have no geometry, and NULL keeps it out of the R-tree. asPolygon writes a single
// polygon as WKB Polygon, for tables declared POLYGON.
func encodeGeometry(mp orb.MultiPolygon, srsID int32, asPolygon bool) ([]byte, error) {
	return encodeGeometryZM(mp, srsID, asPolygon, false, false)
}

// encodeGeometryZM also serves tables declared with z = 1 or m = 1 (GDAL's POLYGON Z layers),
// where every geometry must carry those ordinates: they are written as 0.
func encodeGeometryZM(mp orb.MultiPolygon, srsID int32, asPolygon, z, m bool) ([]byte, error) {
	blob, _, err := encodeGeometryBound(mp, srsID, asPolygon, z, m)
	return blob, err
}

// encodeGeometryBound is encodeGeometryZM that also returns the envelope it wrote (the bound of
// the exterior rings, as orb's MultiPolygon.Bound), so a bulk insert need not walk the points
// again for the R-tree. The 2D blob is written in one pass over the points into a buffer of
// the exact size: a bulk import spends most of its encoding time otherwise in bytes.Buffer and
// the generic WKB encoder.
func encodeGeometryBound(mp orb.MultiPolygon, srsID int32, asPolygon, z, m bool) ([]byte, orb.Bound, error) {
	if isEmptyMP(mp) {
		return nil, orb.Bound{}, nil
	}
	if asPolygon && len(mp) != 1 {
		return nil, orb.Bound{}, fmt.Errorf("the layer holds single polygons, this feature has %d parts", len(mp))
	}
	b, ok := exteriorBound(mp)
	if !ok {
		return nil, orb.Bound{}, errors.New("geometry has a NaN or infinite coordinate")
	}
	hdr := gpHeaderLen + 32
	if z || m {
		var buf bytes.Buffer
		buf.Grow(hdr + wkbSize(mp))
		buf.Write(make([]byte, hdr))
		writeWKBZM(&buf, mp, asPolygon, z, m)
		out := buf.Bytes()
		putGPHeader(out, srsID, b)
		return out, b, nil
	}
	size := wkbSize(mp)
	if asPolygon {
		size -= 9 // no multi-polygon header
	}
	out := make([]byte, hdr+size)
	putGPHeader(out, srsID, b)
	le := binary.LittleEndian
	w := out[hdr:]
	poly := func(p orb.Polygon) {
		w[0] = 1
		le.PutUint32(w[1:], wkbPolygon)
		le.PutUint32(w[5:], uint32(len(p)))
		w = w[9:]
		for _, r := range p {
			le.PutUint32(w, uint32(len(r)))
			w = w[4:]
			for _, pt := range r {
				le.PutUint64(w, math.Float64bits(pt[0]))
				le.PutUint64(w[8:], math.Float64bits(pt[1]))
				w = w[16:]
			}
		}
	}
	if asPolygon {
		poly(mp[0])
	} else {
		w[0] = 1
		le.PutUint32(w[1:], wkbMultiPoly)
		le.PutUint32(w[5:], uint32(len(mp)))
		w = w[9:]
		for _, p := range mp {
			poly(p)
		}
	}
	return out, b, nil
}

// putGPHeader writes the GP header with an XY envelope into the first 40 bytes of out.
func putGPHeader(out []byte, srsID int32, b orb.Bound) {
	out[0], out[1], out[2], out[3] = 'G', 'P', 0, flagLittle|flagEnvXY
	binary.LittleEndian.PutUint32(out[4:], uint32(srsID))
	for i, v := range []float64{b.Min[0], b.Max[0], b.Min[1], b.Max[1]} {
		binary.LittleEndian.PutUint64(out[8+8*i:], math.Float64bits(v))
	}
}

// exteriorBound is the bound of the exterior rings (what orb's MultiPolygon.Bound measures);
// ok is false when any coordinate, of any ring, is NaN or infinite.
func exteriorBound(mp orb.MultiPolygon) (b orb.Bound, ok bool) {
	first := true
	for _, p := range mp {
		for j, r := range p {
			for _, pt := range r {
				x, y := pt[0], pt[1]
				// x-x is 0 for a finite x and NaN for NaN or ±Inf: one test for both.
				if x-x != 0 || y-y != 0 {
					return orb.Bound{}, false
				}
				if j != 0 {
					continue
				}
				if first {
					b, first = orb.Bound{Min: pt, Max: pt}, false
					continue
				}
				if x < b.Min[0] {
					b.Min[0] = x
				} else if x > b.Max[0] {
					b.Max[0] = x
				}
				if y < b.Min[1] {
					b.Min[1] = y
				} else if y > b.Max[1] {
					b.Max[1] = y
				}
			}
		}
	}
	return b, true
}

// writeWKBZM writes little-endian ISO WKB with Z and/or M ordinates set to 0.
func writeWKBZM(buf *bytes.Buffer, mp orb.MultiPolygon, asPolygon, z, m bool) {
	off := uint32(0)
	extra := 0
	switch {
	case z && m:
		off, extra = 3000, 2
	case z:
		off, extra = 1000, 1
	case m:
		off, extra = 2000, 1
	}
	var tmp [8]byte
	u32 := func(v uint32) {
		binary.LittleEndian.PutUint32(tmp[:4], v)
		buf.Write(tmp[:4])
	}
	f64 := func(v float64) {
		binary.LittleEndian.PutUint64(tmp[:], math.Float64bits(v))
		buf.Write(tmp[:])
	}
	poly := func(p orb.Polygon) {
		buf.WriteByte(1)
		u32(off + wkbPolygon)
		u32(uint32(len(p)))
		for _, r := range p {
			u32(uint32(len(r)))
			for _, pt := range r {
				f64(pt[0])
				f64(pt[1])
				for i := 0; i < extra; i++ {
					f64(0)
				}
			}
		}
	}
	if asPolygon {
		poly(mp[0])
		return
	}
	buf.WriteByte(1)
	u32(off + wkbMultiPoly)
	u32(uint32(len(mp)))
	for _, p := range mp {
		poly(p)
	}
}

func wkbSize(mp orb.MultiPolygon) int {
	n := 9
	for _, p := range mp {
		n += 9
		for _, r := range p {
			n += 4 + 16*len(r)
		}
	}
	return n
}

func isEmptyMP(mp orb.MultiPolygon) bool {
	for _, p := range mp {
		if len(p) > 0 && len(p[0]) > 0 {
			return false
		}
	}
	return true
}

// gpHeader is the parsed fixed part of a GP blob.
type gpHeader struct {
	srsID  int32
	empty  bool
	env    orb.Bound
	hasEnv bool
	wkbOff int
}

func parseHeader(b []byte) (gpHeader, error) {
	var h gpHeader
	if len(b) < gpHeaderLen || b[0] != 'G' || b[1] != 'P' {
		return h, errBadBlob
	}
	if b[2] != 0 {
		return h, fmt.Errorf("GeoPackage geometry version %d is not supported", b[2])
	}
	flags := b[3]
	if flags&flagExtended != 0 {
		return h, errors.New("extended GeoPackage geometry is not supported")
	}
	var bo binary.ByteOrder = binary.BigEndian
	if flags&flagLittle != 0 {
		bo = binary.LittleEndian
	}
	h.srsID = int32(bo.Uint32(b[4:8]))
	h.empty = flags&flagEmpty != 0
	envDoubles := 0
	switch (flags >> 1) & 7 {
	case 0:
	case 1:
		envDoubles = 4
	case 2, 3:
		envDoubles = 6
	case 4:
		envDoubles = 8
	default:
		return h, errors.New("invalid envelope code in GeoPackage geometry")
	}
	h.wkbOff = gpHeaderLen + 8*envDoubles
	if len(b) < h.wkbOff {
		return h, errors.New("GeoPackage geometry shorter than its envelope")
	}
	if envDoubles > 0 {
		f := func(i int) float64 { return math.Float64frombits(bo.Uint64(b[gpHeaderLen+8*i:])) }
		h.env = orb.Bound{Min: orb.Point{f(0), f(2)}, Max: orb.Point{f(1), f(3)}}
		h.hasEnv = !math.IsNaN(h.env.Min[0])
	}
	return h, nil
}

// decodeGeometry turns a GP blob into a MultiPolygon. NULL (nil) and empty geometries give
// nil. Polygon, MultiPolygon and collections of them are accepted in 2D, Z, M and ZM (ISO
// and EWKB flags); Z and M are dropped because the plan is 2D.
func decodeGeometry(b []byte) (orb.MultiPolygon, error) {
	return decodeGeometryIn(b, nil)
}

// slab hands out the slices of many decoded geometries from a few large arrays, so reading a
// layer of 100,000 features makes a few hundred allocations instead of three per feature (and
// the points, which hold no pointers, are never scanned by the garbage collector). Each slice
// is capped at its own length, so appending to one never writes into its neighbour.
type slab struct {
	pts   []orb.Point
	rings []orb.Ring
	polys []orb.Polygon
}

const slabChunk = 4096

func (s *slab) points(n int) orb.Ring {
	if s == nil {
		return make(orb.Ring, n)
	}
	if len(s.pts) < n {
		s.pts = make([]orb.Point, max(slabChunk, n))
	}
	r := s.pts[:n:n]
	s.pts = s.pts[n:]
	return r
}

func (s *slab) polygon(n int) orb.Polygon {
	if s == nil {
		return make(orb.Polygon, 0, n)
	}
	if len(s.rings) < n {
		s.rings = make([]orb.Ring, max(slabChunk/4, n))
	}
	p := s.rings[:0:n]
	s.rings = s.rings[n:]
	return p
}

func (s *slab) multi(p orb.Polygon) orb.MultiPolygon {
	if s == nil {
		return orb.MultiPolygon{p}
	}
	if len(s.polys) < 1 {
		s.polys = make([]orb.Polygon, slabChunk/4)
	}
	mp := orb.MultiPolygon(s.polys[:1:1])
	s.polys = s.polys[1:]
	mp[0] = p
	return mp
}

// decodeGeometryIn is decodeGeometry taking its memory from sl (nil: ordinary allocations).
func decodeGeometryIn(b []byte, sl *slab) (orb.MultiPolygon, error) {
	if b == nil {
		return nil, nil
	}
	h, err := parseHeader(b)
	if err != nil {
		return nil, err
	}
	if h.empty && len(b) == h.wkbOff {
		return nil, nil
	}
	r := wkbReader{buf: b[h.wkbOff:], sl: sl}
	mp, err := r.geometry(0)
	if err != nil {
		return nil, fmt.Errorf("WKB geometry: %w", err)
	}
	if len(mp) == 0 {
		return nil, nil
	}
	return mp, nil
}

// geometryBound gives the extent of a GP blob, from its envelope when it has one; ok is
// false for NULL, empty or unreadable blobs. The R-tree triggers call it through ST_MinX etc.
func geometryBound(b []byte) (orb.Bound, bool) {
	h, err := parseHeader(b)
	if err != nil || h.empty {
		return orb.Bound{}, false
	}
	if h.hasEnv {
		return h.env, true
	}
	mp, err := decodeGeometry(b)
	if err != nil || len(mp) == 0 {
		return orb.Bound{}, false
	}
	return mp.Bound(), true
}

type wkbReader struct {
	buf []byte
	pos int
	sl  *slab
}

var errShort = errors.New("truncated")

func (r *wkbReader) need(n int) error {
	if n < 0 || len(r.buf)-r.pos < n {
		return errShort
	}
	return nil
}

// geometry reads one WKB geometry of polygon kind; depth bounds nested collections.
func (r *wkbReader) geometry(depth int) (orb.MultiPolygon, error) {
	if depth > maxWKBDepth {
		return nil, errors.New("collections nested too deep")
	}
	if err := r.need(5); err != nil {
		return nil, err
	}
	var bo binary.ByteOrder
	switch r.buf[r.pos] {
	case 0:
		bo = binary.BigEndian
	case 1:
		bo = binary.LittleEndian
	default:
		return nil, fmt.Errorf("bad byte order %d", r.buf[r.pos])
	}
	t := bo.Uint32(r.buf[r.pos+1:])
	r.pos += 5
	dims := 2
	// EWKB flags (PostGIS style) and ISO offsets (1000 Z, 2000 M, 3000 ZM).
	if t&0x80000000 != 0 {
		dims++
	}
	if t&0x40000000 != 0 {
		dims++
	}
	if t&0x20000000 != 0 { // EWKB SRID follows
		if err := r.need(4); err != nil {
			return nil, err
		}
		r.pos += 4
	}
	t &= 0x0fffffff
	switch t / 1000 {
	case 0:
	case 1, 2:
		dims++
	case 3:
		dims += 2
	default:
		return nil, fmt.Errorf("unknown geometry type %d", t)
	}
	if dims > 4 {
		return nil, fmt.Errorf("geometry type %d has more than 4 dimensions", t)
	}
	switch t % 1000 {
	case wkbPolygon:
		p, err := r.polygon(bo, dims)
		if err != nil {
			return nil, err
		}
		if len(p) == 0 {
			return nil, nil
		}
		return r.sl.multi(p), nil
	case wkbMultiPoly, wkbCollection:
		n, err := r.count(bo, 9)
		if err != nil {
			return nil, err
		}
		var mp orb.MultiPolygon
		for i := 0; i < n; i++ {
			part, err := r.geometry(depth + 1)
			if err != nil {
				return nil, err
			}
			mp = append(mp, part...)
		}
		return mp, nil
	default:
		return nil, fmt.Errorf("geometry type %d is not a polygon", t)
	}
}

// count reads a uint32 count and checks that n items of at least minSize bytes can follow.
func (r *wkbReader) count(bo binary.ByteOrder, minSize int) (int, error) {
	if err := r.need(4); err != nil {
		return 0, err
	}
	n := int(bo.Uint32(r.buf[r.pos:]))
	r.pos += 4
	if n > maxParts && minSize == 0 || minSize > 0 && n > (len(r.buf)-r.pos)/minSize {
		return 0, fmt.Errorf("count %d larger than the data", n)
	}
	return n, nil
}

func (r *wkbReader) polygon(bo binary.ByteOrder, dims int) (orb.Polygon, error) {
	nr, err := r.count(bo, 4)
	if err != nil {
		return nil, err
	}
	var p orb.Polygon
	if nr > 0 {
		p = r.sl.polygon(nr)
	}
	stride := 8 * dims
	for i := 0; i < nr; i++ {
		np, err := r.count(bo, stride)
		if err != nil {
			return nil, err
		}
		if np == 0 {
			continue
		}
		ring := r.sl.points(np)
		buf := r.buf[r.pos : r.pos+np*stride] // count checked that np points follow
		if stride == 16 && bo == binary.ByteOrder(binary.LittleEndian) {
			for j := range ring {
				q := buf[16*j : 16*j+16]
				ring[j] = orb.Point{
					math.Float64frombits(binary.LittleEndian.Uint64(q)),
					math.Float64frombits(binary.LittleEndian.Uint64(q[8:])),
				}
			}
		} else {
			for j := range ring {
				q := buf[stride*j:]
				ring[j] = orb.Point{math.Float64frombits(bo.Uint64(q)), math.Float64frombits(bo.Uint64(q[8:]))}
			}
		}
		r.pos += np * stride
		p = append(p, ring)
	}
	return p, nil
}

// SQL functions called by the R-tree triggers of the spec and of GDAL. A NULL or unreadable
// geometry gives NULL, so the trigger's WHEN clause is not true and no index row is written.
func stMinX(v any) any { return boundPart(v, func(b orb.Bound) float64 { return b.Min[0] }) }
func stMaxX(v any) any { return boundPart(v, func(b orb.Bound) float64 { return b.Max[0] }) }
func stMinY(v any) any { return boundPart(v, func(b orb.Bound) float64 { return b.Min[1] }) }
func stMaxY(v any) any { return boundPart(v, func(b orb.Bound) float64 { return b.Max[1] }) }

func boundPart(v any, f func(orb.Bound) float64) any {
	b, ok := v.([]byte)
	if !ok {
		return nil
	}
	bd, ok := geometryBound(b)
	if !ok {
		return nil
	}
	return f(bd)
}

func stIsEmpty(v any) any {
	b, ok := v.([]byte)
	if !ok || b == nil {
		return nil
	}
	h, err := parseHeader(b)
	if err != nil {
		return nil
	}
	if h.empty {
		return int64(1)
	}
	if h.hasEnv {
		return int64(0)
	}
	mp, err := decodeGeometry(b)
	if err != nil {
		return nil
	}
	if len(mp) == 0 {
		return int64(1)
	}
	return int64(0)
}

func stSRID(v any) any {
	b, ok := v.([]byte)
	if !ok {
		return nil
	}
	h, err := parseHeader(b)
	if err != nil {
		return nil
	}
	return int64(h.srsID)
}
