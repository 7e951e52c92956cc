// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The page-table walker on tables built here in memory, with known
 * answers: every level, 1 GiB and 2 MiB leaves, each attribute bit, the
 * effective permissions, every non-present kind (PROT_NONE with L1TF
 * inversion, swap, migration read / read-exclusive / write, hwpoison,
 * device, marker, a PMD-level migration entry, a THP being split), a
 * table the "dump" lacks, a table pointing back at the root, 4 and 5
 * levels, both swap layouts, merging, and the cache reading each table
 * once.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "pgtable.h"

static int failures, checks;

#define CHECK(cond, ...)                                                  \
	do {                                                              \
		checks++;                                                 \
		if (!(cond)) {                                            \
			failures++;                                       \
			printf("FAIL %s:%d: ", __FILE__, __LINE__);       \
			printf(__VA_ARGS__);                              \
			printf("\n");                                     \
		}                                                         \
	} while (0)

/* ---- a tiny physical memory ----------------------------------------- */

#define NPAGES 64
#define PHYS_BASE 0x100000ULL   /* table page i lives at PHYS_BASE + i*4K */

static uint64_t mem[NPAGES][512];
static bool missing[NPAGES];
static unsigned reads[NPAGES];

static uint64_t pg(unsigned i) { return PHYS_BASE + (uint64_t)i * 4096; }

static int page_of(uint64_t paddr)
{
	if (paddr < PHYS_BASE || paddr >= PHYS_BASE + NPAGES * 4096ULL)
		return -1;
	return (int)((paddr - PHYS_BASE) / 4096);
}

static bool mem_present(void *arg, uint64_t paddr)
{
	(void)arg;
	int i = page_of(paddr);
	return i >= 0 && !missing[i];
}

static mms_error *mem_read(void *arg, uint64_t paddr, void *buf, size_t len)
{
	(void)arg;
	int i = page_of(paddr);
	if (i < 0 || missing[i] || (paddr & 4095) + len > 4096) {
		/* the walker must not ask: present() said no */
		failures++;
		printf("FAIL: read of 0x%" PRIx64 " (%zu bytes)\n", paddr, len);
		return mms_err(MMS_ERR_NODATA, "not in memory");
	}
	reads[i]++;
	memcpy(buf, (const char *)mem[i] + (paddr & 4095), len);
	return NULL;
}

/* ---- x86-64 entries --------------------------------------------------- */

#define P    (1ULL << 0)
#define RW   (1ULL << 1)
#define US   (1ULL << 2)
#define PWT  (1ULL << 3)
#define PCD  (1ULL << 4)
#define ACC  (1ULL << 5)
#define DRT  (1ULL << 6)
#define PSE  (1ULL << 7)
#define GLB  (1ULL << 8)
#define PATL (1ULL << 12)
#define NX   (1ULL << 63)
#define TBL  (P | RW | US | ACC)

/* 4.19+: type in bits 59-63, offset inverted in 9-58 */
static uint64_t swp_l1tf(unsigned type, uint64_t offset)
{
	return (~offset << 14 >> 5) | ((uint64_t)type << 59);
}

/* 4.6-4.18: type in 9-13, offset from 14 */
static uint64_t swp_old(unsigned type, uint64_t offset)
{
	return ((uint64_t)type << 9) | (offset << 14);
}

enum {
	T_PAE = NPAGES - 2, T_PAE_PMD = NPAGES - 1,
};

enum {
	T_PGD, T_PUD_A, T_PMD_B, T_PTE_C, T_PMD_D_MISSING, T_PUD_E, T_PMD_F,
	T_PGD_MISSING_PUD, T_P5, T_P4D_HI,
};

static const struct mms_pt_cfg cfg4 = {
	.levels = 4, .swp_layout = MMS_SWP_X86_L1TF, .max_swapfiles = 26,
	.nr_hwpoison = 1, .nr_migration = 3, .nr_device = 1, .nr_marker = 1,
	.swp_pfn_bits = 34,
};

#define USER_A 0x0000000000000000ULL          /* PGD[0] */
#define PMD_B_VA (1ULL << 30)                  /* PUD A[1] */
#define PTE_C_VA (PMD_B_VA + 3 * (2ULL << 20)) /* PMD B[3] */
#define KTEXT 0xffffffff80000000ULL            /* PGD[511] PUD[510] */

