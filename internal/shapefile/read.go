package shapefile

import (
	"archive/zip"
	"errors"
	"fmt"
	"golang.org/x/text/encoding/simplifiedchinese"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"kuanggui/internal/crs"
	"kuanggui/internal/plan"
)

// ReadOptions steer Read and ReadZip.
type ReadOptions struct {
	// Encoding overrides the DBF code page: "" decides from .cpg, language byte, then content;
	// otherwise "utf-8", "gbk", "gb18030", "cp936", "936", or any IANA name.
	Encoding string
	// SRS overrides the .prj: "" reads the .prj, else "EPSG:N" (what --srs passes).
	SRS string
	// Member picks the layer when Read is given a .zip holding several: the base name of the
	// .shp inside (case-insensitive, without ".shp"; a folder path inside the zip may be given).
	Member string
	Limits Limits
}

// Problem is trouble with one record (or, with Record 0, the whole file) that did not stop the
// import.
type Problem struct {
	Record  int    // 1-based record number in the file, 0 = the whole file
	Field   string // the DBF field, when the trouble is in one
	Kind    string // "corrupt", "missing-shape", "deleted", "null-shape", "invalid-ring", "orientation", "number-as-text", "bad-date", "encoding", "reproject", "count-mismatch", "z-dropped", "no-prj", "field-name"
	Message string // Chinese first, then English
}

// Report describes one imported layer.
type Report struct {
	File string
	// Records is the number of records the files claim: the larger of SHPRecords and
	// DBFRecords. Read + Skipped == Records.
	Records    int
	SHPRecords int // records in the .shp (index entries, those cut off by truncation included)
	DBFRecords int // rows the .dbf header declares, deleted ones included
	Read       int // features returned
	Skipped    int // deleted rows, and records of which neither shape nor attributes survive
	// Lost counts records whose shape or attributes did not come through because the files are
	// damaged or disagree: returned without geometry (corrupt, cut off, no shape in the .shp,
	// reprojection failed), returned with empty attributes (no .dbf row), or not returned at
	// all. Deleted rows and shapes stored as null are not losses. Lost > 0 means the import
	// is incomplete; every such record is named in Problems.
	Lost int
	// Truncated is true when the .shp or the .dbf ends before the data its header (or the
	// .shx) declares: the file was cut short, typically by a failed copy or download.
	Truncated      bool
	Encoding       string
	EncodingSource string // "cpg", "ldid", "detected", "user"
	CRS            string // the CRS of the file, as crs.CRS.String()
	Problems       []Problem
	Fields         []plan.Field
	// Extent is the bound of the features that have geometry, in EPSG:4490; null shapes do
	// not count. Zero when no feature has geometry.
	Extent orb.Bound
}

func (r *Report) add(rec int, field, kind, msg string) {
	r.Problems = append(r.Problems, Problem{Record: rec, Field: field, Kind: kind, Message: msg})
}

// layerFiles holds the bytes of one shapefile's parts; nil means absent.
type layerFiles struct {
	name                    string // for messages: path or zip member
	shp, shx, dbf, prj, cpg []byte
}

// Read imports the polygon shapefile at path (the .shp; extension in any case, sidecars found
// case-insensitively), or the one inside a .zip (opt.Member picks it when there are several).
// Geometry is returned in EPSG:4490, Z and M dropped (with a "z-dropped" Problem), shells
// clockwise and holes counter-clockwise; Feature.ID is the 1-based record number; blank text is
// NULL (nil). Missing .shp/.dbf, an unknown CRS without opt.SRS, a CRS that does not fit the
// coordinates (ErrCRSMismatch), limits and a non-polygon file are errors; trouble in single
// records is reported in Report.Problems and the rest is imported (see Report.Lost).
func Read(path string, opt ReadOptions) ([]plan.Feature, *Report, error) {
	opt.Limits = opt.Limits.fill()
	if strings.EqualFold(filepath.Ext(path), ".zip") {
		return readFromZip(path, opt)
	}
	if err := checkShpPath(path); err != nil {
		return nil, nil, err
	}
	lf, err := loadLayerFiles(path, opt.Limits)
	if err != nil {
		return nil, nil, err
	}
	if lf.shp == nil {
		return nil, nil, missingShp(path)
	}
	return readLayer(lf, opt)
}

// sidecarExts are the files that travel with a .shp and that users pick by mistake.
var sidecarExts = map[string]bool{".dbf": true, ".shx": true, ".prj": true, ".cpg": true, ".sbn": true,
	".sbx": true, ".qix": true, ".xml": true, ".qmd": true, ".fix": true}

