/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The machines: RAM ranges, nodes and zones, CPUs, KASLR and address
 * space bases for each layout.  Tiny (tens of MiB) so dumps stay small;
 * zone boundaries are x86-64's (DMA below 16 MiB, DMA32 below 4 GiB).
 */
#include <string.h>

#include "synth.h"

#define ALL_KEYS (VI_BUILD_ID | VI_KERNELOFFSET | VI_PHYS_BASE | VI_L5 | \
		  VI_BUDDY_VALUE | VI_SECTION_BITS | VI_HEAD_MASK | \
		  VI_COMPOUND | VI_UTS_OFFSET)

static const struct layout_def flatmem_26 = {
	.name = "flatmem-2.6",
	.description = "FLATMEM mem_map, contig_page_data, one free_list per "
		       "order (no migratetypes), PG_buddy flag, no KASLR",
	.abi = &synth_abi_flat26,
	.ram = { { 0x0, 0x9f }, { 0x100, 0x2000 } },
	.nram = 2,
	.nodes = { { .zones = { { 0, 0x0, 0x1000 }, { 1, 0x1000, 0x2000 } },
		     .nzones = 2 } },
	.nnodes = 1,
	.ncpus = 2,
	.online_mask = 0x3,
	.kaslr_offset = 0,
	.kernel_phys = 0x1000000,
	.page_offset_base = 0xffff810000000000ULL,
	.vmalloc_base = 0xffffc20000000000ULL,
	.vmemmap_base = 0xffffe20000000000ULL,
	.crashtime = 1230768000,
	.seed = 0x2606,
	.vmcoreinfo_keys = 0,
};

#define SPARSE_COMMON \
	.abi = &synth_abi_sparse61, \
	.ram = { { 0x0, 0x9f }, { 0x100, 0x2000 }, { 0x10000, 0x11000 } }, \
	.nram = 3, \
	.nodes = { { .zones = { { 0, 0x1, 0x1000 }, { 1, 0x1000, 0x11000 } }, \
		     .nzones = 2 } }, \
	.nnodes = 1, \
	.ncpus = 2, \
	.online_mask = 0x3, \
	.kaslr_offset = 0x1e000000, \
	.kernel_phys = 0x10200000, \
	.page_offset_base = 0xffff8f3a40000000ULL, \
	.vmalloc_base = 0xffffb4e1c0000000ULL, \
	.vmemmap_base = 0xffffe7a000000000ULL, \
	.crashtime = 1700000000, \
	.seed = 0x5a61, \
	.vmcoreinfo_keys = ALL_KEYS

static const struct layout_def sparse = {
	.name = "sparse",
	.description = "SPARSEMEM_EXTREME without vmemmap, absent section "
		       "between two RAM ranges, 4.18-style page_type buddy, "
		       "6.1 types, 2 CPUs, KASLR with negative phys_base",
	SPARSE_COMMON,
};

static const struct layout_def loop = {
	.name = "loop",
	.description = "sparse, but one free list loops back to an earlier entry",
	SPARSE_COMMON,
	.corruption = CORRUPT_LOOP,
};

static const struct layout_def wild = {
	.name = "wild",
	.description = "sparse, but one free list entry's next is LIST_POISON1",
	SPARSE_COMMON,
	.corruption = CORRUPT_WILD,
};

static const struct layout_def badorder = {
	.name = "badorder",
	.description = "sparse, but a page on an order-3 list has private = 5",
	SPARSE_COMMON,
	.corruption = CORRUPT_WRONG_ORDER,
};

static const struct layout_def notbuddy = {
	.name = "notbuddy",
	.description = "sparse, but one free list entry is not marked buddy",
	SPARSE_COMMON,
	.corruption = CORRUPT_NOT_BUDDY,
};

static const struct layout_def nr_free_mismatch = {
	.name = "nr-free-mismatch",
	.description = "sparse, but one free_area.nr_free is 3 more than its lists hold",
	SPARSE_COMMON,
	.corruption = CORRUPT_COUNT,
};