static void build(void)
{
	memset(mem, 0, sizeof(mem));
	memset(missing, 0, sizeof(missing));
	uint64_t *pgd = mem[T_PGD], *a = mem[T_PUD_A], *b = mem[T_PMD_B],
		 *c = mem[T_PTE_C], *e = mem[T_PUD_E], *f = mem[T_PMD_F];
	pgd[0] = pg(T_PUD_A) | TBL;
	pgd[1] = pg(T_PGD) | TBL;                  /* loops back to the root */
	pgd[256] = pg(T_PGD_MISSING_PUD) | TBL;    /* kernel half, not in dump */
	missing[T_PGD_MISSING_PUD] = true;
	pgd[511] = pg(T_PUD_E) | TBL;

	/* 1 GiB leaf: every large-page bit */
	a[0] = 0x40000000ULL | P | RW | US | PWT | PCD | ACC | DRT | PSE | GLB |
	       PATL | NX | (5ULL << 59);
	/* the table entry takes RW away, keeps USER */
	a[1] = pg(T_PMD_B) | P | US | ACC;
	a[2] = 0x1234000ULL;                       /* non-present PUD value */

	b[0] = 0x200000ULL | P | RW | US | PWT | PSE | ACC | DRT;
	b[1] = 0x400000ULL | P | RW | US | PWT | PSE | ACC | DRT; /* merges */
	b[2] = 0x800000ULL | P | RW | US | PWT | PSE | ACC | DRT; /* not contig */
	b[3] = pg(T_PTE_C) | P | RW | US | ACC | NX;  /* NX from the table */
	b[4] = (~(0x600000ULL) & 0x000ffffffffff000ULL) | PSE | RW | US;
						   /* THP split: PSE, no P */
	b[5] = swp_l1tf(28, 0x5400);               /* PMD migration, read-excl */
	b[6] = pg(T_PMD_D_MISSING) | TBL;
	missing[T_PMD_D_MISSING] = true;

	/* one 4 KiB page per attribute combination */
	c[0] = 0x1000000ULL | P;
	c[1] = 0x1001000ULL | P | RW | US;
	c[2] = 0x1002000ULL | P | RW | US | ACC | DRT;
	c[3] = 0x1003000ULL | P | PWT | PCD | PSE /* PAT */ | GLB | NX |
	       (9ULL << 59);
	/* PROT_NONE: G, no P, frame inverted (L1TF) */
	c[4] = (~(0x2345000ULL) & 0x000ffffffffff000ULL) | GLB | RW | US | ACC;
	c[5] = swp_l1tf(2, 0x1234) | (1ULL << 1) /* soft-dirty */;
	c[6] = swp_l1tf(2, 0x1235) | (1ULL << 1);  /* merges with c[5] */
	c[7] = swp_l1tf(27, 0x777);                /* migration read */
	c[8] = swp_l1tf(28, 0x778) | (1ULL << 3);  /* read-exclusive, excl */
	c[9] = swp_l1tf(29, 0x779 | (3ULL << 34)); /* write, young, dirty */
	c[10] = swp_l1tf(26, 0x999);               /* hwpoison */
	c[11] = swp_l1tf(30, 0xaaa);               /* device */
	c[12] = swp_l1tf(31, 1) | (1ULL << 2);     /* marker: uffd-wp */
	c[13] = ACC | DRT;                         /* erratum bits: none */
	c[14] = 0x1010000ULL | P | RW;
	c[15] = 0x1011000ULL | P | RW;             /* merges with c[14] */

	/* kernel text: ro+X, then a W+X page, then RW+NX */
	e[510] = pg(T_PMD_F) | TBL;
	f[0] = 0x3000000ULL | P | PSE | GLB | ACC;
	f[1] = 0x3200000ULL | P | RW | PSE | GLB | ACC | DRT;
	f[2] = 0x3400000ULL | P | RW | PSE | GLB | ACC | DRT | NX;

	/* 5 levels: a top table above the same tree */
	mem[T_P5][0] = pg(T_PGD) | TBL;
	mem[T_P5][511] = pg(T_P4D_HI) | TBL;
	mem[T_P4D_HI][511] = pg(T_PUD_E) | TBL;
}

static struct mms_pgtable *walker(const struct mms_pt_cfg *cfg)
{
	struct mms_pt_source src = { mem_read, mem_present, NULL };
	struct mms_pgtable *pt;
	mms_error *err = mms_pgtable_new(&mms_arch_x86_64, cfg, &src, &pt);
	if (err) {
		printf("FAIL: mms_pgtable_new: %s\n", mms_error_message(err));
		exit(1);
	}
	return pt;
}

/* ---- vtop ------------------------------------------------------------- */

