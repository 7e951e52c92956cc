// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * x86-64 paging: 4 levels (48-bit) or 5 (57-bit, la57), 1 GiB leaves at
 * the PUD and 2 MiB at the PMD, the kernel's swap-entry format with its
 * special types (migration, hwpoison, device, marker), and the address
 * space layout of arch/x86 (Documentation/arch/x86/x86_64/mm.rst) with
 * the KASLR bases of the dump.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "pgtable.h"

#define X86_P      (1ULL << 0)
#define X86_RW     (1ULL << 1)
#define X86_US     (1ULL << 2)
#define X86_PWT    (1ULL << 3)
#define X86_PCD    (1ULL << 4)
#define X86_A      (1ULL << 5)
#define X86_D      (1ULL << 6)
#define X86_PSE    (1ULL << 7)   /* PAT in a 4 KiB PTE */
#define X86_G      (1ULL << 8)   /* PROTNONE when not present */
#define X86_PAT_LARGE (1ULL << 12)
#define X86_NX     (1ULL << 63)
#define X86_PHYS_MASK 0x000ffffffffff000ULL   /* bits 12-51 */

#define SWP_TYPE_BITS 5

static void x86_geometry(const struct mms_pt_cfg *cfg, struct mms_pt_geom *g)
{
	memset(g, 0, sizeof(*g));
	g->levels = cfg->levels == 5 ? 5 : 4;
	g->entry_size = 8;
	for (unsigned l = 1; l <= g->levels; l++) {
		g->shift[l] = 12 + 9 * (l - 1);
		g->bits[l] = 9;
	}
	g->va_bits = g->levels == 5 ? 57 : 48;
	g->sign_extended = true;
}

static const char *x86_level_name(const struct mms_pt_cfg *cfg,
				  unsigned level)
{
	static const char *const names[] = { "?", "PTE", "PMD", "PUD", "P4D",
					     "PGD" };
	/* with 4-level paging the P4D is folded into the PGD */
	if (level == 4 && cfg->levels != 5)
		return "PGD";
	return level <= 5 ? names[level] : "?";
}

static uint32_t present_attrs(uint64_t raw, unsigned level, bool leaf)
{
	uint32_t a = MMS_PTA_PRESENT;
	if (raw & X86_RW)
		a |= MMS_PTA_RW;
	if (raw & X86_US)
		a |= MMS_PTA_USER;
	if (raw & X86_PWT)
		a |= MMS_PTA_PWT;
	if (raw & X86_PCD)
		a |= MMS_PTA_PCD;
	if (raw & X86_A)
		a |= MMS_PTA_ACCESSED;
	if (raw & X86_NX)
		a |= MMS_PTA_NX;
	if (!leaf)
		return a;
	if (raw & X86_D)
		a |= MMS_PTA_DIRTY;
	if (raw & X86_G)
		a |= MMS_PTA_GLOBAL;
	if (level == 1) {
		if (raw & X86_PSE)
			a |= MMS_PTA_PAT;
	} else {
		a |= MMS_PTA_PSE;
		if (raw & X86_PAT_LARGE)
			a |= MMS_PTA_PAT;
	}
	return a;
}

/* 4.19's L1TF mitigation stores the page frame of a non-present entry
 * inverted, so that it points to no cacheable memory. */
static uint64_t nonpresent_frame(const struct mms_pt_cfg *cfg, uint64_t raw)
{
	if (cfg->swp_layout == MMS_SWP_X86_L1TF)
		raw = ~raw;
	return raw & X86_PHYS_MASK;
}

