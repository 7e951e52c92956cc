// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * buddyinfo, pagetypeinfo, zoneinfo, vmstat: the same text as the /proc
 * files of the same names (mm/vmstat.c), so `diff` against a live system's
 * or a capture's output works; --json for scripts.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

/* Reports what a free-list walk found that the counters do not show. */
static int report_walk(struct tool *t, const struct mms_zone *z,
		       const struct mms_buddy_zone *b)
{
	for (unsigned i = 0; i < b->nr_problems && i < 32; i++) {
		const struct mms_buddy_problem *p = &b->problems[i];
		char detail[128];
		if (p->target || p->kind == MMS_BUDDY_WILD_POINTER ||
		    p->kind == MMS_BUDDY_LOOP || p->kind == MMS_BUDDY_BAD_LINK)
			snprintf(detail, sizeof(detail), "next pointer 0x%" PRIx64,
				 p->target);
		else
			snprintf(detail, sizeof(detail), "expected %" PRIu64
				 ", found %" PRIu64, p->expected, p->found);
		fprintf(stderr, "mmscope: %s: node %d zone %s order %u type %s: "
			"%s at 0x%" PRIx64 " (%s)\n", t->path, z->nid, z->name,
			p->order, p->kind == MMS_BUDDY_COUNT_MISMATCH ? "(all)"
				: mms_migratetype_name(t->dump, p->migratetype),
			mms_buddy_problem_name(p->kind), p->addr, detail);
	}
	if (b->nr_problems > 32)
		fprintf(stderr, "mmscope: %s: node %d zone %s: %u more "
			"problems\n", t->path, z->nid, z->name,
			b->nr_problems - 32);
	return b->nr_problems || b->partial;
}

typedef int (*zone_fn)(struct tool *t, unsigned n, const struct mms_zone *z,
		       void *arg);

/* Calls fn for each populated zone, in node then zone order. */
static int each_zone(struct tool *t, bool populated_only, zone_fn fn,
		     void *arg)
{
	int rc = 0;
	for (unsigned n = 0; n < mms_node_count(t->dump); n++)
		for (unsigned zi = 0; zi < mms_zone_count(t->dump); zi++) {
			struct mms_zone z;
			mms_error *err = mms_zone_get(t->dump, n, zi, &z);
			if (err)
				return tool_fail(err);
			if (populated_only && !z.populated)
				continue;
			int r = fn(t, n, &z, arg);
			if (r > rc)
				rc = r;
		}
	return rc;
}

/* each_zone, as a JSON array when --json is given */
static int zones_listed(struct tool *t, bool populated_only, zone_fn fn)
{
	if (t->json)
		json_begin_array(&t->j, NULL);
	int rc = each_zone(t, populated_only, fn, NULL);
	if (t->json) {
		json_end_array(&t->j);
		json_finish(&t->j);
	}
	return rc;
}

/* ---- buddyinfo ------------------------------------------------------- */

