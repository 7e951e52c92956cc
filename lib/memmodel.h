/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The memory model: where each pfn's struct page lives. */
#ifndef MMS_MEMMODEL_H
#define MMS_MEMMODEL_H

#include <stdint.h>

struct mms_section {
	uint64_t nr;        /* section number */
	uint64_t map0;      /* struct page of the section's first pfn */
	uint64_t raw;       /* section_mem_map as stored (flags in low bits) */
	uint64_t usage;     /* struct mem_section_usage *, or 0 */
};

/* One contiguous run of struct pages: FLATMEM's mem_map, or a node's
 * node_mem_map, or one present section. */
struct mms_memmap_run {
	uint64_t start_pfn, nr_pages;
	uint64_t map;       /* struct page of start_pfn */
};

struct mms_memmodel {
	struct mms_section *sections;   /* present ones, by nr */
	uint64_t nr_sections;
	struct mms_memmap_run *runs;    /* sorted by map address */
	uint64_t nr_runs;
	uint64_t pfn_section_shift;
	uint64_t vmemmap;               /* SPARSEMEM_VMEMMAP base, or 0 */
};

/* The present section nr, or NULL. */
const struct mms_section *mms_memmodel_section(const struct mms_memmodel *mm,
					       uint64_t nr);

#endif