static void decode_swap(const struct mms_pt_cfg *cfg, uint64_t raw,
			struct mms_pt_entry *e)
{
	unsigned type;
	uint64_t offset;
	if (cfg->swp_layout == MMS_SWP_X86_L1TF) {
		type = (unsigned)(raw >> (64 - SWP_TYPE_BITS));
		offset = (~raw << SWP_TYPE_BITS) >> (9 + SWP_TYPE_BITS);
		/* bits 1-3 of a swap entry: soft-dirty, uffd-wp, exclusive */
		if (raw & (1ULL << 1))
			e->attrs |= MMS_PTA_SOFT_DIRTY;
		if (raw & (1ULL << 2))
			e->attrs |= MMS_PTA_UFFD_WP;
		if (raw & (1ULL << 3))
			e->attrs |= MMS_PTA_EXCLUSIVE;
	} else {
		type = (unsigned)(raw >> 9) & ((1u << SWP_TYPE_BITS) - 1);
		offset = raw >> (9 + SWP_TYPE_BITS);
		if (raw & X86_PSE)
			e->attrs |= MMS_PTA_SOFT_DIRTY;
	}
	e->swap_type = type;
	e->swap_offset = offset;
	if (type < cfg->max_swapfiles) {
		e->kind = MMS_PTE_SWAP;
		return;
	}
	/* the special types follow the swap files, in this order */
	unsigned t = type - cfg->max_swapfiles;
	uint64_t pfn_mask = cfg->swp_pfn_bits < 64
				    ? (1ULL << cfg->swp_pfn_bits) - 1 : ~0ULL;
	if (t < cfg->nr_hwpoison) {
		e->kind = MMS_PTE_HWPOISON;
		e->addr = (offset & pfn_mask) << 12;
		return;
	}
	t -= cfg->nr_hwpoison;
	if (t < cfg->nr_migration) {
		e->kind = MMS_PTE_MIGRATION;
		e->addr = (offset & pfn_mask) << 12;
		/* read, [read-exclusive (5.19),] write */
		if (t == cfg->nr_migration - 1)
			e->attrs |= MMS_PTA_MIG_WRITE;
		else if (t == 1)
			e->attrs |= MMS_PTA_MIG_READ_EXCLUSIVE;
		/* 6.1 keeps young and dirty above the pfn */
		if (cfg->swp_pfn_bits < 62) {
			if (offset & (1ULL << cfg->swp_pfn_bits))
				e->attrs |= MMS_PTA_ACCESSED;
			if (offset & (1ULL << (cfg->swp_pfn_bits + 1)))
				e->attrs |= MMS_PTA_DIRTY;
		}
		return;
	}
	t -= cfg->nr_migration;
	if (t < cfg->nr_device) {
		e->kind = MMS_PTE_DEVICE;
		e->addr = (offset & pfn_mask) << 12;
		return;
	}
	t -= cfg->nr_device;
	if (t < cfg->nr_marker + cfg->nr_swapin_error) {
		e->kind = MMS_PTE_MARKER;
		return;
	}
	e->kind = MMS_PTE_NONPRESENT;
}

static void x86_decode(const struct mms_pt_cfg *cfg, unsigned level,
		       uint64_t raw, struct mms_pt_entry *e)
{
	memset(e, 0, sizeof(*e));
	/* Accessed and Dirty may be set by hardware on a non-present
	 * entry (Knights Landing erratum): the kernel ignores them too */
	if (!(raw & ~(X86_A | X86_D))) {
		e->kind = MMS_PTE_NONE;
		return;
	}
	if (raw & X86_P) {
		bool leaf = level == 1 || ((level == 2 || level == 3) &&
					   (raw & X86_PSE));
		e->attrs = present_attrs(raw, level, leaf);
		if (!leaf) {
			e->kind = MMS_PTE_TABLE;
			e->addr = raw & X86_PHYS_MASK;
			return;
		}
		e->kind = MMS_PTE_PRESENT;
		uint64_t mask = X86_PHYS_MASK & ~((1ULL << (12 + 9 * (level - 1))) - 1);
		e->addr = raw & mask;
		e->pkey = (unsigned)(raw >> 59) & 0xf;
		return;
	}
	if (level >= 3) {
		e->kind = MMS_PTE_NONPRESENT;
		return;
	}
	/* PROT_NONE and NUMA-hinting entries keep the page (G marks them);
	 * a THP being split is a PMD with PSE but not P */
	if ((level == 1 && (raw & X86_G)) || (level == 2 && (raw & X86_PSE))) {
		e->kind = MMS_PTE_PROTNONE;
		e->attrs = present_attrs(raw, level, true) & ~MMS_PTA_PRESENT;
		uint64_t mask = X86_PHYS_MASK & ~((1ULL << (12 + 9 * (level - 1))) - 1);
		e->addr = nonpresent_frame(cfg, raw) & mask;
		return;
	}
	decode_swap(cfg, raw, e);
}

static bool has(struct mms_dump *d, const char *fmt, const char *name)
{
	char key[256];
	snprintf(key, sizeof(key), fmt, name);
	return mms_facts_get(d->facts, key) != NULL;
}

