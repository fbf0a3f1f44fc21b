package document

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"

	"kuanggui/internal/crs"
	"kuanggui/internal/plan"
	"kuanggui/internal/shapefile"
	"kuanggui/internal/topo"
)

// ImportOptions are the user's overrides for a shapefile import.
type ImportOptions struct {
	Encoding string // "" = detect
	SRS      string // "" = from the .prj, else "EPSG:N"
	// Rename maps a field of the file to a field of the layer (the county file's `id` is the
	// layer's XZQDM), for files whose field names differ from the catalog's.
	Rename map[string]string
	// Member picks the shapefile inside a .zip that holds several.
	Member string
}

// Import reads a shapefile into table. A catalog table keeps its schema, with the file's other
// fields added as extra columns; any other name becomes a new reference layer with the file's
// fields. Imports are bulk loads, not journalled edits: they add rows and leave the history of
// earlier edits intact.
func (d *Document) Import(ctx context.Context, table, path string, opt ImportOptions, progress func(done, total int)) (*shapefile.Report, error) {
	if d.store.ReadOnly() {
		return nil, ErrReadOnly
	}
	if !validTableName(table) {
		return nil, fmt.Errorf("图层名 %q 无效：只能用小写字母、数字和下划线，以字母开头 (table names are lower-case ASCII)", table)
	}
	features, rep, err := shapefile.Read(path, shapefile.ReadOptions{Encoding: opt.Encoding, SRS: opt.SRS, Member: opt.Member, Limits: shapefile.DefaultLimits()})
	if err != nil {
		return rep, err
	}
	if err := ctx.Err(); err != nil {
		return rep, err
	}
	def, known := d.catalog.Layer(table)
	if _, exists := d.Layer(table); !known && !exists {
		rep.Problems = append(rep.Problems, shapefile.Problem{Kind: "new-layer",
			Message: fmt.Sprintf("图层 %s 不在图层目录中，已新建为参考图层 (new reference layer)", table)})
	}
	if !known {
		def = plan.LayerDef{Table: table, Name: table, NameEN: table, Role: plan.RoleReference, Group: "base",
			Fields: rep.Fields, Style: plan.Style{Fill: "#95a5a622", Stroke: "#566573ff", StrokeWidth: 1}}
	}
	// The GEOS validity checks only read the geometries, so they run while the rows are
	// written; their findings join the report before Import returns, whatever happens.
	invalid := startValidity(features)
	stored, fields, l, err := d.importRows(table, def, known, opt.Rename, rep, features, progress)
	rep.Problems = append(rep.Problems, invalid()...)
	if err != nil {
		return rep, err
	}
	exists := l != nil
	d.mu.Lock()
	if !exists {
		l = &Layer{Def: def}
		d.layers = append(d.layers, l)
		d.byTable[table] = l
		d.sortLayers()
	}
	if known {
		l.Def.Fields = mergeFields(def.Fields, fields)
	}
	l.Features = stored
	l.reindex()
	d.mu.Unlock()
	d.check.mu.Lock()
	d.check.engine = nil
	d.check.mu.Unlock()
	if n, example := duplicateCodes(stored); n > 0 {
		// Importing the same file twice is the usual cause; validation (R11) lists them all.
		rep.Problems = append(rep.Problems, shapefile.Problem{Kind: "duplicate-code",
			Message: fmt.Sprintf("导入后图层 %s 有 %d 个区块编号重复（如 %s）；同一文件是否导入了两次？见校验 R11 / %d duplicate block codes after the import (e.g. %s)", table, n, example, n, example)})
	}
	d.notify(Event{Kind: Imported, Tables: []string{table}})
	return rep, nil
}

// duplicateCodes counts the codes (QKBH) that more than one feature carries.
func duplicateCodes(fs []plan.Feature) (int, string) {
	seen := make(map[string]int, len(fs))
	n, example := 0, ""
	for _, f := range fs {
		code := strings.TrimSpace(f.Attrs.String("QKBH"))
		if code == "" {
			continue
		}
		seen[code]++
		if seen[code] == 2 {
			n++
			if example == "" {
				example = code
			}
		}
	}
	return n, example
}

