/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mmscope: read a Linux kernel crash dump and tell what the memory manager
 * was doing.  All handles are opaque.  Every call that can fail returns an
 * mms_error pointer: NULL on success, otherwise an object the caller frees
 * with mms_error_free().  The library never prints, exits or aborts.
 */
#ifndef MMSCOPE_H
#define MMSCOPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- errors ---------------------------------------------------------- */

typedef struct mms_error mms_error;

enum mms_error_code {
	MMS_ERR_NOMEM = 1,   /* out of memory (static object, free is a no-op) */
	MMS_ERR_IO,          /* the operating system refused a read or open */
	MMS_ERR_FORMAT,      /* not a dump we can read, or a malformed one */
	MMS_ERR_NODATA,      /* the data is not in the dump (filtered out) */
	MMS_ERR_CORRUPT,     /* dump data contradicts itself */
	MMS_ERR_NOTFOUND,    /* a symbol, type, member or key is missing */
	MMS_ERR_MISMATCH,    /* type info belongs to another kernel build */
	MMS_ERR_INVALID,     /* bad argument */
	MMS_ERR_UNSUPPORTED, /* a kernel layout this version cannot read */
};

enum mms_error_code mms_error_code(const mms_error *err);
const char *mms_error_message(const mms_error *err);
void mms_error_free(mms_error *err);

/* ---- opening a dump -------------------------------------------------- */

typedef struct mms_dump mms_dump;

struct mms_open_options {
	const char *vmlinux;   /* debug vmlinux with DWARF, or NULL */
	const char *profile;   /* type profile file, or NULL */
	bool force;            /* accept a vmlinux/profile of another build */
	bool no_auto;          /* do not search debug dirs or the profile cache */
	bool vmcoreinfo_only;  /* use no type info but VMCOREINFO */
	const char *cache_dir; /* profile cache; NULL: $XDG_CACHE_HOME/mmscope */
};

/* Opens an ELF vmcore, a kdump-compressed file, makedumpfile's flattened
 * format or /proc/kcore, and resolves the kernel's layout once. */
mms_error *mms_open(const char *path, const struct mms_open_options *opts,
		    mms_dump **out);
void mms_close(mms_dump *dump);

/* Borrowed string: valid until mms_close(). NULL when the key is absent. */
const char *mms_vmcoreinfo_get(const mms_dump *dump, const char *key);

enum mms_memory_model {
	MMS_MODEL_UNKNOWN,
	MMS_MODEL_FLATMEM,
	MMS_MODEL_DISCONTIGMEM,   /* per-node node_mem_map */
	MMS_MODEL_SPARSEMEM,
	MMS_MODEL_SPARSEMEM_EXTREME,
	MMS_MODEL_SPARSEMEM_VMEMMAP,
};
const char *mms_memory_model_name(enum mms_memory_model model);

enum mms_typeinfo_source {
	MMS_TYPES_VMCOREINFO,     /* VMCOREINFO alone */
	MMS_TYPES_DWARF,          /* DWARF of a debug vmlinux (+ VMCOREINFO) */
	MMS_TYPES_PROFILE,        /* a type profile (+ VMCOREINFO) */
};
const char *mms_typeinfo_source_name(enum mms_typeinfo_source src);

struct mms_info {
	const char *release;      /* OSRELEASE */
	const char *build_id;     /* hex, or NULL */
	const char *arch;         /* "x86_64" */
	const char *format;       /* "elf", "diskdump", "flattened+diskdump" ... */
	const char *typeinfo_path;/* vmlinux or profile used, or NULL */
	enum mms_typeinfo_source typeinfo;
	enum mms_memory_model model;
	uint64_t page_size;
	uint64_t kernel_offset;   /* KASLR text slide (KERNELOFFSET) */
	uint64_t phys_base;
	uint64_t page_offset_base;/* direct map start, 0 if unknown */
	uint64_t vmemmap_base;    /* 0 if not vmemmap or unknown */
	uint64_t vmalloc_base;    /* 0 if unknown */
	unsigned pgtable_levels;  /* 4 or 5 */
	uint64_t max_pfn;         /* highest pfn + 1 the dump describes */
	uint64_t excluded_pages;  /* RAM pages the dump leaves out, if known */
	bool filtered;            /* the dump omits some pages */
	unsigned nr_cpus;         /* possible CPUs with per-cpu areas */
};
mms_error *mms_get_info(mms_dump *dump, struct mms_info *info);