static const struct layout_def node_mem_map = {
	.name = "node-mem-map",
	.description = "DISCONTIGMEM: two nodes with node_mem_map, node_data[], "
		       "_mapcount == -128 buddy, old migratetype order with "
		       "MIGRATE_RESERVE, no KASLR",
	.abi = &synth_abi_discontig310,
	.ram = { { 0x0, 0x9f }, { 0x100, 0x2000 }, { 0x100000, 0x101800 } },
	.nram = 3,
	.nodes = {
		{ .zones = { { 0, 0x1, 0x1000 }, { 1, 0x1000, 0x2000 } },
		  .nzones = 2 },
		{ .zones = { { 2, 0x100000, 0x101800 } }, .nzones = 1 },
	},
	.nnodes = 2,
	.ncpus = 2,
	.online_mask = 0x3,
	.kaslr_offset = 0,
	.kernel_phys = 0x1000000,
	.page_offset_base = 0xffff880000000000ULL,
	.vmalloc_base = 0xffffc90000000000ULL,
	.vmemmap_base = 0xffffea0000000000ULL,
	.crashtime = 1400000000,
	.seed = 0x310d,
	.vmcoreinfo_keys = VI_BUDDY_VALUE,
};

static const struct layout_def pagetype_418 = {
	.name = "pagetype-4.18",
	.description = "SPARSEMEM_EXTREME, node 0 with DMA + DMA32, node 1 with "
		       "Normal at 4 GiB, 4.18-style page_type, compound pages "
		       "(compound_order in the first tail), 4 CPUs with CPU 2 offline",
	.abi = &synth_abi_pt419,
	.ram = { { 0x0, 0x9f }, { 0x100, 0x2000 }, { 0x100000, 0x101000 } },
	.nram = 3,
	.nodes = {
		{ .zones = { { 0, 0x1, 0x1000 }, { 1, 0x1000, 0x2000 } },
		  .nzones = 2 },
		{ .zones = { { 2, 0x100000, 0x101000 } }, .nzones = 1 },
	},
	.nnodes = 2,
	.ncpus = 4,
	.online_mask = 0xb,
	.kaslr_offset = 0x2a400000,
	.kernel_phys = 0x1000000,
	.page_offset_base = 0xffff9b5c00000000ULL,
	.vmalloc_base = 0xffffae2d00000000ULL,
	.vmemmap_base = 0xffffde8e00000000ULL,
	.crashtime = 1560000000,
	.seed = 0x4180,
	.vmcoreinfo_keys = VI_KERNELOFFSET | VI_PHYS_BASE | VI_L5 |
			   VI_BUDDY_VALUE | VI_HEAD_MASK | VI_COMPOUND |
			   VI_UTS_OFFSET,
	.compound_pages = true,
};

static const struct layout_def pagetype_612 = {
	.name = "pagetype-6.12",
	.description = "SPARSEMEM_VMEMMAP with page tables, one node with DMA, "
		       "DMA32 and Normal, 6.12 top-byte page types (buddy 0xf0, "
		       "slab 0xf5), THP and compound slab pages, 4 CPUs",
	.abi = &synth_abi_pt612,
	.ram = { { 0x0, 0x9f }, { 0x100, 0x2000 }, { 0x100000, 0x101000 } },
	.nram = 3,
	.nodes = { { .zones = { { 0, 0x1, 0x1000 }, { 1, 0x1000, 0x2000 },
				{ 2, 0x100000, 0x101000 } },
		     .nzones = 3 } },
	.nnodes = 1,
	.ncpus = 4,
	.online_mask = 0xf,
	.kaslr_offset = 0x2c000000,
	.kernel_phys = 0x100200000ULL,
	.page_offset_base = 0xffffa0d780000000ULL,
	.vmalloc_base = 0xffffb92f40000000ULL,
	.vmemmap_base = 0xffffd3a8c0000000ULL,
	.crashtime = 1735000000,
	.seed = 0x6120,
	.vmcoreinfo_keys = ALL_KEYS | VI_VMEMMAP_SYM,
	.compound_pages = true,
};

const struct layout_def *const synth_layouts[] = {
	&flatmem_26, &sparse, &node_mem_map, &pagetype_418, &pagetype_612,
	&loop, &wild, &badorder, &notbuddy, &nr_free_mismatch,
};
const size_t synth_nlayouts = sizeof(synth_layouts) / sizeof(synth_layouts[0]);

const struct layout_def *synth_layout_find(const char *name)
{
	for (size_t i = 0; i < synth_nlayouts; i++)
		if (!strcmp(synth_layouts[i]->name, name))
			return synth_layouts[i];
	return NULL;
}
