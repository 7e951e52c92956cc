// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Resolving the kernel layout: every question about this kernel's
 * structures is answered once here, from the fact table, into plain
 * integers.  Features are detected, never inferred from a version.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

static int64_t off(struct mms_dump *d, const char *t, const char *m)
{
	return mms_facts_offset(d->facts, t, m);
}

static int64_t len(struct mms_dump *d, const char *t, const char *m)
{
	char key[256];
	snprintf(key, sizeof(key), "%s.%s", t, m);
	return mms_facts_length(d->facts, key);
}

/* A symbol's run-time address: VMCOREINFO's value when it has one, else
 * the ELF symtab's link-time address moved by the KASLR slide. */
static uint64_t sym(struct mms_dump *d, const char *name)
{
	char key[256];
	snprintf(key, sizeof(key), "ELFSYM(%s)", name);
	uint64_t v;
	if (mms_facts_hex(d->facts, key, &v) && v)
		return v >= MMS_X86_START_KERNEL_MAP
			       ? v + (uint64_t)(d->k.kernel_offset > 0
							? d->k.kernel_offset : 0)
			       : v;
	return mms_facts_symbol(d->vmcoreinfo, name);
}

static uint64_t percpu_sym(struct mms_dump *d, const char *name)
{
	char key[256];
	snprintf(key, sizeof(key), "PERCPU(%s)", name);
	uint64_t v;
	if (mms_facts_hex(d->facts, key, &v))
		return v;
	return sym(d, name);
}

static int64_t number(struct mms_dump *d, const char *name)
{
	char key[256];
	snprintf(key, sizeof(key), "NUMBER(%s)", name);
	int64_t v;
	return mms_facts_num(d->facts, key, &v) ? v : -1;
}

static int64_t symsize(struct mms_dump *d, const char *name)
{
	char key[256];
	snprintf(key, sizeof(key), "SYMSIZE(%s)", name);
	int64_t v;
	return mms_facts_num(d->facts, key, &v) ? v : -1;
}

static uint64_t read_var(struct mms_dump *d, uint64_t addr)
{
	uint64_t v = 0;
	if (addr)
		mms_error_free(mms_read_u64(d, addr, &v));
	return v;
}

static void resolve_page(struct mms_dump *d)
{
	struct mms_kernel *k = &d->k;
	k->page_sz = mms_facts_size(d->facts, "page");
	k->page_flags = off(d, "page", "flags");
	k->page_lru = off(d, "page", "lru");
	if (k->page_lru < 0)   /* 6.0+ also names it buddy_list */
		k->page_lru = off(d, "page", "buddy_list");
	k->page_private = off(d, "page", "private");
	k->page_mapcount = off(d, "page", "_mapcount");
	k->page_type = off(d, "page", "page_type");
	k->page_compound_head = off(d, "page", "compound_head");
	k->list_next = off(d, "list_head", "next");
	k->list_prev = off(d, "list_head", "prev");
	if (k->list_next < 0)
		k->list_next = 0;
	if (k->list_prev < 0)
		k->list_prev = 8;

	/* How a free page is marked, newest kernels first. */
	int64_t v;
	k->pg_buddy = -1;
	k->has_buddy_mapcount_value =
		mms_facts_num(d->facts, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)", &v);
	k->buddy_mapcount_value = k->has_buddy_mapcount_value ? v : 0;
	int64_t pgty = number(d, "PGTY_buddy");
	uint32_t inv = (uint32_t)~(uint32_t)k->buddy_mapcount_value;
	if (pgty >= 0) {
		/* 6.12 moved the page type to the top byte of page_type */
		k->page_type_top_byte = true;
		k->page_type_buddy = (uint32_t)pgty;
	} else if (k->has_buddy_mapcount_value && inv && !(inv & 0xffffff)) {
		k->page_type_top_byte = true;
		k->page_type_buddy = inv >> 24;
	} else if (k->has_buddy_mapcount_value && k->page_type >= 0 &&
		   inv && !(inv & (inv - 1))) {
		/* 4.18: a type is set by clearing its bit in page_type */
		k->page_type_bits = true;
		k->page_type_buddy = inv;
	} else if (k->has_buddy_mapcount_value && inv && !(inv & (inv - 1)) &&
		   k->buddy_mapcount_value != -128 &&
		   k->buddy_mapcount_value != -2) {
		k->page_type_bits = true;   /* VMCOREINFO alone, 4.18+ */
		k->page_type_buddy = inv;
	} else if ((v = number(d, "PG_buddy")) >= 0) {
		k->pg_buddy = v;            /* 2.6.17-2.6.37 flag bit */
	}
	if ((k->page_type_top_byte || k->page_type_bits) && k->page_type < 0)
		k->page_type = k->page_mapcount;
	if (k->page_type < 0)   /* no field to look at: buddy marks unchecked */
		k->page_type_top_byte = k->page_type_bits = false;
}

