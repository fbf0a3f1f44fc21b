// Package shapefile reads and writes ESRI shapefiles (.shp/.shx/.dbf/.prj/.cpg) as plan
// features in EPSG:4490.
//
// The byte-level parsing is our own, not jonas-p/go-shp's: go-shp v0.1.1 allocates slices
// from counts it reads from the file (make([]Point, NumPoints) with an int32 taken on trust, so
// a negative count panics and a huge one exhausts memory), ignores read and write errors, reads
// DBF text as raw bytes with no code page, and its Writer names the table "<name>dbf" without
// the dot. We keep its shape-type constants so the two stay in step, and every record is
// decoded from a bounds-checked byte slice under recover(), so a file can never crash the app.
package shapefile

import (
	"errors"
	"fmt"
)

// Limits bound what a reader will allocate. Counts found in a file are checked against these
// and against the bytes actually present before anything is allocated.
type Limits struct {
	MaxFileBytes       int64 // each of .shp and .dbf, and each file inside a zip
	MaxRecords         int
	MaxPartsPerRecord  int
	MaxPointsPerRecord int
	MaxFields          int
}

// DefaultLimits are generous for planning data (a provincial layer has a few thousand
// polygons) while keeping a hostile file from exhausting a laptop's memory.
func DefaultLimits() Limits {
	return Limits{
		MaxFileBytes:       1 << 30,
		MaxRecords:         1_000_000,
		MaxPartsPerRecord:  100_000,
		MaxPointsPerRecord: 10_000_000,
		MaxFields:          255,
	}
}

// fill replaces zero members by their defaults so a caller may set only what it cares about.
func (l Limits) fill() Limits {
	d := DefaultLimits()
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = d.MaxFileBytes
	}
	if l.MaxRecords <= 0 {
		l.MaxRecords = d.MaxRecords
	}
	if l.MaxPartsPerRecord <= 0 {
		l.MaxPartsPerRecord = d.MaxPartsPerRecord
	}
	if l.MaxPointsPerRecord <= 0 {
		l.MaxPointsPerRecord = d.MaxPointsPerRecord
	}
	if l.MaxFields <= 0 {
		l.MaxFields = d.MaxFields
	}
	return l
}

// ErrLimit is wrapped by every error caused by a file exceeding Limits.
var ErrLimit = errors.New("shapefile: limit exceeded")

func limitErr(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrLimit, fmt.Sprintf(format, a...))
}
