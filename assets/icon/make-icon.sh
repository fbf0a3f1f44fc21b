#!/bin/sh
# Redraws assets/icon/icon.png (512×512): plan blocks on a map grid under a map pin bearing 矿.
# Not run by the build: the PNG is committed. Needs ImageMagick 6 (`convert`).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
font="$here/../fonts/kuanggui-cjk.ttf"
out="$here/icon.png"

# Everything is drawn on an opaque square, then cut to a rounded square by the final mask.
convert -size 512x512 xc:'#0B5D6B' \
  -fill '#F2B134B0' -draw 'polygon 0,336 160,336 160,416 240,416 240,512 0,512' \
  -fill '#E4572EB0' -draw 'polygon 320,336 512,336 512,512 360,512 320,416' \
  -fill '#8CD17D90' -draw 'polygon 0,0 160,0 160,176 0,176' \
  -fill '#8CD17D90' -draw 'polygon 400,0 512,0 512,256 400,256 400,176 320,176 320,96 400,96' \
  -stroke '#FFFFFF38' -strokewidth 3 \
  -draw 'line 80,0 80,512 line 160,0 160,512 line 240,0 240,512 line 320,0 320,512 line 400,0 400,512' \
  -draw 'line 0,96 512,96 line 0,176 512,176 line 0,256 512,256 line 0,336 512,336 line 0,416 512,416' \
  -stroke none \
  \( -size 512x512 xc:none -fill '#00000070' \
     -draw 'path "M 266,480 L 133,300 A 150 150 0 1 1 399,300 Z"' -blur 0x8 \) -compose Over -composite \
  -fill '#FFFFFF' -draw 'path "M 256,470 L 123.3,290 A 150 150 0 1 1 388.7,290 Z"' \
  -fill '#0B5D6B' -draw 'circle 256,220 256,100' \
  -font "$font" -pointsize 160 -fill '#FFFFFF' -stroke '#FFFFFF' -strokewidth 5 \
  -gravity center -annotate +0-36 '矿' -gravity NorthWest -stroke none \
  \( -size 512x512 xc:black -fill white -draw 'roundrectangle 16,16 495,495 96,96' \) \
  -alpha off -compose CopyOpacity -composite \
  -strip "PNG32:$out"
echo "wrote $out"
