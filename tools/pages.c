// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * page-types and kpageflags: every page frame of the dump, summarised by
 * its /proc/kpageflags bits the way the kernel's tools/mm/page-types does,
 * or written out as a kpageflags file the stock `page-types -F` reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <time.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tool.h"

#define KPF_HACKERS_BITS (0xffffULL << 32)
#define KPF_COMPOUND_BITS ((1ULL << 15) | (1ULL << 16))
#define KPF_HUGE_BIT (1ULL << 17)
#define KPF_NOPAGE_BIT (1ULL << 20)

static const char *const kpf_names[64] = {
	[0] = "L:locked", [1] = "E:error", [2] = "R:referenced",
	[3] = "U:uptodate", [4] = "D:dirty", [5] = "l:lru", [6] = "A:active",
	[7] = "S:slab", [8] = "W:writeback", [9] = "I:reclaim",
	[10] = "B:buddy", [11] = "M:mmap", [12] = "a:anonymous",
	[13] = "s:swapcache", [14] = "b:swapbacked", [15] = "H:compound_head",
	[16] = "T:compound_tail", [17] = "G:huge", [18] = "u:unevictable",
	[19] = "X:hwpoison", [20] = "n:nopage", [21] = "x:ksm", [22] = "t:thp",
	[23] = "o:offline", [24] = "z:zero_page", [25] = "i:idle_page",
	[26] = "g:pgtable", [32] = "r:reserved", [33] = "m:mlocked",
	[34] = "d:mappedtodisk", [35] = "P:private", [36] = "p:private_2",
	[37] = "O:owner_private", [38] = "h:arch", [39] = "c:uncached",
	[40] = "f:softdirty", [41] = "H:arch_2", [42] = "H:arch_3",
	[43] = "2:owner_2",
};

struct counts {             /* one per thread, each on its own line */
	alignas(64) uint64_t *keys;
	uint64_t *vals;
	size_t cap, n;
	uint64_t last_key, last_count;   /* runs of equal flags are common */
};

static void add(struct counts *c, uint64_t key, uint64_t v)
{
	if ((c->n + 1) * 2 > c->cap) {
		struct counts g = { .cap = c->cap ? c->cap * 2 : 1024 };
		g.keys = calloc(g.cap, 8);
		g.vals = calloc(g.cap, 8);
		if (!g.keys || !g.vals) {
			fprintf(stderr, "mmscope: out of memory\n");
			exit(1);
		}
		for (size_t i = 0; i < c->cap; i++)
			if (c->vals[i])
				add(&g, c->keys[i], c->vals[i]);
		free(c->keys);
		free(c->vals);
		*c = g;
	}
	size_t i = (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 20) & (c->cap - 1);
	while (c->vals[i] && c->keys[i] != key)
		i = (i + 1) & (c->cap - 1);
	if (!c->vals[i]) {
		c->keys[i] = key;
		c->n++;
	}
	c->vals[i] += v;
}

struct filter {
	long node, zone;          /* -1: any */
	uint64_t pfn_lo, pfn_hi;
	uint64_t flags_mask, flags_want;
	bool raw;
};

struct pt_state {
	const struct filter *f;
	/* progress line: only on a terminal, only past a second */
	bool progress;
	atomic_uint_fast64_t done;
	uint64_t total;
	double start, last;
	struct counts per_thread[8];
	int kpf_fd;               /* kpageflags: entries written in place */
	uint64_t kpf_len;
	atomic_bool write_failed;
};

/* What page-types shows by default: no kernel-hacker bits, and compound
 * bits only for hugetlb pages. */
static uint64_t well_known(uint64_t flags)
{
	flags &= ~KPF_HACKERS_BITS;
	if ((flags & KPF_COMPOUND_BITS) && !(flags & KPF_HUGE_BIT))
		flags &= ~KPF_COMPOUND_BITS;
	return flags;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress(struct pt_state *s, unsigned thread, size_t n)
{
	uint64_t done = atomic_fetch_add(&s->done, n) + n;
	if (!s->progress || thread != 0)
		return;
	double t = now();
	if (t - s->start < 1.0 || t - s->last < 0.25)
		return;
	s->last = t;
	fprintf(stderr, "\rscanned %" PRIu64 " of %" PRIu64 " pages (%.0f%%)",
		done, s->total, s->total ? 100.0 * (double)done / (double)s->total
					 : 0.0);
}

static void progress_end(struct pt_state *s)
{
	if (s->progress && s->last > 0)
		fprintf(stderr, "\r\033[K");
}

/* kpageflags: a batch is consecutive pfns, written in place */
static void write_kpf(struct pt_state *s, const struct mms_page *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t m = 0;
		uint64_t buf[512];
		while (i + m < n && m < 512 && p[i + m].pfn < s->kpf_len) {
			buf[m] = p[i + m].kpf;
			m++;
		}
		if (!m)
			break;
		if (pwrite(s->kpf_fd, buf, m * 8, (off_t)(p[i].pfn * 8)) !=
		    (ssize_t)(m * 8))
			atomic_store(&s->write_failed, true);
		i += m;
	}
}

