/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Compiled once per variant (-DSYNTH_V_xxx -DSYNTH_ABI_NAME=...) with
 * the same kernel/ktypes.h as that variant's vmlinux.
 */
#include <stddef.h>

#include "abi.h"
#include "kernel/ktypes.h"

#define SZ(t)		{ "SIZE(" #t ")", (int64_t)sizeof(struct t) }
#define OFF(t, m)	{ "OFFSET(" #t "." #m ")", (int64_t)offsetof(struct t, m) }
#define MSZ(t, m)	{ "MSIZE(" #t "." #m ")", (int64_t)sizeof(((struct t *)0)->m) }
#define NUM(n)		{ "NUMBER(" #n ")", (int64_t)(n) }

static const struct synth_num nums[] = {
	SZ(page), SZ(zone), SZ(pglist_data), SZ(free_area), SZ(list_head),
	SZ(per_cpu_pages), SZ(per_cpu_zonestat), SZ(per_cpu_nodestat),
	SZ(mem_section), SZ(mem_section_usage), SZ(vm_event_state),
	SZ(cpumask), SZ(uts_namespace), SZ(new_utsname),
	{ "SIZE(nodemask_t)", (int64_t)sizeof(nodemask_t) },

	OFF(page, flags), OFF(page, _refcount), OFF(page, _mapcount),
	OFF(page, private), OFF(page, mapping), OFF(page, index),
	OFF(page, lru), OFF(page, compound_head),
#if SYNTH_ERA == 206
	{ "OFFSET(page.slab_cache)", (int64_t)offsetof(struct page, slab) },
#else
	OFF(page, slab_cache),
#endif
#if SYNTH_ERA != 206 && SYNTH_ERA < 612
	OFF(page, compound_order), OFF(page, compound_dtor),
#endif
#if SYNTH_BUDDY == SYNTH_BUDDY_PAGE_TYPE || SYNTH_BUDDY == SYNTH_BUDDY_TOP_BYTE
	OFF(page, page_type),
#endif
#if SYNTH_ERA >= 601
	OFF(page, buddy_list), OFF(page, pcp_list),
#endif

	OFF(zone, _watermark), OFF(zone, watermark_boost),
	OFF(zone, nr_reserved_highatomic), OFF(zone, lowmem_reserve),
#if SYNTH_NUMA
	OFF(zone, node), OFF(zone, vm_numa_event),
#endif
	OFF(zone, zone_pgdat), OFF(zone, per_cpu_pageset),
	OFF(zone, per_cpu_zonestats), OFF(zone, pageset_high),
	OFF(zone, pageset_batch),
#if SYNTH_MODEL != SYNTH_SPARSEMEM_EXTREME && SYNTH_MODEL != SYNTH_SPARSEMEM_VMEMMAP && SYNTH_MIGRATE
	OFF(zone, pageblock_flags),
#endif
	OFF(zone, zone_start_pfn), OFF(zone, managed_pages),
	OFF(zone, spanned_pages), OFF(zone, present_pages),
	OFF(zone, cma_pages), OFF(zone, name), OFF(zone, initialized),
	OFF(zone, free_area), OFF(zone, contiguous), OFF(zone, vm_stat),

	OFF(free_area, free_list), OFF(free_area, nr_free),
	OFF(list_head, next), OFF(list_head, prev),

	OFF(pglist_data, node_zones), OFF(pglist_data, node_zonelists),
	OFF(pglist_data, nr_zones),
#if SYNTH_MODEL == SYNTH_DISCONTIGMEM
	OFF(pglist_data, node_mem_map),
#endif
	OFF(pglist_data, node_start_pfn), OFF(pglist_data, node_present_pages),
	OFF(pglist_data, node_spanned_pages), OFF(pglist_data, node_id),
	OFF(pglist_data, kswapd_failures), OFF(pglist_data, totalreserve_pages),
	OFF(pglist_data, per_cpu_nodestats), OFF(pglist_data, vm_stat),
	OFF(zonelist, _zonerefs), SZ(zoneref), OFF(zoneref, zone), OFF(zoneref, zone_idx),

	OFF(per_cpu_pages, count), OFF(per_cpu_pages, high),
	OFF(per_cpu_pages, batch), OFF(per_cpu_pages, lists),
	OFF(per_cpu_zonestat, vm_stat_diff), OFF(per_cpu_zonestat, stat_threshold),
	OFF(per_cpu_nodestat, vm_node_stat_diff), OFF(per_cpu_nodestat, stat_threshold),

	OFF(mem_section, section_mem_map), OFF(mem_section, usage),
	OFF(mem_section_usage, subsection_map), OFF(mem_section_usage, pageblock_flags),
	OFF(vm_event_state, event),
	OFF(uts_namespace, name),

	NUM(NR_CPUS), NUM(MAX_NUMNODES), NUM(NR_PAGE_ORDERS),
	NUM(NR_MEM_SECTIONS), NUM(NR_SECTION_ROOTS), NUM(SECTIONS_PER_ROOT),
	NUM(PAGES_PER_SECTION), NUM(SUBSECTIONS_PER_SECTION),
	NUM(NR_PAGEBLOCK_BITS),
	NUM(NR_VM_ZONE_STAT_ITEMS), NUM(NR_VM_NODE_STAT_ITEMS),
	NUM(NR_VM_NUMA_EVENT_ITEMS), NUM(NR_VM_EVENT_ITEMS),
	NUM(NR_FREE_PAGES), NUM(N_POSSIBLE), NUM(N_ONLINE),
	NUM(N_NORMAL_MEMORY), NUM(N_MEMORY), NUM(N_CPU),
	NUM(ZONE_DMA), NUM(ZONE_DMA32), NUM(ZONE_NORMAL), NUM(ZONE_MOVABLE),
	NUM(MIGRATE_UNMOVABLE),
#if SYNTH_MIGRATE
	NUM(MIGRATE_MOVABLE), NUM(MIGRATE_RECLAIMABLE), NUM(MIGRATE_ISOLATE),
#endif
#if SYNTH_MIGRATE == 1
	NUM(MIGRATE_RESERVE),
#elif SYNTH_MIGRATE == 2
	NUM(MIGRATE_HIGHATOMIC), NUM(MIGRATE_CMA),
#endif
	NUM(PG_locked), NUM(PG_referenced), NUM(PG_uptodate), NUM(PG_dirty),
	NUM(PG_lru), NUM(PG_active), NUM(PG_reserved), NUM(PG_private),
	NUM(PG_writeback), NUM(PG_head), NUM(PG_swapbacked),
	NUM(PG_swapcache), NUM(PG_unevictable), NUM(PG_mlocked),
	NUM(PG_reclaim), NUM(PG_owner_priv_1), NUM(__NR_PAGEFLAGS),
#if SYNTH_ERA < 612
	NUM(PG_slab),
#endif
#if SYNTH_ERA == 206 || SYNTH_ERA == 310
	NUM(PG_tail),
#endif
#if SYNTH_ERA >= 310
	NUM(PG_hwpoison),
#endif
#if SYNTH_ERA >= 601
	NUM(PG_workingset),
#endif
#if SYNTH_BUDDY == SYNTH_BUDDY_PG_BUDDY
	{ "NUMBER(PG_buddy)", PG_buddy },
#elif SYNTH_BUDDY == SYNTH_BUDDY_PAGE_TYPE
	{ "NUMBER(PAGE_TYPE_BASE)", PAGE_TYPE_BASE },
	{ "NUMBER(PG_buddy)", PG_buddy },
	{ "NUMBER(PG_offline)", PG_offline },
	{ "NUMBER(PG_table)", PG_table },
#elif SYNTH_BUDDY == SYNTH_BUDDY_TOP_BYTE
	NUM(PGTY_buddy), NUM(PGTY_offline), NUM(PGTY_table), NUM(PGTY_slab),
	NUM(PGTY_hugetlb), NUM(PGTY_zsmalloc),
#endif
};

