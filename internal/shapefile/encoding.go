package shapefile

import (
	"bytes"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Canonical encoding names used in Report.Encoding and accepted by the options.
const (
	EncUTF8    = "utf-8"
	EncGBK     = "gbk"
	EncGB18030 = "gb18030"
)

// Where the encoding of a DBF came from (Report.EncodingSource).
const (
	SourceCPG      = "cpg"
	SourceLDID     = "ldid"
	SourceDetected = "detected"
	SourceUser     = "user"
)

// normalizeEncoding turns the many spellings found in .cpg files and typed by users into a
// canonical name ("utf-8", "gbk", "gb18030", or an IANA name x/text knows), or "" if unknown.
func normalizeEncoding(s string) string {
	s = strings.Trim(s, " \t\r\n\x00\ufeff")
	u := strings.ToUpper(s)
	u = strings.TrimPrefix(u, "ANSI")
	u = strings.TrimSpace(u)
	for _, p := range []string{"CP", "MS", "WINDOWS-", "WINDOWS"} {
		if strings.HasPrefix(u, p) && len(u) > len(p) && u[len(p)] >= '0' && u[len(p)] <= '9' {
			u = u[len(p):]
			break
		}
	}
	switch u {
	case "":
		return ""
	case "UTF-8", "UTF8", "65001":
		return EncUTF8
	case "936", "GBK", "GB2312", "GB-2312", "EUC-CN", "GB_2312-80", "X-GBK", "CHINESE":
		return EncGBK
	case "GB18030", "GB-18030", "54936":
		return EncGB18030
	}
	if n, err := strconv.Atoi(u); err == nil {
		for _, name := range []string{"windows-" + u, "IBM" + u} {
			if e, err := ianaindex.IANA.Encoding(name); err == nil && e != nil {
				if c, err := ianaindex.IANA.Name(e); err == nil {
					return c
				}
			}
		}
		switch n {
		case 950:
			return "Big5"
		case 949:
			return "EUC-KR"
		case 932:
			return "Shift_JIS"
		}
		return ""
	}
	if e, err := ianaindex.IANA.Encoding(s); err == nil && e != nil {
		if c, err := ianaindex.IANA.Name(e); err == nil {
			if strings.EqualFold(c, "GBK") {
				return EncGBK
			}
			if strings.EqualFold(c, "UTF-8") {
				return EncUTF8
			}
			return c
		}
	}
	return ""
}

// ldidCodePage maps the DBF language-driver byte (offset 29) to a Windows code page, after
// the table GDAL's shapefile driver uses (ESRI's list). 0 means "not set".
var ldidCodePage = map[byte]int{
	0x01: 437, 0x02: 850, 0x03: 1252, 0x04: 10000, 0x08: 865, 0x0A: 850, 0x0B: 437,
	0x0D: 437, 0x0E: 850, 0x0F: 437, 0x10: 850, 0x11: 437, 0x12: 850, 0x13: 932,
	0x14: 850, 0x15: 437, 0x16: 850, 0x17: 865, 0x18: 437, 0x19: 437, 0x1A: 850,
	0x1B: 437, 0x1C: 863, 0x1D: 850, 0x1F: 852, 0x22: 852, 0x23: 852, 0x24: 860,
	0x25: 850, 0x26: 866, 0x37: 850, 0x40: 852,
	0x4D: 936, 0x4E: 949, 0x4F: 950, 0x50: 874, 0x57: 1252, 0x58: 1252, 0x59: 1252,
	0x64: 852, 0x65: 866, 0x66: 865, 0x67: 861, 0x6A: 737, 0x6B: 857, 0x6C: 863,
	0x78: 950, 0x79: 949, 0x7A: 936, 0x7B: 932, 0x7C: 874, 0x86: 737, 0x87: 852,
	0x88: 857, 0xC8: 1250, 0xC9: 1251, 0xCA: 1254, 0xCB: 1253, 0xCC: 1257,
}

// encodingFromLDID returns the canonical name for a language-driver byte, or "".
func encodingFromLDID(b byte) string {
	cp, ok := ldidCodePage[b]
	if !ok {
		return ""
	}
	return normalizeEncoding(strconv.Itoa(cp))
}

// decoderFor returns the x/text encoding used to decode name; nil means UTF-8. GBK files are
// decoded as GB18030, its superset, so a rare character written by a GB18030-aware tool into a
// file labelled 936 still comes through.
func decoderFor(name string) encoding.Encoding {
	switch name {
	case EncUTF8, "":
		return nil
	case EncGBK, EncGB18030:
		return simplifiedchinese.GB18030
	}
	if e, err := ianaindex.IANA.Encoding(name); err == nil && e != nil {
		return e
	}
	return nil
}

// textDecoder turns DBF bytes into valid UTF-8, replacing what cannot be decoded with U+FFFD.
type textDecoder struct {
	enc encoding.Encoding
	dec *encoding.Decoder
}

func newTextDecoder(name string) *textDecoder {
	e := decoderFor(name)
	d := &textDecoder{enc: e}
	if e != nil {
		d.dec = e.NewDecoder()
	}
	return d
}

// decode returns the text and whether anything had to be replaced.
func (d *textDecoder) decode(b []byte) (string, bool) {
	if isASCII(b) {
		return string(b), false
	}
	if d.dec == nil {
		if utf8.Valid(b) {
			return string(b), false
		}
		return strings.ToValidUTF8(string(b), "\uFFFD"), true
	}
	out, err := d.dec.Bytes(b)
	if err != nil || !utf8.Valid(out) {
		return strings.ToValidUTF8(string(b), "\uFFFD"), true
	}
	// The source encodings cannot hold U+FFFD, so one in the output is a replacement.
	return string(out), bytes.ContainsRune(out, utf8.RuneError)
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// isCJK reports Han ideographs and the CJK punctuation and full-width forms that go with them.
func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) ||
		(r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF)
}

