package validate

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// ReportJSON is the CLI's output shape.
type ReportJSON struct {
	Findings []ReportFinding `json:"findings"`
	Summary  ReportSummary   `json:"summary"`
}

// ReportFinding is one finding as the CLI prints it; Lon/Lat is a representative point of its
// geometry (omitted when it has none).
type ReportFinding struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	Layer    string   `json:"layer"`
	Features []string `json:"features"`
	Value    float64  `json:"value"`
	Limit    float64  `json:"limit"`
	Unit     string   `json:"unit,omitempty"`
	Message  string   `json:"message"`
	// MessageEN is Message in English (same codes and numbers).
	MessageEN string   `json:"message_en,omitempty"`
	Key       string   `json:"key"`
	Lon       *float64 `json:"lon,omitempty"`
	Lat       *float64 `json:"lat,omitempty"`
}

// ReportSummary counts findings by severity.
type ReportSummary struct {
	Error   int `json:"error"`
	Warning int `json:"warning"`
	Info    int `json:"info"`
}

// Report converts findings to the CLI's JSON shape.
func Report(findings []Finding) ReportJSON {
	rep := ReportJSON{Findings: make([]ReportFinding, 0, len(findings))}
	for _, f := range findings {
		rf := ReportFinding{Rule: f.Rule, Severity: f.Severity, Layer: f.Layer, Features: f.Codes,
			Value: f.Value, Limit: f.Limit, Unit: f.Unit, Message: f.Message, MessageEN: f.MessageEN, Key: f.Key}
		if rf.Features == nil {
			rf.Features = []string{}
		}
		if p, ok := RepresentativePoint(f.Geometry); ok {
			lon, lat := round7(p[0]), round7(p[1])
			rf.Lon, rf.Lat = &lon, &lat
		}
		switch f.Severity {
		case Error:
			rep.Summary.Error++
		case Warning:
			rep.Summary.Warning++
		default:
			rep.Summary.Info++
		}
		rep.Findings = append(rep.Findings, rf)
	}
	return rep
}

func round7(v float64) float64 { return math.Round(v*1e7) / 1e7 }

// RepresentativePoint is where a panel zooms to: the point itself, a line's midpoint, or the
// centroid of a polygon's largest part (its bound's centre when the centroid falls outside).
func RepresentativePoint(g orb.Geometry) (orb.Point, bool) {
	switch v := g.(type) {
	case nil:
		return orb.Point{}, false
	case orb.Point:
		return v, true
	case orb.LineString:
		if len(v) == 0 {
			return orb.Point{}, false
		}
		a, b := v[0], v[len(v)-1]
		return orb.Point{(a[0] + b[0]) / 2, (a[1] + b[1]) / 2}, true
	case orb.Polygon:
		return RepresentativePoint(orb.MultiPolygon{v})
	case orb.MultiPolygon:
		best, area := -1, -1.0
		for i, p := range v {
			if a := math.Abs(planar.Area(p)); a > area && len(p) > 0 && len(p[0]) > 0 {
				best, area = i, a
			}
		}
		if best < 0 {
			return orb.Point{}, false
		}
		c, _ := planar.CentroidArea(v[best])
		if !planar.PolygonContains(v[best], c) {
			c = v[best].Bound().Center()
		}
		return c, true
	}
	b := g.Bound()
	return b.Center(), true
}