/* Raw reads.  Physical reads never touch pages a filtered dump left out:
 * they fail with MMS_ERR_NODATA instead. */
mms_error *mms_read_phys(mms_dump *dump, uint64_t paddr, void *buf, size_t len);
mms_error *mms_read_kvaddr(mms_dump *dump, uint64_t vaddr, void *buf, size_t len);
bool mms_pfn_in_dump(mms_dump *dump, uint64_t pfn);

/* ---- nodes and zones ------------------------------------------------- */

#define MMS_MAX_ZONES 8
#define MMS_MAX_ORDERS 16
#define MMS_MAX_MIGRATETYPES 12
#define MMS_NAME_LEN 32

struct mms_node {
	int nid;
	uint64_t pgdat;           /* address of pg_data_t */
	uint64_t start_pfn, spanned, present;
	unsigned nr_zones;        /* MAX_NR_ZONES of this kernel */
};

unsigned mms_node_count(const mms_dump *dump);
mms_error *mms_node_get(mms_dump *dump, unsigned idx, struct mms_node *out);

struct mms_zone {
	int nid;
	unsigned zone_idx;
	char name[MMS_NAME_LEN];
	uint64_t addr;            /* address of struct zone */
	uint64_t start_pfn, spanned, present, managed, cma;
	uint64_t free;            /* vm_stat[NR_FREE_PAGES] */
	uint64_t watermark[4];    /* min, low, high, promo */
	unsigned nr_watermarks;   /* 3, or 4 with WMARK_PROMO (6.1+) */
	uint64_t watermark_boost;
	int64_t lowmem_reserve[MMS_MAX_ZONES];
	unsigned nr_lowmem_reserve;
	bool populated;
	bool sizes_known;         /* start_pfn, present, managed: false with
				     VMCOREINFO alone, which lacks them */
	uint64_t nr_free[MMS_MAX_ORDERS]; /* free_area[order].nr_free */
	unsigned nr_orders;
};

/* Zones of one node, in kernel order (including unpopulated ones). */
mms_error *mms_zone_get(mms_dump *dump, unsigned node_idx, unsigned zone_idx,
			struct mms_zone *out);
unsigned mms_zone_count(const mms_dump *dump);  /* per node */

unsigned mms_migratetype_count(const mms_dump *dump);
const char *mms_migratetype_name(const mms_dump *dump, unsigned mt);
unsigned mms_pageblock_order(const mms_dump *dump);

/* Pageblocks of a zone per migratetype, as /proc/pagetypeinfo's "Number
 * of blocks type" table counts them (counts has MMS_MAX_MIGRATETYPES). */
mms_error *mms_zone_pageblocks(mms_dump *dump, unsigned node_idx,
			       unsigned zone_idx, uint64_t *counts);

/* ---- buddy free lists ------------------------------------------------ */

enum mms_buddy_problem_kind {
	MMS_BUDDY_LOOP,            /* the list never returns to its head */
	MMS_BUDDY_WILD_POINTER,    /* an entry outside every mem_map */
	MMS_BUDDY_UNREADABLE,      /* an entry's struct page is not in the dump */
	MMS_BUDDY_NOT_BUDDY,       /* on a free list but not marked buddy */
	MMS_BUDDY_WRONG_ORDER,     /* page->private disagrees with the list */
	MMS_BUDDY_WRONG_ZONE,      /* page outside the zone's span */
	MMS_BUDDY_COUNT_MISMATCH,  /* walked count differs from nr_free */
	MMS_BUDDY_BAD_LINK,        /* next->prev does not point back */
};

