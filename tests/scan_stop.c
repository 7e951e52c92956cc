// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The scan API's contract on a real dump (the committed fixture): a whole
 * scan hands out every struct page once, in batches of consecutive pfns,
 * on the threads it says; a callback that asks to stop after its first
 * batch gets no other, and the result counts only what was handed out
 * (nothing of the rest as excluded).
 *
 *   scan-stop DUMP PROFILE
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mmscope.h>

static int failures, checks;

static void check(int cond, const char *what, unsigned long long a,
		  unsigned long long b)
{
	checks++;
	if (!cond) {
		failures++;
		printf("FAIL: %s (%llu, %llu)\n", what, a, b);
	}
}

struct tally {
	atomic_ullong pages, batches, bad_batches, bad_thread;
	unsigned threads;
	unsigned char *seen;       /* per pfn: times handed out */
	unsigned long long max_pfn;
	int stop_after;            /* 0: never */
};

static int count(void *arg, unsigned thread, const struct mms_page *p,
		 size_t n)
{
	struct tally *t = arg;
	if (thread >= t->threads)
		atomic_fetch_add(&t->bad_thread, 1);
	for (size_t i = 0; i < n; i++) {
		if (i && p[i].pfn != p[i - 1].pfn + 1)
			atomic_fetch_add(&t->bad_batches, 1);
		if (p[i].pfn < t->max_pfn)   /* each pfn has one owner */
			t->seen[p[i].pfn]++;
	}
	atomic_fetch_add(&t->pages, n);
	unsigned long long b = atomic_fetch_add(&t->batches, 1) + 1;
	return t->stop_after && (int)b >= t->stop_after;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: scan-stop DUMP PROFILE\n");
		return 2;
	}
	struct mms_open_options o = { .profile = argv[2], .no_auto = true };
	mms_dump *d;
	mms_error *err = mms_open(argv[1], &o, &d);
	if (err) {
		printf("FAIL: %s\n", mms_error_message(err));
		return 1;
	}
	for (unsigned threads = 1; threads <= 2; threads++) {
		struct tally t = { .threads = threads };
		struct mms_scan_result r;
		/* the whole scan, to learn the range */
		t.max_pfn = 1ULL << 26;
		t.seen = calloc(t.max_pfn, 1);
		err = mms_scan_pages(d, 0, 0, threads, count, &t, &r);
		check(!err, "whole scan", 0, 0);
		mms_error_free(err);
		unsigned long long twice = 0, once = 0;
		for (unsigned long long p = 0; p < t.max_pfn; p++) {
			once += t.seen[p] == 1;
			twice += t.seen[p] > 1;
		}
		check(r.threads == threads, "threads", r.threads, threads);
		check(r.pages == t.pages, "pages counted = pages handed out",
		      r.pages, t.pages);
		check(r.pages > 10000, "a real dump's pages", r.pages, 0);
		check(once == r.pages && !twice, "every pfn handed out once",
		      once, twice);
		check(!t.bad_batches, "batches are consecutive pfns",
		      t.bad_batches, 0);
		check(!t.bad_thread, "thread index below threads",
		      t.bad_thread, threads);
		check(r.excluded == 0, "no struct page excluded", r.excluded, 0);
		unsigned long long all = r.pages;
		free(t.seen);

		/* stop after the first batch */
		struct tally s = { .threads = threads, .stop_after = 1 };
		s.max_pfn = 1ULL << 26;
		s.seen = calloc(s.max_pfn, 1);
		err = mms_scan_pages(d, 0, 0, threads, count, &s, &r);
		check(!err, "stopped scan", 0, 0);
		mms_error_free(err);
		/* with two threads each may have a batch in flight */
		check(s.batches >= 1 && s.batches <= threads, "batches after a stop",
		      s.batches, threads);
		check(r.pages == s.pages, "stopped: pages counted = handed out",
		      r.pages, s.pages);
		check(r.pages < all, "stopped: fewer pages", r.pages, all);
		check(r.excluded == 0, "stopped: the rest is not excluded",
		      r.excluded, 0);
		free(s.seen);
	}
	mms_close(d);
	printf("%d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