// importRows maps the file's fields onto the layer, creates the layer or adds the file's extra
// fields to it, writes the features in one transaction and returns the layer's features and
// fields as stored, with the in-memory layer (nil when the layer is new).
func (d *Document) importRows(table string, def plan.LayerDef, known bool, rename map[string]string, rep *shapefile.Report, features []plan.Feature, progress func(done, total int)) ([]plan.Feature, []plan.Field, *Layer, error) {
	if def, known := d.catalog.Layer(table); known {
		for src, dst := range rename {
			if _, ok := def.Field(dst); !ok {
				return nil, nil, nil, fmt.Errorf("--map %s=%s: 图层 %s 没有字段 %s (the layer has no such field)", src, dst, table, dst)
			}
		}
	}
	if err := renameFields(rename, rep, features); err != nil {
		return nil, nil, nil, err
	}
	features, extra := mapFields(def, rep.Fields, features)
	d.mu.Lock()
	l, exists := d.byTable[table]
	d.mu.Unlock()
	if !exists {
		if err := d.store.CreateLayer(def); err != nil {
			return nil, nil, nil, err
		}
	}
	if known && len(extra) > 0 {
		if err := d.store.AddFields(table, extra); err != nil {
			return nil, nil, nil, err
		}
	}
	total := len(features)
	if err := d.store.InsertMany(table, features, func(done int) {
		if progress != nil {
			progress(done, total)
		}
	}); err != nil {
		return nil, nil, nil, err
	}
	// The in-memory layer must hold exactly what the file holds, IDs included. Into a new or
	// empty layer that is what was just written, when no value is changed by storing it;
	// otherwise the layer is read back.
	stored, fields, same, err := d.store.AsStored(table, features)
	if err != nil {
		return nil, nil, nil, err
	}
	if !same {
		if stored, fields, err = d.store.ReadLayer(table); err != nil {
			return nil, nil, nil, err
		}
	}
	return stored, fields, l, nil
}

// sortLayers keeps catalog layers in catalog order, the others after them.
func (d *Document) sortLayers() {
	rank := func(t string) int {
		for i, l := range d.catalog.Layers {
			if l.Table == t {
				return i
			}
		}
		return len(d.catalog.Layers)
	}
	ls := d.layers
	for i := 1; i < len(ls); i++ {
		for j := i; j > 0 && rank(ls[j].Def.Table) < rank(ls[j-1].Def.Table); j-- {
			ls[j], ls[j-1] = ls[j-1], ls[j]
		}
	}
}

