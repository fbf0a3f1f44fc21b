package store

import (
	"fmt"
	"testing"

	"github.com/paulmach/orb"

	"kuanggui/internal/plan"
)

const benchN = 120000

func benchFeatures() []plan.Feature {
	fs := make([]plan.Feature, benchN)
	for i := range fs {
		x := 75 + float64(i%400)*0.05
		y := 35 + float64(i/400)*0.03
		fs[i] = plan.Feature{
			Geometry: orb.MultiPolygon{{square(x, y, 0.0166)}},
			Attrs:    plan.Attrs{"QKBH": fmt.Sprintf("T652300%06d", i), "QKMC": "区块", "KZ": "金", "MJ": 2.8129},
		}
	}
	return fs
}

// BenchmarkInsertMany imports 120,000 small polygons; target 100k+ features/s.
func BenchmarkInsertMany(b *testing.B) {
	src := benchFeatures()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, _ := newStore(b, "kanchqk")
		fs := append([]plan.Feature(nil), src...)
		b.StartTimer()
		if err := s.InsertMany("kanchqk", fs, nil); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.Close()
	}
	b.ReportMetric(float64(benchN*b.N)/b.Elapsed().Seconds(), "features/s")
}

// BenchmarkReadLayer reads 120,000 small polygons back; target 100k+ features/s.
func BenchmarkReadLayer(b *testing.B) {
	s, _ := newStore(b, "kanchqk")
	defer s.Close()
	if err := s.InsertMany("kanchqk", benchFeatures(), nil); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		fs, _, err := s.ReadLayer("kanchqk")
		if err != nil || len(fs) != benchN {
			b.Fatal(len(fs), err)
		}
	}
	b.ReportMetric(float64(benchN*b.N)/b.Elapsed().Seconds(), "features/s")
}

// BenchmarkUpdate is one journalled edit per transaction, the editor's common case: the cost
// of synchronous=FULL shows here.
func BenchmarkUpdate(b *testing.B) {
	s, _ := newStore(b, "kanchqk")
	defer s.Close()
	for i := 0; i < b.N; i++ {
		err := s.Update(func(tx *Tx) error {
			f := plan.Feature{Geometry: orb.MultiPolygon{{square(80, 40, 0.01)}}, Attrs: plan.Attrs{"QKBH": "x"}}
			if err := tx.Insert("kanchqk", &f); err != nil {
				return err
			}
			_, err := tx.AppendJournal("edit", []byte(`{}`))
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
