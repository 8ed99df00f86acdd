#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Prints the C sources and headers that the linters check: the library, daemons and programs
# (src/), the public headers and the examples. Tests are held to the compilers' warnings only.
set -euo pipefail
cd "$1"
git ls-files --cached --others --exclude-standard -- 'src/*.c' 'src/*.h' 'include/*.h' 'examples/*.c' 2>/dev/null ||
    find src include examples -name '*.[ch]'
