// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mmscope's page-table walk against libkdumpfile's own (libaddrxlat's
 * page-table method, the same dump context): for N random kernel virtual
 * addresses, every level's entry and the physical address must agree, and
 * so must "not mapped".  Addresses: half inside mappings the kernel walk
 * found, a quarter uniform inside the regions of the layout (direct map,
 * vmalloc, vmemmap, image, modules, fixmap ...), a quarter uniform over
 * the whole canonical kernel half.
 *
 * usage: vtop-addrxlat [--bench] [--vmlinux V | --profile P] [--cache-dir D]
 *                      DUMP N SEED
 *
 * --bench: no comparison; times a full kernel page-table walk
 * (mappings/s) and N random translations by each walker (lookups/s).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libkdumpfile/addrxlat.h>

#include "internal.h"
#include "pgtable.h"

static uint64_t rng;

static uint64_t next_rand(void)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

struct range {
	uint64_t start, size;
};

static int die(mms_error *err, const char *what)
{
	fprintf(stderr, "vtop-addrxlat: %s: %s\n", what, mms_error_message(err));
	mms_error_free(err);
	return 2;
}

/* The kernel half's mappings, and how long the walk took. */
static mms_error *walk_kernel(mms_dump *d, struct range **out, size_t *n,
			      double *secs, uint64_t *count, uint64_t *tables,
			      unsigned flags)
{
	uint64_t root;
	mms_error *err = mms_kernel_pgtable(d, &root);
	if (err)
		return err;
	unsigned levels = mms_pgtable_levels(d);
	uint64_t khalf = levels == 5 ? 0xff00000000000000ULL
				     : 0xffff800000000000ULL;
	size_t cap = 4096;
	struct range *r = malloc(cap * sizeof(*r));
	if (!r)
		return mms_err_nomem();
	*n = 0;
	*count = 0;
	struct mms_pt_counters c0, c1;
	mms_pt_counters(d, &c0);
	double t0 = now();
	mms_mapping_iter *it;
	err = mms_mapping_iter_new(d, root, khalf, ~0ULL,
				   MMS_MAP_NONPRESENT | flags, &it);
	if (err) {
		free(r);
		return err;
	}
	for (;;) {
		const struct mms_mapping *m;
		err = mms_mapping_iter_next(it, &m);
		if (err || !m)
			break;
		(*count)++;
		if (m->kind != MMS_PTE_PRESENT)
			continue;
		if (*n == cap) {
			cap *= 2;
			struct range *nr = realloc(r, cap * sizeof(*r));
			if (!nr) {
				err = mms_err_nomem();
				break;
			}
			r = nr;
		}
		r[*n].start = m->vaddr;
		r[*n].size = m->size;
		(*n)++;
	}
	*secs = now() - t0;
	mms_pt_counters(d, &c1);
	*tables = c1.table_reads - c0.table_reads;
	mms_mapping_iter_free(it);
	if (err) {
		free(r);
		return err;
	}
	*out = r;
	return NULL;
}

static uint64_t pick(const struct range *maps, size_t nmaps,
		     const struct mms_region_desc *reg, unsigned nreg,
		     uint64_t khalf)
{
	uint64_t x = next_rand();
	unsigned kind = (unsigned)(x & 3);
	uint64_t r = next_rand();
	if (kind <= 1 && nmaps) {
		const struct range *m = &maps[next_rand() % nmaps];
		return m->start + r % m->size;
	}
	if (kind == 2 && nreg) {
		const struct mms_region_desc *g = &reg[next_rand() % nreg];
		uint64_t span = g->last - g->start;
		return g->start + (span == ~0ULL ? r : r % (span + 1));
	}
	return khalf + r % (0 - khalf);
}

struct xlat {
	addrxlat_ctx_t *ctx;
	addrxlat_sys_t *sys;
	const addrxlat_meth_t *pgt;
};

