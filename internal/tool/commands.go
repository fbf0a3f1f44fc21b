package tool

import (
	"errors"
	"fmt"

	"github.com/paulmach/orb"

	"kuanggui/internal/edit"
	"kuanggui/internal/plan"
)

// DeleteCommand removes fs from layer. needsConfirm is true when more than one block goes, so
// the UI asks first.
func DeleteCommand(layer string, fs []plan.Feature) (cmd edit.Command, needsConfirm bool) {
	return edit.Delete(LabelDeleteBlock, layer, fs...), len(fs) > 1
}

// SplitCommand replaces f by parts: f keeps its ID and attributes and takes parts[0]; every other
// part becomes a new feature (ID 0) with newAttrs(i) (i ≥ 1), or a copy of f's attributes when
// newAttrs is nil. The parts come from topo (split along a drawn line).
func SplitCommand(layer string, f plan.Feature, parts []orb.MultiPolygon, newAttrs func(i int) plan.Attrs) (edit.Command, error) {
	if len(parts) < 2 {
		return edit.Command{}, fmt.Errorf("分割区块: the line cuts feature %d into %d part(s), need at least 2: draw the line right across the block", f.ID, len(parts))
	}
	for i, p := range parts {
		if err := checkGeometry(p); err != nil {
			return edit.Command{}, fmt.Errorf("分割区块: part %d: %w", i, err)
		}
	}
	after := f.Clone()
	after.Geometry = plan.CloneMultiPolygon(parts[0])
	cmd := edit.Update(LabelSplit, layer, f, after)
	for i := 1; i < len(parts); i++ {
		attrs := f.Attrs.Clone()
		if newAttrs != nil {
			attrs = newAttrs(i)
		}
		ins := edit.Insert(LabelSplit, layer, plan.Feature{Geometry: parts[i], Attrs: attrs})
		cmd.Changes = append(cmd.Changes, ins.Changes...)
	}
	return cmd, nil
}

// MergeCommand merges fs into fs[keep]: it takes the merged geometry (computed by topo) and keeps
// its ID and attributes; the others are deleted.
func MergeCommand(layer string, fs []plan.Feature, merged orb.MultiPolygon, keep int) (edit.Command, error) {
	if len(fs) < 2 {
		return edit.Command{}, fmt.Errorf("合并区块: %d block(s) selected, select at least 2", len(fs))
	}
	if keep < 0 || keep >= len(fs) {
		return edit.Command{}, fmt.Errorf("合并区块: keep index %d outside the %d selected blocks", keep, len(fs))
	}
	if err := checkGeometry(merged); err != nil {
		return edit.Command{}, fmt.Errorf("合并区块: merged geometry: %w", err)
	}
	after := fs[keep].Clone()
	after.Geometry = plan.CloneMultiPolygon(merged)
	cmd := edit.Update(LabelMerge, layer, fs[keep], after)
	for i, f := range fs {
		if i == keep {
			continue
		}
		if f.ID == fs[keep].ID {
			return edit.Command{}, fmt.Errorf("合并区块: feature %d selected twice", f.ID)
		}
		cmd.Changes = append(cmd.Changes, edit.Delete(LabelMerge, layer, f).Changes...)
	}
	return cmd, nil
}

// AddHoleCommand cuts the ring hole out of the polygon of f that contains it. The hole is
// stored clockwise.
func AddHoleCommand(layer string, f plan.Feature, hole orb.Ring) (edit.Command, error) {
	pts := openRing(hole)
	if distinctCount(pts) < 3 {
		return edit.Command{}, errors.New("添加洞: a hole needs at least 3 distinct points")
	}
	for pi, poly := range f.Geometry {
		if len(poly) == 0 || !ringInside(pts, poly[0]) {
			continue
		}
		after := f.Clone()
		after.Geometry[pi] = append(after.Geometry[pi], closeRing(orient(pts, false)))
		return edit.Update(LabelAddHole, layer, f, after), nil
	}
	return edit.Command{}, fmt.Errorf("添加洞: the hole is not inside feature %d: draw it within the block", f.ID)
}

// AddPartCommand adds the ring part as a new polygon of f (outer ring counter-clockwise).
func AddPartCommand(layer string, f plan.Feature, part orb.Ring) (edit.Command, error) {
	pts := openRing(part)
	if distinctCount(pts) < 3 {
		return edit.Command{}, errors.New("添加部分: a part needs at least 3 distinct points")
	}
	after := f.Clone()
	after.Geometry = append(after.Geometry, orb.Polygon{closeRing(orient(pts, true))})
	return edit.Update(LabelAddPart, layer, f, after), nil
}

// ringInside reports whether every point of pts lies inside the outer ring.
func ringInside(pts []orb.Point, outer orb.Ring) bool {
	for _, p := range pts {
		if !pointInRing(p, outer) {
			return false
		}
	}
	return len(pts) > 0
}

// checkGeometry refuses geometry a command must not write: empty, non-finite, or a ring with
// fewer than 3 distinct points.
func checkGeometry(mp orb.MultiPolygon) error {
	if len(mp) == 0 {
		return errors.New("empty geometry")
	}
	for pi, poly := range mp {
		if len(poly) == 0 {
			return fmt.Errorf("polygon %d has no rings", pi)
		}
		for ri, r := range poly {
			for _, p := range r {
				if !finitePoint(p) {
					return fmt.Errorf("polygon %d ring %d has a non-finite coordinate", pi, ri)
				}
			}
			if distinctCount(openRing(r)) < 3 {
				return fmt.Errorf("polygon %d ring %d has fewer than 3 distinct points", pi, ri)
			}
		}
	}
	return nil
}
