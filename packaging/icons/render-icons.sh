#!/bin/sh
# Renders thena-inspector.svg into the hicolor PNG sizes next to it. Run after editing the SVG and
# commit the PNGs: the build and the package use the PNGs, so neither needs ImageMagick.
set -eu
cd "$(dirname "$0")"
for size in 16 22 24 32 48 64 128 256 512; do
  # -density scales the 256-unit drawing before rasterising, so large sizes are drawn, not upscaled.
  convert -background none -density "$((72 * size / 256 + 1))" thena-inspector.svg \
    -resize "${size}x${size}" -strip "PNG32:thena-inspector-${size}.png"
done