static void vtop_case(struct mms_pgtable *pt, uint64_t root, uint64_t va,
		      enum mms_pte_kind kind, unsigned level, uint64_t paddr,
		      uint32_t attrs_set, uint32_t eff, unsigned nsteps)
{
	struct mms_vtop_result r;
	mms_error *err = mms_pt_vtop(pt, root, va, &r);
	CHECK(!err, "vtop 0x%" PRIx64 ": %s", va, mms_error_message(err));
	mms_error_free(err);
	CHECK(r.kind == kind, "vtop 0x%" PRIx64 ": kind %s, want %s", va,
	      mms_pte_kind_name(r.kind), mms_pte_kind_name(kind));
	CHECK(r.level == level, "vtop 0x%" PRIx64 ": level %u, want %u", va,
	      r.level, level);
	CHECK(r.paddr == paddr, "vtop 0x%" PRIx64 ": paddr 0x%" PRIx64
	      ", want 0x%" PRIx64, va, r.paddr, paddr);
	CHECK((r.attrs & attrs_set) == attrs_set, "vtop 0x%" PRIx64
	      ": attrs 0x%x lack 0x%x", va, r.attrs, attrs_set);
	if (kind == MMS_PTE_PRESENT)
		CHECK(r.eff == eff, "vtop 0x%" PRIx64 ": eff 0x%x, want 0x%x",
		      va, r.eff, eff);
	CHECK(r.nr_steps == nsteps, "vtop 0x%" PRIx64 ": %u steps, want %u",
	      va, r.nr_steps, nsteps);
	CHECK(r.mapped == (kind == MMS_PTE_PRESENT), "vtop 0x%" PRIx64
	      ": mapped", va);
}

