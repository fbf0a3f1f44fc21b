package store

import (
	"database/sql"
	"fmt"
)

// RuleRow is one row of kg_rules: a rule's switch and severity, or (Rule "*") the settings that
// are not per rule, as JSON in Settings.
type RuleRow struct {
	Rule     string
	Name     string
	Enabled  bool
	Severity string
	Settings string
}

// Rules returns the rows of kg_rules, by rule; none when the project has never stored rules.
func (s *Store) Rules() ([]RuleRow, error) {
	if ok, err := s.hasTable("kg_rules"); !ok || err != nil {
		return nil, err
	}
	rows, err := s.db.Query(`SELECT rule, name, enabled, severity, settings FROM kg_rules ORDER BY rule`)
	if err != nil {
		return nil, s.mapErr(err)
	}
	defer rows.Close()
	var out []RuleRow
	for rows.Next() {
		var r RuleRow
		var name, sev, set sql.NullString
		if err := rows.Scan(&r.Rule, &name, &r.Enabled, &sev, &set); err != nil {
			return nil, fmt.Errorf("kg_rules: %w", err)
		}
		r.Name, r.Severity, r.Settings = name.String, sev.String, set.String
		out = append(out, r)
	}
	return out, s.mapErr(rows.Err())
}

// PutRules replaces the rows of kg_rules.
func (tx *Tx) PutRules(rows []RuleRow) error {
	if err := tx.ensureApp(); err != nil {
		return err
	}
	if _, err := tx.tx.Exec(`DELETE FROM kg_rules`); err != nil {
		return fmt.Errorf("kg_rules: %w", tx.s.mapErr(err))
	}
	for _, r := range rows {
		if _, err := tx.tx.Exec(`INSERT INTO kg_rules (rule, name, enabled, severity, settings) VALUES (?, ?, ?, ?, ?)`,
			r.Rule, r.Name, r.Enabled, r.Severity, r.Settings); err != nil {
			return fmt.Errorf("kg_rules %s: %w", r.Rule, tx.s.mapErr(err))
		}
	}
	return nil
}