// checkShpPath turns the usual wrong paths into errors that say what to pass instead.
func checkShpPath(p string) error {
	ext := filepath.Ext(p)
	lext := strings.ToLower(ext)
	base := strings.TrimSuffix(filepath.Base(p), ext)
	if st, err := os.Stat(p); err == nil && st.IsDir() {
		shps := shpFilesIn(p)
		if len(shps) == 0 {
			return fmt.Errorf("%s 是文件夹，其中没有 .shp 文件 / %s is a folder with no .shp file in it: expected a .shp file (or .zip holding one)", p, p)
		}
		return fmt.Errorf("%s 是文件夹，请给出其中的 .shp 文件：%s / %s is a folder: expected a .shp file (or .zip holding one), pass one of %s",
			p, strings.Join(shps, ", "), p, strings.Join(shps, ", "))
	}
	if sidecarExts[lext] {
		want := filepath.Join(filepath.Dir(p), base+".shp")
		return fmt.Errorf("需要 .shp 文件（或含 .shp 的 .zip），给出的是 %s：请给出 %s / expected a .shp file (or .zip holding one), got a %s: pass %s",
			lext, want, lext, want)
	}
	return nil
}

// missingShp explains a path that names no .shp: no such folder, no such file, or a file of
// another kind.
func missingShp(p string) error {
	dir := filepath.Dir(p)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("找不到文件夹 %s / no such folder: %s", dir, dir)
	}
	ext := filepath.Ext(p)
	if st, err := os.Stat(p); err == nil && !st.IsDir() && !strings.EqualFold(ext, ".shp") {
		return fmt.Errorf("需要 .shp 文件（或含 .shp 的 .zip），给出的是 %s / expected a .shp file (or .zip holding one), got %s", p, p)
	}
	msg := fmt.Sprintf("找不到 %s / no such file: %s", p, p)
	if shps := shpFilesIn(dir); len(shps) > 0 && len(shps) <= 20 {
		msg += fmt.Sprintf("（该文件夹中有 %s / the folder holds %s）", strings.Join(shps, ", "), strings.Join(shps, ", "))
	}
	return errors.New(msg)
}

// shpFilesIn lists the .shp files directly inside dir, sorted.
func shpFilesIn(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && strings.EqualFold(filepath.Ext(e.Name()), ".shp") {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}

// loadLayerFiles finds the sidecars of path by case-insensitive name and reads them, checking
// each size against the limit before reading.
func loadLayerFiles(p string, lim Limits) (*layerFiles, error) {
	dir, file := filepath.Split(p)
	if dir == "" {
		dir = "."
	}
	base := file
	if ext := filepath.Ext(file); strings.EqualFold(ext, ".shp") {
		base = strings.TrimSuffix(file, ext)
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, missingShp(p)
	}
	if err != nil {
		return nil, fmt.Errorf("读取目录 %s 失败 / cannot list %s: %w", dir, dir, err)
	}
	found := map[string]string{}
	for _, e := range entries {
		n := e.Name()
		ext := filepath.Ext(n)
		if e.IsDir() || !strings.EqualFold(strings.TrimSuffix(n, ext), base) {
			continue
		}
		k := strings.ToLower(ext)
		// Prefer the exact-case sibling when both BLOCKS.DBF and blocks.dbf exist.
		if _, dup := found[k]; !dup || strings.TrimSuffix(n, ext) == base {
			found[k] = filepath.Join(dir, n)
		}
	}
	lf := &layerFiles{name: filepath.Join(dir, base+".shp")}
	if s, ok := found[".shp"]; ok {
		lf.name = s
	}
	for ext, dst := range map[string]*[]byte{".shp": &lf.shp, ".shx": &lf.shx, ".dbf": &lf.dbf, ".prj": &lf.prj, ".cpg": &lf.cpg} {
		fp, ok := found[ext]
		if !ok {
			continue
		}
		b, err := readFileLimited(fp, lim.MaxFileBytes)
		if err != nil {
			return nil, err
		}
		*dst = b
	}
	return lf, nil
}

func readFileLimited(p string, max int64) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("打开 %s 失败 / cannot open %s: %w", p, p, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	if st.Size() > max {
		return nil, limitErr("%s 有 %d 字节，上限 %d / %s is %d bytes, limit %d", p, st.Size(), max, p, st.Size(), max)
	}
	// Sized from Stat (one byte over, to see EOF without growing): io.ReadAll would grow and
	// copy its way up to a 4 MB .shp several times.
	lr := io.LimitReader(f, max+1)
	b := make([]byte, 0, st.Size()+1)
	for {
		if len(b) == cap(b) { // the file grew since Stat
			b = append(b, 0)[:len(b)]
		}
		n, err := lr.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("读取 %s 失败 / cannot read %s: %w", p, p, err)
		}
	}
	if int64(len(b)) > max {
		return nil, limitErr("%s 超过 %d 字节 / %s exceeds %d bytes", p, max, p, max)
	}
	return b, nil
}