struct mms_buddy_problem {
	enum mms_buddy_problem_kind kind;
	unsigned order, migratetype;
	uint64_t addr;            /* the struct page (or list head) at fault:
				     for pointer problems, the one holding
				     the bad next pointer */
	uint64_t target;          /* that pointer's value, or 0 */
	uint64_t expected, found;
};

struct mms_buddy_zone {
	unsigned nr_orders, nr_migratetypes;
	/* blocks on each list, as walked */
	uint64_t blocks[MMS_MAX_ORDERS][MMS_MAX_MIGRATETYPES];
	uint64_t nr_free[MMS_MAX_ORDERS];     /* free_area[].nr_free */
	uint64_t free_pages;                  /* sum of blocks << order */
	bool partial;                         /* some list not walked fully */
	unsigned attempts;                    /* walks made: more than one on a
						 live system that moved on */
	unsigned nr_problems;                 /* all found */
	struct mms_buddy_problem problems[32];/* the first 32 */
};

/* Walks every free list of one zone.  Never loops forever: each walk is
 * bounded by the zone's span.  Problems are reported, not fatal; an error
 * is returned only when the zone itself cannot be read. */
mms_error *mms_buddy_walk(mms_dump *dump, unsigned node_idx, unsigned zone_idx,
			  struct mms_buddy_zone *out);
const char *mms_buddy_problem_name(enum mms_buddy_problem_kind kind);

/* ---- counters (vm_stat, vm_event) ------------------------------------ */

enum mms_stat_kind {
	MMS_STAT_ZONE,     /* enum zone_stat_item */
	MMS_STAT_NUMA,     /* enum numa_stat_item (NUMA events) */
	MMS_STAT_NODE,     /* enum node_stat_item */
	MMS_STAT_EVENT,    /* enum vm_event_item, summed over CPUs */
	MMS_STAT_WRITEBACK,/* enum writeback_stat_item / vm_stat_item: the
			      dirty thresholds (computed as the kernel does
			      when /proc/vmstat is read) and memmap pages */
};
unsigned mms_stat_count(const mms_dump *dump, enum mms_stat_kind kind);
/* The /proc name of counter i (e.g. "nr_free_pages"); NULL if unknown. */
const char *mms_stat_name(const mms_dump *dump, enum mms_stat_kind kind,
			  unsigned i);
/* Global value, as /proc/vmstat prints it. */
mms_error *mms_stat_global(mms_dump *dump, enum mms_stat_kind kind,
			   unsigned i, int64_t *value);
/* Per-zone value (ZONE, NUMA kinds), as /proc/zoneinfo prints it. */
mms_error *mms_stat_zone(mms_dump *dump, unsigned node_idx, unsigned zone_idx,
			 enum mms_stat_kind kind, unsigned i, int64_t *value);
/* A zone's free pages (NR_FREE_PAGES) with every CPU's not yet folded
 * delta added (vm_stat_diff), as zone_page_state_snapshot() sees it: the
 * exact count at the moment of the dump, which /proc/zoneinfo does not
 * show. */
mms_error *mms_zone_free_snapshot(mms_dump *dump, unsigned node_idx,
				  unsigned zone_idx, int64_t *value);
/* Per-node value (NODE kind), as /proc/zoneinfo's per-node stats print it. */
mms_error *mms_stat_node(mms_dump *dump, unsigned node_idx, unsigned i,
			 int64_t *value);

/* ---- per-cpu page lists ---------------------------------------------- */

struct mms_pcp {
	unsigned cpu;
	int count, high, batch, high_min, high_max;
	int stat_threshold;
	bool has_high_minmax;
};
unsigned mms_cpu_count(const mms_dump *dump);  /* online CPUs */
mms_error *mms_zone_pcp(mms_dump *dump, unsigned node_idx, unsigned zone_idx,
			unsigned cpu_idx, struct mms_pcp *out);
