#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Failures in a backup with three real writers (front-end, back-end, system), checked from the
# writers' logs, vss-betest's report and vssadmin (docs/PROTOCOL.md §5, §6.2, §6.3;
# VSS-REFERENCE §2.4–§2.6):
#   - a veto at PrepareForBackup: FAILED_AT_PREPARE_BACKUP, the backup aborted, Abort to all;
#   - a veto at PrepareForSnapshot: that writer left out of Freeze and Thaw, no Abort;
#   - a veto at Freeze: do-snapshot-set fails with the code, every writer gets Abort;
#   - a veto at PostSnapshot: no Abort, FAILED_AT_POST_SNAPSHOT, the backup completes;
#   - a writer hanging in Freeze past its window, and a frozen writer whose window expires
#     while it waits for Thaw: VSS_E_WRITERERROR_TIMEOUT after about the window, Abort to all;
#   - a writer dying in Freeze (by itself, or killed while it sleeps there): Abort to the
#     others, vss-betest reports it, vssd goes on serving without it;
#   - a requester killed while writers are frozen: Abort to every writer within a second, then
#     BackupShutdown;
#   - vssadmin list writers shows each failure's state, code and message.
# Every scenario ends with no writer left frozen: each log with a Freeze has a later Abort or
# Thaw.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-vssd.sh"

require_root "requesters and writers need root or the registry's access lists"
start_vssd

# The events of a writer aborted after its Freeze, and of one aborted before it; Abort may come
# more than once (from the failed snapshot, then from abort-backup).
FROZEN_ABORTED="identify prepare-backup prepare-snapshot freeze( abort)+ backup-shutdown"
ABORTED="identify prepare-backup prepare-snapshot( abort)+ backup-shutdown"

# writers PREFIX ARGS-FOR-THE-BACK-END-WRITER...: three writers PREFIX-F (front-end),
# PREFIX-B (back-end, with the given behaviour) and PREFIX-S (system).
writers() {
    local p=$1
    shift
    start_writer "$p-F" --level front_end
    start_writer "$p-B" --level back_end "$@"
    start_writer "$p-S" --level system
}

stop_writers() {
    local w
    for w in "$@"; do stop_writer "$w"; done
}

# vssadmin_writer NAME: the block 'vssadmin list writers' prints for writer NAME.
vssadmin_writer() {
    "$VSSADMIN" list writers | awk -v n="Writer name: '$1'" '$0 == n { p = 1 } p && /^$/ { exit } p'
}

# backup_json OUT ARGS...: vss-betest backup --json ARGS, its output in OUT and exit status in
# $BETEST_RC.
backup_json() {
    local out=$1
    shift
    BETEST_RC=0
    "$VSS_BETEST" backup --json "$@" >"$out" 2>"$out.err" || BETEST_RC=$?
}

# ---- a veto at PrepareForBackup; the requester aborts
writers pb --on prepare-backup=veto:VSS_E_WRITERERROR_RETRYABLE --message "log disk full" \
    --application-hr 0x8007000E
backup_json "$TESTDIR/pb.json" --abort-after prepare-for-backup
expect_eq "prepare-backup veto: vss-betest succeeded (a veto is advisory)" 0 "$BETEST_RC"
expect_eq "prepare-for-backup itself succeeded" 0 "$(step_result "$TESTDIR/pb.json" prepare-for-backup)"
expect_eq "the vetoing writer is failed at prepare backup, with its code and message" \
    "VSS_WS_FAILED_AT_PREPARE_BACKUP VSS_E_WRITERERROR_RETRYABLE log disk full" \
    "$(step_writer "$TESTDIR/pb.json" prepare-for-backup pb-B)"
expect_eq "the others are stable" "VSS_WS_STABLE - -" \
    "$(step_writer "$TESTDIR/pb.json" prepare-for-backup pb-F)"