// ReadZip imports every .shp inside a zip, keyed by layer name (the file's base name). Members
// are read into memory, each bounded by Limits.MaxFileBytes whatever the zip claims.
func ReadZip(zipPath string, opt ReadOptions) (map[string][]plan.Feature, map[string]*Report, error) {
	opt.Limits = opt.Limits.fill()
	zl, err := openZipLayers(zipPath)
	if err != nil {
		return nil, nil, err
	}
	defer zl.zr.Close()
	feats := map[string][]plan.Feature{}
	reps := map[string]*Report{}
	// A zip of many members each under the limit could still exhaust memory: bound the total.
	var total int64
	for _, k := range zl.keys {
		lf, err := zl.load(k, opt.Limits, &total)
		if err != nil {
			return nil, nil, err
		}
		layer := zl.names[k]
		if _, dup := feats[layer]; dup {
			layer = layer + "_" + strconv.Itoa(len(feats)+1)
		}
		fs, rep, err := readLayer(lf, opt)
		if err != nil {
			return nil, nil, err
		}
		feats[layer], reps[layer] = fs, rep
	}
	return feats, reps, nil
}

// readFromZip is Read of a .zip: the one .shp inside, or the one opt.Member names.
func readFromZip(zipPath string, opt ReadOptions) ([]plan.Feature, *Report, error) {
	zl, err := openZipLayers(zipPath)
	if err != nil {
		return nil, nil, err
	}
	defer zl.zr.Close()
	var members []string
	for _, k := range zl.keys {
		members = append(members, zl.groups[k][".shp"].Name)
	}
	list := strings.Join(members, ", ")
	pick := zl.keys
	if m := strings.TrimSpace(opt.Member); m != "" {
		m = strings.ToLower(strings.ReplaceAll(m, "\\", "/"))
		if strings.HasSuffix(m, ".shp") {
			m = strings.TrimSuffix(m, ".shp")
		}
		pick = nil
		for _, k := range zl.keys {
			if k == m || strings.ToLower(zl.names[k]) == m {
				pick = append(pick, k)
			}
		}
		if len(pick) == 0 {
			return nil, nil, fmt.Errorf("压缩包 %s 中没有名为 %s 的 .shp，其中有：%s / %s holds no .shp named %s; it holds: %s",
				zipPath, opt.Member, list, zipPath, opt.Member, list)
		}
	}
	if len(pick) > 1 {
		return nil, nil, fmt.Errorf("压缩包 %s 中有 %d 个 .shp，请指定其中一个：%s / %s holds %d .shp files; choose one of: %s",
			zipPath, len(pick), list, zipPath, len(pick), list)
	}
	var total int64
	lf, err := zl.load(pick[0], opt.Limits, &total)
	if err != nil {
		return nil, nil, err
	}
	return readLayer(lf, opt)
}

// zipLayers is a zip's shapefile members grouped by folder + lower-case base name.
type zipLayers struct {
	path   string
	zr     *zip.ReadCloser
	groups map[string]map[string]*zip.File
	names  map[string]string // key → the .shp's base name as written
	keys   []string          // keys that have a .shp, sorted
}

// zipMemberName is a member's name as text. Zips made on Chinese Windows store names in GBK and
// do not set the UTF-8 flag; such a name that is not valid UTF-8 is decoded as GB18030.
func zipMemberName(f *zip.File) string {
	if !f.NonUTF8 || utf8.ValidString(f.Name) {
		return f.Name
	}
	if s, err := simplifiedchinese.GB18030.NewDecoder().String(f.Name); err == nil {
		return s
	}
	return f.Name
}

func openZipLayers(zipPath string) (*zipLayers, error) {
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("找不到压缩包 %s / no such file: %s", zipPath, zipPath)
		}
		return nil, fmt.Errorf("打开压缩包 %s 失败 / cannot open zip %s: %w", zipPath, zipPath, err)
	}
	const maxMembers = 10000
	if len(zr.File) > maxMembers {
		zr.Close()
		return nil, limitErr("%s 有 %d 个文件，上限 %d / too many members", zipPath, len(zr.File), maxMembers)
	}
	zl := &zipLayers{path: zipPath, zr: zr, groups: map[string]map[string]*zip.File{}, names: map[string]string{}}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		n := strings.ReplaceAll(zipMemberName(f), "\\", "/")
		ext := strings.ToLower(path.Ext(n))
		switch ext {
		case ".shp", ".shx", ".dbf", ".prj", ".cpg":
		default:
			continue
		}
		key := strings.ToLower(strings.TrimSuffix(n, path.Ext(n)))
		if zl.groups[key] == nil {
			zl.groups[key] = map[string]*zip.File{}
		}
		zl.groups[key][ext] = f
		if ext == ".shp" {
			zl.names[key] = strings.TrimSuffix(path.Base(n), path.Ext(n))
		}
	}
	for k := range zl.names {
		zl.keys = append(zl.keys, k)
	}
	sort.Strings(zl.keys)
	if len(zl.keys) == 0 {
		zr.Close()
		return nil, fmt.Errorf("压缩包 %s 中没有 .shp 文件 / no .shp file in %s", zipPath, zipPath)
	}
	return zl, nil
}

