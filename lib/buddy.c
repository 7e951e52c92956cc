// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The buddy allocator's view: walking every free list of a zone, counting
 * blocks per order and migratetype, and checking each entry against what
 * the kernel promises about free pages.  Dump data is never trusted: each
 * walk is bounded by the zone's span and checked for cycles, and every
 * pointer must land on a struct page of some mem_map.
 */
#include <stdlib.h>
#include <string.h>

#include "buddy.h"

const char *mms_buddy_problem_name(enum mms_buddy_problem_kind kind)
{
	switch (kind) {
	case MMS_BUDDY_LOOP: return "loop";
	case MMS_BUDDY_WILD_POINTER: return "wild_pointer";
	case MMS_BUDDY_UNREADABLE: return "unreadable";
	case MMS_BUDDY_NOT_BUDDY: return "not_buddy";
	case MMS_BUDDY_WRONG_ORDER: return "wrong_order";
	case MMS_BUDDY_WRONG_ZONE: return "wrong_zone";
	case MMS_BUDDY_COUNT_MISMATCH: return "count_mismatch";
	case MMS_BUDDY_BAD_LINK: return "bad_link";
	}
	return "unknown";
}

static void report_ptr(struct mms_buddy_zone *out,
		       enum mms_buddy_problem_kind kind, unsigned order,
		       unsigned mt, uint64_t addr, uint64_t target,
		       uint64_t expected, uint64_t found)
{
	if (out->nr_problems < MMS_ARRAY_SIZE(out->problems))
		out->problems[out->nr_problems] = (struct mms_buddy_problem){
			kind, order, mt, addr, target, expected, found };
	out->nr_problems++;
}

static void report(struct mms_buddy_zone *out, enum mms_buddy_problem_kind kind,
		   unsigned order, unsigned mt, uint64_t addr, uint64_t expected,
		   uint64_t found)
{
	report_ptr(out, kind, order, mt, addr, 0, expected, found);
}

struct walk {
	struct mms_dump *d;
	const struct mms_zone *z;
	struct mms_buddy_zone *out;
	unsigned char *page;
	uint64_t budget;      /* entries left for the whole zone */
};

/* Walks one list; returns false when it could not be walked to its end. */
static bool walk_list(struct walk *w, unsigned order, unsigned mt,
		      uint64_t head)
{
	const struct mms_kernel *k = &w->d->k;
	uint64_t next, prev = head, holder = head;
	mms_error *err = mms_read_u64(w->d, head + (uint64_t)k->list_next, &next);
	if (err) {
		mms_error_free(err);
		report(w->out, MMS_BUDDY_UNREADABLE, order, mt, head, 0, 0);
		return false;
	}
	/* Brent's cycle detection: a loop that never returns to the head is
	 * found in time proportional to its length, with no memory. */
	uint64_t tortoise = head, power = 1, lam = 0, count = 0;
	while (next != head) {
		if (next == tortoise || w->budget == 0) {
			report_ptr(w->out, MMS_BUDDY_LOOP, order, mt, holder, next,
				   0, count);
			return false;
		}
		if (++lam == power) {
			tortoise = next;
			power *= 2;
			lam = 0;
		}
		w->budget--;
		uint64_t page = next - (uint64_t)k->page_lru, pfn;
		err = mms_page_to_pfn(w->d, page, &pfn);
		if (err) {
			mms_error_free(err);
			report_ptr(w->out, MMS_BUDDY_WILD_POINTER, order, mt,
				   holder, next, 0, 0);
			return false;
		}
		err = mms_read_kvaddr(w->d, page, w->page, (size_t)k->page_sz);
		if (err) {
			mms_error_free(err);
			report(w->out, MMS_BUDDY_UNREADABLE, order, mt, page, pfn, 0);
			return false;
		}
		if (k->zone_start_pfn >= 0 && (pfn < w->z->start_pfn ||
		    pfn + (1ULL << order) > w->z->start_pfn + w->z->spanned))
			report(w->out, MMS_BUDDY_WRONG_ZONE, order, mt, page,
			       w->z->start_pfn, pfn);
		if (!mms_page_is_buddy(k, w->page))
			report(w->out, MMS_BUDDY_NOT_BUDDY, order, mt, page, pfn, 0);
		else if (k->page_private >= 0 &&
			 mms_get_u64(w->page, k->page_private) != order)
			report(w->out, MMS_BUDDY_WRONG_ORDER, order, mt, page, order,
			       mms_get_u64(w->page, k->page_private));
		uint64_t back = mms_get_u64(w->page, k->page_lru + k->list_prev);
		/* next->prev must lead back: else the holder's next pointer
		 * (or this page's prev) is corrupt */
		if (back != prev)
			report_ptr(w->out, MMS_BUDDY_BAD_LINK, order, mt, holder,
				   next, prev, back);
		w->out->blocks[order][mt]++;
		count++;
		prev = next;
		holder = page;
		next = mms_get_u64(w->page, k->page_lru + k->list_next);
	}
	return true;
}

