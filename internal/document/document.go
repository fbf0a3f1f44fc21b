// Package document is the open project: it loads a GeoPackage into memory, applies, undoes and
// redoes edits (each one a transaction in the file before it is visible), imports, validates
// and exports, and tells listeners what changed.
package document

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"sync"

	"github.com/paulmach/orb"

	"kuanggui/assets"
	"kuanggui/internal/crs"
	"kuanggui/internal/edit"
	"kuanggui/internal/plan"
	"kuanggui/internal/store"
)

// ErrReadOnly is returned by edits on a project opened read-only.
var ErrReadOnly = errors.New("项目以只读方式打开，不能编辑 (project is read-only)")

// Layer is one layer of the open project. Features are values: an edit replaces an element,
// never changes a geometry in place, so a shallow copy of the slice is a safe snapshot.
type Layer struct {
	Def      plan.LayerDef
	Features []plan.Feature
	index    map[int64]int
}

func (l *Layer) reindex() {
	l.index = make(map[int64]int, len(l.Features))
	for i, f := range l.Features {
		l.index[f.ID] = i
	}
}

// EventKind says what happened to the document.
type EventKind int

const (
	Edited EventKind = iota
	Undone
	Redone
	Imported
)

// Event tells a listener what changed: the command applied (for Undone, the inverse that was
// applied) and the tables it touched.
type Event struct {
	Kind    EventKind
	Command edit.Command
	Tables  []string
}

// Document is an open project.
type Document struct {
	mu        sync.RWMutex
	store     *store.Store
	catalog   *plan.Catalog
	meta      plan.Meta
	layers    []*Layer
	byTable   map[string]*Layer
	history   *edit.History
	listeners []func(Event)
	check     checker
}

// DefaultCatalog parses the catalog shipped in assets.
func DefaultCatalog() *plan.Catalog {
	c, err := plan.ParseCatalog(assets.CatalogJSON)
	if err != nil {
		// The embedded catalog is tested; a failure here is a build defect, not bad input.
		panic(err)
	}
	return c
}

// Create makes a new project at path with every catalog layer, empty. It never overwrites, and
// it builds the file under a temporary name first, so a failure (a full disk) leaves no
// half-made project that would later open as if it were whole.
func Create(path string, meta plan.Meta) (*Document, error) {
	if _, err := os.Stat(path); err == nil {
		return nil, fmt.Errorf("%s: %w", path, store.ErrExists)
	}
	tmp := path + ".partial"
	removeTmp := func() {
		for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
			os.Remove(tmp + suffix)
		}
	}
	removeTmp() // left by an earlier attempt that was killed
	s, err := store.Create(tmp, meta)
	if err != nil {
		removeTmp()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	cat := DefaultCatalog()
	for _, def := range cat.Layers {
		if err := s.CreateLayer(def); err != nil {
			s.Close()
			removeTmp()
			return nil, fmt.Errorf("%s: 创建图层 %s 失败，未创建项目 (creating layer %s): %w", path, def.Table, def.Table, err)
		}
	}
	if err := s.Close(); err != nil {
		removeTmp()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		removeTmp()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return Open(path, OpenOptions{})
}

// OpenOptions are the choices when opening a project.
type OpenOptions struct {
	ReadOnly bool
}

// Open loads the project at path.
func Open(path string, opt OpenOptions) (*Document, error) {
	s, err := store.Open(path, store.OpenOptions{ReadOnly: opt.ReadOnly})
	if err != nil {
		return nil, err
	}
	return load(s, DefaultCatalog())
}

func load(s *store.Store, cat *plan.Catalog) (*Document, error) {
	// Loading allocates many small long-lived values (an attribute map per feature) and nothing
	// to collect; a collector running at the default pace spends a third of the load on it.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	d := &Document{store: s, catalog: cat, byTable: map[string]*Layer{}}
	meta, err := s.Meta()
	if err != nil {
		s.Close()
		return nil, err
	}
	d.meta = meta
	tables, err := s.Tables()
	if err != nil {
		s.Close()
		return nil, err
	}
	present := map[string]store.TableInfo{}
	for _, t := range tables {
		present[t.Table] = t
	}
	// Catalog layers first, in catalog order, then whatever else the file holds (a GeoPackage
	// written by GDAL or QGIS may have any tables).
	var order []string
	for _, def := range cat.Layers {
		if _, ok := present[def.Table]; ok {
			order = append(order, def.Table)
		}
	}
	var extra []string
	for _, t := range tables {
		if _, ok := cat.Layer(t.Table); !ok {
			extra = append(extra, t.Table)
		}
	}
	sort.Strings(extra)
	order = append(order, extra...)
	for _, table := range order {
		features, fields, err := s.ReadLayer(table)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("%s: reading layer %s: %w", s.Path(), table, err)
		}
		def, ok := cat.Layer(table)
		if !ok {
			info := present[table]
			name := info.Identifier
			if name == "" {
				name = table
			}
			def = plan.LayerDef{Table: table, Name: name, NameEN: name, Role: plan.RoleReference, Group: "base",
				Fields: fields, Style: plan.Style{Fill: "#95a5a622", Stroke: "#566573ff", StrokeWidth: 1}}
		} else {
			def.Fields = mergeFields(def.Fields, fields)
		}
		l := &Layer{Def: def, Features: features}
		l.reindex()
		d.layers = append(d.layers, l)
		d.byTable[table] = l
	}
	if err := d.loadHistory(); err != nil {
		s.Close()
		return nil, err
	}
	return d, nil
}