static void resolve_zone(struct mms_dump *d)
{
	struct mms_kernel *k = &d->k;
	k->zone_sz = mms_facts_size(d->facts, "zone");
	k->zone_watermark = off(d, "zone", "_watermark");
	k->zone_watermark_len = len(d, "zone", "_watermark");
	if (k->zone_watermark < 0) {   /* before 5.0: watermark[] */
		k->zone_watermark = off(d, "zone", "watermark");
		k->zone_watermark_len = len(d, "zone", "watermark");
	}
	k->zone_watermark_boost = off(d, "zone", "watermark_boost");
	k->zone_lowmem_reserve = off(d, "zone", "lowmem_reserve");
	k->zone_lowmem_reserve_len = len(d, "zone", "lowmem_reserve");
	k->zone_pgdat = off(d, "zone", "zone_pgdat");
	k->zone_pcp = off(d, "zone", "per_cpu_pageset");
	k->zone_pzstats = off(d, "zone", "per_cpu_zonestats");
	k->zone_start_pfn = off(d, "zone", "zone_start_pfn");
	k->zone_managed = off(d, "zone", "managed_pages");
	k->zone_spanned = off(d, "zone", "spanned_pages");
	k->zone_present = off(d, "zone", "present_pages");
	k->zone_cma = off(d, "zone", "cma_pages");
	k->zone_name = off(d, "zone", "name");
	k->zone_free_area = off(d, "zone", "free_area");
	k->zone_free_area_len = len(d, "zone", "free_area");
	if (k->zone_free_area_len < 0)
		k->zone_free_area_len = mms_facts_length(d->facts,
							 "zone.free_area");
	k->zone_vm_stat = off(d, "zone", "vm_stat");
	k->zone_vm_numa_event = off(d, "zone", "vm_numa_event");

	k->free_area_sz = mms_facts_size(d->facts, "free_area");
	k->free_area_free_list = off(d, "free_area", "free_list");
	k->free_area_nr_free = off(d, "free_area", "nr_free");
	/* before 2.6.24 free_area had one list, not one per migratetype */
	k->nr_migratetypes = len(d, "free_area", "free_list");
	if (k->nr_migratetypes < 0)
		k->nr_migratetypes = mms_facts_length(d->facts,
						      "free_area.free_list");
	if (k->nr_migratetypes < 0)
		k->nr_migratetypes = 1;
	/* VMCOREINFO has no OFFSET(free_area.nr_free): it follows the lists */
	if (k->free_area_nr_free < 0 && k->free_area_free_list >= 0 &&
	    k->free_area_sz == k->free_area_free_list + k->nr_migratetypes * 16 + 8)
		k->free_area_nr_free = k->free_area_sz - 8;

	k->pgdat_sz = mms_facts_size(d->facts, "pglist_data");
	k->pgdat_node_zones = off(d, "pglist_data", "node_zones");
	k->pgdat_nr_zones = off(d, "pglist_data", "nr_zones");
	k->pgdat_start_pfn = off(d, "pglist_data", "node_start_pfn");
	k->pgdat_present = off(d, "pglist_data", "node_present_pages");
	k->pgdat_spanned = off(d, "pglist_data", "node_spanned_pages");
	k->pgdat_node_id = off(d, "pglist_data", "node_id");
	k->pgdat_vm_stat = off(d, "pglist_data", "vm_stat");
	k->pgdat_kswapd_failures = off(d, "pglist_data", "kswapd_failures");
	k->pgdat_node_mem_map = off(d, "pglist_data", "node_mem_map");
	k->max_nr_zones = len(d, "pglist_data", "node_zones");
	if (k->max_nr_zones < 0 && k->zone_sz > 0 && k->pgdat_node_zones >= 0) {
		/* VMCOREINFO alone: node_zones is followed by node_zonelists */
		int64_t next = off(d, "pglist_data", "node_zonelists");
		if (next > k->pgdat_node_zones)
			k->max_nr_zones = (next - k->pgdat_node_zones) / k->zone_sz;
	}
	if (k->max_nr_zones < 0)
		k->max_nr_zones = number(d, "__MAX_NR_ZONES");

	k->pcp_count = off(d, "per_cpu_pages", "count");
	k->pcp_high = off(d, "per_cpu_pages", "high");
	k->pcp_batch = off(d, "per_cpu_pages", "batch");
	k->pcp_high_min = off(d, "per_cpu_pages", "high_min");
	k->pcp_high_max = off(d, "per_cpu_pages", "high_max");
	k->pzstats_threshold = off(d, "per_cpu_zonestat", "stat_threshold");
	k->pzstats_numa_event = off(d, "per_cpu_zonestat", "vm_numa_event");
	k->pzstats_diff = off(d, "per_cpu_zonestat", "vm_stat_diff");
	k->pcp_old_threshold = off(d, "per_cpu_pageset", "stat_threshold");
}

