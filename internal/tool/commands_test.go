package tool

import (
	"reflect"
	"testing"

	"github.com/paulmach/orb"

	"kuanggui/internal/edit"
	"kuanggui/internal/plan"
)

func TestDeleteCommand(t *testing.T) {
	a, b := rect(1, 80, 40, 81, 41), rect(2, 82, 40, 83, 41)
	cmd, confirm := DeleteCommand("kanchqk", []plan.Feature{a})
	if confirm || cmd.Label != LabelDeleteBlock || len(cmd.Changes) != 1 || cmd.Changes[0].Before.ID != 1 || cmd.Changes[0].After != nil {
		t.Fatalf("delete one: %+v confirm %v", cmd, confirm)
	}
	if _, confirm = DeleteCommand("kanchqk", []plan.Feature{a, b}); !confirm {
		t.Fatalf("deleting two blocks needs no confirmation")
	}
}

func TestSplitCommand(t *testing.T) {
	f := rect(5, 80, 40, 82, 41)
	f.Attrs = plan.Attrs{"QKBH": "K-5", "KZ": "金"}
	left := rect(0, 80, 40, 81, 41).Geometry
	right := rect(0, 81, 40, 82, 41).Geometry
	cmd, err := SplitCommand("kanchqk", f, []orb.MultiPolygon{left, right}, func(i int) plan.Attrs {
		return plan.Attrs{"QKBH": "K-5-2", "KZ": "金"}
	})
	if err != nil {
		t.Fatal(err)
	}
	if cmd.Label != LabelSplit || len(cmd.Changes) != 2 {
		t.Fatalf("split: %+v", cmd)
	}
	up, ins := cmd.Changes[0], cmd.Changes[1]
	if up.Before.ID != 5 || up.After.ID != 5 || !reflect.DeepEqual(up.After.Geometry, left) || up.After.Attrs["QKBH"] != "K-5" {
		t.Fatalf("update part: %+v", up.After)
	}
	if ins.Before != nil || ins.After.ID != 0 || !reflect.DeepEqual(ins.After.Geometry, right) || ins.After.Attrs["QKBH"] != "K-5-2" {
		t.Fatalf("insert part: %+v", ins.After)
	}
	// Apply then undo restores the original.
	c := newCtx("kanchqk")
	c.add("kanchqk", f)
	c.apply(cmd)
	if len(c.feats) != 2 {
		t.Fatalf("%d features after split", len(c.feats))
	}
	if _, err := SplitCommand("kanchqk", f, []orb.MultiPolygon{left}, nil); err == nil {
		t.Fatalf("split into one part accepted")
	}
	if _, err := SplitCommand("kanchqk", f, []orb.MultiPolygon{left, {{{{80, 40}, {81, 40}, {80, 40}}}}}, nil); err == nil {
		t.Fatalf("degenerate part accepted")
	}
	// Without newAttrs the new part copies the attributes.
	cmd, _ = SplitCommand("kanchqk", f, []orb.MultiPolygon{left, right}, nil)
	if cmd.Changes[1].After.Attrs["KZ"] != "金" {
		t.Fatalf("attrs not copied")
	}
}

func TestMergeCommand(t *testing.T) {
	a, b, c := rect(1, 80, 40, 81, 41), rect(2, 81, 40, 82, 41), rect(3, 82, 40, 83, 41)
	merged := rect(0, 80, 40, 83, 41).Geometry
	cmd, err := MergeCommand("kaicqk", []plan.Feature{a, b, c}, merged, 1)
	if err != nil {
		t.Fatal(err)
	}
	if cmd.Label != LabelMerge || len(cmd.Changes) != 3 {
		t.Fatalf("merge: %+v", cmd)
	}
	if cmd.Changes[0].After.ID != 2 || !reflect.DeepEqual(cmd.Changes[0].After.Geometry, merged) {
		t.Fatalf("kept feature: %+v", cmd.Changes[0])
	}
	if cmd.Changes[1].Before.ID != 1 || cmd.Changes[1].After != nil || cmd.Changes[2].Before.ID != 3 {
		t.Fatalf("deleted features: %+v", cmd.Changes[1:])
	}
	// Round trip through the document: apply then the inverse gives the three blocks back.
	ctx := newCtx("kaicqk")
	for _, f := range []plan.Feature{a, b, c} {
		ctx.add("kaicqk", f)
	}
	ctx.apply(cmd)
	if len(ctx.feats) != 1 {
		t.Fatalf("%d features after merge", len(ctx.feats))
	}
	ctx.apply(cmd.Inverse())
	if len(ctx.feats) != 3 || !reflect.DeepEqual(ctx.feats[Ref{"kaicqk", 2}].Geometry, b.Geometry) {
		t.Fatalf("undo of merge: %v", ctx.feats)
	}
	for _, bad := range []struct {
		fs   []plan.Feature
		keep int
		g    orb.MultiPolygon
	}{{[]plan.Feature{a}, 0, merged}, {[]plan.Feature{a, b}, 2, merged}, {[]plan.Feature{a, b}, 0, nil}, {[]plan.Feature{a, a}, 0, merged}} {
		if _, err := MergeCommand("kaicqk", bad.fs, bad.g, bad.keep); err == nil {
			t.Errorf("merge of %d, keep %d accepted", len(bad.fs), bad.keep)
		}
	}
}