static int buddy_zone(struct tool *t, unsigned n, const struct mms_zone *z,
		      void *arg)
{
	(void)arg;
	struct mms_buddy_zone b;
	bool walked = false;
	int rc = 0;
	if (!t->no_walk) {
		mms_error *err = mms_buddy_walk(t->dump, n, z->zone_idx, &b);
		if (err)
			return tool_fail(err);
		walked = true;
		rc = report_walk(t, z, &b);
	}
	if (t->json) {
		struct json *j = &t->j;
		json_begin_object(j, NULL);
		json_int(j, "node", z->nid);
		json_str(j, "zone", z->name);
		json_begin_array(j, "nr_free");
		for (unsigned o = 0; o < z->nr_orders; o++)
			json_uint(j, NULL, z->nr_free[o]);
		json_end_array(j);
		if (walked) {
			json_begin_object(j, "walk");
			json_bool(j, "partial", b.partial);
			json_uint(j, "free_pages", b.free_pages);
			json_begin_array(j, "blocks");
			for (unsigned o = 0; o < b.nr_orders; o++) {
				json_begin_array(j, NULL);
				for (unsigned mt = 0; mt < b.nr_migratetypes; mt++)
					json_uint(j, NULL, b.blocks[o][mt]);
				json_end_array(j);
			}
			json_end_array(j);
			json_begin_array(j, "problems");
			for (unsigned i = 0; i < b.nr_problems && i < 32; i++) {
				json_begin_object(j, NULL);
				json_str(j, "kind",
					 mms_buddy_problem_name(b.problems[i].kind));
				json_uint(j, "order", b.problems[i].order);
				json_uint(j, "migratetype",
					  b.problems[i].migratetype);
				json_hex(j, "addr", b.problems[i].addr);
				json_hex(j, "target", b.problems[i].target);
				json_uint(j, "expected", b.problems[i].expected);
				json_uint(j, "found", b.problems[i].found);
				json_end_object(j);
			}
			json_end_array(j);
			json_uint(j, "nr_problems", b.nr_problems);
			json_end_object(j);
		}
		json_end_object(j);
		return rc;
	}
	printf("Node %d, zone %8s ", z->nid, z->name);
	for (unsigned o = 0; o < z->nr_orders; o++)
		printf("%6" PRIu64 " ", z->nr_free[o]);
	printf("\n");
	return rc;
}

int cmd_buddyinfo(struct tool *t)
{
	return zones_listed(t, true, buddy_zone);
}

/* ---- pagetypeinfo ---------------------------------------------------- */

/* /proc/pagetypeinfo stops counting a list at this many entries */
#define PAGETYPEINFO_CAP 100000

static int ptype_free(struct tool *t, unsigned n, const struct mms_zone *z,
		      void *node)
{
	if (n != *(unsigned *)node)
		return 0;
	struct mms_buddy_zone b;
	mms_error *err = mms_buddy_walk(t->dump, n, z->zone_idx, &b);
	if (err)
		return tool_fail(err);
	int rc = report_walk(t, z, &b);
	for (unsigned mt = 0; mt < b.nr_migratetypes; mt++) {
		if (t->json) {
			json_begin_object(&t->j, NULL);
			json_int(&t->j, "node", z->nid);
			json_str(&t->j, "zone", z->name);
			json_str(&t->j, "type", mms_migratetype_name(t->dump, mt));
			json_begin_array(&t->j, "free");
			for (unsigned o = 0; o < b.nr_orders; o++)
				json_uint(&t->j, NULL, b.blocks[o][mt]);
			json_end_array(&t->j);
			json_end_object(&t->j);
			continue;
		}
		printf("Node %4d, zone %8s, type %12s ", z->nid, z->name,
		       mms_migratetype_name(t->dump, mt));
		for (unsigned o = 0; o < b.nr_orders; o++) {
			if (b.blocks[o][mt] >= PAGETYPEINFO_CAP)
				printf(">%6d ", PAGETYPEINFO_CAP);
			else
				printf("%6" PRIu64 " ", b.blocks[o][mt]);
		}
		printf("\n");
	}
	return rc;
}

static int ptype_blocks(struct tool *t, unsigned n, const struct mms_zone *z,
			void *node)
{
	if (n != *(unsigned *)node)
		return 0;
	uint64_t counts[MMS_MAX_MIGRATETYPES];
	mms_error *err = mms_zone_pageblocks(t->dump, n, z->zone_idx, counts);
	if (err)
		return tool_fail(err);
	unsigned nmt = mms_migratetype_count(t->dump);
	if (t->json) {
		json_begin_object(&t->j, NULL);
		json_int(&t->j, "node", z->nid);
		json_str(&t->j, "zone", z->name);
		json_begin_array(&t->j, "blocks");
		for (unsigned mt = 0; mt < nmt; mt++)
			json_uint(&t->j, NULL, counts[mt]);
		json_end_array(&t->j);
		json_end_object(&t->j);
		return 0;
	}
	printf("Node %d, zone %8s ", z->nid, z->name);
	for (unsigned mt = 0; mt < nmt; mt++)
		printf("%12" PRIu64 " ", counts[mt]);
	printf("\n");
	return 0;
}

