package tool

// Shortcut is one toolbar entry: the tool (or action) name, its key and its tooltips.
// Tool names match Tool.Name(); "delete", "merge", "grid" and "snap" are actions or toggles
// the app runs itself (DeleteCommand, MergeCommand with topo, Snapper.SetGrid, snapping on/off).
type Shortcut struct {
	Tool  string
	Key   string // fyne.KeyName spelling
	Tip   string
	TipEN string
}

// Shortcuts is the toolbar's keyboard map, in toolbar order.
var Shortcuts = []Shortcut{
	{Tool: "select", Key: "S", Tip: "选择 (S)", TipEN: "Select (S)"},
	{Tool: "draw", Key: "D", Tip: "绘制区块 (D)", TipEN: "Draw block (D)"},
	{Tool: "vertex", Key: "V", Tip: "编辑顶点 (V)", TipEN: "Edit vertices (V)"},
	{Tool: "move", Key: "M", Tip: "移动区块 (M)", TipEN: "Move blocks (M)"},
	{Tool: "hole", Key: "H", Tip: "添加洞 (H)", TipEN: "Add hole (H)"},
	{Tool: "part", Key: "P", Tip: "添加部分 (P)", TipEN: "Add part (P)"},
	{Tool: "split", Key: "K", Tip: "分割区块 (K)", TipEN: "Split block (K)"},
	{Tool: "merge", Key: "U", Tip: "合并区块 (U)", TipEN: "Merge blocks (U)"},
	{Tool: "delete", Key: "Delete", Tip: "删除区块 (Delete)", TipEN: "Delete blocks (Delete)"},
	{Tool: "grid", Key: "G", Tip: "捕捉到1′网格 (G)", TipEN: "Snap to 1′ grid (G)"},
	{Tool: "snap", Key: "N", Tip: "捕捉顶点和边 (N)；按住 Ctrl 或 Alt 暂停捕捉", TipEN: "Snap to vertices and edges (N); hold Ctrl or Alt to suspend"},
}

// ShortcutFor returns the entry for a tool or action name.
func ShortcutFor(tool string) (Shortcut, bool) {
	for _, s := range Shortcuts {
		if s.Tool == tool {
			return s, true
		}
	}
	return Shortcut{}, false
}
