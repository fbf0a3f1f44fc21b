package main

// editSources are the files whose tr keys live in translations/edit.*.json.
var editSources = []string{"edit_*.go"}
