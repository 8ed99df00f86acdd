#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# vssd under abuse, with real processes (docs/PROTOCOL.md §2, §3.3, §3.4, §6.1):
#   - a raw client's garbage, truncated, oversized and invalid frames are answered (when they
#     carry a usable id) or the connection is closed, and vssd serves real backups afterwards;
#   - a client that never says hello is dropped after 5 s;
#   - 1024 connections are served and the next ones refused with -ENOBUFS, even when vssd starts
#     with a soft limit of 256 open files; out of descriptors it does not spin;
#   - 100 vss-betest list (Identify) run while a backup is in progress (a writer sleeping in
#     PostSnapshot) all succeed and see every writer, the writers answer them in the middle of the
#     backup, and the backup completes with its writers' states untouched by them.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-vssd.sh"

require_root "requesters and writers need root or the registry's access lists"
command -v python3 >/dev/null || skip "python3 is needed for the raw protocol client"
RAW=$(dirname "$0")/vssd-raw-client.py

# vssd starts with a soft limit of 256 open files: it must raise it for 1024 connections.
ulimit -S -n 256
start_vssd
ulimit -S -n "$(ulimit -H -n)"
start_writer Slow --level front_end
start_writer Fast1 --level back_end
start_writer Fast2 --level system

python3 "$RAW" "$VSS_SOCKET" silent >"$TESTDIR/silent.out" 2>&1 &
SILENT=$!

# ---- garbage
python3 "$RAW" "$VSS_SOCKET" cases >"$TESTDIR/cases.out"
expect_eq "every broken or invalid frame is answered or its connection closed" \
"text: closed
zero-length: closed
oversized: closed
oversized-after-hello: closed
truncated-header: closed
truncated-frame: closed
truncated-after-hello: closed
not-json: closed
not-an-object: closed
trailing-data: closed
duplicate-key: closed
invalid-utf8: closed
nul-in-string: closed
not-hello-first: -71[the first message must be hello, not list-writers] closed
unknown-type-first: -74[type: missing or unknown message type] closed
bad-role: -74[role: 'king' is not a defined value] closed
no-common-version: -71[no common protocol version: the client speaks 99, vssd speaks 1 to 1] closed
unknown-type: -74[type: missing or unknown message type] open
unknown-field: -74[extra: unknown field] open
id-zero: closed
id-too-big: closed
id-not-integer: closed
forbidden-request: -1[an admin tool may not send session-begin] open
second-hello: -10001[hello was already said] open
reply-from-admin: open
big-valid: 0 open
largest-valid: 0 open" "$(cat "$TESTDIR/cases.out")"
kill -0 "$VSSD_PID" || fail "vssd died"
out=$("$VSS_BETEST" backup)
expect_contains "after the garbage, vssd serves a backup" "* backup-complete: ok" "$out"
for w in Slow Fast1 Fast2; do
    expect_eq "$w took part in it" \
        "identify prepare-backup prepare-snapshot freeze thaw post-snapshot backup-complete backup-shutdown" \
        "$(events "$w")"
done

# ---- the connection limit: 1024 with the three writers and the silent client, then -ENOBUFS
expect_eq "vssd serves 1024 connections, then refuses" \
    "accepted 1020, then 80 refused: -105[vssd serves at most 1024 connections] closed" \
    "$(python3 "$RAW" "$VSS_SOCKET" limit)"
out=$("$VSS_BETEST" list)
expect_contains "and serves again once they are gone" "* gather-writer-metadata: ok" "$out"

# ---- out of descriptors: a second vssd with 64 at most pauses accepting instead of spinning
(
    ulimit -n 64
    exec "$VSSD" --socket "$TESTDIR/small.sock" --registry "$VSS_REGISTRY_PATH"
) 2>"$TESTDIR/small.log" &
SMALL=$!
at_exit "kill $SMALL 2>/dev/null; wait $SMALL 2>/dev/null"
for _ in $(seq 200); do "$VSSADMIN" --socket "$TESTDIR/small.sock" list writers >/dev/null 2>&1 && break; sleep 0.025; done
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
before=$(cpu_ticks "$SMALL")
expect_eq "100 connections to a vssd with 64 descriptors" "held 100 connections" \
    "$(python3 "$RAW" "$TESTDIR/small.sock" flood 100 1)"
