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

/* ---- type profiles --------------------------------------------------- */

/* Extracts from a debug vmlinux every fact the library takes from DWARF,
 * as a small text file keyed by build-id. */
mms_error *mms_profile_extract(const char *vmlinux, const char *out_path);

#ifdef __cplusplus
}
#endif
#endif
