package shapefile

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"

	shp "github.com/jonas-p/go-shp"
	"github.com/paulmach/orb"
)

const shpHeaderLen = 100

// shpRecord is one decoded record: its rings (nil for a null shape) or why it was rejected.
type shpRecord struct {
	null  bool
	rings []orb.Ring
	// bounds and areas belong to rings: each ring's bound, and its signed (shoelace) area as
	// a closed ring, negative for clockwise.
	bounds []orb.Bound
	areas  []float64
	err    error // corrupt record: reported, imported without geometry
	cut    bool  // err is because the file ends inside this record
	z, m   valueRange
}

// valueRange is the range of the Z or M values seen; n == 0 means none.
type valueRange struct {
	n        int
	min, max float64
}

func (r *valueRange) add(v float64) {
	if r.n == 0 || v < r.min {
		r.min = v
	}
	if r.n == 0 || v > r.max {
		r.max = v
	}
	r.n++
}

func (r *valueRange) merge(o valueRange) {
	if o.n == 0 {
		return
	}
	r.add(o.min)
	r.add(o.max)
	r.n += o.n - 2
}

// shpFile is a parsed .shp whose records are read lazily.
type shpFile struct {
	data      []byte
	shapeType shp.ShapeType
	offsets   []int // byte offsets of the record headers, including records cut off by truncation
	// intact is how many leading records lie wholly inside the file; records from intact on
	// were cut off by the end of the file.
	intact int
	// declaredLen is the file length the header states; a file shorter than it was truncated.
	declaredLen int64
	truncated   bool
	problems    []Problem
}

func isPolygonType(t shp.ShapeType) bool {
	return t == shp.POLYGON || t == shp.POLYGONZ || t == shp.POLYGONM
}

// parseSHP validates the header and finds every record. Offsets come from the .shx when it is
// consistent with the .shp (as GDAL does, so a record with a broken length does not hide the
// ones after it), else from walking the .shp record headers. A .shp cut short keeps the index
// entries of the records it lost, so that each can be reported by number.
func parseSHP(data, shx []byte, lim Limits) (*shpFile, error) {
	if len(data) < shpHeaderLen {
		return nil, fmt.Errorf(".shp 文件头不完整（%d 字节）/ .shp header truncated", len(data))
	}
	if code := binary.BigEndian.Uint32(data[0:4]); code != 9994 {
		return nil, fmt.Errorf(".shp 文件标识 %d 不是 9994，不是 shapefile / not a shapefile (file code %d)", code, code)
	}
	f := &shpFile{data: data, shapeType: shp.ShapeType(int32(binary.LittleEndian.Uint32(data[32:36]))),
		declaredLen: int64(binary.BigEndian.Uint32(data[24:28])) * 2}
	if f.shapeType != shp.NULL && !isPolygonType(f.shapeType) {
		return nil, fmt.Errorf(".shp 几何类型为 %s，只能导入面（Polygon）图层 / only polygon shapefiles can be imported, this one holds %s",
			shapeTypeName(f.shapeType), shapeTypeName(f.shapeType))
	}
	headerSaysLonger := f.declaredLen > int64(len(data))
	walk, walkIntact, walkErr := walkSHP(data, lim)
	if walkErr != nil {
		return nil, walkErr
	}
	// The index wins unless it knows fewer records than the file holds (a stale or cut .shx).
	if offs, intact, ok := shxOffsets(data, shx, lim, headerSaysLonger); ok && intact >= walkIntact {
		f.offsets, f.intact = offs, intact
		f.truncated = intact < len(offs)
		return f, nil
	}
	if shx != nil {
		f.problems = append(f.problems, Problem{Kind: "corrupt",
			Message: "索引文件 .shx 与 .shp 不一致，已按 .shp 顺序读取 / .shx does not match the .shp; read sequentially"})
	}
	f.offsets, f.intact = walk, walkIntact
	f.truncated = walkIntact < len(walk)
	if !f.truncated {
		// A record with an impossible length stops the walk: the records after it are lost.
		end := int64(shpHeaderLen)
		if len(walk) > 0 {
			last := walk[len(walk)-1]
			end = int64(last) + 8 + int64(binary.BigEndian.Uint32(data[last+4:last+8]))*2
		}
		if end+8 <= int64(len(data)) {
			n := len(walk) + 1
			f.problems = append(f.problems, Problem{Record: n, Kind: "corrupt",
				Message: fmt.Sprintf("第 %d 条记录头损坏，之后的记录无法读取 / record %d: broken record header; later records lost", n, n)})
		}
	}
	return f, nil
}

// walkSHP follows the record headers from the start of the file. It returns the offsets of
// the records it found and how many of them are whole; a last record whose length runs past
// the end of the file is included (its header is there) but not counted as whole.
func walkSHP(data []byte, lim Limits) (offs []int, intact int, err error) {
	for off := shpHeaderLen; off+8 <= len(data); {
		if len(offs) >= lim.MaxRecords {
			return nil, 0, limitErr(".shp 记录数超过上限 %d / more than %d records", lim.MaxRecords, lim.MaxRecords)
		}
		clen := int64(binary.BigEndian.Uint32(data[off+4:off+8])) * 2
		if clen < 4 {
			break
		}
		offs = append(offs, off)
		if int64(off)+8+clen > int64(len(data)) {
			return offs, len(offs) - 1, nil
		}
		off += 8 + int(clen)
	}
	return offs, len(offs), nil
}

