// Command generate draws the sample (示意) plan of Xinjiang in sampledata/: every layer of the
// catalog but 行政区 as GBK shapefiles in sampledata/plan/, over the real county and prefecture
// boundaries in sampledata/real/. Deterministic: the same seed gives byte-identical files.
//
//	go run ./sampledata/generate [-seed 20210101] [-real sampledata/real] [-out sampledata/plan]
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"kuanggui/assets"
	"kuanggui/internal/plan"
	"kuanggui/internal/shapefile"
)

// DefaultSeed is the seed of the committed sample.
const DefaultSeed = 20210101

func main() {
	seed := flag.Int64("seed", DefaultSeed, "random seed")
	realDir := flag.String("real", filepath.Join("sampledata", "real"), "directory of xj_counties_utf8.shp and xj_prefectures_gbk.shp")
	out := flag.String("out", filepath.Join("sampledata", "plan"), "output directory")
	flag.Parse()
	breaches, err := run(*seed, *realDir, *out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "generate:", err)
		os.Exit(1)
	}
	for _, b := range breaches {
		fmt.Printf("%s %s %s  %s\n", b.Rule, b.Table, strings.Join(b.QKBH, ","), b.Note)
	}
}

// loadReal reads the real county and prefecture layers.
func loadReal(dir string) (counties, prefectures []plan.Feature, err error) {
	counties, _, err = shapefile.Read(filepath.Join(dir, "xj_counties_utf8.shp"), shapefile.ReadOptions{})
	if err != nil {
		return nil, nil, err
	}
	prefectures, _, err = shapefile.Read(filepath.Join(dir, "xj_prefectures_gbk.shp"), shapefile.ReadOptions{})
	if err != nil {
		return nil, nil, err
	}
	return counties, prefectures, nil
}

// run generates the plan and writes one shapefile per catalog table (xzq excepted: the real
// boundaries are shipped as they are).
func run(seed int64, realDir, outDir string) ([]Breach, error) {
	counties, prefectures, err := loadReal(realDir)
	if err != nil {
		return nil, err
	}
	layers, breaches, err := Generate(seed, counties, prefectures)
	if err != nil {
		return nil, err
	}
	cat, err := plan.ParseCatalog(assets.CatalogJSON)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, err
	}
	for _, l := range cat.Layers {
		if l.Table == "xzq" {
			continue
		}
		if err := shapefile.Write(outDir, l.Table, l.Fields, layers[l.Table], shapefile.WriteOptions{Encoding: "gbk"}); err != nil {
			return nil, fmt.Errorf("writing %s: %w", l.Table, err)
		}
	}
	return breaches, nil
}
