#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The Windows Server Backup rules as vss-reg applies them: duplicate identifiers (the later
# registration is ignored, case-insensitively, with a warning and the reason), the 256-character
# limit in ASCII and in multi-byte text, malformed writer GUIDs, wrong value types, the CLSID.
. "$(dirname "$0")/lib.sh"
require_root "registering applications writes the registry"

G1='{11111111-1111-1111-1111-111111111111}'
G2='{22222222-2222-2222-2222-222222222222}'
G3='{33333333-3333-3333-3333-333333333333}'
CLS='{44444444-4444-4444-4444-444444444444}'

register() { # GUID IDENTIFIER
    "$VSS_REG" add "$WSB_APPS\\$1" /v "Application Identifier" /t REG_SZ /d "$2" /f
}

# --- Duplicates --------------------------------------------------------------------------------
expect_exit "first registration" 0 register "$G1" "Contoso Database"
expect_eq "first: no warning" "" "$ERR"
expect_exit "duplicate, other case" 0 register "$G2" "CONTOSO database"
expect_contains "duplicate: warning" "WARNING: The registration $G2 will be ignored" "$ERR"
expect_contains "duplicate: names the earlier one" "$G1" "$ERR"
expect_exit "apps" 0 "$VSS_REG" apps
expect_contains "apps: first ok" "$G1  Contoso Database" "$OUT"
expect_contains "apps: second ignored" "ignored: the earlier registration $G1" "$OUT"

expect_exit "apps --json" 0 "$VSS_REG" apps --json
python3 - "$OUT" "$G1" "$G2" <<'EOF' || fail "apps --json content"
import json, sys
apps = json.loads(sys.argv[1])
assert [a["key"] for a in apps] == [sys.argv[2], sys.argv[3]], apps
assert apps[0]["status"] == "ok" and apps[0]["reason"] is None, apps[0]
assert apps[0]["writer_id"] == sys.argv[2] and apps[0]["identifier"] == "Contoso Database"
assert apps[1]["status"] == "ignored" and sys.argv[2] in apps[1]["reason"], apps[1]
assert apps[0]["clsid"] is None and apps[0]["addin"] is None
EOF
echo "ok: apps --json content"

# Renaming the second one makes both selectable; no warning.
expect_exit "rename the duplicate" 0 register "$G2" "Contoso Mail"
expect_eq "rename: no warning" "" "$ERR"
expect_exit "apps after rename" 0 "$VSS_REG" apps --json
[ "$(grep -c '"status": "ok"' <<<"$OUT")" -eq 2 ] || fail "both registrations should be ok"
echo "ok: both ok after the rename"

# --- 256 characters, counted in characters --------------------------------------------------------
a256=$(printf 'a%.0s' $(seq 256))
e256=$(printf '\xc3\xa9%.0s' $(seq 256))      # é: 2 bytes each, 512 bytes
m256=$(printf '\xe6\x97\xa5%.0s' $(seq 256))  # 日: 3 bytes each, 768 bytes
expect_exit "256 ASCII characters" 0 register "$G3" "$a256"
expect_exit "257 ASCII characters" 1 register "$G3" "${a256}a"
expect_contains "257: says why" "257 characters; at most 256" "$ERR"
expect_exit "256 two-byte characters" 0 register "$G3" "$e256"
expect_exit "257 two-byte characters" 1 register "$G3" "${e256}é"
expect_contains "257 é: says why" "257 characters" "$ERR"
expect_exit "256 three-byte characters" 0 register "$G3" "$m256"
expect_exit "257 three-byte characters" 1 register "$G3" "${m256}日"
expect_exit "the refused writes changed nothing" 0 "$VSS_REG" query "$WSB_APPS\\$G3" /v "Application Identifier"
expect_contains "still the 256 three-byte identifier" "$m256" "$OUT"
expect_exit "empty identifier" 1 register "$G3" ""
expect_contains "empty: says why" "empty" "$ERR"

# --- Malformed writer GUIDs and wrong value types ----------------------------------------------
for bad in 'CE4EF7DC-18CE-4A11-B4C9-D7A668637D1B' '{CE4EF7DC-18CE-4A11-B4C9-D7A668637D1}' \
    '{CE4EF7DC18CE4A11B4C9D7A668637D1B}' '{XE4EF7DC-18CE-4A11-B4C9-D7A668637D1B}' 'My App'; do
    expect_exit "key name '$bad' refused" 1 register "$bad" "Bad"
    expect_contains "'$bad': says why" "named after the writer class id" "$ERR"
done
expect_exit "key alone refused too" 1 "$VSS_REG" add "$WSB_APPS\\not-a-guid" /f
expect_exit "lower-case GUID accepted" 0 register '{aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee}' "Lower"

expect_exit "identifier as REG_DWORD" 1 "$VSS_REG" add "$WSB_APPS\\$G1" /v "Application Identifier" /t REG_DWORD /d 1 /f
expect_contains "DWORD: says why" "is REG_DWORD, not REG_SZ" "$ERR"
expect_exit "identifier as REG_EXPAND_SZ" 1 "$VSS_REG" add "$WSB_APPS\\$G1" /v "Application Identifier" /t REG_EXPAND_SZ /d x /f
expect_exit "identifier as REG_MULTI_SZ" 1 "$VSS_REG" add "$WSB_APPS\\$G1" /v "Application Identifier" /t REG_MULTI_SZ /d x /f
expect_exit "value name in another case is the same value" 1 "$VSS_REG" add "$WSB_APPS\\$G1" /v "application IDENTIFIER" /t REG_DWORD /d 1 /f
expect_exit "G1 unchanged" 0 "$VSS_REG" query "$WSB_APPS\\$G1" /v "Application Identifier"
expect_contains "G1 still a REG_SZ" "REG_SZ    Contoso Database" "$OUT"

# --- CLSID ----------------------------------------------------------------------------------------
expect_exit "CLSID not a GUID" 1 "$VSS_REG" add "$WSB_APPS\\$G1" /v CLSID /d "not a guid" /f
expect_contains "CLSID: says why" "not a GUID" "$ERR"
expect_exit "CLSID as REG_DWORD" 1 "$VSS_REG" add "$WSB_APPS\\$G1" /v CLSID /t REG_DWORD /d 7 /f
expect_exit "CLSID as REG_SZ GUID" 0 "$VSS_REG" add "$WSB_APPS\\$G1" /v CLSID /t REG_SZ /d "$CLS" /f
expect_exit "apps: add-in without server" 0 "$VSS_REG" apps
expect_contains "apps: CLSID shown" "$CLS" "$OUT"
expect_exit "add-in server" 0 "$VSS_REG" add "HKCR\\CLSID\\$CLS\\LocalServer32" /ve /d /usr/libexec/contoso-addin /f
expect_exit "apps --json: add-in" 0 "$VSS_REG" apps --json
expect_contains "json: clsid" "\"clsid\": \"$CLS\"" "$OUT"
expect_contains "json: add-in path" '"addin": "/usr/libexec/contoso-addin"' "$OUT"

# --- Nothing registered -------------------------------------------------------------------------
rm -f "$VSS_REGISTRY_PATH"
expect_exit "apps on an empty registry" 0 "$VSS_REG" apps
expect_eq "empty: message" "No applications are registered with Windows Server Backup." "$OUT"
expect_exit "apps --json on an empty registry" 0 "$VSS_REG" apps --json
expect_eq "empty: json" "[]" "$OUT"
expect_exit "apps with an unknown option" 1 "$VSS_REG" apps --xml
expect_contains "apps --xml: says why" "Unknown option '--xml'" "$ERR"
echo "PASS"