// mergeFields keeps the catalog's fields (labels, pick-lists) that the table has, and appends the
// columns the table has beyond them, so nothing imported is hidden. A catalog field the table
// lacks (a GeoPackage written by another program) is left out rather than written to a column
// that is not there.
func mergeFields(catalog, stored []plan.Field) []plan.Field {
	var out []plan.Field
	for _, c := range catalog {
		for _, f := range stored {
			if strings.EqualFold(c.Name, f.Name) {
				c.Name = f.Name
				out = append(out, c)
				break
			}
		}
	}
	for _, f := range stored {
		found := false
		for _, c := range catalog {
			if strings.EqualFold(c.Name, f.Name) {
				found = true
				break
			}
		}
		if !found {
			if f.Label == "" {
				f.Label = f.Name
			}
			out = append(out, f)
		}
	}
	return out
}

func (d *Document) loadHistory() error {
	entries, err := d.store.Journal()
	if err != nil {
		return err
	}
	steps := make([]edit.Step, 0, len(entries))
	undone := make([]bool, 0, len(entries))
	for _, e := range entries {
		c, err := edit.UnmarshalJournal(e.Payload)
		if err != nil {
			// A damaged entry cannot be undone, but the edit it describes is already in the
			// tables; keep the project usable and let history start after it.
			steps, undone = steps[:0], undone[:0]
			continue
		}
		steps = append(steps, edit.Step{Seq: e.Seq, Command: c})
		undone = append(undone, e.Undone)
	}
	d.history = edit.NewHistory(steps, undone)
	return nil
}

// Close checkpoints and closes the project file.
func (d *Document) Close() error { return d.store.Close() }

// Path is the project file.
func (d *Document) Path() string { return d.store.Path() }

// Name is the project's file name without its extension, for the window title.
func (d *Document) Name() string {
	return strings.TrimSuffix(filepath.Base(d.Path()), filepath.Ext(d.Path()))
}

// ReadOnly reports whether edits are refused, and why.
func (d *Document) ReadOnly() (bool, string) { return d.store.ReadOnly(), d.store.ReadOnlyReason() }

// Catalog is the layer and mineral catalog.
func (d *Document) Catalog() *plan.Catalog { return d.catalog }

// Meta is the plan's metadata.
func (d *Document) Meta() plan.Meta { return d.meta }

// Store gives the app access to settings and exceptions.
func (d *Document) Store() *store.Store { return d.store }

// Layers lists the layers in drawing order, bottom first as the catalog orders them.
func (d *Document) Layers() []*Layer {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return append([]*Layer(nil), d.layers...)
}

// Layer returns a layer by table name.
func (d *Document) Layer(table string) (*Layer, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	l, ok := d.byTable[table]
	return l, ok
}

// Snapshot returns every layer's features at this moment; safe to read from another goroutine
// while edits go on.
func (d *Document) Snapshot() map[string][]plan.Feature {
	d.mu.RLock()
	defer d.mu.RUnlock()
	out := make(map[string][]plan.Feature, len(d.layers))
	for _, l := range d.layers {
		out[l.Def.Table] = append([]plan.Feature(nil), l.Features...)
	}
	return out
}

