// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * x86-64's direct-map accounting (direct_pages_count[], printed as
 * /proc/meminfo's DirectMap lines) derived from the page tables.
 *
 * The kernel counts mappings as it makes them (arch/x86/mm/init_64.c,
 * update_page_count) and as set_memory.c splits them (split_page_count),
 * so its counters equal the direct map's leaves except for:
 *  - splits of the kernel image's own 2 MiB mapping, which set_memory.c
 *    counts too (virt_addr_valid() is true for the image): 4 KiB += 512,
 *    2 MiB -= 1 each;
 *  - boot-time recounting: phys_pud_init() and phys_pmd_init() count an
 *    existing large page again when a later step of init_mem_mapping()
 *    covers it ("if (!after_bootmem) pages++"), and replacing a 1 GiB
 *    leaf by a table there does not uncount it.  Which steps run depends
 *    on e820, max_pfn and page_size_mask, all in the dump, so boot is
 *    replayed here (memory_map_top_down, split_mem_range,
 *    adjust_range_page_size_mask, the phys_*_init loops); what boot
 *    counted beyond the leaves it left is added.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "pgtable.h"

#define PG_LEVEL_4K 1
#define PG_LEVEL_2M 2
#define PG_LEVEL_1G 3
#define E820_TYPE_RAM 1
#define E820_TYPE_RESERVED_KERN 128
#define ISA_END_ADDRESS 0x100000ULL
#define MB2 (1ULL << 21)
#define GB1 (1ULL << 30)
#define MAX_E820 1024

static uint64_t round_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }
static uint64_t round_down(uint64_t v, uint64_t a) { return v & ~(a - 1); }

struct mrange {
	uint64_t start, end;   /* [start, end) */
};

/* The boot-time page tables, as far as counting needs them. */
enum { S_NONE, S_LEAF, S_TABLE };

struct sim {
	struct mrange *mem;     /* memblock.memory: e820 RAM, merged */
	size_t nr_mem;
	unsigned page_size_mask;
	uint64_t nr_gb;         /* 1 GiB blocks up to max_pfn */
	unsigned char *pud;     /* per 1 GiB block */
	unsigned char **pmd;    /* per 1 GiB block: 512 states, or NULL */
	unsigned char **pte;    /* per 2 MiB block: a 512-bit map, or NULL */
	uint64_t counted[4], oom;
};

static bool region_is_memory(const struct sim *s, uint64_t base, uint64_t end)
{
	for (size_t i = 0; i < s->nr_mem; i++)
		if (base >= s->mem[i].start && base < s->mem[i].end)
			return end <= s->mem[i].end;
	return false;
}

static void pte_init(struct sim *s, uint64_t paddr, uint64_t end)
{
	uint64_t m = paddr >> 21;
	if (!s->pte[m] && !(s->pte[m] = calloc(64, 1))) {
		s->oom++;
		return;
	}
	for (uint64_t p = paddr; p < end && (p >> 21) == m;
	     p = round_down(p, 4096) + 4096) {
		unsigned i = (unsigned)((p >> 12) & 511);
		/* a present PTE is counted again while !after_bootmem */
		s->pte[m][i / 8] |= (unsigned char)(1u << (i % 8));
		s->counted[PG_LEVEL_4K]++;
	}
}

static void pmd_init(struct sim *s, uint64_t paddr, uint64_t end,
		     unsigned mask)
{
	uint64_t g = paddr >> 30;
	if (!s->pmd[g] && !(s->pmd[g] = calloc(512, 1))) {
		s->oom++;
		return;
	}
	for (uint64_t p = paddr; p < end && (p >> 30) == g;
	     p = round_down(p, MB2) + MB2) {
		unsigned char *st = &s->pmd[g][(p >> 21) & 511];
		uint64_t m = p >> 21;
		if (*st == S_TABLE) {
			pte_init(s, p, end);
			continue;
		}
		if (*st == S_LEAF) {
			if (mask & (1u << PG_LEVEL_2M)) {
				s->counted[PG_LEVEL_2M]++;
				continue;
			}
			/* split: a fresh PTE table for [p, end) */
			free(s->pte[m]);
			s->pte[m] = NULL;
		}
		if (mask & (1u << PG_LEVEL_2M)) {
			s->counted[PG_LEVEL_2M]++;
			*st = S_LEAF;
			continue;
		}
		*st = S_TABLE;
		pte_init(s, p, end);
	}
}