expect_eq "the backup was aborted" 0 "$(step_result "$TESTDIR/pb.json" abort-backup)"
for w in pb-F pb-B pb-S; do
    expect_eq "$w got Abort, then BackupShutdown, and nothing of a snapshot" \
        "identify prepare-backup abort backup-shutdown" "$(events "$w")"
done
out=$(vssadmin_writer pb-B)
expect_contains "vssadmin: failed at prepare backup" "State: [7] Failed at prepare backup" "$out"
expect_contains "vssadmin: the code and message" \
    "Last error: VSS_E_WRITERERROR_RETRYABLE (0x800423F3): log disk full" "$out"
expect_contains "vssadmin: the other writers are stable" "State: [1] Stable" "$(vssadmin_writer pb-F)"
expect_contains "and without error" "Last error: No error" "$(vssadmin_writer pb-F)"
json=$("$VSSADMIN" --json list writers)
expect_eq "vssadmin --json: the application's code too" \
    '{"application_hr":-2147024882,"hr":-10243,"message":"log disk full"}' \
    "$(json_query /dev/stdin '[w for w in d if w["writer_name"] == "pb-B"][0]["failure"]' <<<"$json")"
stop_writers pb-F pb-B pb-S

# ---- a veto at PrepareForSnapshot: no Abort, that writer is not frozen, the others are
writers ps --on prepare-snapshot=veto:VSS_E_WRITERERROR_NONRETRYABLE --message "cannot checkpoint"
backup_json "$TESTDIR/ps.json"
expect_eq "prepare-snapshot veto: the backup went on and succeeded" 0 "$BETEST_RC"
expect_eq "do-snapshot-set succeeded" 0 "$(step_result "$TESTDIR/ps.json" do-snapshot-set)"
expect_eq "the vetoing writer is failed at prepare snapshot" \
    "VSS_WS_FAILED_AT_PREPARE_SNAPSHOT VSS_E_WRITERERROR_NONRETRYABLE cannot checkpoint" \
    "$(step_writer "$TESTDIR/ps.json" do-snapshot-set ps-B)"
expect_eq "ps-B was left out of Freeze, Thaw and PostSnapshot" \
    "identify prepare-backup prepare-snapshot backup-complete backup-shutdown" "$(events ps-B)"
for w in ps-F ps-S; do
    expect_eq "$w took the whole backup, without Abort" \
        "identify prepare-backup prepare-snapshot freeze thaw post-snapshot backup-complete backup-shutdown" \
        "$(events "$w")"
done
stop_writers ps-F ps-B ps-S

# ---- a veto at Freeze: do-snapshot-set fails with the writer's code, everyone gets Abort
writers fz --on freeze=veto:VSS_E_WRITERERROR_OUTOFRESOURCES --message "no memory for the freeze"
backup_json "$TESTDIR/fz.json"
expect_eq "freeze veto: vss-betest failed" 1 "$BETEST_RC"
expect_eq "do-snapshot-set failed with the writer's code (VSS_E_WRITERERROR_OUTOFRESOURCES)" -10241 \
    "$(step_result "$TESTDIR/fz.json" do-snapshot-set)"
expect_contains "naming the writer" "writer 'fz-B'" "$(step_line "$TESTDIR/fz.json" do-snapshot-set)"
expect_eq "the vetoing writer is failed at freeze" \
    "VSS_WS_FAILED_AT_FREEZE VSS_E_WRITERERROR_OUTOFRESOURCES no memory for the freeze" \
    "$(step_writer "$TESTDIR/fz.json" do-snapshot-set fz-B)"
