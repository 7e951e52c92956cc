#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Builds the libFuzzer targets with clang (build-fuzz/, -Dfuzz=true) and
# runs each for SECONDS (default 60), two at a time, then prints per
# target the executions, the crashes (crash-, leak-, timeout-, oom- files
# libFuzzer left) and the corpus size.  Exit status 1 if any target
# crashed; the inputs are under build-fuzz/tests/fuzz/crashes/TARGET/.
#
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
#
# Each run starts from the committed seeds (tests/fuzz/corpus/TARGET),
# the generated ones (build-fuzz/tests/fuzz/data/seeds/TARGET) and what
# earlier runs found (build-fuzz/tests/fuzz/work/TARGET).
set -eu
cd "$(dirname "$0")/../.."
secs=${1:-60}
[ $# -gt 0 ] && shift
targets=${*:-facts profile dwarf flat dump}
B=build-fuzz
if [ ! -f $B/build.ninja ]; then
	CC=clang meson setup $B -Dfuzz=true >/dev/null
fi
ninja -C $B >/dev/null
F=$B/tests/fuzz
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:allocator_may_return_null=1
export LSAN_OPTIONS=suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run_one() {
	t=$1
	mkdir -p $F/work/$t $F/crashes/$t
	seeds=$F/data/seeds/$t
	[ -d $seeds ] || seeds=
	# -timeout: one input must not take 10 s; -rss_limit_mb: nor 1 GiB
	$F/fuzz_$t -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 \
		-malloc_limit_mb=1024 -print_final_stats=1 \
		-artifact_prefix=$F/crashes/$t/ \
		$F/work/$t tests/fuzz/corpus/$t $seeds >$F/log-$t.txt 2>&1 || true
}
pids=""
n=0
for t in $targets; do
	run_one "$t" &
	pids="$pids $!"
	n=$((n + 1))
	if [ $n -ge 2 ]; then
		wait
		n=0
	fi
done
wait
status=0
printf '%-8s %8s %12s %8s %8s\n' target seconds executions crashes corpus
for t in $targets; do
	log=$F/log-$t.txt
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	crashes=$(find $F/crashes/$t -type f | wc -l)
	corpus=$(find $F/work/$t -type f | wc -l)
	printf '%-8s %8s %12s %8s %8s\n' "$t" "$secs" "${execs:-?}" "$crashes" \
		"$corpus"
	if [ "$crashes" -gt 0 ] || [ -z "$execs" ]; then
		status=1
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" |
			head -5 | sed 's/^/    /'
	fi
done
exit $status
