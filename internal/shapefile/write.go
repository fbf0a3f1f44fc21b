package shapefile

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	shp "github.com/jonas-p/go-shp"
	"github.com/paulmach/orb"

	"kuanggui/internal/crs"
	"kuanggui/internal/plan"
)

// WriteOptions steer Write.
type WriteOptions struct {
	// Encoding of the DBF text: "gbk" (default, what Chinese desktop GIS expects), "utf-8" or
	// "gb18030" (for text GBK cannot hold).
	Encoding string
	// CRS of the written coordinates; the zero value means geographic EPSG:4490.
	CRS crs.CRS
}

// Write writes name.shp/.shx/.dbf/.prj/.cpg into dir from features in EPSG:4490. Everything
// is encoded and checked in memory first, then each file is written under a temporary name and
// renamed when all are complete, the .shp last, so a failure never leaves a set that looks
// finished. Errors name the layer, the feature (its QKBH when it has one) and the field.
func Write(dir, name string, fields []plan.Field, features []plan.Feature, opt WriteOptions) error {
	if name == "" || strings.ContainsAny(name, `/\`) {
		return fmt.Errorf("图层名 %q 不能作为文件名 / layer name %q is not a file name", name, name)
	}
	we, ok := writeEncodingFor(opt.Encoding)
	if !ok {
		return fmt.Errorf("图层 %s：不支持的编码 %q，可用 gbk、utf-8、gb18030 / unsupported encoding %q", name, opt.Encoding, opt.Encoding)
	}
	target := opt.CRS
	if target.EPSG == 0 {
		target = crs.Geographic()
	}
	var tr *crs.Transformer
	if !(target.IsGeographic() && target.EPSG == plan.StorageSRID) {
		var err error
		if tr, err = crs.NewTransformer(crs.Geographic(), target); err != nil {
			return fmt.Errorf("图层 %s：无法转换到 %s / cannot transform to %s: %w", name, target, target, err)
		}
		defer tr.Close()
	}
	dbfBytes, err := buildDBF(name, fields, features, we)
	if err != nil {
		return err
	}
	shpBytes, shxBytes, err := buildSHP(name, features, tr)
	if err != nil {
		return err
	}
	return commitFiles(dir, name, []fileOut{
		{".dbf", dbfBytes}, {".shx", shxBytes}, {".prj", []byte(target.PRJ())}, {".cpg", []byte(we.cpg)},
		{".shp", shpBytes}, // last: its presence says the set is complete
	})
}

// featureName names a feature in messages: its block code when it has one.
func featureName(f plan.Feature) string {
	for _, k := range []string{"QKBH", "QYBH"} {
		if s := f.Attrs.String(k); s != "" {
			return k + " " + s
		}
	}
	return "ID " + strconv.FormatInt(f.ID, 10)
}

type fileOut struct {
	ext  string
	data []byte
}

func commitFiles(dir, name string, files []fileOut) error {
	var temps []string
	cleanup := func() {
		for _, t := range temps {
			os.Remove(t)
		}
	}
	for _, f := range files {
		tf, err := os.CreateTemp(dir, "."+name+"-*"+f.ext+".part")
		if err != nil {
			cleanup()
			return fmt.Errorf("图层 %s：无法创建临时文件 / cannot create a temporary file: %w", name, err)
		}
		temps = append(temps, tf.Name())
		// CreateTemp makes files only the owner can read; delivered files are for others too.
		err = tf.Chmod(0o644)
		if err == nil {
			_, err = tf.Write(f.data)
		}
		if err == nil {
			err = tf.Sync()
		}
		if cerr := tf.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			cleanup()
			return fmt.Errorf("图层 %s：写入 %s%s 失败 / cannot write %s%s: %w", name, name, f.ext, name, f.ext, err)
		}
	}
	// An old .shp would make a half-replaced set look whole: take it away first.
	if err := os.Remove(filepath.Join(dir, name+".shp")); err != nil && !os.IsNotExist(err) {
		cleanup()
		return fmt.Errorf("图层 %s：无法替换旧文件 / cannot replace the old %s.shp: %w", name, name, err)
	}
	for i, f := range files {
		if err := os.Rename(temps[i], filepath.Join(dir, name+f.ext)); err != nil {
			cleanup()
			return fmt.Errorf("图层 %s：无法完成 %s%s / cannot finish %s%s: %w", name, name, f.ext, name, f.ext, err)
		}
	}
	return nil
}

// buildSHP encodes the geometries: shells clockwise, holes counter-clockwise, a feature
// without geometry as a null shape that does not count in the header's bounding box.
func buildSHP(layer string, features []plan.Feature, tr *crs.Transformer) ([]byte, []byte, error) {
	var body bytes.Buffer
	shx := make([]byte, shpHeaderLen, shpHeaderLen+8*len(features))
	var box orb.Bound
	hasBox := false
	rec := make([]byte, 0, 1024)
	for i, f := range features {
		mp := f.Geometry
		if tr != nil && len(mp) > 0 {
			var err error
			if mp, err = tr.MultiPolygon(mp); err != nil {
				return nil, nil, fmt.Errorf("图层 %s 要素 %s：坐标转换失败 / layer %s feature %s: cannot reproject: %w", layer, featureName(f), layer, featureName(f), err)
			}
		}
		rings := shapefileRings(mp)
		rec = rec[:0]
		if len(rings) == 0 {
			rec = binary.LittleEndian.AppendUint32(rec, uint32(shp.NULL))
		} else {
			npts := 0
			var b orb.Bound
			for k, r := range rings {
				npts += len(r)
				if k == 0 {
					b = r.Bound()
				} else {
					b = b.Union(r.Bound())
				}
			}
			if hasBox {
				box = box.Union(b)
			} else {
				box, hasBox = b, true
			}
			rec = binary.LittleEndian.AppendUint32(rec, uint32(shp.POLYGON))
			for _, v := range []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} {
				rec = binary.LittleEndian.AppendUint64(rec, math.Float64bits(v))
			}
			rec = binary.LittleEndian.AppendUint32(rec, uint32(len(rings)))
			rec = binary.LittleEndian.AppendUint32(rec, uint32(npts))
			start := 0
			for _, r := range rings {
				rec = binary.LittleEndian.AppendUint32(rec, uint32(start))
				start += len(r)
			}
			for _, r := range rings {
				for _, p := range r {
					rec = binary.LittleEndian.AppendUint64(rec, math.Float64bits(p[0]))
					rec = binary.LittleEndian.AppendUint64(rec, math.Float64bits(p[1]))
				}
			}
		}
		off := shpHeaderLen + body.Len()
		if int64(off)+8+int64(len(rec)) > math.MaxInt32 {
			return nil, nil, fmt.Errorf("图层 %s：.shp 将超过 2 GB 上限 / layer %s: the .shp would exceed 2 GB", layer, layer)
		}
		var h [8]byte
		binary.BigEndian.PutUint32(h[0:], uint32(i+1))
		binary.BigEndian.PutUint32(h[4:], uint32(len(rec)/2))
		body.Write(h[:])
		body.Write(rec)
		shx = binary.BigEndian.AppendUint32(shx, uint32(off/2))
		shx = binary.BigEndian.AppendUint32(shx, uint32(len(rec)/2))
	}
	ftype := shp.ShapeType(shp.POLYGON)
	shpData := append(shpHeader(ftype, box, shpHeaderLen+body.Len()), body.Bytes()...)
	copy(shx, shpHeader(ftype, box, len(shx)))
	return shpData, shx, nil
}

func shpHeader(t shp.ShapeType, b orb.Bound, length int) []byte {
	h := make([]byte, shpHeaderLen)
	binary.BigEndian.PutUint32(h[0:], 9994)
	binary.BigEndian.PutUint32(h[24:], uint32(length/2))
	binary.LittleEndian.PutUint32(h[28:], 1000)
	binary.LittleEndian.PutUint32(h[32:], uint32(t))
	for k, v := range []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} {
		binary.LittleEndian.PutUint64(h[36+8*k:], math.Float64bits(v))
	}
	return h
}

// shapefileRings flattens polygons into closed rings with the shapefile orientation.
func shapefileRings(mp orb.MultiPolygon) []orb.Ring {
	var out []orb.Ring
	for _, p := range mp {
		for k, r := range p {
			if len(r) == 0 {
				continue
			}
			if r[0] != r[len(r)-1] {
				r = append(r[:len(r):len(r)], r[0])
			}
			a := signedArea(r)
			if (k == 0 && a > 0) || (k > 0 && a < 0) {
				r = reversed(r)
			}
			out = append(out, r)
		}
	}
	return out
}

// buildDBF encodes every value first, so widths are the encoded byte lengths and any value the
// encoding cannot hold is an error before a single file is touched.
func buildDBF(layer string, fields []plan.Field, features []plan.Feature, we writeEncoding) ([]byte, error) {
	out := make([]dbfOutField, len(fields))
	names, err := dbfFieldNames(layer, fields, we)
	if err != nil {
		return nil, err
	}
	cells := make([][][]byte, len(features)) // nil cell = NULL
	for i := range fields {
		f := fields[i]
		o := dbfOutField{name: names[i]}
		switch f.Type {
		case plan.FieldInt:
			o.typ, o.length = 'N', 9 // GDAL reads width < 10 as Integer, wider as Integer64
			if f.Width > 0 {
				o.length = f.Width
			}
		case plan.FieldReal:
			o.typ, o.decimals = 'N', f.Decimals
			if o.decimals <= 0 {
				o.decimals = 6
			}
			o.decimals = min(o.decimals, 15)
			o.length = 19
			if f.Width > 0 {
				o.length = f.Width
			}
		case plan.FieldDate:
			o.typ, o.length = 'D', 8
		default:
			o.typ, o.length = 'C', max(f.Width, 1)
		}
		out[i] = o
	}
	for r, feat := range features {
		row := make([][]byte, len(fields))
		for i, f := range fields {
			b, err := encodeValue(f, out[i], feat.Attrs[f.Name], we)
			if err != nil {
				return nil, fmt.Errorf("图层 %s 要素 %s 字段 %s：%w", layer, featureName(feat), f.Name, err)
			}
			if len(b) > 254 {
				return nil, fmt.Errorf("图层 %s 要素 %s 字段 %s：值有 %d 字节，超过 DBF 上限 254 / layer %s feature %s field %s: value is %d bytes, DBF holds 254",
					layer, featureName(feat), f.Name, len(b), layer, featureName(feat), f.Name, len(b))
			}
			if b != nil && len(b) > out[i].length {
				out[i].length = len(b)
			}
			row[i] = b
		}
		cells[r] = row
	}
	recLen := 1
	for i := range out {
		out[i].length = min(out[i].length, 254)
		recLen += out[i].length
	}
	if recLen > math.MaxUint16 {
		return nil, fmt.Errorf("图层 %s：记录长度 %d 超过 DBF 上限 65535 / layer %s: record length %d exceeds 65535", layer, recLen, layer, recLen)
	}
	var buf bytes.Buffer
	buf.Grow(33 + 32*len(out) + recLen*len(features) + 1)
	buf.Write(dbfHeader(out, len(features), we.ldid, time.Now()))
	for _, row := range cells {
		buf.WriteByte(' ')
		for i, o := range out {
			writeCell(&buf, o, row[i])
		}
	}
	buf.WriteByte(0x1A)
	return buf.Bytes(), nil
}

// writeCell pads a value to its width. NULL numbers are '*'-filled and NULL dates "00000000":
// what shapelib (GDAL) writes and reads back as NULL. Text is left-aligned, numbers right.
func writeCell(buf *bytes.Buffer, o dbfOutField, b []byte) {
	pad := o.length - len(b)
	switch {
	case b == nil && o.typ == 'N':
		buf.Write(bytes.Repeat([]byte{'*'}, o.length))
	case b == nil && o.typ == 'D':
		buf.Write(bytes.Repeat([]byte{'0'}, o.length))
	case o.typ == 'N':
		buf.Write(bytes.Repeat([]byte{' '}, pad))
		buf.Write(b)
	default:
		buf.Write(b)
		buf.Write(bytes.Repeat([]byte{' '}, pad))
	}
}

// encodeValue renders one attribute for its DBF field; nil means NULL.
func encodeValue(f plan.Field, o dbfOutField, v any, we writeEncoding) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	switch o.typ {
	case 'N':
		var x float64
		switch t := v.(type) {
		case int64:
			if o.decimals == 0 {
				return []byte(strconv.FormatInt(t, 10)), nil
			}
			x = float64(t)
		case float64:
			x = t
		case string:
			s := strings.TrimSpace(t)
			if s == "" {
				return nil, nil
			}
			p, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return nil, fmt.Errorf("值 %q 不是数字 / %q is not a number", t, t)
			}
			x = p
		default:
			return nil, fmt.Errorf("不支持的值类型 %T / unsupported value type %T", v, v)
		}
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, nil
		}
		if o.decimals == 0 {
			if x != math.Trunc(x) {
				return nil, fmt.Errorf("整数字段的值 %v 有小数 / %v is not an integer", x, x)
			}
			return []byte(strconv.FormatFloat(x, 'f', 0, 64)), nil
		}
		return []byte(strconv.FormatFloat(x, 'f', o.decimals, 64)), nil
	case 'D':
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("日期应为 YYYY-MM-DD 文本，得到 %T / a date must be YYYY-MM-DD text, got %T", v, v)
		}
		s = strings.TrimSpace(s)
		if s == "" {
			return nil, nil
		}
		for _, layout := range []string{"2006-01-02", "20060102", "2006/01/02"} {
			if t, err := time.Parse(layout, s); err == nil {
				return []byte(t.Format("20060102")), nil
			}
		}
		return nil, fmt.Errorf("日期 %q 不是 YYYY-MM-DD / date %q is not YYYY-MM-DD", s, s)
	}
	var s string
	switch t := v.(type) {
	case string:
		s = t
	case int64:
		s = strconv.FormatInt(t, 10)
	case float64:
		s = strconv.FormatFloat(t, 'f', -1, 64)
	default:
		s = fmt.Sprint(v)
	}
	s = strings.TrimRight(s, " ")
	if s == "" {
		return nil, nil
	}
	b, ok := we.encode(s)
	if !ok {
		bad := firstUnencodable(s, we)
		return nil, fmt.Errorf("文字 %q 中的“%s”无法用 %s 编码保存，请改用 GB18030 或 UTF-8 编码导出 / %q cannot be stored in %s (character %q); export with encoding gb18030 or utf-8",
			s, bad, strings.ToUpper(we.name), s, we.name, bad)
	}
	return b, nil
}

func firstUnencodable(s string, we writeEncoding) string {
	for _, r := range s {
		if _, ok := we.encode(string(r)); !ok {
			return string(r)
		}
	}
	return ""
}

// dbfFieldNames encodes names, cuts them to 10 bytes on a character boundary (never in the
// middle of a GBK or UTF-8 sequence) and makes them unique ignoring case, as readers do.
func dbfFieldNames(layer string, fields []plan.Field, we writeEncoding) ([][]byte, error) {
	out := make([][]byte, len(fields))
	seen := map[string]bool{}
	for i, f := range fields {
		name := strings.TrimSpace(f.Name)
		if name == "" {
			name = "FIELD" + strconv.Itoa(i+1)
		}
		if _, ok := we.encode(name); !ok {
			return nil, fmt.Errorf("图层 %s 字段名 %q 无法用 %s 编码 / layer %s: field name %q cannot be stored in %s", layer, name, we.name, layer, name, we.name)
		}
		b := cutEncoded(name, 10, we)
		for n := 2; seen[strings.ToUpper(string(b))]; n++ {
			suffix := "_" + strconv.Itoa(n)
			b = append(cutEncoded(name, 10-len(suffix), we), suffix...)
		}
		seen[strings.ToUpper(string(b))] = true
		out[i] = b
	}
	return out, nil
}

// cutEncoded encodes the longest prefix of s, whole characters only, that fits in n bytes.
func cutEncoded(s string, n int, we writeEncoding) []byte {
	var out []byte
	for _, r := range s {
		b, _ := we.encode(string(r))
		if len(out)+len(b) > n {
			break
		}
		out = append(out, b...)
	}
	return out
}
