#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Event deadlines from the registry (docs/PROTOCOL.md §7), with real processes: IdentifyTimeout
# in the test's private registry bounds how long gather-metadata waits for a writer hanging in
# Identify, which is left out and shown failed at identify; SIGHUP reloads a changed value;
# PrepareBackupTimeout bounds prepare-for-backup the same way; a value that is no REG_DWORD of
# 1 ms or more is ignored with a warning naming it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-vssd.sh"

require_root "requesters and writers need root or the registry's access lists"
SETTINGS='HKLM\SYSTEM\CurrentControlSet\Services\VSS\Settings'

"$VSS_REG" add "$SETTINGS" /v IdentifyTimeout /t REG_DWORD /d 400 /f >/dev/null
"$VSS_REG" add "$SETTINGS" /v PrepareBackupTimeout /t REG_DWORD /d 300 /f >/dev/null
"$VSS_REG" add "$SETTINGS" /v ThawTimeout /t REG_DWORD /d 0 /f >/dev/null
"$VSS_REG" add "$SETTINGS" /v AbortTimeout /t REG_SZ /d 500 /f >/dev/null
start_vssd
expect_contains "a deadline of 0 ms is ignored, named" \
    "Settings\\ThawTimeout must be a REG_DWORD of 1 to 86400000 milliseconds, ignoring it." \
    "$(cat "$TESTDIR/vssd.log")"
expect_contains "so is one of the wrong type" \
    "Settings\\AbortTimeout must be a REG_DWORD of 1 to 86400000 milliseconds, ignoring it." \
    "$(cat "$TESTDIR/vssd.log")"

start_writer Good --level front_end
start_writer Hung --level back_end --on identify=hang

# timed_list: runs vss-betest list; its output is in $OUT and how long it took (µs) in $TOOK.
timed_list() {
    local start
    start=$(now_us)
    OUT=$("$VSS_BETEST" list 2>&1)
    TOOK=$(( $(now_us) - start ))
}

# ---- IdentifyTimeout 400 ms
timed_list
expect_between "gather-metadata gave up on the hung writer after IdentifyTimeout (µs)" 400000 1300000 "$TOOK"
expect_contains "and succeeded" "* gather-writer-metadata: ok" "$OUT"
expect_contains "with the writer that answered" "* writer: 'Good'" "$OUT"
if grep -q "writer: 'Hung'" <<<"$OUT"; then fail "the hung writer is in the metadata: $OUT"; fi
echo "ok: without the hung one"
expect_contains "the hung writer got Identify" "result identify hang" "$(cat "$TESTDIR/Hung.log")"
out=$("$VSSADMIN" list writers | awk "/Writer name: 'Hung'/,/^\$/")
expect_contains "vssadmin: the hung writer failed at identify" "State: [6] Failed at identify" "$out"
expect_contains "not responding" \
    "Last error: VSS_E_WRITER_NOT_RESPONDING (0x80042319): no answer to identify in time" "$out"

# ---- SIGHUP reloads a changed value
"$VSS_REG" add "$SETTINGS" /v IdentifyTimeout /t REG_DWORD /d 1200 /f >/dev/null
kill -HUP "$VSSD_PID"
wait_for_line "$TESTDIR/vssd.log" 'Reloading the deadlines from the registry'
timed_list
expect_between "after SIGHUP, gather-metadata waits the new IdentifyTimeout (µs)" 1200000 2200000 "$TOOK"
expect_contains "and still succeeds without the hung writer" "* writer: 'Good'" "$OUT"
kill -0 "$VSSD_PID" || fail "vssd did not survive SIGHUP"

# Back to a short one: the value is read again at every SIGHUP.
"$VSS_REG" add "$SETTINGS" /v IdentifyTimeout /t REG_DWORD /d 300 /f >/dev/null
: >"$TESTDIR/vssd.log"
kill -HUP "$VSSD_PID"
wait_for_line "$TESTDIR/vssd.log" 'Reloading the deadlines from the registry'
timed_list
expect_between "and again after the next SIGHUP (µs)" 300000 1100000 "$TOOK"
stop_writer Hung

# ---- PrepareBackupTimeout 300 ms
start_writer Slow --level back_end --on prepare-backup=sleep:1500
start=$(now_us)
"$VSS_BETEST" backup --json --abort-after prepare-for-backup >"$TESTDIR/slow.json" 2>&1 || true
line=$(grep '"step":"prepare-for-backup"' "$TESTDIR/slow.json")
expect_contains "prepare-for-backup gave up on the slow writer" \
    '"writer_name":"Slow","state":"VSS_WS_FAILED_AT_PREPARE_BACKUP","state_code":7,"failure":"VSS_E_WRITER_NOT_RESPONDING"' \
    "$line"
prepared=$(log_time_us "$TESTDIR/Slow.log" ' event prepare-backup ')
aborted=$(log_time_us "$TESTDIR/Good.log" ' event abort ')
expect_between "after PrepareBackupTimeout: the other writer was aborted that soon (µs)" 300000 1400000 \
    $(( aborted - prepared ))
expect_eq "the good writer answered in time" "VSS_WS_STABLE - -" \
    "$(step_writer "$TESTDIR/slow.json" prepare-for-backup Good)"

finish