static void test_vtop(unsigned levels)
{
	struct mms_pt_cfg cfg = cfg4;
	cfg.levels = levels;
	struct mms_pgtable *pt = walker(&cfg);
	uint64_t root = levels == 5 ? pg(T_P5) : pg(T_PGD);
	unsigned x = levels - 4;   /* one more step with 5 levels */
	const uint32_t ALL = MMS_PTA_RW | MMS_PTA_USER;

	/* 1 GiB */
	vtop_case(pt, root, 0x12345678, MMS_PTE_PRESENT, 3, 0x52345678,
		  MMS_PTA_PRESENT | MMS_PTA_RW | MMS_PTA_USER | MMS_PTA_PWT |
		  MMS_PTA_PCD | MMS_PTA_ACCESSED | MMS_PTA_DIRTY | MMS_PTA_PSE |
		  MMS_PTA_GLOBAL | MMS_PTA_PAT | MMS_PTA_NX,
		  ALL | MMS_PTA_NX, 2 + x);
	struct mms_vtop_result r;
	mms_error_free(mms_pt_vtop(pt, root, 0x12345678, &r));
	CHECK(r.pkey == 5, "pkey %u", r.pkey);
	CHECK(r.page_size == 1ULL << 30, "1G page size");
	/* 2 MiB: RW taken away by the PUD entry */
	vtop_case(pt, root, PMD_B_VA + 0x1234, MMS_PTE_PRESENT, 2,
		  0x201234, MMS_PTA_RW | MMS_PTA_PWT | MMS_PTA_PSE,
		  MMS_PTA_USER, 3 + x);
	/* 4 KiB, each combination; NX comes from the PMD entry */
	vtop_case(pt, root, PTE_C_VA + 0x10, MMS_PTE_PRESENT, 1, 0x1000010,
		  MMS_PTA_PRESENT, MMS_PTA_NX, 4 + x);
	vtop_case(pt, root, PTE_C_VA + 0x3008, MMS_PTE_PRESENT, 1, 0x1003008,
		  MMS_PTA_PWT | MMS_PTA_PCD | MMS_PTA_PAT | MMS_PTA_GLOBAL |
		  MMS_PTA_NX, MMS_PTA_NX, 4 + x);
	mms_error_free(mms_pt_vtop(pt, root, PTE_C_VA + 0x3000, &r));
	CHECK(r.pkey == 9 && !(r.attrs & MMS_PTA_PSE), "4K PAT bit is bit 7, "
	      "pkey %u", r.pkey);
	/* non-present kinds */
	vtop_case(pt, root, PTE_C_VA + 0x4000 + 5, MMS_PTE_PROTNONE, 1,
		  0x2345005, MMS_PTA_RW, 0, 4 + x);
	vtop_case(pt, root, PTE_C_VA + 0x5000, MMS_PTE_SWAP, 1, 0,
		  MMS_PTA_SOFT_DIRTY, 0, 4 + x);
	mms_error_free(mms_pt_vtop(pt, root, PTE_C_VA + 0x5000, &r));
	CHECK(r.swap_type == 2 && r.swap_offset == 0x1234,
	      "swap type %u offset 0x%" PRIx64, r.swap_type, r.swap_offset);
	vtop_case(pt, root, PTE_C_VA + 0x7000, MMS_PTE_MIGRATION, 1,
		  0x777000, 0, 0, 4 + x);
	vtop_case(pt, root, PTE_C_VA + 0x8000, MMS_PTE_MIGRATION, 1,
		  0x778000, MMS_PTA_MIG_READ_EXCLUSIVE | MMS_PTA_EXCLUSIVE, 0,
		  4 + x);
	vtop_case(pt, root, PTE_C_VA + 0x9000, MMS_PTE_MIGRATION, 1,
		  0x779000, MMS_PTA_MIG_WRITE | MMS_PTA_ACCESSED |
		  MMS_PTA_DIRTY, 0, 4 + x);
	vtop_case(pt, root, PTE_C_VA + 0xa000, MMS_PTE_HWPOISON, 1, 0x999000,
		  0, 0, 4 + x);
	vtop_case(pt, root, PTE_C_VA + 0xb000, MMS_PTE_DEVICE, 1, 0xaaa000,
		  0, 0, 4 + x);
	vtop_case(pt, root, PTE_C_VA + 0xc000, MMS_PTE_MARKER, 1, 0,
		  MMS_PTA_UFFD_WP, 0, 4 + x);
	vtop_case(pt, root, PTE_C_VA + 0xd000, MMS_PTE_NONE, 1, 0, 0, 0, 4 + x);
	vtop_case(pt, root, PTE_C_VA + 0x10000, MMS_PTE_NONE, 1, 0, 0, 0,
		  4 + x);
	/* PMD level: a THP being split, a THP migration entry */
	vtop_case(pt, root, PMD_B_VA + 4 * (2ULL << 20) + 0x1234,
		  MMS_PTE_PROTNONE, 2, 0x601234, MMS_PTA_PSE, 0, 3 + x);
	vtop_case(pt, root, PMD_B_VA + 5 * (2ULL << 20) + 0x3000,
		  MMS_PTE_MIGRATION, 2, 0x5403000, MMS_PTA_MIG_READ_EXCLUSIVE,
		  0, 3 + x);
	/* PUD level garbage, an empty PGD entry */
	vtop_case(pt, root, 2ULL << 30, MMS_PTE_NONPRESENT, 3, 0, 0, 0, 2 + x);
	vtop_case(pt, root, 2ULL << 39, MMS_PTE_NONE, 4, 0, 0, 0, 1 + x);
	/* kernel text: ro+x, W+X, RW+NX; global */
	vtop_case(pt, root, KTEXT + 0x42, MMS_PTE_PRESENT, 2, 0x3000042,
		  MMS_PTA_GLOBAL, 0, 3 + x);
	vtop_case(pt, root, KTEXT + (2 << 20), MMS_PTE_PRESENT, 2, 0x3200000,
		  MMS_PTA_RW, MMS_PTA_RW, 3 + x);

	/* a missing table is an error naming it, with the steps so far */
	mms_error *err = mms_pt_vtop(pt, root, PMD_B_VA + 6 * (2ULL << 20), &r);
	CHECK(err && mms_error_code(err) == MMS_ERR_NODATA &&
	      strstr(mms_error_message(err), "PTE table at 0x104000"),
	      "missing table: %s", mms_error_message(err));
	CHECK(r.nr_steps == 3 + x && r.kind == MMS_PTE_TABLE_MISSING,
	      "missing table steps %u", r.nr_steps);
	mms_error_free(err);
	reads[T_PMD_D_MISSING] = 0;
	/* non-canonical */
	err = mms_pt_vtop(pt, root, levels == 5 ? 1ULL << 57 : 1ULL << 47, &r);
	CHECK(err && mms_error_code(err) == MMS_ERR_INVALID, "non-canonical");
	mms_error_free(err);
	/* the table that points back at the root: bounded by the levels */
	err = mms_pt_vtop(pt, root, (1ULL << 39) + 0x1000, &r);
	CHECK(r.nr_steps <= levels, "loop: %u steps", r.nr_steps);
	mms_error_free(err);
	CHECK(!reads[T_PMD_D_MISSING] && !reads[T_PGD_MISSING_PUD],
	      "a missing page was read");
	mms_pgtable_free(pt);
}

/* ---- mapping iteration ---------------------------------------------- */

struct want {
	uint64_t vaddr, size;
	enum mms_pte_kind kind;
	unsigned level;
	uint64_t phys;
	uint64_t nr_entries;
};

