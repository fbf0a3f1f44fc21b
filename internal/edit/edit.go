// Package edit holds editing commands and the undo history. A command is a list of feature
// states before and after, so applying, undoing and journalling any edit is one mechanism:
// write the After states, or write the Before states.
package edit

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"kuanggui/internal/plan"
)

// Change is one feature of one layer before and after an edit. Before is nil for an insert,
// After is nil for a delete.
type Change struct {
	Layer  string
	Before *plan.Feature
	After  *plan.Feature
}

// Command is one undoable step.
type Command struct {
	Label   string
	Changes []Change
	// MergeKey lets consecutive commands with the same key collapse into one step (typing in one
	// field, nudging one vertex); empty means never merge.
	MergeKey string
}

// Inverse returns the command that undoes c.
func (c Command) Inverse() Command {
	inv := Command{Label: c.Label, Changes: make([]Change, len(c.Changes))}
	for i, ch := range c.Changes {
		// Reverse order, so that dependent changes unwind last-first.
		inv.Changes[len(c.Changes)-1-i] = Change{Layer: ch.Layer, Before: ch.After, After: ch.Before}
	}
	return inv
}

// Merge folds next into c: the first Before and the last After of each feature are kept.
func (c Command) Merge(next Command) Command {
	out := Command{Label: c.Label, MergeKey: c.MergeKey, Changes: append([]Change(nil), c.Changes...)}
	for _, n := range next.Changes {
		found := false
		for i, ch := range out.Changes {
			if ch.Layer == n.Layer && featureID(ch) == featureID(n) {
				out.Changes[i].After = n.After
				found = true
				break
			}
		}
		if !found {
			out.Changes = append(out.Changes, n)
		}
	}
	return out
}

func featureID(ch Change) int64 {
	if ch.After != nil {
		return ch.After.ID
	}
	if ch.Before != nil {
		return ch.Before.ID
	}
	return 0
}

// Insert builds a command that adds f to layer.
func Insert(label, layer string, f plan.Feature) Command {
	a := f.Clone()
	return Command{Label: label, Changes: []Change{{Layer: layer, After: &a}}}
}

// Update builds a command that replaces before with after (same ID).
func Update(label, layer string, before, after plan.Feature) Command {
	b, a := before.Clone(), after.Clone()
	return Command{Label: label, Changes: []Change{{Layer: layer, Before: &b, After: &a}}}
}

// Delete builds a command that removes the features fs from layer.
func Delete(label, layer string, fs ...plan.Feature) Command {
	c := Command{Label: label}
	for _, f := range fs {
		b := f.Clone()
		c.Changes = append(c.Changes, Change{Layer: layer, Before: &b})
	}
	return c
}

// Journal form: geometry as WKB so a project's journal stays compact and exact.
type featureJSON struct {
	ID    int64      `json:"id"`
	WKB   []byte     `json:"wkb,omitempty"`
	Attrs plan.Attrs `json:"attrs,omitempty"`
}

type changeJSON struct {
	Layer  string       `json:"layer"`
	Before *featureJSON `json:"before,omitempty"`
	After  *featureJSON `json:"after,omitempty"`
}

type commandJSON struct {
	Label    string       `json:"label"`
	MergeKey string       `json:"merge,omitempty"`
	Changes  []changeJSON `json:"changes"`
}

func toJSON(f *plan.Feature) (*featureJSON, error) {
	if f == nil {
		return nil, nil
	}
	out := &featureJSON{ID: f.ID, Attrs: tagReals(f.Attrs)}
	if len(f.Geometry) > 0 {
		b, err := wkb.Marshal(f.Geometry)
		if err != nil {
			return nil, err
		}
		out.WKB = b
	}
	return out, nil
}

func fromJSON(j *featureJSON) (*plan.Feature, error) {
	if j == nil {
		return nil, nil
	}
	f := &plan.Feature{ID: j.ID, Attrs: normaliseNumbers(j.Attrs)}
	if len(j.WKB) > 0 {
		g, err := wkb.Unmarshal(j.WKB)
		if err != nil {
			return nil, err
		}
		switch g := g.(type) {
		case orb.MultiPolygon:
			f.Geometry = g
		case orb.Polygon:
			f.Geometry = orb.MultiPolygon{g}
		default:
			return nil, fmt.Errorf("journal: feature %d has a %s, want a polygon", j.ID, g.GeoJSONType())
		}
	}
	return f, nil
}

// JSON does not tell 3 from 3.0, so reals are written as {"real": v} and come back float64,
// while plain numbers come back int64: an undone edit restores the exact value types.
func tagReals(a plan.Attrs) plan.Attrs {
	if a == nil {
		return nil
	}
	out := make(plan.Attrs, len(a))
	for k, v := range a {
		if f, ok := v.(float64); ok {
			out[k] = map[string]float64{"real": f}
		} else {
			out[k] = v
		}
	}
	return out
}

func normaliseNumbers(a plan.Attrs) plan.Attrs {
	for k, v := range a {
		if m, ok := v.(map[string]any); ok {
			if n, ok := m["real"].(json.Number); ok {
				f, _ := n.Float64()
				a[k] = f
				continue
			}
		}
		if n, ok := v.(json.Number); ok {
			if i, err := n.Int64(); err == nil {
				a[k] = i
			} else if f, err := n.Float64(); err == nil {
				a[k] = f
			} else {
				a[k] = n.String()
			}
		}
	}
	return a
}

// MarshalJournal encodes c for the project's journal table.
func MarshalJournal(c Command) ([]byte, error) {
	cj := commandJSON{Label: c.Label, MergeKey: c.MergeKey}
	for _, ch := range c.Changes {
		b, err := toJSON(ch.Before)
		if err != nil {
			return nil, err
		}
		a, err := toJSON(ch.After)
		if err != nil {
			return nil, err
		}
		cj.Changes = append(cj.Changes, changeJSON{Layer: ch.Layer, Before: b, After: a})
	}
	return json.Marshal(cj)
}

// UnmarshalJournal decodes what MarshalJournal wrote.
func UnmarshalJournal(data []byte) (Command, error) {
	var cj commandJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&cj); err != nil {
		return Command{}, fmt.Errorf("journal entry: %w", err)
	}
	c := Command{Label: cj.Label, MergeKey: cj.MergeKey}
	for _, ch := range cj.Changes {
		b, err := fromJSON(ch.Before)
		if err != nil {
			return Command{}, err
		}
		a, err := fromJSON(ch.After)
		if err != nil {
			return Command{}, err
		}
		c.Changes = append(c.Changes, Change{Layer: ch.Layer, Before: b, After: a})
	}
	return c, nil
}