mms_error *mms_node_unreclaimable(mms_dump *dump, unsigned node_idx, bool *out);

/* ---- every page frame ----------------------------------------------- */

/* One struct page, decoded.  Scans hand these out in batches of
 * consecutive pfns. */
struct mms_page {
	uint64_t pfn;
	uint64_t flags;            /* page->flags as stored */
	uint64_t mapping, private_, compound_head, index;
	int32_t mapcount;          /* _mapcount (page_type in the same word) */
	int32_t refcount;
	uint32_t page_type;
	uint64_t kpf;              /* /proc/kpageflags bits (KPF_*) */
	unsigned node_idx, zone_idx;
	bool in_zone;              /* the pfn lies in some zone's span */
	unsigned compound_order;   /* order of the compound page it is part
				      of (0: not compound) */
	uint64_t compound_head_pfn;/* its head page */
	bool buddy;                /* marked as the head of a free block */
	unsigned buddy_order;      /* its order (page->private), if buddy */
};

/* One page decoded, by pfn. */
mms_error *mms_page_get(mms_dump *dump, uint64_t pfn, struct mms_page *out);
/* The pfn behind an address: a struct page in some mem_map, else a kernel
 * virtual address (translated), else a physical address. */
mms_error *mms_addr_to_pfn(mms_dump *dump, uint64_t addr, uint64_t *pfn);

struct mms_scan_result {
	uint64_t pages;            /* struct pages decoded */
	uint64_t nopage;           /* pfns below max_pfn with no struct page */
	uint64_t excluded;         /* struct pages whose memory the dump lacks */
	double seconds;
	unsigned threads;
};

/* Called for each batch; thread is 0..threads-1, so callers can keep one
 * accumulator per thread without locking.  Returns non-zero to stop. */
typedef int (*mms_page_fn)(void *arg, unsigned thread,
			   const struct mms_page *pages, size_t n);

/* Visits every pfn in [start_pfn, end_pfn) (end_pfn 0: the whole dump)
 * that has a struct page, reading mem_map in large batches, in parallel
 * (threads 0: one per CPU, at most 8).  Struct pages the dump lacks are
 * counted, never read. */
mms_error *mms_scan_pages(mms_dump *dump, uint64_t start_pfn,
			  uint64_t end_pfn, unsigned threads, mms_page_fn fn,
			  void *arg, struct mms_scan_result *result);

/* The highest pfn + 1 /proc/kpageflags covers (max_pfn of the kernel). */
uint64_t mms_max_pfn(mms_dump *dump);
/* The name of kernel page flag bit (from enum pageflags), or NULL. */
const char *mms_pageflag_name(mms_dump *dump, unsigned bit);

/* ---- where mem_map lives --------------------------------------------- */

struct mms_memmap_block {
	uint64_t section_nr;       /* SPARSEMEM section, or the run's index */
	uint64_t start_pfn, nr_pages;
	uint64_t mem_map;          /* virtual address of start_pfn's page */
	uint64_t coded;            /* section_mem_map as stored, 0 if none */
	bool present, has_mem_map, online, early;
};
uint64_t mms_memmap_block_count(const mms_dump *dump);
mms_error *mms_memmap_block_get(mms_dump *dump, uint64_t idx,
				struct mms_memmap_block *out);

/* Calls fn for each physically contiguous extent of memory holding struct
 * pages (the page frames that store mem_map itself), merged, in virtual
 * order.  in_dump is false for frames the dump left out. */
typedef int (*mms_extent_fn)(void *arg, uint64_t vaddr, uint64_t paddr,
			     uint64_t len, bool in_dump);
mms_error *mms_memmap_frames(mms_dump *dump, mms_extent_fn fn, void *arg);
/* ---- page tables ----------------------------------------------------- */

