package mapview

import (
	"sync"

	"fyne.io/fyne/v2/driver/desktop"
)

// Editing additions: the pointer shape the active tool asks for, and a way to redraw the tool's
// overlay when it changed outside an event (a turning-point preview typed in a dialog).

// cursors holds each widget's pointer shape; kept beside the struct so that the editing side
// does not touch the widget's own fields.
var cursors sync.Map // *MapView → desktop.StandardCursor

// SetCursor sets the pointer shape shown over the map: "crosshair", "move", "pointer" or
// "default" (the names tool.Result.Cursor uses); unknown names give the default arrow.
func (mv *MapView) SetCursor(name string) {
	c := desktop.DefaultCursor
	switch name {
	case "crosshair":
		c = desktop.CrosshairCursor
	case "move", "pointer":
		c = desktop.PointerCursor
	}
	cursors.Store(mv, c)
}

// Cursor is part of desktop.Cursorable.
func (mv *MapView) Cursor() desktop.Cursor {
	if mv.Panning() {
		return desktop.PointerCursor // the hand: a drag pans
	}
	if c, ok := cursors.Load(mv); ok {
		return c.(desktop.StandardCursor)
	}
	return desktop.DefaultCursor
}

// RefreshOverlay asks the tool for its overlay again and redraws it.
func (mv *MapView) RefreshOverlay() { mv.updateOverlay() }