/* libaddrxlat's walk: each level's entry and the result. */
static addrxlat_status xlat_walk(struct xlat *x, uint64_t va, uint64_t *raw,
				 unsigned *nraw, uint64_t *pa)
{
	addrxlat_step_t step;
	memset(&step, 0, sizeof(step));
	step.ctx = x->ctx;
	step.sys = x->sys;
	step.meth = x->pgt;
	*nraw = 0;
	addrxlat_status st = addrxlat_launch(&step, va);
	while (st == ADDRXLAT_OK && step.remain) {
		st = addrxlat_step(&step);
		if (getenv("XDEBUG"))
			fprintf(stderr, "st %d remain %u raw %" PRIx64 " base %"
				PRIx64 "\n", st, step.remain, (uint64_t)step.raw.pte,
				(uint64_t)step.base.addr);
		/* the last step adds the page offset and reads nothing */
		if ((st == ADDRXLAT_OK && step.remain) ||
		    st == ADDRXLAT_ERR_NOTPRESENT) {
			if (*nraw < MMS_PT_MAX_LEVELS)
				raw[(*nraw)++] = step.raw.pte;
		}
	}
	*pa = step.base.addr;
	return st;
}

int main(int argc, char **argv)
{
	struct mms_open_options o = { 0 };
	bool bench = false;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--bench"))
			bench = true;
		else if (!strcmp(argv[i], "--vmlinux") && i + 1 < argc)
			o.vmlinux = argv[++i];
		else if (!strcmp(argv[i], "--no-auto"))
			o.no_auto = true;
		else if (!strcmp(argv[i], "--profile") && i + 1 < argc)
			o.profile = argv[++i];
		else if (!strcmp(argv[i], "--cache-dir") && i + 1 < argc)
			o.cache_dir = argv[++i];
		else
			break;
	}
	if (argc - i != 3) {
		fprintf(stderr, "usage: vtop-addrxlat [--bench] [--vmlinux V] "
			"[--cache-dir D] DUMP N SEED\n");
		return 2;
	}
	const char *path = argv[i];
	uint64_t n = strtoull(argv[i + 1], NULL, 0);
	rng = strtoull(argv[i + 2], NULL, 0) | 1;

	mms_dump *d;
	mms_error *err = mms_open(path, &o, &d);
	if (err)
		return die(err, path);
	struct xlat x;
	if (kdump_get_addrxlat(d->kd, &x.ctx, &x.sys) != KDUMP_OK) {
		fprintf(stderr, "vtop-addrxlat: %s: no addrxlat: %s\n", path,
			kdump_get_err(d->kd));
		return 2;
	}
	x.pgt = addrxlat_sys_get_meth(x.sys, ADDRXLAT_SYS_METH_PGT);

	struct range *maps;
	size_t nmaps;
	double walk_secs;
	uint64_t nmappings, tables;
	err = walk_kernel(d, &maps, &nmaps, &walk_secs, &nmappings, &tables, 0);
	if (err)
		return die(err, "kernel walk");
	struct mms_region_desc reg[48];
	unsigned nreg = mms_address_regions(d, reg, 48), kreg = 0;
	struct mms_region_desc kr[48];
	for (unsigned k = 0; k < nreg && k < 48; k++)
		if (reg[k].region != MMS_REGION_USER &&
		    reg[k].region != MMS_REGION_NONCANONICAL)
			kr[kreg++] = reg[k];
	unsigned levels = mms_pgtable_levels(d);
	uint64_t khalf = levels == 5 ? 0xff00000000000000ULL
				     : 0xffff800000000000ULL;
	uint64_t root;
	err = mms_kernel_pgtable(d, &root);
	if (err)
		return die(err, "root");

	uint64_t *addrs = malloc(n * sizeof(*addrs));
	if (!addrs)
		return die(mms_err_nomem(), "addresses");
	for (uint64_t k = 0; k < n; k++)
		addrs[k] = pick(maps, nmaps, kr, kreg, khalf);

	if (bench) {
		/* the kernel walk again, warm (best of 20), merged and
		 * entry by entry */
		double cold = walk_secs, best = 1e9, best1 = 1e9;
		uint64_t nentries = 0;
		for (int rep = 0; rep < 20; rep++) {
			for (int mode = 0; mode < 2; mode++) {
				free(maps);
				uint64_t cnt;
				err = walk_kernel(d, &maps, &nmaps, &walk_secs, &cnt,
						  &tables,
						  mode ? MMS_MAP_NO_MERGE : 0);
				if (err)
					return die(err, "kernel walk");
				if (mode) {
					nentries = cnt;
					best1 = walk_secs < best1 ? walk_secs : best1;
				} else {
					best = walk_secs < best ? walk_secs : best;
				}
			}
		}
		printf("%s: %u-level, kernel walk: %" PRIu64 " mappings (%" PRIu64
		       " entries), %.2f ms cold, %.2f ms warm: %.2f M mappings/s, "
		       "%.1f M entries/s\n", path, levels, nmappings, nentries,
		       cold * 1e3, best * 1e3, nmappings / best / 1e6,
		       nentries / best1 / 1e6);
		double t0 = now();
		uint64_t mapped = 0;
		for (uint64_t k = 0; k < n; k++) {
			struct mms_vtop_result r;
			mms_error *e = mms_vtop(d, root, addrs[k], &r);
			mapped += !e && r.mapped;
			mms_error_free(e);
		}
		double ours = now() - t0;
		t0 = now();
		uint64_t xmapped = 0;
		for (uint64_t k = 0; k < n; k++) {
			uint64_t raw[MMS_PT_MAX_LEVELS], pa;
			unsigned nraw;
			xmapped += xlat_walk(&x, addrs[k], raw, &nraw, &pa) ==
				   ADDRXLAT_OK;
		}
		double theirs = now() - t0;
		printf("%s: random vtop, %" PRIu64 " addresses (%" PRIu64
		       " mapped): mmscope %.2f M lookups/s (%.0f ns each), "
		       "libaddrxlat %.2f M lookups/s (%.0f ns each): %.1fx\n",
		       path, n, mapped, n / ours / 1e6, ours / n * 1e9,
		       n / theirs / 1e6, theirs / n * 1e9, theirs / ours);
		(void)xmapped;
		return 0;
	}

	uint64_t agree = 0, mapped = 0, skipped = 0, bad = 0;
	double t0 = now();
	for (uint64_t k = 0; k < n; k++) {
		uint64_t va = addrs[k];
		struct mms_vtop_result r;
		mms_error *e = mms_vtop(d, root, va, &r);
		if (e) {
			/* a table the dump lacks: libkdumpfile must not be
			 * sent to read it (0.5.1 crashes on such reads) */
			bool nodata = mms_error_code(e) == MMS_ERR_NODATA;
			if (!nodata && bad++ < 20)
				printf("FAIL 0x%016" PRIx64 ": mmscope: %s\n", va,
				       mms_error_message(e));
			mms_error_free(e);
			skipped += nodata;
			continue;
		}
		uint64_t raw[MMS_PT_MAX_LEVELS], pa = 0;
		unsigned nraw;
		addrxlat_status st = xlat_walk(&x, va, raw, &nraw, &pa);
		bool ok = true;
		char why[160] = "";
		if (r.mapped != (st == ADDRXLAT_OK)) {
			ok = false;
			snprintf(why, sizeof(why), "mmscope %s, addrxlat %s",
				 r.mapped ? "mapped" : mms_pte_kind_name(r.kind),
				 addrxlat_ctx_get_err(x.ctx));
		} else if (r.mapped && pa != r.paddr) {
			ok = false;
			snprintf(why, sizeof(why), "paddr 0x%" PRIx64 " vs 0x%"
				 PRIx64, r.paddr, pa);
		}
		/* every entry read on the way */
		if (ok && nraw != r.nr_steps) {
			ok = false;
			snprintf(why, sizeof(why), "%u entries read vs %u",
				 r.nr_steps, nraw);
		}
		for (unsigned s = 0; ok && s < nraw; s++)
			if (raw[s] != r.steps[s].raw) {
				ok = false;
				snprintf(why, sizeof(why), "level %u entry 0x%"
					 PRIx64 " vs 0x%" PRIx64,
					 r.steps[s].level, r.steps[s].raw, raw[s]);
			}
		if (ok) {
			agree++;
			mapped += r.mapped;
		} else if (bad++ < 20) {
			printf("FAIL 0x%016" PRIx64 ": %s\n", va, why);
		}
	}
	double secs = now() - t0;
	printf("%s: %u-level, %" PRIu64 " addresses: %" PRIu64 " agree (%"
	       PRIu64 " mapped, %" PRIu64 " not), %" PRIu64 " disagree, %"
	       PRIu64 " skipped (table not in the dump); %.1f s; kernel walk "
	       "%" PRIu64 " mappings from %" PRIu64 " table reads\n", path,
	       levels, n, agree, mapped, agree - mapped, bad, skipped, secs,
	       nmappings, tables);
	free(addrs);
	free(maps);
	addrxlat_sys_decref(x.sys);
	addrxlat_ctx_decref(x.ctx);
	mms_close(d);
	/* every address compared, and both kinds of answer met */
	return bad || agree + skipped != n || !mapped || mapped == agree ? 1 : 0;
}