static mms_error *walk_once(mms_dump *d, unsigned node_idx,
			    unsigned zone_idx, struct mms_buddy_zone *out);

/* A live system (/proc/kcore) keeps allocating while its lists are read:
 * a walk that finds problems there is made again, with the zone read
 * again, before they are believed. */
#define LIVE_ATTEMPTS 8

mms_error *mms_buddy_walk(mms_dump *d, unsigned node_idx, unsigned zone_idx,
			  struct mms_buddy_zone *out)
{
	unsigned attempts = 0;
	mms_error *err;
	for (;;) {
		err = walk_once(d, node_idx, zone_idx, out);
		attempts++;
		if (err || !d->live || (!out->nr_problems && !out->partial) ||
		    attempts >= LIVE_ATTEMPTS)
			break;
		err = mms_zone_refresh(d, node_idx, zone_idx);
		if (err)
			return err;
	}
	out->attempts = attempts;
	return err;
}

static mms_error *walk_once(mms_dump *d, unsigned node_idx, unsigned zone_idx,
			    struct mms_buddy_zone *out)
{
	struct mms_zone z;
	mms_error *err = mms_zone_get(d, node_idx, zone_idx, &z);
	if (err)
		return err;
	const struct mms_kernel *k = &d->k;
	memset(out, 0, sizeof(*out));
	out->nr_orders = z.nr_orders;
	out->nr_migratetypes = (unsigned)k->nr_migratetypes;
	memcpy(out->nr_free, z.nr_free, sizeof(out->nr_free));
	if (!z.populated)
		return NULL;
	if (k->page_lru < 0)
		return mms_err(MMS_ERR_NOTFOUND, "%s: the type info has no "
			       "OFFSET(page.lru): free lists cannot be walked",
			       d->path);
	struct walk w = { .d = d, .z = &z, .out = out };
	w.page = malloc((size_t)k->page_sz);
	if (!w.page)
		return mms_err_nomem();
	/* a zone cannot hold more free blocks than it spans pages, nor span
	 * more than the dump's RAM */
	w.budget = z.spanned;
	if (d->max_pfn && w.budget > d->max_pfn)
		w.budget = d->max_pfn;
	if (w.budget < UINT64_MAX)
		w.budget++;
	for (unsigned o = 0; o < z.nr_orders; o++) {
		uint64_t walked = 0;
		for (unsigned mt = 0; mt < out->nr_migratetypes; mt++) {
			uint64_t head = z.addr + (uint64_t)k->zone_free_area +
					o * (uint64_t)k->free_area_sz +
					(uint64_t)k->free_area_free_list +
					mt * 2ULL * 8;
			if (!walk_list(&w, o, mt, head))
				out->partial = true;
			walked += out->blocks[o][mt];
		}
		out->free_pages += walked << o;
		if (walked != out->nr_free[o])
			report(out, MMS_BUDDY_COUNT_MISMATCH, o, 0,
			       z.addr + (uint64_t)k->zone_free_area +
			       o * (uint64_t)k->free_area_sz,
			       out->nr_free[o], walked);
	}
	free(w.page);
	return NULL;
}