expect_contains "vss-betest said so on stderr" "Failed at do-snapshot-set" "$(cat "$TESTDIR/fz.json.err")"
expect_events "fz-F, frozen before the veto, got Abort and no Thaw" fz-F "$FROZEN_ABORTED"
expect_events "fz-B, the vetoing writer, got Abort" fz-B "$FROZEN_ABORTED"
expect_events "fz-S, never frozen, got Abort" fz-S "$ABORTED"
none_left_frozen fz-F fz-B fz-S
veto=$(log_time_us "$TESTDIR/fz-B.log" ' result freeze veto ')
abort=$(log_time_us "$TESTDIR/fz-F.log" ' event abort ')
expect_between "fz-F was aborted right after the veto (µs)" 0 1000000 $(( abort - veto ))
out=$(vssadmin_writer fz-B)
expect_contains "vssadmin: failed at freeze" "State: [9] Failed at freeze" "$out"
expect_contains "vssadmin: the code and message" \
    "Last error: VSS_E_WRITERERROR_OUTOFRESOURCES (0x800423F1): no memory for the freeze" "$out"
expect_contains "vssadmin: the writers aborted are stable" "State: [1] Stable" "$(vssadmin_writer fz-S)"
stop_writers fz-F fz-B fz-S

# ---- a veto at PostSnapshot: no Abort, the snapshot step succeeds
writers po --on post-snapshot=veto:VSS_E_WRITERERROR_RETRYABLE --message "temp files left"
backup_json "$TESTDIR/po.json"
expect_eq "post-snapshot veto: the backup completed" 0 "$BETEST_RC"
expect_eq "do-snapshot-set succeeded" 0 "$(step_result "$TESTDIR/po.json" do-snapshot-set)"
expect_eq "the vetoing writer is failed at post snapshot" \
    "VSS_WS_FAILED_AT_POST_SNAPSHOT VSS_E_WRITERERROR_RETRYABLE temp files left" \
    "$(step_writer "$TESTDIR/po.json" do-snapshot-set po-B)"
expect_eq "the others wait for completion" "VSS_WS_WAITING_FOR_BACKUP_COMPLETE - -" \
    "$(step_writer "$TESTDIR/po.json" do-snapshot-set po-F)"
for w in po-F po-B po-S; do
    expect_eq "$w got no Abort" \
        "identify prepare-backup prepare-snapshot freeze thaw post-snapshot backup-complete backup-shutdown" \
        "$(events "$w")"
done
out=$(vssadmin_writer po-B)
expect_contains "vssadmin: BackupComplete succeeded after the failure, so it is cleared" \
    "State: [1] Stable" "$out"
stop_writers po-F po-B po-S

# ---- a writer hanging in Freeze beyond its 300 ms window
writers hg --freeze-timeout 300 --on freeze=sleep:1200
timed "$VSS_BETEST" backup --json >"$TESTDIR/hg.json" 2>"$TESTDIR/hg.err"
expect_contains "hang: vss-betest failed" " exit 1" "$(tail -n 1 "$TESTDIR/hg.json")"
expect_eq "do-snapshot-set failed with VSS_E_WRITERERROR_TIMEOUT" -10242 \
    "$(step_result "$TESTDIR/hg.json" do-snapshot-set)"
expect_eq "the hanging writer is failed at freeze, timed out" \
    "VSS_WS_FAILED_AT_FREEZE VSS_E_WRITERERROR_TIMEOUT no answer to freeze in time" \
    "$(step_writer "$TESTDIR/hg.json" do-snapshot-set hg-B)"
freeze=$(log_time_us "$TESTDIR/hg-B.log" ' event freeze ')
failed=$(grep -m1 '"step":"do-snapshot-set"' "$TESTDIR/hg.json" | cut -d' ' -f1)
expect_between "do-snapshot-set failed about the window after the Freeze (µs)" 280000 900000 \
    $(( failed - freeze ))
abort=$(log_time_us "$TESTDIR/hg-F.log" ' event abort ')
expect_between "the frozen front-end writer got Abort at the window's end (µs)" 280000 900000 \
    $(( abort - freeze ))