int cmd_pagetypeinfo(struct tool *t)
{
	int rc = 0, r;
	unsigned order = mms_pageblock_order(t->dump);
	unsigned nmt = mms_migratetype_count(t->dump);
	if (t->json) {
		json_begin_object(&t->j, NULL);
		json_uint(&t->j, "pageblock_order", order);
		json_begin_array(&t->j, "types");
		for (unsigned mt = 0; mt < nmt; mt++)
			json_str(&t->j, NULL, mms_migratetype_name(t->dump, mt));
		json_end_array(&t->j);
		json_begin_array(&t->j, "free");
		for (unsigned n = 0; n < mms_node_count(t->dump); n++)
			if ((r = each_zone(t, true, ptype_free, &n)) > rc)
				rc = r;
		json_end_array(&t->j);
		json_begin_array(&t->j, "pageblocks");
		for (unsigned n = 0; n < mms_node_count(t->dump); n++)
			if ((r = each_zone(t, true, ptype_blocks, &n)) > rc)
				rc = r;
		json_end_array(&t->j);
		json_end_object(&t->j);
		json_finish(&t->j);
		return rc;
	}
	for (unsigned n = 0; n < mms_node_count(t->dump); n++) {
		struct mms_zone z0;
		mms_error *err = mms_zone_get(t->dump, n, 0, &z0);
		if (err)
			return tool_fail(err);
		printf("Page block order: %u\n", order);
		printf("Pages per block:  %lu\n", 1UL << order);
		printf("\n");
		printf("%-43s ", "Free pages count per migrate type at order");
		for (unsigned o = 0; o < z0.nr_orders; o++)
			printf("%6u ", o);
		printf("\n");
		if ((r = each_zone(t, true, ptype_free, &n)) > rc)
			rc = r;
		printf("\n%-23s", "Number of blocks type ");
		for (unsigned mt = 0; mt < nmt; mt++)
			printf("%12s ", mms_migratetype_name(t->dump, mt));
		printf("\n");
		if ((r = each_zone(t, true, ptype_blocks, &n)) > rc)
			rc = r;
	}
	return rc;
}

/* ---- zoneinfo -------------------------------------------------------- */

/*
 * Two lines of /proc/zoneinfo follow the kernel release, not its types:
 * WMARK_PROMO exists in 6.1 but its "promo" line is printed by 6.12 and
 * not by 6.1; the high_min/high_max fields exist in 6.12's per_cpu_pages
 * but are printed (with wider labels) only by later kernels.  The
 * thresholds below are the releases checked against real captures.
 */
static unsigned release_code(struct tool *t)
{
	const char *rel = mms_vmcoreinfo_get(t->dump, "OSRELEASE");
	unsigned major = 0, minor = 0;
	if (rel)
		sscanf(rel, "%u.%u", &major, &minor);
	return major * 256 + minor;
}

static bool first_populated(struct tool *t, unsigned n, unsigned zi)
{
	for (unsigned z = 0; z < mms_zone_count(t->dump); z++) {
		struct mms_zone zone;
		mms_error *err = mms_zone_get(t->dump, n, z, &zone);
		if (err) {
			mms_error_free(err);
			return false;
		}
		if (zone.populated)
			return z == zi;
	}
	return false;
}

static int print_counters(struct tool *t, unsigned n, const struct mms_zone *z,
			  enum mms_stat_kind kind)
{
	unsigned count = mms_stat_count(t->dump, kind);
	for (unsigned i = 0; i < count; i++) {
		int64_t v;
		mms_error *err = kind == MMS_STAT_NODE
			? mms_stat_node(t->dump, n, i, &v)
			: mms_stat_zone(t->dump, n, z->zone_idx, kind, i, &v);
		if (err)
			return tool_fail(err);
		const char *name = mms_stat_name(t->dump, kind, i);
		if (t->json)
			json_int(&t->j, name ? name : "?", v);
		else
			printf("\n      %-12s %" PRId64, name ? name : "?", v);
	}
	return 0;
}

