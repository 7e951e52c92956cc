// SPDX-License-Identifier: LGPL-2.1-or-later
/* What the library takes from DWARF (and so what a profile holds). */
#include <string.h>

#include "typewant.h"

/* The first MMS_REQUIRED_STRUCTS are in every kernel we read. */
const char *const mms_want_structs[] = {
	"page", "zone", "pglist_data", "free_area", "list_head",
	"per_cpu_pages",
	/* optional: newer or config-dependent */
	"mem_section", "mem_section_usage", "per_cpu_zonestat",
	"per_cpu_nodestat", "per_cpu_pageset", "vm_event_state", "folio",
	"mm_struct", "task_struct", "page_counter", "mm_rss_stat",
	"percpu_counter", "e820_table", "e820_entry", "task_rss_stat",
};
const size_t mms_nr_want_structs =
	sizeof(mms_want_structs) / sizeof(mms_want_structs[0]);
#define MMS_REQUIRED_STRUCTS 6

const char *const mms_want_enums[] = {
	"pageflags", "zone_type", "zone_stat_item", "node_stat_item",
	"vm_event_item",
	/* optional */
	"migratetype", "numa_stat_item", "writeback_stat_item", "vm_stat_item",
	"pagetype", "zone_watermarks", "pageblock_bits", "lru_list",
	"compound_dtor_id",
	"fixed_addresses",
};
const size_t mms_nr_want_enums =
	sizeof(mms_want_enums) / sizeof(mms_want_enums[0]);
#define MMS_REQUIRED_ENUMS 5

const char *const mms_want_symbols[] = {
	"node_data", "contig_page_data", "mem_map", "max_mapnr", "mem_section",
	"vmemmap_base", "page_offset_base", "vmalloc_base", "__per_cpu_offset",
	"__cpu_online_mask", "cpu_online_mask", "__cpu_possible_mask",
	"vm_event_states", "vm_zone_stat", "vm_node_stat", "vm_numa_event",
	"vm_numa_stat", "vmstat_text", "migratetype_names", "zone_names",
	"node_states", "node_online_map", "nr_cpu_ids", "init_top_pgt",
	"init_level4_pgt", "init_task", "totalreserve_pages", "_stext",
	"_text", "_end", "pageflag_names", "max_pfn", "high_memory",
	"phys_base", "nr_online_nodes", "pgtable_l5_enabled",
	"__pgtable_l5_enabled", "vm_dirty_ratio", "dirty_background_ratio",
	"vm_dirty_bytes", "dirty_background_bytes", "nr_memmap_pages",
	"nr_memmap_boot_pages", "zero_pfn",
	/* page tables: the image's sections, swap entry layout */
	"_etext", "__start_rodata", "__end_rodata", "_sdata", "_edata",
	"__init_begin", "__init_end", "__bss_start", "__bss_stop",
	"swap_info", "l1tf_mitigation", "memory_failure", "migrate_pages",
	"make_device_exclusive_range", "make_device_exclusive",
	"kasan_early_shadow_page", "direct_pages_count", "page_size_mask",
	"e820_table", "direct_gbpages",
};
const size_t mms_nr_want_symbols =
	sizeof(mms_want_symbols) / sizeof(mms_want_symbols[0]);

bool mms_want_struct_required(size_t i)
{
	return i < MMS_REQUIRED_STRUCTS;
}

bool mms_want_enum_required(size_t i)
{
	return i < MMS_REQUIRED_ENUMS;
}

static int index_of(const char *const *list, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], name) == 0)
			return (int)i;
	return -1;
}

/* pairs of names one kernel has the one or the other of */
static const char *const either[][2] = {
	{ "writeback_stat_item", "vm_stat_item" },   /* renamed in 6.11 */
	{ "per_cpu_pageset", "per_cpu_zonestat" },   /* split in 5.14 */
};
/* in some kernels only: not waited for (pagetype: 6.12+) */
/* in some kernels only: not waited for (pagetype: 6.12+; mm_rss_stat
 * until 6.1; compound_dtor_id gone in 6.3; fixed_addresses may sit in a
 * late compilation unit) */
static const char *const nowait[] = { "pagetype", "numa_stat_item",
				      "mm_rss_stat", "fixed_addresses",
				      "e820_table", "e820_entry",
				      "task_rss_stat", "compound_dtor_id" };

static bool satisfied(const char *const *list, size_t n, const bool *found,
		      size_t i)
{
	if (found[i])
		return true;
	for (size_t k = 0; k < sizeof(nowait) / sizeof(nowait[0]); k++)
		if (strcmp(list[i], nowait[k]) == 0)
			return true;
	for (size_t k = 0; k < sizeof(either) / sizeof(either[0]); k++)
		for (int side = 0; side < 2; side++) {
			if (strcmp(list[i], either[k][side]) != 0)
				continue;
			int j = index_of(list, n, either[k][!side]);
			if (j >= 0 && found[j])
				return true;
		}
	return false;
}

bool mms_want_satisfied(const bool *found_struct, const bool *found_enum)
{
	for (size_t i = 0; i < mms_nr_want_structs; i++)
		if (!satisfied(mms_want_structs, mms_nr_want_structs,
			       found_struct, i))
			return false;
	for (size_t i = 0; i < mms_nr_want_enums; i++)
		if (!satisfied(mms_want_enums, mms_nr_want_enums, found_enum, i))
			return false;
	return true;
}

static unsigned long hash_list(unsigned long h, const char *const *list,
			       size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (const char *c = list[i]; *c; c++)
			h = (h ^ (unsigned char)*c) * 1099511628211UL;
		h = (h ^ ',') * 1099511628211UL;
	}
	return h;
}

unsigned long mms_want_hash(void)
{
	unsigned long h = 1469598103934665603UL;
	h = hash_list(h, mms_want_structs, mms_nr_want_structs);
	h = hash_list(h, mms_want_enums, mms_nr_want_enums);
	return hash_list(h, mms_want_symbols, mms_nr_want_symbols);
}