static mms_error *x86_configure(struct mms_dump *d, struct mms_pt_cfg *cfg)
{
	const struct mms_kernel *k = &d->k;
	memset(cfg, 0, sizeof(*cfg));
	cfg->levels = k->pgtable_levels == 5 ? 5 : 4;
	/* With the vmlinux symbol table, features are read from it; with
	 * VMCOREINFO alone, the newest layout is assumed. */
	bool symtab = has(d, "ELFSYM(%s)", "_text");
	cfg->swp_layout = !symtab || has(d, "ELFSYM(%s)", "l1tf_mitigation")
				  ? MMS_SWP_X86_L1TF : MMS_SWP_X86_PRE_L1TF;
	int64_t sz;
	/* swap_info[] has MAX_SWAPFILES entries: the first special type */
	cfg->max_swapfiles = mms_facts_num(d->facts, "SYMSIZE(swap_info)", &sz) &&
			     sz > 0 && sz / 8 <= 32 ? (unsigned)(sz / 8) : 27;
	cfg->nr_hwpoison = !symtab || has(d, "ELFSYM(%s)", "memory_failure");
	/* 5.19 added the read-exclusive migration type with PG_anon_exclusive */
	if (symtab && !has(d, "ELFSYM(%s)", "migrate_pages"))
		cfg->nr_migration = 0;
	else if (has(d, "NUMBER(%s)", "PG_anon_exclusive") ||
		 !has(d, "ENUM(%s)", "pageflags"))
		cfg->nr_migration = 3;
	else
		cfg->nr_migration = 2;
	unsigned used = cfg->max_swapfiles + cfg->nr_hwpoison + cfg->nr_migration;
	unsigned rest = used < 32 ? 32 - used : 0;
	bool device = has(d, "ELFSYM(%s)", "make_device_exclusive_range") ||
		      has(d, "ELFSYM(%s)", "make_device_exclusive");
	cfg->nr_device = device ? (rest > 4 ? 4 : rest) : 0;
	rest -= cfg->nr_device;
	cfg->nr_marker = rest ? 1 : 0;         /* 5.19+ */
	cfg->nr_swapin_error = rest > 1 ? 1 : 0;  /* 5.19-6.1 */
	int64_t mpb = k->max_physmem_bits > 0 ? k->max_physmem_bits
					      : (cfg->levels == 5 ? 52 : 46);
	cfg->swp_pfn_bits = (unsigned)(mpb - 12);
	return NULL;
}

static mms_error *x86_kernel_root(struct mms_dump *d, uint64_t *root)
{
	uint64_t v = d->k.sym_init_top_pgt;
	if (!v)
		v = mms_facts_symbol(d->vmcoreinfo, "init_level4_pgt");
	if (!v)
		v = mms_facts_symbol(d->vmcoreinfo, "swapper_pg_dir");
	if (!v)
		return mms_err(MMS_ERR_NOTFOUND, "%s: no init_top_pgt in the "
			       "type info or VMCOREINFO", d->path);
	return mms_kvaddr_to_phys(d, v, root);
}

/* ---- the address space ------------------------------------------------ */

/* The layout is painted: fixed regions first, then the dump's own bases
 * over them, so a base from another era (2.6's direct map at
 * 0xffff810000000000, below 4.15's LDT remap) still gives ordered,
 * disjoint regions; what nothing paints stays an unused hole. */
#define MAX_PAINT 64

struct layout {
	struct mms_region_desc r[MAX_PAINT];
	unsigned n;
};

static void paint(struct layout *l, uint64_t start, uint64_t last,
		  enum mms_region region, const char *marker)
{
	if (start > last)
		return;
	struct mms_region_desc out[MAX_PAINT];
	unsigned n = 0;
	bool placed = false;
	for (unsigned i = 0; i < l->n && n + 3 <= MAX_PAINT; i++) {
		struct mms_region_desc x = l->r[i];
		if (x.last < start || x.start > last) {
			if (!placed && x.start > last) {
				out[n++] = (struct mms_region_desc){ start, last,
								     region, marker };
				placed = true;
			}
			out[n++] = x;
			continue;
		}
		if (x.start < start) {          /* the part before */
			out[n] = x;
			out[n++].last = start - 1;
		}
		if (!placed) {
			out[n++] = (struct mms_region_desc){ start, last, region,
							     marker };
			placed = true;
		}
		if (x.last > last) {            /* the part after continues */
			out[n] = x;
			out[n].start = last + 1;
			out[n++].marker = NULL;
		}
	}
	if (!placed && n < MAX_PAINT)
		out[n++] = (struct mms_region_desc){ start, last, region, marker };
	memcpy(l->r, out, n * sizeof(*out));
	l->n = n;
}

#define TB (1ULL << 40)