func validTableName(t string) bool {
	if t == "" || len(t) > 32 || t[0] < 'a' || t[0] > 'z' {
		return false
	}
	for _, r := range t {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return !strings.HasPrefix(t, "gpkg_") && !strings.HasPrefix(t, "rtree_") && !strings.HasPrefix(t, "kg_")
}

// mapFields renames the file's fields to the schema's spelling (matched without regard to case)
// and returns the file fields the schema lacks, which are kept as extra columns.
func mapFields(def plan.LayerDef, fileFields []plan.Field, fs []plan.Feature) ([]plan.Feature, []plan.Field) {
	rename := map[string]string{}
	var extra []plan.Field
	for _, ff := range fileFields {
		if f, ok := def.Field(ff.Name); ok {
			rename[ff.Name] = f.Name
		} else {
			rename[ff.Name] = ff.Name
			extra = append(extra, ff)
		}
	}
	for i := range fs {
		attrs := make(plan.Attrs, len(fs[i].Attrs))
		for k, v := range fs[i].Attrs {
			name := k
			if r, ok := rename[k]; ok {
				name = r
			}
			if f, ok := def.Field(name); ok {
				v = coerce(v, f.Type)
			}
			attrs[name] = v
		}
		fs[i].Attrs = attrs
		fs[i].ID = 0
	}
	return fs, extra
}

// coerce converts a value read from a file into the schema's type where that loses nothing: a
// code read as a number becomes text, a whole real becomes an integer field's value.
func coerce(v any, t plan.FieldType) any {
	switch t {
	case plan.FieldText, plan.FieldDate:
		switch n := v.(type) {
		case int64:
			return fmt.Sprintf("%d", n)
		case float64:
			return plan.Attrs{"v": n}.String("v")
		}
	case plan.FieldInt:
		if f, ok := v.(float64); ok && f == float64(int64(f)) {
			return int64(f)
		}
	case plan.FieldReal:
		if i, ok := v.(int64); ok {
			return float64(i)
		}
	}
	return v
}

// startValidity checks every geometry with GEOS in the background, on every core (each worker
// with its own GEOS context), and returns the function that waits for the problems found, in
// record order: every invalid geometry with GEOS's reason and where. The feature is kept as it
// is (validation flags it too), so nothing the file held is lost. What the checks read (record
// number, block code, geometry) is taken now: the caller goes on to rename and store the
// features.
func startValidity(fs []plan.Feature) (wait func() []shapefile.Problem) {
	type item struct {
		record int
		code   string
		geom   orb.MultiPolygon
	}
	items := make([]item, len(fs))
	for i, f := range fs {
		items[i] = item{int(f.ID), f.Attrs.String("QKBH"), f.Geometry}
	}
	problems := make([]*shapefile.Problem, len(items))
	// Workers take the next feature as they finish one: a county of 20,000 points next to one
	// of 200 would leave a core idle under a fixed split.
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < runtime.NumCPU(); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			gc := topo.NewContext(topo.GridDegree)
			for {
				i := int(next.Add(1)) - 1
				if i >= len(items) {
					return
				}
				it := items[i]
				if len(it.geom) == 0 {
					continue
				}
				ok, reason, at := gc.Validity(it.geom)
				if ok {
					continue
				}
				where := ""
				if it.code != "" {
					where = it.code + " "
				}
				problems[i] = &shapefile.Problem{Record: it.record, Kind: "invalid-geometry",
					Message: fmt.Sprintf("%s几何无效：%s，位置 %.6f, %.6f；已保留并标记 (invalid geometry kept and flagged)", where, reason, at.X(), at.Y())}
			}
		}()
	}
	return func() []shapefile.Problem {
		wg.Wait()
		var out []shapefile.Problem
		for _, p := range problems {
			if p != nil {
				out = append(out, *p)
			}
		}
		return out
	}
}

// renameFields applies the user's SRC=DST field mapping to the file's fields and values.
func renameFields(rename map[string]string, rep *shapefile.Report, fs []plan.Feature) error {
	for src, dst := range rename {
		found := false
		for i, f := range rep.Fields {
			if strings.EqualFold(f.Name, src) {
				rep.Fields[i].Name = dst
				src = f.Name
				found = true
				break
			}
		}
		if !found {
			return fmt.Errorf("%s: 没有字段 %s，无法改名为 %s (no such field in the file)", rep.File, src, dst)
		}
		for i := range fs {
			if v, ok := fs[i].Attrs[src]; ok {
				delete(fs[i].Attrs, src)
				fs[i].Attrs[dst] = v
			}
		}
	}
	return nil
}

// BulkInsert loads many new features into a catalog layer in one transaction, without
// journalling them (a bulk load like Import, used for generated test plans).
func (d *Document) BulkInsert(table string, fs []plan.Feature, progress func(done, total int)) error {
	if d.store.ReadOnly() {
		return ErrReadOnly
	}
	l, ok := d.Layer(table)
	if !ok {
		return fmt.Errorf("没有图层 %q", table)
	}
	for i := range fs {
		fs[i].ID = 0
		if f, ok := l.Def.Field("MJ"); ok && f.Computed && len(fs[i].Geometry) > 0 {
			if fs[i].Attrs == nil {
				fs[i].Attrs = plan.Attrs{}
			}
			fs[i].Attrs["MJ"] = crs.AreaKm2(fs[i].Geometry)
		}
	}
	total := len(fs)
	if err := d.store.InsertMany(table, fs, func(done int) {
		if progress != nil {
			progress(done, total)
		}
	}); err != nil {
		return err
	}
	stored, _, err := d.store.ReadLayer(table)
	if err != nil {
		return err
	}
	d.mu.Lock()
	l.Features = stored
	l.reindex()
	d.mu.Unlock()
	d.check.mu.Lock()
	d.check.engine = nil
	d.check.mu.Unlock()
	d.notify(Event{Kind: Imported, Tables: []string{table}})
	return nil
}