static void iter_case(struct mms_pgtable *pt, uint64_t root, uint64_t start,
		      uint64_t last, unsigned flags, const struct want *w,
		      size_t nw, bool partial, const char *what)
{
	mms_mapping_iter *it;
	mms_error *err = mms_pt_iter_new(pt, root, start, last, flags, &it);
	CHECK(!err, "%s: %s", what, mms_error_message(err));
	if (err) {
		mms_error_free(err);
		return;
	}
	size_t i = 0;
	for (;; i++) {
		const struct mms_mapping *m;
		err = mms_mapping_iter_next(it, &m);
		CHECK(!err, "%s: %s", what, mms_error_message(err));
		mms_error_free(err);
		if (err || !m)
			break;
		if (i >= nw) {
			CHECK(false, "%s: extra mapping 0x%" PRIx64 " %s", what,
			      m->vaddr, mms_pte_kind_name(m->kind));
			continue;
		}
		CHECK(m->vaddr == w[i].vaddr && m->size == w[i].size &&
		      m->kind == w[i].kind && m->level == w[i].level &&
		      m->phys == w[i].phys && m->nr_entries == w[i].nr_entries,
		      "%s #%zu: got 0x%" PRIx64 "+0x%" PRIx64 " %s L%u phys 0x%"
		      PRIx64 " n%" PRIu64 ", want 0x%" PRIx64 "+0x%" PRIx64
		      " %s L%u phys 0x%" PRIx64 " n%" PRIu64, what, i, m->vaddr,
		      m->size, mms_pte_kind_name(m->kind), m->level, m->phys,
		      m->nr_entries, w[i].vaddr, w[i].size,
		      mms_pte_kind_name(w[i].kind), w[i].level, w[i].phys,
		      w[i].nr_entries);
	}
	CHECK(i == nw, "%s: %zu mappings, want %zu", what, i, nw);
	CHECK(mms_mapping_iter_partial(it) == partial, "%s: partial", what);
	mms_mapping_iter_free(it);
}

#define K4 0x1000ULL
#define M2 (2ULL << 20)
#define G1 (1ULL << 30)

