package shapefile

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// The DBF reader and writer are our own rather than go-shp's: go-shp sizes its field array
// from the header length without checking it against the file, seeks per attribute (slow), has
// no notion of deleted rows, NULLs or code pages, and its writer names the file "<name>dbf".
// A dBase III table is a header, 32-byte field descriptors ending in 0x0D, and fixed-width
// records; reading it from a byte slice with every count checked is short and safe.

// dbfField is one field descriptor as found in the file.
type dbfField struct {
	rawName  []byte
	name     string // decoded, unique within the table
	typ      byte
	length   int
	decimals int
	offset   int // within the record, after the deletion flag
}

// dbfTable is a parsed DBF whose records still point into the file's bytes.
type dbfTable struct {
	ldid    byte
	fields  []dbfField
	records [][]byte // each record including its deletion flag
	// declared is the record count in the header, which may exceed what the file holds.
	declared int
}

// parseDBF checks the header against the file length and the limits before allocating.
func parseDBF(data []byte, lim Limits) (*dbfTable, error) {
	if len(data) < 32 {
		return nil, fmt.Errorf("DBF 文件头不完整（%d 字节）/ DBF header truncated", len(data))
	}
	numRecords := int64(binary.LittleEndian.Uint32(data[4:8]))
	headerLen := int(binary.LittleEndian.Uint16(data[8:10]))
	recordLen := int(binary.LittleEndian.Uint16(data[10:12]))
	t := &dbfTable{ldid: data[29]}
	if headerLen > len(data) {
		return nil, fmt.Errorf("DBF 文件头长度 %d 超出文件长度 %d / DBF header length beyond end of file", headerLen, len(data))
	}
	if recordLen < 1 {
		return nil, fmt.Errorf("DBF 记录长度为 0 / DBF record length is 0")
	}
	// Field descriptors run from byte 32 to the 0x0D terminator, within the declared header.
	end := headerLen
	nf := 0
	for pos := 32; pos+32 <= end && data[pos] != 0x0D; pos += 32 {
		nf++
	}
	if nf > lim.MaxFields {
		return nil, limitErr("DBF 有 %d 个字段，上限 %d / %d fields, limit %d", nf, lim.MaxFields, nf, lim.MaxFields)
	}
	t.fields = make([]dbfField, 0, nf)
	off := 1
	for i := 0; i < nf; i++ {
		d := data[32+32*i : 64+32*i]
		name := d[:11]
		if j := bytes.IndexByte(name, 0); j >= 0 {
			name = name[:j]
		}
		f := dbfField{
			rawName:  bytes.TrimSpace(name),
			typ:      upperASCII(d[11]),
			length:   int(d[16]),
			decimals: int(d[17]),
			offset:   off,
		}
		off += f.length
		t.fields = append(t.fields, f)
	}
	if off > recordLen {
		return nil, fmt.Errorf("DBF 字段宽度之和 %d 超过记录长度 %d / field widths exceed the record length", off, recordLen)
	}
	avail := int64((len(data) - headerLen) / recordLen)
	n := numRecords
	if n > avail {
		n = avail
	}
	if n > int64(lim.MaxRecords) {
		return nil, limitErr("DBF 有 %d 条记录，上限 %d / %d records, limit %d", n, lim.MaxRecords, n, lim.MaxRecords)
	}
	t.declared = int(min(numRecords, int64(math.MaxInt32)))
	t.records = make([][]byte, n)
	for i := range t.records {
		s := headerLen + i*recordLen
		t.records[i] = data[s : s+recordLen : s+recordLen]
	}
	return t, nil
}

func upperASCII(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 32
	}
	return c
}

// deleted reports the dBase deletion flag.
func deleted(rec []byte) bool { return len(rec) > 0 && rec[0] == '*' }

// rawValue returns a field's bytes cut at the first NUL, spaces trimmed on the right.
func (f *dbfField) rawValue(rec []byte) []byte {
	b := rec[f.offset : f.offset+f.length]
	if j := bytes.IndexByte(b, 0); j >= 0 {
		b = b[:j]
	}
	return bytes.TrimRight(b, " ")
}

// valueKind describes trouble in one value, for a Problem.
type valueKind string

const (
	valueOK         valueKind = ""
	valueNumberText valueKind = "number-as-text"
	valueBadDate    valueKind = "bad-date"
)

// numericValue parses an N/F value. Blank and '*'-filled are NULL; decimals > 0 gives float64,
// otherwise int64 when it fits; a value that does not parse is kept as text.
func numericValue(s string, decimals int) (any, valueKind) {
	s = strings.TrimSpace(s)
	if s == "" || strings.Trim(s, "*") == "" {
		return nil, valueOK
	}
	if decimals == 0 {
		if v, err := strconv.ParseInt(s, 10, 64); err == nil {
			return v, valueOK
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return s, valueNumberText
	}
	if decimals == 0 && v == math.Trunc(v) && math.Abs(v) < 1<<53 {
		return int64(v), valueOK
	}
	return v, valueOK
}

// dateValue turns YYYYMMDD into YYYY-MM-DD; blank and 00000000 are NULL.
func dateValue(s string) (any, valueKind) {
	s = strings.TrimSpace(s)
	if s == "" || strings.Trim(s, "0") == "" {
		return nil, valueOK
	}
	if len(s) == 8 {
		if t, err := time.Parse("20060102", s); err == nil {
			return t.Format("2006-01-02"), valueOK
		}
	}
	// Some writers put YYYY-MM-DD or YYYY/MM/DD into D fields.
	if len(s) == 10 {
		if t, err := time.Parse("2006-01-02", strings.ReplaceAll(s, "/", "-")); err == nil {
			return t.Format("2006-01-02"), valueOK
		}
	}
	return s, valueBadDate
}

// logicalValue maps dBase logicals to "T"/"F"; '?' and blank are NULL.
func logicalValue(s string) any {
	switch strings.TrimSpace(s) {
	case "T", "t", "Y", "y":
		return "T"
	case "F", "f", "N", "n":
		return "F"
	}
	return nil
}

// dbfOutField is a field as it will be written.
type dbfOutField struct {
	name     []byte // encoded, at most 10 bytes
	typ      byte
	length   int
	decimals int
}

// dbfHeader builds the header and field descriptors of a dBase III table.
func dbfHeader(fields []dbfOutField, nrec int, ldid byte, now time.Time) []byte {
	recLen := 1
	for _, f := range fields {
		recLen += f.length
	}
	hl := 32 + 32*len(fields) + 1
	h := make([]byte, hl)
	h[0] = 0x03
	h[1] = byte(now.Year() - 1900)
	h[2] = byte(now.Month())
	h[3] = byte(now.Day())
	binary.LittleEndian.PutUint32(h[4:], uint32(nrec))
	binary.LittleEndian.PutUint16(h[8:], uint16(hl))
	binary.LittleEndian.PutUint16(h[10:], uint16(recLen))
	h[29] = ldid
	for i, f := range fields {
		d := h[32+32*i : 64+32*i]
		copy(d[:10], f.name)
		d[11] = f.typ
		d[16] = byte(f.length)
		d[17] = byte(f.decimals)
	}
	h[hl-1] = 0x0D
	return h
}