static const char *const zone_stat_names[] = {
	SYNTH_ZONE_STAT_ITEMS(SYNTH_NAME_ENTRY)
};
#if SYNTH_NUMA
static const char *const numa_stat_names[] = {
	SYNTH_NUMA_STAT_ITEMS(SYNTH_NAME_ENTRY)
};
#endif
static const char *const node_stat_names[] = {
	SYNTH_NODE_STAT_ITEMS(SYNTH_NAME_ENTRY)
};
static const char *const writeback_names[] = {
	SYNTH_WRITEBACK_ITEMS(SYNTH_NAME_ENTRY)
};
static const char *const event_names[] = {
	SYNTH_VM_EVENT_ITEMS(SYNTH_NAME_ENTRY)
};
#if SYNTH_MIGRATE
static const char *const mt_names[] = { SYNTH_MIGRATETYPE_NAMES };
#endif
static const char *const zone_names[] = {
	"DMA", "DMA32", "Normal", "Movable",
#if SYNTH_ERA >= 419
	"Device",
#endif
};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

const struct synth_abi SYNTH_ABI_NAME = {
	.variant = SYNTH_VARIANT,
	.osrelease = SYNTH_OSRELEASE,
	.era = SYNTH_ERA,
	.model = SYNTH_MODEL,
	.buddy = SYNTH_BUDDY,
	.numa = SYNTH_NUMA,
	.migrate = SYNTH_MIGRATE,
	.nr_cpus = NR_CPUS,
	.max_numnodes = MAX_NUMNODES,
	.max_nr_zones = MAX_NR_ZONES,
	.nr_orders = NR_PAGE_ORDERS,
	.migrate_types = MIGRATE_TYPES,
	.pcptypes = MIGRATE_PCPTYPES,
	.nr_pcp_lists = NR_PCP_LISTS,
	.nr_wmark = NR_WMARK,
	.sections_width = SECTIONS_WIDTH,
	.nodes_width = NODES_WIDTH,
	.zones_width = ZONES_WIDTH,
	.nums = nums,
	.n_nums = sizeof(nums) / sizeof(nums[0]),
	.zone_stat_names = zone_stat_names,
	.n_zone_stat = COUNT(zone_stat_names),
#if SYNTH_NUMA
	.numa_stat_names = numa_stat_names,
	.n_numa_stat = COUNT(numa_stat_names),
#endif
	.node_stat_names = node_stat_names,
	.n_node_stat = COUNT(node_stat_names),
	.writeback_names = writeback_names,
	.n_writeback = COUNT(writeback_names),
	.event_names = event_names,
	.n_events = COUNT(event_names),
#if SYNTH_MIGRATE
	.migratetype_names = mt_names,
#endif
	.zone_names = zone_names,
};
