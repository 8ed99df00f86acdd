#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The event sequences of VSS-REFERENCE §2.1 and §2.2 as five real writers at four application
# levels see them, from their own logs: each writer's backup and restore events in order, Freeze
# by level (front-end, back-end, system, system RM, each level only once the one before
# answered) and Thaw in reverse, one session and snapshot set throughout; and data both ways:
# what the writers set (stamps, backup and restore metadata, partial and differenced files)
# reaches the saved document, and what the requester sets (previous stamps, backup options,
# backup type, partial file support) reaches the writers in the next backup and the restore.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-vssd.sh"

require_root "requesters and writers need root or the registry's access lists"
start_vssd

BACKUP="identify prepare-backup prepare-snapshot freeze thaw post-snapshot backup-complete backup-shutdown"
WRITERS="FrontA FrontB Back Sys Rm"

start_writer FrontA --level front_end --writer-restore always --restore-metadata "front-restore-md" \
    --schema 'VSS_BS_INCREMENTAL|VSS_BS_TIMESTAMPED|VSS_BS_LAST_MODIFY' \
    --component 'Db,selectable' --files 'Db=/srv/front/db,filespec=*.db' \
    --stamp "front-stamp-1" --backup-metadata "front-backup-md" \
    --partial-file '/srv/front/db/big.db=0:4096,8192:512' --partial-metadata "front-partial-md" \
    --differenced '/srv/front/log,filespec=*.log,recursive,time=1700000000000000000'
# FrontB answers Freeze late and Back must wait for it; Sys answers Thaw late and Back's Thaw
# must wait for it.
start_writer FrontB --level front_end --writer-restore always --on freeze=sleep:250
start_writer Back --level back_end --writer-restore always --stamp "back-stamp-1"
start_writer Sys --level system --writer-restore always --on thaw=sleep:150
start_writer Rm --level system_rm

# ---- a full backup, saved
out=$("$VSS_BETEST" backup --save "$TESTDIR/full")
expect_contains "full backup: snapshot taken" "* do-snapshot-set: ok" "$out"
expect_contains "full backup: completed" "* backup-complete: ok" "$out"
expect_contains "full backup: saved" "5 writer metadata document(s)" "$out"

for w in $WRITERS; do
    expect_eq "$w got the backup events of §2.1 in order" "$BACKUP" "$(events "$w")"
done

# One session and one snapshot set, the same for every writer and every event after Identify.
sessions=$(sed -n 's/^[^ ]* event [a-z-]* .* session=\([^ ]*\) .*/\1/p' "$TESTDIR"/*.log | sort -u)
expect_eq "every event of the backup carried one session" 1 "$(echo "$sessions" | grep -c '^{')"
expect_eq "and Identify none" 1 "$(echo "$sessions" | grep -c '^-$')"
sets=$(grep -h -E ' event (prepare-backup|prepare-snapshot|freeze|thaw|post-snapshot|backup-shutdown) ' \
    "$TESTDIR"/*.log | sed 's/.* set=\([^ ]*\) .*/\1/' | sort -u)
expect_eq "and one snapshot set" 1 "$(echo "$sets" | grep -c '^{')"

# Freeze by level, Thaw in reverse: the levels of the writers in the order they got the event.
level() {
    case $1 in FrontA | FrontB) echo 1 ;; Back) echo 2 ;; Sys) echo 3 ;; Rm) echo 4 ;; esac
}
merged=$(merged_events $WRITERS)
freeze_order=$(echo "$merged" | awk '$3 == "freeze" { print $2 }' | tr '\n' ' ')
thaw_order=$(echo "$merged" | awk '$3 == "thaw" { print $2 }' | tr '\n' ' ')
echo "Freeze order: $freeze_order; Thaw order: $thaw_order"
freeze_levels=$(for w in $freeze_order; do level "$w"; done | tr '\n' ' ')
thaw_levels=$(for w in $thaw_order; do level "$w"; done | tr '\n' ' ')
expect_eq "Freeze: front-end, back-end, system, system RM" "1 1 2 3 4 " "$freeze_levels"
expect_eq "Thaw: system RM, system, back-end, front-end" "4 3 2 1 1 " "$thaw_levels"

