#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Compiles every public header on its own as strict ISO C11 and as C++17, and checks that
# libvss.so exports nothing but vss_* symbols.
# Usage: check-api-headers.sh SOURCE_ROOT LIBVSS_SO
set -euo pipefail

src=$1
lib=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cc=${CC:-cc}
cxx=c++
command -v "$cxx" >/dev/null || cxx=clang++
fail=0

for h in "$src"/include/vss/*.h; do
    name=$(basename "$h")
    printf '#include <vss/%s>\n#include <vss/%s>\nint main(void) { return 0; }\n' "$name" "$name" >"$tmp/t.c"
    if ! $cc -std=c11 -pedantic-errors -Wall -Wextra -Werror -I"$src/include" -c "$tmp/t.c" -o "$tmp/t.o"; then
        echo "FAIL: $name does not compile as strict C11"
        fail=1
    fi
    cp "$tmp/t.c" "$tmp/t.cc"
    if ! $cxx -std=c++17 -pedantic-errors -Wall -Wextra -Werror -I"$src/include" -c "$tmp/t.cc" -o "$tmp/t.o"; then
        echo "FAIL: $name does not compile as C++17"
        fail=1
    fi
    echo "ok: $name (C11, C++17)"
done

# A C++ program that links against the library and calls into it through the headers.
cat >"$tmp/use.cc" <<'CXX'
#include <vss/vss.h>
#include <cstring>
int main() {
        vss_guid g;
        char buf[VSS_GUID_STRING_MAX];
        if (vss_guid_from_string("ce4ef7dc-18ce-4a11-b4c9-d7a668637d1b", &g) != 0)
                return 1;
        return std::strcmp(vss_guid_to_string(&g, buf), "{CE4EF7DC-18CE-4A11-B4C9-D7A668637D1B}") == 0 ? 0 : 1;
}
CXX
# A sanitizer build's library needs the sanitizer runtime in the program too.
san=()
if nm -D "$lib" | grep -c ' U __asan_' >/dev/null; then
    san=(-fsanitize=address,undefined)
    cxx=clang++
fi
if $cxx -std=c++17 "${san[@]}" -I"$src/include" "$tmp/use.cc" "$lib" -o "$tmp/use" && LD_LIBRARY_PATH=$(dirname "$lib") "$tmp/use"; then
    echo "ok: a C++ program links and runs against $(basename "$lib")"
else
    echo "FAIL: a C++ program cannot use $(basename "$lib")"
    fail=1
fi

bad=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | grep -v '^vss_' | grep -v '^LIBVSS_' || true)
if [ -n "$bad" ]; then
    echo "FAIL: libvss exports symbols outside the vss_ namespace:"
    echo "$bad"
    fail=1
else
    echo "ok: libvss exports only vss_* ($(nm -D --defined-only "$lib" | grep -c ' vss_') symbols)"
fi
exit $fail
