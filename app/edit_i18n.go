package main

import (
	"io/fs"
	"os"

	"fyne.io/fyne/v2/lang"
)

// The editing tools keep their strings in translations/edit.*.json, apart from the main
// window's file, so that engineers working on other panels do not edit one file at once.
// English loads with the rest of the directory (setupLanguage); for a Chinese UI only
// kuanggui.zh_Hans.json is loaded there, so the Chinese edit file is added here.
func init() {
	if !chineseUI(os.Getenv) {
		return
	}
	sub, err := fs.Sub(translations, "translations")
	if err != nil {
		return
	}
	if data, err := fs.ReadFile(sub, "edit.zh_Hans.json"); err == nil {
		_ = lang.AddTranslationsForLocale(data, "zh-Hans")
	}
}

// editSources are the files whose tr keys live in translations/edit.*.json.
var editSources = []string{"edit_*.go"}