static void resolve_counters(struct mms_dump *d)
{
	struct mms_kernel *k = &d->k;
	k->nr_zone_stat = number(d, "NR_VM_ZONE_STAT_ITEMS");
	k->nr_numa_stat = number(d, "NR_VM_NUMA_EVENT_ITEMS");
	if (k->nr_numa_stat < 0)
		k->nr_numa_stat = number(d, "NR_VM_NUMA_STAT_ITEMS");
	if (k->nr_numa_stat < 0 || k->zone_vm_numa_event < 0)
		k->nr_numa_stat = 0;
	k->nr_node_stat = number(d, "NR_VM_NODE_STAT_ITEMS");
	k->nr_writeback_stat = number(d, "NR_VM_STAT_ITEMS");
	if (k->nr_writeback_stat < 0)
		k->nr_writeback_stat = number(d, "NR_VM_WRITEBACK_STAT_ITEMS");
	k->nr_event = number(d, "NR_VM_EVENT_ITEMS");
	k->vm_event_state_event = off(d, "vm_event_state", "event");
	if (k->vm_event_state_event < 0)
		k->vm_event_state_event = 0;
	k->nr_free_pages_item = number(d, "NR_FREE_PAGES");
	/* x86-64: pageblock_order is HPAGE_PMD_ORDER (21 - 12), a macro that
	 * no type info carries */
	k->pageblock_order = number(d, "pageblock_order");
	if (k->pageblock_order < 0)
		k->pageblock_order = 21 - k->page_shift;
	k->pageblock_bits = number(d, "NR_PAGEBLOCK_BITS");
	if (k->pageblock_bits < 0)
		k->pageblock_bits = 4;
}

