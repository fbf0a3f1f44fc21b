package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"kuanggui/internal/document"
)

func TestMenusAndShortcuts(t *testing.T) {
	g, _ := testGUI(t)
	var got []string
	for _, m := range g.mainMenu.Items {
		var items []string
		for _, it := range m.Items {
			if !it.IsSeparator {
				items = append(items, it.Label)
			}
		}
		got = append(got, m.Label+":"+strings.Join(items, ","))
	}
	want := []string{"文件:打开…,导入 Shapefile…,导出成果包…,导出地图…,退出", "编辑:撤销,重做,选择,绘制区块,编辑顶点,移动,添加洞,添加部分,分割,合并,删除,1′网格吸附,吸附,拐点坐标输入…,拐点坐标表…,历史记录…,设置…", "视图:全图,放大,缩小,统计…,属性表", "校验:重新校验全部,规则设置…", "帮助:关于"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("menus = %v, want %v", got, want)
	}
	if _, ok := g.undoItem.Shortcut.(*fyne.ShortcutUndo); !ok {
		t.Errorf("undo shortcut %v, want Ctrl+Z", g.undoItem.Shortcut)
	}
	if s, ok := g.redoItem.Shortcut.(*desktop.CustomShortcut); !ok || s.KeyName != fyne.KeyZ || s.Modifier&fyne.KeyModifierShift == 0 {
		t.Errorf("redo shortcut %v, want Ctrl+Shift+Z", g.redoItem.Shortcut)
	}
	// Ctrl+Y also redoes: undo the last insert, then send the canvas the redo shortcut.
	l, _ := g.doc.Layer("kaicqk")
	if len(l.Features) != 1 {
		t.Fatal("fixture changed")
	}
	g.undo()
	if l, _ := g.doc.Layer("kaicqk"); len(l.Features) != 0 {
		t.Fatal("undo did not remove the last insert")
	}
	g.win.Canvas().(fyne.Shortcutable).TypedShortcut(&fyne.ShortcutRedo{})
	if l, _ := g.doc.Layer("kaicqk"); len(l.Features) != 1 {
		t.Error("Ctrl+Y did not redo")
	}
}

func TestToolbarTooltip(t *testing.T) {
	g, _ := testGUI(t)
	g.undoBtn.MouseIn(&desktop.MouseEvent{})
	if !g.tips.label.Visible() || !strings.HasPrefix(g.tips.label.Text, "撤销 (Ctrl+Z)") {
		t.Errorf("hovering undo shows %q (visible %v)", g.tips.label.Text, g.tips.label.Visible())
	}
	if !strings.Contains(g.tips.label.Text, "新增") {
		t.Errorf("undo tooltip %q does not name the edit to undo", g.tips.label.Text)
	}
	g.undoBtn.MouseOut()
	if g.tips.label.Visible() {
		t.Error("tooltip still shown after the pointer left")
	}
}

func TestImportAddsLayerAndReports(t *testing.T) {
	g, w := testGUI(t)
	done := make(chan struct{})
	g.afterImport = func() { close(done) }
	g.runImport("gbk_blocks", filepath.Join("testdata", "gbk_blocks", "blocks.shp"))
	// The import runs on a goroutine; wait for its end, not for a time.
	<-done
	g.val.Wait() // the import starts a full validation
	if g.msgLabel.Text != "已导入 1 个要素到 gbk_blocks" {
		t.Fatalf("status after import = %q", g.msgLabel.Text)
	}
	g.mv.Wait()
	if c := g.layerCounts["gbk_blocks"]; c == nil || c.Text != "1" {
		t.Fatalf("imported layer not in the panel with its count: %v", c)
	}
	if !g.visible["gbk_blocks"] {
		t.Error("imported layer not visible")
	}
	// The report dialog is on top and names the encoding the reader chose.
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no report dialog")
	}
	var report string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			report += l.Text + "\n"
		}
		if c, ok := o.(*fyne.Container); ok {
			for _, x := range c.Objects {
				walk(x)
			}
		}
		if wd, ok := o.(fyne.Widget); ok {
			for _, x := range test.WidgetRenderer(wd).Objects() {
				walk(x)
			}
		}
	}
	walk(top)
	if !strings.Contains(report, "已读取记录: 1 / 1") || !strings.Contains(strings.ToUpper(report), "GBK") && !strings.Contains(report, "936") {
		t.Errorf("import report lacks counts or encoding:\n%s", report)
	}
}

func TestReadOnlyTitleAndDisabledUndo(t *testing.T) {
	g, _ := testGUI(t)
	path := g.doc.Path()
	if err := g.doc.Close(); err != nil {
		t.Fatal(err)
	}
	doc, err := document.Open(path, document.OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { doc.Close() })
	g.doc = nil // closed above; setDocument must not close it again
	g.setDocument(doc)
	g.val.Wait()
	if !strings.HasSuffix(g.win.Title(), "[只读]") {
		t.Errorf("title %q lacks 只读", g.win.Title())
	}
	if !g.undoBtn.Disabled() || !g.undoItem.Disabled {
		t.Error("undo enabled on a read-only project")
	}
}

func TestRunGUIBadProjectExits2(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.gpkg")
	if err := os.WriteFile(bad, []byte("not a database"), 0o644); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(t.TempDir(), "out.png")
	if code := runGUI(bad, guiOptions{Screenshot: shot}); code != exitUsage {
		t.Errorf("runGUI on a non-project = %d, want %d", code, exitUsage)
	}
	if _, err := os.Stat(shot); err == nil {
		t.Error("a screenshot was written for a project that did not open")
	}
}
