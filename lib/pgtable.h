/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The page-table walker and the per-architecture ops behind it.  The
 * generic walker (pgtable.c) knows levels, index bits and a cache of
 * table pages; each architecture (arch_x86_64.c; later aarch64, i386 PAE)
 * says how many levels there are, how big each table is, what one entry
 * means, and how the address space is laid out.
 */
#ifndef MMS_PGTABLE_H
#define MMS_PGTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmscope.h"

struct mms_dump;

/* Where swap-format entries put type and offset. */
enum mms_swp_layout {
	MMS_SWP_X86_L1TF,     /* 4.19+ (L1TF): type in bits 59-63, offset
				 inverted in bits 9-58 */
	MMS_SWP_X86_PRE_L1TF, /* 4.6-4.18: type in bits 9-13, offset 14-63 */
};

/* Everything the walker needs to know about one kernel's paging,
 * resolved once.  Tests fill it by hand. */
struct mms_pt_cfg {
	unsigned levels;              /* tables walked: 4 or 5 on x86-64 */
	enum mms_swp_layout swp_layout;
	/* swap types at and above max_swapfiles are special entries, in
	 * the kernel's order: hwpoison, migration (read, read-exclusive,
	 * write), device, PTE marker, swapin error (5.19-6.1) */
	unsigned max_swapfiles;
	unsigned nr_hwpoison, nr_migration, nr_device, nr_marker,
		 nr_swapin_error;
	unsigned swp_pfn_bits;        /* MAX_PHYSMEM_BITS - PAGE_SHIFT */
};

/* One entry decoded. */
struct mms_pt_entry {
	enum mms_pte_kind kind;
	uint64_t addr;                /* next table, or the page's base */
	uint32_t attrs;               /* MMS_PTA_* */
	unsigned pkey;
	unsigned swap_type;
	uint64_t swap_offset;
};

struct mms_pt_geom {
	unsigned levels;
	unsigned entry_size;                    /* bytes */
	unsigned shift[MMS_PT_MAX_LEVELS + 1];  /* log2 bytes an entry maps */
	unsigned bits[MMS_PT_MAX_LEVELS + 1];   /* index bits of a table */
	unsigned va_bits;                       /* translated width */
	bool sign_extended;     /* the upper half is the top bits' copies
				   (x86-64, aarch64); else addresses are
				   below 2^va_bits (i386) */
};

struct mms_arch_ops {
	const char *name;
	/* Resolves cfg from the dump's facts (dump may be NULL in tests:
	 * then cfg is already filled). */
	mms_error *(*configure)(struct mms_dump *d, struct mms_pt_cfg *cfg);
	void (*geometry)(const struct mms_pt_cfg *cfg, struct mms_pt_geom *g);
	void (*decode)(const struct mms_pt_cfg *cfg, unsigned level,
		       uint64_t raw, struct mms_pt_entry *out);
	const char *(*level_name)(const struct mms_pt_cfg *cfg, unsigned level);
	mms_error *(*kernel_root)(struct mms_dump *d, uint64_t *root);
	/* The address-space layout, in address order. */
	unsigned (*regions)(struct mms_dump *d, const struct mms_pt_cfg *cfg,
			    struct mms_region_desc *out, unsigned max);
	/* The kernel's direct-map accounting; NULL if it keeps none. */
	mms_error *(*direct_map)(struct mms_dump *d, struct mms_direct_map *out);
};

extern const struct mms_arch_ops mms_arch_x86_64;
mms_error *mms_x86_64_direct_map(struct mms_dump *d,
				 struct mms_direct_map *out);

/* Reads a table: MMS_ERR_NODATA, without reading, when the page is not
 * in the dump. */
struct mms_pt_source {
	mms_error *(*read)(void *arg, uint64_t paddr, void *buf, size_t len);
	/* optional: false when the page holding paddr is not in the dump */
	bool (*present)(void *arg, uint64_t paddr);
	void *arg;
};

struct mms_pgtable;

/* A walker over any source (tests: tables in memory). */
mms_error *mms_pgtable_new(const struct mms_arch_ops *ops,
			   const struct mms_pt_cfg *cfg,
			   const struct mms_pt_source *src,
			   struct mms_pgtable **out);
void mms_pgtable_free(struct mms_pgtable *pt);
/* The dump's walker, made on first use. */
mms_error *mms_dump_pgtable(struct mms_dump *d, struct mms_pgtable **out);

const struct mms_pt_cfg *mms_pgtable_cfg(const struct mms_pgtable *pt);
const struct mms_pt_geom *mms_pgtable_geom(const struct mms_pgtable *pt);
const struct mms_arch_ops *mms_pgtable_ops(const struct mms_pgtable *pt);
void mms_pgtable_counters(const struct mms_pgtable *pt,
			  struct mms_pt_counters *out);

/* The walker's core, on a walker rather than a dump. */
mms_error *mms_pt_vtop(struct mms_pgtable *pt, uint64_t root, uint64_t vaddr,
		       struct mms_vtop_result *res);
mms_error *mms_pt_iter_new(struct mms_pgtable *pt, uint64_t root,
			   uint64_t start, uint64_t last, unsigned flags,
			   mms_mapping_iter **out);

#endif