/*
 * Page tables are walked with the architecture's own rules (x86-64 4- and
 * 5-level now).  A root is the physical address of a top-level table: the
 * kernel's (mms_kernel_pgtable), or a process's (struct mms_task.pgd_phys).
 * Table pages are read once each and cached (a bounded cache); a table page
 * a filtered dump lacks is never read: the range it maps is reported as
 * MMS_PTE_TABLE_MISSING.  Levels count from the leaf: 1 = PTE, 2 = PMD,
 * 3 = PUD, 4 = P4D (the top, PGD, with 4-level paging), 5 = PGD.
 */
#define MMS_PT_MAX_LEVELS 5

enum mms_pte_kind {
	MMS_PTE_NONE,          /* empty entry */
	MMS_PTE_TABLE,         /* points to a lower-level table */
	MMS_PTE_PRESENT,       /* maps a page (a leaf at any level) */
	MMS_PTE_PROTNONE,      /* not accessible but still maps a page:
				  PROT_NONE, NUMA hinting, a THP being split */
	MMS_PTE_SWAP,          /* swap entry: swap_type, swap_offset */
	MMS_PTE_MIGRATION,     /* migration entry: the page at phys */
	MMS_PTE_HWPOISON,      /* hardware-poisoned page at phys */
	MMS_PTE_DEVICE,        /* device-private / device-exclusive entry */
	MMS_PTE_MARKER,        /* PTE marker (uffd-wp, poisoned, guard;
				  5.19-6.1 swapin error) in swap_offset */
	MMS_PTE_NONPRESENT,    /* any other non-present value */
	MMS_PTE_TABLE_MISSING, /* the table mapping this range is not in
				  the dump (phys: the table's address) */
	MMS_PTE_KIND_COUNT
};
const char *mms_pte_kind_name(enum mms_pte_kind kind);

/* Decoded attribute bits (x86 names; other architectures map theirs). */
enum {
	MMS_PTA_PRESENT  = 1u << 0,
	MMS_PTA_RW       = 1u << 1,
	MMS_PTA_USER     = 1u << 2,
	MMS_PTA_PWT      = 1u << 3,
	MMS_PTA_PCD      = 1u << 4,
	MMS_PTA_ACCESSED = 1u << 5,
	MMS_PTA_DIRTY    = 1u << 6,
	MMS_PTA_PAT      = 1u << 7,
	MMS_PTA_GLOBAL   = 1u << 8,
	MMS_PTA_NX       = 1u << 9,
	MMS_PTA_PSE      = 1u << 10,  /* a huge-page leaf above level 1 */
	/* non-present (swap-format) entries */
	MMS_PTA_SOFT_DIRTY = 1u << 16,
	MMS_PTA_UFFD_WP    = 1u << 17,
	MMS_PTA_EXCLUSIVE  = 1u << 18, /* PG_anon_exclusive remembered */
	MMS_PTA_MIG_WRITE  = 1u << 19, /* writable migration entry */
	MMS_PTA_MIG_READ_EXCLUSIVE = 1u << 20,
};
/* Writes the set bits' names, e.g. "RW USER NX", into buf. */
const char *mms_pte_attrs_str(uint32_t attrs, char *buf, size_t len);

/* Physical address of the kernel's top-level table (init_top_pgt). */
mms_error *mms_kernel_pgtable(mms_dump *dump, uint64_t *root);
unsigned mms_pgtable_levels(const mms_dump *dump);
/* "PGD", "P4D", "PUD", "PMD", "PTE" for this dump's paging mode. */
const char *mms_pt_level_name(const mms_dump *dump, unsigned level);
/* Bytes one entry of a level maps (x86-64: 4K, 2M, 1G, 512G, 256T). */
uint64_t mms_pt_level_size(const mms_dump *dump, unsigned level);

struct mms_pt_step {
	unsigned level;
	uint64_t table;          /* physical address of the table */
	unsigned index;
	uint64_t entry_paddr;    /* physical address of the entry */
	uint64_t raw;            /* the entry */
	enum mms_pte_kind kind;
};