static void pud_init(struct sim *s, uint64_t paddr, uint64_t end,
		     unsigned mask)
{
	for (uint64_t p = paddr; p < end; p = round_down(p, GB1) + GB1) {
		uint64_t g = p >> 30;
		if (g >= s->nr_gb)
			return;
		if (s->pud[g] == S_TABLE) {
			pmd_init(s, p, end, mask);
			continue;
		}
		if (s->pud[g] == S_LEAF) {
			if (mask & (1u << PG_LEVEL_1G)) {
				s->counted[PG_LEVEL_1G]++;
				continue;
			}
			/* replaced by a fresh PMD table, not uncounted */
			if (s->pmd[g])
				memset(s->pmd[g], 0, 512);
		}
		if (mask & (1u << PG_LEVEL_1G)) {
			s->counted[PG_LEVEL_1G]++;
			s->pud[g] = S_LEAF;
			continue;
		}
		s->pud[g] = S_TABLE;
		pmd_init(s, p, end, mask);
	}
}

struct map_range {
	uint64_t start, end;
	unsigned mask;
};

static unsigned save_mr(struct map_range *mr, unsigned n, uint64_t start,
			uint64_t end, unsigned mask)
{
	if (start < end && n < 8) {
		mr[n].start = start;
		mr[n].end = end;
		mr[n].mask = mask;
		n++;
	}
	return n;
}

/* split_mem_range() and adjust_range_page_size_mask(), x86-64. */
static unsigned split_mem_range(const struct sim *s, struct map_range *mr,
				uint64_t start, uint64_t end)
{
	unsigned n = 0, psm = s->page_size_mask;
	uint64_t limit = round_down(end, 4096);
	uint64_t pos = round_down(start, 4096);
	uint64_t e = round_up(pos, MB2);
	if (e > limit)
		e = limit;
	if (pos < e) {                          /* head, not 2M aligned */
		n = save_mr(mr, n, pos, e, 0);
		pos = e;
	}
	uint64_t st = round_up(pos, MB2);       /* 2M up to 1G alignment */
	e = round_up(pos, GB1);
	if (e > round_down(limit, MB2))
		e = round_down(limit, MB2);
	if (st < e) {
		n = save_mr(mr, n, st, e, psm & (1u << PG_LEVEL_2M));
		pos = e;
	}
	st = round_up(pos, GB1);                /* 1G */
	e = round_down(limit, GB1);
	if (st < e) {
		n = save_mr(mr, n, st, e,
			    psm & ((1u << PG_LEVEL_2M) | (1u << PG_LEVEL_1G)));
		pos = e;
	}
	st = round_up(pos, MB2);                /* 2M tail */
	e = round_down(limit, MB2);
	if (st < e) {
		n = save_mr(mr, n, st, e, psm & (1u << PG_LEVEL_2M));
		pos = e;
	}
	n = save_mr(mr, n, pos, limit, 0);      /* 4K tail */
	for (unsigned i = 0; i < n; i++) {
		if ((psm & (1u << PG_LEVEL_2M)) &&
		    !(mr[i].mask & (1u << PG_LEVEL_2M)) &&
		    region_is_memory(s, round_down(mr[i].start, MB2),
				     round_up(mr[i].end, MB2)))
			mr[i].mask |= 1u << PG_LEVEL_2M;
		if ((psm & (1u << PG_LEVEL_1G)) &&
		    !(mr[i].mask & (1u << PG_LEVEL_1G)) &&
		    region_is_memory(s, round_down(mr[i].start, GB1),
				     round_up(mr[i].end, GB1)))
			mr[i].mask |= 1u << PG_LEVEL_1G;
	}
	/* merge neighbours of one page size */
	for (unsigned i = 0; n > 1 && i + 1 < n;) {
		if (mr[i].end != mr[i + 1].start || mr[i].mask != mr[i + 1].mask) {
			i++;
			continue;
		}
		mr[i].end = mr[i + 1].end;
		memmove(&mr[i + 1], &mr[i + 2], (n - i - 2) * sizeof(*mr));
		n--;
	}
	return n;
}