// load reads the members of one layer, adding their sizes to *total, which is bounded.
func (zl *zipLayers) load(key string, lim Limits, total *int64) (*layerFiles, error) {
	g := zl.groups[key]
	lf := &layerFiles{name: zl.path + "!" + g[".shp"].Name}
	for ext, dst := range map[string]*[]byte{".shp": &lf.shp, ".shx": &lf.shx, ".dbf": &lf.dbf, ".prj": &lf.prj, ".cpg": &lf.cpg} {
		zf, ok := g[ext]
		if !ok {
			continue
		}
		b, err := readZipMember(zf, lim.MaxFileBytes)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", zl.path, err)
		}
		if *total += int64(len(b)); *total > 4*lim.MaxFileBytes {
			return nil, limitErr("%s 解压总量超过 %d 字节 / %s unpacks to more than %d bytes", zl.path, 4*lim.MaxFileBytes, zl.path, 4*lim.MaxFileBytes)
		}
		*dst = b
	}
	return lf, nil
}

func readZipMember(f *zip.File, max int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(max) {
		return nil, limitErr("%s 解压后 %d 字节，上限 %d / %s is %d bytes uncompressed, limit %d", f.Name, f.UncompressedSize64, max, f.Name, f.UncompressedSize64, max)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name, err)
	}
	defer rc.Close()
	// The header's size may lie: never read more than the limit.
	b, err := io.ReadAll(io.LimitReader(rc, max+1))
	if err != nil {
		return nil, fmt.Errorf("解压 %s 失败 / cannot unpack %s: %w", f.Name, f.Name, err)
	}
	if int64(len(b)) > max {
		return nil, limitErr("%s 超过 %d 字节 / %s exceeds %d bytes", f.Name, max, f.Name, max)
	}
	return b, nil
}

// readLayer is the whole import from bytes: it is what the fuzz targets drive.
func readLayer(lf *layerFiles, opt ReadOptions) (feats []plan.Feature, rep *Report, err error) {
	// Every decoder below checks its bounds; this is the last line, so that a mistake still
	// becomes an error naming the file instead of a crash that loses the user's work.
	defer func() {
		if p := recover(); p != nil {
			feats, rep, err = nil, nil, fmt.Errorf("%s: 文件损坏，读取时出错 / corrupt file, reader failed: %v", lf.name, p)
		}
	}()
	return readLayerUnguarded(lf, opt)
}

