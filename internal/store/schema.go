package store

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"kuanggui/internal/plan"
)

type srsRow struct {
	id        int
	name, wkt string
}

// Core tables as GDAL writes them: validate_gpkg.py compares column names, types, NOT NULL
// and defaults literally.
const coreDDL = `
CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL,srs_id INTEGER NOT NULL PRIMARY KEY,organization TEXT NOT NULL,organization_coordsys_id INTEGER NOT NULL,definition  TEXT NOT NULL,description TEXT);
CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY,data_type TEXT NOT NULL,identifier TEXT UNIQUE,description TEXT DEFAULT '',last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),min_x DOUBLE, min_y DOUBLE,max_x DOUBLE, max_y DOUBLE,srs_id INTEGER,CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL,column_name TEXT NOT NULL,geometry_type_name TEXT NOT NULL,srs_id INTEGER NOT NULL,z TINYINT NOT NULL,m TINYINT NOT NULL,CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),CONSTRAINT uk_gc_table_name UNIQUE (table_name),CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
CREATE TABLE gpkg_extensions (table_name TEXT,column_name TEXT,extension_name TEXT NOT NULL,definition TEXT NOT NULL,scope TEXT NOT NULL,CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS',-1,'NONE',-1,'undefined','undefined cartesian coordinate reference system');
INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined geographic SRS',0,'NONE',0,'undefined','undefined geographic coordinate reference system');
`

// App tables. Each has an INTEGER PRIMARY KEY and spec data types so it can be registered in
// gpkg_contents as 'attributes' and passes the validator; QGIS shows them as plain tables.
var appTables = []struct{ name, identifier, ddl string }{
	{"kg_meta", "规划信息 (kg_meta)", `CREATE TABLE IF NOT EXISTS kg_meta (id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE, value TEXT)`},
	{"kg_settings", "设置 (kg_settings)", `CREATE TABLE IF NOT EXISTS kg_settings (id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE, value TEXT)`},
	// AUTOINCREMENT: a sequence number is never reused after TruncateRedo, so a stale
	// reference to a dropped entry cannot hit a new one.
	{"kg_journal", "编辑日志 (kg_journal)", `CREATE TABLE IF NOT EXISTS kg_journal (seq INTEGER PRIMARY KEY AUTOINCREMENT, time DATETIME NOT NULL, label TEXT NOT NULL, payload TEXT, undone BOOLEAN NOT NULL DEFAULT 0)`},
	// One row per rule (R01…R12: on/off and severity, readable and editable in QGIS) and a row
	// "*" with every other setting as JSON (tolerances, distances, mineral lists).
	{"kg_rules", "检查规则 (kg_rules)", `CREATE TABLE IF NOT EXISTS kg_rules (id INTEGER PRIMARY KEY AUTOINCREMENT, rule TEXT NOT NULL UNIQUE, name TEXT, enabled BOOLEAN NOT NULL DEFAULT 1, severity TEXT, settings TEXT)`},
	{"kg_exceptions", "检查例外 (kg_exceptions)", `CREATE TABLE IF NOT EXISTS kg_exceptions (id INTEGER PRIMARY KEY AUTOINCREMENT, rule TEXT NOT NULL, features TEXT NOT NULL, geom_hash TEXT, reason TEXT, time DATETIME NOT NULL, UNIQUE (rule, features))`},
}

func (s *Store) initSchema(meta plan.Meta) error {
	tx, err := s.db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stmts := []string{
		fmt.Sprintf("PRAGMA application_id=%d", applicationID),
		fmt.Sprintf("PRAGMA user_version=%d", userVersion),
	}
	for _, st := range stmts {
		if _, err := tx.Exec(st); err != nil {
			return err
		}
	}
	if _, err := tx.Exec(coreDDL); err != nil {
		return err
	}
	for _, r := range srsRows {
		if _, err := tx.Exec(`INSERT INTO gpkg_spatial_ref_sys VALUES (?,?,'EPSG',?,?,NULL)`, r.name, r.id, r.id, r.wkt); err != nil {
			return err
		}
	}
	if err := ensureAppTables(tx); err != nil {
		return err
	}
	if err := writeMeta(tx, meta); err != nil {
		return err
	}
	return tx.Commit()
}

