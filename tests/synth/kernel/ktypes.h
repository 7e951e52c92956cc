/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Kernel type definitions for the synthetic dumps, one "kernel build"
 * (variant) per SYNTH_V_* macro.  The same header is compiled twice:
 * into the fake vmlinux (kernel.c, with -g, so its DWARF describes
 * these types under the kernel's own names) and into the generator
 * (abi.c, which exports offsetof()/sizeof()/enum values), so the image
 * the generator lays out always matches the vmlinux's type info.
 *
 * Names follow the kernel; layouts are simplified but keep the real
 * member order of the era where it matters to a reader of dumps.
 * The host compiler is x86-64, so sizes and alignment are x86-64's.
 */
#ifndef SYNTH_KTYPES_H
#define SYNTH_KTYPES_H

#define SYNTH_FLATMEM			1
#define SYNTH_DISCONTIGMEM		2
#define SYNTH_SPARSEMEM_EXTREME		3
#define SYNTH_SPARSEMEM_VMEMMAP		4

#define SYNTH_BUDDY_PG_BUDDY		1	/* 2.6.17-2.6.37: flag bit */
#define SYNTH_BUDDY_MAPCOUNT		2	/* 2.6.39-4.17: _mapcount == -128 */
#define SYNTH_BUDDY_PAGE_TYPE		3	/* 4.18-6.11: bit cleared in page_type */
#define SYNTH_BUDDY_TOP_BYTE		4	/* 6.12+: 0xf0 in page_type's top byte */

#if defined(SYNTH_V_FLAT26)
# define SYNTH_VARIANT		"flat26"
# define SYNTH_OSRELEASE	"2.6.28-synth"
# define SYNTH_ERA		206
# define SYNTH_MODEL		SYNTH_FLATMEM
# define SYNTH_NUMA		0
# define SYNTH_BUDDY		SYNTH_BUDDY_PG_BUDDY
# define SYNTH_MIGRATE		0	/* one free_list per order */
# define NR_CPUS		8
#elif defined(SYNTH_V_DISCONTIG310)
# define SYNTH_VARIANT		"discontig310"
# define SYNTH_OSRELEASE	"3.10.0-synth"
# define SYNTH_ERA		310
# define SYNTH_MODEL		SYNTH_DISCONTIGMEM
# define SYNTH_NUMA		1
# define SYNTH_BUDDY		SYNTH_BUDDY_MAPCOUNT
# define SYNTH_MIGRATE		1	/* old order, with MIGRATE_RESERVE */
# define NR_CPUS		8
#elif defined(SYNTH_V_PT419)
# define SYNTH_VARIANT		"pt419"
# define SYNTH_OSRELEASE	"4.19.0-synth"
# define SYNTH_ERA		419
# define SYNTH_MODEL		SYNTH_SPARSEMEM_EXTREME
# define SYNTH_NUMA		1
# define SYNTH_BUDDY		SYNTH_BUDDY_PAGE_TYPE
# define SYNTH_MIGRATE		2
# define NR_CPUS		64
#elif defined(SYNTH_V_SPARSE61)
# define SYNTH_VARIANT		"sparse61"
# define SYNTH_OSRELEASE	"6.1.0-synth"
# define SYNTH_ERA		601
# define SYNTH_MODEL		SYNTH_SPARSEMEM_EXTREME
# define SYNTH_NUMA		1
# define SYNTH_BUDDY		SYNTH_BUDDY_PAGE_TYPE
# define SYNTH_MIGRATE		2
# define NR_CPUS		64
#elif defined(SYNTH_V_PT612)
# define SYNTH_VARIANT		"pt612"
# define SYNTH_OSRELEASE	"6.12.0-synth"
# define SYNTH_ERA		612
# define SYNTH_MODEL		SYNTH_SPARSEMEM_VMEMMAP
# define SYNTH_NUMA		1
# define SYNTH_BUDDY		SYNTH_BUDDY_TOP_BYTE
# define SYNTH_MIGRATE		2
# define NR_CPUS		64
#else
# error "define one SYNTH_V_* variant"
#endif

#define BITS_PER_LONG		64
#define BITS_TO_LONGS(n)	(((n) + BITS_PER_LONG - 1) / BITS_PER_LONG)
#define PAGE_SHIFT		12
#define NR_PAGE_ORDERS		11	/* MAX_ORDER 11 before 6.4, MAX_PAGE_ORDER 10 after */
#define pageblock_order		9
#define NODES_SHIFT		(SYNTH_NUMA ? 6 : 0)
#define MAX_NUMNODES		(1 << NODES_SHIFT)
#define SECTION_SIZE_BITS	27
#define MAX_PHYSMEM_BITS	46
#define SUBSECTION_SHIFT	21
#define PAGES_PER_SECTION	(1UL << (SECTION_SIZE_BITS - PAGE_SHIFT))
#define SUBSECTIONS_PER_SECTION	(1UL << (SECTION_SIZE_BITS - SUBSECTION_SHIFT))
#define SECTIONS_SHIFT		(MAX_PHYSMEM_BITS - SECTION_SIZE_BITS)
#define NR_MEM_SECTIONS		(1UL << SECTIONS_SHIFT)
#define SECTIONS_PER_ROOT	(4096 / sizeof(struct mem_section))
#define NR_SECTION_ROOTS	(NR_MEM_SECTIONS / SECTIONS_PER_ROOT)

typedef signed char s8;
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

typedef struct { int counter; } atomic_t;
typedef struct { long counter; } atomic_long_t;
typedef struct spinlock { unsigned int val; } spinlock_t;
typedef struct seqcount { unsigned int sequence; } seqcount_t;
typedef struct { seqcount_t seqcount; spinlock_t lock; } seqlock_t;
typedef unsigned long pgoff_t;

struct list_head {
	struct list_head *next, *prev;
};

struct callback_head {
	struct callback_head *next;
	void (*func)(struct callback_head *head);
};
#define rcu_head callback_head

struct address_space;
struct kmem_cache;
struct task_struct;
struct mem_cgroup;
struct dev_pagemap;

/* ------------------------------------------------------------------ */
/* enum pageflags: bit numbers differ between eras (6.12 moved
 * PG_writeback to 1; PG_slab became a page type in 6.10).             */

#if SYNTH_ERA == 206
enum pageflags {
	PG_locked, PG_error, PG_referenced, PG_uptodate, PG_dirty, PG_lru,
	PG_active, PG_slab, PG_owner_priv_1, PG_arch_1, PG_reserved,
	PG_private, PG_writeback, PG_head, PG_tail, PG_swapcache,
	PG_mappedtodisk, PG_reclaim, PG_buddy, PG_swapbacked,
	PG_unevictable, PG_mlocked, PG_uncached,
	__NR_PAGEFLAGS,
	PG_checked = PG_owner_priv_1,
	PG_pinned = PG_owner_priv_1,
	PG_savepinned = PG_dirty,
	PG_readahead = PG_reclaim,
};
#elif SYNTH_ERA == 310
enum pageflags {
	PG_locked, PG_error, PG_referenced, PG_uptodate, PG_dirty, PG_lru,
	PG_active, PG_slab, PG_owner_priv_1, PG_arch_1, PG_reserved,
	PG_private, PG_private_2, PG_writeback, PG_head, PG_tail,
	PG_swapcache, PG_mappedtodisk, PG_reclaim, PG_swapbacked,
	PG_unevictable, PG_mlocked, PG_uncached, PG_hwpoison,
	PG_compound_lock,
	__NR_PAGEFLAGS,
	PG_checked = PG_owner_priv_1,
	PG_fscache = PG_private_2,
	PG_pinned = PG_owner_priv_1,
	PG_savepinned = PG_dirty,
	PG_readahead = PG_reclaim,
};
#elif SYNTH_ERA == 419
enum pageflags {
	PG_locked, PG_error, PG_referenced, PG_uptodate, PG_dirty, PG_lru,
	PG_active, PG_waiters, PG_slab, PG_owner_priv_1, PG_arch_1,
	PG_reserved, PG_private, PG_private_2, PG_writeback, PG_head,
	PG_mappedtodisk, PG_reclaim, PG_swapbacked, PG_unevictable,
	PG_mlocked, PG_uncached, PG_hwpoison, PG_young, PG_idle,
	__NR_PAGEFLAGS,
	PG_checked = PG_owner_priv_1,
	PG_swapcache = PG_owner_priv_1,
	PG_fscache = PG_private_2,
	PG_pinned = PG_owner_priv_1,
	PG_savepinned = PG_dirty,
	PG_foreign = PG_owner_priv_1,
	PG_slob_free = PG_private,
	PG_double_map = PG_private_2,
	PG_isolated = PG_reclaim,
	PG_readahead = PG_reclaim,
};
#elif SYNTH_ERA == 601
enum pageflags {
	PG_locked, PG_referenced, PG_uptodate, PG_dirty, PG_lru, PG_active,
	PG_workingset, PG_waiters, PG_error, PG_slab, PG_owner_priv_1,
	PG_arch_1, PG_reserved, PG_private, PG_private_2, PG_writeback,
	PG_head, PG_mappedtodisk, PG_reclaim, PG_swapbacked,
	PG_unevictable, PG_mlocked, PG_uncached, PG_hwpoison, PG_young,
	PG_idle,
	__NR_PAGEFLAGS,
	PG_readahead = PG_reclaim,
	PG_anon_exclusive = PG_mappedtodisk,
	PG_checked = PG_owner_priv_1,
	PG_swapcache = PG_owner_priv_1,
	PG_fscache = PG_private_2,
	PG_pinned = PG_owner_priv_1,
	PG_savepinned = PG_dirty,
	PG_foreign = PG_owner_priv_1,
	PG_xen_remapped = PG_owner_priv_1,
	PG_slob_free = PG_private,
	PG_double_map = PG_workingset,
	PG_has_hwpoisoned = PG_error,
	PG_isolated = PG_reclaim,
	PG_reported = PG_uptodate,
	PG_vmemmap_self_hosted = PG_owner_priv_1,
};
#elif SYNTH_ERA == 612
enum pageflags {
	PG_locked, PG_writeback, PG_referenced, PG_uptodate, PG_dirty,
	PG_lru, PG_head, PG_waiters, PG_active, PG_workingset,
	PG_owner_priv_1, PG_owner_2, PG_arch_1, PG_reserved, PG_private,
	PG_private_2, PG_reclaim, PG_swapbacked, PG_unevictable,
	PG_mlocked, PG_uncached, PG_hwpoison, PG_young, PG_idle,
	__NR_PAGEFLAGS,
	PG_readahead = PG_reclaim,
	PG_swapcache = PG_owner_priv_1,
	PG_checked = PG_owner_priv_1,
	PG_anon_exclusive = PG_owner_2,
	PG_mappedtodisk = PG_owner_2,
	PG_fscache = PG_private_2,
	PG_pinned = PG_owner_priv_1,
	PG_savepinned = PG_dirty,
	PG_foreign = PG_owner_priv_1,
	PG_xen_remapped = PG_owner_priv_1,
	PG_isolated = PG_reclaim,
	PG_reported = PG_uptodate,
	PG_vmemmap_self_hosted = PG_owner_priv_1,
	PG_has_hwpoisoned = PG_active,
	PG_large_rmappable = PG_workingset,
	PG_partially_mapped = PG_reclaim,
};
#endif

#if SYNTH_BUDDY == SYNTH_BUDDY_PAGE_TYPE
/* 4.18: a page type is set by clearing its bit below this base. */
#define PAGE_TYPE_BASE	0xf0000000
#define PAGE_MAPCOUNT_RESERVE	-128
#define PG_buddy	0x00000080
#define PG_offline	0x00000100
#define PG_kmemcg	0x00000200
#define PG_table	0x00000400
#define PG_guard	0x00000800
#endif

#if SYNTH_BUDDY == SYNTH_BUDDY_TOP_BYTE
/* 6.12: one type per page, kept in the top byte of page_type. */
enum pagetype {
	PGTY_buddy = 0xf0,
	PGTY_offline = 0xf1,
	PGTY_table = 0xf2,
	PGTY_guard = 0xf3,
	PGTY_hugetlb = 0xf4,
	PGTY_slab = 0xf5,
	PGTY_zsmalloc = 0xf6,
	PGTY_unaccepted = 0xf7,
	PGTY_mapcount_underflow = 0xff,
};
#endif

/* ------------------------------------------------------------------ */
/* Zones and migrate types                                             */

enum zone_type {
	ZONE_DMA,
	ZONE_DMA32,
	ZONE_NORMAL,
	ZONE_MOVABLE,
#if SYNTH_ERA >= 419
	ZONE_DEVICE,
#endif
	__MAX_NR_ZONES
};
#define MAX_NR_ZONES	__MAX_NR_ZONES

enum zone_watermarks {
	WMARK_MIN,
	WMARK_LOW,
	WMARK_HIGH,
#if SYNTH_ERA >= 601
	WMARK_PROMO,
#endif
	NR_WMARK
};

#if SYNTH_MIGRATE == 1
enum migratetype {
	MIGRATE_UNMOVABLE,
	MIGRATE_RECLAIMABLE,
	MIGRATE_MOVABLE,
	MIGRATE_PCPTYPES,
	MIGRATE_RESERVE = MIGRATE_PCPTYPES,
	MIGRATE_ISOLATE,
	MIGRATE_TYPES
};
#define SYNTH_MIGRATETYPE_NAMES \
	"Unmovable", "Reclaimable", "Movable", "Reserve", "Isolate"
#elif SYNTH_MIGRATE == 2
enum migratetype {
	MIGRATE_UNMOVABLE,
	MIGRATE_MOVABLE,
	MIGRATE_RECLAIMABLE,
	MIGRATE_PCPTYPES,
	MIGRATE_HIGHATOMIC = MIGRATE_PCPTYPES,
	MIGRATE_CMA,
	MIGRATE_ISOLATE,
	MIGRATE_TYPES
};
#define SYNTH_MIGRATETYPE_NAMES \
	"Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate"
#else
/* 2.6.23 and older: no migrate types; one "type" for the generator. */
#define MIGRATE_TYPES		1
#define MIGRATE_PCPTYPES	1
#define MIGRATE_UNMOVABLE	0
#endif

enum pageblock_bits {
	PB_migrate,
	PB_migrate_end = PB_migrate + 3 - 1,
	PB_migrate_skip,
	NR_PAGEBLOCK_BITS
};

enum node_states {
	N_POSSIBLE,
	N_ONLINE,
	N_NORMAL_MEMORY,
	N_HIGH_MEMORY = N_NORMAL_MEMORY,
	N_MEMORY,
	N_CPU,
	N_GENERIC_INITIATOR,
	NR_NODE_STATES
};

/* ------------------------------------------------------------------ */
/* vmstat items: X(ENUM, "proc/vmstat name")                          */

#if SYNTH_ERA >= 601
#define SYNTH_ZONE_STAT_ITEMS(X) \
	X(NR_FREE_PAGES, "nr_free_pages") \
	X(NR_ZONE_INACTIVE_ANON, "nr_zone_inactive_anon") \
	X(NR_ZONE_ACTIVE_ANON, "nr_zone_active_anon") \
	X(NR_ZONE_INACTIVE_FILE, "nr_zone_inactive_file") \
	X(NR_ZONE_ACTIVE_FILE, "nr_zone_active_file") \
	X(NR_ZONE_UNEVICTABLE, "nr_zone_unevictable") \
	X(NR_ZONE_WRITE_PENDING, "nr_zone_write_pending") \
	X(NR_MLOCK, "nr_mlock") \
	X(NR_BOUNCE, "nr_bounce") \
	X(NR_ZSPAGES, "nr_zspages") \
	X(NR_FREE_CMA_PAGES, "nr_free_cma") \
	SYNTH_ZONE_STAT_612(X)
# if SYNTH_ERA >= 612
#  define SYNTH_ZONE_STAT_612(X) X(NR_UNACCEPTED, "nr_unaccepted")
# else
#  define SYNTH_ZONE_STAT_612(X)
# endif
#else
#define SYNTH_ZONE_STAT_ITEMS(X) \
	X(NR_FREE_PAGES, "nr_free_pages") \
	X(NR_ZONE_INACTIVE_ANON, "nr_zone_inactive_anon") \
	X(NR_ZONE_ACTIVE_ANON, "nr_zone_active_anon") \
	X(NR_ZONE_INACTIVE_FILE, "nr_zone_inactive_file") \
	X(NR_ZONE_ACTIVE_FILE, "nr_zone_active_file") \
	X(NR_ZONE_UNEVICTABLE, "nr_zone_unevictable") \
	X(NR_ZONE_WRITE_PENDING, "nr_zone_write_pending") \
	X(NR_MLOCK, "nr_mlock") \
	X(NR_PAGETABLE, "nr_page_table_pages") \
	X(NR_KERNEL_STACK_KB, "nr_kernel_stack") \
	X(NR_BOUNCE, "nr_bounce") \
	X(NR_ZSPAGES, "nr_zspages") \
	X(NR_FREE_CMA_PAGES, "nr_free_cma")
#endif

#if SYNTH_NUMA
#define SYNTH_NUMA_STAT_ITEMS(X) \
	X(NUMA_HIT, "numa_hit") \
	X(NUMA_MISS, "numa_miss") \
	X(NUMA_FOREIGN, "numa_foreign") \
	X(NUMA_INTERLEAVE_HIT, "numa_interleave") \
	X(NUMA_LOCAL, "numa_local") \
	X(NUMA_OTHER, "numa_other")
#else
#define SYNTH_NUMA_STAT_ITEMS(X)
#endif

#if SYNTH_ERA >= 601
/* Since 5.9 the slab counters are kept in bytes (the _B suffix);
 * /proc/vmstat prints them in pages. */
#define SYNTH_NODE_STAT_ITEMS(X) \
	X(NR_INACTIVE_ANON, "nr_inactive_anon") \
	X(NR_ACTIVE_ANON, "nr_active_anon") \
	X(NR_INACTIVE_FILE, "nr_inactive_file") \
	X(NR_ACTIVE_FILE, "nr_active_file") \
	X(NR_UNEVICTABLE, "nr_unevictable") \
	X(NR_SLAB_RECLAIMABLE_B, "nr_slab_reclaimable") \
	X(NR_SLAB_UNRECLAIMABLE_B, "nr_slab_unreclaimable") \
	X(NR_ISOLATED_ANON, "nr_isolated_anon") \
	X(NR_ISOLATED_FILE, "nr_isolated_file") \
	X(WORKINGSET_NODES, "workingset_nodes") \
	X(WORKINGSET_REFAULT_ANON, "workingset_refault_anon") \
	X(WORKINGSET_REFAULT_FILE, "workingset_refault_file") \
	X(WORKINGSET_ACTIVATE_ANON, "workingset_activate_anon") \
	X(WORKINGSET_ACTIVATE_FILE, "workingset_activate_file") \
	X(WORKINGSET_RESTORE_ANON, "workingset_restore_anon") \
	X(WORKINGSET_RESTORE_FILE, "workingset_restore_file") \
	X(WORKINGSET_NODERECLAIM, "workingset_nodereclaim") \
	X(NR_ANON_MAPPED, "nr_anon_pages") \
	X(NR_FILE_MAPPED, "nr_mapped") \
	X(NR_FILE_PAGES, "nr_file_pages") \
	X(NR_FILE_DIRTY, "nr_dirty") \
	X(NR_WRITEBACK, "nr_writeback") \
	X(NR_WRITEBACK_TEMP, "nr_writeback_temp") \
	X(NR_SHMEM, "nr_shmem") \
	X(NR_SHMEM_THPS, "nr_shmem_hugepages") \
	X(NR_SHMEM_PMDMAPPED, "nr_shmem_pmdmapped") \
	X(NR_FILE_THPS, "nr_file_hugepages") \
	X(NR_FILE_PMDMAPPED, "nr_file_pmdmapped") \
	X(NR_ANON_THPS, "nr_anon_transparent_hugepages") \
	X(NR_VMSCAN_WRITE, "nr_vmscan_write") \
	X(NR_VMSCAN_IMMEDIATE, "nr_vmscan_immediate_reclaim") \
	X(NR_DIRTIED, "nr_dirtied") \
	X(NR_WRITTEN, "nr_written") \
	X(NR_THROTTLED_WRITTEN, "nr_throttled_written") \
	X(NR_KERNEL_MISC_RECLAIMABLE, "nr_kernel_misc_reclaimable") \
	X(NR_FOLL_PIN_ACQUIRED, "nr_foll_pin_acquired") \
	X(NR_FOLL_PIN_RELEASED, "nr_foll_pin_released") \
	X(NR_KERNEL_STACK_KB, "nr_kernel_stack") \
	X(NR_PAGETABLE, "nr_page_table_pages") \
	X(NR_SECONDARY_PAGETABLE, "nr_sec_page_table_pages") \
	X(NR_SWAPCACHE, "nr_swapcached")
#else
#define SYNTH_NODE_STAT_ITEMS(X) \
	X(NR_INACTIVE_ANON, "nr_inactive_anon") \
	X(NR_ACTIVE_ANON, "nr_active_anon") \
	X(NR_INACTIVE_FILE, "nr_inactive_file") \
	X(NR_ACTIVE_FILE, "nr_active_file") \
	X(NR_UNEVICTABLE, "nr_unevictable") \
	X(NR_SLAB_RECLAIMABLE, "nr_slab_reclaimable") \
	X(NR_SLAB_UNRECLAIMABLE, "nr_slab_unreclaimable") \
	X(NR_ISOLATED_ANON, "nr_isolated_anon") \
	X(NR_ISOLATED_FILE, "nr_isolated_file") \
	X(WORKINGSET_REFAULT, "workingset_refault") \
	X(WORKINGSET_ACTIVATE, "workingset_activate") \
	X(WORKINGSET_NODERECLAIM, "workingset_nodereclaim") \
	X(NR_ANON_MAPPED, "nr_anon_pages") \
	X(NR_FILE_MAPPED, "nr_mapped") \
	X(NR_FILE_PAGES, "nr_file_pages") \
	X(NR_FILE_DIRTY, "nr_dirty") \
	X(NR_WRITEBACK, "nr_writeback") \
	X(NR_WRITEBACK_TEMP, "nr_writeback_temp") \
	X(NR_SHMEM, "nr_shmem") \
	X(NR_SHMEM_THPS, "nr_shmem_hugepages") \
	X(NR_SHMEM_PMDMAPPED, "nr_shmem_pmdmapped") \
	X(NR_ANON_THPS, "nr_anon_transparent_hugepages") \
	X(NR_UNSTABLE_NFS, "nr_unstable") \
	X(NR_VMSCAN_WRITE, "nr_vmscan_write") \
	X(NR_VMSCAN_IMMEDIATE, "nr_vmscan_immediate_reclaim") \
	X(NR_DIRTIED, "nr_dirtied") \
	X(NR_WRITTEN, "nr_written") \
	X(NR_INDIRECTLY_RECLAIMABLE_BYTES, "nr_indirectly_reclaimable")
#endif

#if SYNTH_ERA >= 612
#define SYNTH_WRITEBACK_ITEMS(X) \
	X(NR_DIRTY_THRESHOLD, "nr_dirty_threshold") \
	X(NR_DIRTY_BG_THRESHOLD, "nr_dirty_background_threshold") \
	X(NR_MEMMAP_PAGES, "nr_memmap_pages") \
	X(NR_MEMMAP_BOOT_PAGES, "nr_memmap_boot_pages")
#else
#define SYNTH_WRITEBACK_ITEMS(X) \
	X(NR_DIRTY_THRESHOLD, "nr_dirty_threshold") \
	X(NR_DIRTY_BG_THRESHOLD, "nr_dirty_background_threshold")
#endif

#if SYNTH_ERA >= 419
# define SYNTH_EV_DEVICE(X) X(PGALLOC_DEVICE, "pgalloc_device")
#else
# define SYNTH_EV_DEVICE(X)
#endif

#define SYNTH_VM_EVENT_ITEMS(X) \
	X(PGPGIN, "pgpgin") \
	X(PGPGOUT, "pgpgout") \
	X(PSWPIN, "pswpin") \
	X(PSWPOUT, "pswpout") \
	X(PGALLOC_DMA, "pgalloc_dma") \
	X(PGALLOC_DMA32, "pgalloc_dma32") \
	X(PGALLOC_NORMAL, "pgalloc_normal") \
	X(PGALLOC_MOVABLE, "pgalloc_movable") \
	SYNTH_EV_DEVICE(X) \
	X(ALLOCSTALL_NORMAL, "allocstall_normal") \
	X(PGFREE, "pgfree") \
	X(PGACTIVATE, "pgactivate") \
	X(PGDEACTIVATE, "pgdeactivate") \
	X(PGLAZYFREE, "pglazyfree") \
	X(PGFAULT, "pgfault") \
	X(PGMAJFAULT, "pgmajfault") \
	X(PGLAZYFREED, "pglazyfreed") \
	X(PGREFILL, "pgrefill") \
	X(PGSTEAL_KSWAPD, "pgsteal_kswapd") \
	X(PGSTEAL_DIRECT, "pgsteal_direct") \
	X(PGSCAN_KSWAPD, "pgscan_kswapd") \
	X(PGSCAN_DIRECT, "pgscan_direct") \
	X(PGINODESTEAL, "pginodesteal") \
	X(SLABS_SCANNED, "slabs_scanned") \
	X(KSWAPD_INODESTEAL, "kswapd_inodesteal") \
	X(PAGEOUTRUN, "pageoutrun") \
	X(PGROTATED, "pgrotated") \
	X(DROP_PAGECACHE, "drop_pagecache") \
	X(DROP_SLAB, "drop_slab") \
	X(OOM_KILL, "oom_kill") \
	X(PGMIGRATE_SUCCESS, "pgmigrate_success") \
	X(PGMIGRATE_FAIL, "pgmigrate_fail") \
	X(COMPACTSTALL, "compact_stall") \
	X(THP_FAULT_ALLOC, "thp_fault_alloc") \
	X(UNEVICTABLE_PGCULLED, "unevictable_pgs_culled") \
	X(SWAP_RA, "swap_ra") \
	X(DIRECT_MAP_LEVEL2_SPLIT, "direct_map_level2_splits")

#define SYNTH_ENUM_ENTRY(e, s) e,
#define SYNTH_NAME_ENTRY(e, s) s,

enum zone_stat_item {
	SYNTH_ZONE_STAT_ITEMS(SYNTH_ENUM_ENTRY)
	NR_VM_ZONE_STAT_ITEMS
};
#define NR_ZONE_LRU_BASE NR_ZONE_INACTIVE_ANON

#if SYNTH_NUMA
enum numa_stat_item {
	SYNTH_NUMA_STAT_ITEMS(SYNTH_ENUM_ENTRY)
	NR_VM_NUMA_EVENT_ITEMS
};
#else
#define NR_VM_NUMA_EVENT_ITEMS 0
#endif

enum node_stat_item {
	SYNTH_NODE_STAT_ITEMS(SYNTH_ENUM_ENTRY)
	NR_VM_NODE_STAT_ITEMS
};
#define NR_LRU_BASE NR_INACTIVE_ANON

#if SYNTH_ERA >= 612
enum vm_stat_item {
	SYNTH_WRITEBACK_ITEMS(SYNTH_ENUM_ENTRY)
	NR_VM_STAT_ITEMS
};
#define NR_VM_WRITEBACK_STAT_ITEMS NR_VM_STAT_ITEMS
#else
enum writeback_stat_item {
	SYNTH_WRITEBACK_ITEMS(SYNTH_ENUM_ENTRY)
	NR_VM_WRITEBACK_STAT_ITEMS
};
#endif

enum vm_event_item {
	SYNTH_VM_EVENT_ITEMS(SYNTH_ENUM_ENTRY)
	NR_VM_EVENT_ITEMS
};

/* ------------------------------------------------------------------ */
/* struct page                                                         */

#if SYNTH_ERA == 206
/* 2.6-era order: counts first, then private/mapping, index, lru. */
struct page {
	unsigned long flags;
	atomic_t _refcount;
	atomic_t _mapcount;
	union {
		struct {
			unsigned long private;
			struct address_space *mapping;
		};
		struct kmem_cache *slab;
	};
	pgoff_t index;
	struct list_head lru;
	unsigned long compound_head;
};
#else
struct page {
	unsigned long flags;
	union {
		struct {
#if SYNTH_ERA >= 601
			union {
				struct list_head lru;
				struct {
					void *__filler;
					unsigned int mlock_count;
				};
				struct list_head buddy_list;
				struct list_head pcp_list;
			};
#else
			struct list_head lru;
#endif
			struct address_space *mapping;
			pgoff_t index;
			unsigned long private;
		};
		struct {
			union {
				struct list_head slab_list;
				struct {
					struct page *next;
					int pages;
					int pobjects;
				};
			};
			struct kmem_cache *slab_cache;
			void *freelist;
			void *s_mem;
		};
		struct {
			unsigned long compound_head;
#if SYNTH_ERA < 612
			unsigned char compound_dtor;
			unsigned char compound_order;
			atomic_t compound_mapcount;
#endif
		};
		struct {
			unsigned long _pt_pad_1;
			unsigned long pmd_huge_pte;
			unsigned long _pt_pad_2;
			spinlock_t ptl;
		};
		struct {
			struct dev_pagemap *pgmap;
			void *zone_device_data;
		};
		struct rcu_head rcu_head;
	};
#if SYNTH_BUDDY == SYNTH_BUDDY_TOP_BYTE
	union {
		unsigned int page_type;
		atomic_t _mapcount;
	};
#elif SYNTH_BUDDY == SYNTH_BUDDY_PAGE_TYPE
	union {
		atomic_t _mapcount;
		unsigned int page_type;
		unsigned int active;
		int units;
	};
#else
	union {
		atomic_t _mapcount;
		unsigned int active;
		int units;
	};
#endif
	atomic_t _refcount;
#if SYNTH_ERA >= 601
	unsigned long memcg_data;
#else
	struct mem_cgroup *mem_cgroup;
#endif
};
#endif

/* ------------------------------------------------------------------ */
/* Zones and nodes                                                     */

struct free_area {
#if SYNTH_MIGRATE
	struct list_head free_list[MIGRATE_TYPES];
#else
	struct list_head free_list;
#endif
	unsigned long nr_free;
};

#if SYNTH_ERA >= 601
/* 5.14+: order-0 lists per migratetype, orders 1-3, and THP */
#define NR_PCP_THP		1
#define NR_PCP_LISTS		(MIGRATE_PCPTYPES * 4 + NR_PCP_THP)
#else
#define NR_PCP_LISTS		MIGRATE_PCPTYPES
#endif

struct per_cpu_pages {
	spinlock_t lock;
	int count;
	int high;
	int batch;
	short free_factor;
	short expire;
	struct list_head lists[NR_PCP_LISTS];
};

struct per_cpu_zonestat {
	s8 vm_stat_diff[NR_VM_ZONE_STAT_ITEMS];
	s8 stat_threshold;
#if SYNTH_NUMA
	unsigned long vm_numa_event[NR_VM_NUMA_EVENT_ITEMS];
#endif
};

struct per_cpu_nodestat {
	s8 stat_threshold;
	s8 vm_node_stat_diff[NR_VM_NODE_STAT_ITEMS];
};

struct pglist_data;

struct zone {
	unsigned long _watermark[NR_WMARK];
	unsigned long watermark_boost;
	unsigned long nr_reserved_highatomic;
	long lowmem_reserve[MAX_NR_ZONES];
#if SYNTH_NUMA
	int node;
#endif
	struct pglist_data *zone_pgdat;
	struct per_cpu_pages *per_cpu_pageset;		/* __percpu */
	struct per_cpu_zonestat *per_cpu_zonestats;	/* __percpu */
	int pageset_high;
	int pageset_batch;
#if SYNTH_MODEL != SYNTH_SPARSEMEM_EXTREME && SYNTH_MODEL != SYNTH_SPARSEMEM_VMEMMAP && SYNTH_MIGRATE
	unsigned long *pageblock_flags;
#endif
	unsigned long zone_start_pfn;
	atomic_long_t managed_pages;
	unsigned long spanned_pages;
	unsigned long present_pages;
	unsigned long cma_pages;
	const char *name;
	unsigned long nr_isolate_pageblock;
	seqlock_t span_seqlock;
	int initialized;
	struct free_area free_area[NR_PAGE_ORDERS] __attribute__((aligned(64)));
	unsigned long flags;
	spinlock_t lock;
	unsigned long percpu_drift_mark __attribute__((aligned(64)));
	unsigned long compact_cached_free_pfn;
	unsigned long compact_cached_migrate_pfn[2];
	unsigned int compact_considered;
	unsigned int compact_defer_shift;
	int compact_order_failed;
	_Bool compact_blockskip_flush;
	_Bool contiguous;
	atomic_long_t vm_stat[NR_VM_ZONE_STAT_ITEMS] __attribute__((aligned(64)));
#if SYNTH_NUMA
	atomic_long_t vm_numa_event[NR_VM_NUMA_EVENT_ITEMS];
#endif
} __attribute__((aligned(64)));

struct zoneref {
	struct zone *zone;
	int zone_idx;
};

struct zonelist {
	struct zoneref _zonerefs[MAX_NUMNODES * MAX_NR_ZONES + 1];
};

typedef struct wait_queue_head {
	spinlock_t lock;
	struct list_head head;
} wait_queue_head_t;

typedef struct pglist_data {
	struct zone node_zones[MAX_NR_ZONES];
	struct zonelist node_zonelists[SYNTH_NUMA ? 2 : 1];
	int nr_zones;
#if SYNTH_MODEL == SYNTH_DISCONTIGMEM
	struct page *node_mem_map;
#endif
	unsigned long node_start_pfn;
	unsigned long node_present_pages;
	unsigned long node_spanned_pages;
	int node_id;
	wait_queue_head_t kswapd_wait;
	wait_queue_head_t pfmemalloc_wait;
	struct task_struct *kswapd;
	int kswapd_order;
	enum zone_type kswapd_highest_zoneidx;
	int kswapd_failures;
	unsigned long totalreserve_pages;
	unsigned long flags __attribute__((aligned(64)));
	struct per_cpu_nodestat *per_cpu_nodestats;	/* __percpu */
	atomic_long_t vm_stat[NR_VM_NODE_STAT_ITEMS];
} pg_data_t;

/* ------------------------------------------------------------------ */
/* SPARSEMEM                                                           */

#define SECTION_MARKED_PRESENT	(1UL << 0)
#define SECTION_HAS_MEM_MAP	(1UL << 1)
#define SECTION_IS_ONLINE	(1UL << 2)
#define SECTION_IS_EARLY	(1UL << 3)
#define SECTION_MAP_LAST_BIT	(1UL << 5)

struct mem_section_usage {
	unsigned long subsection_map[BITS_TO_LONGS(SUBSECTIONS_PER_SECTION)];
	unsigned long pageblock_flags[];
};

struct mem_section {
	unsigned long section_mem_map;
	struct mem_section_usage *usage;
};

/* ------------------------------------------------------------------ */
/* CPUs, per-cpu, misc                                                 */

struct cpumask {
	unsigned long bits[BITS_TO_LONGS(NR_CPUS)];
};

typedef struct {
	unsigned long bits[BITS_TO_LONGS(MAX_NUMNODES)];
} nodemask_t;

struct vm_event_state {
	unsigned long event[NR_VM_EVENT_ITEMS];
};

typedef struct { unsigned long pgd; } pgd_t;

struct new_utsname {
	char sysname[65];
	char nodename[65];
	char release[65];
	char version[65];
	char machine[65];
	char domainname[65];
};

struct kref {
	atomic_t refcount;
};

struct uts_namespace {
	struct kref kref;
	struct new_utsname name;
	void *user_ns;
	void *ucounts;
	unsigned int ns_inum;
};

struct trace_print_flags {
	unsigned long mask;
	const char *name;
};

/* Page flags layout (upper bits of page->flags), per memory model:
 * | SECTION | NODE | ZONE | ... | FLAGS |                              */
#if SYNTH_MODEL == SYNTH_SPARSEMEM_EXTREME
# define SECTIONS_WIDTH		SECTIONS_SHIFT
#else
# define SECTIONS_WIDTH		0
#endif
#define NODES_WIDTH		NODES_SHIFT
#define ZONES_WIDTH		(MAX_NR_ZONES <= 4 ? 2 : 3)
#define SECTIONS_PGSHIFT	(BITS_PER_LONG - SECTIONS_WIDTH)
#define NODES_PGSHIFT		(SECTIONS_PGSHIFT - NODES_WIDTH)
#define ZONES_PGSHIFT		(NODES_PGSHIFT - ZONES_WIDTH)

#endif /* SYNTH_KTYPES_H */
