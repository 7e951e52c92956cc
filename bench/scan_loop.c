// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The library's page scan alone, repeated in one process: opens a dump
 * once, scans every page REPEAT times with a callback that only folds the
 * KPF bits, and prints "pages seconds_best seconds_median" for the scans.
 * Leaves out what a tool run adds (start-up, type info, output), so the
 * figure is the scan engine's own.
 *
 *   scan_loop DUMP THREADS REPEAT [CACHE_DIR]
 */
#include <stdio.h>
#include <stdlib.h>
#include <mmscope.h>

static int fold(void *arg, unsigned thread, const struct mms_page *p, size_t n)
{
	uint64_t *acc = arg;
	uint64_t x = 0;
	for (size_t i = 0; i < n; i++)
		x ^= p[i].kpf + p[i].pfn;
	acc[thread * 8] ^= x;   /* one cache line per thread */
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: scan_loop DUMP THREADS REPEAT [CACHE_DIR]\n");
		return 2;
	}
	struct mms_open_options o = { .cache_dir = argc > 4 ? argv[4] : NULL };
	mms_dump *d;
	mms_error *err = mms_open(argv[1], &o, &d);
	if (err) {
		fprintf(stderr, "scan_loop: %s\n", mms_error_message(err));
		return 1;
	}
	unsigned threads = (unsigned)atoi(argv[2]);
	int repeat = atoi(argv[3]);
	if (repeat < 1 || repeat > 10000)
		repeat = 1;
	double *t = calloc((size_t)repeat, sizeof(*t));
	uint64_t acc[64] = { 0 }, pages = 0;
	for (int i = 0; t && i < repeat; i++) {
		struct mms_scan_result r;
		err = mms_scan_pages(d, 0, 0, threads, fold, acc, &r);
		if (err) {
			fprintf(stderr, "scan_loop: %s\n", mms_error_message(err));
			return 1;
		}
		t[i] = r.seconds;
		pages = r.pages;
	}
	if (!t)
		return 1;
	qsort(t, (size_t)repeat, sizeof(*t), cmp_double);
	printf("%llu %.6f %.6f\n", (unsigned long long)pages, t[0],
	       t[repeat / 2]);
	free(t);
	mms_close(d);
	return 0;
}
