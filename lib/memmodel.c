// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The memory model: FLATMEM's mem_map, DISCONTIGMEM's per-node
 * node_mem_map, SPARSEMEM's section table (static or EXTREME roots) and
 * SPARSEMEM_VMEMMAP, all reduced to runs of contiguous struct pages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "memmodel.h"

/* section_mem_map flag bits, stable since 2.6: PRESENT 0, HAS_MEM_MAP 1 */
#define SECTION_MARKED_PRESENT 1ULL
#define SECTION_HAS_MEM_MAP 2ULL
/* Flag bits below the map address (SECTION_MAP_LAST_BIT is 5 or 6 in 6.x
 * kernels; struct page arrays are cache-line aligned, so 6 bits are safe). */
#define SECTION_MAP_LAST_BIT_DEFAULT 6
/* Bounds on what a corrupt dump can make this code read or keep: the
 * section count (2^25 on x86-64 with 5-level paging; 2^27 covers every
 * architecture's SECTION_SIZE_BITS and MAX_PHYSMEM_BITS), a static
 * section array (8 MiB on x86-64 before 4.15), and present sections
 * (2^20 of 128 MiB: 128 TiB of RAM, twice 4-level x86-64's limit). */
#define MAX_SECTION_BITS 27
#define MAX_STATIC_SECTION_ARRAY (64ULL << 20)
#define MAX_PRESENT_SECTIONS (1ULL << 20)

static int cmp_run(const void *a, const void *b)
{
	const struct mms_memmap_run *x = a, *y = b;
	return x->map < y->map ? -1 : x->map > y->map;
}

static mms_error *add_run(struct mms_memmodel *mm, uint64_t *cap,
			  uint64_t start_pfn, uint64_t nr, uint64_t map)
{
	if (mm->nr_runs == *cap) {
		uint64_t c = *cap ? *cap * 2 : 64;
		struct mms_memmap_run *r = realloc(mm->runs, c * sizeof(*r));
		if (!r)
			return mms_err_nomem();
		mm->runs = r;
		*cap = c;
	}
	mm->runs[mm->nr_runs++] = (struct mms_memmap_run){ start_pfn, nr, map };
	return NULL;
}

