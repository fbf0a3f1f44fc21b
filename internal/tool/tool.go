// Package tool holds the map editing tools — select, draw, vertex edit, move — as state machines
// in map coordinates (EPSG:4490, x = longitude, y = latitude), plus snapping and the commands
// for delete, split and merge. It knows nothing of Fyne: the map widget turns its events into
// Event values, calls Tool.Handle, draws the returned Overlay and applies the returned Command.
//
// Conventions:
//   - A tool never changes a feature itself. It reads features through Context and returns an
//     edit.Command; the caller applies it (after asking, when Result.NeedsConfirm is set). The
//     tool holds only references, so it sees the applied state on the next event.
//   - One gesture makes one command: a vertex drag or a block move returns a single Update on
//     Release, never one per mouse move. During the gesture Overlay.Preview shows the result.
//   - Geometry the tools write is closed rings, outer rings counter-clockwise and holes
//     clockwise (the GeoJSON RFC 7946 orientation), each ring with at least 3 distinct points.
//   - New features (Insert) carry ID 0; the document assigns the row id when it applies them.
//   - Snapping is suspended while Ctrl or Alt is held (Alt as the issue asks; Ctrl too, because
//     many Linux window managers take Alt+drag for moving windows).
//   - Pixel tolerances are turned into map units with Event.PixelSize.
package tool

import (
	"math"

	"github.com/paulmach/orb"

	"kuanggui/internal/edit"
	"kuanggui/internal/plan"
)

// EventKind is what happened at the pointer or keyboard.
type EventKind int

const (
	// Press is a mouse button going down.
	Press EventKind = iota
	// Release is a mouse button going up.
	Release
	// Move is the pointer moving with no button down (hover).
	Move
	// Drag is the pointer moving with a button down (after a Press).
	Drag
	// DoubleClick is a double click; it may or may not follow the Press/Release pairs of its
	// two clicks — the tools accept either.
	DoubleClick
	// Key is a key press; Event.Key names it.
	Key
)

// Mouse buttons. Left is the zero value so that a plain Event{Kind: Press} is a left click.
const (
	ButtonLeft = iota
	ButtonRight
	ButtonMiddle
)

// Key names, as Fyne's fyne.KeyName spells them.
const (
	KeyEscape    = "Escape"
	KeyReturn    = "Return"
	KeyEnter     = "KP_Enter"
	KeyBackspace = "BackSpace"
	KeyDelete    = "Delete"
)

// Event is one input event in map coordinates.
type Event struct {
	Kind   EventKind
	X, Y   float64 // map coordinates, degrees
	Button int     // ButtonLeft, ButtonRight, ButtonMiddle
	Shift  bool
	Ctrl   bool
	Alt    bool
	Key    string // for Key events: KeyEscape, KeyReturn, KeyBackspace, KeyDelete, …
	// PixelSize is map units per screen pixel at the cursor; it turns pixel tolerances into map
	// units. Zero or invalid falls back to DefaultPixelSize.
	PixelSize float64
}

// DefaultPixelSize (about 1 m) is used when an event carries no valid PixelSize.
const DefaultPixelSize = 1e-5

// Point returns the event position.
func (e Event) Point() orb.Point { return orb.Point{e.X, e.Y} }

// px returns the map-unit size of one pixel for e.
func (e Event) px() float64 {
	if !(e.PixelSize > 0) || math.IsInf(e.PixelSize, 0) {
		return DefaultPixelSize
	}
	return e.PixelSize
}

// suspendSnap reports whether the modifier that suspends snapping is held.
func (e Event) suspendSnap() bool { return e.Ctrl || e.Alt }

func (e Event) finite() bool {
	return !math.IsNaN(e.X) && !math.IsNaN(e.Y) && !math.IsInf(e.X, 0) && !math.IsInf(e.Y, 0)
}

func (e Event) isEnter() bool {
	return e.Kind == Key && (e.Key == KeyReturn || e.Key == KeyEnter || e.Key == "Enter")
}