static void resolve_symbols(struct mms_dump *d)
{
	struct mms_kernel *k = &d->k;
	k->sym_node_data = sym(d, "node_data");
	k->sym_contig_page_data = sym(d, "contig_page_data");
	k->sym_mem_map = sym(d, "mem_map");
	k->sym_per_cpu_offset = sym(d, "__per_cpu_offset");
	k->sym_cpu_online_mask = sym(d, "__cpu_online_mask");
	if (!k->sym_cpu_online_mask)
		k->sym_cpu_online_mask = sym(d, "cpu_online_mask");
	k->sym_vm_event_states = percpu_sym(d, "vm_event_states");
	k->sym_vm_zone_stat = sym(d, "vm_zone_stat");
	k->sym_vm_node_stat = sym(d, "vm_node_stat");
	k->sym_vm_numa_event = sym(d, "vm_numa_event");
	k->sym_vmstat_text = sym(d, "vmstat_text");
	k->sym_migratetype_names = sym(d, "migratetype_names");
	k->sym_node_online_map = sym(d, "node_online_map");
	k->sym_node_states = sym(d, "node_states");
	k->sym_nr_cpu_ids = sym(d, "nr_cpu_ids");
	k->sym_init_top_pgt = sym(d, "init_top_pgt");
	k->sym_mem_section_vmci = mms_facts_symbol(d->vmcoreinfo, "mem_section");
	k->node_data_len = mms_facts_length(d->facts, "node_data");
	if (k->node_data_len < 0 && symsize(d, "node_data") > 0)
		k->node_data_len = symsize(d, "node_data") / 8;
	k->migratetype_names_len = symsize(d, "migratetype_names") / 8;
	k->vmstat_text_len = symsize(d, "vmstat_text") / 8;
	k->nr_cpu_ids = -1;
	if (k->sym_nr_cpu_ids) {
		uint32_t n;
		mms_error *err = mms_read_u32(d, k->sym_nr_cpu_ids, &n);
		if (!err)
			k->nr_cpu_ids = n;
		mms_error_free(err);
	}
	/* direct map and vmemmap bases are randomised on x86-64 (4.9+) */
	k->page_offset_base = read_var(d, sym(d, "page_offset_base"));
	k->vmalloc_base = read_var(d, sym(d, "vmalloc_base"));
	k->vmemmap_base = read_var(d, sym(d, "vmemmap_base"));
	int64_t l5 = number(d, "pgtable_l5_enabled");
	k->pgtable_levels = l5 == 1 ? 5 : 4;
}

static void resolve_image(struct mms_dump *d)
{
	struct mms_kernel *k = &d->k;
	k->sym_text = sym(d, "_text");
	k->sym_etext = sym(d, "_etext");
	k->sym_start_rodata = sym(d, "__start_rodata");
	k->sym_end_rodata = sym(d, "__end_rodata");
	k->sym_sdata = sym(d, "_sdata");
	k->sym_edata = sym(d, "_edata");
	k->sym_init_begin = sym(d, "__init_begin");
	k->sym_init_end = sym(d, "__init_end");
	k->sym_bss_start = sym(d, "__bss_start");
	k->sym_bss_stop = sym(d, "__bss_stop");
	k->sym_end = sym(d, "_end");
	k->kernel_image_size = number(d, "KERNEL_IMAGE_SIZE");
}

static void resolve_tasks(struct mms_dump *d)
{
	struct mms_kernel *k = &d->k;
	k->sym_init_task = sym(d, "init_task");
	k->task_tasks = off(d, "task_struct", "tasks");
	k->task_pid = off(d, "task_struct", "pid");
	k->task_tgid = off(d, "task_struct", "tgid");
	k->task_comm = off(d, "task_struct", "comm");
	k->task_mm = off(d, "task_struct", "mm");
	k->mm_pgd = off(d, "mm_struct", "pgd");
	k->mm_rss_stat = off(d, "mm_struct", "rss_stat");
	k->percpu_counter_sz = mms_facts_size(d->facts, "percpu_counter");
	k->percpu_counter_counters = off(d, "percpu_counter", "counters");
	/* SPLIT_RSS_COUNTING (until 6.1): each thread caches up to 64
	 * events in task_struct.rss_stat.count[] before adding them */
	k->task_rss_stat = off(d, "task_struct", "rss_stat");
	int64_t c = off(d, "task_rss_stat", "count");
	k->task_rss_stat = k->task_rss_stat >= 0 && c >= 0
				   ? k->task_rss_stat + c : -1;
	/* 6.2 made rss_stat an array of percpu_counter; before, a struct
	 * mm_rss_stat holding atomic_long_t count[NR_MM_COUNTERS] */
	int64_t n = len(d, "mm_struct", "rss_stat");
	if (n > 0 && k->percpu_counter_sz > 0) {
		k->mm_rss_percpu = true;
		k->mm_nr_rss = n;
		k->rss_count_off = off(d, "percpu_counter", "count");
	} else {
		k->mm_nr_rss = len(d, "mm_rss_stat", "count");
		k->rss_count_off = off(d, "mm_rss_stat", "count");
	}
}

/* Type info is file data too: a size or offset that cannot be right must
 * not become an allocation or an index into a buffer. */
#define MAX_STRUCT_PAGE 4096      /* 64 on x86-64, ~100 with debug options */
#define MAX_STRUCT_ZONE 65536     /* ~1.6 KiB in 6.x */
#define MAX_STRUCT_FREE_AREA 4096

