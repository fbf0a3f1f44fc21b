// Package plan holds the value types of a mineral resource plan: layers, features, field
// schemas, the layer catalog, the mineral catalog and block codes. It knows nothing of files,
// screens or projections; every other package speaks in these types.
package plan

import (
	"fmt"
	"sort"

	"github.com/paulmach/orb"
)

// StorageSRID is the CRS every geometry in a plan.Layer is in: CGCS2000 geographic,
// x = longitude, y = latitude, degrees.
const StorageSRID = 4490

// FieldType is the kind of value a field holds.
type FieldType string

const (
	FieldText FieldType = "text"
	FieldInt  FieldType = "int"
	FieldReal FieldType = "real"
	// FieldDate values are strings "YYYY-MM-DD".
	FieldDate FieldType = "date"
)

// Field describes one attribute column. Name is ASCII and at most 10 bytes so that it survives
// a shapefile; Label is what a planner reads.
type Field struct {
	Name     string    `json:"name"`
	Label    string    `json:"label"`
	LabelEN  string    `json:"label_en,omitempty"`
	Type     FieldType `json:"type"`
	Width    int       `json:"width,omitempty"`
	Decimals int       `json:"decimals,omitempty"`
	Required bool      `json:"required,omitempty"`
	// Choices names a pick-list: "mineral", "kcjd" (exploration stage), "kcfs" (mining method).
	Choices string `json:"choices,omitempty"`
	// Computed fields (MJ) are derived from the geometry and never typed in.
	Computed bool `json:"computed,omitempty"`
}

// Attrs holds a feature's attribute values by field name. A value is nil (NULL), string,
// int64 or float64; dates are strings "YYYY-MM-DD".
type Attrs map[string]any

// Clone returns a copy that shares nothing mutable with a.
func (a Attrs) Clone() Attrs {
	if a == nil {
		return nil
	}
	c := make(Attrs, len(a))
	for k, v := range a {
		c[k] = v
	}
	return c
}

// String returns the value of field name as text ("" for NULL or missing).
func (a Attrs) String(name string) string {
	switch v := a[name].(type) {
	case nil:
		return ""
	case string:
		return v
	case int64:
		return fmt.Sprintf("%d", v)
	case float64:
		return trimFloat(v)
	default:
		return fmt.Sprint(v)
	}
}

// Float returns the value of field name as a number and whether it was one.
func (a Attrs) Float(name string) (float64, bool) {
	switch v := a[name].(type) {
	case int64:
		return float64(v), true
	case float64:
		return v, true
	case int:
		return float64(v), true
	}
	return 0, false
}

func trimFloat(v float64) string {
	s := fmt.Sprintf("%.6f", v)
	for len(s) > 0 && s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	if len(s) > 0 && s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	return s
}

// Keys returns the attribute names in sorted order, for stable output.
func (a Attrs) Keys() []string {
	ks := make([]string, 0, len(a))
	for k := range a {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// Feature is one polygon feature. ID is the row id in the project (0 before it is stored).
// Geometry is in EPSG:4490; an empty MultiPolygon means the feature has no geometry.
type Feature struct {
	ID       int64
	Geometry orb.MultiPolygon
	Attrs    Attrs
}

// Clone returns a deep copy of f.
func (f Feature) Clone() Feature {
	return Feature{ID: f.ID, Geometry: CloneMultiPolygon(f.Geometry), Attrs: f.Attrs.Clone()}
}

// CloneMultiPolygon deep-copies a geometry so that edits to the copy never reach the original.
func CloneMultiPolygon(mp orb.MultiPolygon) orb.MultiPolygon {
	if mp == nil {
		return nil
	}
	out := make(orb.MultiPolygon, len(mp))
	for i, p := range mp {
		out[i] = make(orb.Polygon, len(p))
		for j, r := range p {
			out[i][j] = append(orb.Ring(nil), r...)
		}
	}
	return out
}

// Layer is one feature table with its definition.
type Layer struct {
	Def      LayerDef
	Features []Feature
}

// Bound is the extent of every feature that has a geometry, and false when none has.
func (l *Layer) Bound() (orb.Bound, bool) {
	var b orb.Bound
	ok := false
	for _, f := range l.Features {
		if len(f.Geometry) == 0 {
			continue
		}
		fb := f.Geometry.Bound()
		if !ok {
			b, ok = fb, true
		} else {
			b = b.Union(fb)
		}
	}
	return b, ok
}
