# SPDX-License-Identifier: LGPL-2.1-or-later
# Helpers for the integration tests. Source it first thing:
#     . "$(dirname "$0")/lib.sh"
# It sets 'set -euo pipefail', makes $TESTDIR (removed on exit) and points $VSS_REGISTRY_PATH
# into it, so no test ever touches the system's registry. Programs are found through the
# variables meson sets (VSS_REG=/path/to/vss-reg, ...); run directly, they default to the build
# directory in $BUILD_ROOT (default: build).

set -euo pipefail

SOURCE_ROOT=${SOURCE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD_ROOT=${BUILD_ROOT:-$SOURCE_ROOT/build}
VSS_REG=${VSS_REG:-$BUILD_ROOT/src/cli/vss-reg}
SEED_DIR=${SEED_DIR:-$SOURCE_ROOT/tests/data}

TESTDIR=$(mktemp -d "${TMPDIR:-/tmp}/linvss-test.XXXXXX")
chmod 0755 "$TESTDIR"
export VSS_REGISTRY_PATH="$TESTDIR/registry.db"
_cleanups=()
_cleanup() {
    local rc=$?
    for c in "${_cleanups[@]}"; do eval "$c" || true; done
    rm -rf "$TESTDIR"
    exit $rc
}
trap _cleanup EXIT

# Runs a command when the test ends, pass or fail.
at_exit() { _cleanups+=("$1"); }

# Exits 77 (meson: skipped) with a reason on stdout.
skip() {
    echo "SKIP: $*"
    exit 77
}

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

require_root() {
    [ "$(id -u)" -eq 0 ] || skip "needs root ($*)"
}

# Runs a command as the unprivileged user 'nobody' (needs root).
as_nobody() {
    setpriv --reuid=nobody --regid=nogroup --clear-groups --reset-env -- \
        env VSS_REGISTRY_PATH="$VSS_REGISTRY_PATH" "$@"
}

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
    if [ "$2" != "$3" ]; then
        printf 'FAIL: %s\n--- expected\n%s\n--- actual\n%s\n' "$1" "$2" "$3" >&2
        exit 1
    fi
    echo "ok: $1"
}

# expect_contains WHAT NEEDLE HAYSTACK
expect_contains() {
    case "$3" in
    *"$2"*) echo "ok: $1" ;;
    *) printf 'FAIL: %s: %s not found in:\n%s\n' "$1" "$2" "$3" >&2; exit 1 ;;
    esac
}

# expect_fail WHAT COMMAND...: the command must exit non-zero; its stderr is in $ERR.
expect_fail() {
    local what=$1
    shift
    local rc=0
    ERR=$("$@" 2>&1 >/dev/null) || rc=$?
    [ $rc -ne 0 ] || fail "$what: succeeded but should have failed"
    echo "ok: $what (exit $rc)"
}

# expect_exit WHAT CODE COMMAND...: the command must exit with CODE; its stdout is in $OUT and
# its stderr in $ERR afterwards. Standard input is left to the caller.
expect_exit() {
    local what=$1 code=$2
    shift 2
    local rc=0 out err
    out=$(mktemp "$TESTDIR/out.XXXXXX")
    err=$(mktemp "$TESTDIR/err.XXXXXX")
    "$@" >"$out" 2>"$err" || rc=$?
    OUT=$(cat "$out")
    ERR=$(cat "$err")
    rm -f "$out" "$err"
    if [ "$rc" -ne "$code" ]; then
        printf 'FAIL: %s: exit %s, expected %s\n--- stdout\n%s\n--- stderr\n%s\n' \
            "$what" "$rc" "$code" "$OUT" "$ERR" >&2
        exit 1
    fi
    echo "ok: $what (exit $rc)"
}

# The Windows Server Backup key the seed document registers under.
WSB_APPS='HKEY_LOCAL_MACHINE\Software\Microsoft\Windows NT\CurrentVersion\WindowsServerBackup\Application Support'
