#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Installs everything linvss needs to build and to run its whole test suite on Debian 12
# (bookworm). Run as root. Packages already present are left alone.
set -euo pipefail

packages=(
    # build
    meson ninja-build pkg-config gcc g++ libjansson-dev libsqlite3-dev
    # tests and checks
    libcmocka-dev clang clang-tidy clang-format libclang-rt-14-dev cppcheck python3 sqlite3
    util-linux binutils
    # the snapshot providers' tests and benchmark make these filesystems on loop devices
    btrfs-progs xfsprogs e2fsprogs
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "install-deps: these packages are missing and installing them needs root: ${missing[*]}" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