static bool wanted(const struct filter *f, const struct mms_page *p)
{
	if (f->node >= 0 && (!p->in_zone || (long)p->node_idx != f->node))
		return false;
	return f->zone < 0 || (p->in_zone && (long)p->zone_idx == f->zone);
}

static int on_pages(void *arg, unsigned thread, const struct mms_page *p,
		    size_t n)
{
	struct pt_state *s = arg;
	progress(s, thread, n);
	if (s->kpf_fd >= 0) {
		write_kpf(s, p, n);
		return 0;
	}
	const struct filter *f = s->f;
	bool by_place = f->node >= 0 || f->zone >= 0;
	struct counts *c = &s->per_thread[thread];
	/* runs of equal flags are counted here, a hash add per run */
	uint64_t key = c->last_key, count = c->last_count;
	for (size_t i = 0; i < n; i++) {
		if (by_place && !wanted(f, &p[i]))
			continue;
		uint64_t flags = f->raw ? p[i].kpf : well_known(p[i].kpf);
		if ((flags & f->flags_mask) != f->flags_want)
			continue;
		if (count && key == flags) {
			count++;
			continue;
		}
		if (count)
			add(c, key, count);
		key = flags;
		count = 1;
	}
	c->last_key = key;
	c->last_count = count;
	return 0;
}

static void symbolic(uint64_t flags, char *buf)
{
	size_t j = 0;
	for (int b = 0; b < 64; b++)
		if (kpf_names[b])
			buf[j++] = (flags >> b) & 1 ? kpf_names[b][0] : '_';
	buf[j] = '\0';
}

