package render

import (
	"fmt"
	"image/color"
	"strconv"
	"strings"

	"kuanggui/internal/plan"
)

// LayerStyle is how one layer is drawn. A zero alpha turns a fill or stroke off.
type LayerStyle struct {
	Fill, Stroke color.NRGBA
	StrokeWidth  float64 // pixels
	// FillByValue, when set, picks the fill of a feature from its attributes; false falls back
	// to Fill. It is called once per feature when the layer is set, not on every frame.
	FillByValue func(plan.Attrs) (color.NRGBA, bool)
	// LabelField names the attribute drawn as the feature's label; "" draws none.
	LabelField string
}

// fallbackColour is used for a catalog colour that does not parse, so a typo in the catalog
// shows as grey instead of hiding a layer.
var fallbackColour = color.NRGBA{0x80, 0x80, 0x80, 0xff}

// ParseColour reads "#rrggbbaa" or "#rrggbb" (alpha ff).
func ParseColour(s string) (color.NRGBA, error) {
	h := strings.TrimPrefix(strings.TrimSpace(s), "#")
	if len(h) != 6 && len(h) != 8 {
		return color.NRGBA{}, fmt.Errorf("colour %q: want #rrggbb or #rrggbbaa", s)
	}
	if len(h) == 6 {
		h += "ff"
	}
	n, err := strconv.ParseUint(h, 16, 32)
	if err != nil {
		return color.NRGBA{}, fmt.Errorf("colour %q: want #rrggbb or #rrggbbaa hexadecimal digits", s)
	}
	return color.NRGBA{uint8(n >> 24), uint8(n >> 16), uint8(n >> 8), uint8(n)}, nil
}

func colourOr(s string, def color.NRGBA) color.NRGBA {
	c, err := ParseColour(s)
	if err != nil {
		return def
	}
	return c
}

// StyleFromPlan turns a catalog style into a LayerStyle. With ByMineral, a feature's fill is
// the catalog colour of the first mineral named in its KZ field, with the layer fill's alpha;
// unknown minerals keep the layer fill.
func StyleFromPlan(def plan.LayerDef, cat *plan.Catalog) LayerStyle {
	st := LayerStyle{
		Fill:        colourOr(def.Style.Fill, color.NRGBA{}),
		Stroke:      colourOr(def.Style.Stroke, fallbackColour),
		StrokeWidth: def.Style.StrokeWidth,
		LabelField:  def.Style.LabelField,
	}
	if st.StrokeWidth <= 0 {
		st.StrokeWidth = 1
	}
	if def.Style.ByMineral && cat != nil {
		alpha := st.Fill.A
		if alpha == 0 {
			alpha = 0xcc
		}
		colours := map[string]color.NRGBA{}
		for _, m := range cat.Minerals {
			c, err := ParseColour(m.Colour)
			if err != nil {
				continue
			}
			c.A = alpha
			colours[m.Name] = c
			if m.Code != "" {
				colours[m.Code] = c
			}
		}
		st.FillByValue = func(a plan.Attrs) (color.NRGBA, bool) {
			c, ok := colours[firstMineral(a.String("KZ"))]
			if !ok {
				c, ok = colours[firstMineral(a.String("KZDM"))]
			}
			return c, ok
		}
	}
	return st
}

// firstMineral returns the first name of a list such as "金、铜" or "煤,煤层气".
func firstMineral(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "、,，;；/ "); i >= 0 {
		s = s[:i]
	}
	return s
}
