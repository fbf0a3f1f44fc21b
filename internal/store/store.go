// Package store is the project file: a GeoPackage 1.3 that QGIS and GDAL open as it is. It
// owns the schema, the GP geometry blobs, the spec's R-tree index with its triggers, the app
// tables (kg_meta, kg_journal, kg_settings, kg_exceptions) and the write transactions.
// It is the only package that imports database/sql and go-sqlite3.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-sqlite3"

	"kuanggui/internal/plan"
)

// Sentinel errors; returned wrapped with the path and what to do.
var (
	ErrNotGeoPackage = errors.New("not a GeoPackage")
	ErrLocked        = errors.New("project is open in another program")
	ErrReadOnly      = errors.New("project is read-only")
	ErrExists        = errors.New("file already exists")
	ErrNotFound      = errors.New("feature not found")
)

const (
	driverName    = "kuanggui_sqlite3"
	applicationID = 0x47504B47 // "GPKG"
	userVersion   = 10300      // GeoPackage 1.3.0
	// busyMillis lets brief contention (QGIS reading, a checkpoint) pass without an error.
	busyMillis = 5000
	// probeMillis bounds how long Open waits for another writer before reporting ErrLocked.
	probeMillis = 1000
	// maxConns: one writer plus readers (the UI, validation) at a time; WAL lets them overlap.
	maxConns = 4
)

func init() {
	sql.Register(driverName, &sqlite3.SQLiteDriver{ConnectHook: registerFunctions})
}

// registerFunctions runs on every new connection: the R-tree triggers (ours and GDAL's) call
// these functions, and a connection without them fails every insert.
func registerFunctions(c *sqlite3.SQLiteConn) error {
	for name, fn := range map[string]any{
		"ST_MinX": stMinX, "ST_MaxX": stMaxX, "ST_MinY": stMinY, "ST_MaxY": stMaxY,
		"ST_IsEmpty": stIsEmpty, "ST_SRID": stSRID,
	} {
		if err := c.RegisterFunc(name, fn, true); err != nil {
			return fmt.Errorf("register %s: %w", name, err)
		}
	}
	return nil
}

// OpenOptions says how to open a project.
type OpenOptions struct {
	ReadOnly bool
}

// Store is an open project file. Its methods are safe for concurrent use; writes are
// serialised by SQLite.
type Store struct {
	path     string
	db       *sql.DB
	readOnly bool
	roReason string
	lock     *fileLock

	mu      sync.Mutex
	schemas map[string]*tableSchema
	dirty   map[string]bool // tables whose extent may have shrunk; recomputed on Close
	closed  bool
	// appReady: the kg_ tables are known to exist, so a Tx need not check again.
	appReady bool
}

// Create makes a new, empty project at path. It never overwrites: ErrExists if the path exists.
func Create(path string, meta plan.Meta) (*Store, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("%s: %w; choose another name or open it instead", path, ErrExists)
		}
		return nil, fmt.Errorf("create project %s: %w", path, err)
	}
	f.Close()
	s, err := create(path, meta)
	if err != nil {
		os.Remove(path)
		os.Remove(path + "-wal")
		os.Remove(path + "-shm")
		os.Remove(path + "-journal")
		return nil, err
	}
	return s, nil
}

func create(path string, meta plan.Meta) (*Store, error) {
	lock, err := lockFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	db, err := sql.Open(driverName, dsn(path, false, false))
	if err != nil {
		lock.release()
		return nil, err
	}
	db.SetMaxOpenConns(maxConns)
	s := &Store{path: path, db: db, lock: lock, schemas: map[string]*tableSchema{}, dirty: map[string]bool{}}
	if err := s.initSchema(meta); err != nil {
		s.closeDB()
		return nil, fmt.Errorf("create project %s: %w", path, err)
	}
	if err := s.enterWAL(); err != nil {
		s.closeDB()
		return nil, fmt.Errorf("create project %s: %w", path, err)
	}
	return s, nil
}

