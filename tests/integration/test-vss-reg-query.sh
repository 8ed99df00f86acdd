#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# reg query's output, byte for byte, and the confirmations of add and delete (end of input
# cancels; "echo y |" confirms).
. "$(dirname "$0")/lib.sh"
require_root "the test writes the registry"

K='HKLM\SOFTWARE\Q'
L='HKEY_LOCAL_MACHINE\SOFTWARE\Q'
add() { "$VSS_REG" add "$@" >/dev/null || fail "add $*"; }

add "$K" /v "Name" /d "Contoso"
add "$K" /v "Count" /t REG_DWORD /d 42
add "$K" /v "Big" /t REG_QWORD /d 0x123456789abcdef
add "$K" /v "Bytes" /t REG_BINARY /d 00ff10
add "$K" /v "List" /t REG_MULTI_SZ /d 'a\0b\0c'
add "$K" /v "Path" /t REG_EXPAND_SZ /d '%TEMP%\x'
add "$K" /v "Nothing" /t REG_NONE
add "$K\\Sub" /v "Inner" /d "contoso inside"
add "$K\\Sub\\Leaf"
add "$K\\Other"

expect_exit "query" 0 "$VSS_REG" query "$K"
expect_eq "query output" "
$L
    Name    REG_SZ    Contoso
    Count    REG_DWORD    0x2a
    Big    REG_QWORD    0x123456789abcdef
    Bytes    REG_BINARY    00FF10
    List    REG_MULTI_SZ    a\\0b\\0c
    Path    REG_EXPAND_SZ    %TEMP%\\x
    Nothing    REG_NONE    00

$L\\Sub
$L\\Other" "$OUT"

expect_exit "query /s" 0 "$VSS_REG" query "$K\\Sub" /s
expect_eq "query /s output" "
$L\\Sub
    Inner    REG_SZ    contoso inside

$L\\Sub\\Leaf" "$OUT"

expect_exit "query /v" 0 "$VSS_REG" query "$K" /v count
expect_eq "query /v output" "
$L
    Count    REG_DWORD    0x2a" "$OUT"

expect_exit "query /v /z /se" 0 "$VSS_REG" query "$K" /v List /z /se ,
expect_eq "query /z output" "
$L
    List    REG_MULTI_SZ (7)    a,b,c" "$OUT"

expect_exit "query /ve, not set" 0 "$VSS_REG" query "$K" /ve
expect_eq "query /ve output" "
$L
    (Default)    REG_SZ    (value not set)" "$OUT"

expect_exit "query /v /s" 0 "$VSS_REG" query "$K" /v Inner /s
expect_eq "query /v /s output" "
$L\\Sub
    Inner    REG_SZ    contoso inside

End of search: 1 match(es) found." "$OUT"

expect_exit "query /t" 0 "$VSS_REG" query "$K" /t REG_DWORD
expect_contains "query /t: the DWORD" "Count    REG_DWORD    0x2a" "$OUT"
grep -q REG_SZ <<<"$OUT" && fail "query /t REG_DWORD showed a REG_SZ"

expect_exit "query /f" 0 "$VSS_REG" query "$K" /f contoso /s
expect_eq "query /f output" "
$L
    Name    REG_SZ    Contoso

$L\\Sub
    Inner    REG_SZ    contoso inside

End of search: 2 match(es) found." "$OUT"

expect_exit "query /f /c" 0 "$VSS_REG" query "$K" /f contoso /s /c
expect_contains "query /f /c: one match" "End of search: 1 match(es) found." "$OUT"
expect_exit "query /f /e" 0 "$VSS_REG" query "$K" /f contoso /s /e /d
expect_contains "query /f /e: one match" "End of search: 1 match(es) found." "$OUT"
expect_exit "query /f /k" 0 "$VSS_REG" query "$K" /f lea /k /s
expect_eq "query /f /k output" "
$L\\Sub\\Leaf
End of search: 1 match(es) found." "$OUT"
expect_exit "query /f /v" 0 "$VSS_REG" query "$K" /f ount /v
expect_contains "query /f /v: value names" "Count    REG_DWORD    0x2a" "$OUT"
expect_exit "query /f, nothing" 0 "$VSS_REG" query "$K" /f zzz /s
expect_contains "query /f, nothing: count" "End of search: 0 match(es) found." "$OUT"

