package document

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"kuanggui/internal/edit"
	"kuanggui/internal/plan"
	"kuanggui/internal/store"
	"kuanggui/internal/validate"
)

const rulesSetting = "rules"

// checker keeps the validation engine between runs so that an edit re-checks only what it
// touched.
type checker struct {
	mu      sync.Mutex
	engine  *validate.Engine
	pending bool
}

// Rules are the project's rule settings (kg_rules), or the defaults for its plan level. The row
// "*" holds the settings as JSON; the rows R01…R12 hold each rule's switch and severity, and win,
// so a change made to them in QGIS takes effect.
func (d *Document) Rules() validate.Rules {
	r := validate.DefaultRules(d.meta.Level)
	rows, err := d.store.Rules()
	if err != nil || len(rows) == 0 {
		// Projects written before kg_rules kept the JSON in kg_settings.
		if data, ok, err := d.store.Setting(rulesSetting); err == nil && ok {
			if err := json.Unmarshal(data, &r); err != nil {
				return validate.DefaultRules(d.meta.Level)
			}
		}
		return r
	}
	for _, row := range rows {
		if row.Rule == "*" && row.Settings != "" {
			if err := json.Unmarshal([]byte(row.Settings), &r); err != nil {
				r = validate.DefaultRules(d.meta.Level)
			}
		}
	}
	for _, row := range rows {
		if s, ok := r.Rule[row.Rule]; ok {
			s.Enabled = row.Enabled
			switch sev := validate.Severity(row.Severity); sev {
			case validate.Error, validate.Warning, validate.Info:
				s.Severity = sev
			}
			r.Rule[row.Rule] = s
		}
	}
	return r
}

// SetRules stores new rule settings; the next validation uses them from scratch.
func (d *Document) SetRules(r validate.Rules) error {
	if d.store.ReadOnly() {
		return ErrReadOnly
	}
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	rows := []store.RuleRow{{Rule: "*", Name: "其他设置 (JSON)", Enabled: true, Settings: string(data)}}
	ids := make([]string, 0, len(r.Rule))
	for id := range r.Rule {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		s := r.Rule[id]
		rows = append(rows, store.RuleRow{Rule: id, Name: validate.RuleNames[id], Enabled: s.Enabled, Severity: string(s.Severity)})
	}
	if err := d.store.Update(func(tx *store.Tx) error { return tx.PutRules(rows) }); err != nil {
		return err
	}
	d.check.mu.Lock()
	d.check.engine = nil
	d.check.mu.Unlock()
	return nil
}

// Validate runs every rule over the whole project.
func (d *Document) Validate(ctx context.Context, progress func(done, total int)) ([]validate.Finding, error) {
	return d.ValidateWith(ctx, d.Rules(), progress)
}

// OnlyRules returns r with every rule but ids switched off (`validate --rules R02,R03`).
func OnlyRules(r validate.Rules, ids []string) (validate.Rules, error) {
	want := map[string]bool{}
	for _, id := range ids {
		id = strings.ToUpper(strings.TrimSpace(id))
		if _, ok := r.Rule[id]; !ok {
			return r, fmt.Errorf("没有规则 %q (rules are R01 … R12)", id)
		}
		want[id] = true
	}
	rules := make(map[string]validate.RuleSetting, len(r.Rule))
	for id, s := range r.Rule {
		s.Enabled = s.Enabled && want[id]
		rules[id] = s
	}
	r.Rule = rules
	return r, nil
}

// ValidateWith runs the given rules over the whole project; the engine is kept for re-checks.
func (d *Document) ValidateWith(ctx context.Context, rules validate.Rules, progress func(done, total int)) ([]validate.Finding, error) {
	e := validate.NewEngine(validate.Input{Catalog: d.catalog, Meta: d.meta, Layers: d.Snapshot()}, rules)
	fs, err := e.Run(ctx, progress)
	if err != nil {
		return nil, err
	}
	d.check.mu.Lock()
	d.check.engine = e
	d.check.pending = false
	d.check.mu.Unlock()
	return fs, nil
}

// Recheck brings the findings up to date after edits, re-checking only what they touched; it
// runs a full validation the first time.
func (d *Document) Recheck(ctx context.Context) ([]validate.Finding, error) {
	d.check.mu.Lock()
	e := d.check.engine
	d.check.mu.Unlock()
	if e == nil {
		return d.Validate(ctx, nil)
	}
	d.check.mu.Lock()
	defer d.check.mu.Unlock()
	return e.Recheck(ctx)
}

// noteEdit tells the engine which features an applied command changed.
func (d *Document) noteEdit(cmd edit.Command) {
	d.check.mu.Lock()
	defer d.check.mu.Unlock()
	if d.check.engine == nil {
		return
	}
	changed := map[string][]plan.Feature{}
	removed := map[string][]int64{}
	for _, ch := range cmd.Changes {
		if ch.After != nil {
			changed[ch.Layer] = append(changed[ch.Layer], *ch.After)
		} else if ch.Before != nil {
			removed[ch.Layer] = append(removed[ch.Layer], ch.Before.ID)
		}
	}
	for _, t := range tablesOf(cmd) {
		d.check.engine.Update(t, changed[t], removed[t])
	}
	d.check.pending = true
}

// Exceptions are the findings the planners accepted, with their reasons.
func (d *Document) Exceptions() ([]store.Exception, error) { return d.store.Exceptions() }

// IsException reports whether f was marked as an exception for the geometry it has now: an
// exception lapses when a block it was made for changes shape.
func IsException(f validate.Finding, ex []store.Exception) (store.Exception, bool) {
	codes := strings.Join(f.Codes, ",")
	for _, e := range ex {
		if e.Rule == f.Rule && strings.Join(e.Features, ",") == codes && e.GeomHash == f.GeomHash {
			return e, true
		}
	}
	return store.Exception{}, false
}

// MarkException stores f as accepted, with the planner's reason.
func (d *Document) MarkException(f validate.Finding, reason string) error {
	if d.store.ReadOnly() {
		return ErrReadOnly
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return fmt.Errorf("标记例外需要填写理由 (an exception needs a reason)")
	}
	return d.store.Update(func(tx *store.Tx) error {
		return tx.PutException(store.Exception{Rule: f.Rule, Features: f.Codes, GeomHash: f.GeomHash, Reason: reason, Time: time.Now()})
	})
}

// ClearException makes f an ordinary finding again.
func (d *Document) ClearException(f validate.Finding) error {
	if d.store.ReadOnly() {
		return ErrReadOnly
	}
	return d.store.Update(func(tx *store.Tx) error { return tx.DeleteException(f.Rule, f.Codes) })
}
