#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Configures (once) and compiles linvss into DIR (default: build). Extra arguments go to
# 'meson setup' the first time.
set -euo pipefail
dir=${1:-build}
shift || true
cd "$(dirname "$0")/.."
if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@"
fi
meson compile -C "$dir"
