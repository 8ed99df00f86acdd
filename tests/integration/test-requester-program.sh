#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# vss-betest and example-requester against a real vssd and vss-test-writer processes, as black
# boxes: listing, a backup whose stamps reach the saved document and the next backup, options,
# no component mode, a veto at Freeze that fails the backup and aborts the writers, a restore
# with move, restore settings refused without their schema bit, and a vssd that is not there.
. "$(dirname "$0")/lib.sh"

VSSD=${VSSD:-$BUILD_ROOT/src/cli/vssd}
VSSADMIN=${VSSADMIN:-$BUILD_ROOT/src/cli/vssadmin}
VSS_BETEST=${VSS_BETEST:-$BUILD_ROOT/src/cli/vss-betest}
EXAMPLE_REQUESTER=${EXAMPLE_REQUESTER:-$BUILD_ROOT/examples/example-requester}
VSS_TEST_WRITER=${VSS_TEST_WRITER:-$BUILD_ROOT/tests/vss-test-writer}
export VSS_SOCKET=$TESTDIR/vssd.sock
SHOP={7E1D9A34-5C2B-4F60-9B8A-3D4C5E6F7A81}
VETO={5A0B7C2D-1E3F-4A5B-8C6D-7E8F9A0B1C2D}
PLAIN={3C4D5E6F-7A8B-4C9D-8E0F-1A2B3C4D5E6F}

require_root "requesters and writers need root or the registry's access lists"

"$VSSD" --socket "$VSS_SOCKET" --registry "$VSS_REGISTRY_PATH" --log-level err &
VSSD_PID=$!
at_exit 'kill $VSSD_PID 2>/dev/null; wait $VSSD_PID 2>/dev/null'
for _ in $(seq 200); do "$VSSADMIN" list writers >/dev/null 2>&1 && break; sleep 0.05; done

# start_writer NAME ARGS...: a vss-test-writer logging to $TESTDIR/NAME.log.
start_writer() {
    local name=$1
    shift
    "$VSS_TEST_WRITER" --log "$TESTDIR/$name.log" --ready-file "$TESTDIR/$name.ready" "$@" \
        2>"$TESTDIR/$name.err" &
    local pid=$!
    at_exit "kill -9 $pid 2>/dev/null"
    for _ in $(seq 200); do [ -s "$TESTDIR/$name.ready" ] && return 0; sleep 0.05; done
    fail "writer $name did not register: $(cat "$TESTDIR/$name.err")"
}

RESTORE_BITS='VSS_BS_WRITER_SUPPORTS_RESTORE_WITH_MOVE|VSS_BS_ROLLFORWARD_RESTORE|VSS_BS_WRITER_SUPPORTS_NEW_TARGET'
RESTORE_BITS+='|VSS_BS_RESTORE_RENAME|VSS_BS_AUTHORITATIVE_RESTORE'
for i in one two; do
    start_writer "$i" --class-id "$SHOP" --instance-name "$i" --writer-name Shop --writer-restore always \
        --schema "$RESTORE_BITS" --component 'Db,selectable' --component 'Db\Data,restore-selectable' \
        --files "Db=/srv/shop-$i/db,filespec=*.db" --files "Db\\Data=/srv/shop-$i/data,recursive" \
        --stamp "stamp-$i"
done
start_writer veto --class-id "$VETO" --writer-name Vetoer --level back_end \
    --on freeze@1=veto:VSS_E_WRITERERROR_RETRYABLE --message "the archiver is busy"
start_writer plain --class-id "$PLAIN" --writer-name Plain
ONE=$(cat "$TESTDIR/one.ready")
TWO=$(cat "$TESTDIR/two.ready")
VETOER=$(cat "$TESTDIR/veto.ready")

# ---- list
out=$("$VSS_BETEST" list)
expect_contains "list: gathered" "* gather-writer-metadata: ok" "$out"
expect_contains "list: each writer's state" "  writer 'Shop' $ONE: [1] Stable" "$out"
expect_contains "list: the writers' identity" "'Shop' $TWO, instance 'two', class $SHOP" "$out"
expect_contains "list: components" "* component: 'Shop' Db\\Data (VSS_CT_FILEGROUP, selectable for restore)" "$out"

# ---- a backup, saved
out=$("$VSS_BETEST" backup --component 'Shop@one:Db' --component 'Plain:data' --save "$TESTDIR/saved")
echo "$out"
expect_contains "backup: prepared" "* prepare-for-backup: ok" "$out"
expect_contains "backup: the writer waits for completion after the snapshot" \
    "* do-snapshot-set: ok
  writer 'Shop' $ONE: [5] Waiting for completion" "$out"