static mms_error *sparse_init(struct mms_dump *d, struct mms_memmodel *mm)
{
	struct mms_kernel *k = &d->k;
	int64_t sec_sz = mms_facts_size(d->facts, "mem_section");
	int64_t map_off = mms_facts_offset(d->facts, "mem_section",
					   "section_mem_map");
	int64_t usage_off = mms_facts_offset(d->facts, "mem_section", "usage");
	if (sec_sz <= 0 || sec_sz > 4096 || map_off < 0)
		return mms_err(MMS_ERR_NOTFOUND, "%s: no layout of struct "
			       "mem_section in the type info", d->path);
	if (map_off > sec_sz - 8 || usage_off > sec_sz - 8)
		return mms_err(MMS_ERR_CORRUPT, "%s: the type info gives "
			       "OFFSET(mem_section.section_mem_map) = %lld, "
			       "OFFSET(mem_section.usage) = %lld, outside "
			       "SIZE(mem_section) = %lld", d->path,
			       (long long)map_off, (long long)usage_off,
			       (long long)sec_sz);
	int64_t ssb = mms_facts_number(d->facts, "SECTION_SIZE_BITS");
	int64_t mpb = mms_facts_number(d->facts, "MAX_PHYSMEM_BITS");
	/* x86-64 values, exported in VMCOREINFO only since 5.9 and 5.13 */
	if (ssb <= 0)
		ssb = 27;
	if (mpb <= 0)
		mpb = k->pgtable_levels == 5 ? 52 : 46;
	if (ssb <= k->page_shift || mpb <= ssb || mpb - ssb > MAX_SECTION_BITS)
		return mms_err(MMS_ERR_CORRUPT, "%s: impossible SECTION_SIZE_BITS"
			       " %lld / MAX_PHYSMEM_BITS %lld", d->path,
			       (long long)ssb, (long long)mpb);
	k->section_size_bits = ssb;
	k->max_physmem_bits = mpb;
	mm->pfn_section_shift = (uint64_t)(ssb - k->page_shift);
	uint64_t nr_mem_sections = 1ULL << (mpb - ssb);

	/* Where the section table is, and whether it is EXTREME (a pointer to
	 * an array of root pointers, since 4.15 the only x86-64 form). */
	uint64_t roots;
	bool extreme;
	char key[] = "ELFSYM(mem_section)";
	uint64_t elfsym;
	int64_t symsize = -1;
	mms_facts_num(d->facts, "SYMSIZE(mem_section)", &symsize);
	if (mms_facts_hex(d->facts, key, &elfsym) && elfsym) {
		uint64_t addr = elfsym + (uint64_t)k->kernel_offset;
		extreme = symsize == 8;
		roots = addr;
		if (extreme) {
			mms_error *err = mms_read_u64(d, addr, &roots);
			if (err)
				return mms_err_wrap(err, "reading mem_section");
		}
	} else {
		roots = k->sym_mem_section_vmci;
		int64_t n = mms_facts_length(d->vmcoreinfo, "mem_section");
		extreme = n > 0 && (uint64_t)n != nr_mem_sections;
	}
	if (!extreme && nr_mem_sections * (uint64_t)sec_sz >
			MAX_STATIC_SECTION_ARRAY)
		return mms_err(MMS_ERR_CORRUPT, "%s: a static mem_section array "
			       "of %llu sections (SECTION_SIZE_BITS %lld, "
			       "MAX_PHYSMEM_BITS %lld) is impossible", d->path,
			       (unsigned long long)nr_mem_sections,
			       (long long)ssb, (long long)mpb);
	/* EXTREME: each root is a page of sections; static: the array is
	 * read a page at a time too */
	uint64_t per_root = 4096 / (uint64_t)sec_sz;
	uint64_t nr_roots = (nr_mem_sections + per_root - 1) / per_root;
	k->sparsemem_extreme = extreme;
	k->sections_per_root = extreme ? (int64_t)per_root : 1;
	k->mem_section_sz = sec_sz;
	k->mem_section_map = map_off;
	k->mem_section_usage = usage_off;
	k->section_map_last_bit = mms_facts_number(d->facts,
						   "SECTION_MAP_LAST_BIT");
	if (k->section_map_last_bit <= 0 || k->section_map_last_bit > 12)
		k->section_map_last_bit = SECTION_MAP_LAST_BIT_DEFAULT;
	uint64_t mask = ~((1ULL << k->section_map_last_bit) - 1);

	uint64_t cap = 0, run_cap = 0;
	unsigned char *buf = malloc(4096);
	uint64_t *rootbuf = malloc(4096);   /* 512 root pointers at a time */
	mms_error *err = NULL;
	if (!buf || !rootbuf)
		err = mms_err_nomem();
	bool all_vmemmap = true;
	uint64_t first_decoded = 0;
	for (uint64_t r = 0; r < nr_roots && !err; r++) {
		uint64_t root;
		if (extreme) {
			if (r % 512 == 0) {
				uint64_t n = nr_roots - r < 512 ? nr_roots - r : 512;
				err = mms_read_kvaddr(d, roots + r * 8, rootbuf, n * 8);
				if (err)
					break;
			}
			root = rootbuf[r % 512];
			if (!root)
				continue;
		} else {
			root = roots + r * per_root * (uint64_t)sec_sz;
		}
		uint64_t nsec = nr_mem_sections - r * per_root < per_root
					? nr_mem_sections - r * per_root : per_root;
		err = mms_read_kvaddr(d, root, buf, nsec * (uint64_t)sec_sz);
		if (err)
			break;
		for (uint64_t i = 0; i < nsec; i++) {
			uint64_t nr = r * per_root + i;
			uint64_t raw = mms_get_u64(buf, (int64_t)i * sec_sz + map_off);
			if (!(raw & SECTION_MARKED_PRESENT) ||
			    !(raw & SECTION_HAS_MEM_MAP))
				continue;
			uint64_t decoded = raw & mask;
			uint64_t start = nr << mm->pfn_section_shift;
			if (mm->nr_sections == MAX_PRESENT_SECTIONS) {
				err = mms_err(MMS_ERR_CORRUPT, "%s: more than %llu "
					      "present memory sections (mem_section "
					      "root 0x%llx): corrupt section table",
					      d->path,
					      (unsigned long long)MAX_PRESENT_SECTIONS,
					      (unsigned long long)root);
				break;
			}
			if (mm->nr_sections == cap) {
				uint64_t c = cap ? cap * 2 : 256;
				struct mms_section *s = realloc(mm->sections,
							c * sizeof(*s));
				if (!s) {
					err = mms_err_nomem();
					break;
				}
				mm->sections = s;
				cap = c;
			}
			struct mms_section *s = &mm->sections[mm->nr_sections++];
			s->nr = nr;
			s->raw = raw;
			s->map0 = decoded + start * (uint64_t)k->page_sz;
			s->usage = usage_off >= 0 ? mms_get_u64(buf,
				(int64_t)i * sec_sz + usage_off) : 0;
			if (mm->nr_sections == 1)
				first_decoded = decoded;
			else if (decoded != first_decoded)
				all_vmemmap = false;
			err = add_run(mm, &run_cap, start,
				      1ULL << mm->pfn_section_shift, s->map0);
			if (err)
				break;
		}
	}
	free(buf);
	free(rootbuf);
	if (err)
		return err;
	if (!mm->nr_sections)
		return mms_err(MMS_ERR_CORRUPT, "%s: mem_section at 0x%llx has "
			       "no present section", d->path,
			       (unsigned long long)roots);
	/* vmemmap: every section decodes to the same base (randomised by
	 * KASLR since 4.9, so it is taken from the sections, not a constant) */
	if (all_vmemmap && mm->nr_sections > 1 &&
	    first_decoded >= 0xffff800000000000ULL) {
		mm->vmemmap = first_decoded;
		k->model = MMS_MODEL_SPARSEMEM_VMEMMAP;
		if (!k->vmemmap_base)
			k->vmemmap_base = first_decoded;
	} else {
		k->model = extreme ? MMS_MODEL_SPARSEMEM_EXTREME
				   : MMS_MODEL_SPARSEMEM;
	}
	return NULL;
}

