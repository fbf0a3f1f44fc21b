package shapefile

import (
	"archive/zip"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestReadZip(t *testing.T) {
	zp := filepath.Join(t.TempDir(), "layers.zip")
	zf, _ := os.Create(zp)
	zw := zip.NewWriter(zf)
	add := func(name, src string) {
		w, _ := zw.Create(name)
		w.Write(mustRead(t, src))
	}
	for _, e := range []string{"shp", "shx", "dbf", "prj", "cpg"} {
		add("data/xj_prefectures_gbk."+e, "testdata/real/xj_prefectures_gbk."+e)
	}
	for _, e := range []string{"SHP", "SHX", "DBF", "PRJ"} {
		add("BLOCKS."+e, "testdata/c05_upper_case_ext/BLOCKS."+e)
	}
	add("readme.txt", "testdata/c09_gk_zone28/blocks.prj")
	zw.Close()
	zf.Close()
	fs, reps, err := ReadZip(zp, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 2 || len(fs["xj_prefectures_gbk"]) != 23 || len(fs["BLOCKS"]) != 1 {
		t.Fatalf("layers: %d, prefectures %d, BLOCKS %d", len(fs), len(fs["xj_prefectures_gbk"]), len(fs["BLOCKS"]))
	}
	if reps["xj_prefectures_gbk"].Encoding != EncGBK || fs["BLOCKS"][0].Attrs["QKMC"] != "大写扩展名" {
		t.Fatalf("zip content decoded wrongly")
	}
	if _, _, err := ReadZip(zp, ReadOptions{Limits: Limits{MaxFileBytes: 1000}}); !errors.Is(err, ErrLimit) {
		t.Fatalf("member size limit: %v", err)
	}
}

func TestNormalizeEncoding(t *testing.T) {
	for in, want := range map[string]string{
		"UTF-8": EncUTF8, " utf8\r\n": EncUTF8, "65001": EncUTF8, "936": EncGBK, "CP936": EncGBK,
		"cp936": EncGBK, "GBK": EncGBK, "GB2312": EncGBK, "ANSI 936": EncGBK, "GB18030": EncGB18030,
		"54936": EncGB18030, "1252": "windows-1252", "nonsense": "",
	} {
		if got := normalizeEncoding(in); got != want {
			t.Errorf("normalizeEncoding(%q) = %q, want %q", in, got, want)
		}
	}
	if encodingFromLDID(0x4D) != EncGBK || encodingFromLDID(0x7A) != EncGBK || encodingFromLDID(0) != "" {
		t.Fatal("LDID 0x4D and 0x7A are CP936, 0 is unset")
	}
}

func TestDetectEncoding(t *testing.T) {
	w, _ := writeEncodingFor("gbk")
	gbk := func(s string) []byte { b, _ := w.encode(s); return b }
	cases := []struct {
		name  string
		texts [][]byte
		want  string
	}{
		{"ascii", [][]byte{[]byte("ABC"), []byte("123")}, EncUTF8},
		{"utf-8 chinese", [][]byte{[]byte("水田"), []byte("ABC")}, EncUTF8},
		{"gbk", [][]byte{gbk("水田")}, EncGBK},
		// 农业 in GBK is valid UTF-8 ("ũҵ") on its own: the file decides
		{"gbk valid utf-8 by accident, with neighbour", [][]byte{gbk("农业"), gbk("水田"), gbk("路")}, EncGBK},
		{"gbk valid utf-8 by accident, alone", [][]byte{gbk("农业")}, EncGBK},
		{"latin utf-8", [][]byte{[]byte("Ürümqi")}, EncUTF8},
		{"uyghur utf-8", [][]byte{[]byte("ئۈرۈمچی"), []byte("乌鲁木齐")}, EncUTF8},
		{"uyghur utf-8 alone", [][]byte{[]byte("قەشقەر")}, EncUTF8},
	}
	for _, c := range cases {
		if got := detectEncoding(c.texts); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

// Zips made on Chinese Windows name their members in GBK without the UTF-8 flag.
func TestReadZipGBKMemberNames(t *testing.T) {
	zp := filepath.Join(t.TempDir(), "gbk.zip")
	zf, _ := os.Create(zp)
	zw := zip.NewWriter(zf)
	name, _ := simplifiedchinese.GBK.NewEncoder().String("规划区块")
	for _, e := range []string{"shp", "shx", "dbf", "prj", "cpg"} {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name + "." + e, NonUTF8: true, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(mustRead(t, "testdata/real/xj_prefectures_gbk."+e))
	}
	zw.Close()
	zf.Close()
	fs, _, err := ReadZip(zp, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs["规划区块"]) != 23 {
		t.Fatalf("layers %v: want 规划区块 with 23 features", keysOf(fs))
	}
	one, _, err := Read(zp, ReadOptions{Member: "规划区块"})
	if err != nil || len(one) != 23 {
		t.Fatalf("--member by its Chinese name: %d features, %v", len(one), err)
	}
}

func keysOf[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
