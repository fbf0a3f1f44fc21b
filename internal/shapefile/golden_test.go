package shapefile

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"kuanggui/internal/plan"
)

// The golden digests pin Read's output (features, report, error) byte for byte, so that work
// on the decoder's speed cannot change what an import yields. Regenerate only when a change
// in output is intended: go test -run Golden -update-golden ./internal/shapefile/
var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/golden_read.json")

const goldenPath = "testdata/golden_read.json"

// digestRead hashes everything Read returned. Floats go in as their bits, attribute values
// with their Go type, so 3 (int64) and 3.0 (float64), or -0 and 0, differ.
func digestRead(fs []plan.Feature, rep *Report, err error) string {
	h := sha256.New()
	if err != nil {
		fmt.Fprintf(h, "error %s\n", err)
		return hex.EncodeToString(h.Sum(nil))
	}
	for _, f := range fs {
		fmt.Fprintf(h, "F %d nil=%v %d\n", f.ID, f.Geometry == nil, len(f.Geometry))
		for _, p := range f.Geometry {
			fmt.Fprintf(h, "P %d\n", len(p))
			for _, r := range p {
				buf := binary.LittleEndian.AppendUint64(make([]byte, 0, 8+16*len(r)), uint64(len(r)))
				for _, pt := range r {
					buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(pt[0]))
					buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(pt[1]))
				}
				h.Write(buf)
			}
		}
		keys := make([]string, 0, len(f.Attrs))
		for k := range f.Attrs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fmt.Fprintf(h, "A nil=%v\n", f.Attrs == nil)
		for _, k := range keys {
			v := f.Attrs[k]
			if x, ok := v.(float64); ok {
				fmt.Fprintf(h, "%q=float64:%x\n", k, math.Float64bits(x))
				continue
			}
			fmt.Fprintf(h, "%q=%T:%#v\n", k, v, v)
		}
	}
	r := *rep
	problems := r.Problems
	r.Problems = nil
	fmt.Fprintf(h, "report %#v problems-nil=%v\n", r, problems == nil)
	for _, p := range problems {
		fmt.Fprintf(h, "%#v\n", p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// goldenCases lists every .shp under testdata.
func goldenCases(t *testing.T) []string {
	var out []string
	err := filepath.WalkDir("testdata", func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.EqualFold(filepath.Ext(p), ".shp") {
			out = append(out, filepath.ToSlash(p))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// mutatedDigest reads n damaged variants of one layer (cut short, bytes overwritten, counts
// and offsets disturbed) with a fixed seed and hashes all the outcomes, so the error paths
// are pinned as well as the clean ones. The CRS is given as srs rather than read from the
// .prj each time: PROJ's parsing of a .prj costs milliseconds and is not what is tested here.
func mutatedDigest(t *testing.T, shpPath, srs string, n int) string {
	base := strings.TrimSuffix(shpPath, filepath.Ext(shpPath))
	e := filepath.Ext(shpPath)
	side := func(x string) []byte {
		if e == ".SHP" {
			x = strings.ToUpper(x)
		}
		b, err := os.ReadFile(base + x)
		if err != nil {
			return nil
		}
		return b
	}
	shpData, shx, dbf := side(".shp"), side(".shx"), side(".dbf")
	rng := rand.New(rand.NewPCG(1, uint64(len(shpData))))
	h := sha256.New()
	for i := 0; i < n; i++ {
		s := append([]byte(nil), shpData...)
		x := shx
		switch i % 4 {
		case 0: // cut short
			s = s[:rng.IntN(len(s)+1)]
		case 1: // a few random bytes
			for k := 0; k < 1+rng.IntN(4); k++ {
				s[rng.IntN(len(s))] = byte(rng.IntN(256))
			}
		case 2: // a part or point count, or a part start, of the first record set to something odd
			if len(s) > 100+44 {
				off := 100 + 8 + 36 + 4*rng.IntN(4)
				v := []uint32{0, 1, 2, 3, 0xFFFFFFFF, 0x7FFFFFFF, uint32(rng.IntN(64))}[rng.IntN(7)]
				s[off], s[off+1], s[off+2], s[off+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
			}
		case 3: // no index, and a coordinate flipped
			x = nil
			if len(s) > 200 {
				s[100+8+44+rng.IntN(len(s)-200)] ^= 0x80
			}
		}
		lf := &layerFiles{name: "mut.shp", shp: s, shx: x, dbf: dbf, cpg: side(".cpg")}
		fs, rep, err := readLayer(lf, ReadOptions{SRS: srs, Limits: fuzzLimits})
		fmt.Fprintf(h, "%d %s\n", i, digestRead(fs, rep, err))
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestGoldenRead(t *testing.T) {
	got := map[string]string{}
	for _, p := range goldenCases(t) {
		fs, rep, err := Read(p, ReadOptions{})
		got[p] = digestRead(fs, rep, err)
		n := 200
		if strings.Contains(p, "/real/") {
			n = 8 // large files: a few variants are enough, and keep the test quick
		}
		srs := "EPSG:4490"
		if rep != nil {
			srs = strings.Fields(rep.CRS)[0]
		}
		got[p+" mutated"] = mutatedDigest(t, p, srs, n)
	}
	if *updateGolden {
		b, _ := json.MarshalIndent(got, "", "  ")
		if err := os.WriteFile(goldenPath, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	b, err := os.ReadFile(goldenPath)
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]string
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	if len(want) != len(got) {
		t.Errorf("golden has %d entries, now %d", len(want), len(got))
	}
	for k, v := range got {
		if want[k] != v {
			t.Errorf("%s: Read output changed (digest %s, golden %s)", k, v[:12], want[k])
		}
	}
}

// TestExtendBoundMatchesOrb holds extendBound to orb's Extend, signed zeros included.
func TestExtendBoundMatchesOrb(t *testing.T) {
	vals := []float64{math.Copysign(0, -1), 0, -1, 1, 2.5, -3}
	for _, x0 := range vals {
		for _, y0 := range vals {
			for _, x := range vals {
				for _, y := range vals {
					for _, x1 := range vals {
						b := orb.Bound{Min: orb.Point{x0, y0}, Max: orb.Point{x0, y0}}.Extend(orb.Point{x1, y0})
						want := b.Extend(orb.Point{x, y})
						got := extendBound(b, x, y)
						for k := 0; k < 2; k++ {
							if math.Float64bits(got.Min[k]) != math.Float64bits(want.Min[k]) || math.Float64bits(got.Max[k]) != math.Float64bits(want.Max[k]) {
								t.Fatalf("extend %v by (%v,%v): got %v, want %v", b, x, y, got, want)
							}
						}
					}
				}
			}
		}
	}
}