struct mms_vtop_result {
	uint64_t vaddr;
	unsigned nr_steps;       /* entries read, top level first */
	struct mms_pt_step steps[MMS_PT_MAX_LEVELS];
	enum mms_pte_kind kind;  /* of the last entry read */
	bool mapped;             /* kind == MMS_PTE_PRESENT */
	uint64_t paddr;          /* PRESENT, PROTNONE, MIGRATION, HWPOISON,
				    DEVICE: the byte vaddr lands on; 0 else */
	uint64_t page_size;      /* bytes one entry of that level maps */
	unsigned level;          /* level of the last entry */
	uint32_t attrs;          /* MMS_PTA_* of the last entry */
	uint32_t eff;            /* RW, USER, NX as the CPU combines them */
	unsigned pkey;           /* protection key (bits 59-62) */
	unsigned swap_type;      /* SWAP and the special kinds */
	uint64_t swap_offset;
	bool page_in_dump;       /* paddr's page is in the dump */
};

/*
 * Translates vaddr through the tables under root (0: the kernel's).  An
 * unmapped address is not an error (result.mapped false, result.kind says
 * why); errors are a non-canonical address and a table page the dump lacks
 * (MMS_ERR_NODATA naming the table; result holds the steps read before).
 */
mms_error *mms_vtop(mms_dump *dump, uint64_t root, uint64_t vaddr,
		    struct mms_vtop_result *result);

/* Reads len bytes at vaddr through the tables under root (0: kernel).
 * An unmapped address or a page the dump excludes is an error naming
 * the address, its physical page and why. */
mms_error *mms_read_vaddr(mms_dump *dump, uint64_t root, uint64_t vaddr,
			  void *buf, size_t len);

struct mms_mapping {
	uint64_t vaddr;          /* first virtual address */
	uint64_t size;           /* bytes */
	uint64_t phys;           /* physical address of vaddr (PRESENT,
				    PROTNONE, MIGRATION, HWPOISON, DEVICE);
				    the table's for TABLE_MISSING */
	uint64_t page_size;      /* bytes one entry maps */
	uint64_t nr_entries;     /* entries merged */
	unsigned level;
	enum mms_pte_kind kind;
	uint32_t attrs;          /* MMS_PTA_* of the leaf entries */
	uint32_t eff;            /* effective RW, USER, NX */
	unsigned pkey;
	unsigned swap_type;      /* of the first entry */
	uint64_t swap_offset;    /* of the first entry (offset, pfn, marker) */
	uint64_t raw;            /* the first entry */
};

enum {
	MMS_MAP_NONPRESENT = 1u << 0, /* report non-present, non-empty
					 entries (swap, migration ...) */
	MMS_MAP_HOLES      = 1u << 1, /* report empty ranges (MMS_PTE_NONE) */
	MMS_MAP_MERGE_VIRT = 1u << 2, /* merge runs of equal attributes even
					 when not physically contiguous, as
					 the kernel's ptdump does */
	MMS_MAP_NO_MERGE   = 1u << 3, /* one mapping per entry */
};

typedef struct mms_mapping_iter mms_mapping_iter;

/* Mappings of [start, last] (inclusive; the non-canonical hole is
 * skipped) under root (0: the kernel's), in address order.  Runs of
 * entries of one level, kind and attributes, contiguous virtually and
 * physically, are merged into one mapping.  Each table page is read once
 * per iteration at most. */
mms_error *mms_mapping_iter_new(mms_dump *dump, uint64_t root, uint64_t start,
				uint64_t last, unsigned flags,
				mms_mapping_iter **out);
/* *out is the next mapping (valid until the next call) or NULL at the end. */
mms_error *mms_mapping_iter_next(mms_mapping_iter *it,
				 const struct mms_mapping **out);
/* True when some table page was missing from the dump. */
bool mms_mapping_iter_partial(const mms_mapping_iter *it);
void mms_mapping_iter_free(mms_mapping_iter *it);