used=$(( $(cpu_ticks "$SMALL") - before ))
expect_between "it did not spin meanwhile (CPU ticks in that second)" 0 30 "$used"
expect_between "it said so, without flooding its log (lines)" 1 3 \
    "$(grep -c 'Failed to accept a connection' "$TESTDIR/small.log" || true)"
expect_contains "naming the cause" "Too many open files; pausing for 100 ms" "$(cat "$TESTDIR/small.log")"
out=$("$VSSADMIN" --socket "$TESTDIR/small.sock" list writers)
expect_contains "it serves again once they are gone" "No writers are registered." "$out"
kill "$SMALL"
rc=0
wait "$SMALL" || rc=$?
expect_eq "and stops cleanly" 0 "$rc"

# ---- 100 Identify requests while a backup is in progress
for w in Slow Fast1 Fast2; do stop_writer "$w"; done
start_writer Slow --level front_end --on post-snapshot=sleep:2500
start_writer Fast1 --level back_end
start_writer Fast2 --level system
"$VSS_BETEST" backup --json >"$TESTDIR/backup.json" 2>"$TESTDIR/backup.err" &
BACKUP=$!
wait_for_line "$TESTDIR/Slow.log" ' result post-snapshot sleep '
pids=()
for i in $(seq 100); do
    "$VSS_BETEST" list >"$TESTDIR/list-$i.out" 2>&1 &
    pids+=($!)
done
launched=$(now_us)
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
expect_eq "the 100 lists during the backup succeeded" 0 "$failed"
woke=$(log_time_us "$TESTDIR/Slow.log" ' event identify n=2 ')
expect_between "they were all started while the backup waited for Slow (µs to spare)" 1 10000000 \
    $(( woke - launched ))
seen=0
for i in $(seq 100); do
    n=$(grep -c -E "^\* writer: '(Slow|Fast1|Fast2)' " "$TESTDIR/list-$i.out" || true)
    [ "$n" -eq 3 ] && seen=$((seen + 1))
done
expect_eq "each of them saw every writer" 100 "$seen"
rc=0
wait "$BACKUP" || rc=$?
expect_eq "the backup completed" 0 "$rc"
expect_eq "do-snapshot-set succeeded" 0 "$(step_result "$TESTDIR/backup.json" do-snapshot-set)"
for w in Slow Fast1 Fast2; do
    expect_eq "$w waits for completion after the snapshot, whatever Identify came meanwhile" \
        "VSS_WS_WAITING_FOR_BACKUP_COMPLETE - -" "$(step_writer "$TESTDIR/backup.json" do-snapshot-set "$w")"
done
expect_eq "backup-complete succeeded" 0 "$(step_result "$TESTDIR/backup.json" backup-complete)"
# The writers answered the 100 Identify events in the middle of the backup, after the snapshot:
# Fast1 and Fast2 while Slow was in PostSnapshot, Slow right after; all before BackupComplete.
ids=$(printf 'identify %.0s' $(seq 100))
for w in Slow Fast1 Fast2; do
    expect_eq "$w answered the 100 Identify between PostSnapshot and BackupComplete" \
        "identify prepare-backup prepare-snapshot freeze thaw post-snapshot ${ids}backup-complete backup-shutdown" \
        "$(events "$w")"
done

# ---- the silent client
wait "$SILENT" || true
out=$(cat "$TESTDIR/silent.out")
expect_contains "a client that never says hello is dropped after 5 s" "closed after about 5 s, 0 message(s)" "$out"

finish