// Ref names one feature.
type Ref struct {
	Layer string
	ID    int64
}

// Overlay is what the map draws on top of the layers for the active tool. Every field may be
// empty.
type Overlay struct {
	// Rubber is the line being drawn: the placed vertices and then the cursor.
	Rubber orb.LineString
	// Preview is the geometry being edited as it would be after the gesture: the drawn polygon,
	// the dragged feature, the moved blocks.
	Preview orb.MultiPolygon
	// Handles are the vertices of the feature under vertex edit; Active indexes the current one
	// (-1 for none; meaningless when Handles is empty).
	Handles []orb.Point
	Active  int
	// Midpoints are the insert handles, one per ring segment.
	Midpoints []orb.Point
	// Snap is where the cursor snapped, for a marker whose shape follows Snap.Kind.
	Snap *SnapResult
	// Box is the selection rectangle while dragging one.
	Box *orb.Bound
	// Message is a short line for the status bar (why an action was refused, what to do next).
	Message string
}

// Result is what a tool returns for one event.
type Result struct {
	// Command is the edit to apply, nil when there is nothing to commit.
	Command *edit.Command
	// NeedsConfirm asks the caller to confirm Command before applying it (deleting more than
	// one block).
	NeedsConfirm bool
	Overlay      Overlay
	// SelectionSet tells the caller to replace its selection with Selection (which may be
	// empty); when false the selection is unchanged.
	SelectionSet bool
	Selection    []Ref
	// Line is a finished polyline of the DrawLine mode: the caller splits the selected block
	// with it (topo) and builds SplitCommand.
	Line orb.LineString
	// Done means the current operation ended (committed or cancelled).
	Done bool
	// Cursor names the pointer shape: "crosshair", "move", "pointer" or "default".
	Cursor string
}

// Context is the document and view as a tool sees them.
type Context interface {
	// Feature returns a feature by layer and id.
	Feature(layer string, id int64) (plan.Feature, bool)
	// HitTest returns the topmost visible feature at (x, y) within tol map units.
	HitTest(x, y, tol float64) (Ref, bool)
	// Query returns the visible features whose geometry intersects b.
	Query(b orb.Bound) []Ref
	// Selection is the current selection.
	Selection() []Ref
	// EditableLayer is the layer new and edited blocks belong to ("" when none is editable).
	EditableLayer() string
	// NewAttrs returns the attributes for a new feature of layer (defaults, a fresh QKBH).
	NewAttrs(layer string) plan.Attrs
}

// Tool is one editing tool.
type Tool interface {
	// Name is the tool's key in Shortcuts ("select", "draw", …).
	Name() string
	// Handle processes one event.
	Handle(ctx Context, ev Event) Result
	// Reset drops any gesture in progress (when the user switches tools).
	Reset()
}

// Hit tolerances in pixels.
const (
	// HandlePixels is how near a press must be to a vertex or midpoint handle.
	HandlePixels = 8
	// HitPixels is the tolerance for picking a feature with a click.
	HitPixels = 3
	// DragPixels is how far the pointer must move before a press becomes a drag (box select).
	DragPixels = 3
)

// Labels of the commands the tools build.
const (
	LabelNewBlock     = "新建区块"
	LabelMoveVertex   = "移动顶点"
	LabelInsertVertex = "插入顶点"
	LabelDeleteVertex = "删除顶点"
	LabelMoveBlock    = "移动区块"
	LabelDeleteBlock  = "删除区块"
	LabelAddHole      = "添加洞"
	LabelAddPart      = "添加部分"
	LabelSplit        = "分割区块"
	LabelMerge        = "合并区块"
)

// editableSelection returns the selected refs in the editable layer.
func editableSelection(ctx Context) []Ref {
	layer := ctx.EditableLayer()
	if layer == "" {
		return nil
	}
	var out []Ref
	for _, r := range ctx.Selection() {
		if r.Layer == layer {
			out = append(out, r)
		}
	}
	return out
}

func containsRef(rs []Ref, r Ref) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}
