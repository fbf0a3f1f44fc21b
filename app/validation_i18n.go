package main

import (
	"io/fs"
	"os"

	"fyne.io/fyne/v2/lang"
)

// The validation, export and statistics panels keep their strings in translations/panel.*.json,
// apart from the main window's file, so that engineers adding panels do not edit one file at
// once. English loads with the rest of the directory (setupLanguage); for a Chinese UI only
// kuanggui.zh_Hans.json is loaded there, so the Chinese panel file is added here.
func init() {
	if !chineseUI(os.Getenv) {
		return
	}
	sub, err := fs.Sub(translations, "translations")
	if err != nil {
		return
	}
	if data, err := fs.ReadFile(sub, "panel.zh_Hans.json"); err == nil {
		_ = lang.AddTranslationsForLocale(data, "zh-Hans")
	}
}

// panelSources are the files whose tr keys live in translations/panel.*.json.
var panelSources = []string{"validation_*.go", "export_*.go", "stats_*.go"}