static mms_error *flat_init(struct mms_dump *d, struct mms_memmodel *mm)
{
	uint64_t map;
	mms_error *err = mms_read_u64(d, d->k.sym_mem_map, &map);
	if (err)
		return mms_err_wrap(err, "reading mem_map");
	uint64_t max = 0;
	for (unsigned i = 0; i < d->nr_nodes; i++)
		if (d->nodes[i].start_pfn + d->nodes[i].spanned > max)
			max = d->nodes[i].start_pfn + d->nodes[i].spanned;
	uint64_t cap = 0;
	d->k.model = MMS_MODEL_FLATMEM;
	return add_run(mm, &cap, 0, max, map);
}

static mms_error *node_map_init(struct mms_dump *d, struct mms_memmodel *mm)
{
	uint64_t cap = 0;
	for (unsigned i = 0; i < d->nr_nodes; i++) {
		uint64_t map;
		mms_error *err = mms_read_u64(d, d->nodes[i].pgdat +
				(uint64_t)d->k.pgdat_node_mem_map, &map);
		if (!err)
			err = add_run(mm, &cap, d->nodes[i].start_pfn,
				      d->nodes[i].spanned, map);
		if (err)
			return err;
	}
	d->k.model = MMS_MODEL_DISCONTIGMEM;
	return NULL;
}

mms_error *mms_memmodel_init(struct mms_dump *d)
{
	struct mms_memmodel *mm = calloc(1, sizeof(*mm));
	if (!mm)
		return mms_err_nomem();
	d->mm = mm;
	mms_error *err;
	if (d->k.sym_mem_section_vmci ||
	    mms_facts_get(d->facts, "ELFSYM(mem_section)"))
		err = sparse_init(d, mm);
	else if (d->k.sym_mem_map && d->nr_nodes == 1)
		err = flat_init(d, mm);
	else if (d->k.pgdat_node_mem_map >= 0)
		err = node_map_init(d, mm);
	else
		err = mms_err(MMS_ERR_UNSUPPORTED, "%s: cannot tell the memory "
			      "model (no mem_section, mem_map or node_mem_map)",
			      d->path);
	if (err)
		return err;
	qsort(mm->runs, mm->nr_runs, sizeof(*mm->runs), cmp_run);
	return NULL;
}

void mms_memmodel_free(struct mms_memmodel *mm)
{
	if (!mm)
		return;
	free(mm->sections);
	free(mm->runs);
	free(mm);
}

const struct mms_section *mms_memmodel_section(const struct mms_memmodel *mm,
					       uint64_t nr)
{
	uint64_t lo = 0, hi = mm->nr_sections;
	while (lo < hi) {
		uint64_t mid = (lo + hi) / 2;
		if (mm->sections[mid].nr < nr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < mm->nr_sections && mm->sections[lo].nr == nr
		       ? &mm->sections[lo] : NULL;
}

mms_error *mms_pfn_to_page(struct mms_dump *d, uint64_t pfn, uint64_t *page)
{
	const struct mms_memmodel *mm = d->mm;
	if (mm->nr_sections) {
		uint64_t nr = pfn >> mm->pfn_section_shift;
		const struct mms_section *s = mms_memmodel_section(mm, nr);
		if (s) {
			*page = s->map0 + (pfn - (nr << mm->pfn_section_shift)) *
						  (uint64_t)d->k.page_sz;
			return NULL;
		}
	} else {
		for (uint64_t i = 0; i < mm->nr_runs; i++) {
			const struct mms_memmap_run *r = &mm->runs[i];
			if (pfn >= r->start_pfn && pfn - r->start_pfn < r->nr_pages) {
				*page = r->map + (pfn - r->start_pfn) *
							 (uint64_t)d->k.page_sz;
				return NULL;
			}
		}
	}
	return mms_err(MMS_ERR_NOTFOUND, "pfn 0x%llx has no struct page "
		       "(not in any present section or mem_map)",
		       (unsigned long long)pfn);
}

mms_error *mms_page_to_pfn(struct mms_dump *d, uint64_t page, uint64_t *pfn)
{
	const struct mms_memmodel *mm = d->mm;
	uint64_t sz = (uint64_t)d->k.page_sz;
	/* last run whose map starts at or below page */
	uint64_t lo = 0, hi = mm->nr_runs;
	while (lo < hi) {
		uint64_t mid = (lo + hi) / 2;
		if (mm->runs[mid].map <= page)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0) {
		const struct mms_memmap_run *r = &mm->runs[lo - 1];
		uint64_t delta = page - r->map;
		if (delta / sz < r->nr_pages && delta % sz == 0) {
			*pfn = r->start_pfn + delta / sz;
			return NULL;
		}
	}
	return mms_err(MMS_ERR_NOTFOUND, "0x%llx is not a struct page in any "
		       "mem_map", (unsigned long long)page);
}