static void init_memory_mapping(struct sim *s, uint64_t start, uint64_t end)
{
	struct map_range mr[8];
	unsigned n = split_mem_range(s, mr, start, end);
	for (unsigned i = 0; i < n; i++)
		pud_init(s, mr[i].start, mr[i].end, mr[i].mask);
}

static uint64_t init_range_memory_mapping(struct sim *s, uint64_t r_start,
					  uint64_t r_end)
{
	uint64_t mapped = 0;
	for (size_t i = 0; i < s->nr_mem; i++) {
		uint64_t a = s->mem[i].start, b = s->mem[i].end;
		a = a < r_start ? r_start : a > r_end ? r_end : a;
		b = b < r_start ? r_start : b > r_end ? r_end : b;
		if (a >= b)
			continue;
		init_memory_mapping(s, a, b);
		mapped += b - a;
	}
	return mapped;
}

/* The highest 2 MiB block of memory below map_end clear of the kernel
 * image: where memblock's first top-down allocation lands (an initrd at
 * the very top of RAM would move it; boot loaders put it below 4 GiB). */
static uint64_t top_free_block(const struct sim *s, uint64_t map_start,
			       uint64_t map_end, uint64_t img_start,
			       uint64_t img_end)
{
	for (size_t i = s->nr_mem; i-- > 0;) {
		uint64_t e = s->mem[i].end < map_end ? s->mem[i].end : map_end;
		for (uint64_t b = round_down(e, MB2); b >= MB2 &&
		     b - MB2 >= s->mem[i].start && b - MB2 >= map_start;
		     b -= MB2) {
			if (b > img_start && b - MB2 < img_end)
				continue;
			return b - MB2;
		}
	}
	return map_start;
}

static void memory_map_top_down(struct sim *s, uint64_t map_start,
				uint64_t map_end, uint64_t img_start,
				uint64_t img_end)
{
	uint64_t addr = top_free_block(s, map_start, map_end, img_start,
				       img_end);
	uint64_t real_end = addr + MB2, last_start = real_end;
	uint64_t step = MB2, mapped = 0;
	while (last_start > map_start) {
		uint64_t start;
		if (last_start > step) {
			start = round_down(last_start - 1, step);
			if (start < map_start)
				start = map_start;
		} else {
			start = map_start;
		}
		uint64_t now = init_range_memory_mapping(s, start, last_start);
		last_start = start;
		/* get_new_step_size(): only after a big range is mapped */
		if (now > mapped)
			step <<= 5;
		mapped += now;
	}
	if (real_end < map_end)
		init_range_memory_mapping(s, real_end, map_end);
}

