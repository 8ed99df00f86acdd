#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# vss-test-writer against a real vssd, as a black box: it registers with its identity (vssadmin
# shows it), a second instance with the same name is refused with vssd's reason, it registers
# again by itself with a new instance id when vssd is killed and restarted, and it stops cleanly
# on SIGTERM, its log saying what happened.
. "$(dirname "$0")/lib.sh"

VSSD=${VSSD:-$BUILD_ROOT/src/cli/vssd}
VSSADMIN=${VSSADMIN:-$BUILD_ROOT/src/cli/vssadmin}
VSS_TEST_WRITER=${VSS_TEST_WRITER:-$BUILD_ROOT/tests/vss-test-writer}
export VSS_SOCKET=$TESTDIR/vssd.sock
CLASS={7E1D9A34-5C2B-4F60-9B8A-3D4C5E6F7A81}

require_root "vssadmin and writers need root or the registry's access lists"

start_vssd() {
    "$VSSD" --socket "$VSS_SOCKET" --registry "$VSS_REGISTRY_PATH" --log-level err &
    VSSD_PID=$!
    for _ in $(seq 200); do
        "$VSSADMIN" list writers >/dev/null 2>&1 && return 0
        sleep 0.05
    done
    fail "vssd did not start"
}

# Waits until 'vssadmin list writers' shows the writer; prints its instance id.
wait_for_writer() {
    local out
    for _ in $(seq 200); do
        out=$("$VSSADMIN" list writers 2>/dev/null || true)
        case "$out" in
        *"'Integration Writer'"*)
            echo "$out" | sed -n 's/.*Writer Instance Id: \({[0-9A-F-]*}\).*/\1/p' | head -n 1
            return 0 ;;
        esac
        sleep 0.05
    done
    fail "the writer did not register"
}

start_vssd
at_exit 'kill $VSSD_PID 2>/dev/null; wait $VSSD_PID 2>/dev/null'

"$VSS_TEST_WRITER" --class-id "$CLASS" --instance-name it --writer-name "Integration Writer" \
    --level back_end --freeze-timeout 15000 --log "$TESTDIR/writer.log" \
    --ready-file "$TESTDIR/ready" 2>"$TESTDIR/writer.err" &
WRITER_PID=$!
at_exit 'kill -9 $WRITER_PID 2>/dev/null'
for _ in $(seq 200); do [ -s "$TESTDIR/ready" ] && break; sleep 0.05; done
[ -s "$TESTDIR/ready" ] || fail "no ready file: $(cat "$TESTDIR/writer.err")"
first=$(cat "$TESTDIR/ready")

out=$("$VSSADMIN" list writers)
expect_contains "vssadmin shows the writer" "Writer name: 'Integration Writer'" "$out"
expect_contains "with its class id" "Writer Id: $CLASS" "$out"
expect_contains "and the instance id it was given" "Writer Instance Id: $first" "$out"
expect_contains "and its level and freeze window" "Level: VSS_APP_BACK_END" "$out"
expect_contains "freeze window" "freeze window: 15000 ms" "$out"

# The same class and instance name again: refused, with vssd's reason.
expect_fail "a second instance with the same name" \
    "$VSS_TEST_WRITER" --class-id "$CLASS" --instance-name it --log "$TESTDIR/second.log"
expect_contains "its error names the cause" "already registered" "$ERR"
expect_contains "its log too" "subscribe-failed code=VSS_E_WRITER_ALREADY_SUBSCRIBED" \
    "$(cat "$TESTDIR/second.log")"

# vssd dies and comes back: the writer registers again, with a new instance id.
kill -9 "$VSSD_PID"
wait "$VSSD_PID" 2>/dev/null || true
sleep 0.3
start_vssd
second=$(wait_for_writer)
[ -n "$second" ] || fail "no instance id after the restart"
[ "$second" != "$first" ] || fail "the instance id did not change ($first)"
echo "ok: registered again as $second (was $first)"
kill -0 "$WRITER_PID" || fail "the writer died with vssd"

# SIGTERM: a clean stop.
kill -TERM "$WRITER_PID"
rc=0
wait "$WRITER_PID" || rc=$?
expect_eq "the writer exits 0 on SIGTERM" 0 "$rc"
log=$(cat "$TESTDIR/writer.log")
expect_contains "the log starts with the registration" "subscribed - instance=$first" "$log"
expect_contains "and ends with the stop" "exit - signal writer=\"Integration Writer\"" "$(tail -n 1 "$TESTDIR/writer.log")"