static void test_iter(unsigned levels)
{
	struct mms_pt_cfg cfg = cfg4;
	cfg.levels = levels;
	struct mms_pgtable *pt = walker(&cfg);
	uint64_t root = levels == 5 ? pg(T_P5) : pg(T_PGD);
	char what[64];

	/* user space up to the looping PGD entry */
	const struct want user[] = {
		{ 0, G1, MMS_PTE_PRESENT, 3, 0x40000000, 1 },
		{ PMD_B_VA, 2 * M2, MMS_PTE_PRESENT, 2, 0x200000, 2 },
		{ PMD_B_VA + 2 * M2, M2, MMS_PTE_PRESENT, 2, 0x800000, 1 },
		{ PTE_C_VA, K4, MMS_PTE_PRESENT, 1, 0x1000000, 1 },
		{ PTE_C_VA + K4, K4, MMS_PTE_PRESENT, 1, 0x1001000, 1 },
		{ PTE_C_VA + 2 * K4, K4, MMS_PTE_PRESENT, 1, 0x1002000, 1 },
		{ PTE_C_VA + 3 * K4, K4, MMS_PTE_PRESENT, 1, 0x1003000, 1 },
		{ PTE_C_VA + 4 * K4, K4, MMS_PTE_PROTNONE, 1, 0x2345000, 1 },
		{ PTE_C_VA + 5 * K4, 2 * K4, MMS_PTE_SWAP, 1, 0, 2 },
		{ PTE_C_VA + 7 * K4, K4, MMS_PTE_MIGRATION, 1, 0x777000, 1 },
		{ PTE_C_VA + 8 * K4, K4, MMS_PTE_MIGRATION, 1, 0x778000, 1 },
		{ PTE_C_VA + 9 * K4, K4, MMS_PTE_MIGRATION, 1, 0x779000, 1 },
		{ PTE_C_VA + 10 * K4, K4, MMS_PTE_HWPOISON, 1, 0x999000, 1 },
		{ PTE_C_VA + 11 * K4, K4, MMS_PTE_DEVICE, 1, 0xaaa000, 1 },
		{ PTE_C_VA + 12 * K4, K4, MMS_PTE_MARKER, 1, 0, 1 },
		{ PTE_C_VA + 14 * K4, 2 * K4, MMS_PTE_PRESENT, 1, 0x1010000, 2 },
		{ PMD_B_VA + 4 * M2, M2, MMS_PTE_PROTNONE, 2, 0x600000, 1 },
		{ PMD_B_VA + 5 * M2, M2, MMS_PTE_MIGRATION, 2, 0x5400000, 1 },
		{ PMD_B_VA + 6 * M2, M2, MMS_PTE_TABLE_MISSING, 1,
		  pg(T_PMD_D_MISSING), 1 },
		{ 2 * G1, G1, MMS_PTE_NONPRESENT, 3, 0, 1 },
	};
	snprintf(what, sizeof(what), "user, %u levels", levels);
	iter_case(pt, root, 0, (1ULL << 39) - 1, MMS_MAP_NONPRESENT, user,
		  sizeof(user) / sizeof(user[0]), true, what);

	/* present only; merging on virtual contiguity alone */
	const struct want virt[] = {
		{ 0, G1, MMS_PTE_PRESENT, 3, 0x40000000, 1 },
		{ PMD_B_VA, 3 * M2, MMS_PTE_PRESENT, 2, 0x200000, 3 },
	};
	snprintf(what, sizeof(what), "merge-virt, %u levels", levels);
	iter_case(pt, root, 0, PTE_C_VA - 1, MMS_MAP_MERGE_VIRT, virt, 2,
		  false, what);

	/* a range starting inside a 2 MiB page: clipped, phys moved */
	const struct want clip[] = {
		{ PMD_B_VA + 0x3000, 2 * M2 - 0x3000 - K4, MMS_PTE_PRESENT, 2,
		  0x203000, 2 },
	};
	snprintf(what, sizeof(what), "clip, %u levels", levels);
	iter_case(pt, root, PMD_B_VA + 0x3000, PMD_B_VA + 2 * M2 - K4 - 1, 0,
		  clip, 1, false, what);

	/* kernel half: a missing PUD table, the text; holes cover it all */
	uint64_t khalf = levels == 5 ? 0xff00000000000000ULL
				     : 0xffff800000000000ULL;
	const struct want kern4[] = {
		{ 0xffff800000000000ULL, 1ULL << 39, MMS_PTE_TABLE_MISSING, 3,
		  pg(T_PGD_MISSING_PUD), 1 },
		{ KTEXT, M2, MMS_PTE_PRESENT, 2, 0x3000000, 1 },
		{ KTEXT + M2, M2, MMS_PTE_PRESENT, 2, 0x3200000, 1 },
		{ KTEXT + 2 * M2, M2, MMS_PTE_PRESENT, 2, 0x3400000, 1 },
	};
	const struct want kern5[] = {
		{ KTEXT, M2, MMS_PTE_PRESENT, 2, 0x3000000, 1 },
		{ KTEXT + M2, M2, MMS_PTE_PRESENT, 2, 0x3200000, 1 },
		{ KTEXT + 2 * M2, M2, MMS_PTE_PRESENT, 2, 0x3400000, 1 },
	};
	snprintf(what, sizeof(what), "kernel, %u levels", levels);
	if (levels == 4)
		iter_case(pt, root, khalf, ~0ULL, 0, kern4, 4, true, what);
	else
		iter_case(pt, root, khalf, ~0ULL, 0, kern5, 3, false, what);

	/* holes: the pieces tile the range exactly */
	mms_mapping_iter *it;
	mms_error *err = mms_pt_iter_new(pt, root, 0, ~0ULL,
					 MMS_MAP_HOLES | MMS_MAP_NONPRESENT, &it);
	CHECK(!err, "holes");
	uint64_t next = 0, total = 0, n = 0;
	bool ordered = true, hi = false;
	for (;;) {
		const struct mms_mapping *m;
		err = mms_mapping_iter_next(it, &m);
		if (err || !m)
			break;
		if (m->vaddr != next && !hi) {
			/* the jump over the non-canonical hole, once */
			hi = true;
			next = m->vaddr;
		}
		ordered &= m->vaddr == next;
		next = m->vaddr + m->size;
		total += m->size;
		n++;
	}
	mms_error_free(err);
	mms_mapping_iter_free(it);
	uint64_t canon = levels == 5 ? 1ULL << 57 : 1ULL << 48;
	CHECK(ordered && total == canon, "holes: %u levels: tiled %d, total "
	      "0x%" PRIx64 " of 0x%" PRIx64 " in %" PRIu64 " pieces", levels,
	      ordered, total, canon, n);

	/* statistics over PGD entry 0 and the kernel half (not the loop) */
	struct mms_pt_stats st;
	memset(&st, 0, sizeof(st));
	const uint64_t ranges[2][2] = { { 0, (1ULL << 39) - 1 },
					{ khalf, ~0ULL } };
	for (int k = 0; k < 2; k++) {
		err = mms_pt_iter_new(pt, root, ranges[k][0], ranges[k][1],
				      MMS_MAP_NONPRESENT, &it);
		CHECK(!err, "stats iter");
		const struct mms_mapping *m;
		while (!(err = mms_mapping_iter_next(it, &m)) && m)
			mms_pt_stats_add(&st, m);
		mms_mapping_iter_free(it);
	}
	CHECK(st.entries[3] == 1 && st.entries[2] == 6 && st.entries[1] == 6,
	      "stats: %" PRIu64 " %" PRIu64 " %" PRIu64, st.entries[1],
	      st.entries[2], st.entries[3]);
	CHECK(st.nonpresent[MMS_PTE_PROTNONE] == 2 &&
	      st.nonpresent[MMS_PTE_SWAP] == 2 &&
	      st.nonpresent[MMS_PTE_MIGRATION] == 4 &&
	      st.nonpresent[MMS_PTE_HWPOISON] == 1 &&
	      st.nonpresent[MMS_PTE_DEVICE] == 1 &&
	      st.nonpresent[MMS_PTE_MARKER] == 1 &&
	      st.nonpresent[MMS_PTE_NONPRESENT] == 1 &&
	      st.missing_tables == (levels == 4 ? 2u : 1u),
	      "stats: non-present kinds");
	/* W+X: only the kernel's second 2 MiB page (the 1 GiB page is NX,
	 * the PUD entry takes RW from B, the PMD entry gives C NX) */
	CHECK(st.wx_pages == 512 && st.first_wx == KTEXT + M2,
	      "stats: wx %" PRIu64 " first 0x%" PRIx64, st.wx_pages,
	      st.first_wx);
	unsigned combos_ok = 0;
	for (unsigned i = 0; i < st.nr_combos; i++)
		combos_ok += st.combos[i].entries;
	CHECK(combos_ok == 13, "stats: %u entries in combinations",
	      combos_ok);
	mms_pgtable_free(pt);
}

