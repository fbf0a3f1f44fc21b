package assets

import _ "embed"

// IconPNG is the 512×512 application icon (a map pin over plan blocks with 矿), drawn with
// ImageMagick and the bundled CJK font; icon/make-icon.sh redraws it.
//
//go:embed icon/icon.png
var IconPNG []byte
