#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The registration lines of the Windows Server Backup document, byte for byte: as published
# (with the mojibake closing quote), with typographic quotes, with straight quotes, and the
# template form with a real GUID and an unquoted /d value. Each registers "My Application",
# through a batch file, through -c, and from standard input; then the example of the README.
. "$(dirname "$0")/lib.sh"
require_root "registering applications writes the registry"

SEEDS="$SEED_DIR/wsb"
GUID='{CE4EF7DC-18CE-4A11-B4C9-D7A668637D1B}'

check_registered() {
    expect_exit "$1: apps" 0 "$VSS_REG" apps
    expect_contains "$1: apps lists My Application" "$GUID  My Application" "$OUT"
    expect_contains "$1: registration ok" " ok" "$OUT"
    expect_exit "$1: query" 0 "$VSS_REG" query "$WSB_APPS\\$GUID" /v "Application Identifier"
    expect_eq "$1: query output" "
$WSB_APPS\\$GUID
    Application Identifier    REG_SZ    My Application" "$OUT"
}

for seed in register-as-published register-typographic register-straight; do
    bat="$SEEDS/$seed.bat"
    [ -f "$bat" ] || fail "missing seed $bat"

    # 1. As a batch file (vss-reg run FILE and vss-reg FILE).
    rm -f "$VSS_REGISTRY_PATH"
    expect_exit "$seed: run" 0 "$VSS_REG" run "$bat"
    expect_eq "$seed: run output" "The operation completed successfully." "$OUT"
    check_registered "$seed (run)"

    rm -f "$VSS_REGISTRY_PATH"
    expect_exit "$seed: as the command" 0 "$VSS_REG" "$bat"
    check_registered "$seed (vss-reg FILE.bat)"

    # 2. The line itself, as typed or pasted into a shell, with -c.
    rm -f "$VSS_REGISTRY_PATH"
    line=$(tr -d '\r\n' <"$bat")
    expect_exit "$seed: -c" 0 "$VSS_REG" -c "$line"
    check_registered "$seed (-c)"

    # 3. The batch file on standard input.
    rm -f "$VSS_REGISTRY_PATH"
    expect_exit "$seed: run -" 0 "$VSS_REG" run - <"$bat"
    check_registered "$seed (stdin)"
done

# The template line of the document, filled in as a reader would: a GUID of their own and an
# unquoted ApplicationDisplayName, keeping the published closing quote.
template="$TESTDIR/template.bat"
sed -e 's/{CE4EF7DC-18CE-4A11-B4C9-D7A668637D1B}/{0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0}/' \
    -e 's/\/d "My Application"/\/d MyApp/' "$SEEDS/register-as-published.bat" >"$template"
grep -q 'â€?' "$template" || fail "the template lost the published quote"
grep -q '/d MyApp /f' "$template" || fail "the template has no unquoted /d value"
rm -f "$VSS_REGISTRY_PATH"
expect_exit "template: run" 0 "$VSS_REG" run "$template"
expect_exit "template: apps" 0 "$VSS_REG" apps
expect_contains "template: apps" "{0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0}  MyApp" "$OUT"

# Both at once: the documented example and the filled-in template are two applications.
expect_exit "both: run the example too" 0 "$VSS_REG" run "$SEEDS/register-straight.bat"
expect_exit "both: apps" 0 "$VSS_REG" apps --json
expect_contains "both: json has MyApp" '"identifier": "MyApp"' "$OUT"
expect_contains "both: json has My Application" '"identifier": "My Application"' "$OUT"

# The README's first command, against a fresh registry.
rm -f "$VSS_REGISTRY_PATH"
cd "$SOURCE_ROOT"
expect_exit "README: run the example" 0 "$VSS_REG" run examples/wsb-register.bat
expect_exit "README: apps" 0 "$VSS_REG" apps
expect_contains "README: apps shows My Application" "My Application" "$OUT"
echo "PASS"
