#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Batch files: what may appear in them, refusals that name the file and line before anything
# runs, stopping at the first failing line, standard input; and vss-reg's own usage errors.
. "$(dirname "$0")/lib.sh"
require_root "the test writes the registry"

G='{CE4EF7DC-18CE-4A11-B4C9-D7A668637D1B}'

# Everything a registration script may hold: BOM, CRLF and LF, @echo off, rem and ::
# comments, labels, reg and reg.exe in any case, a %% in a value.
printf '\xef\xbb\xbf@echo off\r\nREM Registers Contoso & friends "quoted\r\n:: comment\r\n:label\r\n\r\n  @Reg.EXE add "HKLM\\SOFTWARE\\B" /v Percent /d "100%%%%" /f\r\nREG add HKLM\\SOFTWARE\\B /v Two /t REG_DWORD /d 2 /f\nreg query HKLM\\SOFTWARE\\B /v Two\necho on\n' \
    >"$TESTDIR/all.bat"
expect_exit "run a full script" 0 "$VSS_REG" run "$TESTDIR/all.bat"
expect_eq "script output" "The operation completed successfully.
The operation completed successfully.

HKEY_LOCAL_MACHINE\\SOFTWARE\\B
    Two    REG_DWORD    0x2" "$OUT"
expect_exit "the %% value" 0 "$VSS_REG" query 'HKLM\SOFTWARE\B' /v Percent
expect_contains "100%" "Percent    REG_SZ    100%" "$OUT"

# Another command: refused with file and line, and nothing before it ran.
printf 'reg add HKLM\\SOFTWARE\\C /f\r\ncopy a b\r\n' >"$TESTDIR/other.bat"
expect_exit "a script with another command" 1 "$VSS_REG" run "$TESTDIR/other.bat"
expect_eq "other: message" "$TESTDIR/other.bat:2: ERROR: 'copy' is not supported in a batch file: only reg commands, rem and :: comments, and echo off may appear." "$ERR"
expect_exit "other: line 1 did not run" 1 "$VSS_REG" query 'HKLM\SOFTWARE\C'

# A syntax error late in the file: nothing runs either.
printf 'reg add HKLM\\SOFTWARE\\C /f\nreg add HKLM\\SOFTWARE\\C /v x /t REG_DWORD /d nine /f\n' >"$TESTDIR/syntax.bat"
expect_exit "a script with a bad line" 1 "$VSS_REG" run "$TESTDIR/syntax.bat"
expect_contains "syntax: file and line" "syntax.bat:2: ERROR: Invalid syntax. 'nine' is not a valid REG_DWORD" "$ERR"
expect_exit "syntax: line 1 did not run" 1 "$VSS_REG" query 'HKLM\SOFTWARE\C'
printf 'reg add "HKLM\\SOFTWARE\\C /f\n' >"$TESTDIR/quote.bat"
expect_exit "a script with an unbalanced quote" 1 "$VSS_REG" run "$TESTDIR/quote.bat"
expect_contains "quote: file, line, column" "quote.bat:1: ERROR: Unbalanced quotes: the quote at column 9 is never closed" "$ERR"
printf 'reg add HKLM\\SOFTWARE\\C /d %%1 /f\n' >"$TESTDIR/var.bat"
expect_exit "a script with a batch variable" 1 "$VSS_REG" run "$TESTDIR/var.bat"
expect_contains "variable: says why" "var.bat:1: ERROR: '%' at column 28: batch variables" "$ERR"

# A line that fails when it runs: the lines before it stay done, the ones after do not run.
printf 'reg add HKLM\\SOFTWARE\\D /v one /d 1 /f\nreg add "%s\\not-a-guid" /v "Application Identifier" /d x /f\nreg add HKLM\\SOFTWARE\\D /v three /d 3 /f\n' \
    "$WSB_APPS" >"$TESTDIR/fails.bat"