type execer interface {
	Exec(query string, args ...any) (sql.Result, error)
	QueryRow(query string, args ...any) *sql.Row
}

// ensureAppTables creates the kg_ tables on first need, so that opening a GDAL or QGIS file
// changes nothing until the user edits it.
func ensureAppTables(x execer) error {
	for _, t := range appTables {
		if _, err := x.Exec(t.ddl); err != nil {
			return fmt.Errorf("create %s: %w", t.name, err)
		}
		if _, err := x.Exec(`INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, last_change) VALUES (?, 'attributes', ?, 'Kuanggui', ?)`,
			t.name, t.identifier, nowString()); err != nil {
			return fmt.Errorf("register %s: %w", t.name, err)
		}
	}
	return nil
}

func quoteID(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

var tableNameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,62}$`)

func sqlType(t plan.FieldType) (string, error) {
	switch t {
	case plan.FieldText:
		return "TEXT", nil
	case plan.FieldInt:
		return "INTEGER", nil
	case plan.FieldReal:
		return "REAL", nil
	case plan.FieldDate:
		return "DATE", nil
	}
	return "", fmt.Errorf("unknown field type %q", t)
}

// fieldType maps a declared SQLite/GeoPackage column type to a plan type; ok is false for
// columns the plan cannot hold (BLOB), which are then left untouched.
func fieldType(decl string) (plan.FieldType, int, bool) {
	d := strings.ToUpper(strings.TrimSpace(decl))
	width := 0
	if i := strings.IndexByte(d, '('); i > 0 && strings.HasSuffix(d, ")") {
		width, _ = strconv.Atoi(d[i+1 : len(d)-1])
		d = d[:i]
	}
	switch d {
	case "TEXT", "VARCHAR", "CHAR", "DATETIME", "":
		return plan.FieldText, width, true
	case "INTEGER", "INT", "BOOLEAN", "TINYINT", "SMALLINT", "MEDIUMINT", "BIGINT":
		return plan.FieldInt, 0, true
	case "REAL", "FLOAT", "DOUBLE":
		return plan.FieldReal, 0, true
	case "DATE":
		return plan.FieldDate, 0, true
	}
	return "", 0, false
}

// rtreeDDL is the spec's R-tree index with GDAL's (GeoPackage 1.3) triggers, word for word
// apart from names, so both programs maintain the same index.
func rtreeDDL(t, c, pk string) []string {
	r := "rtree_" + t + "_" + c
	qt, qc, qr, qi := quoteID(t), quoteID(c), quoteID(r), quoteID(pk)
	ins := fmt.Sprintf(`INSERT OR REPLACE INTO %s VALUES (NEW.%s,ST_MinX(NEW.%s), ST_MaxX(NEW.%s),ST_MinY(NEW.%s), ST_MaxY(NEW.%s));`, qr, qi, qc, qc, qc, qc)
	return []string{
		fmt.Sprintf(`CREATE VIRTUAL TABLE %s USING rtree(id, minx, maxx, miny, maxy)`, qr),
		fmt.Sprintf(`CREATE TRIGGER %s AFTER INSERT ON %s WHEN (new.%s NOT NULL AND NOT ST_IsEmpty(NEW.%s)) BEGIN %s END`, quoteID(r+"_insert"), qt, qc, qc, ins),
		fmt.Sprintf(`CREATE TRIGGER %s AFTER UPDATE OF %s ON %s WHEN OLD.%s = NEW.%s AND (NEW.%s NOTNULL AND NOT ST_IsEmpty(NEW.%s)) BEGIN %s END`, quoteID(r+"_update1"), qc, qt, qi, qi, qc, qc, ins),
		fmt.Sprintf(`CREATE TRIGGER %s AFTER UPDATE OF %s ON %s WHEN OLD.%s = NEW.%s AND (NEW.%s ISNULL OR ST_IsEmpty(NEW.%s)) BEGIN DELETE FROM %s WHERE id = OLD.%s; END`, quoteID(r+"_update2"), qc, qt, qi, qi, qc, qc, qr, qi),
		fmt.Sprintf(`CREATE TRIGGER %s AFTER UPDATE ON %s WHEN OLD.%s != NEW.%s AND (NEW.%s NOTNULL AND NOT ST_IsEmpty(NEW.%s)) BEGIN DELETE FROM %s WHERE id = OLD.%s; %s END`, quoteID(r+"_update3"), qt, qi, qi, qc, qc, qr, qi, ins),
		fmt.Sprintf(`CREATE TRIGGER %s AFTER UPDATE ON %s WHEN OLD.%s != NEW.%s AND (NEW.%s ISNULL OR ST_IsEmpty(NEW.%s)) BEGIN DELETE FROM %s WHERE id IN (OLD.%s, NEW.%s); END`, quoteID(r+"_update4"), qt, qi, qi, qc, qc, qr, qi, qi),
		fmt.Sprintf(`CREATE TRIGGER %s AFTER DELETE ON %s WHEN old.%s NOT NULL BEGIN DELETE FROM %s WHERE id = OLD.%s; END`, quoteID(r+"_delete"), qt, qc, qr, qi),
	}
}

// CreateLayer adds a feature table for def: fid, a MULTIPOLYGON geometry in EPSG:4490, the
// def's fields, its gpkg_contents row (identifier = the Chinese name) and the R-tree index.
// It is an error if the table exists.
func (s *Store) CreateLayer(def plan.LayerDef) error {
	if !tableNameRE.MatchString(def.Table) {
		return fmt.Errorf("create layer %q: the table name must be ASCII letters, digits and _ starting with a letter", def.Table)
	}
	low := strings.ToLower(def.Table)
	for _, p := range []string{"gpkg_", "rtree_", "kg_", "sqlite_"} {
		if strings.HasPrefix(low, p) {
			return fmt.Errorf("create layer %q: names starting with %s are reserved", def.Table, p)
		}
	}
	cols := []string{`"fid" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL`, `"geom" MULTIPOLYGON`}
	seen := map[string]bool{"fid": true, "geom": true}
	for _, f := range def.Fields {
		if f.Name == "" || seen[strings.ToLower(f.Name)] {
			return fmt.Errorf("create layer %s: field %q is empty, reserved or listed twice", def.Table, f.Name)
		}
		seen[strings.ToLower(f.Name)] = true
		t, err := sqlType(f.Type)
		if err != nil {
			return fmt.Errorf("create layer %s: field %s: %w", def.Table, f.Name, err)
		}
		cols = append(cols, quoteID(f.Name)+" "+t)
	}
	identifier := def.Name
	if identifier == "" {
		identifier = def.Table
	}
	return s.Update(func(tx *Tx) error {
		var n int
		if err := tx.tx.QueryRow(`SELECT count(*) FROM sqlite_master WHERE lower(name) = lower(?)`, def.Table).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("create layer %s: a table of that name already exists in %s", def.Table, s.path)
		}
		stmts := []string{fmt.Sprintf("CREATE TABLE %s (%s)", quoteID(def.Table), strings.Join(cols, ", "))}
		stmts = append(stmts, rtreeDDL(def.Table, "geom", "fid")...)
		for _, st := range stmts {
			if _, err := tx.tx.Exec(st); err != nil {
				return fmt.Errorf("create layer %s: %w", def.Table, err)
			}
		}
		if _, err := tx.tx.Exec(`INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, srs_id) VALUES (?, 'features', ?, ?, ?, ?)`,
			def.Table, identifier, def.NameEN, nowString(), plan.StorageSRID); err != nil {
			return fmt.Errorf("create layer %s: register in gpkg_contents (is the name %q used by another layer?): %w", def.Table, identifier, err)
		}
		if _, err := tx.tx.Exec(`INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', 'MULTIPOLYGON', ?, 0, 0)`, def.Table, plan.StorageSRID); err != nil {
			return err
		}
		if _, err := tx.tx.Exec(`INSERT INTO gpkg_extensions VALUES (?, 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')`, def.Table); err != nil {
			return err
		}
		s.forget(def.Table)
		return nil
	})
}