static mms_error *bad_size(struct mms_dump *d, const char *type, int64_t size,
			   int64_t max)
{
	return mms_err(MMS_ERR_CORRUPT, "%s: the type info gives SIZE(%s) = "
		       "%lld (expected 1 to %lld)", d->path, type,
		       (long long)size, (long long)max);
}

/* An optional member (off < 0: absent) of width bytes inside size. */
static mms_error *check_member(struct mms_dump *d, const char *type,
			       const char *member, int64_t off, int64_t width,
			       int64_t size)
{
	if (off < 0 || (width <= size && off <= size - width))
		return NULL;
	return mms_err(MMS_ERR_CORRUPT, "%s: the type info gives OFFSET(%s.%s)"
		       " = %lld, which with %lld bytes does not fit in SIZE(%s)"
		       " = %lld", d->path, type, member, (long long)off,
		       (long long)width, type, (long long)size);
}

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/* Every offset the hot paths apply to a buffer of one struct lies inside
 * it; every count that sizes a loop or an array is within its bounds. */
static mms_error *check_layout(struct mms_dump *d)
{
	struct mms_kernel *k = &d->k;
	mms_error *err = NULL;
	if (k->page_sz > MAX_STRUCT_PAGE)
		return bad_size(d, "page", k->page_sz, MAX_STRUCT_PAGE);
	if (k->zone_sz > MAX_STRUCT_ZONE)
		return bad_size(d, "zone", k->zone_sz, MAX_STRUCT_ZONE);
	if (k->list_next > 8 || k->list_prev > 8)
		return mms_err(MMS_ERR_CORRUPT, "%s: the type info gives "
			       "OFFSET(list_head.next) = %lld, OFFSET(list_head."
			       "prev) = %lld (expected 0 and 8)", d->path,
			       (long long)k->list_next, (long long)k->list_prev);
	int64_t lru_width = (k->list_next > k->list_prev ? k->list_next
							   : k->list_prev) + 8;
	const struct { const char *m; int64_t off, width; } page[] = {
		{ "flags", k->page_flags, 8 },
		{ "lru", k->page_lru, lru_width },
		{ "private", k->page_private, 8 },
		{ "_mapcount", k->page_mapcount, 4 },
		{ "page_type", k->page_type, 4 },
	};
	for (size_t i = 0; !err && i < MMS_ARRAY_SIZE(page); i++)
		err = check_member(d, "page", page[i].m, page[i].off,
				   page[i].width, k->page_sz);
	if (err)
		return err;
	if (k->pg_buddy > 63)
		return mms_err(MMS_ERR_CORRUPT, "%s: NUMBER(PG_buddy) = %lld is "
			       "not a bit of page->flags", d->path,
			       (long long)k->pg_buddy);
	if (k->zone_free_area_len > MMS_MAX_ORDERS)
		return mms_err(MMS_ERR_CORRUPT, "%s: bad LENGTH(zone.free_area) "
			       "(%lld)", d->path, (long long)k->zone_free_area_len);
	if (k->nr_migratetypes < 1 || k->nr_migratetypes > MMS_MAX_MIGRATETYPES)
		return mms_err(MMS_ERR_UNSUPPORTED, "%s: %lld migratetypes "
			       "(LENGTH(free_area.free_list): 1 to %d supported)",
			       d->path, (long long)k->nr_migratetypes,
			       MMS_MAX_MIGRATETYPES);
	if (k->free_area_sz > MAX_STRUCT_FREE_AREA ||
	    (k->free_area_sz <= 0 && k->zone_free_area_len > 0))
		return bad_size(d, "free_area", k->free_area_sz,
				MAX_STRUCT_FREE_AREA);
	if (k->free_area_sz > 0) {
		err = check_member(d, "free_area", "free_list",
				   k->free_area_free_list,
				   16 * k->nr_migratetypes, k->free_area_sz);
		if (!err)
			err = check_member(d, "free_area", "nr_free",
					   k->free_area_nr_free, 8,
					   k->free_area_sz);
	}
	const struct { const char *m; int64_t off, width; } zone[] = {
		{ "zone_start_pfn", k->zone_start_pfn, 8 },
		{ "spanned_pages", k->zone_spanned, 8 },
		{ "present_pages", k->zone_present, 8 },
		{ "managed_pages", k->zone_managed, 8 },
		{ "cma_pages", k->zone_cma, 8 },
		{ "watermark_boost", k->zone_watermark_boost, 8 },
		{ "_watermark", k->zone_watermark,
		  8 * min64(k->zone_watermark_len > 0 ? k->zone_watermark_len : 0, 4) },
		{ "lowmem_reserve", k->zone_lowmem_reserve,
		  8 * min64(k->zone_lowmem_reserve_len > 0
				    ? k->zone_lowmem_reserve_len : 0, MMS_MAX_ZONES) },
		{ "free_area", k->zone_free_area,
		  k->free_area_sz * (k->zone_free_area_len > 0
					     ? k->zone_free_area_len : 0) },
		{ "vm_stat", k->zone_vm_stat, 8 },
	};
	for (size_t i = 0; !err && i < MMS_ARRAY_SIZE(zone); i++)
		err = check_member(d, "zone", zone[i].m, zone[i].off,
				   zone[i].width, k->zone_sz);
	if (err)
		return err;
	if (k->zone_vm_stat >= 0 && k->nr_free_pages_item >= 0 &&
	    k->nr_free_pages_item > (k->zone_sz - k->zone_vm_stat) / 8 - 1)
		return mms_err(MMS_ERR_CORRUPT, "%s: NUMBER(NR_FREE_PAGES) = %lld "
			       "is outside zone.vm_stat (OFFSET %lld, SIZE(zone) "
			       "%lld)", d->path, (long long)k->nr_free_pages_item,
			       (long long)k->zone_vm_stat, (long long)k->zone_sz);
	if (k->pageblock_order < 0 || k->pageblock_order > 30 ||
	    k->pageblock_bits < 1 || k->pageblock_bits > 64)
		return mms_err(MMS_ERR_CORRUPT, "%s: impossible pageblock_order "
			       "%lld / NR_PAGEBLOCK_BITS %lld", d->path,
			       (long long)k->pageblock_order,
			       (long long)k->pageblock_bits);
	return NULL;
}