/* Calls fn for each mapping; a non-zero return stops the walk. */
typedef int (*mms_mapping_fn)(const struct mms_mapping *m, void *arg);
mms_error *mms_mappings(mms_dump *dump, uint64_t root, uint64_t start,
			uint64_t last, unsigned flags, mms_mapping_fn fn,
			void *arg);

/* Statistics over mappings, built with mms_pt_stats_add(). */
#define MMS_PT_STATS_COMBOS 64
struct mms_pt_stats {
	uint64_t entries[MMS_PT_MAX_LEVELS + 1];  /* present leaves by level */
	uint64_t bytes[MMS_PT_MAX_LEVELS + 1];
	uint64_t nonpresent[MMS_PTE_KIND_COUNT];  /* entries of each kind */
	uint64_t missing_tables, missing_bytes;
	struct {
		uint32_t attrs;                   /* RW USER PWT PCD PAT GLOBAL
						     NX, effective RW USER NX */
		uint64_t entries, bytes;
	} combos[MMS_PT_STATS_COMBOS];
	unsigned nr_combos;
	bool combos_overflow;
	uint64_t wx_pages;                        /* 4 KiB units, W and X */
	uint64_t first_wx;                        /* address, if wx_pages */
};
void mms_pt_stats_add(struct mms_pt_stats *stats, const struct mms_mapping *m);

/*
 * The kernel's own accounting of its direct map (x86-64: /proc/meminfo's
 * DirectMap4k, DirectMap2M, DirectMap1G), derived from the page tables:
 * the kernel counts mappings, not present pages, and three things make
 * its counters differ from a plain count of direct-map leaves:
 *  - splitting a 2 MiB page of the kernel image's own mapping counts as a
 *    direct-map split (set_memory.c: virt_addr_valid() holds there);
 *  - at boot, phys_pud_init()/phys_pmd_init() count a large page again
 *    each time a later step of init_mem_mapping() finds it mapped
 *    (simulated here from e820, max_pfn and page_size_mask);
 *  - a non-present direct-map entry (set_memory_np) is still counted.
 */
struct mms_direct_map {
	uint64_t leaves[MMS_PT_MAX_LEVELS + 1]; /* direct-map leaf entries
						   by level, non-present
						   ones included */
	uint64_t image_splits;        /* kernel-image 2 MiB pages now 4 KiB */
	bool boot_simulated;          /* e820 etc. were readable */
	uint64_t boot_counted[MMS_PT_MAX_LEVELS + 1]; /* what boot counted */
	uint64_t boot_leaves[MMS_PT_MAX_LEVELS + 1];  /* what boot mapped */
	int64_t pages[MMS_PT_MAX_LEVELS + 1]; /* the counters, as derived */
	bool counters_read;           /* direct_pages_count[] in the dump */
	uint64_t counters[MMS_PT_MAX_LEVELS + 1];
	bool partial;                 /* some table missing from the dump */
};
mms_error *mms_direct_map(mms_dump *dump, struct mms_direct_map *out);

/* Counters of the table cache, for tests and benchmarks. */
struct mms_pt_counters {
	uint64_t table_reads;    /* table pages read from the dump */
	uint64_t cache_hits;
	uint64_t missing;        /* table pages the dump lacks */
};
void mms_pt_counters(const mms_dump *dump, struct mms_pt_counters *out);

/* ---- address classification ----------------------------------------- */

enum mms_region {
	MMS_REGION_USER,
	MMS_REGION_NONCANONICAL,
	MMS_REGION_HYPERVISOR,    /* guard hole, reserved for a hypervisor */
	MMS_REGION_LDT_REMAP,
	MMS_REGION_DIRECT_MAP,
	MMS_REGION_VMALLOC,
	MMS_REGION_VMEMMAP,
	MMS_REGION_KASAN,
	MMS_REGION_CPU_ENTRY,
	MMS_REGION_ESPFIX,
	MMS_REGION_EFI,
	MMS_REGION_KERNEL_IMAGE,  /* kernel text, data, bss */
	MMS_REGION_MODULES,
	MMS_REGION_FIXMAP,
	MMS_REGION_VSYSCALL,
	MMS_REGION_HOLE,          /* unused kernel address space */
	MMS_REGION_COUNT
};
const char *mms_region_name(enum mms_region region);