func readLayerUnguarded(lf *layerFiles, opt ReadOptions) ([]plan.Feature, *Report, error) {
	lim := opt.Limits.fill()
	rep := &Report{File: lf.name}
	if lf.shp == nil {
		return nil, nil, fmt.Errorf("找不到 %s / %s not found", lf.name, lf.name)
	}
	if lf.dbf == nil {
		return nil, nil, fmt.Errorf("%s 缺少属性表 .dbf，无法导入 / %s has no .dbf attribute table", lf.name, lf.name)
	}
	// PROJ needs about 10 ms to confirm a .prj, as long as decoding a 4 MB layer: do both at once.
	prj := startPRJ(lf.prj, opt.SRS)
	sf, err := parseSHP(lf.shp, lf.shx, lim)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", lf.name, err)
	}
	rep.Problems = append(rep.Problems, sf.problems...)
	tbl, err := parseDBF(lf.dbf, lim)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", strings.TrimSuffix(lf.name, filepath.Ext(lf.name))+".dbf", err)
	}
	// The shapes are decoded before the CRS is known (the .prj is still with PROJ); only
	// reprojection needs it. Rows deleted in the .dbf are not decoded, as before.
	shapes := make([]decodedShape, len(sf.offsets))
	for i := range shapes {
		if i < len(tbl.records) && deleted(tbl.records[i]) {
			continue
		}
		shapes[i] = decodeShape(sf, i, lim)
	}
	src, err := fileCRS(lf, sf, opt.SRS, rep, prj)
	if err != nil {
		return nil, nil, err
	}
	rep.CRS = src.String()

	dec, err := chooseEncoding(tbl, lf.cpg, opt.Encoding, rep)
	if err != nil {
		return nil, nil, err
	}
	decodeFieldNames(tbl, dec, rep)
	for _, f := range tbl.fields {
		rep.Fields = append(rep.Fields, planField(f))
	}

	var tr *crs.Transformer
	if !(src.IsGeographic() && src.EPSG == plan.StorageSRID) {
		tr, err = crs.NewTransformer(src, crs.Geographic())
		if err != nil {
			return nil, nil, fmt.Errorf("%s: 无法从 %s 转换到 EPSG:4490 / cannot transform from %s: %w", lf.name, src, src, err)
		}
		defer tr.Close()
	}

	nShp, nDBF := len(sf.offsets), len(tbl.records)
	n := max(nShp, nDBF) // records of which something survives
	rep.SHPRecords = nShp
	rep.DBFRecords = max(tbl.declared, nDBF)
	rep.Records = max(rep.SHPRecords, rep.DBFRecords)
	dbfCut := tbl.declared > nDBF
	rep.Truncated = sf.truncated || dbfCut
	reportCounts(rep, sf, tbl, n)

	feats := make([]plan.Feature, 0, n)
	var ext, srcExt orb.Bound
	hasExt, hasSrc := false, false
	var zr, mr valueRange
	withShape, reprojFailed := 0, 0
	for i := 0; i < n; i++ {
		num := i + 1
		var rec []byte
		if i < nDBF {
			rec = tbl.records[i]
			if deleted(rec) {
				rep.Skipped++
				rep.add(num, "", "deleted", fmt.Sprintf("第 %d 条记录在 .dbf 中标记为删除，未导入 / record %d is marked deleted in the .dbf; not imported", num, num))
				continue
			}
		}
		f := plan.Feature{ID: int64(num), Attrs: make(plan.Attrs, len(tbl.fields))}
		for k := range tbl.fields {
			fld := &tbl.fields[k]
			if rec == nil {
				f.Attrs[fld.name] = nil // no row: the shape is kept with empty attributes
				continue
			}
			f.Attrs[fld.name] = fieldValue(fld, rec, dec, num, rep)
		}
		lost := rec == nil
		if i >= nShp {
			lost = true
			if sf.truncated {
				rep.add(num, "", "corrupt", fmt.Sprintf("第 %d 条记录的图形被 .shp 的截断切掉，已导入属性、无图形 / record %d: its shape data is cut off by the end of the truncated .shp; imported without geometry", num, num))
			} else {
				rep.add(num, "", "missing-shape", fmt.Sprintf("第 %d 条记录在 .shp 中没有图形（.shp 只有 %d 条），已导入属性、无图形 / record %d has no shape in the .shp (it holds %d records); imported without geometry", num, nShp, num, nShp))
			}
		} else {
			d := &shapes[i]
			r := &d.rec
			zr.merge(r.z)
			mr.merge(r.m)
			switch {
			case r.cut:
				lost = true
				rep.add(num, "", "corrupt", fmt.Sprintf("第 %d 条记录的图形被 .shp 的截断切掉，已导入属性、无图形 / record %d: its shape data is cut off by the end of the truncated .shp; imported without geometry", num, num))
			case r.err != nil:
				lost = true
				rep.add(num, "", "corrupt", fmt.Sprintf("第 %d 条记录图形损坏，已导入属性、无图形：%v / record %d: geometry is corrupt, imported without it", num, r.err, num))
			case r.null:
				rep.add(num, "", "null-shape", fmt.Sprintf("第 %d 条记录没有图形（空图形），已保留 / record %d has a null shape; kept without geometry", num, num))
			default:
				for k, ring := range r.rings {
					if len(ring) == 0 {
						continue
					}
					if b := r.bounds[k]; hasSrc {
						srcExt = srcExt.Union(b)
					} else {
						srcExt, hasSrc = b, true
					}
				}
				mp, shellBounds, iss := d.mp, d.shellBounds, d.issues
				d.mp = nil // the feature owns it from here
				for _, is := range iss {
					rep.add(num, "", is.kind, fmt.Sprintf("第 %d 条记录：%s", num, is.msg))
				}
				if len(mp) > 0 {
					withShape++
				} else {
					lost = true // every ring was unusable: the invalid-ring problems say why
				}
				if tr != nil && len(mp) > 0 {
					mp, err = tr.MultiPolygon(mp)
					if err != nil {
						lost = true
						reprojFailed++
						rep.add(num, "", "reproject", fmt.Sprintf("第 %d 条记录坐标转换失败，已导入但无图形：%v / record %d could not be reprojected", num, err, num))
						mp = nil
					}
				}
				if len(mp) > 0 {
					f.Geometry = mp
					var b orb.Bound
					if tr != nil {
						b = mp.Bound()
					} else {
						// What mp.Bound() gives (the union of the shells' bounds), from the decode.
						b = shellBounds[0]
						for _, sb := range shellBounds[1:] {
							b = b.Union(sb)
						}
					}
					if hasExt {
						ext = ext.Union(b)
					} else {
						ext, hasExt = b, true
					}
				}
			}
		}
		if lost {
			rep.Lost++
		}
		feats = append(feats, f)
	}
	// Records the headers declare of which neither file holds anything.
	rep.Skipped += rep.Records - n
	rep.Lost += rep.Records - n
	rep.Read = len(feats)
	rep.Extent = ext
	if msg := dimensionsDropped(sf, zr, mr); msg != "" {
		rep.add(0, "", "z-dropped", msg)
	}
	if hasExt && !inside(ext, chinaBound) {
		if e, ok := dropStrays(feats, rep); ok {
			ext = e
			rep.Extent = e
		}
	}
	fit := crsFit{name: lf.name, src: src, from: crsSource(lf, opt.SRS), srcExt: srcExt, hasSrc: hasSrc,
		ext: ext, hasExt: hasExt, withShape: withShape, reprojFailed: reprojFailed}
	if err := fit.check(); err != nil {
		return nil, nil, err
	}
	return feats, rep, nil
}

