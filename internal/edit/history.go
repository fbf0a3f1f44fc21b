package edit

// Step is a command in the history with the journal sequence number it was stored under.
type Step struct {
	Seq     int64
	Command Command
}

// History is the undo and redo stacks. It holds no storage: the document persists each step
// and tells the history its sequence number.
type History struct {
	done   []Step
	undone []Step // last undone at the end
}

// NewHistory rebuilds a history from journal steps in sequence order, each with its undone flag.
func NewHistory(steps []Step, undone []bool) *History {
	h := &History{}
	for i, s := range steps {
		if undone[i] {
			// Undone steps were undone newest first, so the oldest undone is redone first.
			h.undone = append([]Step{s}, h.undone...)
		} else {
			h.done = append(h.done, s)
		}
	}
	return h
}

// CanMerge reports whether c would fold into the last step.
func (h *History) CanMerge(c Command) bool {
	return c.MergeKey != "" && len(h.done) > 0 && len(h.undone) == 0 && h.done[len(h.done)-1].Command.MergeKey == c.MergeKey
}

// Push records a new step and drops the redo tail.
func (h *History) Push(s Step) {
	h.done = append(h.done, s)
	h.undone = nil
}

// ReplaceLast replaces the newest step (after a merge).
func (h *History) ReplaceLast(s Step) {
	if len(h.done) > 0 {
		h.done[len(h.done)-1] = s
	}
}

// Last returns the newest done step.
func (h *History) Last() (Step, bool) {
	if len(h.done) == 0 {
		return Step{}, false
	}
	return h.done[len(h.done)-1], true
}

// PeekUndo returns the step Undo would undo.
func (h *History) PeekUndo() (Step, bool) { return h.Last() }

// PeekRedo returns the step Redo would redo.
func (h *History) PeekRedo() (Step, bool) {
	if len(h.undone) == 0 {
		return Step{}, false
	}
	return h.undone[len(h.undone)-1], true
}

// Undo moves the newest step to the redo stack and returns it.
func (h *History) Undo() (Step, bool) {
	s, ok := h.Last()
	if !ok {
		return Step{}, false
	}
	h.done = h.done[:len(h.done)-1]
	h.undone = append(h.undone, s)
	return s, true
}

// Redo moves the newest undone step back and returns it.
func (h *History) Redo() (Step, bool) {
	s, ok := h.PeekRedo()
	if !ok {
		return Step{}, false
	}
	h.undone = h.undone[:len(h.undone)-1]
	h.done = append(h.done, s)
	return s, true
}

// Done lists the done steps, oldest first (for the history list).
func (h *History) Done() []Step { return append([]Step(nil), h.done...) }

// Undone lists the undone steps, next to redo first.
func (h *History) Undone() []Step {
	out := make([]Step, 0, len(h.undone))
	for i := len(h.undone) - 1; i >= 0; i-- {
		out = append(out, h.undone[i])
	}
	return out
}
