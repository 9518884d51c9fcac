#!/bin/sh
# Regenerate the autotools build files (configure, Makefile.in, libtool).
set -e
cd "$(dirname "$0")"
autoreconf --install --force --warnings=all >/dev/null
