package store

import "fmt"

// ReplaceJournal rewrites entry seq in place: a step that merged with the one before it (typing
// in one field, nudging one vertex) stays one step in the journal too.
func (tx *Tx) ReplaceJournal(seq int64, label string, payload []byte) error {
	if err := tx.ensureApp(); err != nil {
		return err
	}
	res, err := tx.tx.Exec(`UPDATE kg_journal SET label = ?, payload = ?, time = ? WHERE seq = ?`, label, string(payload), nowString(), seq)
	if err != nil {
		return fmt.Errorf("journal: %w", tx.s.mapErr(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("journal entry %d: %w", seq, ErrNotFound)
	}
	return nil
}