// plausibleRune reports characters expected in Xinjiang planning data read as UTF-8: Han and
// CJK punctuation, Latin-1 letters and signs, Cyrillic, Arabic script (Uyghur, Kazakh) and
// general punctuation. GBK bytes that happen to be valid UTF-8 decode to oddities outside these
// (农业 → "ũҵ": Latin Extended-A and Cyrillic Supplement).
func plausibleRune(r rune) bool {
	return isCJK(r) ||
		(r >= 0xA0 && r <= 0xFF) ||
		(r >= 0x0400 && r <= 0x045F) ||
		(r >= 0x0600 && r <= 0x06FF) || (r >= 0xFB50 && r <= 0xFDFF) || (r >= 0xFE70 && r <= 0xFEFF) ||
		(r >= 0x2000 && r <= 0x206F) || (r >= 0x2100 && r <= 0x218F) || (r >= 0x2460 && r <= 0x24FF)
}

// detectEncoding decides one encoding for a whole file from all its text. Deciding per value
// is wrong: GBK bytes are sometimes valid UTF-8 by accident (农业 in GBK reads as "ũҵ"), so
// one value can look like UTF-8 while its neighbours cannot.
//
// All ASCII → UTF-8. Anything not valid UTF-8 → GBK family. All valid UTF-8 and every
// character plausible (Han, Latin-1, Cyrillic, Arabic script …) → UTF-8. Valid UTF-8 with
// implausible characters → GBK if the same bytes decode cleanly as GB18030 into Han only,
// else UTF-8.
func detectEncoding(texts [][]byte) string {
	allValid, nonASCII, oddRune := true, false, false
	for _, t := range texts {
		if isASCII(t) {
			continue
		}
		nonASCII = true
		if !utf8.Valid(t) {
			allValid = false
			break
		}
		if !oddRune {
			for _, r := range string(t) {
				if r >= 0x80 && !plausibleRune(r) {
					oddRune = true
					break
				}
			}
		}
	}
	switch {
	case !nonASCII:
		return EncUTF8
	case !allValid:
		return EncGBK
	case !oddRune:
		return EncUTF8
	}
	dec := simplifiedchinese.GB18030.NewDecoder()
	for _, t := range texts {
		if isASCII(t) {
			continue
		}
		out, err := dec.Bytes(t)
		if err != nil || bytes.ContainsRune(out, utf8.RuneError) {
			return EncUTF8
		}
		for _, r := range string(out) {
			if r >= 0x80 && !isCJK(r) {
				return EncUTF8
			}
		}
	}
	return EncGBK
}

// writeEncoding is how Write puts text into a DBF: the encoder, the .cpg text and the
// language-driver byte. GBK gets .cpg "936" and LDID 0x4D: GDAL reads "936" as CP936, ArcGIS
// reads code-page numbers, and tools that ignore the .cpg still see 0x4D. GB18030 has no LDID
// of its own; 0x4D (its GBK subset) is the closest a .cpg-blind reader can get.
type writeEncoding struct {
	name string
	enc  encoding.Encoding // nil = UTF-8
	cpg  string
	ldid byte
}

func writeEncodingFor(name string) (writeEncoding, bool) {
	n := EncGBK
	if strings.TrimSpace(name) != "" {
		n = normalizeEncoding(name)
	}
	switch n {
	case EncGBK:
		return writeEncoding{name: EncGBK, enc: simplifiedchinese.GBK, cpg: "936", ldid: 0x4D}, true
	case EncUTF8:
		return writeEncoding{name: EncUTF8, cpg: "UTF-8"}, true
	case EncGB18030:
		return writeEncoding{name: EncGB18030, enc: simplifiedchinese.GB18030, cpg: "GB18030", ldid: 0x4D}, true
	}
	return writeEncoding{}, false
}

// encode returns s in the target encoding, or false if it holds a character the encoding
// cannot represent.
func (w writeEncoding) encode(s string) ([]byte, bool) {
	if w.enc == nil || isASCII([]byte(s)) {
		return []byte(s), true
	}
	b, err := w.enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		return nil, false
	}
	return b, true
}

func isValidUTF8(s string) bool { return utf8.ValidString(s) }
