#!/bin/sh
# Rebuilds assets/fonts/kuanggui-cjk.ttf from Debian's fonts-noto-cjk (Noto Sans CJK SC Regular).
# Not run by the build: the .ttf is committed. Run from anywhere:
#   sh assets/fonts/make-subset.sh
# Needs: apt-get install -y fonts-noto-cjk python3-fonttools
#
# Why convert: Noto Sans CJK ships CFF outlines in a .ttc, which golang.org/x/image/font/opentype
# cannot load; we subset the SC face and redraw its cubic outlines as TrueType quadratics (cu2qu).
#
# Character set: ASCII, Latin-1, general punctuation, CJK punctuation, full-width forms, a few
# symbols, all 6763 GB2312 hanzi, plus every character in the extra sources below. extra-chars.txt
# (committed) keeps those extra characters so the build is reproducible without /work/shared; it is
# refreshed from the sources when they are present.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=${NOTO_TTC:-/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc}
shared=${SHARED:-/work/shared}
py=/usr/bin/python3 # Debian's python3-fonttools lives here, not in a pyenv interpreter

[ -f "$src" ] || { echo "missing $src: apt-get install -y fonts-noto-cjk" >&2; exit 1; }
"$py" -c 'import fontTools' 2>/dev/null || { echo "apt-get install -y python3-fonttools" >&2; exit 1; }

"$py" - "$here" "$src" "$shared" <<'EOF'
import os, struct, sys
from fontTools.ttLib import TTCollection, TTFont, newTable
from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen

here, src, shared = sys.argv[1:4]
out = os.path.join(here, "kuanggui-cjk.ttf")
extra_path = os.path.join(here, "extra-chars.txt")

def dbf_text(path):
    """Text of every C (character) field of a dBASE file, decoded as UTF-8 or else GBK."""
    data = open(path, "rb").read()
    nrec, hlen, rlen = struct.unpack("<IHH", data[4:12])
    fields, off, pos = [], 1, 32
    while pos + 32 <= hlen and data[pos] != 0x0D:
        d = data[pos:pos + 32]
        if d[11:12] == b"C":
            fields.append((off, d[16]))
        off += d[16]
        pos += 32
    raw = b"".join(data[hlen + i * rlen + o: hlen + i * rlen + o + n]
                   for i in range(nrec) for o, n in fields)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gbk")

# Extra characters from the plan text, the catalog and the real boundary data.
sources = [os.path.join(shared, "seed", "000_cd00d53bd0ea1dbd.txt"),
           os.path.join(here, "..", "catalog.json")]
realdir = os.path.join(shared, "data", "real")
if os.path.isdir(realdir):
    sources += [os.path.join(realdir, f) for f in sorted(os.listdir(realdir)) if f.endswith(".dbf")]
extra = set()
found = [p for p in sources if os.path.isfile(p)]
for p in found:
    extra |= set(dbf_text(p) if p.endswith(".dbf") else open(p, encoding="utf-8").read())
if len(found) == len(sources) and os.path.isdir(realdir):
    extra = {c for c in extra if ord(c) >= 0x80 and c.isprintable()}
    with open(extra_path, "w", encoding="utf-8") as f:
        f.write("".join(sorted(extra)) + "\n")
    print("extra-chars.txt refreshed from", len(found), "sources")
else:
    print("sources missing; using committed extra-chars.txt")
extra = set(open(extra_path, encoding="utf-8").read().strip())

# GB2312 hanzi: rows 16-55 are level 1, rows 56-87 level 2 (94 cells each, 5 unused in row 55).
gb = set()
for row in range(0xB0, 0xF8):
    for cell in range(0xA1, 0xFF):
        try:
            gb.add(bytes([row, cell]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
assert len(gb) == 6763, len(gb)

cps = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))
cps |= set(range(0x2000, 0x2070))   # general punctuation
cps |= set(range(0x3000, 0x3040))   # CJK symbols and punctuation
cps |= set(range(0xFF00, 0xFFF0))   # half-width and full-width forms
symbols = set("°′″×÷±²³¹·—–‰№℃←↑→↓√∞≈≠≤≥①②③④⑤⑥⑦⑧⑨⑩■□▲△●○◆◇★☆※")
must = {ord(c) for c in gb | extra | symbols}
cps |= must

