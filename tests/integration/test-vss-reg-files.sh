#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# .reg files: export, then import into a fresh registry, gives the same export; regedit's own
# forms import (UTF-16LE, REGEDIT4, deletions); a broken file, or one the store refuses halfway,
# changes nothing; export asks before replacing a file.
. "$(dirname "$0")/lib.sh"
require_root "importing writes the registry"

K='HKLM\SOFTWARE\Contoso'
add() { "$VSS_REG" add "$@" >/dev/null || fail "add $*"; }

add "$K" /ve /d "the default"
add "$K" /v "Str" /d 'C:\Program Files\Contoso "quoted"'
add "$K" /v "Expand" /t REG_EXPAND_SZ /d '%SystemRoot%\system32'
add "$K" /v "Multi" /t REG_MULTI_SZ /d 'one\0two\0dré'
add "$K" /v "Dword" /t REG_DWORD /d 0xdeadbeef
add "$K" /v "Qword" /t REG_QWORD /d 18446744073709551615
add "$K" /v "Binary" /t REG_BINARY /d "$(printf '%02x' $(seq 0 199))"
add "$K" /v "Empty binary" /t REG_BINARY
add "$K" /v "None" /t REG_NONE /d "x"
add "$K" /v "Ünïcödé 日本" /d "😀"
add "$K\\Sub key\\Deeper" /v "x" /d "y"
add "$K\\Empty key"
add "$K\\Sub key" /v "later" /t REG_DWORD /d 1
"$VSS_REG" run "$SEED_DIR/wsb/register-straight.bat" >/dev/null

# --- Round trip -------------------------------------------------------------------------------
expect_exit "export" 0 "$VSS_REG" export 'HKLM\SOFTWARE' "$TESTDIR/a.reg"
expect_eq "export output" "The operation completed successfully." "$OUT"
head -c 38 "$TESTDIR/a.reg" | grep -q '^Windows Registry Editor Version 5.00' || fail "no header"
grep -q $'^\[HKEY_LOCAL_MACHINE\\\\SOFTWARE\\\\Contoso\]\r$' "$TESTDIR/a.reg" || fail "no key line"
grep -q '^"Dword"=dword:deadbeef' "$TESTDIR/a.reg" || fail "dword line"
grep -q '^"Str"="C:\\\\Program Files\\\\Contoso \\"quoted\\""' "$TESTDIR/a.reg" || fail "string escapes"
grep -q '^"Binary"=hex:00,01,02' "$TESTDIR/a.reg" || fail "binary line"
grep -q '^  16,17,18,' "$TESTDIR/a.reg" || fail "hex continuation lines"
echo "ok: export content"

export VSS_REGISTRY_PATH="$TESTDIR/fresh.db"
expect_exit "import into a fresh registry" 0 "$VSS_REG" import "$TESTDIR/a.reg"
expect_exit "export again" 0 "$VSS_REG" export 'HKLM\SOFTWARE' "$TESTDIR/b.reg"
cmp "$TESTDIR/a.reg" "$TESTDIR/b.reg" || fail "the round trip changed the export"
echo "ok: export, import, export gives the same file"
expect_exit "export to standard output" 0 "$VSS_REG" export 'HKLM\SOFTWARE' -
"$VSS_REG" export 'HKLM\SOFTWARE' - >"$TESTDIR/stdout.reg"
cmp "$TESTDIR/a.reg" "$TESTDIR/stdout.reg" || fail "export to standard output differs"
echo "ok: export - writes the file to standard output"
expect_exit "apps after import" 0 "$VSS_REG" apps
expect_contains "the registration came along" "My Application" "$OUT"
expect_exit "query a value" 0 "$VSS_REG" query "$K" /v "Ünïcödé 日本"
expect_contains "unicode value" "Ünïcödé 日本    REG_SZ    😀" "$OUT"

# --- A broken file changes nothing ----------------------------------------------------------------
snapshot() { "$VSS_REG" export 'HKLM\SOFTWARE' "$1" /y >/dev/null || fail "export $1"; }
snapshot "$TESTDIR/before.reg"

printf 'Windows Registry Editor Version 5.00\r\n\r\n[HKLM\\SOFTWARE\\Contoso]\r\n"Str"="changed"\r\n"Bad"=dword:xyz\r\n' \
    >"$TESTDIR/broken.reg"
expect_exit "import of a broken file" 1 "$VSS_REG" import "$TESTDIR/broken.reg"
expect_contains "broken: names file and line" "broken.reg:5: malformed dword" "$ERR"
expect_contains "broken: nothing imported" "Nothing was imported" "$ERR"

# Parses, but the store refuses its last line: the earlier lines must be undone too.
printf 'Windows Registry Editor Version 5.00\r\n\r\n[-HKLM\\SOFTWARE\\Contoso\\Sub key]\r\n[HKLM\\SOFTWARE\\New]\r\n"a"="b"\r\n[%s\\{5555}]\r\n"Application Identifier"="x"\r\n' \
    "$(sed 's/Software/SOFTWARE/' <<<"$WSB_APPS")" >"$TESTDIR/refused.reg"
