#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Reruns everything behind the hardening figures and prints them:
#   - executions per fuzz target, and its crashes (tests/fuzz/run.sh)
#   - corruption cases and how many were handled, the worst time and the
#     peak RSS of one mmscope run over the corpus (tests/corrupt), in the
#     plain build and under ASan/UBSan
#   - the ASan/UBSan build's test result (suites fast, synth, hostile)
#
#   tests/fuzz/figures.sh [FUZZ_SECONDS_PER_TARGET]   (default 60)
#
# Needs what scripts/test-all needs, plus clang; builds build/,
# build-asan/ and build-fuzz/ as needed.  Takes ~FUZZ_SECONDS * 3 plus
# about ten minutes.
set -eu
cd "$(dirname "$0")/../.."
secs=${1:-60}
[ -f build/build.ninja ] || meson setup build >/dev/null
[ -f build-asan/build.ninja ] || meson setup build-asan \
	-Db_sanitize=address,undefined -Db_lundef=false \
	-Dc_args=-fno-sanitize-recover=all >/dev/null
ninja -C build >/dev/null
ninja -C build-asan >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "== fuzzing: $secs s per target (clang, libFuzzer, ASan+UBSan)"
fuzz_status=0
tests/fuzz/run.sh "$secs" >"$out/fuzz.txt" || fuzz_status=$?
cat "$out/fuzz.txt"

echo
echo "== corruption corpus, plain build"
/usr/bin/python3 tests/corrupt/make_and_check.py --mmscope build/tools/mmscope \
	--synth build/tests/synth/out --runner build/tests/corrupt/mms-runlimit \
	--summary "$out/plain.json" >"$out/plain.log" 2>&1 || true
tail -n 17 "$out/plain.log"

echo
echo "== ASan/UBSan build: meson test --suite fast --suite synth --suite hostile"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export LSAN_OPTIONS=suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
asan_status=0
meson test -C build-asan --suite fast --suite synth --suite hostile \
	>"$out/asan.txt" 2>&1 || asan_status=$?
grep -E '^ *[0-9]+/[0-9]+ |^(Ok|Fail|Timeout):' "$out/asan.txt"

echo
echo "== figures"
/usr/bin/python3 - "$out" "$fuzz_status" "$asan_status" <<'PY'
import json, os, re, sys
out, fuzz_status, asan_status = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows = []
for line in open(os.path.join(out, "fuzz.txt")):
    w = line.split()
    if len(w) == 5 and w[0] != "target" and w[2].isdigit():
        rows.append(w)
for t, s, execs, crashes, corpus in rows:
    print("fuzz %-8s %10s executions in %s s, %s crashes (corpus %s)"
          % (t, execs, s, crashes, corpus))
print("fuzz total  %10d executions, %d crashes" % (
    sum(int(r[2]) for r in rows), sum(int(r[3]) for r in rows)))
for name, path in (("plain", os.path.join(out, "plain.json")),
                   ("ASan/UBSan", "build-asan/tests/corrupt/summary.json")):
    try:
        s = json.load(open(path))
    except OSError:
        print("corruption (%s): no summary" % name)
        continue
    print("corruption (%s): %d cases (%d runs of mmscope), %d handled, "
          "%d failed; worst %.2f s (%s); peak RSS %.1f MB (%s); limits "
          "%g s, %d MB" % (name, s["cases"], s["runs"], s["handled_cases"],
                          s["failed_cases"], s["worst_seconds"],
                          s["worst_seconds_case"], s["peak_rss_mb"],
                          s["peak_rss_case"], s["timeout_s"],
                          s["mem_limit_mb"]))
t = open(os.path.join(out, "asan.txt")).read()
ok = re.search(r"^Ok:\s+(\d+)", t, re.M)
fail = re.search(r"^Fail:\s+(\d+)", t, re.M)
print("ASan/UBSan tests (fast, synth, hostile): %s ok, %s failed (exit %d)"
      % (ok.group(1) if ok else "?", fail.group(1) if fail else "?",
         asan_status))
print("fuzz run.sh exit %d" % fuzz_status)
PY
[ "$fuzz_status" = 0 ] && [ "$asan_status" = 0 ]
