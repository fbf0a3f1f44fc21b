// Package assets embeds the data the program ships with: the layer and mineral catalog, the
// bundled Chinese font and the icon.
package assets

import _ "embed"

// CatalogJSON is the default layer catalog (DESIGN.md §4) and mineral catalog, kept as data so
// that official codes can be dropped in without touching code.
//
//go:embed catalog.json
var CatalogJSON []byte