func TestHolePartCommands(t *testing.T) {
	f := rect(1, 80, 40, 81, 41)
	f.Geometry = append(f.Geometry, rect(0, 82, 40, 83, 41).Geometry...)
	// A counter-clockwise hole in the second polygon goes there, clockwise.
	cmd, err := AddHoleCommand("kanchqk", f, orb.Ring{{82.2, 40.2}, {82.4, 40.2}, {82.4, 40.4}, {82.2, 40.2}})
	if err != nil {
		t.Fatal(err)
	}
	g := cmd.Changes[0].After.Geometry
	if len(g[0]) != 1 || len(g[1]) != 2 || signedArea(openRing(g[1][1])) >= 0 || g[1][1][0] != g[1][1][len(g[1][1])-1] {
		t.Fatalf("hole: %v", g)
	}
	if _, err := AddHoleCommand("kanchqk", f, orb.Ring{{80.5, 40.5}, {82.5, 40.5}, {82.5, 40.6}}); err == nil {
		t.Fatalf("hole across two polygons accepted")
	}
	if _, err := AddPartCommand("kanchqk", f, orb.Ring{{84, 40}, {84, 40}, {85, 41}}); err == nil {
		t.Fatalf("part with 2 distinct points accepted")
	}
}

// FuzzTools feeds random event sequences to every tool: none may panic, and every command a
// tool returns writes rings with at least 3 distinct points.
func FuzzTools(f *testing.F) {
	f.Add([]byte{0, 10, 10, 2, 20, 10, 0, 20, 20, 4, 20, 20})
	f.Add([]byte{0, 1, 1, 3, 50, 50, 1, 50, 50, 5, 3, 0, 5, 2, 0})
	f.Add([]byte{0, 0, 0, 3, 255, 255, 1, 255, 255, 5, 1, 0, 0, 128, 128})
	f.Fuzz(func(t *testing.T, data []byte) {
		s := NewSnapper()
		s.SetGrid(len(data)%2 == 0)
		blocks := []plan.Feature{rect(1, 80, 40, 80.1, 40.1), rect(2, 80.12, 40, 80.2, 40.1)}
		s.SetLayer("kanchqk", blocks)
		keys := []string{KeyEscape, KeyReturn, KeyBackspace, KeyDelete, "x"}
		for _, tl := range []Tool{NewSelect(), NewDraw(DrawBlock, s), NewDraw(DrawHole, s), NewDraw(DrawPart, s), NewDraw(DrawLine, s), NewVertexEdit(s), NewMove(s)} {
			c := newCtx("kanchqk")
			for _, b := range blocks {
				c.add("kanchqk", b)
			}
			c.sel = []Ref{{"kanchqk", 1}}
			for i := 0; i+2 < len(data); i += 3 {
				e := Event{Kind: EventKind(data[i] % 6), X: 79.95 + float64(data[i+1])/1000, Y: 39.95 + float64(data[i+2])/1000, PixelSize: 0.001}
				e.Button = int(data[i]/6) % 3
				e.Shift, e.Ctrl = data[i]&64 != 0, data[i]&128 != 0
				if e.Kind == Key {
					e.Key = keys[int(data[i+1])%len(keys)]
				}
				if data[i+2] == 255 {
					e.PixelSize = 0
				}
				r := c.handle(tl, e)
				if r.Command == nil {
					continue
				}
				for _, ch := range r.Command.Changes {
					if ch.After != nil {
						if err := checkGeometry(ch.After.Geometry); err != nil {
							t.Fatalf("%s wrote bad geometry: %v", tl.Name(), err)
						}
					}
				}
				if !r.NeedsConfirm {
					c.apply(*r.Command)
					applyToSnapper(s, *r.Command)
				}
			}
		}
	})
}

func applyToSnapper(s *Snapper, cmd edit.Command) {
	for _, ch := range cmd.Changes {
		if ch.After == nil {
			s.Remove(ch.Layer, ch.Before.ID)
		} else {
			s.Update(ch.Layer, *ch.After)
		}
	}
}