// AddFields adds columns to a feature table (extra attributes kept from an import). Fields
// whose name already exists (any case) are skipped.
func (s *Store) AddFields(table string, fields []plan.Field) error {
	return s.Update(func(tx *Tx) error {
		ts, err := tx.schema(table)
		if err != nil {
			return err
		}
		have := map[string]bool{strings.ToLower(ts.pk): true, strings.ToLower(ts.geom): true}
		for _, c := range ts.allCols {
			have[strings.ToLower(c)] = true
		}
		for _, f := range fields {
			if f.Name == "" || have[strings.ToLower(f.Name)] {
				continue
			}
			t, err := sqlType(f.Type)
			if err != nil {
				return fmt.Errorf("add field %s.%s: %w", table, f.Name, err)
			}
			if _, err := tx.tx.Exec(fmt.Sprintf("ALTER TABLE %s ADD COLUMN %s %s", quoteID(ts.name), quoteID(f.Name), t)); err != nil {
				return fmt.Errorf("add field %s.%s: %w", table, f.Name, err)
			}
			have[strings.ToLower(f.Name)] = true
		}
		s.forget(table)
		tx.touch(ts.name, orb.Bound{}, false)
		return nil
	})
}

// tableSchema is what the store needs to read and write a feature table, ours or GDAL's.
type tableSchema struct {
	name       string
	identifier string
	pk         string
	geom       string
	geomType   string
	srid       int
	z, m       int // gpkg_geometry_columns: 0 prohibited, 1 mandatory, 2 optional
	fields     []plan.Field
	decls      []string // declared SQL type of each field, as written in the table
	allCols    []string // every column but pk and geom, including ones the plan cannot hold
}