// Feature returns one feature.
func (d *Document) Feature(table string, id int64) (plan.Feature, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	l, ok := d.byTable[table]
	if !ok {
		return plan.Feature{}, false
	}
	i, ok := l.index[id]
	if !ok {
		return plan.Feature{}, false
	}
	return l.Features[i], true
}

// FindByCode returns the features of table whose QKBH (or QYBH) is code.
func (d *Document) FindByCode(table, code string) []plan.Feature {
	d.mu.RLock()
	defer d.mu.RUnlock()
	l, ok := d.byTable[table]
	if !ok {
		return nil
	}
	var out []plan.Feature
	for _, f := range l.Features {
		if f.Attrs.String("QKBH") == code || f.Attrs.String("QYBH") == code {
			out = append(out, f)
		}
	}
	return out
}

// Extent is the bound of every feature of every layer.
func (d *Document) Extent() (orb.Bound, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	var b orb.Bound
	ok := false
	for _, l := range d.layers {
		lb, lok := l.Bound()
		if !lok {
			continue
		}
		if !ok {
			b, ok = lb, true
		} else {
			b = b.Union(lb)
		}
	}
	return b, ok
}

// Bound is the extent of the layer's features.
func (l *Layer) Bound() (orb.Bound, bool) {
	pl := plan.Layer{Def: l.Def, Features: l.Features}
	return pl.Bound()
}

// OnChange registers fn to be called after every edit, undo, redo and import, on the goroutine
// that made the change.
func (d *Document) OnChange(fn func(Event)) {
	d.mu.Lock()
	d.listeners = append(d.listeners, fn)
	d.mu.Unlock()
}

func (d *Document) notify(e Event) {
	d.mu.RLock()
	ls := append([]func(Event){}, d.listeners...)
	d.mu.RUnlock()
	for _, fn := range ls {
		fn(e)
	}
}

// fillComputed sets the fields derived from geometry (MJ, ellipsoidal km² to 4 decimals) on
// every After state whose geometry is new or changed.
func (d *Document) fillComputed(cmd *edit.Command) {
	for i, ch := range cmd.Changes {
		if ch.After == nil {
			continue
		}
		l, ok := d.byTable[ch.Layer]
		if !ok {
			continue
		}
		f, ok := l.Def.Field("MJ")
		if !ok || !f.Computed {
			continue
		}
		if ch.Before != nil && orb.Equal(ch.Before.Geometry, ch.After.Geometry) {
			continue
		}
		after := ch.After.Clone()
		if after.Attrs == nil {
			after.Attrs = plan.Attrs{}
		}
		if len(after.Geometry) == 0 {
			after.Attrs["MJ"] = nil
		} else {
			after.Attrs["MJ"] = crs.AreaKm2(after.Geometry)
		}
		cmd.Changes[i].After = &after
	}
}

// Apply makes cmd: one transaction that writes the features and appends the journal entry.
// Only after it commits does the in-memory state change and listeners hear of it.
func (d *Document) Apply(cmd edit.Command) error {
	if d.store.ReadOnly() {
		return ErrReadOnly
	}
	if len(cmd.Changes) == 0 {
		return nil
	}
	for _, ch := range cmd.Changes {
		if _, ok := d.byTable[ch.Layer]; !ok {
			return fmt.Errorf("编辑: 图层 %s 不存在 (no layer %q in this project)", ch.Layer, ch.Layer)
		}
		if ch.Before == nil && ch.After == nil {
			return fmt.Errorf("编辑 %q: a change needs a before or an after state", cmd.Label)
		}
	}
	d.fillComputed(&cmd)
	merge := d.history.CanMerge(cmd)
	var step edit.Step
	err := d.store.Update(func(tx *store.Tx) error {
		if err := writeChanges(tx, &cmd); err != nil {
			return err
		}
		if merge {
			last, _ := d.history.Last()
			merged := last.Command.Merge(cmd)
			payload, err := edit.MarshalJournal(merged)
			if err != nil {
				return err
			}
			if err := tx.ReplaceJournal(last.Seq, merged.Label, payload); err != nil {
				return err
			}
			step = edit.Step{Seq: last.Seq, Command: merged}
			return nil
		}
		if err := tx.TruncateRedo(); err != nil {
			return err
		}
		payload, err := edit.MarshalJournal(cmd)
		if err != nil {
			return err
		}
		seq, err := tx.AppendJournal(cmd.Label, payload)
		if err != nil {
			return err
		}
		step = edit.Step{Seq: seq, Command: cmd}
		return nil
	})
	if err != nil {
		return fmt.Errorf("%s: 保存编辑 %q 失败，未做任何更改 (edit not saved): %w", d.Path(), cmd.Label, err)
	}
	d.applyInMemory(cmd)
	if merge {
		d.history.ReplaceLast(step)
	} else {
		d.history.Push(step)
	}
	d.noteEdit(cmd)
	d.notify(Event{Kind: Edited, Command: cmd, Tables: tablesOf(cmd)})
	return nil
}

