#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Reads meson-logs/testlog.json of every build directory given and prints one line,
'tests: N passed, N failed, N skipped'. Exits 1 if anything failed or nothing passed, so a run
that executed no tests cannot look green. A missing log counts as one failure."""
import json
import sys

passed = failed = skipped = 0
for build in sys.argv[1:]:
    path = f"{build}/meson-logs/testlog.json"
    try:
        with open(path, encoding="utf-8") as f:
            lines = [l for l in f if l.strip()]
    except OSError as e:
        print(f"ci-summary: cannot read {path}: {e}", file=sys.stderr)
        failed += 1
        continue
    for line in lines:
        result = json.loads(line).get("result")
        if result in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif result == "SKIP":
            skipped += 1
        else:
            failed += 1

print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or not passed else 0)