// shxOffsets returns the record offsets from the index and how many of those records lie
// wholly inside the .shp. Entries past the end of the .shp are accepted only as a tail, in
// order, and only when the .shp header says the file is longer than it is (it was cut short);
// anything else means the index does not belong to this .shp.
func shxOffsets(data, shx []byte, lim Limits, shpCut bool) ([]int, int, bool) {
	if len(shx) < shpHeaderLen || (len(shx)-shpHeaderLen)%8 != 0 {
		return nil, 0, false
	}
	n := (len(shx) - shpHeaderLen) / 8
	if n > lim.MaxRecords {
		return nil, 0, false
	}
	offs := make([]int, n)
	intact := n
	prevEnd := int64(shpHeaderLen)
	for i := range offs {
		e := shx[shpHeaderLen+8*i:]
		off := int64(binary.BigEndian.Uint32(e[0:4])) * 2
		clen := int64(binary.BigEndian.Uint32(e[4:8])) * 2
		if off < shpHeaderLen {
			return nil, 0, false
		}
		inside := off+8+clen <= int64(len(data))
		switch {
		case inside && intact < n:
			return nil, 0, false // a whole record after a cut one: not a cut file
		case !inside && intact == n:
			if !shpCut {
				return nil, 0, false
			}
			intact = i
		}
		if intact < n && off < prevEnd {
			return nil, 0, false
		}
		prevEnd = off + 8 + clen
		offs[i] = int(off)
	}
	return offs, intact, true
}

// record decodes record i (0-based). Every count is checked against the record's own length
// and the limits before anything is allocated; recover() is a last guard so that a mistake
// here reports a corrupt record rather than taking the program down.
func (f *shpFile) record(i int, lim Limits) (r shpRecord) {
	defer func() {
		if p := recover(); p != nil {
			r = shpRecord{err: fmt.Errorf("解析时出错 / decoder failure: %v", p)}
		}
	}()
	off := f.offsets[i]
	if off+8 > len(f.data) {
		return shpRecord{cut: true, err: fmt.Errorf("记录头超出文件末尾 / record header past end of file")}
	}
	clen := int64(binary.BigEndian.Uint32(f.data[off+4:off+8])) * 2
	end := int64(off) + 8 + clen
	cut := end > int64(len(f.data))
	if cut {
		end = int64(len(f.data))
	}
	defer func() { r.cut = cut && r.err != nil }()
	c := f.data[off+8 : end]
	if len(c) < 4 {
		return shpRecord{err: fmt.Errorf("记录内容不足 4 字节 / record shorter than its shape type")}
	}
	st := shp.ShapeType(int32(binary.LittleEndian.Uint32(c[0:4])))
	if st == shp.NULL {
		return shpRecord{null: true}
	}
	if !isPolygonType(st) {
		return shpRecord{err: fmt.Errorf("记录类型 %s 不是面 / record type %s is not a polygon", shapeTypeName(st), shapeTypeName(st))}
	}
	if len(c) < 44 {
		return shpRecord{err: fmt.Errorf("面记录不足 44 字节 / polygon record truncated")}
	}
	np := int64(int32(binary.LittleEndian.Uint32(c[36:40])))
	npts := int64(int32(binary.LittleEndian.Uint32(c[40:44])))
	switch {
	case np < 1 || npts < 1:
		if np == 0 && npts == 0 {
			return shpRecord{null: true}
		}
		return shpRecord{err: fmt.Errorf("部分数 %d、点数 %d 无效 / invalid counts: %d parts, %d points", np, npts, np, npts)}
	case np > int64(lim.MaxPartsPerRecord):
		return shpRecord{err: limitErr("部分数 %d 超过上限 %d / %d parts, limit %d", np, lim.MaxPartsPerRecord, np, lim.MaxPartsPerRecord)}
	case npts > int64(lim.MaxPointsPerRecord):
		return shpRecord{err: limitErr("点数 %d 超过上限 %d / %d points, limit %d", npts, lim.MaxPointsPerRecord, npts, lim.MaxPointsPerRecord)}
	case np > npts:
		return shpRecord{err: fmt.Errorf("部分数 %d 多于点数 %d / more parts (%d) than points (%d)", np, npts, np, npts)}
	}
	// Z and M blocks, if any, follow the XY points; we only need XY, so a PolygonZ written
	// without its optional M block is as good as a complete one.
	need := 44 + 4*np + 16*npts
	if need > int64(len(c)) {
		return shpRecord{err: fmt.Errorf("声明 %d 个部分、%d 个点，需要 %d 字节，记录只有 %d 字节 / record declares %d parts and %d points but holds only %d bytes",
			np, npts, need, len(c), np, npts, len(c))}
	}
	starts := make([]int, np+1)
	for k := int64(0); k < np; k++ {
		s := int64(int32(binary.LittleEndian.Uint32(c[44+4*k:])))
		if (k == 0 && s != 0) || s < 0 || s >= npts || (k > 0 && s <= int64(starts[k-1])) {
			return shpRecord{err: fmt.Errorf("第 %d 部分的起点 %d 无效 / part %d starts at invalid index %d", k+1, s, k+1, s)}
		}
		starts[k] = int(s)
	}
	starts[np] = int(npts)
	// One pass over the points fills the rings and, per ring, its bound and its shoelace sum
	// (with the closing edge when the file leaves the ring open, as assemble will close it):
	// the import needs both and the points are hot in cache only now.
	pts := make([]orb.Point, npts)
	rings := make([]orb.Ring, np)
	bounds := make([]orb.Bound, np)
	areas := make([]float64, np)
	base := 44 + 4*np
	for k := range rings {
		s, e := starts[k], starts[k+1]
		var b orb.Bound
		var sum float64
		for j := s; j < e; j++ {
			p := c[base+16*int64(j):]
			x := math.Float64frombits(binary.LittleEndian.Uint64(p[0:8]))
			y := math.Float64frombits(binary.LittleEndian.Uint64(p[8:16]))
			if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) {
				return shpRecord{err: fmt.Errorf("第 %d 个点坐标不是有限数 / point %d is not a finite number", j+1, j+1)}
			}
			pts[j] = orb.Point{x, y}
			if j == s {
				b = orb.Bound{Min: pts[j], Max: pts[j]}
				continue
			}
			prev := pts[j-1]
			sum += prev[0]*y - x*prev[1]
			b = extendBound(b, x, y)
		}
		// Three-index slices so that closing one ring can never overwrite the next.
		rings[k] = orb.Ring(pts[s:e:e])
		if first, last := pts[s], pts[e-1]; first != last {
			sum += last[0]*first[1] - first[0]*last[1]
		}
		bounds[k], areas[k] = b, sum/2
	}
	r = shpRecord{rings: rings, bounds: bounds, areas: areas}
	// Z (PolygonZ) then M (optional in PolygonZ, required in PolygonM) follow the points, each
	// as a min/max pair and one value per point. We drop them, but say so with their range.
	next := need
	if st == shp.POLYGONZ {
		r.z, next = measureBlock(c, next, npts, false)
	}
	if st != shp.POLYGON {
		r.m, _ = measureBlock(c, next, npts, true)
	}
	return r
}