struct mms_region_desc {
	uint64_t start, last;     /* inclusive */
	enum mms_region region;
	const char *marker;       /* the kernel ptdump's header starting at
				     start ("Low Kernel Mapping"), or NULL */
};
/* The address-space layout of this dump, in address order (KASLR bases
 * included); returns how many regions there are (fills at most max). */
unsigned mms_address_regions(mms_dump *dump, struct mms_region_desc *out,
			     unsigned max);

struct mms_addr_info {
	uint64_t vaddr;
	enum mms_region region;
	uint64_t region_start, region_last;
	const char *section;      /* kernel image: "text", "rodata", "data",
				     "init", "bss", or NULL */
	/* the translation through the page tables */
	bool translated;          /* false when the walk could not finish */
	struct mms_vtop_result vtop;
	uint64_t pfn;             /* of vtop.paddr when vtop.mapped */
	/* the direct map's linear answer, page_offset_base + paddr */
	bool linear;
	uint64_t linear_paddr;
	/* vmemmap: the struct page this address lies in */
	bool struct_page;
	uint64_t page_pfn;        /* whose struct page */
	uint64_t page_offset;     /* byte offset inside that struct page */
};
/* Which region vaddr lies in and where it leads (root 0: the kernel's
 * tables; give a process's root for user addresses).  Only a
 * non-canonical or unwalkable address leaves translated false; that is
 * not an error. */
mms_error *mms_addr_classify(mms_dump *dump, uint64_t root, uint64_t vaddr,
			     struct mms_addr_info *out);

/* ---- tasks ----------------------------------------------------------- */

#define MMS_TASK_COMM_LEN 16
enum { MMS_RSS_FILE, MMS_RSS_ANON, MMS_RSS_SWAP, MMS_RSS_SHMEM,
       MMS_RSS_COUNT };

struct mms_task {
	uint64_t addr;            /* struct task_struct */
	int pid, tgid;
	char comm[MMS_TASK_COMM_LEN];
	uint64_t mm;              /* struct mm_struct, 0 for kernel threads */
	uint64_t pgd;             /* mm->pgd (virtual) */
	uint64_t pgd_phys;        /* the root to walk */
	/* mm counters in pages (MM_FILEPAGES, MM_ANONPAGES, MM_SWAPENTS,
	 * MM_SHMEMPAGES) as get_mm_counter() reads them; rss_exact adds
	 * what is not folded in yet: the per-cpu deltas of a 6.2+
	 * percpu_counter, or (until 6.1) the thread-group leader's cached
	 * task_struct.rss_stat (other threads' are not added) */
	int64_t rss[MMS_RSS_COUNT];
	int64_t rss_exact[MMS_RSS_COUNT];
	unsigned nr_rss;          /* counters this kernel has */
	bool rss_known;
};

typedef struct mms_task_iter mms_task_iter;
/* Processes on init_task.tasks, init_task first.  Bounded: a list that
 * does not return to its head within 4M entries is an error. */
mms_error *mms_task_iter_new(mms_dump *dump, mms_task_iter **out);
/* *out is the next task (valid until the next call) or NULL at the end. */
mms_error *mms_task_iter_next(mms_task_iter *it, const struct mms_task **out);
void mms_task_iter_free(mms_task_iter *it);
/* The thread-group leader with this pid. */
mms_error *mms_task_find(mms_dump *dump, int pid, struct mms_task *out);

/* ---- type profiles --------------------------------------------------- */

/* Extracts from a debug vmlinux every fact the library takes from DWARF,
 * as a small text file keyed by build-id. */
mms_error *mms_profile_extract(const char *vmlinux, const char *out_path);

#ifdef __cplusplus
}
#endif
#endif
