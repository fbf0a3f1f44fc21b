package document

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"kuanggui/internal/crs"
	"kuanggui/internal/plan"
	"kuanggui/internal/shapefile"
	"kuanggui/internal/store"
	"kuanggui/internal/validate"
)

// ErrValidationErrors stops an export whose blocks break error-level rules, unless the user
// gives a reason to go on.
var ErrValidationErrors = errors.New("校验发现错误，导出已停止；修正后再导出，或填写理由强制导出 (--force-reason)")

// ExportOptions are the planner's choices for a submission package.
type ExportOptions struct {
	Layers      []string // default: the block layers
	Encoding    string   // "gbk" (default), "utf-8", "gb18030"
	CRS         crs.CRS  // zero value: CGCS2000 geographic
	Zip         bool
	ForceReason string // go on despite validation errors; recorded in the report
	// NameTemplate names the folder or ZIP: {region} region code, {level} plan level, {date}.
	NameTemplate string
	Now          time.Time
}

// ExportResult says what an export wrote.
type ExportResult struct {
	Path     string // the folder or ZIP
	Files    []string
	Findings []validate.Finding
	Errors   int
	Forced   bool
	// Phases says how long each part took (validate, shapefiles, points, stats, report, package).
	Phases []Phase
	// Warnings are things the planner should know about what was written.
	Warnings []string
}

// Phase is one timed part of an export.
type Phase struct {
	Name string
	Took time.Duration
}

// Export writes a submission package: the layers as shapefiles, a turning-point table for every
// block, the statistics and the validation report. Validation runs first. Everything is written
// under a temporary name and renamed when complete, so a failure never leaves a package that
// looks finished.
func (d *Document) Export(ctx context.Context, outDir string, opt ExportOptions, progress func(done, total int)) (*ExportResult, error) {
	if opt.Encoding == "" {
		opt.Encoding = "gbk"
	}
	if opt.CRS.EPSG == 0 {
		opt.CRS = crs.Geographic()
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	layers := opt.Layers
	if len(layers) == 0 {
		for _, def := range d.catalog.Layers {
			if _, present := d.Layer(def.Table); present && def.Role == plan.RoleBlock {
				layers = append(layers, def.Table)
			}
		}
		if len(layers) == 0 {
			return nil, fmt.Errorf("导出: 项目中没有勘查或开采规划区块图层，请用 --layers 指定要导出的图层 (no block layers; name layers with --layers)")
		}
	}
	for _, t := range layers {
		if _, ok := d.Layer(t); !ok {
			return nil, fmt.Errorf("导出: 项目中没有图层 %q (no such layer)", t)
		}
	}
	start := time.Now()
	findings, err := d.Validate(ctx, nil)
	if err != nil {
		return nil, err
	}
	validated := time.Since(start)
	ex, err := d.Exceptions()
	if err != nil {
		return nil, err
	}
	res := &ExportResult{Findings: findings, Phases: []Phase{{"validate", validated}}}
	phase := func(name string, since time.Time) { res.Phases = append(res.Phases, Phase{name, time.Since(since)}) }
	for _, f := range findings {
		if _, ok := IsException(f, ex); !ok && f.Severity == validate.Error {
			res.Errors++
		}
	}
	if res.Errors > 0 {
		if strings.TrimSpace(opt.ForceReason) == "" {
			return res, fmt.Errorf("%w (%d 个错误)", ErrValidationErrors, res.Errors)
		}
		res.Forced = true
	}

	name := exportName(opt, d.meta)
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return res, fmt.Errorf("导出: 无法创建目录 %s: %w", outDir, err)
	}
	tmp, err := os.MkdirTemp(outDir, "."+name+".partial-")
	if err != nil {
		return res, fmt.Errorf("导出: 目录 %s 不可写: %w", outDir, err)
	}
	defer os.RemoveAll(tmp)
	// MkdirTemp makes the folder private; the delivered package is for others to read.
	if err := os.Chmod(tmp, 0o755); err != nil {
		return res, fmt.Errorf("导出: %w", err)
	}

	snap := d.Snapshot()
	if opt.CRS.Zone != 0 {
		res.Warnings = append(res.Warnings, outsideZone(snap, layers, opt.CRS.Zone)...)
	}
	total := len(layers) + 3
	step := func(i int) {
		if progress != nil {
			progress(i, total)
		}
	}
	var shpTime, pointsTime time.Duration
	for i, t := range layers {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		l, _ := d.Layer(t)
		t0 := time.Now()
		if err := shapefile.Write(tmp, t, submissionFields(d.catalog, l.Def), snap[t], shapefile.WriteOptions{Encoding: opt.Encoding, CRS: opt.CRS}); err != nil {
			return res, fmt.Errorf("导出图层 %s (%s): %w", t, l.Def.Name, err)
		}
		t1 := time.Now()
		shpTime += t1.Sub(t0)
		if l.Def.Role == plan.RoleBlock {
			if err := writePointTable(filepath.Join(tmp, t+"_points.csv"), snap[t], opt.CRS); err != nil {
				return res, fmt.Errorf("导出 %s 拐点坐标表: %w", t, err)
			}
		}
		pointsTime += time.Since(t1)
		step(i + 1)
	}
	res.Phases = append(res.Phases, Phase{"shapefiles", shpTime}, Phase{"points", pointsTime})
	t0 := time.Now()
	if err := writeStatsCSV(filepath.Join(tmp, "stats.csv"), d.Stats()); err != nil {
		return res, err
	}
	phase("stats", t0)
	step(len(layers) + 1)
	t0 = time.Now()
	if err := writeReport(tmp, findings, ex, opt, res); err != nil {
		return res, err
	}
	phase("report", t0)
	step(len(layers) + 2)
	t0 = time.Now()

	entries, _ := os.ReadDir(tmp)
	for _, e := range entries {
		res.Files = append(res.Files, e.Name())
	}
	sort.Strings(res.Files)
	if opt.Zip {
		res.Path = filepath.Join(outDir, name+".zip")
		if _, err := os.Stat(res.Path); err == nil {
			return res, fmt.Errorf("导出: %s 已存在，不会覆盖 (already exists; remove it or choose another folder)", res.Path)
		}
		if err := zipFolder(tmp, name, res.Path); err != nil {
			return res, err
		}
	} else {
		res.Path = filepath.Join(outDir, name)
		if _, err := os.Stat(res.Path); err == nil {
			return res, fmt.Errorf("导出: %s 已存在，不会覆盖 (already exists; remove it or choose another folder)", res.Path)
		}
		if err := os.Rename(tmp, res.Path); err != nil {
			return res, fmt.Errorf("导出: %w", err)
		}
	}
	phase("package", t0)
	step(total)
	return res, nil
}