static void longnames(uint64_t flags, char *buf, size_t len)
{
	size_t j = 0;
	buf[0] = '\0';
	for (int b = 0; b < 64; b++)
		if ((flags >> b) & 1 && kpf_names[b] && j + 24 < len)
			j += (size_t)snprintf(buf + j, len - j, "%s%s", j ? "," : "",
					      kpf_names[b] + 2);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static uint64_t parse_flags(const char *s)
{
	uint64_t v = 0;
	char *copy = strdup(s), *save = NULL;
	for (char *tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		bool found = false;
		for (int b = 0; b < 64; b++)
			if (kpf_names[b] && (strcmp(tok, kpf_names[b] + 2) == 0 ||
					     (strlen(tok) == 1 && tok[0] == kpf_names[b][0]))) {
				v |= 1ULL << b;
				found = true;
				break;
			}
		if (!found) {
			char *end;
			uint64_t x = strtoull(tok, &end, 0);
			if (*end) {
				fprintf(stderr, "mmscope: unknown page flag '%s'\n", tok);
				exit(2);
			}
			v |= x;
		}
	}
	free(copy);
	return v;
}

int cmd_page_types(struct tool *t)
{
	struct filter f = { .node = -1, .zone = -1, .raw = t->raw };
	if (t->node_opt)
		f.node = strtol(t->node_opt, NULL, 0);
	if (t->zone_opt) {
		f.zone = -1;
		for (unsigned z = 0; z < mms_zone_count(t->dump); z++) {
			struct mms_zone zone;
			mms_error *err = mms_zone_get(t->dump, 0, z, &zone);
			if (!err && strcasecmp(zone.name, t->zone_opt) == 0)
				f.zone = z;
			mms_error_free(err);
		}
		if (f.zone < 0) {
			fprintf(stderr, "mmscope: no zone named '%s'\n", t->zone_opt);
			return 2;
		}
	}
	if (t->flags_opt) {
		f.flags_mask = f.flags_want = parse_flags(t->flags_opt);
	}
	if (t->pfn_range && sscanf(t->pfn_range, "%" SCNi64 "-%" SCNi64,
				   &f.pfn_lo, &f.pfn_hi) != 2) {
		fprintf(stderr, "mmscope: --pfn-range wants START-END\n");
		return 2;
	}
	struct pt_state s = { .f = &f, .progress = isatty(2), .kpf_fd = -1,
			      .total = mms_max_pfn(t->dump), .start = now() };
	struct mms_scan_result r;
	mms_error *err = mms_scan_pages(t->dump, f.pfn_lo, f.pfn_hi,
					t->threads, on_pages, &s, &r);
	progress_end(&s);
	if (err)
		return tool_fail(err);
	struct counts all = { 0 };
	for (int i = 0; i < 8; i++) {
		if (s.per_thread[i].last_count)
			add(&s.per_thread[i], s.per_thread[i].last_key,
			    s.per_thread[i].last_count);
		for (size_t j = 0; j < s.per_thread[i].cap; j++)
			if (s.per_thread[i].vals[j])
				add(&all, s.per_thread[i].keys[j],
				    s.per_thread[i].vals[j]);
		free(s.per_thread[i].keys);
		free(s.per_thread[i].vals);
	}
	uint64_t *keys = malloc((all.n + 1) * 8), total = 0;
	size_t nk = 0;
	for (size_t j = 0; j < all.cap; j++)
		if (all.vals[j])
			keys[nk++] = all.keys[j];
	qsort(keys, nk, 8, cmp_u64);
	uint64_t mb_shift = 20 - 12;
	if (t->json) {
		struct json *j = &t->j;
		json_begin_object(j, NULL);
		json_uint(j, "pages_scanned", r.pages);
		json_uint(j, "excluded", r.excluded);
		json_uint(j, "nopage", r.nopage);
		json_uint(j, "threads", r.threads);
		json_int(j, "scan_microseconds", (int64_t)(r.seconds * 1e6));
		json_begin_array(j, "flags");
	} else {
		printf("             flags\tpage-count       MB  symbolic-flags"
		       "\t\t\tlong-symbolic-flags\n");
	}
	for (size_t i = 0; i < nk; i++) {
		uint64_t v = 0;
		for (size_t j = 0; j < all.cap; j++)
			if (all.vals[j] && all.keys[j] == keys[i])
				v = all.vals[j];
		total += v;
		char sym[80], lng[1024];
		symbolic(keys[i], sym);
		longnames(keys[i], lng, sizeof(lng));
		if (t->json) {
			json_begin_object(&t->j, NULL);
			json_hex(&t->j, "flags", keys[i]);
			json_uint(&t->j, "pages", v);
			json_str(&t->j, "names", lng);
			json_end_object(&t->j);
		} else {
			printf("0x%016" PRIx64 "\t%10" PRIu64 " %8" PRIu64 "  %s\t%s\n",
			       keys[i], v, v >> mb_shift, sym, lng);
		}
	}
	if (t->json) {
		json_end_array(&t->j);
		json_uint(&t->j, "total", total);
		json_end_object(&t->j);
		json_finish(&t->j);
	} else {
		printf("             total\t%10" PRIu64 " %8" PRIu64 "\n", total,
		       total >> mb_shift);
	}
	if (r.excluded)
		fprintf(stderr, "mmscope: %s: %" PRIu64 " struct pages are not in "
			"the dump (filtered): not counted\n", t->path, r.excluded);

	free(keys);
	free(all.keys);
	free(all.vals);
	return 0;
}

int cmd_kpageflags(struct tool *t)
{
	if (!t->out_path) {
		fprintf(stderr, "mmscope: kpageflags needs -o FILE\n");
		return 2;
	}
	uint64_t max = mms_max_pfn(t->dump);
	struct filter f = { .node = -1, .zone = -1, .raw = true };
	struct pt_state s = { .f = &f, .kpf_len = max, .progress = isatty(2),
			      .total = max, .start = now() };
	s.kpf_fd = open(t->out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (s.kpf_fd < 0) {
		fprintf(stderr, "mmscope: %s: %s\n", t->out_path, strerror(errno));
		return 1;
	}
	/* pfns with no struct page read back as NOPAGE, as the kernel says;
	 * the file is filled with that first and the scan writes over it,
	 * so memory stays small whatever the size of the machine */
	static uint64_t nopage[8192];
	for (size_t i = 0; i < 8192; i++)
		nopage[i] = KPF_NOPAGE_BIT;
	for (uint64_t pfn = 0; pfn < max; pfn += 8192) {
		uint64_t m = max - pfn < 8192 ? max - pfn : 8192;
		if (write(s.kpf_fd, nopage, m * 8) != (ssize_t)(m * 8)) {
			fprintf(stderr, "mmscope: %s: %s\n", t->out_path,
				strerror(errno));
			close(s.kpf_fd);
			return 1;
		}
	}
	struct mms_scan_result r;
	mms_error *err = mms_scan_pages(t->dump, 0, max, t->threads, on_pages,
					&s, &r);
	progress_end(&s);
	if (close(s.kpf_fd) != 0 || atomic_load(&s.write_failed)) {
		mms_error_free(err);
		fprintf(stderr, "mmscope: %s: write failed\n", t->out_path);
		return 1;
	}
	if (err)
		return tool_fail(err);
	if (r.excluded)
		fprintf(stderr, "mmscope: %s: %" PRIu64 " struct pages are not in "
			"the dump (filtered): written as nopage\n", t->path,
			r.excluded);
	return 0;
}

int cmd_page(struct tool *t)
{
	if (!t->arg2) {
		fprintf(stderr, "mmscope: page needs PFN|PADDR|VADDR\n");
		return 2;
	}
	char *end;
	uint64_t v = strtoull(t->arg2, &end, 0), pfn = v;
	if (*end) {
		fprintf(stderr, "mmscope: '%s' is not a number\n", t->arg2);
		return 2;
	}
	mms_error *err = NULL;
	/* small numbers are pfns; anything larger is an address */
	if (v >= mms_max_pfn(t->dump))
		err = mms_addr_to_pfn(t->dump, v, &pfn);
	struct mms_page p;
	if (!err)
		err = mms_page_get(t->dump, pfn, &p);
	if (err)
		return tool_fail(err);
	char lng[1024], kflags[2048];
	longnames(p.kpf, lng, sizeof(lng));
	size_t j = 0;
	kflags[0] = '\0';
	for (unsigned b = 0; b < 64; b++) {
		if (!((p.flags >> b) & 1))
			continue;
		const char *n = mms_pageflag_name(t->dump, b);
		if (n && j + 40 < sizeof(kflags))
			j += (size_t)snprintf(kflags + j, sizeof(kflags) - j, "%s%s",
					      j ? "," : "", n);
	}
	struct mms_zone z = { 0 };
	if (p.in_zone)
		mms_error_free(mms_zone_get(t->dump, p.node_idx, p.zone_idx, &z));
	if (t->json) {
		struct json *js = &t->j;
		json_begin_object(js, NULL);
		json_uint(js, "pfn", p.pfn);
		json_hex(js, "flags", p.flags);
		json_str(js, "flag_names", kflags);
		json_hex(js, "kpageflags", p.kpf);
		json_str(js, "kpageflag_names", lng);
		json_hex(js, "mapping", p.mapping);
		json_hex(js, "private", p.private_);
		json_hex(js, "compound_head", p.compound_head);
		json_int(js, "mapcount", p.mapcount);
		json_int(js, "refcount", p.refcount);
		json_hex(js, "page_type", p.page_type);
		json_bool(js, "buddy", p.buddy);
		json_uint(js, "compound_order", p.compound_order);
		json_uint(js, "compound_head_pfn", p.compound_head_pfn);
		if (p.buddy)
			json_uint(js, "order", p.buddy_order);
		if (p.in_zone) {
			json_int(js, "node", z.nid);
			json_str(js, "zone", z.name);
		}
		json_end_object(js);
		json_finish(js);
		return 0;
	}
	printf("pfn           0x%" PRIx64 " (%" PRIu64 ")\n", p.pfn, p.pfn);
	if (p.in_zone)
		printf("zone          node %d %s\n", z.nid, z.name);
	printf("flags         0x%" PRIx64 " %s\n", p.flags, kflags);
	printf("kpageflags    0x%" PRIx64 " %s\n", p.kpf, lng);
	static const char *const kinds[] = { "file", "anon", "movable", "ksm" };
	printf("mapping       0x%" PRIx64 " (%s)\n", p.mapping,
	       p.mapping ? kinds[p.mapping & 3] : "none");
	if (p.compound_order || (p.compound_head & 1))
		printf("compound      order %u (%u pages), head pfn 0x%" PRIx64 "\n",
		       p.compound_order, 1u << p.compound_order,
		       p.compound_head_pfn);
	printf("index         0x%" PRIx64 "\n", p.index);
	printf("private       0x%" PRIx64 "\n", p.private_);
	printf("compound_head 0x%" PRIx64 "%s\n", p.compound_head,
	       p.compound_head & 1 ? " (tail)" : "");
	printf("_refcount     %d\n", p.refcount);
	printf("_mapcount     %d\n", p.mapcount);
	printf("page_type     0x%08x\n", p.page_type);
	if (p.buddy)
		printf("buddy         head of a free block of order %u (%u pages)\n",
		       p.buddy_order, 1u << p.buddy_order);
	return 0;
}
