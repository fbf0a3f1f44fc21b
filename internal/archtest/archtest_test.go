// Package archtest keeps the package map of DESIGN.md §2 true: which package may import what.
package archtest

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

const module = "kuanggui"

// allowed lists, for each internal package, the project packages it may import. A package not
// listed here fails the test, so a new package must be placed on the map deliberately.
var allowed = map[string][]string{
	"assets":              {},
	"internal/plan":       {"assets"},
	"internal/crs":        {"internal/plan"},
	"internal/topo":       {"internal/plan"},
	"internal/shapefile":  {"internal/crs", "internal/plan"},
	"internal/store":      {"internal/plan", "internal/crs", "assets"},
	"internal/edit":       {"internal/plan"},
	"internal/validate":   {"internal/plan", "internal/crs", "internal/topo", "assets"},
	"internal/render":     {"internal/plan", "assets"},
	"internal/tool":       {"internal/plan", "internal/edit", "internal/crs"},
	"internal/document":   {"internal/plan", "internal/crs", "internal/topo", "internal/shapefile", "internal/store", "internal/edit", "internal/validate", "assets"},
	"internal/archtest":   {},
	"app/mapview":         {"internal/plan", "internal/render", "internal/tool", "internal/edit", "assets"},
	"app":                 {"*"},
	"sampledata/generate": {"internal/plan", "internal/crs", "internal/shapefile", "assets"},
}

// outside maps a third-party import to the only package allowed to use it.
var outside = map[string]string{
	"database/sql":                   "internal/store",
	"github.com/mattn/go-sqlite3":    "internal/store",
	"github.com/twpayne/go-geos":     "internal/topo",
	"github.com/twpayne/go-proj/v11": "internal/crs",
	"github.com/jonas-p/go-shp":      "internal/shapefile",
}

func TestImportRules(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	imports := map[string]map[string]bool{}
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if name == "testdata" || (strings.HasPrefix(name, ".") && path != root) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		rel = filepath.ToSlash(rel)
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		if imports[rel] == nil {
			imports[rel] = map[string]bool{}
		}
		for _, imp := range f.Imports {
			imports[rel][strings.Trim(imp.Path.Value, `"`)] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	pkgs := make([]string, 0, len(imports))
	for p := range imports {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	for _, pkg := range pkgs {
		rules, known := allowed[pkg]
		if !known {
			t.Errorf("%s is not on the package map (DESIGN.md §2): add it to archtest deliberately", pkg)
			continue
		}
		any := len(rules) == 1 && rules[0] == "*"
		for imp := range imports[pkg] {
			if strings.HasPrefix(imp, "fyne.io/") && (strings.HasPrefix(pkg, "internal/") || pkg == "assets") {
				t.Errorf("%s imports %s: internal packages never import Fyne", pkg, imp)
			}
			for lib, owner := range outside {
				if (imp == lib || strings.HasPrefix(imp, lib+"/")) && pkg != owner && !strings.HasPrefix(pkg, owner) {
					t.Errorf("%s imports %s: only %s may", pkg, imp, owner)
				}
			}
			if !strings.HasPrefix(imp, module+"/") || any {
				continue
			}
			target := strings.TrimPrefix(imp, module+"/")
			if target == pkg {
				continue
			}
			ok := false
			for _, a := range rules {
				if a == target {
					ok = true
				}
			}
			if !ok {
				t.Errorf("%s imports %s: not allowed by the package map", pkg, target)
			}
		}
	}
	for _, banned := range []string{"util", "utils", "common", "helpers"} {
		for _, pkg := range pkgs {
			if filepath.Base(pkg) == banned {
				t.Errorf("package %s: name says nothing about what it holds", pkg)
			}
		}
	}
}
