package main

// panelSources are the files whose tr keys live in translations/panel.*.json.
var panelSources = []string{"validation_*.go", "export_*.go", "stats_*.go"}
