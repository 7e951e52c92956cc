// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Pageblock migratetypes, as /proc/pagetypeinfo counts them: each
 * pageblock's type sits in the low bits of a NR_PAGEBLOCK_BITS group of
 * its section's pageblock_flags bitmap (mem_section_usage, 5.3+).
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "memmodel.h"

#define SECTION_IS_ONLINE 4ULL   /* 4.13+ */
#define MIGRATETYPE_MASK 7ULL    /* PB_migratetype_bits = 3 */

/* The first present section numbered above nr, or the end. */
static const struct mms_section *lower_section(const struct mms_memmodel *mm,
					       uint64_t nr)
{
	uint64_t lo = 0, hi = mm->nr_sections;
	while (lo < hi) {
		uint64_t mid = (lo + hi) / 2;
		if (mm->sections[mid].nr <= nr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return mm->sections + lo;
}

mms_error *mms_zone_pageblocks(mms_dump *d, unsigned node_idx,
			       unsigned zone_idx, uint64_t *counts)
{
	struct mms_zone z;
	mms_error *err = mms_zone_get(d, node_idx, zone_idx, &z);
	if (err)
		return err;
	const struct mms_kernel *k = &d->k;
	const struct mms_memmodel *mm = d->mm;
	memset(counts, 0, sizeof(uint64_t) * MMS_MAX_MIGRATETYPES);
	int64_t pb_off = mms_facts_offset(d->facts, "mem_section_usage",
					  "pageblock_flags");
	if (!mm->nr_sections || pb_off < 0)
		return mms_err(MMS_ERR_UNSUPPORTED, "pageblock migratetypes "
			       "need SPARSEMEM with mem_section_usage (5.3+) "
			       "and its layout in the type info");
	uint64_t per_block = 1ULL << k->pageblock_order;
	uint64_t start = z.start_pfn;
	uint64_t end = z.spanned > UINT64_MAX - start ? UINT64_MAX
						      : start + z.spanned;
	if (d->max_pfn && end > d->max_pfn)   /* no zone spans past RAM */
		end = d->max_pfn;
	/* The pfns start, start + per_block, ... below end, as the kernel
	 * visits them, but only in present sections: the zone's span is
	 * dump data, the sections were bounded when they were read. */
	uint64_t shift = mm->pfn_section_shift;
	uint64_t word = 0, word_at = 0;
	bool have_word = false;
	const struct mms_section *s = mms_memmodel_section(mm, start >> shift);
	if (!s)   /* the first present section after start's */
		s = lower_section(mm, start >> shift);
	for (; s < mm->sections + mm->nr_sections; s++) {
		uint64_t sec_start = s->nr << shift;
		uint64_t sec_end = sec_start + (1ULL << shift);
		if (sec_start >= end)
			break;
		if (!(s->raw & SECTION_IS_ONLINE) || !s->usage)
			continue;
		uint64_t pfn = start;
		if (sec_start > start)
			pfn += (sec_start - start + per_block - 1) / per_block *
			       per_block;
		for (; pfn < end && pfn < sec_end; pfn += per_block) {
			uint64_t in_sec = pfn & ((1ULL << shift) - 1);
			uint64_t bitidx = (in_sec >> k->pageblock_order) *
					  (uint64_t)k->pageblock_bits;
			/* 16 pageblocks share a word: read it once */
			uint64_t at = s->usage + (uint64_t)pb_off + bitidx / 64 * 8;
			if (!have_word || at != word_at) {
				err = mms_read_u64(d, at, &word);
				if (err)
					return mms_err_wrap(err, "reading pageblock "
							    "flags of pfn 0x%llx",
							    (unsigned long long)pfn);
				word_at = at;
				have_word = true;
			}
			uint64_t mt = (word >> (bitidx % 64)) & MIGRATETYPE_MASK;
			if (mt < (uint64_t)k->nr_migratetypes)
				counts[mt]++;
			if (pfn > UINT64_MAX - per_block)
				break;
		}
	}
	return NULL;
}