expect_exit "import refused by the store" 1 "$VSS_REG" import "$TESTDIR/refused.reg"
expect_contains "refused: names file and line" "refused.reg:6: Nothing was imported" "$ERR"
expect_contains "refused: says why" "writer class id" "$ERR"

printf 'REGEDIT5\r\n' >"$TESTDIR/header.reg"
expect_exit "import of a file without the header" 1 "$VSS_REG" import "$TESTDIR/header.reg"
expect_contains "header: says why" "header.reg:1: not a .reg file" "$ERR"
expect_exit "import of a missing file" 1 "$VSS_REG" import "$TESTDIR/missing.reg"
expect_contains "missing: says why" "Failed to read" "$ERR"

snapshot "$TESTDIR/after.reg"
cmp "$TESTDIR/before.reg" "$TESTDIR/after.reg" || fail "a failed import changed the registry"
echo "ok: failed imports changed nothing"

# --- regedit's forms ------------------------------------------------------------------------------
python3 - "$TESTDIR/utf16.reg" <<'EOF'
import sys
text = ('Windows Registry Editor Version 5.00\r\n\r\n'
        '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Wide]\r\n'
        '"Name"="Wért 日本"\r\n'
        '"Path"=hex(2):25,00,50,00,41,00,54,00,48,00,25,00,00,00\r\n'
        '@=dword:00000010\r\n')
open(sys.argv[1], 'wb').write(b'\xff\xfe' + text.encode('utf-16-le'))
EOF
expect_exit "import UTF-16LE" 0 "$VSS_REG" import "$TESTDIR/utf16.reg"
expect_exit "query UTF-16LE import" 0 "$VSS_REG" query 'HKLM\SOFTWARE\Wide'
expect_eq "UTF-16LE content" "
HKEY_LOCAL_MACHINE\\SOFTWARE\\Wide
    Name    REG_SZ    Wért 日本
    Path    REG_EXPAND_SZ    %PATH%
    (Default)    REG_DWORD    0x10" "$OUT"

printf 'REGEDIT4\n\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Wide]\n"Name"=-\n"Old"=hex(7):61,00,62,00,00\n\n[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\Empty key]\n' \
    >"$TESTDIR/v4.reg"
expect_exit "import REGEDIT4 with deletions, from stdin" 0 "$VSS_REG" import - <"$TESTDIR/v4.reg"
expect_exit "query after deletions" 0 "$VSS_REG" query 'HKLM\SOFTWARE\Wide'
expect_eq "REGEDIT4 content" "
HKEY_LOCAL_MACHINE\\SOFTWARE\\Wide
    Path    REG_EXPAND_SZ    %PATH%
    (Default)    REG_DWORD    0x10
    Old    REG_MULTI_SZ    a\\0b" "$OUT"
expect_exit "deleted key" 1 "$VSS_REG" query "$K\\Empty key"

# --- export asks before replacing a file ------------------------------------------------------------
cp "$TESTDIR/a.reg" "$TESTDIR/keep.reg"
expect_exit "export onto a file, end of input" 0 "$VSS_REG" export "$K" "$TESTDIR/keep.reg" </dev/null
expect_contains "asked" "already exists. Overwrite (Yes/No)?" "$ERR"
expect_eq "cancelled" "The operation was cancelled." "$OUT"
cmp "$TESTDIR/a.reg" "$TESTDIR/keep.reg" || fail "a cancelled export changed the file"
expect_exit "export onto a file, answered no" 0 "$VSS_REG" export "$K" "$TESTDIR/keep.reg" <<<"n"
cmp "$TESTDIR/a.reg" "$TESTDIR/keep.reg" || fail "an export answered no changed the file"
expect_exit "export onto a file, answered yes" 0 "$VSS_REG" export "$K" "$TESTDIR/keep.reg" <<<"yes"
cmp -s "$TESTDIR/a.reg" "$TESTDIR/keep.reg" && fail "the export did not replace the file"
expect_exit "export /y" 0 "$VSS_REG" export "$K" "$TESTDIR/keep.reg" /y </dev/null
expect_eq "export /y asks nothing" "" "$ERR"
expect_exit "export of a missing key" 1 "$VSS_REG" export 'HKLM\SOFTWARE\Nope' "$TESTDIR/x.reg"
[ ! -e "$TESTDIR/x.reg" ] || fail "a failed export left a file"
expect_exit "export into a missing directory" 1 "$VSS_REG" export "$K" "$TESTDIR/no/x.reg"
expect_contains "missing directory: says why" "Failed to write" "$ERR"
[ -z "$(find "$TESTDIR" -name '*.tmp-*')" ] || fail "temporary files were left behind"
echo "PASS"
