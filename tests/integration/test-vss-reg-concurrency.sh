#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Eight processes add keys and values at the same time; afterwards every one of them is there.
. "$(dirname "$0")/lib.sh"
require_root "adding keys writes the registry"

WRITERS=8
EACH=25

expect_exit "create the registry" 0 "$VSS_REG" add 'HKLM\SOFTWARE\Load' /f

pids=()
for w in $(seq 1 $WRITERS); do
    (
        for i in $(seq 1 $EACH); do
            # A key of its own, and a value in a key that all writers share.
            "$VSS_REG" add "HKLM\\SOFTWARE\\Load\\w$w\\k$i" /v n /t REG_DWORD /d "$i" /f >/dev/null ||
                exit 1
            "$VSS_REG" add 'HKLM\SOFTWARE\Load\Shared' /v "w$w-$i" /d "$w" /f >/dev/null || exit 1
        done
    ) 2>"$TESTDIR/writer-$w.err" &
    pids+=($!)
done

failed=0
for p in "${pids[@]}"; do
    wait "$p" || failed=$((failed + 1))
done
if [ $failed -ne 0 ]; then
    cat "$TESTDIR"/writer-*.err >&2
    fail "$failed writer(s) failed"
fi
echo "ok: $WRITERS writers finished"

expect_exit "query everything" 0 "$VSS_REG" query 'HKLM\SOFTWARE\Load' /s
keys=$(grep -c '^HKEY_LOCAL_MACHINE\\SOFTWARE\\Load\\w[0-9]*\\k[0-9]*$' <<<"$OUT" || true)
values=$(grep -c '^    n    REG_DWORD    0x' <<<"$OUT" || true)
shared=$(grep -c '^    w[0-9]*-[0-9]*    REG_SZ    ' <<<"$OUT" || true)
expect_eq "every key is there" "$((WRITERS * EACH))" "$keys"
expect_eq "every value in its own key" "$((WRITERS * EACH))" "$values"
expect_eq "every value in the shared key" "$((WRITERS * EACH))" "$shared"

for w in $(seq 1 $WRITERS); do
    expect_exit "writer $w: last value" 0 "$VSS_REG" query "HKLM\\SOFTWARE\\Load\\w$w\\k$EACH" /v n
    expect_contains "writer $w: data" "0x$(printf '%x' $EACH)" "$OUT"
done
echo "PASS"
