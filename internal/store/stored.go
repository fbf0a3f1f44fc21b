package store

import (
	"fmt"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"kuanggui/internal/plan"
)

// AsStored returns fs, just written to table by InsertMany, as ReadLayer would read the table
// back now, with the table's fields, without reading it: a bulk import need not decode what it
// has just encoded. ok is false, and fs untouched, unless the table holds exactly the features
// of fs (their IDs, consecutive, span the table) and every value comes back as it is: TEXT
// columns hold strings, INTEGER int64, REAL float64, DATE "YYYY-MM-DD" strings, and every
// attribute is named as its column. Anything else may be changed by SQLite's column affinity
// or the driver's date parsing, and the caller reads the table instead. On success fs is
// reused: each feature's Attrs gains the fields it lacks (nil), an empty geometry becomes nil
// and a -0 real becomes 0, as on reading.
func (s *Store) AsStored(table string, fs []plan.Feature) ([]plan.Feature, []plan.Field, bool, error) {
	if len(fs) == 0 {
		return nil, nil, false, nil
	}
	ts, err := s.schemaOf(s.db, table)
	if err != nil {
		return nil, nil, false, err
	}
	first := fs[0].ID
	for i := range fs {
		if fs[i].ID != first+int64(i) {
			return nil, nil, false, nil
		}
	}
	// The IDs are unique in the table and consecutive in fs: if the table's smallest and
	// largest are fs's, the table holds fs and nothing else.
	var lo, hi int64
	q := fmt.Sprintf("SELECT coalesce(min(%[1]s), 0), coalesce(max(%[1]s), 0) FROM %[2]s", quoteID(ts.pk), quoteID(ts.name))
	if err := s.db.QueryRow(q).Scan(&lo, &hi); err != nil {
		return nil, nil, false, s.mapErr(err)
	}
	if lo != first || hi != fs[len(fs)-1].ID {
		return nil, nil, false, nil
	}
	kinds := make([]storedKind, len(ts.fields))
	col := make(map[string]int, len(ts.fields))
	for i, fd := range ts.fields {
		if kinds[i] = kindOfDecl(ts.decls[i]); kinds[i] == kindOther {
			return nil, nil, false, nil
		}
		col[fd.Name] = i
	}
	for i := range fs {
		if !geometryRoundTrips(fs[i].Geometry) {
			return nil, nil, false, nil
		}
		for k, v := range fs[i].Attrs {
			c, ok := col[k]
			if !ok || !kinds[c].keeps(v) {
				return nil, nil, false, nil
			}
		}
	}
	for i := range fs {
		f := &fs[i]
		if isEmptyMP(f.Geometry) {
			f.Geometry = nil
		}
		if f.Attrs == nil {
			f.Attrs = make(plan.Attrs, len(ts.fields))
		}
		for _, fd := range ts.fields {
			v, ok := f.Attrs[fd.Name]
			if !ok {
				f.Attrs[fd.Name] = nil
			} else if x, isReal := v.(float64); isReal && x == 0 {
				f.Attrs[fd.Name] = 0.0 // SQLite stores a whole REAL as an integer: -0 reads as 0
			}
		}
	}
	return fs, append([]plan.Field(nil), ts.fields...), true, nil
}

type storedKind int

const (
	kindOther storedKind = iota
	kindText
	kindInt
	kindReal
	kindDate
)

// kindOfDecl is the declared column types whose values AsStored can predict: the ones
// CreateLayer and AddFields write (TEXT may carry a width).
func kindOfDecl(decl string) storedKind {
	d := strings.ToUpper(strings.TrimSpace(decl))
	if i := strings.IndexByte(d, '('); i > 0 {
		if d[:i] != "TEXT" {
			return kindOther
		}
		d = "TEXT"
	}
	switch d {
	case "TEXT":
		return kindText
	case "INTEGER":
		return kindInt
	case "REAL":
		return kindReal
	case "DATE":
		return kindDate
	}
	return kindOther
}

// keeps says whether v, stored in a column of this kind, reads back as the same value.
func (k storedKind) keeps(v any) bool {
	if v == nil {
		return true
	}
	switch k {
	case kindText:
		_, ok := v.(string)
		return ok
	case kindInt:
		_, ok := v.(int64)
		return ok
	case kindReal:
		_, ok := v.(float64)
		return ok
	case kindDate:
		// The driver parses a DATE column's text into a time, and fromSQL prints it again.
		s, ok := v.(string)
		if !ok {
			return false
		}
		t, err := time.Parse(time.DateOnly, s)
		return err == nil && t.Format(time.DateOnly) == s
	}
	return false
}

// geometryRoundTrips: the decoder keeps every part and ring the encoder wrote as long as none
// is empty; an entirely empty geometry is stored as NULL and read back as nil.
func geometryRoundTrips(mp orb.MultiPolygon) bool {
	if isEmptyMP(mp) {
		return true
	}
	for _, p := range mp {
		if len(p) == 0 {
			return false
		}
		for _, r := range p {
			if len(r) == 0 {
				return false
			}
		}
	}
	return true
}