mms_error *mms_kernel_resolve(struct mms_dump *d)
{
	struct mms_kernel *k = &d->k;
	int64_t v;
	k->kernel_offset = 0;
	uint64_t ko;
	if (mms_facts_hex(d->vmcoreinfo, "KERNELOFFSET", &ko))
		k->kernel_offset = (int64_t)ko;
	k->phys_base_known = mms_facts_num(d->vmcoreinfo, "NUMBER(phys_base)",
					   &v);
	k->phys_base = k->phys_base_known ? v : 0;
	resolve_page(d);
	resolve_zone(d);
	resolve_counters(d);
	resolve_symbols(d);
	resolve_image(d);
	resolve_tasks(d);
	if (k->page_sz <= 0 || k->page_flags < 0)
		return mms_err(MMS_ERR_NOTFOUND, "%s: the type info has no "
			       "layout of struct page (SIZE(page), "
			       "OFFSET(page.flags))", d->path);
	if (k->zone_sz <= 0 || k->pgdat_node_zones < 0 ||
	    k->zone_free_area < 0)
		return mms_err(MMS_ERR_NOTFOUND, "%s: the type info has no "
			       "layout of struct zone / pglist_data", d->path);
	if (k->zone_free_area_len <= 0)
		return mms_err(MMS_ERR_NOTFOUND, "%s: bad or missing "
			       "LENGTH(zone.free_area) (%lld)", d->path,
			       (long long)k->zone_free_area_len);
	mms_error *err = check_layout(d);
	if (err)
		return err;
	if (k->max_nr_zones < 0 && k->pgdat_nr_zones >= 0)
		return NULL;   /* VMCOREINFO alone: taken from pgdat->nr_zones */
	if (k->max_nr_zones <= 0 || k->max_nr_zones > MMS_MAX_ZONES)
		return mms_err(MMS_ERR_NOTFOUND, "%s: cannot tell the number "
			       "of zones per node (LENGTH(pglist_data.node_"
			       "zones))", d->path);
	return NULL;
}