// measureBlock reads the value range of a Z or M block at off, if the record holds it whole.
// M values below -10³⁸ mean "no data" by the specification and are not counted.
func measureBlock(c []byte, off, npts int64, isM bool) (valueRange, int64) {
	var vr valueRange
	end := off + 16 + 8*npts
	if end > int64(len(c)) {
		return vr, off
	}
	for k := int64(0); k < npts; k++ {
		v := leFloat(c[off+16+8*k:])
		if math.IsNaN(v) || math.IsInf(v, 0) || (isM && v < -1e38) {
			continue
		}
		vr.add(v)
	}
	return vr, end
}

func shapeTypeName(t shp.ShapeType) string {
	names := map[shp.ShapeType]string{
		shp.NULL: "Null", shp.POINT: "Point", shp.POLYLINE: "PolyLine", shp.POLYGON: "Polygon",
		shp.MULTIPOINT: "MultiPoint", shp.POINTZ: "PointZ", shp.POLYLINEZ: "PolyLineZ",
		shp.POLYGONZ: "PolygonZ", shp.MULTIPOINTZ: "MultiPointZ", shp.POINTM: "PointM",
		shp.POLYLINEM: "PolyLineM", shp.POLYGONM: "PolygonM", shp.MULTIPOINTM: "MultiPointM",
		shp.MULTIPATCH: "MultiPatch",
	}
	if n, ok := names[t]; ok {
		return n
	}
	return fmt.Sprintf("未知类型 %d", int32(t))
}

// extendBound is orb.Bound.Extend without the copies and calls. As there, a point inside
// (edges included) leaves the bound as it is, and otherwise each side takes math.Min/Max of
// itself and the point, whose only subtlety without NaNs is that -0 < +0.
func extendBound(b orb.Bound, x, y float64) orb.Bound {
	if y < b.Min[1] || b.Max[1] < y || x < b.Min[0] || b.Max[0] < x {
		if x < b.Min[0] || (x == 0 && b.Min[0] == 0 && math.Signbit(x)) {
			b.Min[0] = x
		}
		if y < b.Min[1] || (y == 0 && b.Min[1] == 0 && math.Signbit(y)) {
			b.Min[1] = y
		}
		if x > b.Max[0] || (x == 0 && b.Max[0] == 0 && !math.Signbit(x)) {
			b.Max[0] = x
		}
		if y > b.Max[1] || (y == 0 && b.Max[1] == 0 && !math.Signbit(y)) {
			b.Max[1] = y
		}
	}
	return b
}

func leFloat(b []byte) float64 { return math.Float64frombits(binary.LittleEndian.Uint64(b)) }

func itoa(i int) string { return strconv.Itoa(i) }