static int zoneinfo_zone(struct tool *t, unsigned n, const struct mms_zone *z,
			 void *arg)
{
	(void)arg;
	struct json *j = &t->j;
	int rc = 0;
	if (t->json) {
		json_begin_object(j, NULL);
		json_int(j, "node", z->nid);
		json_str(j, "zone", z->name);
		json_uint(j, "pages_free", z->free);
		int64_t snap;
		mms_error *serr = NULL;
		if (z->populated &&
		    !(serr = mms_zone_free_snapshot(t->dump, n, z->zone_idx, &snap)))
			json_int(j, "pages_free_snapshot", snap);
		mms_error_free(serr);
		json_uint(j, "boost", z->watermark_boost);
		static const char *const wm[] = { "min", "low", "high", "promo" };
		for (unsigned i = 0; i < z->nr_watermarks; i++)
			json_uint(j, wm[i], z->watermark[i]);
		json_uint(j, "spanned", z->spanned);
		json_uint(j, "present", z->present);
		json_uint(j, "managed", z->managed);
		json_uint(j, "cma", z->cma);
		json_uint(j, "start_pfn", z->start_pfn);
		json_begin_array(j, "protection");
		for (unsigned i = 0; i < z->nr_lowmem_reserve; i++)
			json_int(j, NULL, z->lowmem_reserve[i]);
		json_end_array(j);
		if (z->populated) {
			json_begin_object(j, "counters");
			rc = print_counters(t, n, z, MMS_STAT_ZONE);
			if (!rc)
				rc = print_counters(t, n, z, MMS_STAT_NUMA);
			json_end_object(j);
		}
		if (first_populated(t, n, z->zone_idx)) {
			json_begin_object(j, "per_node_stats");
			if (!rc)
				rc = print_counters(t, n, z, MMS_STAT_NODE);
			json_end_object(j);
		}
	} else {
		printf("Node %d, zone %8s", z->nid, z->name);
		if (first_populated(t, n, z->zone_idx)) {
			printf("\n  per-node stats");
			rc = print_counters(t, n, z, MMS_STAT_NODE);
			if (rc)
				return rc;
		}
		printf("\n  pages free     %" PRIu64, z->free);
		printf("\n        boost    %" PRIu64, z->watermark_boost);
		printf("\n        min      %" PRIu64, z->watermark[0]);
		printf("\n        low      %" PRIu64, z->watermark[1]);
		printf("\n        high     %" PRIu64, z->watermark[2]);
		if (z->nr_watermarks > 3 && release_code(t) >= 6 * 256 + 12)
			printf("\n        promo    %" PRIu64, z->watermark[3]);
		printf("\n        spanned  %" PRIu64, z->spanned);
		printf("\n        present  %" PRIu64, z->present);
		printf("\n        managed  %" PRIu64, z->managed);
		printf("\n        cma      %" PRIu64, z->cma);
		printf("\n        protection: (");
		for (unsigned i = 0; i < z->nr_lowmem_reserve; i++)
			printf("%s%" PRId64, i ? ", " : "", z->lowmem_reserve[i]);
		printf(")");
		if (!z->populated) {
			printf("\n");
			return 0;
		}
		rc = print_counters(t, n, z, MMS_STAT_ZONE);
		if (!rc)
			rc = print_counters(t, n, z, MMS_STAT_NUMA);
		if (rc)
			return rc;
	}
	if (z->populated) {
		if (t->json)
			json_begin_array(j, "pagesets");
		else
			printf("\n  pagesets");
		for (unsigned c = 0; c < mms_cpu_count(t->dump); c++) {
			struct mms_pcp p;
			mms_error *err = mms_zone_pcp(t->dump, n, z->zone_idx, c, &p);
			if (err)
				return tool_fail(err);
			if (t->json) {
				json_begin_object(j, NULL);
				json_uint(j, "cpu", p.cpu);
				json_int(j, "count", p.count);
				json_int(j, "high", p.high);
				json_int(j, "batch", p.batch);
				if (p.has_high_minmax) {
					json_int(j, "high_min", p.high_min);
					json_int(j, "high_max", p.high_max);
				}
				json_int(j, "vm_stats_threshold", p.stat_threshold);
				json_end_object(j);
				continue;
			}
			printf("\n    cpu: %u", p.cpu);
			/* 6.7 added high_min/high_max and widened the labels */
			if (p.has_high_minmax && release_code(t) >= 6 * 256 + 13)
				printf("\n              count:    %d"
				       "\n              high:     %d"
				       "\n              batch:    %d"
				       "\n              high_min: %d"
				       "\n              high_max: %d",
				       p.count, p.high, p.batch, p.high_min,
				       p.high_max);
			else
				printf("\n              count: %d"
				       "\n              high:  %d"
				       "\n              batch: %d",
				       p.count, p.high, p.batch);
			printf("\n  vm stats threshold: %d", p.stat_threshold);
		}
		if (t->json)
			json_end_array(j);
	}
	bool unreclaimable = false;
	mms_error *err = mms_node_unreclaimable(t->dump, n, &unreclaimable);
	if (err)
		return tool_fail(err);
	if (t->json) {
		json_bool(j, "node_unreclaimable", unreclaimable);
		json_end_object(j);
		return 0;
	}
	printf("\n  node_unreclaimable:  %u", unreclaimable ? 1u : 0u);
	printf("\n  start_pfn:           %" PRIu64 "\n", z->start_pfn);
	return 0;
}