expect_exit "a script whose second line fails" 1 "$VSS_REG" run "$TESTDIR/fails.bat"
expect_contains "fails: file and line" "fails.bat:2: ERROR: Refusing 'not-a-guid'" "$ERR"
expect_exit "fails: line 1 ran" 0 "$VSS_REG" query 'HKLM\SOFTWARE\D' /v one
expect_exit "fails: line 3 did not run" 1 "$VSS_REG" query 'HKLM\SOFTWARE\D' /v three

# .cmd files, and standard input.
cp "$SEED_DIR/wsb/register-typographic.bat" "$TESTDIR/REGISTER.CMD"
expect_exit "vss-reg FILE.CMD" 0 "$VSS_REG" "$TESTDIR/REGISTER.CMD"
expect_exit "run - reads standard input" 0 "$VSS_REG" run - <<<'reg query HKLM\SOFTWARE\B /v Two'
expect_contains "stdin output" "Two    REG_DWORD    0x2" "$OUT"
expect_exit "run - with an error" 1 "$VSS_REG" run - <<<'del x'
expect_contains "stdin: named" "<stdin>:1: ERROR: 'del' is not supported" "$ERR"
expect_exit "prompts in run - see end of input" 0 "$VSS_REG" run - <<<'reg delete HKLM\SOFTWARE\B'
expect_contains "prompt cancelled" "The operation was cancelled." "$OUT"
expect_exit "key kept" 0 "$VSS_REG" query 'HKLM\SOFTWARE\B'
: >"$TESTDIR/empty.bat"
expect_exit "an empty script" 0 "$VSS_REG" run "$TESTDIR/empty.bat"
expect_exit "a missing script" 1 "$VSS_REG" run "$TESTDIR/missing.bat"
expect_contains "missing: says why" "Failed to read '$TESTDIR/missing.bat': No such file or directory" "$ERR"
printf '\xff\xfer\x00e\x00g\x00' >"$TESTDIR/wide.bat"
expect_exit "a UTF-16 script" 1 "$VSS_REG" run "$TESTDIR/wide.bat"
expect_contains "UTF-16: says why" "batch files must be UTF-8" "$ERR"

# -c with the reg prefix or without, and reg in front of the arguments.
expect_exit "-c with reg" 0 "$VSS_REG" -c 'reg.exe query "HKLM\SOFTWARE\B" /v Two'
expect_exit "-c without reg" 0 "$VSS_REG" -c 'query HKLM\SOFTWARE\B /v Two'
expect_exit "reg as the first argument" 0 "$VSS_REG" reg query 'HKLM\SOFTWARE\B' /v Two
expect_exit "-c with an operator" 1 "$VSS_REG" -c 'reg query HKLM\SOFTWARE\B > out'
expect_contains "-c operator: says why" "'>' at column 27" "$ERR"
expect_exit "-c empty" 1 "$VSS_REG" -c '  '
expect_contains "-c empty: says why" "The command line is empty" "$ERR"

# vss-reg's own usage errors name the problem and do not dump the help.
expect_exit "no arguments" 1 "$VSS_REG"
expect_contains "no arguments: says why" "Missing command" "$ERR"
expect_exit "unknown command" 1 "$VSS_REG" frobnicate
expect_contains "unknown command: says why" "Unknown command 'frobnicate'" "$ERR"
expect_exit "unknown option" 1 "$VSS_REG" --frobnicate
expect_contains "unknown option: says why" "Unknown option '--frobnicate'" "$ERR"
expect_exit "run without a file" 1 "$VSS_REG" run
expect_contains "run: says why" "run takes exactly one argument" "$ERR"
expect_exit "-c without a line" 1 "$VSS_REG" -c
expect_exit "reg operation without arguments" 1 "$VSS_REG" add
expect_contains "add: says why" "Invalid syntax. The key name is missing" "$ERR"
for out in "$OUT" "$ERR"; do
    grep -q "Usage:" <<<"$out" && fail "a usage error printed the help"
done
expect_exit "--help" 0 "$VSS_REG" --help
expect_contains "--help" "vss-reg run FILE.bat" "$OUT"
expect_exit "--version" 0 "$VSS_REG" --version
expect_contains "--version" "vss-reg " "$OUT"
echo "PASS"