abort=$(log_time_us "$TESTDIR/hg-S.log" ' event abort ')
expect_between "the system writer, never frozen, too (µs)" 280000 900000 $(( abort - freeze ))
expect_no_match "the system writer was never frozen" ' event freeze ' "$TESTDIR/hg-S.log"
# When the hanging writer wakes up, its late answer is discarded and it gets Abort too.
wait_for_line "$TESTDIR/hg-B.log" ' event backup-shutdown ' 5
expect_events "the hanging writer got Abort once it woke up" hg-B "$FROZEN_ABORTED"
none_left_frozen hg-F hg-B hg-S
expect_no_match "nobody thawed" ' event (thaw|post-snapshot) ' <(cat "$TESTDIR"/hg-?.log)
out=$(vssadmin_writer hg-B)
expect_contains "vssadmin: failed at freeze" "State: [9] Failed at freeze" "$out"
expect_contains "vssadmin: timed out" \
    "Last error: VSS_E_WRITERERROR_TIMEOUT (0x800423F2): no answer to freeze in time" "$out"
stop_writers hg-F hg-B hg-S

# ---- a writer that never comes back from Freeze delays nothing: the whole backup ends about
# its window after the Freeze, and it stays failed at freeze
start_writer hf-F --level front_end
start_writer hf-B --level back_end --freeze-timeout 300 --on freeze=hang
start=$(now_us)
rc=0
"$VSS_BETEST" backup >"$TESTDIR/hf.out" 2>&1 || rc=$?
took=$(( $(now_us) - start ))
expect_eq "hang forever: vss-betest failed" 1 "$rc"
expect_contains "at do-snapshot-set, timed out" \
    "* do-snapshot-set: failed: VSS_E_WRITERERROR_TIMEOUT (0x800423F2)" "$(cat "$TESTDIR/hf.out")"
expect_contains "then aborted" "* abort-backup: ok" "$(cat "$TESTDIR/hf.out")"
expect_between "the whole backup, abort and end of session took about the window (µs)" 300000 2500000 \
    "$took"
expect_eq "the front-end writer was aborted and shut down" \
    "identify prepare-backup prepare-snapshot freeze abort abort backup-shutdown" "$(events hf-F)"
out=$(vssadmin_writer hf-B)
expect_contains "vssadmin: the hung writer is still failed at freeze after the session" \
    "State: [9] Failed at freeze" "$out"
expect_contains "timed out" "Last error: VSS_E_WRITERERROR_TIMEOUT (0x800423F2)" "$out"
stop_writers hf-F hf-B

# ---- a frozen writer whose 300 ms window expires while a slower level still freezes
start_writer th-F --level front_end --freeze-timeout 300
start_writer th-B --level back_end --on freeze=sleep:1000
timed "$VSS_BETEST" backup --json >"$TESTDIR/th.json" 2>"$TESTDIR/th.err"
expect_eq "window expired waiting for Thaw: VSS_E_WRITERERROR_TIMEOUT" -10242 \
    "$(step_result "$TESTDIR/th.json" do-snapshot-set)"
expect_eq "the writer is failed at thaw" "VSS_WS_FAILED_AT_THAW VSS_E_WRITERERROR_TIMEOUT" \
    "$(step_writer "$TESTDIR/th.json" do-snapshot-set th-F | cut -d' ' -f1,2)"
freeze=$(log_time_us "$TESTDIR/th-F.log" ' event freeze ')
abort=$(log_time_us "$TESTDIR/th-F.log" ' event abort ')
expect_between "it got Abort at its window's end, not when th-B answered (µs)" 280000 950000 \
    $(( abort - freeze ))
wait_for_line "$TESTDIR/th-B.log" ' event backup-shutdown ' 5
none_left_frozen th-F th-B
expect_no_match "nobody thawed" ' event thaw ' <(cat "$TESTDIR"/th-?.log)
expect_contains "vssadmin: failed at thaw" "State: [10] Failed at thaw" "$(vssadmin_writer th-F)"
stop_writers th-F th-B

