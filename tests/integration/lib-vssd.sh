# SPDX-License-Identifier: LGPL-2.1-or-later
# Helpers for the integration tests that run vssd with real writer and requester processes and
# check what happened from the writers' own logs. Source it after lib.sh:
#     . "$(dirname "$0")/lib.sh"
#     . "$(dirname "$0")/lib-vssd.sh"
# vssd listens on $TESTDIR/vssd.sock ($VSS_SOCKET) and reads the test's private registry; its
# log is $TESTDIR/vssd.log. A writer started with 'start_writer NAME' logs every event to
# $TESTDIR/NAME.log (lines "<UTC time, µs> <kind> <event> …", see vss-test-writer.c). When a
# test fails, the end of vssd's log and of every writer's log is shown.

VSSD=${VSSD:-$BUILD_ROOT/src/cli/vssd}
VSSADMIN=${VSSADMIN:-$BUILD_ROOT/src/cli/vssadmin}
VSS_BETEST=${VSS_BETEST:-$BUILD_ROOT/src/cli/vss-betest}
VSS_TEST_WRITER=${VSS_TEST_WRITER:-$BUILD_ROOT/tests/vss-test-writer}
export VSS_SOCKET=$TESTDIR/vssd.sock

declare -A WPID=()     # writer name → pid
declare -A INSTANCE=() # writer name → instance id vssd gave it
VSSD_PID=

_show_logs() {
    [ "${1:-0}" -ne 0 ] && [ "${1:-0}" -ne 77 ] || return 0
    local f
    for f in "$TESTDIR"/vssd.log "$TESTDIR"/*.log; do
        [ -s "$f" ] || continue
        echo "--- last lines of $(basename "$f")" >&2
        tail -n 25 "$f" | cut -c1-300 >&2
    done
}
# $rc is the test's exit status in lib.sh's cleanup.
at_exit '_show_logs "${rc:-0}"'

# start_vssd [ARGS...]: starts vssd on $VSS_SOCKET with the private registry and waits until it
# answers.
start_vssd() {
    "$VSSD" --socket "$VSS_SOCKET" --registry "$VSS_REGISTRY_PATH" --log-level info "$@" \
        2>>"$TESTDIR/vssd.log" &
    VSSD_PID=$!
    at_exit "kill $VSSD_PID 2>/dev/null; wait $VSSD_PID 2>/dev/null"
    for _ in $(seq 200); do
        "$VSSADMIN" list writers >/dev/null 2>&1 && return 0
        kill -0 "$VSSD_PID" 2>/dev/null || fail "vssd exited: $(tail -n 5 "$TESTDIR/vssd.log")"
        sleep 0.025
    done
    fail "vssd did not start"
}

# stop_vssd: SIGTERM; vssd must exit 0 (under ASan: without leaks).
stop_vssd() {
    local rc=0
    kill "$VSSD_PID" 2>/dev/null || true
    wait "$VSSD_PID" 2>/dev/null || rc=$?
    [ "$rc" -eq 0 ] || fail "vssd exited with status $rc: $(tail -n 20 "$TESTDIR/vssd.log")"
}

# A class id of its own for every writer name: {CRC32-1111-4111-8111-111111111111}.
class_of() {
    printf '{%08X-1111-4111-8111-111111111111}' "$(printf '%s' "$1" | cksum | cut -d' ' -f1)"
}

# start_writer NAME ARGS...: a vss-test-writer named NAME (writer name and class id from the
# name unless ARGS say otherwise) logging to $TESTDIR/NAME.log (emptied first); returns once vssd
# registered it. Its pid is ${WPID[NAME]}, its instance id ${INSTANCE[NAME]}.
start_writer() {
    local name=$1
    shift
    rm -f "$TESTDIR/$name.ready"
    : >"$TESTDIR/$name.log"
    "$VSS_TEST_WRITER" --writer-name "$name" --class-id "$(class_of "$name")" \
        --log "$TESTDIR/$name.log" --ready-file "$TESTDIR/$name.ready" "$@" \
        2>>"$TESTDIR/$name.err" &
    WPID[$name]=$!
    at_exit "kill -9 ${WPID[$name]} 2>/dev/null; wait ${WPID[$name]} 2>/dev/null"
    for _ in $(seq 400); do
        if [ -s "$TESTDIR/$name.ready" ]; then
            INSTANCE[$name]=$(cat "$TESTDIR/$name.ready")
            return 0
        fi
        kill -0 "${WPID[$name]}" 2>/dev/null || break
        sleep 0.025
    done
    fail "writer $name did not register: $(cat "$TESTDIR/$name.err")"
}

# stop_writer NAME: SIGTERM; the writer must exit 0.
stop_writer() {
    local rc=0
    kill "${WPID[$1]}" 2>/dev/null || true
    wait "${WPID[$1]}" 2>/dev/null || rc=$?
    unset "WPID[$1]"
    [ "$rc" -eq 0 ] || fail "writer $1 exited with status $rc: $(tail -n 20 "$TESTDIR/$1.err")"
}

# reap_writer NAME: waits for a writer that died or was killed; its exit status is in $REAPED.
reap_writer() {
    REAPED=0
    wait "${WPID[$1]}" 2>/dev/null || REAPED=$?
    unset "WPID[$1]"
}

# finish: the end of a test: stops the writers still running and vssd, which must all exit 0,
# and fails on any sanitizer report in their output.
finish() {
    local n
    for n in "${!WPID[@]}"; do stop_writer "$n"; done
    stop_vssd
    if find "$TESTDIR" -name '*.err' -o -name vssd.log | xargs -r \
        grep -l -E 'ERROR: (Address|Leak)Sanitizer|runtime error:'; then
        fail "sanitizer reports (files above)"
    fi
    echo "ok: vssd and the writers stopped cleanly"
}

# events NAME: the events writer NAME received, in its order, on one line.
events() {
    sed -n 's/^[^ ]* event \([a-z-]*\) .*/\1/p' "$TESTDIR/$1.log" | tr '\n' ' ' | sed 's/ $//'
}

