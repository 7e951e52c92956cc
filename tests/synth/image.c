/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Physical memory of the fake machine and the kernel's view of it:
 * the direct map at page_offset_base, the kernel text mapping at
 * __START_KERNEL_map (+KASLR, phys_base), the vmemmap, a memblock-like
 * boot allocator and 4-level page tables rooted at init_top_pgt.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "synth.h"

int image_init(struct synth *s, char *err, size_t errlen)
{
	const struct layout_def *d = s->def;
	s->nram = d->nram;
	s->max_pfn = 0;
	for (int i = 0; i < d->nram; i++) {
		uint64_t n = d->ram[i].end_pfn - d->ram[i].start_pfn;
		s->ram[i].start_pfn = d->ram[i].start_pfn;
		s->ram[i].end_pfn = d->ram[i].end_pfn;
		s->ram[i].data = calloc(n, SYNTH_PAGE_SIZE);
		if (!s->ram[i].data) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		if (d->ram[i].end_pfn > s->max_pfn)
			s->max_pfn = d->ram[i].end_pfn;
	}
	s->kind = calloc(s->max_pfn, 1);
	s->order = calloc(s->max_pfn, 1);
	s->pcpu = calloc(s->max_pfn, 1);
	s->pb_mt = calloc(s->max_pfn / PFN_2M + 2, 1);
	if (!s->kind || !s->order || !s->pcpu || !s->pb_mt) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int i = 0; i < s->nram; i++)
		memset(s->kind + s->ram[i].start_pfn, PK_UNUSED,
		       s->ram[i].end_pfn - s->ram[i].start_pfn);
	return 0;
}

bool image_is_ram(const struct synth *s, uint64_t pfn)
{
	for (int i = 0; i < s->nram; i++)
		if (pfn >= s->ram[i].start_pfn && pfn < s->ram[i].end_pfn)
			return true;
	return false;
}

uint8_t *image_page(const struct synth *s, uint64_t pfn)
{
	for (int i = 0; i < s->nram; i++)
		if (pfn >= s->ram[i].start_pfn && pfn < s->ram[i].end_pfn)
			return s->ram[i].data +
			       (pfn - s->ram[i].start_pfn) * SYNTH_PAGE_SIZE;
	return NULL;
}

static uint8_t *phys_ptr(const struct synth *s, uint64_t pa, size_t len)
{
	for (int i = 0; i < s->nram; i++) {
		uint64_t a = s->ram[i].start_pfn << SYNTH_PAGE_SHIFT;
		uint64_t b = s->ram[i].end_pfn << SYNTH_PAGE_SHIFT;
		if (pa >= a && pa + len <= b)
			return s->ram[i].data + (pa - a);
	}
	fprintf(stderr, "mms-synth: physical 0x%llx+%zu is not RAM\n",
		(unsigned long long)pa, len);
	abort();
}

void pw(struct synth *s, uint64_t pa, const void *buf, size_t len)
{
	memcpy(phys_ptr(s, pa, len), buf, len);
}

void pr(const struct synth *s, uint64_t pa, void *buf, size_t len)
{
	memcpy(buf, phys_ptr(s, pa, len), len);
}

bool kv2p_try(const struct synth *s, uint64_t va, uint64_t *pa)
{
	if (va >= START_KERNEL_MAP) {
		*pa = va - START_KERNEL_MAP + s->phys_base;
		return true;
	}
	for (int i = 0; i < s->nvmemmap; i++)
		if (va >= s->vmemmap[i].va &&
		    va < s->vmemmap[i].va + s->vmemmap[i].len) {
			*pa = s->vmemmap[i].pa + (va - s->vmemmap[i].va);
			return true;
		}
	if (va >= s->page_offset_base &&
	    va - s->page_offset_base < (s->max_pfn << SYNTH_PAGE_SHIFT)) {
		*pa = va - s->page_offset_base;
		return true;
	}
	return false;
}

uint64_t kv2p(const struct synth *s, uint64_t va)
{
	uint64_t pa;
	if (!kv2p_try(s, va, &pa)) {
		fprintf(stderr, "mms-synth: no translation for 0x%llx\n",
			(unsigned long long)va);
		abort();
	}
	return pa;
}

uint64_t ktext_va(const struct synth *s, const char *sym)
{
	uint64_t a = vmlinux_sym(&s->vm, sym);
	/* per-cpu symbols are offsets, not relocated by KASLR */
	return a >= START_KERNEL_MAP ? a + s->kaslr : a;
}

uint64_t dmap_va(const struct synth *s, uint64_t pa)
{
	return s->page_offset_base + pa;
}

void kw(struct synth *s, uint64_t va, const void *buf, size_t len)
{
	/* split at page boundaries: the vmemmap is not physically linear */
	const uint8_t *p = buf;
	while (len) {
		size_t chunk = SYNTH_PAGE_SIZE - (va & (SYNTH_PAGE_SIZE - 1));
		if (chunk > len)
			chunk = len;
		pw(s, kv2p(s, va), p, chunk);
		va += chunk;
		p += chunk;
		len -= chunk;
	}
}