static int cmp_mrange(const void *a, const void *b)
{
	const struct mrange *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* e820_table: u32 nr_entries, then packed {u64 addr, u64 size, u32 type} */
static mms_error *read_e820(struct mms_dump *d, struct sim *s)
{
	uint64_t ptr_sym;
	if (!mms_facts_hex(d->facts, "ELFSYM(e820_table)", &ptr_sym))
		return mms_err(MMS_ERR_NOTFOUND, "no e820_table symbol");
	ptr_sym += (uint64_t)(d->k.kernel_offset > 0 ? d->k.kernel_offset : 0);
	uint64_t table;
	mms_error *err = mms_read_u64(d, ptr_sym, &table);
	if (err)
		return err;
	int64_t off_entries = mms_facts_offset(d->facts, "e820_table", "entries");
	int64_t esz = mms_facts_size(d->facts, "e820_entry");
	int64_t off_type = mms_facts_offset(d->facts, "e820_entry", "type");
	if (off_entries < 0)
		off_entries = 4;
	if (esz <= 0)
		esz = 20;
	if (off_type < 0)
		off_type = 16;
	uint32_t n;
	err = mms_read_u32(d, table, &n);
	if (err)
		return err;
	if (n > MAX_E820)
		return mms_err(MMS_ERR_CORRUPT, "e820_table has %u entries", n);
	s->mem = calloc(n ? n : 1, sizeof(*s->mem));
	unsigned char *buf = malloc((size_t)esz * (n ? n : 1));
	if (!s->mem || !buf) {
		free(buf);
		return mms_err_nomem();
	}
	err = mms_read_kvaddr(d, table + (uint64_t)off_entries, buf,
			      (size_t)esz * n);
	for (uint32_t i = 0; !err && i < n; i++) {
		const unsigned char *e = buf + (size_t)esz * i;
		uint64_t addr = mms_get_u64(e, 0), size = mms_get_u64(e, 8);
		uint32_t type = mms_get_u32(e, off_type);
		if (type != E820_TYPE_RAM && type != E820_TYPE_RESERVED_KERN)
			continue;
		/* memblock_trim_memory(PAGE_SIZE): whole pages only */
		uint64_t a = round_up(addr, 4096), b = round_down(addr + size, 4096);
		if (a < b) {
			s->mem[s->nr_mem].start = a;
			s->mem[s->nr_mem].end = b;
			s->nr_mem++;
		}
	}
	free(buf);
	if (err)
		return err;
	qsort(s->mem, s->nr_mem, sizeof(*s->mem), cmp_mrange);
	size_t k = 0;   /* memblock merges touching regions */
	for (size_t i = 0; i < s->nr_mem; i++) {
		if (k && s->mem[i].start <= s->mem[k - 1].end) {
			if (s->mem[i].end > s->mem[k - 1].end)
				s->mem[k - 1].end = s->mem[i].end;
		} else {
			s->mem[k++] = s->mem[i];
		}
	}
	s->nr_mem = k;
	return NULL;
}

static void sim_free(struct sim *s)
{
	for (uint64_t g = 0; s->pmd && g < s->nr_gb; g++)
		free(s->pmd[g]);
	for (uint64_t m = 0; s->pte && m < s->nr_gb * 512; m++)
		free(s->pte[m]);
	free(s->pmd);
	free(s->pte);
	free(s->pud);
	free(s->mem);
}

static uint64_t sym_value(struct mms_dump *d, const char *name)
{
	char key[128];
	snprintf(key, sizeof(key), "ELFSYM(%s)", name);
	uint64_t v;
	if (!mms_facts_hex(d->facts, key, &v) || !v)
		return 0;
	return v + (uint64_t)(d->k.kernel_offset > 0 ? d->k.kernel_offset : 0);
}

/* Replays init_mem_mapping(); false when the dump lacks what it needs. */
static mms_error *simulate_boot(struct mms_dump *d, struct mms_direct_map *out)
{
	struct sim s = { 0 };
	uint64_t psm_addr = sym_value(d, "page_size_mask");
	uint64_t max_pfn_addr = sym_value(d, "max_pfn");
	if (!psm_addr || !max_pfn_addr || !d->k.sym_text || !d->k.sym_end)
		return NULL;
	uint32_t psm;
	uint64_t max_pfn;
	mms_error *err = mms_read_u32(d, psm_addr, &psm);
	if (!err)
		err = mms_read_u64(d, max_pfn_addr, &max_pfn);
	if (!err)
		err = read_e820(d, &s);
	if (err) {
		sim_free(&s);
		return err;
	}
	s.page_size_mask = psm;
	uint64_t end = max_pfn << 12;
	s.nr_gb = (end + GB1 - 1) >> 30;
	if (!s.nr_gb || s.nr_gb > (1u << 20)) {
		sim_free(&s);
		return mms_err(MMS_ERR_CORRUPT, "max_pfn 0x%llx out of range",
			       (unsigned long long)max_pfn);
	}
	s.pud = calloc(s.nr_gb, 1);
	s.pmd = calloc(s.nr_gb, sizeof(*s.pmd));
	s.pte = calloc(s.nr_gb * 512, sizeof(*s.pte));
	if (!s.pud || !s.pmd || !s.pte) {
		sim_free(&s);
		return mms_err_nomem();
	}
	uint64_t img_start, img_end;
	err = mms_kvaddr_to_phys(d, d->k.sym_text, &img_start);
	if (!err)
		err = mms_kvaddr_to_phys(d, d->k.sym_end, &img_end);
	if (err) {
		sim_free(&s);
		return err;
	}
	/* the ISA range is always mapped, then the rest top-down */
	init_memory_mapping(&s, 0, ISA_END_ADDRESS);
	memory_map_top_down(&s, ISA_END_ADDRESS, end, img_start, img_end);
	if (s.oom) {
		sim_free(&s);
		return mms_err_nomem();
	}
	for (int l = 1; l <= 3; l++)
		out->boot_counted[l] = s.counted[l];
	for (uint64_t g = 0; g < s.nr_gb; g++) {
		if (s.pud[g] == S_LEAF)
			out->boot_leaves[PG_LEVEL_1G]++;
		if (s.pud[g] != S_TABLE || !s.pmd[g])
			continue;
		for (unsigned i = 0; i < 512; i++) {
			if (s.pmd[g][i] == S_LEAF)
				out->boot_leaves[PG_LEVEL_2M]++;
			const unsigned char *bits = s.pte[g * 512 + i];
			if (s.pmd[g][i] != S_TABLE || !bits)
				continue;
			for (unsigned b = 0; b < 512; b++)
				out->boot_leaves[PG_LEVEL_4K] +=
					(bits[b / 8] >> (b % 8)) & 1;
		}
	}
	out->boot_simulated = true;
	sim_free(&s);
	return NULL;
}

mms_error *mms_x86_64_direct_map(struct mms_dump *d, struct mms_direct_map *out)
{
	memset(out, 0, sizeof(*out));
	struct mms_region_desc r[48];
	unsigned n = mms_address_regions(d, r, 48);
	uint64_t root;
	mms_error *err = mms_kernel_pgtable(d, &root);
	if (err)
		return err;
	for (unsigned i = 0; i < n && i < 48; i++) {
		bool direct = r[i].region == MMS_REGION_DIRECT_MAP;
		bool image = r[i].region == MMS_REGION_KERNEL_IMAGE;
		if (!direct && !image)
			continue;
		mms_mapping_iter *it;
		err = mms_mapping_iter_new(d, root, r[i].start, r[i].last,
					   direct ? MMS_MAP_NONPRESENT : 0, &it);
		if (err)
			return err;
		uint64_t last_block = ~0ULL;
		for (;;) {
			const struct mms_mapping *m;
			err = mms_mapping_iter_next(it, &m);
			if (err || !m)
				break;
			if (m->kind == MMS_PTE_TABLE_MISSING)
				continue;
			if (direct && m->level <= 3) {
				out->leaves[m->level] += m->nr_entries;
				continue;
			}
			/* image: each 2 MiB block mapped by 4 KiB pages was
			 * split by set_memory.c */
			if (image && m->level == 1)
				for (uint64_t b = m->vaddr >> 21;
				     b <= (m->vaddr + m->size - 1) >> 21; b++)
					if (b != last_block) {
						out->image_splits++;
						last_block = b;
					}
		}
		out->partial |= mms_mapping_iter_partial(it);
		mms_mapping_iter_free(it);
		if (err)
			return err;
	}
	err = simulate_boot(d, out);
	if (err) {
		mms_error_free(err);   /* derived without the boot replay */
		out->boot_simulated = false;
	}
	for (int l = 1; l <= 3; l++) {
		out->pages[l] = (int64_t)out->leaves[l];
		if (out->boot_simulated)
			out->pages[l] += (int64_t)out->boot_counted[l] -
					 (int64_t)out->boot_leaves[l];
	}
	out->pages[PG_LEVEL_4K] += 512 * (int64_t)out->image_splits;
	out->pages[PG_LEVEL_2M] -= (int64_t)out->image_splits;
	/* the kernel's own counters, to compare with */
	uint64_t dpc = sym_value(d, "direct_pages_count");
	int64_t sz;
	if (dpc && mms_facts_num(d->facts, "SYMSIZE(direct_pages_count)", &sz) &&
	    sz >= 4 * 8) {
		uint64_t v[4];
		mms_error *e = mms_read_kvaddr(d, dpc, v, sizeof(v));
		if (!e) {
			for (int l = 1; l <= 3; l++)
				out->counters[l] = v[l];
			out->counters_read = true;
		}
		mms_error_free(e);
	}
	return NULL;
}