type queryer interface {
	QueryRow(query string, args ...any) *sql.Row
	Query(query string, args ...any) (*sql.Rows, error)
}

func (s *Store) forget(table string) {
	s.mu.Lock()
	delete(s.schemas, strings.ToLower(table))
	s.mu.Unlock()
}

func (s *Store) schemaOf(q queryer, table string) (*tableSchema, error) {
	key := strings.ToLower(table)
	s.mu.Lock()
	ts := s.schemas[key]
	s.mu.Unlock()
	if ts != nil {
		return ts, nil
	}
	ts, err := loadSchema(q, table)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.schemas[key] = ts
	s.mu.Unlock()
	return ts, nil
}

func loadSchema(q queryer, table string) (*tableSchema, error) {
	ts := &tableSchema{}
	var ident sql.NullString
	err := q.QueryRow(`SELECT c.table_name, c.identifier, g.column_name, g.geometry_type_name, g.srs_id, g.z, g.m
		FROM gpkg_contents c JOIN gpkg_geometry_columns g ON lower(g.table_name) = lower(c.table_name)
		WHERE lower(c.table_name) = lower(?) AND c.data_type = 'features'`, table).
		Scan(&ts.name, &ident, &ts.geom, &ts.geomType, &ts.srid, &ts.z, &ts.m)
	if err == sql.ErrNoRows {
		return nil, fmt.Errorf("layer %q is not a feature table of this project", table)
	}
	if err != nil {
		return nil, fmt.Errorf("layer %s: %w", table, err)
	}
	ts.identifier = ident.String
	if ts.identifier == "" {
		ts.identifier = ts.name
	}
	rows, err := q.Query(fmt.Sprintf("PRAGMA table_info(%s)", quoteID(ts.name)))
	if err != nil {
		return nil, fmt.Errorf("layer %s: %w", table, err)
	}
	defer rows.Close()
	for rows.Next() {
		var cid, notnull, pk int
		var name, typ string
		var def sql.NullString
		if err := rows.Scan(&cid, &name, &typ, &notnull, &def, &pk); err != nil {
			return nil, err
		}
		switch {
		case pk == 1 && ts.pk == "":
			ts.pk = name
		case strings.EqualFold(name, ts.geom):
			ts.geom = name
		default:
			ts.allCols = append(ts.allCols, name)
			if ft, w, ok := fieldType(typ); ok {
				ts.fields = append(ts.fields, plan.Field{Name: name, Label: name, Type: ft, Width: w})
				ts.decls = append(ts.decls, typ)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if ts.pk == "" {
		return nil, fmt.Errorf("layer %s has no INTEGER PRIMARY KEY; it cannot be edited", ts.name)
	}
	return ts, nil
}

// TableInfo describes one feature table of the project.
type TableInfo struct {
	Table, Identifier string
	Count             int
	Bound             orb.Bound
	HasBound          bool
	SRID              int
	GeomColumn        string
	GeomType          string
	Fields            []plan.Field
}

// Tables lists every 'features' table in gpkg_contents, ours or GDAL's/QGIS's, by table name.
func (s *Store) Tables() ([]TableInfo, error) {
	rows, err := s.db.Query(`SELECT table_name, min_x, min_y, max_x, max_y FROM gpkg_contents WHERE data_type = 'features' ORDER BY table_name`)
	if err != nil {
		return nil, s.mapErr(err)
	}
	type ext struct {
		name                   string
		minx, miny, maxx, maxy sql.NullFloat64
	}
	var exts []ext
	for rows.Next() {
		var e ext
		if err := rows.Scan(&e.name, &e.minx, &e.miny, &e.maxx, &e.maxy); err != nil {
			rows.Close()
			return nil, err
		}
		exts = append(exts, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []TableInfo
	for _, e := range exts {
		ts, err := s.schemaOf(s.db, e.name)
		if err != nil {
			return nil, err
		}
		ti := TableInfo{Table: ts.name, Identifier: ts.identifier, SRID: ts.srid, GeomColumn: ts.geom, GeomType: ts.geomType,
			Fields: append([]plan.Field(nil), ts.fields...)}
		if err := s.db.QueryRow(fmt.Sprintf("SELECT count(*) FROM %s", quoteID(ts.name))).Scan(&ti.Count); err != nil {
			return nil, s.mapErr(err)
		}
		if e.minx.Valid && e.miny.Valid && e.maxx.Valid && e.maxy.Valid {
			ti.Bound = orb.Bound{Min: orb.Point{e.minx.Float64, e.miny.Float64}, Max: orb.Point{e.maxx.Float64, e.maxy.Float64}}
			ti.HasBound = true
		}
		out = append(out, ti)
	}
	return out, nil
}

// refreshExtents recomputes gpkg_contents extents of the tables where a geometry was replaced
// or deleted in this session (inserts keep the extent exact as they go). The R-tree holds
// float32 boxes rounded outward, so the result may be larger by ~1e-5°, never smaller.
func (s *Store) refreshExtents(tables map[string]bool) error {
	ctx := context.Background()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.mapErr(err)
	}
	defer tx.Rollback()
	for t := range tables {
		ts, err := loadSchema(tx, t)
		if err != nil {
			continue // dropped or not a feature table: nothing to refresh
		}
		var minx, maxx, miny, maxy sql.NullFloat64
		rt := quoteID("rtree_" + ts.name + "_" + ts.geom)
		if err := tx.QueryRow(fmt.Sprintf("SELECT min(minx), max(maxx), min(miny), max(maxy) FROM %s", rt)).Scan(&minx, &maxx, &miny, &maxy); err != nil {
			continue // no R-tree (a GDAL table without spatial index): keep its extent
		}
		if _, err := tx.Exec(`UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ? WHERE table_name = ?`,
			minx, miny, maxx, maxy, ts.name); err != nil {
			return err
		}
	}
	return s.mapErr(tx.Commit())
}
