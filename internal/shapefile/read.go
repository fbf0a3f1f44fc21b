package shapefile

import (
	"archive/zip"

	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

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
// case-insensitively). Geometry is returned in EPSG:4490, Z and M dropped, shells clockwise and
// holes counter-clockwise; Feature.ID is the 1-based record number; blank text is NULL (nil). Missing .shp/.dbf, an unknown CRS
// without opt.SRS, limits and a non-polygon file are errors; trouble in single records is
// reported in Report.Problems and the rest is imported.
func Read(path string, opt ReadOptions) ([]plan.Feature, *Report, error) {
	opt.Limits = opt.Limits.fill()
	lf, err := loadLayerFiles(path, opt.Limits)
	if err != nil {
		return nil, nil, err
	}
	return readLayer(lf, opt)
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
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("读取 %s 失败 / cannot read %s: %w", p, p, err)
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
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		return nil, nil, fmt.Errorf("打开压缩包 %s 失败 / cannot open zip %s: %w", zipPath, zipPath, err)
	}
	defer zr.Close()
	const maxMembers = 10000
	if len(zr.File) > maxMembers {
		return nil, nil, limitErr("%s 有 %d 个文件，上限 %d / too many members", zipPath, len(zr.File), maxMembers)
	}
	// group members by directory + lower-case base name
	groups := map[string]map[string]*zip.File{}
	names := map[string]string{}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		n := strings.ReplaceAll(f.Name, "\\", "/")
		ext := strings.ToLower(path.Ext(n))
		switch ext {
		case ".shp", ".shx", ".dbf", ".prj", ".cpg":
		default:
			continue
		}
		key := strings.ToLower(strings.TrimSuffix(n, path.Ext(n)))
		if groups[key] == nil {
			groups[key] = map[string]*zip.File{}
		}
		groups[key][ext] = f
		if ext == ".shp" {
			names[key] = strings.TrimSuffix(path.Base(n), path.Ext(n))
		}
	}
	keys := make([]string, 0, len(names))
	for k := range names {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) == 0 {
		return nil, nil, fmt.Errorf("压缩包 %s 中没有 .shp 文件 / no .shp file in %s", zipPath, zipPath)
	}
	feats := map[string][]plan.Feature{}
	reps := map[string]*Report{}
	// A zip of many members each under the limit could still exhaust memory: bound the total.
	var total int64
	for _, k := range keys {
		g := groups[k]
		lf := &layerFiles{name: zipPath + "!" + g[".shp"].Name}
		for ext, dst := range map[string]*[]byte{".shp": &lf.shp, ".shx": &lf.shx, ".dbf": &lf.dbf, ".prj": &lf.prj, ".cpg": &lf.cpg} {
			zf, ok := g[ext]
			if !ok {
				continue
			}
			b, err := readZipMember(zf, opt.Limits.MaxFileBytes)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", zipPath, err)
			}
			if total += int64(len(b)); total > 4*opt.Limits.MaxFileBytes {
				return nil, nil, limitErr("%s 解压总量超过 %d 字节 / %s unpacks to more than %d bytes", zipPath, 4*opt.Limits.MaxFileBytes, zipPath, 4*opt.Limits.MaxFileBytes)
			}
			*dst = b
		}
		layer := names[k]
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
	sf, err := parseSHP(lf.shp, lf.shx, lim)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", lf.name, err)
	}
	rep.Problems = append(rep.Problems, sf.problems...)
	tbl, err := parseDBF(lf.dbf, lim)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", strings.TrimSuffix(lf.name, filepath.Ext(lf.name))+".dbf", err)
	}
	if tbl.declared > len(tbl.records) {
		rep.add(0, "", "corrupt", fmt.Sprintf("DBF 声明 %d 条记录，文件只有 %d 条 / DBF header declares %d records, file holds %d",
			tbl.declared, len(tbl.records), tbl.declared, len(tbl.records)))
	}

	src, err := fileCRS(lf, sf, opt.SRS, rep)
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

	n := len(tbl.records)
	rep.Records = n
	if len(sf.offsets) != n {
		rep.add(0, "", "count-mismatch", fmt.Sprintf(".shp 有 %d 条记录，.dbf 有 %d 条；按顺序对应，多出的记录%s / .shp holds %d records, .dbf %d; paired in order",
			len(sf.offsets), n, map[bool]string{true: "无图形", false: "被忽略"}[len(sf.offsets) < n], len(sf.offsets), n))
	}
	feats := make([]plan.Feature, 0, n)
	var ext orb.Bound
	hasExt := false
	for i := 0; i < n; i++ {
		rec := tbl.records[i]
		if deleted(rec) {
			rep.Skipped++
			continue
		}
		num := i + 1
		f := plan.Feature{ID: int64(num), Attrs: make(plan.Attrs, len(tbl.fields))}
		for k := range tbl.fields {
			fld := &tbl.fields[k]
			f.Attrs[fld.name] = fieldValue(fld, rec, dec, num, rep)
		}
		if i < len(sf.offsets) {
			r := sf.record(i, lim)
			switch {
			case r.err != nil:
				rep.add(num, "", "corrupt", fmt.Sprintf("第 %d 条记录图形损坏，已导入属性、无图形：%v / record %d: geometry is corrupt, imported without it", num, r.err, num))
			case r.null:
				rep.add(num, "", "null-shape", fmt.Sprintf("第 %d 条记录没有图形（空图形），已保留 / record %d has a null shape; kept without geometry", num, num))
			default:
				mp, iss := assemble(r.rings)
				for _, is := range iss {
					rep.add(num, "", is.kind, fmt.Sprintf("第 %d 条记录：%s", num, is.msg))
				}
				if tr != nil && len(mp) > 0 {
					mp, err = tr.MultiPolygon(mp)
					if err != nil {
						rep.add(num, "", "reproject", fmt.Sprintf("第 %d 条记录坐标转换失败，已导入但无图形：%v / record %d could not be reprojected", num, err, num))
						mp = nil
					}
				}
				if len(mp) > 0 {
					f.Geometry = mp
					b := mp.Bound()
					if hasExt {
						ext = ext.Union(b)
					} else {
						ext, hasExt = b, true
					}
				}
			}
		}
		feats = append(feats, f)
	}
	rep.Read = len(feats)
	rep.Extent = ext
	return feats, rep, nil
}

// fileCRS decides the CRS: the user's SRS, else the .prj, else lon/lat-looking data is taken
// as EPSG:4490 with a warning. Anything else is an error naming --srs.
func fileCRS(lf *layerFiles, sf *shpFile, srs string, rep *Report) (crs.CRS, error) {
	if strings.TrimSpace(srs) != "" {
		c, err := crs.ParseSRS(strings.TrimSpace(srs))
		if err != nil {
			return crs.CRS{}, fmt.Errorf("%s: 坐标系 %q 无法识别 / unknown --srs %q: %w", lf.name, srs, srs, err)
		}
		return c, nil
	}
	if lf.prj != nil {
		c, err := crs.FromPRJ(string(lf.prj))
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
