package store

import (
	"fmt"
	"math"
	"reflect"
	"testing"

	"github.com/paulmach/orb"

	"kuanggui/internal/plan"
)

// TestReadLayerParallelEqualsOneQuery: a layer read in parts (IDs with gaps, one far away, a
// feature without geometry, multipart and holes) is the same, in the same order, as one query.
func TestReadLayerParallelEqualsOneQuery(t *testing.T) {
	s, _ := newStore(t, "kanchqk")
	defer s.Close()
	var fs []plan.Feature
	for i := 0; i < 700; i++ {
		fs = append(fs, plan.Feature{Geometry: orb.MultiPolygon{{square(80+float64(i%30)*0.1, 40+float64(i/30)*0.1, 0.05)}},
			Attrs: plan.Attrs{"QKBH": fmt.Sprintf("T%04d", i), "KZ": "金", "MJ": float64(i) / 7}})
	}
	fs = append(fs, sampleFeatures()...)
	if err := s.InsertMany("kanchqk", fs, nil); err != nil {
		t.Fatal(err)
	}
	err := s.Update(func(tx *Tx) error {
		for id := int64(100); id < 300; id++ {
			if err := tx.Delete("kanchqk", id); err != nil {
				return err
			}
		}
		return tx.Put("kanchqk", plan.Feature{ID: 1 << 40, Geometry: orb.MultiPolygon{{square(81, 41, 0.2)}}, Attrs: plan.Attrs{"QKBH": "far"}})
	})
	if err != nil {
		t.Fatal(err)
	}
	ts, err := s.schemaOf(s.db, "kanchqk")
	if err != nil {
		t.Fatal(err)
	}
	// The reference: one query through database/sql and rowScanner (what Get uses).
	rows, err := s.db.Query(selectSQL(ts) + " ORDER BY " + quoteID(ts.pk))
	if err != nil {
		t.Fatal(err)
	}
	var want []plan.Feature
	sc := newScanner(ts)
	for rows.Next() {
		f, err := sc.scan(rows)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, f)
	}
	rows.Close()
	if one, err := s.readRange(ts, math.MinInt64, math.MaxInt64, 0); err != nil || !reflect.DeepEqual(one, want) {
		t.Fatalf("readRange differs from database/sql: %v", err)
	}
	old := parallelReadMin
	defer func() { parallelReadMin = old }()
	for _, min := range []int{1 << 30, 10} {
		parallelReadMin = min
		got, fields, err := s.ReadLayer("kanchqk")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(fs)-200+1 || len(fields) != len(ts.fields) {
			t.Fatalf("read %d features, %d fields", len(got), len(fields))
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("parallel min %d: features differ from one query", min)
		}
		if got[len(got)-1].ID != 1<<40 || got[0].ID != 1 {
			t.Fatalf("order: first %d last %d", got[0].ID, got[len(got)-1].ID)
		}
	}
}

func TestReadLayerEmpty(t *testing.T) {
	s, _ := newStore(t, "kanchqk")
	defer s.Close()
	fs, _, err := s.ReadLayer("kanchqk")
	if err != nil || fs == nil || len(fs) != 0 {
		t.Fatalf("empty layer: %v %v", fs, err)
	}
}

// TestSlabDecodeIsolated: geometries decoded from one slab equal ordinary decodes, and growing
// one (an edit appending a vertex) leaves its neighbours alone.
func TestSlabDecodeIsolated(t *testing.T) {
	var blobs [][]byte
	var plain []orb.MultiPolygon
	for i, f := range sampleFeatures() {
		for _, asPoly := range []bool{false, true} {
			if asPoly && len(f.Geometry) != 1 {
				continue
			}
			b, err := encodeGeometry(f.Geometry, 4490, asPoly)
			if err != nil {
				t.Fatal(i, err)
			}
			mp, err := decodeGeometry(b)
			if err != nil {
				t.Fatal(err)
			}
			blobs = append(blobs, b)
			plain = append(plain, mp)
		}
	}
	sl := &slab{}
	var got []orb.MultiPolygon
	for _, b := range blobs {
		mp, err := decodeGeometryIn(b, sl)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, mp)
	}
	if !reflect.DeepEqual(got, plain) {
		t.Fatalf("slab decode %v\nwant %v", got, plain)
	}
	got[0][0][0] = append(got[0][0][0], orb.Point{1, 2})
	got[0] = append(got[0], orb.Polygon{square(0, 0, 1)})
	got[0][0] = append(got[0][0], square(5, 5, 1))
	for i := 1; i < len(got); i++ {
		if !reflect.DeepEqual(got[i], plain[i]) {
			t.Fatalf("geometry %d changed by appending to geometry 0: %v", i, got[i])
		}
	}
}
