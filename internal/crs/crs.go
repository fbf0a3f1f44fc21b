// Package crs knows the coordinate reference systems of the plan: CGCS2000 geographic
// (EPSG:4490, the storage CRS) and its 3° Gauss-Krüger zones 25–45 (EPSG:4513–4554), with and
// without the zone prefix in the easting. It reads and writes .prj files, transforms coordinates
// through PROJ, computes ellipsoidal areas in pure Go, formats and parses angles, and reads and
// writes turning-point (拐点坐标) tables.
//
// Axis order is GIS order everywhere in this package's coordinates (x = longitude or easting,
// y = latitude or northing), except in turning-point tables and in GeoToGK/GKToGeo, which follow
// the Chinese survey convention: X is northing, Y is easting.
//
// This is the only package that imports PROJ (github.com/twpayne/go-proj).
package crs

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ErrUnknownCRS is wrapped by every FromPRJ, ParseSRS and FromEPSG failure caused by a CRS this
// package does not support.
var ErrUnknownCRS = errors.New("unknown or unsupported coordinate reference system")

// EPSG codes this package knows.
const (
	EPSGCGCS2000    = 4490
	EPSGWGS84       = 4326
	epsgPrefixFirst = 4513 // zone 25, zone prefix in the easting
	epsgPlainFirst  = 4534 // zone 25 (CM 75E), no prefix
	MinZone         = 25
	MaxZone         = 45
)

// CRS identifies one supported coordinate reference system. The zero value is not valid; build
// one with Geographic, GaussKruger, FromEPSG, ParseSRS or FromPRJ.
type CRS struct {
	EPSG       int
	Name       string
	Zone       int  // 3° Gauss-Krüger zone number; 0 = geographic
	ZonePrefix bool // easting carries the zone number (false easting = zone×10⁶ + 500 000)
}

// Geographic returns CGCS2000 geographic, EPSG:4490 (the storage CRS).
func Geographic() CRS {
	return CRS{EPSG: EPSGCGCS2000, Name: "China Geodetic Coordinate System 2000"}
}

// WGS84 returns WGS 84 geographic, EPSG:4326. CGCS2000 and WGS 84 (as realised today) differ by a
// few centimetres, below the precision of planning data, so this package treats them as equal:
// a transform between them is the identity.
func WGS84() CRS {
	return CRS{EPSG: EPSGWGS84, Name: "WGS 84"}
}

// GaussKruger returns the CGCS2000 3° Gauss-Krüger CRS of zone (25..45). prefix selects the
// variant whose easting carries the zone number: EPSG 4513+(zone-25); without it 4534+(zone-25).
func GaussKruger(zone int, prefix bool) (CRS, error) {
	if zone < MinZone || zone > MaxZone {
		return CRS{}, fmt.Errorf("%w: 3° Gauss-Krüger zone %d is outside CGCS2000's zones %d–%d (central meridians 75°E–135°E)",
			ErrUnknownCRS, zone, MinZone, MaxZone)
	}
	if prefix {
		return CRS{
			EPSG:       epsgPrefixFirst + zone - MinZone,
			Name:       fmt.Sprintf("CGCS2000 / 3-degree Gauss-Kruger zone %d", zone),
			Zone:       zone,
			ZonePrefix: true,
		}, nil
	}
	return CRS{
		EPSG: epsgPlainFirst + zone - MinZone,
		Name: fmt.Sprintf("CGCS2000 / 3-degree Gauss-Kruger CM %dE", zone*3),
		Zone: zone,
	}, nil
}