void kr(const struct synth *s, uint64_t va, void *buf, size_t len)
{
	uint8_t *p = buf;
	while (len) {
		size_t chunk = SYNTH_PAGE_SIZE - (va & (SYNTH_PAGE_SIZE - 1));
		if (chunk > len)
			chunk = len;
		pr(s, kv2p(s, va), p, chunk);
		va += chunk;
		p += chunk;
		len -= chunk;
	}
}

void kw64(struct synth *s, uint64_t va, uint64_t v) { kw(s, va, &v, 8); }
void kw32(struct synth *s, uint64_t va, uint32_t v) { kw(s, va, &v, 4); }
void kw16(struct synth *s, uint64_t va, uint16_t v) { kw(s, va, &v, 2); }
void kw8(struct synth *s, uint64_t va, uint8_t v) { kw(s, va, &v, 1); }

uint64_t kr64(const struct synth *s, uint64_t va)
{
	uint64_t v;
	kr(s, va, &v, 8);
	return v;
}

static bool node_pfn(const struct synth *s, int nid, uint64_t pfn)
{
	const struct synth_node *n = &s->nodes[nid];
	return pfn >= n->start_pfn && pfn < n->end_pfn;
}

static uint64_t mb_alloc_pages(struct synth *s, int nid, uint64_t npages,
			       uint64_t align_pages, int kind)
{
	const struct synth_node *n = &s->nodes[nid];
	if (align_pages < 1)
		align_pages = 1;
	if (n->end_pfn < npages)
		goto fail;
	for (uint64_t cand = (n->end_pfn - npages) / align_pages * align_pages;
	     cand >= n->start_pfn; cand -= align_pages) {
		bool ok = true;
		for (uint64_t p = cand; p < cand + npages; p++)
			if (!node_pfn(s, nid, p) || s->kind[p] != PK_UNUSED) {
				ok = false;
				break;
			}
		if (ok) {
			memset(s->kind + cand, kind, npages);
			for (uint64_t p = cand; p < cand + npages; p++)
				memset(image_page(s, p), 0, SYNTH_PAGE_SIZE);
			return cand;
		}
		if (cand < align_pages)
			break;
	}
fail:
	fprintf(stderr, "mms-synth: node %d: boot allocation of %llu pages "
		"failed\n", nid, (unsigned long long)npages);
	abort();
}

uint64_t mb_alloc(struct synth *s, int nid, uint64_t size, uint64_t align,
		  int kind)
{
	struct synth_node *n = &s->nodes[nid];
	if (size <= 1024 && align <= 64 && kind == PK_MEMBLOCK) {
		if (align < 8)
			align = 8;
		uint64_t pad = (align - (n->mb_small_va & (align - 1))) & (align - 1);
		if (!n->mb_small_va || n->mb_small_left < size + pad) {
			uint64_t pfn = mb_alloc_pages(s, nid, 1, 1, kind);
			n->mb_small_va = dmap_va(s, pfn << SYNTH_PAGE_SHIFT);
			n->mb_small_left = SYNTH_PAGE_SIZE;
			pad = 0;
		}
		uint64_t va = n->mb_small_va + pad;
		n->mb_small_va += pad + size;
		n->mb_small_left -= pad + size;
		return va;
	}
	uint64_t npages = (size + SYNTH_PAGE_SIZE - 1) / SYNTH_PAGE_SIZE;
	uint64_t pfn = mb_alloc_pages(s, nid, npages, align / SYNTH_PAGE_SIZE,
				      kind);
	return dmap_va(s, pfn << SYNTH_PAGE_SHIFT);
}

#define _PAGE_PRESENT	0x001ULL
#define _PAGE_RW	0x002ULL
#define _PAGE_ACCESSED	0x020ULL
#define _PAGE_DIRTY	0x040ULL
#define _KERNPG_TABLE	(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define PTE_PFN_MASK	0x000ffffffffff000ULL

static uint64_t pt_next(struct synth *s, uint64_t table_va, unsigned idx)
{
	uint64_t e = kr64(s, table_va + idx * 8);
	if (!(e & _PAGE_PRESENT)) {
		uint64_t va = mb_alloc(s, 0, SYNTH_PAGE_SIZE, SYNTH_PAGE_SIZE,
				       PK_PGTABLE);
		s->npgtables++;
		e = kv2p(s, va) | _KERNPG_TABLE;
		kw64(s, table_va + idx * 8, e);
	}
	return dmap_va(s, e & PTE_PFN_MASK);
}

void pt_map_2m(struct synth *s, uint64_t va, uint64_t pa, uint64_t flags)
{
	uint64_t pgd = ktext_va(s, "init_top_pgt");
	uint64_t pud = pt_next(s, pgd, (va >> 39) & 511);
	uint64_t pmd = pt_next(s, pud, (va >> 30) & 511);
	kw64(s, pmd + ((va >> 21) & 511) * 8, (pa & PTE_PFN_MASK) | flags);
}

uint32_t rnd(struct synth *s)
{
	uint32_t x = s->rng;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	s->rng = x;
	return x;
}

double rndf(struct synth *s)
{
	return (rnd(s) >> 8) / (double)(1u << 24);
}