/* Every table read once per walk, and never again while cached. */
static void test_cache(void)
{
	struct mms_pgtable *pt = walker(&cfg4);
	memset(reads, 0, sizeof(reads));
	mms_mapping_iter *it;
	for (int pass = 0; pass < 2; pass++) {
		mms_error *err = mms_pt_iter_new(pt, pg(T_PGD), 0, ~0ULL,
						 MMS_MAP_NONPRESENT, &it);
		CHECK(!err, "cache iter");
		const struct mms_mapping *m;
		while (!(err = mms_mapping_iter_next(it, &m)) && m)
			;
		mms_mapping_iter_free(it);
	}
	struct mms_pt_counters c;
	mms_pgtable_counters(pt, &c);
	unsigned distinct = 0, over = 0;
	for (unsigned i = 0; i < NPAGES; i++) {
		distinct += reads[i] > 0;
		over += reads[i] > 1;
	}
	/* PGD, PUD A, PMD B, PTE C, PUD E, PMD F */
	CHECK(distinct == 6 && over == 0 && c.table_reads == 6,
	      "cache: %u tables read, %u more than once, %" PRIu64 " reads",
	      distinct, over, c.table_reads);
	CHECK(c.missing >= 2, "cache: missing %" PRIu64, c.missing);
	mms_pgtable_free(pt);
}