// reportCounts adds the file-level problems that explain why the .shp and .dbf do not pair
// one to one: truncation of either, or a plain disagreement in counts.
func reportCounts(rep *Report, sf *shpFile, tbl *dbfTable, n int) {
	nShp, nDBF := len(sf.offsets), len(tbl.records)
	if sf.truncated {
		first := sf.intact + 1
		rep.add(0, "", "corrupt", fmt.Sprintf(".shp 被截断（%d 字节，文件头声明 %d 字节）：第 %s 条记录没有图形，已导入属性、无图形 / truncated .shp (%d bytes, its header declares %d): records %s have no shape data; imported with attributes, without geometry",
			len(sf.data), sf.declaredLen, span(first, n), len(sf.data), sf.declaredLen, span(first, n)))
	}
	if tbl.declared > nDBF {
		var zh, en string
		switch {
		case nShp > nDBF:
			zh = fmt.Sprintf("第 %s 条记录无属性，其图形以空属性导入", span(nDBF+1, nShp))
			en = fmt.Sprintf("records %s have no attributes; their shapes are kept with empty attributes", span(nDBF+1, nShp))
		default:
			zh = fmt.Sprintf(".shp 也只有 %d 条，第 %s 条记录完全丢失", nShp, span(nDBF+1, tbl.declared))
			en = fmt.Sprintf("the .shp holds %d, so records %s are lost altogether", nShp, span(nDBF+1, tbl.declared))
		}
		rep.add(0, "", "corrupt", fmt.Sprintf(".dbf 被截断（文件头声明 %d 条记录，文件只有 %d 条）：%s / truncated .dbf (header declares %d records, the file holds %d): %s",
			tbl.declared, nDBF, zh, tbl.declared, nDBF, en))
		if nShp > nDBF && tbl.declared > nShp {
			rep.add(0, "", "corrupt", fmt.Sprintf("第 %s 条记录在两个文件中都不存在，已丢失 / records %s are in neither file: lost", span(nShp+1, tbl.declared), span(nShp+1, tbl.declared)))
		}
		return
	}
	if sf.truncated || nShp == nDBF {
		return
	}
	if nShp < nDBF {
		rep.add(0, "", "count-mismatch", fmt.Sprintf(".shp 有 %d 条记录，.dbf 有 %d 条：第 %s 条记录没有图形，已导入属性 / .shp holds %d records, .dbf %d: records %s have no shape and are imported without geometry",
			nShp, nDBF, span(nShp+1, nDBF), nShp, nDBF, span(nShp+1, nDBF)))
		return
	}
	rep.add(0, "", "count-mismatch", fmt.Sprintf(".shp 有 %d 条记录，.dbf 有 %d 条：第 %s 条记录没有属性，其图形以空属性导入 / .shp holds %d records, .dbf %d: records %s have no attributes; their shapes are kept with empty attributes",
		nShp, nDBF, span(nDBF+1, nShp), nShp, nDBF, span(nDBF+1, nShp)))
}

// span writes a record range, "19–105" or "19".
func span(a, b int) string {
	if a >= b {
		return strconv.Itoa(a)
	}
	return strconv.Itoa(a) + "–" + strconv.Itoa(b)
}