# ---- a writer that dies in Freeze
writers cr --on freeze=crash
backup_json "$TESTDIR/cr.json"
expect_eq "crash: vss-betest failed" 1 "$BETEST_RC"
result=$(step_result "$TESTDIR/cr.json" do-snapshot-set)
[ "$result" -lt 0 ] || fail "do-snapshot-set did not fail: $result"
expect_contains "vss-betest names the lost writer" "writer 'cr-B'" "$(step_line "$TESTDIR/cr.json" do-snapshot-set)"
expect_eq "and reports it failed at freeze, not responding" \
    "VSS_WS_FAILED_AT_FREEZE VSS_E_WRITER_NOT_RESPONDING" \
    "$(step_writer "$TESTDIR/cr.json" do-snapshot-set cr-B | cut -d' ' -f1,2)"
expect_contains "the writer did crash" "result freeze crash" "$(cat "$TESTDIR/cr-B.log")"
reap_writer cr-B
expect_eq "it died of SIGKILL" 137 "$REAPED"
expect_events "the frozen front-end writer got Abort" cr-F "$FROZEN_ABORTED"
expect_events "the system writer too" cr-S "$ABORTED"
none_left_frozen cr-F cr-S
expect_no_match "vssadmin: the dead writer is gone after the session" "'cr-B'" \
    <("$VSSADMIN" list writers)
: >"$TESTDIR/cr-F.log"
out=$("$VSS_BETEST" backup)
expect_contains "vssd serves the next backup, without the dead writer" "* backup-complete: ok" "$out"
expect_eq "which cr-F took part in" \
    "identify prepare-backup prepare-snapshot freeze thaw post-snapshot backup-complete backup-shutdown" \
    "$(events cr-F)"
stop_writers cr-F cr-S

# ---- a writer killed while it sleeps in Freeze
writers kl --on freeze=sleep:5000
backup_json "$TESTDIR/kl.json" &
betest=$!
wait_for_line "$TESTDIR/kl-B.log" ' result freeze sleep '
killed=$(now_us)
kill -9 "${WPID[kl-B]}"
wait "$betest" || true
reap_writer kl-B
expect_eq "the killed writer died of SIGKILL" 137 "$REAPED"
expect_contains "killed writer: vss-betest reports the failure" '"step":"do-snapshot-set","result":-' \
    "$(cat "$TESTDIR/kl.json")"
expect_contains "naming the writer" "writer 'kl-B'" "$(step_line "$TESTDIR/kl.json" do-snapshot-set)"
abort=$(log_time_us "$TESTDIR/kl-F.log" ' event abort ')
expect_between "the frozen front-end writer got Abort at once (µs after the kill)" 0 1000000 \
    $(( abort - killed ))
none_left_frozen kl-F kl-S
expect_contains "the system writer got Abort" "abort" "$(events kl-S)"
out=$("$VSS_BETEST" backup)
expect_contains "vssd serves the next backup" "* backup-complete: ok" "$out"
stop_writers kl-F kl-S

# ---- a requester killed while writers are frozen
writers rq --on freeze=sleep:400
"$VSS_BETEST" backup >"$TESTDIR/rq.out" 2>&1 &
betest=$!
wait_for_line "$TESTDIR/rq-B.log" ' result freeze sleep '
killed=$(now_us)
kill -9 "$betest"
wait "$betest" 2>/dev/null || true
for w in rq-F rq-B rq-S; do
    wait_for_line "$TESTDIR/$w.log" ' event backup-shutdown ' 5
done
for w in rq-F rq-B; do
    abort=$(log_time_us "$TESTDIR/$w.log" ' event abort ')
    expect_between "frozen writer $w got Abort within a second of the kill (µs)" 0 1000000 \
        $(( abort - killed ))
    expect_events "$w: Abort, then BackupShutdown" "$w" "$FROZEN_ABORTED"
done
expect_eq "the system writer, not frozen yet, too" \
    "identify prepare-backup prepare-snapshot abort backup-shutdown" "$(events rq-S)"
none_left_frozen rq-F rq-B rq-S
out=$("$VSS_BETEST" backup)
expect_contains "vssd serves the next backup" "* backup-complete: ok" "$out"
stop_writers rq-F rq-B rq-S
finish
