package warm

import (
	_ "fyne.io/fyne/v2/app"
	_ "fyne.io/fyne/v2/canvas"
	_ "fyne.io/fyne/v2/container"
	_ "fyne.io/fyne/v2/dialog"
	_ "fyne.io/fyne/v2/test"
	_ "fyne.io/fyne/v2/widget"
	_ "github.com/jonas-p/go-shp"
	_ "github.com/mattn/go-sqlite3"
	_ "github.com/paulmach/orb"
	_ "github.com/paulmach/orb/encoding/wkb"
	_ "github.com/paulmach/orb/geojson"
	_ "github.com/paulmach/orb/planar"
	_ "github.com/twpayne/go-geos"
	_ "github.com/twpayne/go-proj/v11"
	_ "golang.org/x/image/vector"
	_ "golang.org/x/text/encoding/simplifiedchinese"
)