func dsn(path string, readOnly, immutable bool) string {
	q := url.Values{}
	q.Set("_busy_timeout", fmt.Sprint(busyMillis))
	// FULL: a commit is on disk before Update returns, so the journal never loses an edit
	// the user saw applied, even on power loss (NORMAL in WAL only survives a process crash).
	q.Set("_synchronous", "FULL")
	q.Set("_txlock", "immediate")
	// 64 MiB page cache: a bulk import touches R-tree nodes all over the index; with the
	// default 2 MiB they are spilled and re-read many times.
	q.Set("_cache_size", "-65536")
	if readOnly {
		q.Set("mode", "ro")
	}
	if immutable {
		q.Set("immutable", "1")
	}
	u := url.URL{Scheme: "file", Opaque: (&url.URL{Path: path}).EscapedPath()}
	return u.String() + "?" + q.Encode()
}

// Open opens an existing project. A file that is not a GeoPackage gives ErrNotGeoPackage and
// is left untouched; a file held by another writer gives ErrLocked; a file or folder that is
// not writable is opened read-only (see ReadOnly and ReadOnlyReason).
func Open(path string, opt OpenOptions) (*Store, error) {
	st, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("open project %s: the file does not exist; check the path", path)
		}
		return nil, fmt.Errorf("open project %s: %w", path, err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("open project %s: this is a folder, choose a .gpkg file", path)
	}
	if err := checkHeader(path); err != nil {
		return nil, err
	}

	reason := ""
	// SQLite must create -wal/-shm (or -journal) next to the file, even to read a file left in
	// WAL mode by a crash; where the folder is write-protected it cannot, so the file is opened
	// as immutable and never written, whatever else makes it read-only.
	immutable := writableCheck(filepath.Dir(path)) != nil
	switch {
	case opt.ReadOnly:
		reason = "opened read-only on request"
	case writableCheck(path) != nil:
		reason = "the file is write-protected; copy it or change its permissions to edit"
	case writableCheck(filepath.Dir(path)) != nil:
		// SQLite must create -wal/-shm or -journal next to the file; it cannot, so the file is
		// opened as immutable and never written.
		reason = "the folder is write-protected; copy the project to a writable folder to edit"
	}
	ro := reason != ""
	if err := probeGeoPackage(path, immutable); err != nil {
		return nil, err
	}

	s := &Store{path: path, readOnly: ro, roReason: reason, schemas: map[string]*tableSchema{}, dirty: map[string]bool{}}
	if !ro {
		s.lock, err = lockFile(path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	s.db, err = sql.Open(driverName, dsn(path, ro, immutable))
	if err != nil {
		s.lock.release()
		return nil, err
	}
	s.db.SetMaxOpenConns(maxConns)
	if ro {
		if err := s.db.Ping(); err != nil {
			s.closeDB()
			return nil, fmt.Errorf("open project %s: %w", path, s.mapErr(err))
		}
		return s, nil
	}
	if err := s.probeWriter(); err != nil {
		s.closeDB()
		return nil, err
	}
	if err := s.enterWAL(); err != nil {
		s.closeDB()
		return nil, fmt.Errorf("open project %s: %w", path, s.mapErr(err))
	}
	return s, nil
}

// checkHeader reads the first bytes without SQLite, so that a text file or anything else is
// rejected before any library could touch it.
func checkHeader(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open project %s: %w", path, err)
	}
	defer f.Close()
	var hdr [100]byte
	n, _ := f.Read(hdr[:])
	if n < 100 || string(hdr[:16]) != "SQLite format 3\x00" {
		return fmt.Errorf("%s: %w (not even an SQLite database); choose a .gpkg project file", path, ErrNotGeoPackage)
	}
	return nil
}

