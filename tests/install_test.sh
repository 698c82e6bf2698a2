#!/usr/bin/env bash
# install_test: `cmake --install` of a build puts every file of a desktop
# program in its GNUInstallDirs place, the man pages render without a groff
# warning, the .desktop entry is valid, and the installed programs run.
# Usage: install_test.sh BUILD_DIR
set -euo pipefail
build=$1
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
fail=0
for f in bin/embedviz bin/embedviz-train share/applications/embedviz.desktop \
         share/icons/hicolor/scalable/apps/embedviz.svg share/man/man1/embedviz.1.gz \
         share/man/man1/embedviz-train.1.gz share/embedviz/data/README.md share/embedviz/data/animals.txt; do
  [ -s "$prefix/$f" ] || { echo "install_test: $f is missing"; fail=1; }
done
if command -v rsvg-convert >/dev/null; then
  for size in 16 32 48 128 256; do
    png="$prefix/share/icons/hicolor/${size}x$size/apps/embedviz.png"
    [ -s "$png" ] || { echo "install_test: the ${size}x$size icon is missing"; fail=1; continue; }
    # PNG header: the width and height are bytes 16-23, big-endian.
    dims=$(od -An -tu1 -j16 -N8 "$png" | awk '{print $3*256+$4 "x" $7*256+$8}')
    [ "$dims" = "${size}x$size" ] || { echo "install_test: the ${size}x$size icon is $dims"; fail=1; }
  done
fi
if command -v groff >/dev/null; then
  for page in embedviz embedviz-train; do
    warnings=$(zcat "$prefix/share/man/man1/$page.1.gz" | LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z 2>&1)
    [ -z "$warnings" ] || { echo "install_test: $page.1: $warnings"; fail=1; }
    zcat "$prefix/share/man/man1/$page.1.gz" | grep -q "^\.SH OPTIONS" || { echo "install_test: $page.1 has no OPTIONS"; fail=1; }
  done
fi
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$prefix/share/applications/embedviz.desktop" || fail=1
fi
# Every flag --help lists is in the man page.
for prog in embedviz embedviz-train; do
  help=$("$prefix/bin/$prog" --help) || { echo "install_test: $prog --help failed"; fail=1; continue; }
  page=$(zcat "$prefix/share/man/man1/$prog.1.gz" | sed 's/\\-/-/g')
  for flag in $(grep -o -- '--[a-z][a-z0-9-]*' <<<"$help" | sort -u); do
    grep -q -- "$flag" <<<"$page" || { echo "install_test: $prog's man page does not describe $flag"; fail=1; }
  done
done
exit $fail