/* The 4.6-4.18 swap layout and the edge of each special type. */
static void test_swap_layouts(void)
{
	struct mms_pt_cfg old = cfg4;
	old.swp_layout = MMS_SWP_X86_PRE_L1TF;
	struct mms_pt_entry e;
	mms_arch_x86_64.decode(&old, 1, swp_old(3, 0xabcdef), &e);
	CHECK(e.kind == MMS_PTE_SWAP && e.swap_type == 3 &&
	      e.swap_offset == 0xabcdef, "old swap: %s %u 0x%" PRIx64,
	      mms_pte_kind_name(e.kind), e.swap_type, e.swap_offset);
	mms_arch_x86_64.decode(&old, 1, swp_old(29, 0x42), &e);
	CHECK(e.kind == MMS_PTE_MIGRATION && e.addr == 0x42000 &&
	      (e.attrs & MMS_PTA_MIG_WRITE), "old migration write");
	/* before the L1TF change PROT_NONE frames were not inverted */
	mms_arch_x86_64.decode(&old, 1, 0x5000ULL | GLB, &e);
	CHECK(e.kind == MMS_PTE_PROTNONE && e.addr == 0x5000, "old protnone");
	/* 6.1-like: no hwpoison, no device, marker + swapin error */
	struct mms_pt_cfg k61 = cfg4;
	k61.max_swapfiles = 27;
	k61.nr_hwpoison = 0;
	k61.nr_device = 0;
	k61.nr_marker = 1;
	k61.nr_swapin_error = 1;
	const struct { unsigned type; enum mms_pte_kind kind; } t61[] = {
		{ 26, MMS_PTE_SWAP }, { 27, MMS_PTE_MIGRATION },
		{ 29, MMS_PTE_MIGRATION }, { 30, MMS_PTE_MARKER },
		{ 31, MMS_PTE_MARKER },
	};
	for (size_t i = 0; i < sizeof(t61) / sizeof(t61[0]); i++) {
		mms_arch_x86_64.decode(&k61, 1, swp_l1tf(t61[i].type, 7), &e);
		CHECK(e.kind == t61[i].kind, "6.1 type %u: %s", t61[i].type,
		      mms_pte_kind_name(e.kind));
	}
	/* a maximal offset survives the inversion */
	uint64_t off = (1ULL << 50) - 1;
	mms_arch_x86_64.decode(&cfg4, 1, swp_l1tf(1, off), &e);
	CHECK(e.kind == MMS_PTE_SWAP && e.swap_offset == off, "max offset");
	/* level names follow the paging mode */
	CHECK(!strcmp(mms_arch_x86_64.level_name(&cfg4, 4), "PGD"), "L4 name");
	struct mms_pt_cfg l5 = cfg4;
	l5.levels = 5;
	CHECK(!strcmp(mms_arch_x86_64.level_name(&l5, 4), "P4D") &&
	      !strcmp(mms_arch_x86_64.level_name(&l5, 5), "PGD"), "L5 names");
}

/*
 * The interface admits other geometries without touching the walker: an
 * i386-PAE-like one (3 levels, a 4-entry top table of 32 bytes inside a
 * page, 32-bit addresses, no sign extension), decoded with x86 entries.
 */
static void pae_geometry(const struct mms_pt_cfg *cfg, struct mms_pt_geom *g)
{
	(void)cfg;
	memset(g, 0, sizeof(*g));
	g->levels = 3;
	g->entry_size = 8;
	g->shift[1] = 12, g->bits[1] = 9;
	g->shift[2] = 21, g->bits[2] = 9;
	g->shift[3] = 30, g->bits[3] = 2;
	g->va_bits = 32;
	g->sign_extended = false;
}

static void pae_decode(const struct mms_pt_cfg *cfg, unsigned level,
		       uint64_t raw, struct mms_pt_entry *e)
{
	/* a PDPT entry is always a table pointer */
	mms_arch_x86_64.decode(cfg, level == 3 ? 4 : level, raw, e);
}

static void test_pae(void)
{
	struct mms_arch_ops ops = mms_arch_x86_64;
	ops.geometry = pae_geometry;
	ops.decode = pae_decode;
	struct mms_pt_source src = { mem_read, mem_present, NULL };
	struct mms_pgtable *pt;
	mms_error *err = mms_pgtable_new(&ops, &cfg4, &src, &pt);
	CHECK(!err, "pae: %s", mms_error_message(err));
	if (err)
		return;
	memset(mem[T_PAE], 0, 4096);
	memset(mem[T_PAE_PMD], 0, 4096);
	uint64_t pdpt = pg(T_PAE) + 0x20;            /* 32-byte aligned */
	mem[T_PAE][4 + 3] = pg(T_PAE_PMD) | P;       /* entry 3: 3 GiB up */
	mem[T_PAE_PMD][1] = 0x1c00000ULL | P | RW | PSE | GLB;
	struct mms_vtop_result r;
	err = mms_pt_vtop(pt, pdpt, 0xc0201234, &r);
	CHECK(!err && r.mapped && r.paddr == 0x1c01234 && r.nr_steps == 2 &&
	      r.level == 2, "pae vtop: paddr 0x%" PRIx64 " steps %u",
	      r.paddr, r.nr_steps);
	mms_error_free(err);
	err = mms_pt_vtop(pt, pdpt, 1ULL << 32, &r);
	CHECK(err && mms_error_code(err) == MMS_ERR_INVALID, "pae: 33 bits");
	mms_error_free(err);
	const struct want w[] = {
		{ 0xc0200000, M2, MMS_PTE_PRESENT, 2, 0x1c00000, 1 },
	};
	iter_case(pt, pdpt, 0, ~0ULL, 0, w, 1, false, "pae iter");
	mms_pgtable_free(pt);
}

int main(void)
{
	build();
	test_vtop(4);
	test_vtop(5);
	test_iter(4);
	test_iter(5);
	test_cache();
	test_swap_layouts();
	test_pae();
	printf("%d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