// dimensionsDropped says, once per file, that Z or M values were read and thrown away.
func dimensionsDropped(sf *shpFile, z, m valueRange) string {
	if z.n == 0 && m.n == 0 {
		return ""
	}
	var zh, en []string
	if z.n > 0 {
		zh = append(zh, fmt.Sprintf("Z 值（范围 %s..%s）", num(z.min), num(z.max)))
		en = append(en, fmt.Sprintf("Z values (range %s..%s)", num(z.min), num(z.max)))
	}
	if m.n > 0 {
		zh = append(zh, fmt.Sprintf("M 值（范围 %s..%s）", num(m.min), num(m.max)))
		en = append(en, fmt.Sprintf("M values (range %s..%s)", num(m.min), num(m.max)))
	}
	return fmt.Sprintf("文件为 %s，含 %s；本项目只存二维 CGCS2000 图形，这些值已舍弃 / the file is %s with %s; the project stores 2D CGCS2000 geometry, so they were dropped",
		shapeTypeName(sf.shapeType), strings.Join(zh, "、"), shapeTypeName(sf.shapeType), strings.Join(en, " and "))
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// decodedShape is one record's shape, decoded and assembled.
type decodedShape struct {
	rec         shpRecord
	mp          orb.MultiPolygon
	shellBounds []orb.Bound
	issues      []issue
}

func decodeShape(sf *shpFile, i int, lim Limits) decodedShape {
	d := decodedShape{rec: sf.record(i, lim)}
	if r := &d.rec; !r.cut && r.err == nil && !r.null {
		d.mp, d.shellBounds, d.issues = assemble(r.rings, r.bounds, r.areas)
	}
	return d
}

// startPRJ has PROJ read the .prj in the background when it will be needed (there is one and
// no SRS overrides it); the function returned waits for the answer. A panic there is turned
// into an error, as readLayer's recover cannot reach another goroutine.
func startPRJ(prj []byte, srs string) func() (crs.CRS, error) {
	if prj == nil || strings.TrimSpace(srs) != "" {
		return func() (crs.CRS, error) { return crs.FromPRJ(string(prj)) }
	}
	type result struct {
		c   crs.CRS
		err error
	}
	ch := make(chan result, 1) // buffered: an import that fails early leaves no goroutine behind
	go func() {
		defer func() {
			if p := recover(); p != nil {
				ch <- result{err: fmt.Errorf("%w: reading the .prj failed: %v", crs.ErrUnknownCRS, p)}
			}
		}()
		c, err := crs.FromPRJ(string(prj))
		ch <- result{c, err}
	}()
	var once sync.Once
	var res result
	return func() (crs.CRS, error) {
		once.Do(func() { res = <-ch })
		return res.c, res.err
	}
}

// fileCRS decides the CRS: the user's SRS, else the .prj, else lon/lat-looking data is taken
// as EPSG:4490 with a warning. Anything else is an error naming --srs.
func fileCRS(lf *layerFiles, sf *shpFile, srs string, rep *Report, prj func() (crs.CRS, error)) (crs.CRS, error) {
	if strings.TrimSpace(srs) != "" {
		c, err := crs.ParseSRS(strings.TrimSpace(srs))
		if err != nil {
			return crs.CRS{}, fmt.Errorf("%s: 坐标系 %q 无法识别 / unknown --srs %q: %w", lf.name, srs, srs, err)
		}
		return c, nil
	}
	if lf.prj != nil {
		c, err := prj()
		if err != nil {
			return crs.CRS{}, fmt.Errorf("%s: .prj 中的坐标系无法识别，请用 --srs EPSG:代码 指定（如 --srs EPSG:4490 或 --srs EPSG:4516）/ unknown CRS in the .prj; give it with --srs EPSG:code: %w",
				lf.name, err)
		}
		return c, nil
	}
	b := headerBound(sf.data)
	if b.Min[0] >= -180 && b.Max[0] <= 180 && b.Min[1] >= -90 && b.Max[1] <= 90 {
		rep.add(0, "", "no-prj", "缺少 .prj，坐标看起来是经纬度，按 CGCS2000（EPSG:4490）导入 / no .prj; coordinates look like longitude/latitude, read as EPSG:4490")
		return crs.Geographic(), nil
	}
	return crs.CRS{}, fmt.Errorf("%s: 缺少 .prj，坐标系未知，请用 --srs EPSG:代码 指定 / no .prj and the CRS is unknown; give it with --srs EPSG:code: %w",
		lf.name, crs.ErrUnknownCRS)
}

func headerBound(shpData []byte) orb.Bound {
	f := func(o int) float64 { return leFloat(shpData[o:]) }
	return orb.Bound{Min: orb.Point{f(36), f(44)}, Max: orb.Point{f(52), f(60)}}
}

// chooseEncoding applies the order: user, .cpg, language byte, detection over all the text.
func chooseEncoding(t *dbfTable, cpg []byte, user string, rep *Report) (*textDecoder, error) {
	name, source := "", ""
	if strings.TrimSpace(user) != "" {
		name, source = normalizeEncoding(user), SourceUser
		if name == "" {
			return nil, fmt.Errorf("不认识的编码 %q，可用 utf-8、gbk、gb18030 / unknown encoding %q", user, user)
		}
	}
	if name == "" && cpg != nil {
		if n := normalizeEncoding(string(cpg)); n != "" {
			name, source = n, SourceCPG
		} else {
			rep.add(0, "", "encoding", fmt.Sprintf(".cpg 中的编码 %q 无法识别，已自动判断 / the .cpg names an unknown encoding %q; detected instead",
				strings.TrimSpace(string(cpg)), strings.TrimSpace(string(cpg))))
		}
	}
	if name == "" {
		if n := encodingFromLDID(t.ldid); n != "" {
			name, source = n, SourceLDID
		}
	}
	if name == "" {
		var texts [][]byte
		for _, f := range t.fields {
			texts = append(texts, f.rawName)
		}
		for _, rec := range t.records {
			for k := range t.fields {
				if f := &t.fields[k]; f.typ == 'C' {
					texts = append(texts, f.rawValue(rec))
				}
			}
		}
		name, source = detectEncoding(texts), SourceDetected
	}
	rep.Encoding, rep.EncodingSource = name, source
	return newTextDecoder(name), nil
}

// decodeFieldNames decodes names and makes them unique (Attrs is a map by name).
func decodeFieldNames(t *dbfTable, dec *textDecoder, rep *Report) {
	seen := map[string]bool{}
	for k := range t.fields {
		f := &t.fields[k]
		name, bad := dec.decode(f.rawName)
		if bad {
			rep.add(0, name, "encoding", fmt.Sprintf("字段名 %q 含无法按 %s 解码的字节 / field name is not valid %s", name, rep.Encoding, rep.Encoding))
		}
		if name == "" {
			name = "FIELD" + strconv.Itoa(k+1)
		}
		base := name
		for i := 2; seen[strings.ToUpper(name)]; i++ {
			name = base + "_" + strconv.Itoa(i)
		}
		if name != base {
			rep.add(0, name, "field-name", fmt.Sprintf("字段名 %q 重复，改名为 %q / duplicate field name %q renamed %q", base, name, base, name))
		}
		seen[strings.ToUpper(name)] = true
		f.name = name
	}
}

func planField(f dbfField) plan.Field {
	pf := plan.Field{Name: f.name, Label: f.name, Width: f.length, Decimals: f.decimals}
	switch f.typ {
	case 'N', 'F':
		if f.decimals > 0 || f.length > 18 {
			pf.Type = plan.FieldReal
		} else {
			pf.Type = plan.FieldInt
		}
	case 'D':
		pf.Type = plan.FieldDate
	default:
		pf.Type = plan.FieldText
	}
	return pf
}

// fieldValue converts one DBF value, reporting what it could not convert cleanly.
func fieldValue(f *dbfField, rec []byte, dec *textDecoder, num int, rep *Report) any {
	raw := f.rawValue(rec)
	switch f.typ {
	case 'N', 'F':
		v, kind := numericValue(string(raw), f.decimals)
		if kind != valueOK {
			s, _ := dec.decode(raw)
			rep.add(num, f.name, string(kind), fmt.Sprintf("第 %d 条记录字段 %s 的值 %q 不是数字，按文本保留 / record %d field %s: %q is not a number; kept as text", num, f.name, s, num, f.name, s))
			return s
		}
		return v
	case 'D':
		v, kind := dateValue(string(raw))
		if kind != valueOK {
			s, _ := dec.decode(raw)
			rep.add(num, f.name, string(kind), fmt.Sprintf("第 %d 条记录字段 %s 的日期 %q 无效，按文本保留 / record %d field %s: invalid date %q kept as text", num, f.name, s, num, f.name, s))
			return s
		}
		return v
	case 'L':
		return logicalValue(string(raw))
	}
	if len(raw) == 0 {
		return nil
	}
	s, bad := dec.decode(raw)
	if bad {
		rep.add(num, f.name, "encoding", fmt.Sprintf("第 %d 条记录字段 %s 含无法按 %s 解码的字节，已替换为 � / record %d field %s: bytes not valid %s replaced with U+FFFD",
			num, f.name, rep.Encoding, num, f.name, rep.Encoding))
	}
	return s
}