// probeGeoPackage looks for the GeoPackage core tables through a read-only connection, so a
// plain SQLite database is reported and not modified (no WAL switch, no tables added).
func probeGeoPackage(path string, immutable bool) error {
	db, err := sql.Open(driverName, dsn(path, true, immutable))
	if err != nil {
		return err
	}
	defer db.Close()
	var n int
	err = db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type IN ('table','view') AND name IN ('gpkg_contents','gpkg_spatial_ref_sys')`).Scan(&n)
	if err != nil {
		if isBusy(err) {
			return fmt.Errorf("%s: %w (it is being written); close it there and try again", path, ErrLocked)
		}
		return fmt.Errorf("%s: %w (SQLite cannot read it: %v); choose a .gpkg project file", path, ErrNotGeoPackage, err)
	}
	if n != 2 {
		return fmt.Errorf("%s: %w (an SQLite database without gpkg_contents); choose a .gpkg project file", path, ErrNotGeoPackage)
	}
	return nil
}

// probeWriter takes the write lock for a moment: if another program holds it, the user hears
// so now, not at the first edit.
func (s *Store) probeWriter() error {
	ctx := context.Background()
	c, err := s.db.Conn(ctx)
	if err != nil {
		return s.mapErr(err)
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout=%d", probeMillis)); err != nil {
		return s.mapErr(err)
	}
	_, err = c.ExecContext(ctx, "BEGIN IMMEDIATE")
	if err == nil {
		_, err = c.ExecContext(ctx, "ROLLBACK")
	}
	if _, err2 := c.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout=%d", busyMillis)); err == nil {
		err = err2
	}
	return s.mapErr(err)
}

// enterWAL switches to WAL for the session: readers (QGIS) do not block the editor and each
// commit is one append to the log.
func (s *Store) enterWAL() error {
	var mode string
	if err := s.db.QueryRow("PRAGMA journal_mode=WAL").Scan(&mode); err != nil {
		return err
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("cannot switch to WAL journal (got %s)", mode)
	}
	return nil
}

func isBusy(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked
	}
	return false
}

// mapErr turns SQLite's "database is locked" into ErrLocked with the path and what to do, and
// a read-only refusal into ErrReadOnly.
func (s *Store) mapErr(err error) error {
	if err == nil {
		return nil
	}
	if isBusy(err) {
		return fmt.Errorf("%s: %w (another program is writing to it); close the project there and try again", s.path, ErrLocked)
	}
	var se sqlite3.Error
	if errors.As(err, &se) && se.Code == sqlite3.ErrReadonly {
		return fmt.Errorf("%s: %w (%s)", s.path, ErrReadOnly, s.roReasonOr("SQLite refused to write"))
	}
	return err
}

func (s *Store) roReasonOr(def string) string {
	if s.roReason != "" {
		return s.roReason
	}
	return def
}

// Close checkpoints the WAL into the file and switches it back to a rollback journal, so the
// closed project is a single self-contained file (it can be copied, mailed, or put on
// read-only media without -wal/-shm).
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	dirty := s.dirty
	s.mu.Unlock()
	var firstErr error
	if !s.readOnly {
		if len(dirty) > 0 {
			if err := s.refreshExtents(dirty); err != nil {
				firstErr = err
			}
		}
		// One connection: leaving WAL needs to be the only user of the file.
		s.db.SetMaxOpenConns(1)
		s.db.SetMaxIdleConns(1)
		ctx := context.Background()
		if c, err := s.db.Conn(ctx); err == nil {
			if _, err := c.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil && firstErr == nil {
				firstErr = s.mapErr(err)
			}
			// Fails harmlessly (stays WAL) when another program has the file open.
			var mode string
			_ = c.QueryRowContext(ctx, "PRAGMA journal_mode=DELETE").Scan(&mode)
			c.Close()
		}
	}
	if err := s.closeDB(); err != nil && firstErr == nil {
		firstErr = err
	}
	return firstErr
}

func (s *Store) closeDB() error {
	err := s.db.Close()
	// The flock is released only after SQLite closed its descriptors.
	s.lock.release()
	return err
}

// Path is the project file.
func (s *Store) Path() string { return s.path }

// ReadOnly reports whether writes are refused.
func (s *Store) ReadOnly() bool { return s.readOnly }

// ReadOnlyReason says why the project is read-only, or "".
func (s *Store) ReadOnlyReason() string { return s.roReason }

func nowString() string { return time.Now().UTC().Format(gpkgTimeLayout) }

// gpkgTimeLayout is the DATETIME format of the spec (ISO 8601 UTC with milliseconds).
const gpkgTimeLayout = "2006-01-02T15:04:05.000Z"