// FromEPSG returns the CRS of an EPSG code: 4490, 4513–4554, or 4326 (see WGS84).
func FromEPSG(code int) (CRS, error) {
	switch {
	case code == EPSGCGCS2000:
		return Geographic(), nil
	case code == EPSGWGS84:
		return WGS84(), nil
	case code >= epsgPrefixFirst && code < epsgPlainFirst:
		return GaussKruger(MinZone+code-epsgPrefixFirst, true)
	case code >= epsgPlainFirst && code <= epsgPlainFirst+MaxZone-MinZone:
		return GaussKruger(MinZone+code-epsgPlainFirst, false)
	}
	return CRS{}, fmt.Errorf("%w: EPSG:%d (supported: 4490 CGCS2000, 4513–4533 and 4534–4554 CGCS2000 3° Gauss-Krüger, 4326 WGS 84)",
		ErrUnknownCRS, code)
}

// ParseSRS reads a CRS given by the user: "EPSG:4516", "epsg:4516" or "4516".
func ParseSRS(s string) (CRS, error) {
	t := strings.TrimSpace(s)
	if len(t) > 5 && strings.EqualFold(t[:5], "EPSG:") {
		t = strings.TrimSpace(t[5:])
	}
	code, err := strconv.Atoi(t)
	if err != nil {
		return CRS{}, fmt.Errorf("%w: %q is not an EPSG code; write it as EPSG:4516 or 4516", ErrUnknownCRS, s)
	}
	return FromEPSG(code)
}

// String returns e.g. "EPSG:4516 CGCS2000 / 3-degree Gauss-Kruger zone 28".
func (c CRS) String() string {
	if c.EPSG == 0 {
		return "(no CRS)"
	}
	return fmt.Sprintf("EPSG:%d %s", c.EPSG, c.Name)
}

// IsGeographic reports whether coordinates are longitude/latitude degrees.
func (c CRS) IsGeographic() bool { return c.Zone == 0 }

// SRS returns "EPSG:N", the form PROJ and GDAL take.
func (c CRS) SRS() string { return "EPSG:" + strconv.Itoa(c.EPSG) }

// FalseEasting returns the false easting in metres of a Gauss-Krüger CRS (0 for geographic).
func (c CRS) FalseEasting() float64 {
	if c.Zone == 0 {
		return 0
	}
	if c.ZonePrefix {
		return float64(c.Zone)*1e6 + 500000
	}
	return 500000
}

// ESRIName returns the name ArcGIS uses, e.g. "CGCS2000_3_Degree_GK_Zone_28".
func (c CRS) ESRIName() string {
	switch {
	case c.EPSG == EPSGWGS84:
		return "GCS_WGS_1984"
	case c.Zone == 0:
		return "GCS_China_Geodetic_Coordinate_System_2000"
	case c.ZonePrefix:
		return fmt.Sprintf("CGCS2000_3_Degree_GK_Zone_%d", c.Zone)
	}
	return fmt.Sprintf("CGCS2000_3_Degree_GK_CM_%dE", c.Zone*3)
}

const (
	esriGCSCGCS2000 = `GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]`
	esriGCSWGS84    = `GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]`
)

// PRJ returns the ESRI WKT that ArcGIS writes into a .prj file for this CRS (one line, no
// newline), which GDAL and PROJ identify back to the same EPSG code.
func (c CRS) PRJ() string {
	switch {
	case c.EPSG == EPSGWGS84:
		return esriGCSWGS84
	case c.Zone == 0:
		return esriGCSCGCS2000
	}
	return `PROJCS["` + c.ESRIName() + `",` + esriGCSCGCS2000 +
		`,PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",` + esriNum(c.FalseEasting()) +
		`],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",` + esriNum(CentralMeridian(c.Zone)) +
		`],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]`
}

// esriNum writes a number as ArcGIS does: always with a decimal point.
func esriNum(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// ZoneOf returns the 3° zone whose central meridian is nearest to lon: floor((lon+1.5)/3).
func ZoneOf(lon float64) int {
	return int(math.Floor((lon + 1.5) / 3))
}

// CentralMeridian returns the central meridian in degrees of 3° zone zone: zone×3.
func CentralMeridian(zone int) float64 { return float64(zone) * 3 }
