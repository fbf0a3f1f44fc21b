package assets

import _ "embed"

// CJKFont is a TrueType subset of Noto Sans CJK SC Regular (SIL OFL 1.1, see fonts/OFL.txt),
// renamed "Kuanggui CJK". It is bundled because the UI must show Chinese on machines that have no
// Chinese fonts installed (DESIGN.md §3). It covers ASCII, Latin-1, common punctuation and
// symbols, full-width forms, all 6763 GB2312 hanzi and every character of the plan text, the
// catalog and the sample boundary data. Outlines are TrueType (glyf), not CFF, so both Fyne's
// go-text renderer and golang.org/x/image/font/opentype load it. fonts/make-subset.sh rebuilds it.
//
//go:embed fonts/kuanggui-cjk.ttf
var CJKFont []byte
