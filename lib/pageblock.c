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
	uint64_t end = z.start_pfn + z.spanned;
	for (uint64_t pfn = z.start_pfn; pfn < end; pfn += per_block) {
		const struct mms_section *s =
			mms_memmodel_section(mm, pfn >> mm->pfn_section_shift);
		if (!s || !(s->raw & SECTION_IS_ONLINE) || !s->usage)
			continue;
		uint64_t in_sec = pfn & ((1ULL << mm->pfn_section_shift) - 1);
		uint64_t bitidx = (in_sec >> k->pageblock_order) *
				  (uint64_t)k->pageblock_bits;
		uint64_t word;
		err = mms_read_u64(d, s->usage + (uint64_t)pb_off +
				   bitidx / 64 * 8, &word);
		if (err)
			return mms_err_wrap(err, "reading pageblock flags of "
					    "pfn 0x%llx", (unsigned long long)pfn);
		uint64_t mt = (word >> (bitidx % 64)) & MIGRATETYPE_MASK;
		if (mt < (uint64_t)k->nr_migratetypes)
			counts[mt]++;
	}
	return NULL;
}
