// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Where mem_map lives: the struct page arrays of the memory model (one per
 * present section under SPARSEMEM, as crash's kmem -n lists them) and the
 * physical page frames that hold those arrays.
 */
#include <string.h>

#include "internal.h"
#include "memmodel.h"

/* section_mem_map flag bits (stable since 4.13 for ONLINE, 5.x EARLY) */
#define SECTION_MARKED_PRESENT 1ULL
#define SECTION_HAS_MEM_MAP 2ULL
#define SECTION_IS_ONLINE 4ULL
#define SECTION_IS_EARLY 8ULL

uint64_t mms_memmap_block_count(const mms_dump *d)
{
	return d->mm->nr_sections ? d->mm->nr_sections : d->mm->nr_runs;
}

mms_error *mms_memmap_block_get(mms_dump *d, uint64_t idx,
				struct mms_memmap_block *out)
{
	const struct mms_memmodel *mm = d->mm;
	memset(out, 0, sizeof(*out));
	if (idx >= mms_memmap_block_count(d))
		return mms_err(MMS_ERR_INVALID, "no mem_map block %llu",
			       (unsigned long long)idx);
	if (mm->nr_sections) {
		const struct mms_section *s = &mm->sections[idx];
		out->section_nr = s->nr;
		out->start_pfn = s->nr << mm->pfn_section_shift;
		out->nr_pages = 1ULL << mm->pfn_section_shift;
		out->mem_map = s->map0;
		out->coded = s->raw;
		out->present = s->raw & SECTION_MARKED_PRESENT;
		out->has_mem_map = s->raw & SECTION_HAS_MEM_MAP;
		out->online = s->raw & SECTION_IS_ONLINE;
		out->early = s->raw & SECTION_IS_EARLY;
		return NULL;
	}
	/* runs are sorted by address; report them as they are */
	const struct mms_memmap_run *r = &mm->runs[idx];
	out->section_nr = idx;
	out->start_pfn = r->start_pfn;
	out->nr_pages = r->nr_pages;
	out->mem_map = r->map;
	out->present = out->has_mem_map = out->online = true;
	return NULL;
}

mms_error *mms_memmap_frames(mms_dump *d, mms_extent_fn fn, void *arg)
{
	uint64_t psz = (uint64_t)d->k.page_size;
	uint64_t cur_v = 0, cur_p = 0, cur_len = 0;
	bool cur_in = false, have = false;
	for (uint64_t b = 0; b < mms_memmap_block_count(d); b++) {
		struct mms_memmap_block blk;
		mms_error *err = mms_memmap_block_get(d, b, &blk);
		if (err)
			return err;
		uint64_t start = blk.mem_map & ~(psz - 1);
		uint64_t end = blk.mem_map + blk.nr_pages * (uint64_t)d->k.page_sz;
		for (uint64_t v = start; v < end; v += psz) {
			uint64_t pa;
			err = mms_kvaddr_to_phys(d, v, &pa);
			if (err)
				return mms_err_wrap(err, "mem_map of section %llu",
						    (unsigned long long)blk.section_nr);
			bool in = mms_pfn_in_dump(d, pa >> d->k.page_shift);
			if (have && v == cur_v + cur_len && pa == cur_p + cur_len &&
			    in == cur_in) {
				cur_len += psz;
				continue;
			}
			if (have && cur_v + cur_len > v)
				continue;   /* shared page between blocks */
			if (have && fn(arg, cur_v, cur_p, cur_len, cur_in))
				return NULL;
			cur_v = v;
			cur_p = pa;
			cur_len = psz;
			cur_in = in;
			have = true;
		}
	}
	if (have)
		fn(arg, cur_v, cur_p, cur_len, cur_in);
	return NULL;
}