# Errors.
expect_exit "query of a missing key" 1 "$VSS_REG" query "$K\\Missing"
expect_eq "missing key message" "ERROR: The system was unable to find the specified registry key or value." "$ERR"
expect_exit "query of a missing value" 1 "$VSS_REG" query "$K" /v Missing
expect_exit "query with a bad switch" 1 "$VSS_REG" query "$K" /x
expect_eq "bad switch message" "ERROR: Invalid syntax. '/x' is not a switch of query.
Type \"vss-reg query /?\" for the syntax." "$ERR"
expect_exit "query /k without /f" 1 "$VSS_REG" query "$K" /k
expect_contains "/k without /f" "/k, /d, /c and /e need /f" "$ERR"
expect_exit "query /?" 0 "$VSS_REG" query /?
expect_contains "query /? shows the syntax" "REG QUERY KeyName" "$OUT"

# --- add asks before replacing a value -------------------------------------------------------------
expect_exit "add onto a value, end of input" 0 "$VSS_REG" add "$K" /v Name /d "Other" </dev/null
expect_contains "add: asked" "Value Name exists, overwrite(Yes/No)?" "$ERR"
expect_eq "add: cancelled" "The operation was cancelled." "$OUT"
expect_exit "add onto the default value, answered no" 0 "$VSS_REG" add "$K" /v Name /d "Other" <<<"no"
expect_exit "value kept" 0 "$VSS_REG" query "$K" /v Name
expect_contains "still Contoso" "REG_SZ    Contoso" "$OUT"
expect_exit "add onto a value, answered y" 0 "$VSS_REG" add "$K" /v Name /d "Other" <<<"y"
expect_eq "add: done" "The operation completed successfully." "$OUT"
expect_exit "value replaced" 0 "$VSS_REG" query "$K" /v Name
expect_contains "now Other" "REG_SZ    Other" "$OUT"
expect_exit "add of a new value asks nothing" 0 "$VSS_REG" add "$K" /v Fresh /d x </dev/null
expect_eq "add new: no question" "" "$ERR"

# --- delete asks first ----------------------------------------------------------------------------
expect_exit "delete key, end of input" 0 "$VSS_REG" delete "$K\\Other" </dev/null
expect_contains "delete: asked" "Permanently delete the registry key $L\\Other (Yes/No)?" "$ERR"
expect_eq "delete: cancelled" "The operation was cancelled." "$OUT"
expect_exit "key kept" 0 "$VSS_REG" query "$K\\Other"
expect_exit "delete value, end of input" 0 "$VSS_REG" delete "$K" /v Count </dev/null
expect_exit "value kept" 0 "$VSS_REG" query "$K" /v Count
expect_exit "delete /va, end of input" 0 "$VSS_REG" delete "$K\\Sub" /va </dev/null
expect_exit "values kept" 0 "$VSS_REG" query "$K\\Sub" /v Inner
expect_exit "delete value, echo y" 0 bash -c "echo y | '$VSS_REG' delete '$K' /v Count"
expect_exit "value gone" 1 "$VSS_REG" query "$K" /v Count
expect_exit "delete /va /f" 0 "$VSS_REG" delete "$K\\Sub" /va /f
expect_exit "values gone, key kept" 0 "$VSS_REG" query "$K\\Sub"
expect_exit "delete key /f" 0 "$VSS_REG" delete "$K\\Other" /f
expect_exit "key gone" 1 "$VSS_REG" query "$K\\Other"
expect_exit "delete a missing key" 1 "$VSS_REG" delete "$K\\Other" /f
expect_contains "missing key message" "unable to find the specified registry key" "$ERR"
expect_exit "delete a missing value" 1 "$VSS_REG" delete "$K" /v Nope /f
expect_exit "delete the root" 1 "$VSS_REG" delete 'HKLM' /f
echo "PASS"
