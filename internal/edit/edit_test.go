package edit

import (
	"reflect"
	"testing"

	"github.com/paulmach/orb"

	"kuanggui/internal/plan"
)

func square(x, y, d float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x, y}, {x, y + d}, {x + d, y + d}, {x + d, y}, {x, y}}}}
}

func TestJournalRoundTrip(t *testing.T) {
	withHole := square(85, 44, 0.1)
	withHole[0] = append(withHole[0], orb.Ring{{85.02, 44.02}, {85.04, 44.02}, {85.04, 44.04}, {85.02, 44.04}, {85.02, 44.02}})
	before := plan.Feature{ID: 7, Geometry: withHole, Attrs: plan.Attrs{"QKBH": "T652300001", "MJ": 12.3456, "ZXGM": 45.0, "SL": int64(3), "BZ": nil}}
	after := before.Clone()
	after.Attrs["QKMC"] = "新疆某铜矿勘查区块"
	after.Geometry = append(after.Geometry, square(86, 45, 0.05)[0])
	cmds := []Command{
		Update("修改属性", "kanchqk", before, after),
		Insert("新建区块", "kaicqk", plan.Feature{ID: 9, Attrs: plan.Attrs{"QKBH": "C1"}}),
		Delete("删除区块", "kanchqk", before),
	}
	for _, c := range cmds {
		data, err := MarshalJournal(c)
		if err != nil {
			t.Fatal(err)
		}
		got, err := UnmarshalJournal(data)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, c) {
			t.Fatalf("round trip of %q:\n got %#v\nwant %#v", c.Label, got, c)
		}
	}
}

func TestUnmarshalJournalRejectsGarbage(t *testing.T) {
	for _, in := range []string{"", "{", `{"changes":[{"layer":"a","after":{"id":1,"wkb":"AAAA"}}]}`} {
		if _, err := UnmarshalJournal([]byte(in)); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

func TestInverseAndMerge(t *testing.T) {
	a := plan.Feature{ID: 1, Attrs: plan.Attrs{"QKMC": "a"}}
	b := plan.Feature{ID: 1, Attrs: plan.Attrs{"QKMC": "ab"}}
	c := plan.Feature{ID: 1, Attrs: plan.Attrs{"QKMC": "abc"}}
	m := Update("输入", "kanchqk", a, b).Merge(Update("输入", "kanchqk", b, c))
	if len(m.Changes) != 1 || m.Changes[0].Before.Attrs["QKMC"] != "a" || m.Changes[0].After.Attrs["QKMC"] != "abc" {
		t.Fatalf("merge = %+v", m.Changes[0])
	}
	inv := m.Inverse()
	if inv.Changes[0].After.Attrs["QKMC"] != "a" || inv.Changes[0].Before.Attrs["QKMC"] != "abc" {
		t.Fatalf("inverse = %+v", inv.Changes[0])
	}
	d := Insert("新建", "kaicqk", a).Inverse()
	if d.Changes[0].After != nil || d.Changes[0].Before.ID != 1 {
		t.Fatalf("inverse of insert must delete: %+v", d.Changes[0])
	}
}

func TestHistory(t *testing.T) {
	h := &History{}
	for i := int64(1); i <= 3; i++ {
		h.Push(Step{Seq: i, Command: Command{Label: "s"}})
	}
	if s, _ := h.Undo(); s.Seq != 3 {
		t.Fatalf("undo gave %d", s.Seq)
	}
	if s, _ := h.Undo(); s.Seq != 2 {
		t.Fatalf("undo gave %d", s.Seq)
	}
	if s, _ := h.Redo(); s.Seq != 2 {
		t.Fatalf("redo gave %d", s.Seq)
	}
	h.Push(Step{Seq: 4})
	if _, ok := h.Redo(); ok {
		t.Fatal("a new step must drop the redo tail")
	}
	// Rebuilt from a journal where 4 and then 3 were undone: 3 is redone first.
	r := NewHistory([]Step{{Seq: 1}, {Seq: 2}, {Seq: 3}, {Seq: 4}}, []bool{false, false, true, true})
	if s, _ := r.Redo(); s.Seq != 3 {
		t.Fatalf("redo after reopen gave %d, want 3", s.Seq)
	}
	if s, _ := r.Undo(); s.Seq != 3 {
		t.Fatalf("undo after reopen gave %d, want 3", s.Seq)
	}
	if s, _ := r.Undo(); s.Seq != 2 {
		t.Fatalf("undo after reopen gave %d, want 2", s.Seq)
	}
}

func FuzzUnmarshalJournal(f *testing.F) {
	c := Update("修改", "kanchqk", plan.Feature{ID: 1, Geometry: square(85, 44, 1)}, plan.Feature{ID: 1, Attrs: plan.Attrs{"MJ": 1.5}})
	seed, _ := MarshalJournal(c)
	f.Add(seed)
	f.Add([]byte(`{"changes":[{"layer":"x","before":{"id":1,"attrs":{"a":{"real":"x"}}}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		cmd, err := UnmarshalJournal(data)
		if err != nil {
			return
		}
		if _, err := MarshalJournal(cmd); err != nil {
			t.Fatalf("decoded entry does not encode again: %v", err)
		}
	})
}
