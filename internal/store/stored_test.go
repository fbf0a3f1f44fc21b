package store

import (
	"math"
	"reflect"
	"testing"

	"github.com/paulmach/orb"

	"kuanggui/internal/plan"
)

var storedDef = plan.LayerDef{Table: "tst", Name: "tst", Fields: []plan.Field{
	{Name: "T", Type: plan.FieldText, Width: 10}, {Name: "I", Type: plan.FieldInt},
	{Name: "R", Type: plan.FieldReal}, {Name: "D", Type: plan.FieldDate},
}}

func TestAsStoredEqualsReadLayer(t *testing.T) {
	s, _ := newStore(t)
	defer s.Close()
	if err := s.CreateLayer(storedDef); err != nil {
		t.Fatal(err)
	}
	// Extra columns the way an import adds them.
	if err := s.AddFields("tst", []plan.Field{{Name: "X", Type: plan.FieldText}, {Name: "Y", Type: plan.FieldReal}}); err != nil {
		t.Fatal(err)
	}
	hole := orb.Ring{{82.2, 44.2}, {82.2, 44.4}, {82.4, 44.4}, {82.2, 44.2}}
	fs := []plan.Feature{
		{Geometry: orb.MultiPolygon{{square(82, 44, 1), hole}, {square(85, 45, 0.5)}},
			Attrs: plan.Attrs{"T": "阿勒泰", "I": int64(math.MaxInt64), "R": math.Copysign(0, -1), "D": "2020-02-29", "X": "0123", "Y": 3.0}},
		{Geometry: orb.MultiPolygon{{square(1, 1, 1)}}, Attrs: plan.Attrs{"T": "", "I": int64(math.MinInt64), "R": 1e300}},
		{Geometry: orb.MultiPolygon{}, Attrs: plan.Attrs{"D": nil}}, // no geometry: NULL
		{Geometry: orb.MultiPolygon{{square(2, 2, 1)}}},
	}
	if err := s.InsertMany("tst", fs, nil); err != nil {
		t.Fatal(err)
	}
	got, gotFields, ok, err := s.AsStored("tst", fs)
	if err != nil || !ok {
		t.Fatalf("AsStored: ok %v, %v; want the features as stored", ok, err)
	}
	want, wantFields, err := s.ReadLayer("tst")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotFields, wantFields) {
		t.Fatalf("fields %+v, read %+v", gotFields, wantFields)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("in memory:\n%#v\nread back:\n%#v", got, want)
	}
	// DeepEqual treats -0 and 0 as equal; the file gives +0.
	if r := got[0].Attrs["R"].(float64); math.Signbit(r) != math.Signbit(want[0].Attrs["R"].(float64)) {
		t.Fatalf("R is %v in memory, %v read back", r, want[0].Attrs["R"])
	}
	if got[2].Geometry != nil || len(got[3].Attrs) != 6 {
		t.Fatalf("empty geometry %v, attributes %v; want nil and all 6 fields", got[2].Geometry, got[3].Attrs)
	}
}

// Values SQLite or the driver would change on the way back, and a table holding more than the
// features given, make AsStored decline, leaving the features as they were.
func TestAsStoredDeclines(t *testing.T) {
	sq := orb.MultiPolygon{{square(1, 1, 1)}}
	cases := map[string]plan.Attrs{
		"real in INTEGER":   {"I": 2.0},      // stored as the integer 2
		"integer in TEXT":   {"T": int64(7)}, // stored as "7"
		"integer in REAL":   {"R": int64(7)},
		"impossible date":   {"D": "2021-02-30"}, // the driver reads 0001-01-01
		"empty date":        {"D": ""},
		"date with time":    {"D": "2021-02-03 10:00"},
		"field named loose": {"t": "x"},
	}
	for name, attrs := range cases {
		s, _ := newStore(t)
		if err := s.CreateLayer(storedDef); err != nil {
			t.Fatal(err)
		}
		fs := []plan.Feature{{Geometry: sq, Attrs: attrs}}
		if err := s.InsertMany("tst", fs, nil); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, _, ok, err := s.AsStored("tst", fs); ok || err != nil {
			t.Errorf("%s: AsStored accepted (%v)", name, err)
		}
		if len(fs[0].Attrs) != 1 {
			t.Errorf("%s: declined but changed the attributes to %v", name, fs[0].Attrs)
		}
		s.Close()
	}

	s, _ := newStore(t)
	defer s.Close()
	if err := s.CreateLayer(storedDef); err != nil {
		t.Fatal(err)
	}
	old := []plan.Feature{{Geometry: sq}}
	if err := s.InsertMany("tst", old, nil); err != nil {
		t.Fatal(err)
	}
	fs := []plan.Feature{{Geometry: sq}, {Geometry: sq}}
	if err := s.InsertMany("tst", fs, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, ok, _ := s.AsStored("tst", fs); ok {
		t.Fatal("AsStored accepted two features of a table holding three")
	}
	if _, _, ok, _ := s.AsStored("tst", append(old, fs...)); !ok {
		t.Fatal("AsStored declined all three features of the table")
	}
	ring := orb.MultiPolygon{{square(1, 1, 1), orb.Ring{}}} // the decoder drops the empty ring
	if _, _, ok, _ := s.AsStored("tst", append(append(old, fs[0]), plan.Feature{ID: fs[1].ID, Geometry: ring})); ok {
		t.Fatal("AsStored accepted an empty ring")
	}
}
