#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Who may talk to vssd (docs/PROTOCOL.md §3.2), with real processes running as 'nobody':
# vss-betest and vssadmin are refused with vssd's message naming the rule; a vss-test-writer is
# refused until the test's private registry lists 'nobody' with REG_DWORD 1 under
# VssAccessControl, then it registers and serves a backup run by root, and with 0 it is refused
# again, the message naming the value that denies it. A member of group 'vss' (primary or
# supplementary; the group is created for the test when the system has none) may act as a
# requester and an admin tool, but not as a writer.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-vssd.sh"

require_root "switching to the user nobody, and writers need root or the registry's access lists"
command -v setpriv >/dev/null || skip "setpriv (util-linux) is needed to run programs as nobody"
id nobody >/dev/null 2>&1 || skip "there is no user 'nobody'"
NOGROUP=$(id -gn nobody)
ACL='HKLM\SYSTEM\CurrentControlSet\Services\VSS\VssAccessControl'

# Every program run as nobody must reach the binaries and the socket.
for p in "$VSSD" "$VSS_BETEST" "$VSSADMIN" "$VSS_TEST_WRITER"; do
    as_nobody test -x "$p" || skip "nobody cannot run $p (a parent directory is not searchable)"
done
# A directory nobody may write its writer logs into.
mkdir -m 0777 "$TESTDIR/nobody"

start_vssd
start_writer Root --level back_end

# Command prefixes: as nobody without groups (as_nobody of lib.sh), and as nobody with group
# 'vss' as its primary group or as its only supplementary group. Arrays, not functions, so that
# a program started with '&' is the process $! names.
AS_NOBODY=(setpriv --reuid=nobody --regid="$NOGROUP" --clear-groups --reset-env --
    env VSS_REGISTRY_PATH="$VSS_REGISTRY_PATH")
AS_PRIMARY=(setpriv --reuid=nobody --regid=vss --clear-groups --reset-env --
    env VSS_REGISTRY_PATH="$VSS_REGISTRY_PATH")
AS_SUPPLEMENTARY=(setpriv --reuid=nobody --regid="$NOGROUP" --groups=vss --reset-env --
    env VSS_REGISTRY_PATH="$VSS_REGISTRY_PATH")

# nobody_writer NAME AS-PREFIX...: a vss-test-writer run with the prefix, logging to
# $TESTDIR/nobody/NAME.log; waits for it to register or exit. Sets NW_PID, and NW_RC to its exit
# status once it exited (empty while it runs).
nobody_writer() {
    local name=$1
    shift
    rm -f "$TESTDIR/nobody/$name.ready"
    "$@" "$VSS_TEST_WRITER" --socket "$VSS_SOCKET" --writer-name "$name" \
        --class-id "$(class_of "$name")" --log "$TESTDIR/nobody/$name.log" \
        --ready-file "$TESTDIR/nobody/$name.ready" 2>"$TESTDIR/nobody/$name.err" &
    NW_PID=$!
    NW_RC=
    at_exit "kill -9 $NW_PID 2>/dev/null; wait $NW_PID 2>/dev/null"
    for _ in $(seq 400); do
        [ -s "$TESTDIR/nobody/$name.ready" ] && return 0
        if ! kill -0 "$NW_PID" 2>/dev/null; then
            NW_RC=0
            wait "$NW_PID" || NW_RC=$?
            return 0
        fi
        sleep 0.025
    done
    fail "writer $name as nobody neither registered nor exited"
}

# ---- nobody, without any right
expect_exit "nobody may not run a backup" 1 as_nobody "$VSS_BETEST" --socket "$VSS_SOCKET" backup
expect_contains "refused by vssd, naming the user and the rule" \
    "user 'nobody' (uid $(id -u nobody)" "$ERR"
expect_contains "the requester rule" \
    "may not act as a requester: requesters must be root or in group 'vss'" "$ERR"
expect_exit "nobody may not list writers with vss-betest" 1 \
    as_nobody "$VSS_BETEST" --socket "$VSS_SOCKET" list
expect_contains "the requester rule" "requesters must be root or in group 'vss'" "$ERR"
expect_exit "nobody may not run vssadmin" 1 as_nobody "$VSSADMIN" --socket "$VSS_SOCKET" list writers
expect_contains "the admin rule" "may not act as an admin tool: admins must be root or in group 'vss'" \
    "$ERR"