coll = TTCollection(src)
font = coll[2]  # 0 JP, 1 KR, 2 SC, 3 TC, 4 HK
assert font["name"].getDebugName(4) == "Noto Sans CJK SC", font["name"].getDebugName(4)
version = font["name"].getDebugName(5)

opts = subset.Options()
opts.layout_features = ["kern"]  # SC default forms only: locl/vert pull in thousands of variants
opts.drop_tables += ["VORG", "vhea", "vmtx", "BASE"]
opts.name_IDs = ["*"]
opts.notdef_outline = True
opts.hinting = False
opts.desubroutinize = True
sub = subset.Subsetter(opts)
sub.populate(unicodes=cps)
sub.subset(font)
missing = sorted(c for c in must if c not in font.getBestCmap())
if missing:
    print("not in source font:", "".join(map(chr, missing)))

# CFF -> glyf with quadratic curves, max error 1 font unit (em = 1000).
order = font.getGlyphOrder()
gs = font.getGlyphSet()
glyphs = {}
for name in order:
    pen = TTGlyphPen(gs)
    gs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
    glyphs[name] = pen.glyph()
del font["CFF "]
if "VORG" in font:
    del font["VORG"]
glyf = font["glyf"] = newTable("glyf")
glyf.glyphOrder = order
glyf.glyphs = glyphs
font["loca"] = newTable("loca")
font["maxp"] = maxp = newTable("maxp")
maxp.tableVersion = 0x00010000
for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
             "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
             "maxComponentElements"):
    setattr(maxp, attr, 0)
maxp.maxZones = 1
font["head"].glyphDataFormat = 0
font["post"].formatType = 3.0  # no glyph names: CID fonts only have cidNNNNN, not worth 60 kB
font.sfntVersion = "\x00\x01\x00\x00"

# OFL: a modified font must not use Reserved Font Names; rename the family to our own.
name = font["name"]
family, full, ps = "Kuanggui CJK", "Kuanggui CJK Regular", "KuangguiCJK-Regular"
for rec in list(name.names):
    if rec.nameID in (1, 16):
        rec.string = family
    elif rec.nameID in (4,):
        rec.string = full
    elif rec.nameID == 6:
        rec.string = ps
    elif rec.nameID == 3:
        rec.string = "Kuanggui CJK Regular; subset of Noto Sans CJK SC " + version
    elif rec.nameID == 17:
        rec.string = "Regular"
name.names = [r for r in name.names if r.nameID not in (18, 20)]
# Keep the source's timestamp so that reruns give byte-identical output.
font.recalcTimestamp = False
font.save(out)

check = TTFont(out)
print("wrote", out, os.path.getsize(out), "bytes,", check["maxp"].numGlyphs, "glyphs,",
      len(check.getBestCmap()), "code points, from", version)
EOF

# Licence text: upstream's notice plus the OFL 1.1 as quoted in Debian's copyright file.
{
  printf "Copyright 2014-2021 Adobe (http://www.adobe.com/), with Reserved Font Name 'Source'.\n\n"
  printf "This Font Software is licensed under the SIL Open Font License, Version 1.1.\n"
  printf "This license is copied below, and is also available with a FAQ at:\nhttps://openfontlicense.org\n\n"
  awk '/^License: SIL-1.1$/{n++; if(n==2){on=1; next}} on && /^[^ ]/{exit} on' \
    /usr/share/doc/fonts-noto-cjk/copyright | sed -e 's/^ \.$//' -e 's/^ //'
} > "$here/OFL.txt"
echo "wrote $here/OFL.txt"
