package main

import (
	"os"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"kuanggui/internal/document"
)

// BenchmarkStartup measures what the editor does between process start and its first map
// frame, minus the X window: open the project, build the window, render the first frame at
// 1440×900. Target (issue "The editor opens the Xinjiang plan"): ≤ 1 s for the sample
// project from process start, so this part must stay well under that. It needs the sample
// (make sample) or KUANGGUI_SAMPLE=path.
func BenchmarkStartup(b *testing.B) {
	path := os.Getenv("KUANGGUI_SAMPLE")
	if path == "" {
		path = "../" + defaultProject
	}
	if _, err := os.Stat(path); err != nil {
		b.Skipf("no sample project at %s (make sample, or set KUANGGUI_SAMPLE)", path)
	}
	a := test.NewTempApp(b)
	a.Settings().SetTheme(newTheme())
	for b.Loop() {
		doc, err := document.Open(path, document.OpenOptions{ReadOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		w := test.NewWindow(widget.NewLabel(""))
		g := newGUI(a, w)
		g.setDocument(doc)
		w.Resize(fyne.NewSize(1440, 900))
		w.Canvas().Capture()
		g.mv.Wait()
		if f, _ := g.mv.Frame(); f == nil {
			b.Fatal("no frame")
		}
		doc.Close()
		w.Close()
	}
}