nobody_writer Nobody1 "${AS_NOBODY[@]}"
expect_eq "a writer as nobody, not listed in the registry, is refused" 1 "${NW_RC:-running}"
err=$(cat "$TESTDIR/nobody/Nobody1.err")
expect_contains "with the writer rule" \
    "may not act as a writer: writers must be root or have REG_DWORD 1 under HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\VSS\\VssAccessControl" \
    "$err"
expect_contains "its log says vssd refused it" "exit - subscribe-failed code=" \
    "$(cat "$TESTDIR/nobody/Nobody1.log")"
expect_no_match "vssd does not list it" "'Nobody1'" <("$VSSADMIN" list writers)

# ---- listed with 1 in the private registry: accepted
"$VSS_REG" add "$ACL" /v nobody /t REG_DWORD /d 1 /f >/dev/null
nobody_writer Nobody2 "${AS_NOBODY[@]}"
expect_eq "allowed by the registry, the writer as nobody registers" "" "$NW_RC"
NOBODY2=$NW_PID
json=$("$VSSADMIN" --json list writers)
expect_eq "vssd lists it with nobody's uid" "$(id -u nobody)" \
    "$(json_query /dev/stdin '[w["uid"] for w in d if w["writer_name"] == "Nobody2"][0]' <<<"$json")"
out=$("$VSS_BETEST" backup)
expect_contains "root's backup with it completes" "* backup-complete: ok" "$out"
expect_eq "the writer running as nobody served every event" \
    "identify prepare-backup prepare-snapshot freeze thaw post-snapshot backup-complete backup-shutdown" \
    "$(sed -n 's/^[^ ]* event \([a-z-]*\) .*/\1/p' "$TESTDIR/nobody/Nobody2.log" | tr '\n' ' ' | sed 's/ $//')"
kill "$NOBODY2"
rc=0
wait "$NOBODY2" || rc=$?
expect_eq "it stops cleanly" 0 "$rc"

# ---- 0 denies it again, by name
"$VSS_REG" add "$ACL" /v nobody /t REG_DWORD /d 0 /f >/dev/null
nobody_writer Nobody3 "${AS_NOBODY[@]}"
expect_eq "denied by the registry, the writer as nobody is refused" 1 "${NW_RC:-running}"
expect_contains "the message names the value that denies it" \
    "may not act as a writer: the value 'nobody' under HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\VSS\\VssAccessControl denies it" \
    "$(cat "$TESTDIR/nobody/Nobody3.err")"
"$VSS_REG" delete "$ACL" /v nobody /f >/dev/null

# ---- members of group vss
if ! getent group vss >/dev/null; then
    command -v groupadd >/dev/null || skip "no group 'vss' and no groupadd to create one for the test"
    groupadd --system vss || skip "no group 'vss', and groupadd could not create one"
    at_exit 'groupdel vss'
    echo "created the group vss for the test"
fi
: >"$TESTDIR/Root.log"
out=$("${AS_SUPPLEMENTARY[@]}" "$VSS_BETEST" --socket "$VSS_SOCKET" list)
expect_contains "nobody with supplementary group vss may list writers" "'Root'" "$out"
out=$("${AS_PRIMARY[@]}" "$VSS_BETEST" --socket "$VSS_SOCKET" backup)
expect_contains "nobody with primary group vss may run a backup" "* backup-complete: ok" "$out"
expect_eq "root's writer answered the list, then took part in the whole backup" \
    "identify identify prepare-backup prepare-snapshot freeze thaw post-snapshot backup-complete backup-shutdown" \
    "$(events Root)"
out=$("${AS_SUPPLEMENTARY[@]}" "$VSSADMIN" --socket "$VSS_SOCKET" list writers)
expect_contains "and may run vssadmin" "Writer name: 'Root'" "$out"
nobody_writer Member "${AS_SUPPLEMENTARY[@]}"
expect_eq "but a member of vss is no writer" 1 "${NW_RC:-running}"
expect_contains "the writer rule" "writers must be root or have REG_DWORD 1" \
    "$(cat "$TESTDIR/nobody/Member.err")"

finish