int cmd_zoneinfo(struct tool *t)
{
	struct mms_zone z0;
	mms_error *err = mms_zone_get(t->dump, 0, 0, &z0);
	if (err)
		return tool_fail(err);
	if (!z0.sizes_known || !mms_stat_count(t->dump, MMS_STAT_ZONE)) {
		fprintf(stderr, "mmscope: %s: zoneinfo needs the zone layout "
			"and counter names, which VMCOREINFO does not carry: "
			"give --vmlinux or --profile\n", t->path);
		return 1;
	}
	return zones_listed(t, false, zoneinfo_zone);
}

/* ---- vmstat ---------------------------------------------------------- */

int cmd_vmstat(struct tool *t)
{
	/* the order of vmstat_text[] */
	static const enum mms_stat_kind kinds[] = {
		MMS_STAT_ZONE, MMS_STAT_NUMA, MMS_STAT_NODE, MMS_STAT_WRITEBACK,
		MMS_STAT_EVENT,
	};
	bool has_unstable = false;
	if (!mms_stat_count(t->dump, MMS_STAT_ZONE)) {
		fprintf(stderr, "mmscope: %s: vmstat needs the kernel's counter "
			"enums, which VMCOREINFO does not carry: give --vmlinux "
			"or --profile\n", t->path);
		return 1;
	}
	if (t->json)
		json_begin_object(&t->j, NULL);
	int rc = 0;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		unsigned n = mms_stat_count(t->dump, kinds[k]);
		for (unsigned i = 0; i < n; i++) {
			int64_t v;
			mms_error *err = mms_stat_global(t->dump, kinds[k], i, &v);
			if (err) {
				rc = tool_fail(err);
				break;
			}
			const char *name = mms_stat_name(t->dump, kinds[k], i);
			if (name && strcmp(name, "nr_unstable") == 0)
				has_unstable = true;
			if (t->json)
				json_int(&t->j, name ? name : "?", v);
			else
				printf("%s %" PRId64 "\n", name ? name : "?", v);
		}
	}
	/* 5.8 removed NR_UNSTABLE_NFS but /proc/vmstat still ends with a
	 * constant nr_unstable 0 for userspace that expects it */
	if (!has_unstable && !rc) {
		if (t->json)
			json_int(&t->j, "nr_unstable", 0);
		else
			printf("nr_unstable 0\n");
	}
	if (t->json) {
		json_end_object(&t->j);
		json_finish(&t->j);
	}
	return rc;
}
