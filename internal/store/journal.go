package store

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"kuanggui/internal/plan"
)

// JournalEntry is one edit in kg_journal. Payload is the caller's JSON.
type JournalEntry struct {
	Seq     int64
	Time    time.Time
	Label   string
	Payload []byte
	Undone  bool
}

// Exception is a validation finding the user accepted, with the reason. Features name the
// features involved ("table:id"); they are kept sorted so the same set is the same key.
// GeomHash lets the caller notice that the geometry changed since the exception was made.
type Exception struct {
	Rule     string
	Features []string
	GeomHash string
	Reason   string
	Time     time.Time
}

// AppendJournal adds an entry and returns its sequence number.
func (tx *Tx) AppendJournal(label string, payload []byte) (int64, error) {
	if err := tx.ensureApp(); err != nil {
		return 0, err
	}
	res, err := tx.tx.Exec(`INSERT INTO kg_journal (time, label, payload, undone) VALUES (?, ?, ?, 0)`, nowString(), label, string(payload))
	if err != nil {
		return 0, fmt.Errorf("journal: %w", tx.s.mapErr(err))
	}
	return res.LastInsertId()
}

// SetUndone marks entry seq as undone (or redone).
func (tx *Tx) SetUndone(seq int64, undone bool) error {
	if err := tx.ensureApp(); err != nil {
		return err
	}
	res, err := tx.tx.Exec(`UPDATE kg_journal SET undone = ? WHERE seq = ?`, undone, seq)
	if err != nil {
		return fmt.Errorf("journal: %w", tx.s.mapErr(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("journal entry %d: %w", seq, ErrNotFound)
	}
	return nil
}

// TruncateRedo deletes the entries marked undone: a new edit after undo drops the redo tail.
func (tx *Tx) TruncateRedo() error {
	if err := tx.ensureApp(); err != nil {
		return err
	}
	_, err := tx.tx.Exec(`DELETE FROM kg_journal WHERE undone <> 0`)
	return tx.s.mapErr(err)
}

// PutSetting stores value (the caller's bytes, usually JSON) under key in kg_settings.
func (tx *Tx) PutSetting(key string, value []byte) error {
	if err := tx.ensureApp(); err != nil {
		return err
	}
	_, err := tx.tx.Exec(`INSERT INTO kg_settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, string(value))
	return tx.s.mapErr(err)
}

func exceptionKey(features []string) (string, []string) {
	fs := append([]string(nil), features...)
	sort.Strings(fs)
	b, _ := json.Marshal(fs)
	return string(b), fs
}

// PutException stores e, replacing an exception of the same rule and feature set.
func (tx *Tx) PutException(e Exception) error {
	if e.Rule == "" || len(e.Features) == 0 {
		return fmt.Errorf("exception needs a rule and at least one feature")
	}
	if err := tx.ensureApp(); err != nil {
		return err
	}
	key, _ := exceptionKey(e.Features)
	t := e.Time
	if t.IsZero() {
		t = time.Now()
	}
	_, err := tx.tx.Exec(`INSERT INTO kg_exceptions (rule, features, geom_hash, reason, time) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT(rule, features) DO UPDATE SET geom_hash = excluded.geom_hash, reason = excluded.reason, time = excluded.time`,
		e.Rule, key, e.GeomHash, e.Reason, t.UTC().Format(gpkgTimeLayout))
	return tx.s.mapErr(err)
}

// DeleteException removes the exception of rule for that feature set (in any order).
func (tx *Tx) DeleteException(rule string, features []string) error {
	if err := tx.ensureApp(); err != nil {
		return err
	}
	key, _ := exceptionKey(features)
	_, err := tx.tx.Exec(`DELETE FROM kg_exceptions WHERE rule = ? AND features = ?`, rule, key)
	return tx.s.mapErr(err)
}

func (s *Store) hasTable(name string) (bool, error) {
	var n int
	err := s.db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, name).Scan(&n)
	return n > 0, s.mapErr(err)
}

// Journal returns every entry in order of seq. A file without kg_journal has none.
func (s *Store) Journal() ([]JournalEntry, error) {
	if ok, err := s.hasTable("kg_journal"); !ok || err != nil {
		return nil, err
	}
	rows, err := s.db.Query(`SELECT seq, time, label, payload, undone FROM kg_journal ORDER BY seq`)
	if err != nil {
		return nil, s.mapErr(err)
	}
	defer rows.Close()
	var out []JournalEntry
	for rows.Next() {
		var e JournalEntry
		var t any
		var payload sql.NullString
		var undone any // go-sqlite3 gives bool for a BOOLEAN column, int64 if written elsewhere
		if err := rows.Scan(&e.Seq, &t, &e.Label, &payload, &undone); err != nil {
			return nil, err
		}
		e.Time = parseTime(t)
		if payload.Valid {
			e.Payload = []byte(payload.String)
		}
		switch u := undone.(type) {
		case bool:
			e.Undone = u
		case int64:
			e.Undone = u != 0
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// parseTime accepts what go-sqlite3 gives for a DATETIME column: a time.Time when it could
// parse it, the text otherwise.
func parseTime(v any) time.Time {
	switch x := v.(type) {
	case time.Time:
		return x
	case string:
		t, _ := time.Parse(gpkgTimeLayout, x)
		return t
	case []byte:
		t, _ := time.Parse(gpkgTimeLayout, string(x))
		return t
	}
	return time.Time{}
}

// Setting returns the value stored under key, and false if there is none.
func (s *Store) Setting(key string) ([]byte, bool, error) {
	if ok, err := s.hasTable("kg_settings"); !ok || err != nil {
		return nil, false, err
	}
	var v sql.NullString
	err := s.db.QueryRow(`SELECT value FROM kg_settings WHERE key = ?`, key).Scan(&v)
	if err == sql.ErrNoRows {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, s.mapErr(err)
	}
	return []byte(v.String), true, nil
}

// Exceptions returns every stored exception, by rule then features.
func (s *Store) Exceptions() ([]Exception, error) {
	if ok, err := s.hasTable("kg_exceptions"); !ok || err != nil {
		return nil, err
	}
	rows, err := s.db.Query(`SELECT rule, features, geom_hash, reason, time FROM kg_exceptions ORDER BY rule, features`)
	if err != nil {
		return nil, s.mapErr(err)
	}
	defer rows.Close()
	var out []Exception
	for rows.Next() {
		var e Exception
		var feats string
		var hash, reason sql.NullString
		var t any
		if err := rows.Scan(&e.Rule, &feats, &hash, &reason, &t); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(feats), &e.Features); err != nil {
			return nil, fmt.Errorf("%s: kg_exceptions row for %s has unreadable features %q", s.path, e.Rule, feats)
		}
		e.GeomHash, e.Reason, e.Time = hash.String, reason.String, parseTime(t)
		out = append(out, e)
	}
	return out, rows.Err()
}

// Meta keys in kg_meta; values are text so the table reads well in QGIS.
const (
	metaRegion     = "region"
	metaRegionCode = "region_code"
	metaLevel      = "level"
	metaPeriod     = "period"
	metaBaseYear   = "base_year"
	metaSample     = "sample"
)

// Meta returns the plan's metadata; a file without kg_meta gives the zero Meta.
func (s *Store) Meta() (plan.Meta, error) {
	var m plan.Meta
	if ok, err := s.hasTable("kg_meta"); !ok || err != nil {
		return m, err
	}
	rows, err := s.db.Query(`SELECT key, value FROM kg_meta`)
	if err != nil {
		return m, s.mapErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var v sql.NullString
		if err := rows.Scan(&k, &v); err != nil {
			return m, err
		}
		switch k {
		case metaRegion:
			m.Region = v.String
		case metaRegionCode:
			m.RegionCode = v.String
		case metaLevel:
			m.Level = v.String
		case metaPeriod:
			m.Period = v.String
		case metaBaseYear:
			m.BaseYear, _ = strconv.Atoi(strings.TrimSpace(v.String))
		case metaSample:
			m.Sample = v.String == "1" || strings.EqualFold(v.String, "true")
		}
	}
	return m, rows.Err()
}

// SetMeta replaces the plan's metadata.
func (s *Store) SetMeta(m plan.Meta) error {
	return s.Update(func(tx *Tx) error {
		if err := tx.ensureApp(); err != nil {
			return err
		}
		return writeMeta(tx.tx, m)
	})
}

func writeMeta(x execer, m plan.Meta) error {
	sample := "0"
	if m.Sample {
		sample = "1"
	}
	for _, kv := range [][2]string{
		{metaRegion, m.Region}, {metaRegionCode, m.RegionCode}, {metaLevel, m.Level},
		{metaPeriod, m.Period}, {metaBaseYear, strconv.Itoa(m.BaseYear)}, {metaSample, sample},
	} {
		if _, err := x.Exec(`INSERT INTO kg_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, kv[0], kv[1]); err != nil {
			return fmt.Errorf("kg_meta %s: %w", kv[0], err)
		}
	}
	return nil
}