# Each level only once the one before answered: Back's Freeze after FrontB's late answer,
# Back's Thaw after Sys's late answer.
frontb_answer=$(log_time_us "$TESTDIR/FrontB.log" ' result freeze ')
back_freeze=$(log_time_us "$TESTDIR/Back.log" ' event freeze ')
frontb_freeze=$(log_time_us "$TESTDIR/FrontB.log" ' event freeze ')
expect_between "FrontB slept 250 ms in Freeze" 250000 5000000 $(( back_freeze - frontb_freeze ))
expect_between "Back's Freeze came after FrontB answered" 0 5000000 $(( back_freeze - frontb_answer ))
sys_thaw=$(log_time_us "$TESTDIR/Sys.log" ' event thaw ')
back_thaw=$(log_time_us "$TESTDIR/Back.log" ' event thaw ')
expect_between "Back's Thaw came after Sys answered its Thaw (150 ms)" 150000 5000000 \
    $(( back_thaw - sys_thaw ))
# PostSnapshot only after every Thaw: the first PostSnapshot after the last Thaw.
last_thaw=$(echo "$merged" | awk '$3 == "thaw" { t = $1 } END { print t }')
first_post=$(echo "$merged" | awk '$3 == "post-snapshot" { print $1; exit }')
expect_between "PostSnapshot after the last Thaw" 0 5000000 \
    $(( $(ts_us "$first_post") - $(ts_us "$last_thaw") ))

# ---- what the writers set is in the saved document
full=$TESTDIR/full/bcd.json
expect_eq "FrontA's stamp" '"front-stamp-1"' "$(bcd_field "$full" "${INSTANCE[FrontA]}" backup_stamp)"
expect_eq "FrontA's backup metadata" '"front-backup-md"' \
    "$(bcd_field "$full" "${INSTANCE[FrontA]}" backup_metadata)"
expect_eq "FrontA's partial file" \
    '[{"filename":"big.db","metadata":"front-partial-md","path":"/srv/front/db","ranges":"0:4096,8192:512"}]' \
    "$(bcd_field "$full" "${INSTANCE[FrontA]}" partial_files)"
expect_eq "FrontA's differenced files" \
    '[{"filespec":"*.log","last_modify_lsn":null,"last_modify_time_ns":1700000000000000000,"path":"/srv/front/log","recursive":true}]' \
    "$(bcd_field "$full" "${INSTANCE[FrontA]}" differenced_files)"
expect_eq "Back's stamp" '"back-stamp-1"' "$(bcd_field "$full" "${INSTANCE[Back]}" backup_stamp)"
for w in FrontB Sys Rm; do
    expect_eq "$w set no stamp" 'null' "$(bcd_field "$full" "${INSTANCE[$w]}" backup_stamp)"
    expect_eq "and no partial files" '[]' "$(bcd_field "$full" "${INSTANCE[$w]}" partial_files)"
done
expect_eq "the backup state in the document" \
    '{"backup_type":"VSS_BT_FULL","bootable_system_state":false,"partial_file_support":false,"select_components":true}' \
    "$(bcd_field "$full" - backup_state)"

# ---- an incremental backup with the first one's stamps, options and partial file support
for w in $WRITERS; do : >"$TESTDIR/$w.log"; done
out=$("$VSS_BETEST" backup --type incremental --partial --previous-stamps "$TESTDIR/full/bcd.json" \
    --backup-options 'FrontA:Db=level=7' --backup-options 'Back:data=fast' --save "$TESTDIR/incr")
expect_contains "incremental: the stamps were taken over" \
    "* previous-stamps: 2 stamp(s) from '$TESTDIR/full/bcd.json'" "$out"
expect_contains "incremental: completed" "* backup-complete: ok" "$out"
for w in $WRITERS; do
    expect_eq "$w got the events of the incremental backup in order" "$BACKUP" "$(events "$w")"