// writeChanges writes each After state (deleting where it is nil). Inserted features get their
// new IDs written back into cmd so that the journal can undo them.
func writeChanges(tx *store.Tx, cmd *edit.Command) error {
	for i, ch := range cmd.Changes {
		switch {
		case ch.After == nil:
			if err := tx.Delete(ch.Layer, ch.Before.ID); err != nil {
				return err
			}
		case ch.Before == nil:
			after := ch.After.Clone()
			if err := tx.Insert(ch.Layer, &after); err != nil {
				return err
			}
			cmd.Changes[i].After = &after
		default:
			if err := tx.Put(ch.Layer, *ch.After); err != nil {
				return err
			}
		}
	}
	return nil
}

func (d *Document) applyInMemory(cmd edit.Command) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, ch := range cmd.Changes {
		l := d.byTable[ch.Layer]
		id := int64(0)
		if ch.Before != nil {
			id = ch.Before.ID
		} else {
			id = ch.After.ID
		}
		i, exists := l.index[id]
		switch {
		case ch.After == nil && exists:
			// Copy on delete: snapshots taken earlier keep their own backing array.
			fs := make([]plan.Feature, 0, len(l.Features)-1)
			fs = append(fs, l.Features[:i]...)
			l.Features = append(fs, l.Features[i+1:]...)
			l.reindex()
		case ch.After != nil && exists:
			fs := append([]plan.Feature(nil), l.Features...)
			fs[i] = *ch.After
			l.Features = fs
		case ch.After != nil:
			l.Features = append(l.Features[:len(l.Features):len(l.Features)], *ch.After)
			l.index[ch.After.ID] = len(l.Features) - 1
		}
	}
}

func tablesOf(cmd edit.Command) []string {
	seen := map[string]bool{}
	var out []string
	for _, ch := range cmd.Changes {
		if !seen[ch.Layer] {
			seen[ch.Layer] = true
			out = append(out, ch.Layer)
		}
	}
	return out
}

// CanUndo and CanRedo say whether there is a step to undo or redo, with its label.
func (d *Document) CanUndo() (string, bool) {
	s, ok := d.history.PeekUndo()
	return s.Command.Label, ok
}

// CanRedo says whether there is a step to redo, with its label.
func (d *Document) CanRedo() (string, bool) {
	s, ok := d.history.PeekRedo()
	return s.Command.Label, ok
}

// History lists the steps done (oldest first) and undone (next to redo first).
func (d *Document) History() (done, undone []edit.Step) {
	return d.history.Done(), d.history.Undone()
}

// Undo reverts the newest step, in one transaction that also marks it undone in the journal.
func (d *Document) Undo() (string, bool, error) {
	return d.step(true)
}

// Redo makes the newest undone step again.
func (d *Document) Redo() (string, bool, error) {
	return d.step(false)
}

func (d *Document) step(undo bool) (string, bool, error) {
	if d.store.ReadOnly() {
		return "", false, ErrReadOnly
	}
	var s edit.Step
	var ok bool
	if undo {
		s, ok = d.history.PeekUndo()
	} else {
		s, ok = d.history.PeekRedo()
	}
	if !ok {
		return "", false, nil
	}
	cmd := s.Command
	if undo {
		cmd = cmd.Inverse()
	}
	err := d.store.Update(func(tx *store.Tx) error {
		if err := writeChanges(tx, &cmd); err != nil {
			return err
		}
		return tx.SetUndone(s.Seq, undo)
	})
	if err != nil {
		return "", false, fmt.Errorf("%s: 撤销/重做 %q 失败，未做任何更改: %w", d.Path(), s.Command.Label, err)
	}
	d.applyInMemory(cmd)
	kind := Redone
	if undo {
		d.history.Undo()
		kind = Undone
	} else {
		d.history.Redo()
	}
	d.noteEdit(cmd)
	d.notify(Event{Kind: kind, Command: cmd, Tables: tablesOf(cmd)})
	return s.Command.Label, true, nil
}