# expect_events WHAT NAME REGEX: the events of writer NAME, as 'events' prints them, match the
# extended regular expression REGEX as a whole.
expect_events() {
    local got
    got=$(events "$2")
    [[ "$got" =~ ^($3)$ ]] || fail "$1: $2 got '$got', which does not match '$3'"
    echo "ok: $1"
}

# merged_events NAME...: "TIME NAME EVENT" for every event of those writers, merged by time.
merged_events() {
    local n
    for n in "$@"; do
        sed -n "s/^\([^ ]*\) event \([a-z-]*\) .*/\1 $n \2/p" "$TESTDIR/$n.log"
    done | sort
}

# Microseconds since the epoch of a log time stamp, or of the first log line of FILE matching
# the extended regular expression PATTERN.
ts_us() {
    date -d "$1" +%s%6N
}
log_time_us() {
    local line
    line=$(grep -E -m1 -- "$2" "$1") || fail "no line matching '$2' in $(basename "$1")"
    ts_us "${line%% *}"
}

now_us() {
    date +%s%6N
}

# wait_for_line FILE PATTERN [SECONDS]: waits until FILE has a line matching the extended
# regular expression PATTERN (default: at most 10 s).
wait_for_line() {
    local tries=$(( ${3:-10} * 50 ))
    for _ in $(seq "$tries"); do
        grep -E -q -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.02
    done
    fail "no line matching '$2' in $(basename "$1") after ${3:-10} s"
}

# expect_between WHAT LOW HIGH VALUE: LOW ≤ VALUE ≤ HIGH (integers).
expect_between() {
    if [ "$4" -lt "$2" ] || [ "$4" -gt "$3" ]; then
        fail "$1: $4 is not within $2 … $3"
    fi
    echo "ok: $1 ($4)"
}

# expect_no_match WHAT PATTERN FILE: no line of FILE matches the extended regular expression.
expect_no_match() {
    if grep -E -q -- "$2" "$3"; then
        fail "$1: '$2' found in $(basename "$3"): $(grep -E -m1 -- "$2" "$3")"
    fi
    echo "ok: $1"
}

# none_left_frozen NAME...: every writer that logged Freeze logged a later Abort or Thaw.
none_left_frozen() {
    local n last
    for n in "$@"; do
        last=$(events "$n" | tr ' ' '\n' | grep -E '^(freeze|thaw|abort)$' | tail -n 1 || true)
        if [ "$last" = freeze ]; then
            fail "writer $n was left frozen: $(events "$n")"
        fi
    done
    echo "ok: no writer left frozen ($*)"
}

# timed CMD...: runs CMD and prints each line of its standard output prefixed with the time it
# was read (microseconds since the epoch), then a line "TIME exit STATUS".
timed() {
    local line rc
    { "$@" && rc=0 || rc=$?; echo "exit $rc"; } | while IFS= read -r line; do
        printf '%s %s\n' "$(now_us)" "$line"
    done
}

# json_query FILE EXPR [ARGS...]: the Python expression EXPR on the JSON document in FILE (d),
# with ARGS as a[0], a[1]…, printed as compact JSON.
json_query() {
    python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
a = sys.argv[3:]
print(json.dumps(eval(sys.argv[2]), separators=(",", ":"), sort_keys=True))' "$@"
}

# bcd_field FILE INSTANCE_ID FIELD: one field of the first component of that writer's entry in
# a saved backup components document, as compact JSON; INSTANCE_ID "-" for the document's own
# fields. (The document is read once, into FILE.fields.)
bcd_field() {
    if [ ! -s "$1.fields" ]; then
        python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
j = lambda v: json.dumps(v, separators=(",", ":"), sort_keys=True)
for k, v in d.items():
    if k != "writers":
        print("-", k, j(v))
for w in d["writers"]:
    for k, v in w["components"][0].items():
        print(w["instance_id"], k, j(v))' "$1" >"$1.fields"
    fi
    grep -F -e "$2 $3 " "$1.fields" | cut -d" " -f3-
}

# step_line FILE STEP: the line vss-betest --json printed for STEP (the first one; a "timed"
# prefix is skipped).
step_line() {
    grep -m1 -E "^([0-9]+ )?\{\"step\":\"$2\"" "$1" | sed 's/^[0-9]* //' ||
        fail "vss-betest printed no step $2: $(cat "$1")"
}

# step_result FILE STEP: that step's result code.
step_result() {
    step_line "$1" "$2" | sed -n 's/^{"step":"[^"]*","result":\(-\{0,1\}[0-9]*\),.*/\1/p'
}

# step_writer FILE STEP NAME: "STATE FAILURE MESSAGE" of writer NAME after STEP, as vss-betest
# --json printed it ("-" for none; NAME and MESSAGE without quotes or backslashes).
step_writer() {
    local v='\(null\|"[^"]*"\)'
    step_line "$1" "$2" |
        sed -n "s/.*\"writer_name\":\"$3\",\"state\":\"\([^\"]*\)\",\"state_code\":[0-9]*,\"failure\":$v,\"application_failure\":-\{0,1\}[0-9]*,\"message\":$v}.*/\1 \2 \3/p" |
        sed 's/null/-/g; s/"//g'
}
