package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb"

	"kuanggui/internal/plan"
)

// Tx is one write transaction, valid only inside the function given to Update.
type Tx struct {
	s       *Store
	tx      *sql.Tx
	touched map[string]*touchedTable
	appOK   bool
}

type touchedTable struct {
	bound    orb.Bound
	hasBound bool
	// shrink: a geometry was replaced or deleted, so the stored extent may now be too big.
	shrink bool
}

// Update runs fn in one write transaction (BEGIN IMMEDIATE): all of it is committed, or on an
// error nothing is. A read-only store gives ErrReadOnly; another writer holding the file
// beyond the busy timeout gives ErrLocked. Do not call Store methods from inside fn.
func (s *Store) Update(fn func(tx *Tx) error) (err error) {
	if s.readOnly {
		return fmt.Errorf("%s: %w (%s)", s.path, ErrReadOnly, s.roReason)
	}
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return fmt.Errorf("%s: the project is closed", s.path)
	}
	sqlTx, err := s.db.Begin()
	if err != nil {
		return s.mapErr(err)
	}
	s.mu.Lock()
	appReady := s.appReady
	s.mu.Unlock()
	tx := &Tx{s: s, tx: sqlTx, touched: map[string]*touchedTable{}, appOK: appReady}
	defer func() {
		if p := recover(); p != nil {
			sqlTx.Rollback()
			panic(p)
		}
		if err != nil {
			sqlTx.Rollback()
			// A failed statement inside fn may have been a DDL change: drop cached schemas.
			s.mu.Lock()
			s.schemas = map[string]*tableSchema{}
			s.mu.Unlock()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.finish(); err != nil {
		return s.mapErr(err)
	}
	if err = sqlTx.Commit(); err != nil {
		return s.mapErr(err)
	}
	s.mu.Lock()
	s.appReady = s.appReady || tx.appOK
	for t, tt := range tx.touched {
		if tt.shrink {
			s.dirty[t] = true
		}
	}
	s.mu.Unlock()
	return nil
}

// finish keeps gpkg_contents current: last_change, and the extent grown by what was written
// (GDAL and QGIS zoom to it).
func (tx *Tx) finish() error {
	now := nowString()
	for t, tt := range tx.touched {
		if _, err := tx.tx.Exec(`UPDATE gpkg_contents SET last_change = ? WHERE table_name = ?`, now, t); err != nil {
			return err
		}
		if !tt.hasBound {
			continue
		}
		b := tt.bound
		if _, err := tx.tx.Exec(`UPDATE gpkg_contents SET
			min_x = min(coalesce(min_x, ?1), ?1), min_y = min(coalesce(min_y, ?2), ?2),
			max_x = max(coalesce(max_x, ?3), ?3), max_y = max(coalesce(max_y, ?4), ?4)
			WHERE table_name = ?5`, b.Min[0], b.Min[1], b.Max[0], b.Max[1], t); err != nil {
			return err
		}
	}
	return nil
}

func (tx *Tx) touch(table string, b orb.Bound, has bool) {
	tt := tx.touched[table]
	if tt == nil {
		tt = &touchedTable{}
		tx.touched[table] = tt
	}
	if !has {
		return
	}
	if tt.hasBound {
		tt.bound = tt.bound.Union(b)
	} else {
		tt.bound, tt.hasBound = b, true
	}
}

func (tx *Tx) schema(table string) (*tableSchema, error) {
	return tx.s.schemaOf(tx.tx, table)
}

func (tx *Tx) ensureApp() error {
	if tx.appOK {
		return nil
	}
	if err := ensureAppTables(tx.tx); err != nil {
		return err
	}
	tx.appOK = true
	return nil
}

// rowValues returns geometry blob and attribute values in the order of ts.fields.
func rowValues(ts *tableSchema, f *plan.Feature) ([]any, error) {
	vals, _, err := rowValuesBound(ts, f)
	return vals, err
}

// rowValuesBound is rowValues with the envelope written into the blob (orb.Bound{} for an
// empty geometry, stored as NULL).
func rowValuesBound(ts *tableSchema, f *plan.Feature) ([]any, orb.Bound, error) {
	blob, bound, err := encodeGeometryBound(f.Geometry, int32(ts.srid), strings.EqualFold(ts.geomType, "POLYGON"), ts.z == 1, ts.m == 1)
	if err != nil {
		return nil, bound, fmt.Errorf("%s %s: %w", ts.name, featureName(f.ID), err)
	}
	vals := make([]any, 0, len(ts.fields)+1)
	if blob == nil {
		vals = append(vals, nil)
	} else {
		vals = append(vals, blob)
	}
	used := 0
	for _, fd := range ts.fields {
		v, ok := f.Attrs[fd.Name]
		if ok {
			used++
		}
		cv, err := toSQL(v)
		if err != nil {
			return nil, bound, fmt.Errorf("%s %s field %s: %w", ts.name, featureName(f.ID), fd.Name, err)
		}
		vals = append(vals, cv)
	}
	if used < len(f.Attrs) {
		// Some keys differ from the column names, at least in case: match them loosely
		// (SQLite column names are case-insensitive) or report the unknown one.
		for i, fd := range ts.fields {
			if _, ok := f.Attrs[fd.Name]; ok {
				continue
			}
			if v, ok := lookupFold(f.Attrs, fd.Name); ok {
				cv, err := toSQL(v)
				if err != nil {
					return nil, bound, fmt.Errorf("%s %s field %s: %w", ts.name, featureName(f.ID), fd.Name, err)
				}
				vals[i+1] = cv
			}
		}
		for k := range f.Attrs {
			if !hasField(ts, k) {
				return nil, bound, fmt.Errorf("%s %s: layer has no field %q; add it with AddFields first", ts.name, featureName(f.ID), k)
			}
		}
	}
	return vals, bound, nil
}

func featureName(id int64) string {
	if id <= 0 {
		return "new feature"
	}
	return fmt.Sprintf("feature %d", id)
}

func lookupFold(a plan.Attrs, name string) (any, bool) {
	for k, v := range a {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return nil, false
}

func hasField(ts *tableSchema, name string) bool {
	for _, f := range ts.fields {
		if strings.EqualFold(f.Name, name) {
			return true
		}
	}
	return false
}

func toSQL(v any) (any, error) {
	switch x := v.(type) {
	case nil, string, int64:
		return x, nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, errors.New("NaN or infinite number")
		}
		return x, nil
	case int:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case float32:
		return float64(x), nil
	case bool:
		if x {
			return int64(1), nil
		}
		return int64(0), nil
	}
	return nil, fmt.Errorf("value of type %T cannot be stored (want string, int64, float64 or nil)", v)
}

func insertSQL(ts *tableSchema, withID bool) string {
	cols := []string{quoteID(ts.geom)}
	ph := []string{"?"}
	if withID {
		cols = append([]string{quoteID(ts.pk)}, cols...)
		ph = append(ph, "?")
	}
	for _, f := range ts.fields {
		cols = append(cols, quoteID(f.Name))
		ph = append(ph, "?")
	}
	return fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", quoteID(ts.name), strings.Join(cols, ","), strings.Join(ph, ","))
}

func (tx *Tx) exists(ts *tableSchema, id int64) (bool, error) {
	var one int
	err := tx.tx.QueryRow(fmt.Sprintf("SELECT 1 FROM %s WHERE %s = ?", quoteID(ts.name), quoteID(ts.pk)), id).Scan(&one)
	if err == sql.ErrNoRows {
		return false, nil
	}
	return err == nil, err
}

// Insert adds f to table and sets f.ID: f.ID itself when it is non-zero and free, a new one
// otherwise.
func (tx *Tx) Insert(table string, f *plan.Feature) error {
	ts, err := tx.schema(table)
	if err != nil {
		return err
	}
	vals, err := rowValues(ts, f)
	if err != nil {
		return err
	}
	withID := false
	if f.ID > 0 {
		taken, err := tx.exists(ts, f.ID)
		if err != nil {
			return err
		}
		withID = !taken
	}
	if withID {
		vals = append([]any{f.ID}, vals...)
	}
	res, err := tx.tx.Exec(insertSQL(ts, withID), vals...)
	if err != nil {
		return fmt.Errorf("insert into %s: %w", ts.name, tx.s.mapErr(err))
	}
	id, err := res.LastInsertId()
	if err != nil {
		return err
	}
	f.ID = id
	tx.touch(ts.name, f.Geometry.Bound(), !isEmptyMP(f.Geometry))
	return nil
}

// Put replaces the row f.ID of table with f (every field; missing attributes become NULL),
// or inserts it with that ID when absent — the undo of a delete needs the same ID back.
func (tx *Tx) Put(table string, f plan.Feature) error {
	if f.ID <= 0 {
		return fmt.Errorf("put into %s: feature ID %d is not a stored ID; use Insert", table, f.ID)
	}
	ts, err := tx.schema(table)
	if err != nil {
		return err
	}
	vals, err := rowValues(ts, &f)
	if err != nil {
		return err
	}
	sets := []string{quoteID(ts.geom) + " = ?"}
	for _, fd := range ts.fields {
		sets = append(sets, quoteID(fd.Name)+" = ?")
	}
	q := fmt.Sprintf("UPDATE %s SET %s WHERE %s = ?", quoteID(ts.name), strings.Join(sets, ", "), quoteID(ts.pk))
	res, err := tx.tx.Exec(q, append(vals, f.ID)...)
	if err != nil {
		return fmt.Errorf("update %s feature %d: %w", ts.name, f.ID, tx.s.mapErr(err))
	}
	n, _ := res.RowsAffected()
	if n == 0 {
		if _, err := tx.tx.Exec(insertSQL(ts, true), append([]any{f.ID}, vals...)...); err != nil {
			return fmt.Errorf("insert into %s feature %d: %w", ts.name, f.ID, tx.s.mapErr(err))
		}
	}
	tx.touch(ts.name, f.Geometry.Bound(), !isEmptyMP(f.Geometry))
	tx.touched[ts.name].shrink = tx.touched[ts.name].shrink || n > 0
	return nil
}

// Delete removes feature id from table; ErrNotFound if there is none.
func (tx *Tx) Delete(table string, id int64) error {
	ts, err := tx.schema(table)
	if err != nil {
		return err
	}
	res, err := tx.tx.Exec(fmt.Sprintf("DELETE FROM %s WHERE %s = ?", quoteID(ts.name), quoteID(ts.pk)), id)
	if err != nil {
		return fmt.Errorf("delete %s feature %d: %w", ts.name, id, tx.s.mapErr(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("delete %s feature %d: %w", ts.name, id, ErrNotFound)
	}
	tx.touch(ts.name, orb.Bound{}, false)
	tx.touched[ts.name].shrink = true
	return nil
}

// Get reads feature id of table as the transaction sees it.
func (tx *Tx) Get(table string, id int64) (plan.Feature, bool, error) {
	ts, err := tx.schema(table)
	if err != nil {
		return plan.Feature{}, false, err
	}
	rows, err := tx.tx.Query(selectSQL(ts)+fmt.Sprintf(" WHERE %s = ?", quoteID(ts.pk)), id)
	if err != nil {
		return plan.Feature{}, false, err
	}
	defer rows.Close()
	sc := newScanner(ts)
	if !rows.Next() {
		return plan.Feature{}, false, rows.Err()
	}
	f, err := sc.scan(rows)
	if err != nil {
		return plan.Feature{}, false, err
	}
	return f, true, rows.Err()
}

func selectSQL(ts *tableSchema) string {
	cols := []string{quoteID(ts.pk), quoteID(ts.geom)}
	for _, f := range ts.fields {
		cols = append(cols, quoteID(f.Name))
	}
	return fmt.Sprintf("SELECT %s FROM %s", strings.Join(cols, ","), quoteID(ts.name))
}

// rowScanner decodes rows of selectSQL, reusing its destinations between rows.
type rowScanner struct {
	ts   *tableSchema
	id   int64
	geom sql.RawBytes
	vals []any
	dest []any
}

func newScanner(ts *tableSchema) *rowScanner {
	sc := &rowScanner{ts: ts, vals: make([]any, len(ts.fields))}
	sc.dest = make([]any, 0, len(ts.fields)+2)
	sc.dest = append(sc.dest, &sc.id, &sc.geom)
	for i := range sc.vals {
		sc.dest = append(sc.dest, &sc.vals[i])
	}
	return sc
}

func (sc *rowScanner) scan(rows *sql.Rows) (plan.Feature, error) {
	if err := rows.Scan(sc.dest...); err != nil {
		return plan.Feature{}, fmt.Errorf("read %s: %w", sc.ts.name, err)
	}
	f := plan.Feature{ID: sc.id}
	if sc.geom != nil {
		mp, err := decodeGeometry(sc.geom)
		if err != nil {
			return plan.Feature{}, fmt.Errorf("read %s feature %d: geometry: %w", sc.ts.name, sc.id, err)
		}
		f.Geometry = mp
	}
	f.Attrs = make(plan.Attrs, len(sc.vals))
	for i, fd := range sc.ts.fields {
		f.Attrs[fd.Name] = fromSQL(sc.vals[i], fd.Type)
	}
	return f, nil
}

// fromSQL normalises a driver value to the plan's nil|string|int64|float64. go-sqlite3 turns
// DATE/DATETIME columns into time.Time; dates go back to "YYYY-MM-DD".
func fromSQL(v any, t plan.FieldType) any {
	switch x := v.(type) {
	case nil, string, int64, float64:
		return x
	case []byte:
		return string(x)
	case bool:
		if x {
			return int64(1)
		}
		return int64(0)
	case time.Time:
		if t == plan.FieldDate {
			return x.Format("2006-01-02")
		}
		return x.UTC().Format(gpkgTimeLayout)
	}
	return fmt.Sprint(v)
}

// ReadLayer reads every feature of table in one query, by ID, with its fields.
//
// A large layer is read in parallel: its ID range is cut into parts read on separate
// connections (SQLite steps them independently) and joined in order, so the result is the
// same as one query's. Opening a plan of 100,000 blocks is mostly this.
func (s *Store) ReadLayer(table string) ([]plan.Feature, []plan.Field, error) {
	ts, err := s.schemaOf(s.db, table)
	if err != nil {
		return nil, nil, err
	}
	// min and max of the integer primary key come from the B-tree's ends; count(*) would read
	// the whole table (60 ms on a 35 MB layer), so the size is estimated from the ID span.
	var lo, hi sql.NullInt64
	q := fmt.Sprintf("SELECT min(%[1]s), max(%[1]s) FROM %[2]s", quoteID(ts.pk), quoteID(ts.name))
	if err := s.db.QueryRow(q).Scan(&lo, &hi); err != nil {
		return nil, nil, s.mapErr(err)
	}
	if !lo.Valid || !hi.Valid {
		return []plan.Feature{}, append([]plan.Field(nil), ts.fields...), nil // no rows
	}
	span := uint64(hi.Int64) - uint64(lo.Int64) // IDs are unique: at most span+1 rows
	parts := 1
	if span >= uint64(parallelReadMin) {
		parts = max(1, min(runtime.GOMAXPROCS(0), maxConns-1)) // a connection stays free for a writer
	}
	hint := int(min(span/uint64(parts)+16, 1<<18)) // sparse IDs: the slices grow instead
	// Part k reads IDs in [cut[k], cut[k+1]), cut evenly over min…max (in unsigned arithmetic,
	// which cannot overflow); the outer ends are open.
	cut := make([]int64, parts+1)
	cut[0], cut[parts] = math.MinInt64, math.MaxInt64
	for k := 1; k < parts; k++ {
		cut[k] = int64(uint64(lo.Int64)+span/uint64(parts)*uint64(k)) + 1
	}
	out := make([][]plan.Feature, parts)
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for k := 0; k < parts; k++ {
		read := func() {
			out[k], errs[k] = s.readRange(ts, cut[k], cut[k+1], hint)
		}
		if parts == 1 {
			read()
			break
		}
		wg.Add(1)
		go func() { defer wg.Done(); read() }()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, nil, err
		}
	}
	fs := out[0]
	if parts > 1 {
		total := 0
		for _, o := range out {
			total += len(o)
		}
		fs = make([]plan.Feature, 0, total)
		for _, o := range out {
			fs = append(fs, o...)
		}
	}
	if fs == nil {
		fs = []plan.Feature{}
	}
	return fs, append([]plan.Field(nil), ts.fields...), nil
}

// parallelReadMin is the layer size from which ReadLayer reads in parallel (a variable for
// tests).
var parallelReadMin = 20000

// readRange reads the features of ts with from ≤ ID < to (MinInt64 / MaxInt64: unbounded).
func (s *Store) readRange(ts *tableSchema, from, to int64, hint int) ([]plan.Feature, error) {
	q := selectSQL(ts)
	var args []any
	switch {
	case from != math.MinInt64 && to != math.MaxInt64:
		q += fmt.Sprintf(" WHERE %[1]s >= ? AND %[1]s < ?", quoteID(ts.pk))
		args = []any{from, to}
	case from != math.MinInt64:
		q += fmt.Sprintf(" WHERE %s >= ?", quoteID(ts.pk))
		args = []any{from}
	case to != math.MaxInt64:
		q += fmt.Sprintf(" WHERE %s < ?", quoteID(ts.pk))
		args = []any{to}
	}
	q += " ORDER BY " + quoteID(ts.pk)
	// The driver's rows directly, not database/sql's: Rows.Scan's per-column conversion and
	// per-row locking cost as much as SQLite's own stepping on a large layer. The values are
	// the same ones Scan would have handed over (the driver already copies blobs and strings).
	ctx := context.Background()
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, s.mapErr(err)
	}
	defer conn.Close()
	var out []plan.Feature
	err = conn.Raw(func(dc any) error {
		qc, ok := dc.(driver.QueryerContext)
		if !ok {
			return fmt.Errorf("read %s: the SQLite driver cannot run queries directly", ts.name)
		}
		named := make([]driver.NamedValue, len(args))
		for i, a := range args {
			named[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
		}
		rows, err := qc.QueryContext(ctx, q, named)
		if err != nil {
			return err
		}
		defer rows.Close()
		out = make([]plan.Feature, 0, hint)
		dest := make([]driver.Value, 2+len(ts.fields))
		sl := &slab{}
		for {
			if err := rows.Next(dest); err != nil {
				if err == io.EOF {
					return nil
				}
				return err
			}
			f, err := featureFromRow(ts, dest, sl)
			if err != nil {
				return err
			}
			out = append(out, f)
		}
	})
	if err != nil {
		return nil, s.mapErr(err)
	}
	return out, nil
}

// featureFromRow builds a feature from a row of selectSQL as the driver gives it: what
// rowScanner.scan makes of the same row through database/sql.
func featureFromRow(ts *tableSchema, row []driver.Value, sl *slab) (plan.Feature, error) {
	id, ok := row[0].(int64)
	if !ok {
		return plan.Feature{}, fmt.Errorf("read %s: feature ID %v is not an integer", ts.name, row[0])
	}
	f := plan.Feature{ID: id}
	var blob []byte
	switch g := row[1].(type) {
	case nil:
	case []byte:
		blob = g
	case string:
		blob = []byte(g)
	default:
		blob = []byte(fmt.Sprint(g)) // not a blob: decoding says so, naming the feature
	}
	if blob != nil {
		mp, err := decodeGeometryIn(blob, sl)
		if err != nil {
			return plan.Feature{}, fmt.Errorf("read %s feature %d: geometry: %w", ts.name, id, err)
		}
		f.Geometry = mp
	}
	f.Attrs = make(plan.Attrs, len(ts.fields))
	for i, fd := range ts.fields {
		f.Attrs[fd.Name] = fromSQL(row[2+i], fd.Type)
	}
	return f, nil
}

// InsertMany imports fs into table in one transaction through one prepared statement, and
// writes the new IDs back into fs. progress, if not nil, is called every 1000 features and at
// the end with the number done.
func (s *Store) InsertMany(table string, fs []plan.Feature, progress func(done int)) error {
	return s.Update(func(tx *Tx) error {
		ts, err := tx.schema(table)
		if err != nil {
			return err
		}
		plain, err := tx.tx.Prepare(insertSQL(ts, false))
		if err != nil {
			return err
		}
		defer plain.Close()
		// The R-tree insert trigger calls five Go functions per row through cgo (~5 µs each),
		// which would make a big import several times slower. Inside this transaction the
		// trigger is set aside, the index rows are written directly with the same bounds, and
		// the trigger's own SQL is restored before commit: no other connection ever sees the
		// table without it.
		rtree := "rtree_" + ts.name + "_" + ts.geom
		var trigger sql.NullString
		err = tx.tx.QueryRow(`SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?`, rtree+"_insert").Scan(&trigger)
		if err != nil && err != sql.ErrNoRows {
			return err
		}
		var index *sql.Stmt
		var bulk []rtreeEntry // an empty index is packed in one go at the end
		nodeSize := 0
		if trigger.Valid {
			if _, err := tx.tx.Exec("DROP TRIGGER " + quoteID(rtree+"_insert")); err != nil {
				return err
			}
			empty, size, err := rtreeIsEmpty(tx.tx, rtree)
			if err != nil {
				return err
			}
			if empty && len(fs) > 0 {
				bulk, nodeSize = make([]rtreeEntry, 0, len(fs)), size
			} else {
				if index, err = tx.tx.Prepare(fmt.Sprintf("INSERT OR REPLACE INTO %s VALUES (?, ?, ?, ?, ?)", quoteID(rtree))); err != nil {
					return err
				}
				defer index.Close()
			}
		}
		var withID *sql.Stmt
		for i := range fs {
			f := &fs[i]
			vals, b, err := rowValuesBound(ts, f)
			if err != nil {
				return fmt.Errorf("feature %d of %d: %w", i+1, len(fs), err)
			}
			var res sql.Result
			if f.ID > 0 {
				if withID == nil {
					if withID, err = tx.tx.Prepare(strings.Replace(insertSQL(ts, true), "INSERT", "INSERT OR IGNORE", 1)); err != nil {
						return err
					}
					defer withID.Close()
				}
				res, err = withID.Exec(append([]any{f.ID}, vals...)...)
				if err == nil {
					if n, _ := res.RowsAffected(); n == 0 { // ID taken: take a new one
						res, err = plain.Exec(vals...)
					}
				}
			} else {
				res, err = plain.Exec(vals...)
			}
			if err != nil {
				return fmt.Errorf("insert into %s, feature %d of %d: %w", ts.name, i+1, len(fs), s.mapErr(err))
			}
			if f.ID, err = res.LastInsertId(); err != nil {
				return err
			}
			if vals[0] != nil { // a blob: the geometry is not empty
				tx.touch(ts.name, b, true)
				if bulk != nil {
					bulk = append(bulk, newRtreeEntry(f.ID, b))
				} else if index != nil {
					if _, err := index.Exec(f.ID, b.Min[0], b.Max[0], b.Min[1], b.Max[1]); err != nil {
						return fmt.Errorf("index %s feature %d: %w", ts.name, f.ID, err)
					}
				}
			}
			if progress != nil && (i+1)%1000 == 0 {
				progress(i + 1)
			}
		}
		if len(bulk) > 0 {
			if err := bulkLoadRtree(tx.tx, rtree, nodeSize, bulk); err != nil {
				return err
			}
		}
		if trigger.Valid {
			if _, err := tx.tx.Exec(trigger.String); err != nil {
				return fmt.Errorf("restore %s_insert trigger: %w", rtree, err)
			}
		}
		if progress != nil {
			progress(len(fs))
		}
		return nil
	})
}
