#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A registry file that is corrupt, truncated or not a linvss registry at all is reported with a
# message that names the file, exit status 1, no crash, and the file is left alone.
. "$(dirname "$0")/lib.sh"
require_root "the test writes registries"

good="$TESTDIR/good.db"
export VSS_REGISTRY_PATH="$good"
expect_exit "make a registry" 0 "$VSS_REG" run "$SEED_DIR/wsb/register-straight.bat"
for i in $(seq 1 40); do
    "$VSS_REG" add "HKLM\\SOFTWARE\\Fill\\k$i" /v data /d "$(printf 'x%.0s' $(seq 200))" /f >/dev/null
done
size=$(stat -c %s "$good")
[ "$size" -gt 8192 ] || fail "the registry is unexpectedly small ($size bytes)"

bad="$TESTDIR/bad.db"
check_refused() { # WHAT
    local what=$1
    cp "$bad" "$TESTDIR/copy.db"
    export VSS_REGISTRY_PATH="$bad"
    for cmd in "query HKLM\\SOFTWARE /s" "apps" "add HKLM\\SOFTWARE\\New /f" \
        "export HKLM\\SOFTWARE $TESTDIR/out.reg /y"; do
        # shellcheck disable=SC2086
        expect_exit "$what: $cmd" 1 "$VSS_REG" $cmd
        expect_contains "$what: $cmd: names the file" "$bad" "$ERR"
    done
    cmp "$bad" "$TESTDIR/copy.db" || fail "$what: the file was changed"
    echo "ok: $what: the file is unchanged"
}

# Random bytes.
head -c 16384 /dev/urandom >"$bad"
check_refused "random bytes"

# The first 100 bytes of a real registry, and the first half.
head -c 100 "$good" >"$bad"
check_refused "truncated to 100 bytes"
head -c $((size / 2)) "$good" >"$bad"
check_refused "truncated to half"

# Pages overwritten in the middle.
cp "$good" "$bad"
dd if=/dev/urandom of="$bad" bs=1024 seek=2 count=4 conv=notrunc status=none
check_refused "overwritten pages"

# A good SQLite database that is not a linvss registry.
rm -f "$bad"
python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("create table t(x)"); c.commit()' "$bad"
check_refused "another SQLite database"

# A text file.
printf 'Windows Registry Editor Version 5.00\r\n' >"$bad"
check_refused "a text file"
echo "PASS"