static unsigned x86_regions(struct mms_dump *d, const struct mms_pt_cfg *cfg,
			    struct mms_region_desc *out, unsigned max)
{
	const struct mms_kernel *k = &d->k;
	bool l5 = cfg->levels == 5;
	unsigned pgdir_shift = l5 ? 48 : 39;
	uint64_t user_top = 1ULL << (l5 ? 56 : 47);
	uint64_t kernel_start = ~(user_top - 1);
	uint64_t ldt = (uint64_t)-240 << pgdir_shift;       /* LDT_PGD_ENTRY */
	/* KASLR bases; the fixed layout's when unknown */
	uint64_t pob = k->page_offset_base ? k->page_offset_base
		: (l5 ? 0xff11000000000000ULL : 0xffff888000000000ULL);
	uint64_t vmalloc = k->vmalloc_base ? k->vmalloc_base
		: (l5 ? 0xffa0000000000000ULL : 0xffffc90000000000ULL);
	uint64_t vmemmap = k->vmemmap_base ? k->vmemmap_base
		: (l5 ? 0xffd4000000000000ULL : 0xffffea0000000000ULL);
	uint64_t vmalloc_size = (l5 ? 12800 : 32) * TB;   /* VMALLOC_SIZE_TB */
	uint64_t vmemmap_size = l5 ? 1ULL << 49 : TB;
	uint64_t cpu_entry = 0xfffffe0000000000ULL;
	uint64_t kimage = MMS_X86_START_KERNEL_MAP;
	uint64_t kimage_size = k->kernel_image_size > 0
		? (uint64_t)k->kernel_image_size : 1ULL << 30;
	uint64_t modules_end = 0xffffffffff000000ULL;
	uint64_t fixaddr_top = 0xffffffffff7ff000ULL;
	uint64_t fixaddr_start = modules_end;
	int64_t nfix = mms_facts_number(d->facts,
					"__end_of_permanent_fixed_addresses");
	if (nfix > 0 && fixaddr_top - ((uint64_t)nfix << 12) > modules_end)
		fixaddr_start = fixaddr_top - ((uint64_t)nfix << 12);
	bool kasan = has(d, "ELFSYM(%s)", "kasan_early_shadow_page");

	struct layout l = { .n = 0 };
	paint(&l, 0, ~0ULL, MMS_REGION_HOLE, NULL);
	paint(&l, 0, user_top - 1, MMS_REGION_USER, "User Space");
	paint(&l, user_top, kernel_start - 1, MMS_REGION_NONCANONICAL, NULL);
	/* fixed regions */
	paint(&l, kernel_start, ldt - 1, MMS_REGION_HYPERVISOR, "Kernel Space");
	paint(&l, ldt, ldt + (1ULL << pgdir_shift) - 1, MMS_REGION_LDT_REMAP,
	      "LDT remap");
	if (kasan) {
		paint(&l, l5 ? 0xffdf000000000000ULL : 0xffffec0000000000ULL,
		      0xfffffbffffffffffULL, MMS_REGION_KASAN, "KASAN shadow");
		paint(&l, 0xfffffc0000000000ULL, cpu_entry - 1, MMS_REGION_HOLE,
		      "KASAN shadow end");
	}
	paint(&l, cpu_entry, cpu_entry + TB / 2 - 1, MMS_REGION_CPU_ENTRY,
	      "CPU entry Area");
	paint(&l, 0xffffff0000000000ULL, 0xffffff7fffffffffULL,
	      MMS_REGION_ESPFIX, "ESPfix Area");
	paint(&l, 0xffffffef00000000ULL, 0xfffffffeffffffffULL, MMS_REGION_EFI,
	      "EFI Runtime Services");
	paint(&l, kimage, kimage + kimage_size - 1, MMS_REGION_KERNEL_IMAGE,
	      "High Kernel Mapping");
	paint(&l, kimage + kimage_size, modules_end - 1, MMS_REGION_MODULES,
	      "Modules");
	paint(&l, modules_end, fixaddr_start - 1, MMS_REGION_HOLE,
	      "End Modules");
	paint(&l, fixaddr_start, fixaddr_top + 0xfff, MMS_REGION_FIXMAP,
	      fixaddr_start == modules_end ? "End Modules" : "Fixmap Area");
	paint(&l, 0xffffffffff600000ULL, 0xffffffffff600fffULL,
	      MMS_REGION_VSYSCALL, NULL);
	/* the dump's bases, over the fixed layout; the struct page array
	 * wins where a base lies inside another's nominal size */
	paint(&l, vmalloc, vmalloc + vmalloc_size - 1, MMS_REGION_VMALLOC,
	      "vmalloc() Area");
	paint(&l, vmemmap, vmemmap + vmemmap_size - 1, MMS_REGION_VMEMMAP,
	      "Vmemmap");
	/* the direct map's region ends where the next base starts */
	uint64_t dm_last = vmalloc > pob ? vmalloc - 1 : pob + 64 * TB - 1;
	if (vmemmap > pob && vmemmap - 1 < dm_last)
		dm_last = vmemmap - 1;
	paint(&l, pob, dm_last, MMS_REGION_DIRECT_MAP, "Low Kernel Mapping");
	for (unsigned i = 0; i < l.n && i < max; i++)
		out[i] = l.r[i];
	return l.n;
}

const struct mms_arch_ops mms_arch_x86_64 = {
	.name = "x86_64",
	.configure = x86_configure,
	.geometry = x86_geometry,
	.decode = x86_decode,
	.level_name = x86_level_name,
	.kernel_root = x86_kernel_root,
	.regions = x86_regions,
	.direct_map = mms_x86_64_direct_map,
};
