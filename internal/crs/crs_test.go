package crs

import (
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// The DESIGN.md §5 test vector (PROJ 9.1).
var (
	vecLon = 83 + 0.0/60 + 48.281/3600
	vecLat = 44 + 35.0/60 + 59.917/3600
)

const (
	vecX = 4940964.21
	vecY = 28421671.18
)

func TestGaussKrugerCodes(t *testing.T) {
	for zone := MinZone; zone <= MaxZone; zone++ {
		p, err := GaussKruger(zone, true)
		if err != nil || p.EPSG != 4513+zone-25 || !p.ZonePrefix || p.Zone != zone {
			t.Fatalf("GaussKruger(%d, true) = %+v, %v", zone, p, err)
		}
		n, err := GaussKruger(zone, false)
		if err != nil || n.EPSG != 4534+zone-25 || n.ZonePrefix || n.Zone != zone {
			t.Fatalf("GaussKruger(%d, false) = %+v, %v", zone, n, err)
		}
		for _, c := range []CRS{p, n} {
			back, err := FromEPSG(c.EPSG)
			if err != nil || back != c {
				t.Fatalf("FromEPSG(%d) = %+v, %v; want %+v", c.EPSG, back, err, c)
			}
		}
	}
	for _, z := range []int{0, 24, 46, -3} {
		if _, err := GaussKruger(z, true); !errors.Is(err, ErrUnknownCRS) {
			t.Errorf("GaussKruger(%d) error = %v, want ErrUnknownCRS", z, err)
		}
	}
	if got := mustEPSG(t, 4516).String(); got != "EPSG:4516 CGCS2000 / 3-degree Gauss-Kruger zone 28" {
		t.Errorf("String = %q", got)
	}
	if got := mustEPSG(t, 4539).String(); got != "EPSG:4539 CGCS2000 / 3-degree Gauss-Kruger CM 90E" {
		t.Errorf("String = %q", got)
	}
	if !Geographic().IsGeographic() || mustEPSG(t, 4516).IsGeographic() || !mustEPSG(t, 4326).IsGeographic() {
		t.Error("IsGeographic wrong")
	}
}

func mustEPSG(t *testing.T, code int) CRS {
	t.Helper()
	c, err := FromEPSG(code)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestParseSRS(t *testing.T) {
	for _, s := range []string{"EPSG:4516", "epsg:4516", "4516", " EPSG: 4516 "} {
		c, err := ParseSRS(s)
		if err != nil || c.EPSG != 4516 || c.Zone != 28 || !c.ZonePrefix {
			t.Errorf("ParseSRS(%q) = %+v, %v", s, c, err)
		}
	}
	for _, s := range []string{"", "EPSG:", "EPSG:3857", "abc", "4512", "4555", "EPSG:4516x"} {
		if _, err := ParseSRS(s); !errors.Is(err, ErrUnknownCRS) {
			t.Errorf("ParseSRS(%q) error = %v, want ErrUnknownCRS", s, err)
		}
	}
}

func TestZoneOf(t *testing.T) {
	cases := map[float64]int{83.0134: 28, 84: 28, 85.4999: 28, 85.5: 29, 82.5: 28, 82.4999: 27, 75: 25, 73.5: 25, 96.39: 32}
	for lon, want := range cases {
		if got := ZoneOf(lon); got != want {
			t.Errorf("ZoneOf(%v) = %d, want %d", lon, got, want)
		}
	}
	if CentralMeridian(28) != 84 {
		t.Error("CentralMeridian(28) != 84")
	}
}

func TestTestVector(t *testing.T) {
	x, y, err := GeoToGK(vecLon, vecLat, 28, true)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(x-vecX) > 0.005 || math.Abs(y-vecY) > 0.005 {
		t.Fatalf("GeoToGK = X %.3f Y %.3f, want X %.2f Y %.2f", x, y, vecX, vecY)
	}
	xp, yp, err := GeoToGK(vecLon, vecLat, 28, false)
	if err != nil || math.Abs(xp-vecX) > 0.005 || math.Abs(yp-(vecY-28e6)) > 0.005 {
		t.Fatalf("GeoToGK no prefix = %.3f %.3f, %v", xp, yp, err)
	}
	lon, lat, err := GKToGeo(vecX, vecY, 28, true)
	if err != nil {
		t.Fatal(err)
	}
	// The table values are rounded to 1 cm: the geographic point comes back to 0.001″.
	if d := math.Abs(lon-vecLon) * 3600; d > 0.001 {
		t.Errorf("GKToGeo lon off by %.5f″ (%s)", d, FormatDMS(lon, 3))
	}
	if d := math.Abs(lat-vecLat) * 3600; d > 0.001 {
		t.Errorf("GKToGeo lat off by %.5f″ (%s)", d, FormatDMS(lat, 3))
	}
	if FormatDMS(lon, 3) != `83°00'48.281"` || FormatDMS(lat, 3) != `44°35'59.917"` {
		t.Errorf("GKToGeo = %s %s", FormatDMS(lon, 3), FormatDMS(lat, 3))
	}
	// Round trip of the exact point.
	lon2, lat2, err := GKToGeo(x, y, 28, true)
	if err != nil || math.Abs(lon2-vecLon)*3600 > 1e-5 || math.Abs(lat2-vecLat)*3600 > 1e-5 {
		t.Errorf("round trip = %v %v %v", lon2, lat2, err)
	}
	x2, y2, err := GeoToGK(lon, lat, 28, true)
	if err != nil || math.Abs(x2-vecX) > 0.01 || math.Abs(y2-vecY) > 0.01 {
		t.Errorf("plane round trip = %.4f %.4f %v", x2, y2, err)
	}
	if _, _, err := GeoToGK(vecLon, vecLat, 99, true); !errors.Is(err, ErrUnknownCRS) {
		t.Errorf("zone 99: %v", err)
	}
}

func TestTransformer(t *testing.T) {
	geo := Geographic()
	gk := mustEPSG(t, 4516)
	fwd, err := NewTransformer(geo, gk)
	if err != nil {
		t.Fatal(err)
	}
	defer fwd.Close()
	e, n, err := fwd.Point(vecLon, vecLat)
	if err != nil || math.Abs(e-vecY) > 0.005 || math.Abs(n-vecX) > 0.005 {
		t.Fatalf("Point = %.3f %.3f %v (want easting first)", e, n, err)
	}
	if _, _, err := fwd.Point(math.NaN(), 1); err == nil {
		t.Error("NaN accepted")
	}
	mp := orb.MultiPolygon{{
		{{83, 44}, {83.1, 44}, {83.1, 44.1}, {83, 44.1}, {83, 44}},
		{{83.02, 44.02}, {83.02, 44.05}, {83.05, 44.05}, {83.02, 44.02}},
	}, {{{84, 45}, {84.1, 45}, {84, 45.1}, {84, 45}}}}
	orig := mp.Clone()
	out, err := fwd.MultiPolygon(mp)
	if err != nil {
		t.Fatal(err)
	}
	if !orb.Equal(mp, orig) {
		t.Fatal("input modified")
	}
	inv, err := NewTransformer(gk, geo)
	if err != nil {
		t.Fatal(err)
	}
	for i := range mp {
		for j := range mp[i] {
			for k, p := range mp[i][j] {
				e, n, _ := fwd.Point(p[0], p[1])
				if out[i][j][k] != (orb.Point{e, n}) {
					t.Fatalf("batch %v != single %v %v", out[i][j][k], e, n)
				}
			}
		}
	}
	back, err := inv.MultiPolygon(out)
	if err != nil {
		t.Fatal(err)
	}
	for i := range mp {
		for j := range mp[i] {
			for k, p := range mp[i][j] {
				q := back[i][j][k]
				if math.Abs(p[0]-q[0]) > 1e-9 || math.Abs(p[1]-q[1]) > 1e-9 {
					t.Fatalf("round trip %v -> %v", p, q)
				}
			}
		}
	}
	// WGS 84 is treated as CGCS2000: identity.
	w, err := NewTransformer(mustEPSG(t, 4326), geo)
	if err != nil {
		t.Fatal(err)
	}
	if x, y, _ := w.Point(83.5, 44.5); x != 83.5 || y != 44.5 {
		t.Errorf("4326→4490 = %v %v", x, y)
	}
	// Zone to zone through PROJ.
	z2, err := NewTransformer(gk, mustEPSG(t, 4538))
	if err != nil {
		t.Fatal(err)
	}
	e2, n2, err := z2.Point(vecY, vecX)
	if err != nil || e2 > 500000 || n2 < 4.9e6 {
		t.Errorf("zone 28 → CM 87E = %v %v %v", e2, n2, err)
	}
	if _, err := NewTransformer(CRS{EPSG: 3857}, geo); !errors.Is(err, ErrUnknownCRS) {
		t.Errorf("3857: %v", err)
	}
	fwd.Close()
	if _, _, err := fwd.Point(83, 44); err == nil {
		t.Error("closed transformer worked")
	}
}

func TestFromPRJFiles(t *testing.T) {
	cases := map[string]int{
		"c09_gk_zone28.prj":      4516,
		"xj_counties_utf8.prj":   4490,
		"xj_prefectures_gbk.prj": 4490,
		"epsg4539_esri.prj":      4539,
		"epsg4539_wkt1.prj":      4539,
		"epsg4539_wkt2.prj":      4539,
		"epsg4516_wkt1.prj":      4516,
		"epsg4490_wkt2.prj":      4490,
		"wgs84_esri.prj":         4326,
		// 6° CM 75E has exactly the parameters of 3° CM 75E: the same projection.
		"gk6_cm75_esri.prj": 4534,
	}
	for name, want := range cases {
		c, err := FromPRJ(readTestdata(t, name))
		if err != nil || c.EPSG != want {
			t.Errorf("%s: %+v, %v; want EPSG:%d", name, c, err, want)
		}
	}
	for _, name := range []string{"utm44n_esri.prj", "gk6_zone13_esri.prj", "xian80_esri.prj"} {
		_, err := FromPRJ(readTestdata(t, name))
		if !errors.Is(err, ErrUnknownCRS) || !strings.Contains(err.Error(), "--srs EPSG:N") {
			t.Errorf("%s: error %v, want ErrUnknownCRS naming --srs", name, err)
		}
	}
}

func TestFromPRJVariants(t *testing.T) {
	good := map[string]int{
		// Parameters only, no authority: prefixed and plain false easting.
		`PROJCS["x",GEOGCS["y",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137,298.257222101]],PRIMEM["Greenwich",0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",87],PARAMETER["scale_factor",1],PARAMETER["false_easting",29500000],PARAMETER["false_northing",0],UNIT["Meter",1]]`: 4517,
		"\ufeff" + mustCRS(t, 4520).PRJ() + "\r\n": 4520,
		`GEOGCS("GCS_China_Geodetic_Coordinate_System_2000",DATUM("D_China_2000",SPHEROID("CGCS2000",6378137.0,298.257222101)),PRIMEM("Greenwich",0.0),UNIT("Degree",0.0174532925199433))`: 4490,
	}
	for wkt, want := range good {
		c, err := FromPRJ(wkt)
		if err != nil || c.EPSG != want {
			t.Errorf("FromPRJ(%.60q…) = %v, %v; want %d", wkt, c, err, want)
		}
	}
	bad := map[string]string{
		"":                                     "empty",
		"hello":                                "WKT",
		`PROJCS["x"`:                           "WKT",
		`GEOGCS["x",AUTHORITY["EPSG","4214"]]`: "EPSG:4214",
		strings.Replace(mustCRS(t, 4516).PRJ(), "28500000.0", "27500000.0", 1):                    "false easting",
		strings.Replace(mustCRS(t, 4516).PRJ(), `"Scale_Factor",1.0`, `"Scale_Factor",0.9996`, 1): "scale factor",
		strings.Replace(mustCRS(t, 4516).PRJ(), "298.257222101", "298.3", -1):                     "ellipsoid",
		strings.Replace(mustCRS(t, 4516).PRJ(), `UNIT["Meter",1.0]`, `UNIT["Foot",0.3048]`, 1):    "metre",
		`VERT_CS["x",VERT_DATUM["y",2005]]`:                                                       "not a geographic",
	}
	for wkt, frag := range bad {
		_, err := FromPRJ(wkt)
		if !errors.Is(err, ErrUnknownCRS) || !strings.Contains(err.Error(), frag) {
			t.Errorf("FromPRJ(%.50q) error = %v, want ErrUnknownCRS mentioning %q", wkt, err, frag)
		}
	}
}

func mustCRS(t *testing.T, code int) CRS { return mustEPSG(t, code) }

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestPRJMatchesArcGIS(t *testing.T) {
	if got, want := mustEPSG(t, 4516).PRJ(), readTestdata(t, "c09_gk_zone28.prj"); got != want {
		t.Errorf("PRJ(4516) =\n%s\nwant\n%s", got, want)
	}
	if got, want := Geographic().PRJ(), readTestdata(t, "xj_counties_utf8.prj"); got != want {
		t.Errorf("PRJ(4490) =\n%s\nwant\n%s", got, want)
	}
	// GDAL's ESRI output for 4539, whitespace removed.
	want := strings.Join(strings.Fields(readTestdata(t, "epsg4539_esri.prj")), "")
	if got := mustEPSG(t, 4539).PRJ(); got != want {
		t.Errorf("PRJ(4539) =\n%s\nwant\n%s", got, want)
	}
}

func allCodes() []int {
	codes := []int{4490, 4326}
	for c := 4513; c <= 4554; c++ {
		codes = append(codes, c)
	}
	return codes
}

func TestPRJRoundTrip(t *testing.T) {
	for _, code := range allCodes() {
		c := mustEPSG(t, code)
		back, err := FromPRJ(c.PRJ())
		if err != nil || back != c {
			t.Errorf("FromPRJ(PRJ(%d)) = %+v, %v", code, back, err)
		}
	}
}

// GDAL must identify our .prj files to the same EPSG code.
func TestPRJReadByGDAL(t *testing.T) {
	if _, err := exec.LookPath("gdalsrsinfo"); err != nil {
		t.Skip("gdalsrsinfo not installed")
	}
	dir := t.TempDir()
	for _, code := range []int{4490, 4513, 4516, 4520, 4533, 4534, 4539, 4554} {
		path := filepath.Join(dir, "x.prj")
		if err := os.WriteFile(path, []byte(mustEPSG(t, code).PRJ()), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("gdalsrsinfo", "-e", "-o", "epsg", path).CombinedOutput()
		if err != nil {
			t.Fatalf("gdalsrsinfo: %v\n%s", err, out)
		}
		if got := strings.TrimSpace(string(out)); !strings.Contains(got, "EPSG:"+strconv.Itoa(code)) {
			t.Errorf("GDAL identifies PRJ(%d) as %q", code, got)
		}
	}
}