done
line=$(grep ' component prepare-backup ' "$TESTDIR/FrontA.log")
expect_contains "FrontA saw its previous stamp" 'previous_stamp="front-stamp-1"' "$line"
expect_contains "and its backup options" 'backup_options="level=7"' "$line"
line=$(grep ' component prepare-backup ' "$TESTDIR/Back.log")
expect_contains "Back saw its own previous stamp" 'previous_stamp="back-stamp-1"' "$line"
expect_contains "and its own options" 'backup_options="fast"' "$line"
line=$(grep ' component prepare-backup ' "$TESTDIR/FrontB.log")
expect_contains "FrontB had no stamp, and saw none" 'previous_stamp=- ' "$line"
expect_contains "and no options" 'backup_options=- ' "$line"
for w in $WRITERS; do
    for e in prepare-backup freeze post-snapshot backup-complete; do
        line=$(grep " event $e " "$TESTDIR/$w.log")
        expect_contains "$w knew the backup state in $e" \
            "backup_type=VSS_BT_INCREMENTAL components_selected=yes bootable=no partial_files=yes" "$line"
    done
done
incr=$TESTDIR/incr/bcd.json
expect_eq "the incremental document keeps the previous stamp" '"front-stamp-1"' \
    "$(bcd_field "$incr" "${INSTANCE[FrontA]}" previous_backup_stamp)"
expect_eq "and the options" '"level=7"' "$(bcd_field "$incr" "${INSTANCE[FrontA]}" backup_options)"
expect_eq "and the backup state" \
    '{"backup_type":"VSS_BT_INCREMENTAL","bootable_system_state":false,"partial_file_support":true,"select_components":true}' \
    "$(bcd_field "$incr" - backup_state)"
line=$(grep ' component backup-complete ' "$TESTDIR/FrontA.log")
expect_contains "BackupComplete showed FrontA the stamp it set" 'backup_stamp="front-stamp-1"' "$line"
expect_contains "and that the backup succeeded" 'backup_succeeded=yes' "$line"

# ---- restore of the full backup: identify, pre-restore, post-restore for the writers with
# restore events; none for Rm (VSS_WRE_NEVER)
for w in $WRITERS; do : >"$TESTDIR/$w.log"; done
out=$("$VSS_BETEST" restore --load "$TESTDIR/full" --restore-type other --restore-options 'FrontA:Db=replay')
expect_contains "restore: pre-restore" "* pre-restore: ok" "$out"
expect_contains "restore: post-restore" "* post-restore: ok" "$out"
for w in FrontA FrontB Back Sys; do
    expect_eq "$w got the restore events of §2.2 in order" "identify pre-restore post-restore" \
        "$(events "$w")"
done
expect_eq "Rm (writer restore never) got Identify only" "identify" "$(events Rm)"
sessions=$(grep -h -E ' event (pre|post)-restore ' "$TESTDIR"/*.log | sed 's/.* session=\([^ ]*\) .*/\1/' |
    sort -u)
expect_eq "one restore session" 1 "$(echo "$sessions" | grep -c '^{')"
line=$(grep ' component pre-restore ' "$TESTDIR/FrontA.log")
expect_contains "PreRestore gave FrontA its restore options" 'restore_options="replay"' "$line"
expect_contains "its backup stamp" 'backup_stamp="front-stamp-1"' "$line"
expect_contains "its backup metadata" 'backup_metadata="front-backup-md"' "$line"
expect_contains "its partial file and differenced files" 'partial_files=1 differenced_files=1' "$line"
expect_contains "selected for restore" 'selected_for_restore=yes' "$line"
expect_contains "the restore type, and the saved backup's type" \
    'backup_type=VSS_BT_FULL components_selected=yes bootable=no partial_files=no restore_type=VSS_RTYPE_OTHER' \
    "$(grep ' event pre-restore ' "$TESTDIR/FrontA.log")"
line=$(grep ' component post-restore ' "$TESTDIR/FrontA.log")
expect_contains "PostRestore told FrontA every file was restored" 'file_restore_status=VSS_RS_ALL' "$line"
expect_contains "and gave back the restore metadata it set in PreRestore" \
    'restore_metadata="front-restore-md"' "$line"
expect_contains "which it had not before" 'restore_metadata=- ' \
    "$(grep ' component pre-restore ' "$TESTDIR/FrontA.log")"
finish