expect_contains "backup: completed" "* backup-complete: ok" "$out"
expect_contains "backup: saved" "* saved: $TESTDIR/saved/bcd.json and 2 writer metadata document(s)" "$out"
expect_contains "the writer's stamp is in the saved document" '"backup_stamp": "stamp-one"' \
    "$(cat "$TESTDIR/saved/bcd.json")"
log=$(grep -o 'event [a-z-]*' "$TESTDIR/one.log" | tr '\n' ' ')
expect_contains "the writer got the backup's events in VSS order" \
    "event prepare-backup event prepare-snapshot event freeze event thaw event post-snapshot event backup-complete event backup-shutdown" "$log"
expect_contains "BackupComplete carried the succeeded flag" "component backup-complete logical_path=\"\" name=\"Db\" type=VSS_CT_FILEGROUP backup_succeeded=yes" \
    "$(cat "$TESTDIR/one.log")"
if grep -q 'event prepare-backup' "$TESTDIR/two.log"; then fail "the other instance took part"; fi
echo "ok: the other instance took no part"

# ---- an incremental backup with the stamps of the first, and options
: >"$TESTDIR/one.log"
out=$("$VSS_BETEST" backup --type incremental --component 'Shop@one:Db' \
    --previous-stamps "$TESTDIR/saved/bcd.json" --backup-options 'Shop@one:Db="Level"="9"')
expect_contains "incremental: stamps taken over" "* previous-stamps: 1 stamp(s) from '$TESTDIR/saved/bcd.json'" "$out"
line=$(grep 'component prepare-backup' "$TESTDIR/one.log")
expect_contains "the writer saw the previous stamp" 'previous_stamp="stamp-one"' "$line"
expect_contains "and the options" 'backup_options="\"Level\"=\"9\""' "$line"
expect_contains "and the backup type" "backup_type=VSS_BT_INCREMENTAL components_selected=yes" \
    "$(grep 'event prepare-backup' "$TESTDIR/one.log")"
expect_fail "a context that is none" "$VSS_BETEST" backup --context sometimes
expect_contains "named" "Unknown snapshot context 'sometimes'" "$ERR"

# ---- a veto at Freeze
rc=0
out=$("$VSS_BETEST" backup --component 'Vetoer:data' --json 2>"$TESTDIR/err") || rc=$?
expect_eq "a vetoed backup exits 1" 1 "$rc"
line=$(echo "$out" | grep '"step":"do-snapshot-set"')
expect_contains "do-snapshot-set failed with the writer's code" '"result":-10243' "$line"
expect_contains "the writer is failed at freeze" "\"instance_id\":\"$VETOER\",\"class_id\":\"$VETO\",\"writer_name\":\"Vetoer\",\"state\":\"VSS_WS_FAILED_AT_FREEZE\",\"state_code\":9,\"failure\":\"VSS_E_WRITERERROR_RETRYABLE\"" "$line"
expect_contains "with its message" '"message":"the archiver is busy"' "$line"
expect_contains "then the backup was aborted" '{"step":"abort-backup","result":0,' "$out"
expect_contains "the writer got Abort" "event abort" "$(cat "$TESTDIR/veto.log")"

# ---- no component mode: every writer takes part (the vetoer vetoed its first Freeze only)
: >"$TESTDIR/one.log"
out=$("$VSS_BETEST" backup --no-components --type copy --bootable)
expect_contains "no component mode: completed" "* backup-complete: ok" "$out"
expect_contains "every writer took part, without components" \
    "backup_type=VSS_BT_COPY components_selected=no bootable=yes" \
    "$(grep 'event prepare-backup' "$TESTDIR/one.log")"

# ---- a restore with move, to instance 'two', with every restore setting
: >"$TESTDIR/one.log"
: >"$TESTDIR/two.log"
out=$("$VSS_BETEST" restore --load "$TESTDIR/saved" --component 'Shop@one:Db' --move 'Shop@one=two' \
    --roll-forward 'Shop@one:Db=partial:LSN9' --subcomponent 'Shop@one:Db=Db\Data' \
    --new-target 'Shop@one:Db=/srv/shop-one/data,*,recursive,/restore/data' \
    --restore-name 'Shop@one:Db=ShopCopy' --authoritative 'Shop@one:Db')
