package plan

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Role says what a layer is for in the plan.
type Role string

const (
	RoleZone       Role = "zone"
	RoleBlock      Role = "block"
	RoleConstraint Role = "constraint"
	RoleReference  Role = "reference"
)

// BlockKind distinguishes the two block layers, whose rules differ.
type BlockKind string

const (
	Exploration BlockKind = "exploration" // 勘查规划区块
	Mining      BlockKind = "mining"      // 开采规划区块
)

// Style is how a layer is drawn. Colours are "#rrggbbaa".
type Style struct {
	Fill        string  `json:"fill"`
	Stroke      string  `json:"stroke"`
	StrokeWidth float64 `json:"stroke_width"`
	// ByMineral colours blocks by their KZ field through the mineral catalog.
	ByMineral bool `json:"by_mineral,omitempty"`
	// LabelField names the field drawn as a label at the feature's centre.
	LabelField string `json:"label_field,omitempty"`
}

// LayerDef is one entry of the layer catalog.
type LayerDef struct {
	Table    string    `json:"table"`
	Name     string    `json:"name"`
	NameEN   string    `json:"name_en"`
	Role     Role      `json:"role"`
	Group    string    `json:"group"`
	Kind     BlockKind `json:"kind,omitempty"`
	Editable bool      `json:"editable,omitempty"`
	// Expected is the number of features the provincial plan names, where it names one.
	Expected int     `json:"expected,omitempty"`
	Fields   []Field `json:"fields"`
	Style    Style   `json:"style"`
}

// Field returns the field called name, or false.
func (d *LayerDef) Field(name string) (Field, bool) {
	for _, f := range d.Fields {
		if strings.EqualFold(f.Name, name) {
			return f, true
		}
	}
	return Field{}, false
}

// Group is a heading of the layer panel.
type Group struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	NameEN string `json:"name_en"`
}

// MineralClass decides how many basic unit blocks one exploration block may hold.
type MineralClass string

const (
	ClassMetal        MineralClass = "metal"   // metals and non-metals: 40 cells
	ClassCoal         MineralClass = "coal"    // coal, geothermal: 200 cells
	ClassOilGas       MineralClass = "oil_gas" // oil and gas: 2500 cells
	ClassMineralWater MineralClass = "water"   // mineral water: 10 cells
)

// Mineral is one entry of the mineral catalog.
type Mineral struct {
	Name   string       `json:"name"`
	Code   string       `json:"code"`
	Class  MineralClass `json:"class"`
	Colour string       `json:"colour"`
}

// Catalog is the default layout of a project: layer groups, layers, minerals and pick-lists.
type Catalog struct {
	Groups   []Group             `json:"groups"`
	Layers   []LayerDef          `json:"layers"`
	Minerals []Mineral           `json:"minerals"`
	Choices  map[string][]string `json:"choices"`
	// Cells is the maximum number of basic unit blocks per mineral class.
	Cells map[MineralClass]int `json:"cells"`
}

// ParseCatalog reads the catalog JSON and checks what the rest of the program relies on.
func ParseCatalog(data []byte) (*Catalog, error) {
	var c Catalog
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("layer catalog: %w", err)
	}
	seen := map[string]bool{}
	for _, l := range c.Layers {
		if l.Table == "" || len(l.Table) > 8 {
			return nil, fmt.Errorf("layer catalog: table name %q must be 1 to 8 ASCII characters", l.Table)
		}
		if seen[l.Table] {
			return nil, fmt.Errorf("layer catalog: table %q listed twice", l.Table)
		}
		seen[l.Table] = true
		for _, f := range l.Fields {
			if len(f.Name) == 0 || len(f.Name) > 10 {
				return nil, fmt.Errorf("layer catalog: %s.%s: field names must be 1 to 10 bytes", l.Table, f.Name)
			}
		}
	}
	return &c, nil
}

// Layer returns the definition of table, or false.
func (c *Catalog) Layer(table string) (LayerDef, bool) {
	for _, l := range c.Layers {
		if l.Table == table {
			return l, true
		}
	}
	return LayerDef{}, false
}

// Mineral returns the catalog entry whose name or code is s, or false.
func (c *Catalog) Mineral(s string) (Mineral, bool) {
	s = strings.TrimSpace(s)
	for _, m := range c.Minerals {
		if m.Name == s || m.Code == s {
			return m, true
		}
	}
	return Mineral{}, false
}