func exportName(opt ExportOptions, meta plan.Meta) string {
	t := opt.NameTemplate
	if t == "" {
		t = "{region}_{level}矿产资源规划_{date}"
	}
	code := meta.RegionCode
	if code == "" {
		code = "000000"
	}
	level := meta.Level
	if level == "" {
		level = plan.LevelProvince
	}
	r := strings.NewReplacer("{region}", code, "{level}", level, "{date}", opt.Now.Format("20060102"))
	name := r.Replace(t)
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, name)
}

// writePointTable writes every block's turning points: block code, ring, J number, X and Y in
// the Gauss-Krüger zone (the export's zone, or each block's own), and longitude/latitude in DMS.
func writePointTable(path string, blocks []plan.Feature, target crs.CRS) error {
	var buf bytes.Buffer
	buf.WriteString("\uFEFF") // spreadsheet programs need the BOM to read UTF-8 Chinese
	w := csv.NewWriter(&buf)
	w.Write([]string{"区块编号", "部分", "圈", "内环", "点号", "X(北)", "Y(东)", "带号", "经度", "纬度"})
	for _, f := range blocks {
		if len(f.Geometry) == 0 {
			continue
		}
		zone := target.Zone
		if zone == 0 {
			zone = crs.ZoneOf(f.Geometry.Bound().Center().X())
		}
		pts, err := crs.TurningPoints(f.Geometry, zone, true)
		if err != nil {
			return fmt.Errorf("区块 %s: %w", blockName(f), err)
		}
		for _, p := range pts {
			hole := ""
			if p.Hole {
				hole = "是"
			}
			w.Write([]string{blockName(f), fmt.Sprint(p.Part), fmt.Sprint(p.Ring), hole, fmt.Sprintf("J%d", p.J),
				fmt.Sprintf("%.2f", p.X), fmt.Sprintf("%.2f", p.Y), fmt.Sprint(zone), crs.FormatDMS(p.Lon, 3), crs.FormatDMS(p.Lat, 3)})
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// writeStatsCSV writes every statistics table, one after another, as UTF-8 with a BOM.
func writeStatsCSV(path string, tables []StatTable) error {
	var buf bytes.Buffer
	if err := WriteStatsCSV(&buf, tables); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// WriteStatsCSV writes the statistics tables as CSV with a byte-order mark.
func WriteStatsCSV(out io.Writer, tables []StatTable) error {
	if _, err := io.WriteString(out, "\uFEFF"); err != nil {
		return err
	}
	w := csv.NewWriter(out)
	w.Write([]string{"统计表", "图层", "分类代码", "分类名称", "区块数", "面积(平方千米)"})
	for _, t := range tables {
		for _, r := range append(t.Rows, t.Total) {
			w.Write([]string{t.Title, t.Layer, r.Key, r.Name, fmt.Sprint(r.Count), fmt.Sprintf("%.4f", r.Area)})
		}
	}
	w.Flush()
	return w.Error()
}

// writeReport writes the validation report: JSON for machines, CSV for people, with the
// exceptions and their reasons and, for a forced export, the reason given.
func writeReport(dir string, findings []validate.Finding, ex []store.Exception, opt ExportOptions, res *ExportResult) error {
	type exceptionJSON struct {
		Rule     string   `json:"rule"`
		Features []string `json:"features"`
		Reason   string   `json:"reason"`
		Time     string   `json:"time"`
	}
	var open []validate.Finding
	var accepted []exceptionJSON
	for _, f := range findings {
		if e, ok := IsException(f, ex); ok {
			accepted = append(accepted, exceptionJSON{e.Rule, e.Features, e.Reason, e.Time.Format(time.RFC3339)})
		} else {
			open = append(open, f)
		}
	}
	rep := struct {
		Generated   string          `json:"generated"`
		ForceReason string          `json:"force_reason,omitempty"`
		Report      any             `json:"validation"`
		Exceptions  []exceptionJSON `json:"exceptions"`
	}{Generated: opt.Now.Format(time.RFC3339), Report: validate.Report(open), Exceptions: accepted}
	if res.Forced {
		rep.ForceReason = opt.ForceReason
	}
	if rep.Exceptions == nil {
		rep.Exceptions = []exceptionJSON{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rep); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "validation.json"), buf.Bytes(), 0o644); err != nil {
		return err
	}
	var c bytes.Buffer
	c.WriteString("\uFEFF")
	w := csv.NewWriter(&c)
	w.Write([]string{"规则", "级别", "图层", "区块", "测量值", "限值", "说明", "例外理由"})
	for _, f := range findings {
		reason := ""
		if e, ok := IsException(f, ex); ok {
			reason = e.Reason
		}
		w.Write([]string{f.Rule, string(f.Severity), f.Layer, strings.Join(f.Codes, " "), plainNumber(f.Value), plainNumber(f.Limit), f.Message, reason})
	}
	if res.Forced {
		w.Write([]string{"", "", "", "", "", "", "存在错误仍强制导出", opt.ForceReason})
	}
	w.Flush()
	return os.WriteFile(filepath.Join(dir, "validation.csv"), c.Bytes(), 0o644)
}

func zipFolder(dir, name, target string) error {
	tmp := target + ".partial"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("导出: 无法写入 %s: %w", target, err)
	}
	zw := zip.NewWriter(f)
	entries, err := os.ReadDir(dir)
	if err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err == nil {
			// Flag 0x800 marks names as UTF-8 so unzip tools show Chinese file names.
			var w io.Writer
			w, err = zw.CreateHeader(&zip.FileHeader{Name: name + "/" + e.Name(), Method: zip.Deflate, Flags: 0x800, Modified: time.Now()})
			if err == nil {
				_, err = w.Write(data)
			}
		}
		if err != nil {
			zw.Close()
			f.Close()
			os.Remove(tmp)
			return fmt.Errorf("导出 ZIP %s: %w", target, err)
		}
	}
	if err := zw.Close(); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("导出 ZIP %s: %w", target, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	f.Close()
	return os.Rename(tmp, target)
}

// plainNumber writes a measured value as people read it: fixed point, at most 4 decimals, never
// in exponent form (spreadsheets and planners misread 9.553e+06).
func plainNumber(v float64) string {
	return strconv.FormatFloat(math.Round(v*1e4)/1e4, 'f', -1, 64)
}

// submissionFields are the fields a layer is delivered with: for a catalog layer, the catalog's
// schema alone (the database standard the receiving office loads), not the extra columns an
// import carried in; for any other layer, all of its fields.
func submissionFields(cat *plan.Catalog, def plan.LayerDef) []plan.Field {
	cdef, ok := cat.Layer(def.Table)
	if !ok {
		return def.Fields
	}
	var out []plan.Field
	for _, f := range def.Fields {
		if _, inCatalog := cdef.Field(f.Name); inCatalog {
			out = append(out, f)
		}
	}
	return out
}

// outsideZone warns when blocks lie outside the 3° zone the export projects into: their plane
// coordinates are distorted, and the receiving office expects each block in its own zone.
func outsideZone(snap map[string][]plan.Feature, layers []string, zone int) []string {
	var out []string
	for _, t := range layers {
		n := 0
		for _, f := range snap[t] {
			if len(f.Geometry) > 0 && crs.ZoneOf(f.Geometry.Bound().Center().X()) != zone {
				n++
			}
		}
		if n > 0 {
			out = append(out, fmt.Sprintf("图层 %s 有 %d 个区块不在第 %d 带内（中央经线 %g°E），其平面坐标变形较大；可按带分别导出 (%d blocks outside zone %d)",
				t, n, zone, crs.CentralMeridian(zone), n, zone))
		}
	}
	return out
}

// blockName is the block's code, or "#ID" for a block that has none, so that rows of uncoded
// blocks can still be told apart.
func blockName(f plan.Feature) string {
	if code := strings.TrimSpace(f.Attrs.String("QKBH")); code != "" {
		return code
	}
	return fmt.Sprintf("#%d", f.ID)
}