echo "$out"
expect_contains "restore: loaded" "* load: $TESTDIR/saved: the backup components document and 2 writer metadata document(s)" "$out"
expect_contains "restore: selected, moved" "* component: 'Shop' $ONE: Db, selected for restore to another instance" "$out"
expect_contains "restore: pre-restore" "* pre-restore: ok" "$out"
expect_contains "restore: post-restore" "* post-restore: ok" "$out"
# The target instance got the events, with everything the requester set; the source none.
two=$(cat "$TESTDIR/two.log")
expect_contains "moved: instance 'two' got PreRestore" "event pre-restore" "$two"
expect_contains "moved: and PostRestore" "event post-restore" "$two"
pre=$(grep -A3 'event pre-restore' "$TESTDIR/two.log")
expect_contains "moved: the roll-forward point reached the writer" 'roll_forward=VSS_RF_PARTIAL roll_forward_point="LSN9"' "$pre"
expect_contains "moved: the restore name" 'restore_name="ShopCopy"' "$pre"
expect_contains "moved: the authoritative flag" "authoritative=yes" "$pre"
expect_contains "moved: the new target" 'new_target[0]="/srv/shop-one/data|*|recursive|/restore/data"' "$pre"
expect_contains "moved: the subcomponent" 'restore_subcomponent[0]="Db\\Data"' "$pre"
expect_contains "moved: selected for restore" "selected_for_restore=yes" "$pre"
if grep -q 'event pre-restore' "$TESTDIR/one.log"; then
    fail "the instance the component was moved away from got restore events"
fi
echo "ok: the source instance got no restore events"

# ---- a writer declaring VSS_WRE_NEVER wants no restore events, and gets none
: >"$TESTDIR/plain.log"
out=$("$VSS_BETEST" restore --load "$TESTDIR/saved" --component 'Plain:data')
expect_contains "never: pre-restore" "* pre-restore: ok" "$out"
if grep -q 'event pre-restore\|event post-restore' "$TESTDIR/plain.log"; then
    fail "a writer declaring VSS_WRE_NEVER got restore events"
fi
echo "ok: writers declaring VSS_WRE_NEVER get no restore events"

# ---- restore settings a writer's schema lacks
rc=0
"$VSS_BETEST" restore --load "$TESTDIR/saved" --component 'Plain:data' \
    --restore-name 'Plain:data=other' >/dev/null 2>"$TESTDIR/err" || rc=$?
expect_eq "a restore name without VSS_BS_RESTORE_RENAME fails" 1 "$rc"
expect_contains "naming the missing bit" "its backup schema lacks VSS_BS_RESTORE_RENAME" "$(cat "$TESTDIR/err")"
rc=0
"$VSS_BETEST" restore --load "$TESTDIR/saved" --move 'Plain=elsewhere' >/dev/null 2>"$TESTDIR/err" || rc=$?
expect_eq "a move to an instance that does not run fails" 1 "$rc"
expect_contains "naming it" "no running instance 'elsewhere' of writer 'Plain'" "$(cat "$TESTDIR/err")"

# ---- bad input
expect_fail "an unknown component" "$VSS_BETEST" backup --component 'Shop@one:Nope'
expect_contains "named" "writer 'Shop' has no component 'Nope'" "$ERR"
expect_fail "an ambiguous writer" "$VSS_BETEST" backup --component 'Shop:Db'
expect_contains "named" "has several instances; name one with Shop@INSTANCE" "$ERR"
expect_fail "a restore without documents" "$VSS_BETEST" restore
expect_contains "named" "--load DIR" "$ERR"
expect_fail "a missing directory" "$VSS_BETEST" restore --load "$TESTDIR/nothing"
expect_contains "named" "$TESTDIR/nothing/bcd.json" "$ERR"

# ---- the example requester
out=$("$EXAMPLE_REQUESTER" backup "$TESTDIR/example" 'Plain:data')
expect_contains "example: saved" "saved $TESTDIR/example/bcd.json and 1 writer metadata document(s)" "$out"
out=$("$EXAMPLE_REQUESTER" restore "$TESTDIR/example")
expect_contains "example: restored" "Plain: data (restore target VSS_RT_ORIGINAL)" "$out"
expect_contains "example: writer state" "writer 'Plain': [1] Stable" "$out"

# ---- no vssd
kill "$VSSD_PID"
wait "$VSSD_PID" 2>/dev/null || true
expect_fail "vssd is not running" "$VSS_BETEST" list
expect_contains "said so" "vssd is not running" "$ERR"
