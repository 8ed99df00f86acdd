#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Without root every write is refused with a message that says administrator privilege is
# required, and the registry is left as it was; reading works for everyone.
. "$(dirname "$0")/lib.sh"
require_root "the test runs vss-reg as root and as nobody"
id nobody >/dev/null 2>&1 || skip "there is no user 'nobody'"

GUID='{CE4EF7DC-18CE-4A11-B4C9-D7A668637D1B}'
expect_exit "root registers" 0 "$VSS_REG" run "$SEED_DIR/wsb/register-straight.bat"
expect_exit "root adds a value" 0 "$VSS_REG" add 'HKLM\SOFTWARE\Test' /v n /t REG_DWORD /d 5 /f

public="$TESTDIR/public"
mkdir -m 0777 "$public"
expect_exit "export before" 0 "$VSS_REG" export 'HKLM\SOFTWARE' "$TESTDIR/before.reg" /y
cp "$TESTDIR/before.reg" "$public/import.reg"
chmod 0644 "$public/import.reg"
printf 'reg add HKLM\\SOFTWARE\\Test /v m /d x /f\r\n' >"$public/script.bat"
chmod 0644 "$public/script.bat"

denied() { # WHAT COMMAND...
    local what=$1
    shift
    expect_exit "nobody: $what refused" 1 as_nobody "$@"
    expect_contains "nobody: $what: says why" \
        "Access is denied. Administrator privilege is required" "$ERR"
}

denied "add" "$VSS_REG" add 'HKLM\SOFTWARE\Test' /v n /t REG_DWORD /d 6 /f
denied "add key" "$VSS_REG" add 'HKLM\SOFTWARE\Other' /f
denied "registration" "$VSS_REG" add "$WSB_APPS\\{22222222-2222-2222-2222-222222222222}" \
    /v "Application Identifier" /d "Mine" /f
denied "delete value" "$VSS_REG" delete 'HKLM\SOFTWARE\Test' /v n /f
denied "delete key" "$VSS_REG" delete 'HKLM\SOFTWARE\Test' /f
denied "delete all values" "$VSS_REG" delete 'HKLM\SOFTWARE\Test' /va /f
denied "import" "$VSS_REG" import "$public/import.reg"
denied "-c" "$VSS_REG" -c 'reg add HKLM\SOFTWARE\Test /v n /d 7 /f'
denied "batch file" "$VSS_REG" run "$public/script.bat"
expect_contains "nobody: batch: names the line" "script.bat:1: ERROR" "$ERR"

# Reading works, and shows that nothing changed.
expect_exit "nobody: query" 0 as_nobody "$VSS_REG" query 'HKLM\SOFTWARE\Test' /v n
expect_contains "nobody: query output" "n    REG_DWORD    0x5" "$OUT"
expect_exit "nobody: apps" 0 as_nobody "$VSS_REG" apps
expect_contains "nobody: apps output" "My Application" "$OUT"
expect_exit "nobody: export" 0 as_nobody "$VSS_REG" export 'HKLM\SOFTWARE' "$public/after.reg"
cmp "$TESTDIR/before.reg" "$public/after.reg" || fail "the refused writes changed the registry"
echo "ok: the registry is unchanged"

# A registry that does not exist yet reads as empty, for anyone, and is not created.
export VSS_REGISTRY_PATH="$TESTDIR/none/registry.db"
expect_exit "nobody: query of a registry that does not exist" 1 as_nobody "$VSS_REG" query 'HKLM\SOFTWARE'
expect_contains "missing key" "unable to find the specified registry key" "$ERR"
expect_exit "nobody: apps of a registry that does not exist" 0 as_nobody "$VSS_REG" apps
denied "add to a registry that does not exist" "$VSS_REG" add 'HKLM\SOFTWARE\X' /f
[ ! -e "$VSS_REGISTRY_PATH" ] || fail "a refused write created the registry"
echo "PASS"
