/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Lays out what a booted kernel's memory management leaves in memory:
 * the kernel image, per-cpu areas, pg_data_t and zones, the memory
 * model (mem_map, node_mem_map, mem_section, vmemmap), struct pages,
 * buddy free lists, per-cpu page lists and the vm counters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "synth.h"

#define A (s->abi)

static const char *const kind_names[PK_NKINDS] = {
	[PK_HOLE] = "hole", [PK_UNUSED] = "unused",
	[PK_FIRMWARE] = "firmware", [PK_KIMAGE] = "kernel_image",
	[PK_MEMBLOCK] = "memblock", [PK_PGTABLE] = "page_table",
	[PK_BUDDY_HEAD] = "buddy_head", [PK_BUDDY_TAIL] = "buddy_tail",
	[PK_PCP] = "pcp", [PK_ANON] = "anon", [PK_ANON_ACTIVE] = "anon_active",
	[PK_FILE] = "file", [PK_FILE_ACTIVE] = "file_active",
	[PK_FILE_DIRTY] = "file_dirty", [PK_SLAB] = "slab",
	[PK_SLAB_RECL] = "slab_reclaimable", [PK_KERNEL] = "kernel",
	[PK_THP_HEAD] = "thp_head", [PK_SLAB_HEAD] = "slab_compound_head",
	[PK_COMPOUND_TAIL] = "compound_tail", [PK_ZSMALLOC] = "zsmalloc",
};

const char *page_kind_name(int kind)
{
	return kind >= 0 && kind < PK_NKINDS ? kind_names[kind] : "?";
}

bool page_kind_reserved(int kind)
{
	return kind == PK_HOLE || kind == PK_FIRMWARE || kind == PK_KIMAGE ||
	       kind == PK_MEMBLOCK || kind == PK_PGTABLE;
}

/* ------------------------------------------------------------------ */

int pfn_zone(const struct synth *s, uint64_t pfn, int *nid)
{
	for (int n = 0; n < s->nnodes; n++)
		for (int z = 0; z < A->max_nr_zones; z++) {
			const struct synth_zone *zn = &s->nodes[n].zones[z];
			if (zn->populated && pfn >= zn->start_pfn &&
			    pfn < zn->end_pfn) {
				*nid = n;
				return z;
			}
		}
	/* a hole outside every zone: the kernel gives it the node's
	 * nearest zone below (or the first one) */
	for (int n = s->nnodes - 1; n >= 0; n--) {
		const struct synth_node *nd = &s->nodes[n];
		if (pfn < nd->start_pfn && n > 0)
			continue;
		int best = -1;
		for (int z = 0; z < A->max_nr_zones; z++)
			if (nd->zones[z].populated &&
			    (best < 0 || nd->zones[z].start_pfn <= pfn))
				best = z;
		*nid = n;
		return best < 0 ? 0 : best;
	}
	*nid = 0;
	return 0;
}

static uint64_t section_nr(uint64_t pfn)
{
	return pfn >> (27 - SYNTH_PAGE_SHIFT);
}

static uint64_t section_pages(void)
{
	return 1ULL << (27 - SYNTH_PAGE_SHIFT);
}

bool page_has_memmap(const struct synth *s, uint64_t pfn)
{
	switch (A->model) {
	case MODEL_FLATMEM:
		return pfn < s->max_pfn;
	case MODEL_DISCONTIGMEM:
		for (int n = 0; n < s->nnodes; n++)
			if (pfn >= s->nodes[n].start_pfn &&
			    pfn < s->nodes[n].end_pfn)
				return true;
		return false;
	default:
		return section_nr(pfn) <= section_nr(s->max_pfn - 1) &&
		       s->section_map_va[section_nr(pfn)] != 0;
	}
}

uint64_t page_va(const struct synth *s, uint64_t pfn)
{
	switch (A->model) {
	case MODEL_FLATMEM:
		return s->mem_map_va + pfn * s->pg_size;
	case MODEL_DISCONTIGMEM:
		for (int n = 0; n < s->nnodes; n++)
			if (pfn >= s->nodes[n].start_pfn &&
			    pfn < s->nodes[n].end_pfn)
				return s->nodes[n].memmap_va +
				       (pfn - s->nodes[n].start_pfn) * s->pg_size;
		break;
	case MODEL_SPARSEMEM_EXTREME:
		if (page_has_memmap(s, pfn))
			return s->section_map_va[section_nr(pfn)] +
			       (pfn & (section_pages() - 1)) * s->pg_size;
		break;
	case MODEL_SPARSEMEM_VMEMMAP:
		return s->vmemmap_base + pfn * s->pg_size;
	}
	fprintf(stderr, "mms-synth: pfn 0x%llx has no struct page\n",
		(unsigned long long)pfn);
	abort();
}

static uint64_t bit(const struct synth *s, const char *flag)
{
	char key[64];
	snprintf(key, sizeof(key), "NUMBER(%s)", flag);
	return 1ULL << abi_num(s->abi, key);
}

/* ------------------------------------------------------------------ */
/* Nodes, zones, kernel image, per-cpu                                 */

static void setup_nodes(struct synth *s)
{
	const struct layout_def *d = s->def;
	s->nnodes = d->nnodes;
	for (int n = 0; n < d->nnodes; n++) {
		struct synth_node *nd = &s->nodes[n];
		nd->nid = n;
		nd->start_pfn = UINT64_MAX;
		nd->end_pfn = 0;
		for (int z = 0; z < A->max_nr_zones; z++) {
			nd->zones[z].nid = n;
			nd->zones[z].idx = z;
		}
		for (int i = 0; i < d->nodes[n].nzones; i++) {
			const struct zone_def *zd = &d->nodes[n].zones[i];
			struct synth_zone *z = &nd->zones[zd->zone];
			z->start_pfn = zd->start_pfn;
			z->end_pfn = zd->end_pfn;
			for (uint64_t p = z->start_pfn; p < z->end_pfn; p++)
				if (image_is_ram(s, p))
					z->present++;
			z->populated = z->present > 0;
			if (!z->populated)
				continue;
			if (zd->zone + 1 > nd->nr_zones)
				nd->nr_zones = zd->zone + 1;
			nd->present += z->present;
		}
		/* the node spans its RAM, from the first range it owns */
		for (int r = 0; r < s->nram; r++) {
			uint64_t a = s->ram[r].start_pfn, b = s->ram[r].end_pfn;
			bool mine = false;
			for (int z = 0; z < A->max_nr_zones; z++) {
				struct synth_zone *zn = &nd->zones[z];
				if (zn->populated && a < zn->end_pfn &&
				    b > zn->start_pfn)
					mine = true;
			}
			if (!mine)
				continue;
			if (a < nd->start_pfn)
				nd->start_pfn = a;
			if (b > nd->end_pfn)
				nd->end_pfn = b;
		}
		for (int z = 0; z < A->max_nr_zones; z++) {
			struct synth_zone *zn = &nd->zones[z];
			if (zn->populated && zn->end_pfn > nd->end_pfn)
				nd->end_pfn = zn->end_pfn;
		}
	}
	/* firmware keeps pfn 0 */
	if (image_is_ram(s, 0))
		s->kind[0] = PK_FIRMWARE;
}

static void place_kernel(struct synth *s)
{
	const struct layout_def *d = s->def;
	uint64_t text = vmlinux_sym(&s->vm, "_text");
	uint64_t end = vmlinux_sym(&s->vm, "_end");
	s->kaslr = d->kaslr_offset;
	s->kernel_phys = d->kernel_phys;
	/* __pa_symbol(x) = x - __START_KERNEL_map + phys_base */
	s->phys_base = d->kernel_phys - (text + s->kaslr - START_KERNEL_MAP);
	s->kernel_size = (end - text + SYNTH_PAGE_SIZE - 1) & ~(SYNTH_PAGE_SIZE - 1);
	for (uint64_t p = d->kernel_phys >> SYNTH_PAGE_SHIFT;
	     p < (d->kernel_phys + s->kernel_size) >> SYNTH_PAGE_SHIFT; p++) {
		if (s->kind[p] != PK_UNUSED) {
			fprintf(stderr, "mms-synth: kernel image not in RAM\n");
			abort();
		}
		s->kind[p] = PK_KIMAGE;
	}
	uint64_t pcpu_load = vmlinux_sym(&s->vm, "__per_cpu_load");
	for (size_t i = 0; i < s->vm.nsections; i++) {
		const struct vm_section *sec = &s->vm.sections[i];
		if (sec->nobits || !sec->size)
			continue;
		uint64_t link = sec->addr;
		if (!strcmp(sec->name, ".data..percpu"))
			link = pcpu_load;
		if (link < START_KERNEL_MAP)
			continue;
		kw(s, link + s->kaslr, sec->data, sec->size);
	}
	/* what the boot-time relocation does for KASLR: every absolute
	 * pointer into the kernel image moves with it (per-cpu ones not) */
	for (size_t i = 0; s->kaslr && i < s->vm.nrelocs; i++) {
		const struct vm_reloc *r = &s->vm.relocs[i];
		if (r->addr < START_KERNEL_MAP || r->value < START_KERNEL_MAP)
			continue;
		if (r->size == 8)
			kw64(s, r->addr + s->kaslr, r->value + s->kaslr);
		else
			kw32(s, r->addr + s->kaslr, (uint32_t)(r->value + s->kaslr));
	}
}

static void write_globals(struct synth *s)
{
	const struct layout_def *d = s->def;
	kw64(s, ktext_va(s, "page_offset_base"), s->page_offset_base);
	kw64(s, ktext_va(s, "vmalloc_base"), s->vmalloc_base);
	kw64(s, ktext_va(s, "vmemmap_base"), s->vmemmap_base);
	kw64(s, ktext_va(s, "phys_base"), s->phys_base);
	kw64(s, ktext_va(s, "max_pfn"), s->max_pfn);
	kw32(s, ktext_va(s, "nr_cpu_ids"), (uint32_t)d->ncpus);
	uint64_t possible = (d->ncpus >= 64) ? ~0ULL : ((1ULL << d->ncpus) - 1);
	kw64(s, ktext_va(s, "__cpu_possible_mask"), possible);
	kw64(s, ktext_va(s, "__cpu_present_mask"), possible);
	kw64(s, ktext_va(s, "__cpu_online_mask"), d->online_mask & possible);
	uint64_t states = ktext_va(s, "node_states");
	uint64_t nm_size = abi_size(A, "nodemask_t");
	uint64_t nodes = (1ULL << s->nnodes) - 1;
	uint64_t cpu_nodes = 1;	/* every CPU sits on node 0 */
	kw64(s, states + nm_size * abi_enum(A, "N_POSSIBLE"), nodes);
	kw64(s, states + nm_size * abi_enum(A, "N_ONLINE"), nodes);
	kw64(s, states + nm_size * abi_enum(A, "N_NORMAL_MEMORY"), nodes);
	kw64(s, states + nm_size * abi_enum(A, "N_MEMORY"), nodes);
	kw64(s, states + nm_size * abi_enum(A, "N_CPU"), cpu_nodes);
}

static void setup_percpu(struct synth *s)
{
	uint64_t start = vmlinux_sym(&s->vm, "__per_cpu_start");
	uint64_t end = vmlinux_sym(&s->vm, "__per_cpu_end");
	const struct vm_section *tmpl = vmlinux_section(&s->vm, ".data..percpu");
	s->ncpus = s->def->ncpus;
	s->pcpu_static_size = end - start;
	s->pcpu_unit_size = 64 * 1024;
	s->pcpu_dyn_next = (s->pcpu_static_size + 63) & ~63ULL;
	uint64_t first = mb_alloc(s, 0, s->pcpu_unit_size * s->ncpus,
				  SYNTH_PAGE_SIZE, PK_MEMBLOCK);
	uint64_t offs = ktext_va(s, "__per_cpu_offset");
	/* CPUs that cannot exist keep the boot offset (__per_cpu_load) */
	for (int c = 0; c < A->nr_cpus; c++)
		kw64(s, offs + 8 * c, ktext_va(s, "__per_cpu_load") - start);
	for (int c = 0; c < s->ncpus; c++) {
		s->pcpu_unit_va[c] = first + c * s->pcpu_unit_size;
		if (tmpl && tmpl->data)
			kw(s, s->pcpu_unit_va[c], tmpl->data, tmpl->size);
		kw64(s, offs + 8 * c, s->pcpu_unit_va[c] - start);
		kw64(s, s->pcpu_unit_va[c] + vmlinux_sym(&s->vm, "this_cpu_off"),
		     s->pcpu_unit_va[c] - start);
		kw32(s, s->pcpu_unit_va[c] + vmlinux_sym(&s->vm, "cpu_number"),
		     (uint32_t)c);
	}
}

/* dynamic per-cpu allocation: returns the __percpu pointer value */
static uint64_t pcpu_alloc(struct synth *s, uint64_t size)
{
	uint64_t off = (s->pcpu_dyn_next + 63) & ~63ULL;
	s->pcpu_dyn_next = off + size;
	if (s->pcpu_dyn_next > s->pcpu_unit_size)
		abort();
	return off;
}

static uint64_t pcpu_va(const struct synth *s, int cpu, uint64_t off)
{
	return s->pcpu_unit_va[cpu] + off;
}

/* ------------------------------------------------------------------ */
/* Memory model                                                        */

static void alloc_pgdats(struct synth *s)
{
	uint64_t size = abi_size(A, "pglist_data");
	for (int n = 0; n < s->nnodes; n++) {
		struct synth_node *nd = &s->nodes[n];
		if (A->numa) {
			nd->pgdat_va = mb_alloc(s, n, size, SYNTH_PAGE_SIZE,
						PK_MEMBLOCK);
			kw64(s, ktext_va(s, "node_data") + 8 * n, nd->pgdat_va);
		} else {
			nd->pgdat_va = ktext_va(s, "contig_page_data");
		}
		for (int z = 0; z < A->max_nr_zones; z++)
			nd->zones[z].va = nd->pgdat_va +
				abi_off(A, "pglist_data.node_zones") +
				z * abi_size(A, "zone");
	}
}

static int section_node(const struct synth *s, uint64_t sec)
{
	uint64_t a = sec * section_pages(), b = a + section_pages();
	for (int n = 0; n < s->nnodes; n++)
		if (s->nodes[n].start_pfn < b && s->nodes[n].end_pfn > a)
			return n;
	return 0;
}

static bool section_has_ram(const struct synth *s, uint64_t sec)
{
	uint64_t a = sec * section_pages(), b = a + section_pages();
	for (int r = 0; r < s->nram; r++)
		if (s->ram[r].start_pfn < b && s->ram[r].end_pfn > a)
			return true;
	return false;
}

#define SECTION_MARKED_PRESENT	(1ULL << 0)
#define SECTION_HAS_MEM_MAP	(1ULL << 1)
#define SECTION_IS_ONLINE	(1ULL << 2)
#define SECTION_IS_EARLY	(1ULL << 3)

static void alloc_memmap(struct synth *s)
{
	uint64_t psz = s->pg_size;
	uint64_t nsecmap = (section_pages() * psz) >> SYNTH_PAGE_SHIFT;
	if (A->model == MODEL_FLATMEM) {
		s->memmap_pages = (s->max_pfn * psz + SYNTH_PAGE_SIZE - 1) >> SYNTH_PAGE_SHIFT;
		s->mem_map_va = mb_alloc(s, 0, s->max_pfn * psz, SYNTH_PAGE_SIZE,
					 PK_MEMBLOCK);
		kw64(s, ktext_va(s, "mem_map"), s->mem_map_va);
		kw64(s, ktext_va(s, "max_mapnr"), s->max_pfn);
		return;
	}
	if (A->model == MODEL_DISCONTIGMEM) {
		for (int n = 0; n < s->nnodes; n++) {
			struct synth_node *nd = &s->nodes[n];
			nd->memmap_va = mb_alloc(s, n,
				(nd->end_pfn - nd->start_pfn) * psz,
				SYNTH_PAGE_SIZE, PK_MEMBLOCK);
			s->memmap_pages += ((nd->end_pfn - nd->start_pfn) * psz +
					    SYNTH_PAGE_SIZE - 1) >> SYNTH_PAGE_SHIFT;
		}
		return;
	}
	/* SPARSEMEM_EXTREME: mem_section -> roots -> struct mem_section */
	uint64_t nsec = section_nr(s->max_pfn - 1) + 1;
	s->section_map_va = calloc(nsec, sizeof(uint64_t));
	uint64_t nroots = abi_enum(A, "NR_SECTION_ROOTS");
	uint64_t per_root = abi_enum(A, "SECTIONS_PER_ROOT");
	uint64_t ms_size = abi_size(A, "mem_section");
	s->section_root_va = mb_alloc(s, 0, nroots * 8, SYNTH_PAGE_SIZE,
				      PK_MEMBLOCK);
	kw64(s, ktext_va(s, "mem_section"), s->section_root_va);
	uint64_t usage_size = abi_size(A, "mem_section_usage") +
		(section_pages() / PFN_2M) * abi_enum(A, "NR_PAGEBLOCK_BITS") / 8;
	for (uint64_t sec = 0; sec < nsec; sec++) {
		if (!section_has_ram(s, sec))
			continue;
		int nid = section_node(s, sec);
		uint64_t root_slot = s->section_root_va + 8 * (sec / per_root);
		uint64_t root = kr64(s, root_slot);
		if (!root) {
			root = mb_alloc(s, nid, SYNTH_PAGE_SIZE, SYNTH_PAGE_SIZE,
					PK_MEMBLOCK);
			kw64(s, root_slot, root);
		}
		uint64_t ms = root + (sec % per_root) * ms_size;
		uint64_t map, first_pfn = sec * section_pages();
		if (A->model == MODEL_SPARSEMEM_VMEMMAP) {
			/* one 2 MiB block of struct pages per section,
			 * mapped by a PMD at vmemmap + pfn */
			uint64_t blk = mb_alloc(s, nid, section_pages() * psz,
						2 << 20, PK_MEMBLOCK);
			map = s->vmemmap_base + first_pfn * psz;
			struct synth_map *m = &s->vmemmap[s->nvmemmap++];
			m->va = map;
			m->pa = kv2p(s, blk);
			m->len = section_pages() * psz;
		} else {
			map = mb_alloc(s, nid, section_pages() * psz,
				       SYNTH_PAGE_SIZE, PK_MEMBLOCK);
		}
		s->section_map_va[sec] = map;
		s->memmap_pages += nsecmap;
		uint64_t flags = SECTION_MARKED_PRESENT | SECTION_HAS_MEM_MAP;
		if (A->era >= 419)
			flags |= SECTION_IS_ONLINE;
		if (A->era >= 601)
			flags |= SECTION_IS_EARLY;
		/* the kernel stores the map biased by the section's first
		 * pfn, so that map + pfn works for every pfn in it */
		kw64(s, ms + abi_off(A, "mem_section.section_mem_map"),
		     (map - first_pfn * psz) | flags);
		uint64_t usage = mb_alloc(s, nid, usage_size, 8, PK_MEMBLOCK);
		kw64(s, ms + abi_off(A, "mem_section.usage"), usage);
		uint64_t sub = 0;
		for (uint64_t i = 0; i < 64; i++) {
			uint64_t a = first_pfn + i * PFN_2M;
			for (uint64_t p = a; p < a + PFN_2M; p++)
				if (image_is_ram(s, p)) {
					sub |= 1ULL << i;
					break;
				}
		}
		kw64(s, usage + abi_off(A, "mem_section_usage.subsection_map"), sub);
	}
}

static void build_page_tables(struct synth *s)
{
	/* present, rw, accessed, dirty, PSE, global; NX on data */
	const uint64_t ktext = 0x1e3ULL;
	const uint64_t kdata = 0x80000000000001e3ULL;
	uint64_t last = UINT64_MAX;
	for (int r = 0; r < s->nram; r++) {
		uint64_t a = s->ram[r].start_pfn / PFN_2M * PFN_2M;
		for (uint64_t p = a; p < s->ram[r].end_pfn; p += PFN_2M) {
			if (p == last)
				continue;
			pt_map_2m(s, dmap_va(s, p << SYNTH_PAGE_SHIFT),
				  p << SYNTH_PAGE_SHIFT, kdata);
			last = p;
		}
	}
	uint64_t text = ktext_va(s, "_text");
	for (uint64_t off = 0; off < s->kernel_size; off += 2 << 20)
		pt_map_2m(s, text + off, s->kernel_phys + off, ktext);
	for (int i = 0; i < s->nvmemmap; i++)
		for (uint64_t off = 0; off < s->vmemmap[i].len; off += 2 << 20)
			pt_map_2m(s, s->vmemmap[i].va + off,
				  s->vmemmap[i].pa + off, kdata);
}

static void alloc_misc(struct synth *s)
{
	for (int n = 0; n < s->nnodes; n++) {
		struct synth_node *nd = &s->nodes[n];
		nd->nodestat_off = pcpu_alloc(s, abi_size(A, "per_cpu_nodestat"));
		for (int z = 0; z < A->max_nr_zones; z++) {
			struct synth_zone *zn = &nd->zones[z];
			zn->pcp_off = pcpu_alloc(s, abi_size(A, "per_cpu_pages"));
			zn->zonestat_off = pcpu_alloc(s, abi_size(A, "per_cpu_zonestat"));
			if (!zn->populated || !abi_has(A, "OFFSET(zone.pageblock_flags)"))
				continue;
			/* !SPARSEMEM: the zone's own pageblock bitmap */
			uint64_t base = zn->start_pfn / PFN_2M * PFN_2M;
			uint64_t nblocks = (zn->end_pfn - base + PFN_2M - 1) / PFN_2M;
			uint64_t bytes = (nblocks * abi_enum(A, "NR_PAGEBLOCK_BITS") + 63) / 64 * 8;
			uint64_t bm = mb_alloc(s, n, bytes, 8, PK_MEMBLOCK);
			kw64(s, zn->va + abi_off(A, "zone.pageblock_flags"), bm);
		}
	}
	/* objects that page->mapping and slab pages point at */
	s->addr_space_va = mb_alloc(s, 0, 512, 64, PK_MEMBLOCK);
	s->anon_vma_va = mb_alloc(s, 0, 128, 64, PK_MEMBLOCK);
	s->kmem_cache_va[0] = mb_alloc(s, 0, 256, 64, PK_MEMBLOCK);
	s->kmem_cache_va[1] = mb_alloc(s, 0, 256, 64, PK_MEMBLOCK);
}

/* ------------------------------------------------------------------ */
/* Page states: free blocks, per-cpu pages, used pages                 */

struct fill {
	struct synth *s;
	struct synth_zone *z;
	int mt_movable, mt_unmovable, mt_reclaimable, mt_highatomic;
	int pcp_cap;
};

static bool pfn_avail(const struct fill *f, uint64_t pfn)
{
	return pfn >= f->z->start_pfn && pfn < f->z->end_pfn &&
	       pfn < f->s->max_pfn && f->s->kind[pfn] == PK_UNUSED;
}

static uint64_t count_avail(const struct fill *f, uint64_t pfn, uint64_t n)
{
	uint64_t c = 0;
	for (uint64_t p = pfn; p < pfn + n; p++)
		c += pfn_avail(f, p);
	return c;
}

static void list_add(struct free_entry_list *l, uint64_t pfn)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->pfn = realloc(l->pfn, l->cap * sizeof(*l->pfn));
	}
	l->pfn[l->n++] = pfn;
}

static void make_free(struct fill *f, uint64_t pfn, int order, int mt)
{
	struct synth *s = f->s;
	uint64_t n = 1ULL << order;
	s->kind[pfn] = PK_BUDDY_HEAD;
	s->order[pfn] = (uint8_t)order;
	for (uint64_t p = pfn + 1; p < pfn + n; p++)
		s->kind[p] = PK_BUDDY_TAIL;
	list_add(&f->z->lists[order][mt], pfn);
}

static void make_compound(struct fill *f, uint64_t pfn, int order, int head)
{
	struct synth *s = f->s;
	s->kind[pfn] = (uint8_t)head;
	s->order[pfn] = (uint8_t)order;
	for (uint64_t p = pfn + 1; p < pfn + (1ULL << order); p++) {
		s->kind[p] = PK_COMPOUND_TAIL;
		s->order[p] = (uint8_t)order;
	}
	if (head == PK_THP_HEAD)
		f->z->thp++;
}

static int pick(struct synth *s, const int *kinds, const double *w, int n)
{
	double r = rndf(s), acc = 0;
	for (int i = 0; i < n; i++) {
		acc += w[i];
		if (r < acc)
			return kinds[i];
	}
	return kinds[n - 1];
}

static void alloc_single(struct fill *f, uint64_t pfn, int mt)
{
	struct synth *s = f->s;
	int kind;
	if (mt < A->pcptypes && rndf(s) < 0.12) {
		int online[MAX_CPUS], n = 0;
		for (int c = 0; c < s->ncpus; c++)
			if (s->def->online_mask & (1u << c))
				online[n++] = c;
		int cpu = online[rnd(s) % n];
		if (f->z->pcp_count[cpu] < f->pcp_cap) {
			s->kind[pfn] = PK_PCP;
			s->pcpu[pfn] = (uint8_t)cpu;
			f->z->pcp_count[cpu]++;
			list_add(&f->z->pcp[cpu][mt], pfn);
			return;
		}
	}
	if (!A->migrate) {
		static const int k[] = { PK_ANON, PK_ANON_ACTIVE, PK_FILE,
			PK_FILE_ACTIVE, PK_SLAB, PK_KERNEL };
		static const double w[] = { .25, .15, .25, .15, .1, .1 };
		kind = pick(s, k, w, 6);
	} else if (mt == f->mt_movable && A->era >= 612 && rndf(s) < 0.05) {
		kind = PK_ZSMALLOC;
	} else if (mt == f->mt_movable) {
		static const int k[] = { PK_ANON, PK_ANON_ACTIVE, PK_FILE,
			PK_FILE_ACTIVE, PK_FILE_DIRTY, PK_KERNEL };
		static const double w[] = { .28, .17, .22, .17, .1, .06 };
		kind = pick(s, k, w, 6);
	} else if (mt == f->mt_unmovable) {
		static const int k[] = { PK_SLAB, PK_KERNEL };
		static const double w[] = { .45, .55 };
		kind = pick(s, k, w, 2);
	} else if (mt == f->mt_reclaimable) {
		static const int k[] = { PK_SLAB_RECL, PK_FILE };
		static const double w[] = { .75, .25 };
		kind = pick(s, k, w, 2);
	} else {
		static const int k[] = { PK_KERNEL, PK_SLAB };
		static const double w[] = { .6, .4 };
		kind = pick(s, k, w, 2);
	}
	s->kind[pfn] = (uint8_t)kind;
}

static const double p_free[MAX_ORDERS] = {
	.30, .30, .30, .30, .28, .26, .24, .22, .20, .22, .30,
};

/* Returns whether [pfn, pfn + 2^order) became one free block.  Two free
 * buddies of the same order never coexist (the kernel merges them), so
 * the second half may not become whole-free when the first one did. */
static bool fill_block(struct fill *f, uint64_t pfn, int order, bool forbid)
{
	struct synth *s = f->s;
	uint64_t n = 1ULL << order;
	uint64_t avail = count_avail(f, pfn, n);
	if (!avail)
		return false;
	int mt = s->pb_mt[pfn / PFN_2M];
	if (avail == n) {
		bool mt_ok = true;
		if (order > 9)
			for (uint64_t b = pfn / PFN_2M; b < (pfn + n) / PFN_2M; b++)
				if (s->pb_mt[b] != mt)
					mt_ok = false;
		if (!forbid && mt_ok && rndf(s) < p_free[order]) {
			make_free(f, pfn, order, mt);
			return true;
		}
		if (s->def->compound_pages && order == 9 &&
		    mt == f->mt_movable && rndf(s) < 0.6) {
			make_compound(f, pfn, order, PK_THP_HEAD);
			return false;
		}
		if (s->def->compound_pages && order >= 1 && order <= 3 &&
		    (mt == f->mt_unmovable || mt == f->mt_reclaimable) &&
		    rndf(s) < 0.15) {
			make_compound(f, pfn, order, PK_SLAB_HEAD);
			return false;
		}
	}
	if (order == 0) {
		alloc_single(f, pfn, mt);
		return false;
	}
	bool first = fill_block(f, pfn, order - 1, false);
	fill_block(f, pfn + n / 2, order - 1, first);
	return false;
}

static void assign_pageblocks(struct synth *s, struct fill *f)
{
	struct synth_zone *z = f->z;
	uint64_t first = z->start_pfn / PFN_2M, last = (z->end_pfn - 1) / PFN_2M;
	for (uint64_t b = first; b <= last; b++) {
		int mt;
		if (!A->migrate) {
			mt = 0;
		} else if (A->migrate == 1 && b - first < 2) {
			mt = (int)abi_enum(A, "MIGRATE_RESERVE");
		} else if ((b & 1) && rndf(s) < 0.7) {
			mt = s->pb_mt[b - 1];	/* pairs for order-10 blocks */
		} else {
			double r = rndf(s);
			if (r < 0.6)
				mt = f->mt_movable;
			else if (r < 0.8)
				mt = f->mt_unmovable;
			else if (r < 0.93 || f->mt_highatomic < 0)
				mt = f->mt_reclaimable;
			else
				mt = f->mt_highatomic;
		}
		s->pb_mt[b] = (uint8_t)mt;
	}
}

static void shuffle(struct synth *s, struct free_entry_list *l)
{
	for (size_t i = l->n; i > 1; i--) {
		size_t j = rnd(s) % i;
		uint64_t t = l->pfn[i - 1];
		l->pfn[i - 1] = l->pfn[j];
		l->pfn[j] = t;
	}
}

static void fill_zones(struct synth *s)
{
	for (int n = 0; n < s->nnodes; n++)
		for (int zi = 0; zi < A->max_nr_zones; zi++) {
			struct synth_zone *z = &s->nodes[n].zones[zi];
			if (!z->populated)
				continue;
			struct fill f = { .s = s, .z = z, .mt_highatomic = -1 };
			if (A->migrate) {
				f.mt_movable = (int)abi_enum(A, "MIGRATE_MOVABLE");
				f.mt_unmovable = (int)abi_enum(A, "MIGRATE_UNMOVABLE");
				f.mt_reclaimable = (int)abi_enum(A, "MIGRATE_RECLAIMABLE");
				if (A->migrate == 2)
					f.mt_highatomic = (int)abi_enum(A, "MIGRATE_HIGHATOMIC");
			}
			/* reserved pages do not count as managed */
			uint64_t reserved = 0;
			for (uint64_t p = z->start_pfn; p < z->end_pfn; p++)
				if (image_is_ram(s, p) && s->kind[p] != PK_UNUSED)
					reserved++;
			z->managed = z->present - reserved;
			uint64_t batch = z->managed >> 10;
			uint64_t b2 = 1;
			while (b2 * 2 <= batch + batch / 2)
				b2 *= 2;
			z->pcp_batch = b2 > 1 ? (int)b2 - 1 : 1;
			z->pcp_high = 6 * z->pcp_batch;
			f.pcp_cap = z->pcp_high;
			assign_pageblocks(s, &f);
			uint64_t top = 1ULL << (A->nr_orders - 1);
			for (uint64_t p = z->start_pfn / top * top; p < z->end_pfn;
			     p += top)
				fill_block(&f, p, A->nr_orders - 1, false);
			for (int o = 0; o < A->nr_orders; o++)
				for (int mt = 0; mt < A->migrate_types; mt++) {
					shuffle(s, &z->lists[o][mt]);
					z->reachable[o][mt] = z->lists[o][mt].n;
					z->nr_free[o] += z->lists[o][mt].n;
					z->free_pages += z->lists[o][mt].n << o;
				}
		}
}

/* ------------------------------------------------------------------ */
/* struct page contents                                                */

uint64_t page_flags_value(const struct synth *s, uint64_t pfn)
{
	int nid;
	int zone = pfn_zone(s, pfn, &nid);
	uint64_t v = 0;
	int pgshift = 64;
	if (A->sections_width) {
		pgshift -= A->sections_width;
		v |= section_nr(pfn) << pgshift;
	}
	if (A->nodes_width) {
		pgshift -= A->nodes_width;
		v |= (uint64_t)nid << pgshift;
	}
	pgshift -= A->zones_width;
	v |= (uint64_t)zone << pgshift;
	return v;
}

static uint32_t buddy_mapcount(const struct synth *s)
{
	switch (A->buddy) {
	case BUDDY_MAPCOUNT:
		return (uint32_t)-128;
	case BUDDY_PAGE_TYPE:
		return ~(uint32_t)abi_enum(A, "PG_buddy");
	case BUDDY_TOP_BYTE:
		return (uint32_t)abi_enum(A, "PGTY_buddy") << 24;
	default:
		return (uint32_t)-1;
	}
}

bool page_is_buddy_marked(const struct synth *s, uint64_t pfn)
{
	uint64_t va = page_va(s, pfn);
	if (A->buddy == BUDDY_PG_BUDDY)
		return kr64(s, va + s->pg_flags) & bit(s, "PG_buddy");
	uint32_t mc;
	kr(s, va + s->pg_mapcount, &mc, 4);
	switch (A->buddy) {
	case BUDDY_MAPCOUNT:
		return mc == (uint32_t)-128;
	case BUDDY_PAGE_TYPE:
		return (mc & (0xf0000000u | 0x80u)) == 0xf0000000u;
	default:
		return (mc >> 24) == 0xf0;
	}
}

static void write_compound_tail(struct synth *s, uint64_t pfn, uint64_t head,
				int order, int head_kind)
{
	uint64_t va = page_va(s, pfn);
	kw64(s, va + s->pg_compound_head, page_va(s, head) | 1);
	if (pfn != head + 1)
		return;
	/* the first tail page carries the compound order */
	if (A->era >= 612) {
		uint64_t f = kr64(s, va + s->pg_flags);
		f |= (uint64_t)order;
		if (head_kind == PK_THP_HEAD)	/* PG_large_rmappable */
			f |= bit(s, "PG_workingset");
		kw64(s, va + s->pg_flags, f);
	} else {
		kw8(s, va + abi_off(A, "page.compound_dtor"),
		    head_kind == PK_THP_HEAD ? 3 : 1);
		kw8(s, va + abi_off(A, "page.compound_order"), (uint8_t)order);
	}
}

static void write_struct_page(struct synth *s, uint64_t pfn)
{
	uint64_t va = page_va(s, pfn);
	int kind = s->kind[pfn];
	uint64_t flags = page_flags_value(s, pfn);
	uint32_t mapcount = (uint32_t)-1;
	uint32_t refcount = 1;
	uint64_t mapping = 0, index = 0, private = 0;
	uint64_t uptodate_lru = bit(s, "PG_uptodate") | bit(s, "PG_lru");
	bool slab_type = A->era >= 612;

	switch (kind) {
	case PK_HOLE: case PK_FIRMWARE: case PK_KIMAGE: case PK_MEMBLOCK:
	case PK_PGTABLE: case PK_UNUSED:
		flags |= bit(s, "PG_reserved");
		break;
	case PK_BUDDY_HEAD:
		refcount = 0;
		private = s->order[pfn];
		mapcount = buddy_mapcount(s);
		if (A->buddy == BUDDY_PG_BUDDY)
			flags |= bit(s, "PG_buddy");
		break;
	case PK_BUDDY_TAIL:
		refcount = 0;
		break;
	case PK_PCP:
		refcount = 0;
		index = s->pb_mt[pfn / PFN_2M];	/* pcp migratetype */
		break;
	case PK_ANON: case PK_ANON_ACTIVE:
		flags |= uptodate_lru | bit(s, "PG_swapbacked");
		if (kind == PK_ANON_ACTIVE)
			flags |= bit(s, "PG_active");
		if (pfn % 3 == 0)
			flags |= bit(s, "PG_dirty");
		mapping = s->anon_vma_va | 1;	/* PAGE_MAPPING_ANON */
		index = 0x7f0000000ULL + pfn;
		mapcount = 0;
		break;
	case PK_FILE: case PK_FILE_ACTIVE: case PK_FILE_DIRTY:
		flags |= uptodate_lru;
		if (kind == PK_FILE_ACTIVE)
			flags |= bit(s, "PG_active");
		if (kind == PK_FILE_DIRTY)
			flags |= bit(s, "PG_dirty");
		else if (pfn & 1)
			flags |= bit(s, "PG_referenced");
		mapping = s->addr_space_va;
		index = pfn & 0xffff;
		if (pfn % 4 == 0) {
			mapcount = 0;
			refcount = 2;
		}
		break;
	case PK_SLAB: case PK_SLAB_RECL:
		if (slab_type)
			mapcount = (uint32_t)abi_enum(A, "PGTY_slab") << 24;
		else
			flags |= bit(s, "PG_slab");
		kw64(s, va + abi_off(A, "page.slab_cache"),
		     s->kmem_cache_va[kind == PK_SLAB_RECL]);
		break;
	case PK_KERNEL:
		break;
	case PK_THP_HEAD:
		flags |= bit(s, "PG_head") | uptodate_lru |
			 bit(s, "PG_swapbacked") | bit(s, "PG_active");
		mapping = s->anon_vma_va | 1;
		index = 0x7f0000000ULL + pfn;
		mapcount = 0;
		break;
	case PK_SLAB_HEAD:
		flags |= bit(s, "PG_head");
		if (slab_type)
			mapcount = (uint32_t)abi_enum(A, "PGTY_slab") << 24;
		else
			flags |= bit(s, "PG_slab");
		break;
	case PK_COMPOUND_TAIL:
		refcount = 0;
		break;
	case PK_ZSMALLOC:
		/* the first object's offset lives in the low 24 bits; with
		 * bit 7 clear, a 4.18-style test would call the page buddy */
		mapcount = (uint32_t)abi_enum(A, "PGTY_zsmalloc") << 24 |
			   ((pfn & 1) ? 0x1f0u : 0x230u);
		flags |= bit(s, "PG_private");
		break;
	}
	kw64(s, va + s->pg_flags, flags);
	kw32(s, va + s->pg_refcount, refcount);
	kw32(s, va + s->pg_mapcount, mapcount);
	if (mapping)
		kw64(s, va + s->pg_mapping, mapping);
	if (index)
		kw64(s, va + s->pg_index, index);
	if (private)
		kw64(s, va + s->pg_private, private);
	if (kind == PK_SLAB_HEAD)
		kw64(s, va + abi_off(A, "page.slab_cache"), s->kmem_cache_va[0]);
	if (kind == PK_COMPOUND_TAIL) {
		uint64_t head = pfn & ~((1ULL << s->order[pfn]) - 1);
		write_compound_tail(s, pfn, head, s->order[pfn], s->kind[head]);
	}
}

static void write_struct_pages(struct synth *s)
{
	for (uint64_t pfn = 0; pfn < s->max_pfn; pfn++)
		if (page_has_memmap(s, pfn))
			write_struct_page(s, pfn);
	/* struct pages of a present section above the last RAM pfn */
	if (A->model == MODEL_SPARSEMEM_EXTREME || A->model == MODEL_SPARSEMEM_VMEMMAP) {
		uint64_t end = (section_nr(s->max_pfn - 1) + 1) * section_pages();
		for (uint64_t pfn = s->max_pfn; pfn < end; pfn++) {
			uint64_t va = page_va(s, pfn);
			kw64(s, va + s->pg_flags, page_flags_value(s, pfn) |
			     bit(s, "PG_reserved"));
			kw32(s, va + s->pg_refcount, 1);
			kw32(s, va + s->pg_mapcount, (uint32_t)-1);
		}
	}
}

static void link_list(struct synth *s, uint64_t head, const struct free_entry_list *l)
{
	uint64_t prev = head;
	for (size_t i = 0; i < l->n; i++) {
		uint64_t node = page_va(s, l->pfn[i]) + s->pg_lru;
		kw64(s, prev, node);		/* prev->next */
		kw64(s, node + 8, prev);	/* node->prev */
		prev = node;
	}
	kw64(s, prev, head);
	kw64(s, head + 8, prev);
}

static uint64_t free_list_head(const struct synth *s, const struct synth_zone *z,
			       int order, int mt)
{
	return z->va + abi_off(A, "zone.free_area") +
	       order * abi_size(A, "free_area") +
	       abi_off(A, "free_area.free_list") + mt * 16;
}

static void link_lists(struct synth *s)
{
	for (int n = 0; n < s->nnodes; n++)
		for (int zi = 0; zi < A->max_nr_zones; zi++) {
			struct synth_zone *z = &s->nodes[n].zones[zi];
			if (z->populated)
				for (int o = 0; o < A->nr_orders; o++)
					for (int mt = 0; mt < A->migrate_types; mt++)
						link_list(s, free_list_head(s, z, o, mt),
							  &z->lists[o][mt]);
			for (int c = 0; c < s->ncpus; c++) {
				uint64_t pcp = pcpu_va(s, c, z->pcp_off);
				for (int i = 0; i < A->nr_pcp_lists; i++)
					link_list(s, pcp + abi_off(A, "per_cpu_pages.lists") + 16 * i,
						  &z->pcp[c][i]);
			}
		}
}

/* ------------------------------------------------------------------ */
/* Corruptions                                                         */

static struct synth_zone *pick_list(struct synth *s, int min_order, int max_order,
				    size_t min_len, int *order, int *mt)
{
	for (int n = 0; n < s->nnodes; n++)
		for (int zi = A->max_nr_zones - 1; zi >= 0; zi--) {
			struct synth_zone *z = &s->nodes[n].zones[zi];
			if (!z->populated)
				continue;
			for (int o = min_order; o <= max_order; o++)
				for (int m = 0; m < A->migrate_types; m++)
					if (z->lists[o][m].n >= min_len) {
						*order = o;
						*mt = m;
						return z;
					}
		}
	fprintf(stderr, "mms-synth: no free list fits the corruption\n");
	abort();
}

static void corrupt(struct synth *s)
{
	struct corruption_info *c = &s->corrupt;
	c->kind = s->def->corruption;
	if (c->kind == CORRUPT_NONE)
		return;
	int order, mt;
	struct synth_zone *z;
	if (c->kind == CORRUPT_WRONG_ORDER)
		z = pick_list(s, 3, 3, 2, &order, &mt);
	else
		z = pick_list(s, 0, 2, 6, &order, &mt);
	const struct free_entry_list *l = &z->lists[order][mt];
	c->nid = z->nid;
	c->zone = z->idx;
	c->order = order;
	c->mt = mt;
	size_t k = l->n > 5 ? 4 : l->n - 1;
	uint64_t pfn = l->pfn[k];
	uint64_t va = page_va(s, pfn);
	c->pfn = pfn;
	c->addr = va;
	c->reachable = l->n;
	switch (c->kind) {
	case CORRUPT_LOOP:
		/* entry k points back at entry 1 instead of onwards */
		c->target = page_va(s, l->pfn[1]) + s->pg_lru;
		kw64(s, va + s->pg_lru, c->target);
		c->reachable = k + 1;
		break;
	case CORRUPT_WILD:
		c->target = 0xdead000000000100ULL;	/* LIST_POISON1 */
		kw64(s, va + s->pg_lru, c->target);
		c->reachable = k + 1;
		break;
	case CORRUPT_WRONG_ORDER:
		k = 1;
		c->pfn = pfn = l->pfn[k];
		c->addr = va = page_va(s, pfn);
		kw64(s, va + s->pg_private, 5);
		break;
	case CORRUPT_NOT_BUDDY:
		if (A->buddy == BUDDY_PG_BUDDY)
			kw64(s, va + s->pg_flags,
			     kr64(s, va + s->pg_flags) & ~bit(s, "PG_buddy"));
		else
			kw32(s, va + s->pg_mapcount, (uint32_t)-1);
		break;
	case CORRUPT_COUNT:
		c->mt = -1;
		c->addr = z->va + abi_off(A, "zone.free_area") +
			  order * abi_size(A, "free_area");
		c->pfn = 0;
		z->nr_free[order] += 3;
		break;
	case CORRUPT_NONE:
		break;
	}
	if (c->kind == CORRUPT_LOOP || c->kind == CORRUPT_WILD)
		z->reachable[order][mt] = c->reachable;
}

/* ------------------------------------------------------------------ */
/* Counters, zone and node structures                                  */

static void set_stat(int64_t *arr, const char *const *names, int n,
		     const char *name, int64_t v)
{
	int i = abi_stat_index(names, n, name);
	if (i >= 0)
		arr[i] = v;
}

static void zone_counters(struct synth *s, struct synth_zone *z)
{
	for (uint64_t p = z->start_pfn; p < z->end_pfn && p < s->max_pfn; p++)
		if (image_is_ram(s, p))
			z->kind_count[s->kind[p]]++;
	const uint64_t *k = z->kind_count;
	const char *const *zn = A->zone_stat_names;
	int nz = A->n_zone_stat;
	uint64_t thp_pages = z->thp << 9;
	set_stat(z->stat, zn, nz, "nr_free_pages", (int64_t)z->free_pages);
	set_stat(z->stat, zn, nz, "nr_zone_inactive_anon", (int64_t)k[PK_ANON]);
	set_stat(z->stat, zn, nz, "nr_zone_active_anon",
		 (int64_t)(k[PK_ANON_ACTIVE] + thp_pages));
	set_stat(z->stat, zn, nz, "nr_zone_inactive_file",
		 (int64_t)(k[PK_FILE] + k[PK_FILE_DIRTY]));
	set_stat(z->stat, zn, nz, "nr_zone_active_file", (int64_t)k[PK_FILE_ACTIVE]);
	set_stat(z->stat, zn, nz, "nr_zone_write_pending", (int64_t)k[PK_FILE_DIRTY]);
	set_stat(z->stat, zn, nz, "nr_page_table_pages", (int64_t)k[PK_PGTABLE]);
	set_stat(z->stat, zn, nz, "nr_zspages", (int64_t)k[PK_ZSMALLOC]);
	set_stat(z->stat, zn, nz, "nr_kernel_stack", z->idx == 1 ? 16 * s->ncpus * 4 : 0);
	uint64_t allocs = z->present - z->free_pages;
	set_stat(z->numa, A->numa_stat_names, A->n_numa_stat, "numa_hit",
		 (int64_t)(allocs * 3 + 1000 * (uint64_t)z->idx + 17));
	set_stat(z->numa, A->numa_stat_names, A->n_numa_stat, "numa_local",
		 (int64_t)(allocs * 3 + 1000 * (uint64_t)z->idx + 17));
	set_stat(z->numa, A->numa_stat_names, A->n_numa_stat, "numa_interleave",
		 (int64_t)(z->nid * 7 + z->idx));
	set_stat(z->numa, A->numa_stat_names, A->n_numa_stat, "numa_miss",
		 (int64_t)z->nid * 5);
	set_stat(z->numa, A->numa_stat_names, A->n_numa_stat, "numa_other",
		 (int64_t)z->nid * 5);

	uint64_t mn = z->managed / 64 + 8;
	z->wmark[0] = mn;
	z->wmark[1] = mn + mn / 4;
	z->wmark[2] = mn + mn / 2;
}

static void node_counters(struct synth *s, struct synth_node *nd)
{
	uint64_t k[PK_NKINDS] = { 0 }, thp = 0;
	for (int z = 0; z < A->max_nr_zones; z++) {
		for (int i = 0; i < PK_NKINDS; i++)
			k[i] += nd->zones[z].kind_count[i];
		thp += nd->zones[z].thp;
	}
	const char *const *nn = A->node_stat_names;
	int n = A->n_node_stat;
	/* 5.9 renamed the slab counters *_B (their API takes bytes) but
	 * __mod_node_page_state() still stores them in pages */
	uint64_t unit = 1;
	uint64_t file = k[PK_FILE] + k[PK_FILE_ACTIVE] + k[PK_FILE_DIRTY];
	uint64_t anon = k[PK_ANON] + k[PK_ANON_ACTIVE] + (thp << 9);
	int64_t *st = nd->stat;
	set_stat(st, nn, n, "nr_inactive_anon", (int64_t)k[PK_ANON]);
	set_stat(st, nn, n, "nr_active_anon", (int64_t)(k[PK_ANON_ACTIVE] + (thp << 9)));
	set_stat(st, nn, n, "nr_inactive_file", (int64_t)(k[PK_FILE] + k[PK_FILE_DIRTY]));
	set_stat(st, nn, n, "nr_active_file", (int64_t)k[PK_FILE_ACTIVE]);
	set_stat(st, nn, n, "nr_slab_reclaimable", (int64_t)(k[PK_SLAB_RECL] * unit));
	uint64_t slab_compound = 0;
	for (int z = 0; z < A->max_nr_zones; z++) {
		const struct synth_zone *zn = &nd->zones[z];
		for (uint64_t p = zn->start_pfn; p < zn->end_pfn && p < s->max_pfn; p++)
			if (s->kind[p] == PK_SLAB_HEAD)
				slab_compound += 1ULL << s->order[p];
	}
	set_stat(st, nn, n, "nr_slab_unreclaimable",
		 (int64_t)((k[PK_SLAB] + slab_compound) * unit));
	set_stat(st, nn, n, "nr_anon_pages", (int64_t)anon);
	uint64_t mapped = 0;
	for (int z = 0; z < A->max_nr_zones; z++) {
		const struct synth_zone *zn = &nd->zones[z];
		for (uint64_t p = zn->start_pfn; p < zn->end_pfn && p < s->max_pfn; p++) {
			int kd = s->kind[p];
			if ((kd == PK_FILE || kd == PK_FILE_ACTIVE ||
			     kd == PK_FILE_DIRTY) && p % 4 == 0)
				mapped++;
		}
	}
	set_stat(st, nn, n, "nr_mapped", (int64_t)mapped);
	set_stat(st, nn, n, "nr_file_pages", (int64_t)file);
	set_stat(st, nn, n, "nr_dirty", (int64_t)k[PK_FILE_DIRTY]);
	/* 5.12: THP counters in pages, /proc/vmstat prints them in THPs */
	set_stat(st, nn, n, "nr_anon_transparent_hugepages",
		 (int64_t)(A->era >= 601 ? thp << 9 : thp));
	set_stat(st, nn, n, "nr_page_table_pages", (int64_t)k[PK_PGTABLE]);
	set_stat(st, nn, n, "nr_kernel_stack", 64 * s->ncpus * (nd->nid + 1));
	set_stat(st, nn, n, "nr_dirtied", 4000 + 31 * nd->nid);
	set_stat(st, nn, n, "nr_written", 3500 + 29 * nd->nid);
	set_stat(st, nn, n, "workingset_nodes", 12 + nd->nid);
	set_stat(st, nn, n, "workingset_refault_file", 77);
	set_stat(st, nn, n, "workingset_refault", 77);
	set_stat(st, nn, n, "nr_swapcached", 0);
}

static void write_zone(struct synth *s, struct synth_node *nd, struct synth_zone *z)
{
	uint64_t va = z->va;
	uint64_t zone_names = ktext_va(s, "zone_names");
	kw64(s, va + abi_off(A, "zone.name"), kr64(s, zone_names + 8 * z->idx));
	kw64(s, va + abi_off(A, "zone.zone_pgdat"), nd->pgdat_va);
	if (A->numa)
		kw32(s, va + abi_off(A, "zone.node"), (uint32_t)nd->nid);
	kw64(s, va + abi_off(A, "zone.per_cpu_pageset"), z->pcp_off);
	kw64(s, va + abi_off(A, "zone.per_cpu_zonestats"), z->zonestat_off);
	kw32(s, va + abi_off(A, "zone.pageset_high"), (uint32_t)z->pcp_high);
	kw32(s, va + abi_off(A, "zone.pageset_batch"), (uint32_t)z->pcp_batch);
	for (int i = 0; i < A->max_nr_zones; i++)
		kw64(s, va + abi_off(A, "zone.lowmem_reserve") + 8 * i,
		     (uint64_t)z->lowmem_reserve[i]);
	if (!z->populated)
		return;
	for (int i = 0; i < 3; i++)
		kw64(s, va + abi_off(A, "zone._watermark") + 8 * i, z->wmark[i]);
	kw64(s, va + abi_off(A, "zone.zone_start_pfn"), z->start_pfn);
	kw64(s, va + abi_off(A, "zone.managed_pages"), z->managed);
	kw64(s, va + abi_off(A, "zone.spanned_pages"), z->end_pfn - z->start_pfn);
	kw64(s, va + abi_off(A, "zone.present_pages"), z->present);
	kw32(s, va + abi_off(A, "zone.initialized"), 1);
	kw8(s, va + abi_off(A, "zone.contiguous"),
	    z->present == z->end_pfn - z->start_pfn);
	for (int o = 0; o < A->nr_orders; o++)
		kw64(s, va + abi_off(A, "zone.free_area") + o * abi_size(A, "free_area") +
		     abi_off(A, "free_area.nr_free"), z->nr_free[o]);
	for (int i = 0; i < A->n_zone_stat; i++)
		kw64(s, va + abi_off(A, "zone.vm_stat") + 8 * i, (uint64_t)z->stat[i]);
	for (int i = 0; i < A->n_numa_stat; i++)
		kw64(s, va + abi_off(A, "zone.vm_numa_event") + 8 * i,
		     (uint64_t)z->numa[i]);
}

static void write_percpu_zone(struct synth *s, struct synth_zone *z)
{
	for (int c = 0; c < s->ncpus; c++) {
		uint64_t pcp = pcpu_va(s, c, z->pcp_off);
		kw32(s, pcp + abi_off(A, "per_cpu_pages.count"), (uint32_t)z->pcp_count[c]);
		kw32(s, pcp + abi_off(A, "per_cpu_pages.high"), (uint32_t)z->pcp_high);
		kw32(s, pcp + abi_off(A, "per_cpu_pages.batch"), (uint32_t)z->pcp_batch);
		uint64_t zs = pcpu_va(s, c, z->zonestat_off);
		kw8(s, zs + abi_off(A, "per_cpu_zonestat.stat_threshold"),
		    z->populated ? 24 : 0);
		/* small unfolded deltas; /proc/vmstat does not add them */
		if (z->populated && A->n_zone_stat > 3) {
			kw8(s, zs + abi_off(A, "per_cpu_zonestat.vm_stat_diff") + 1,
			    (uint8_t)(int8_t)(c + 1));
			kw8(s, zs + abi_off(A, "per_cpu_zonestat.vm_stat_diff") + 3,
			    (uint8_t)(int8_t)-(c + 2));
		}
	}
}

static void lowmem_reserves(struct synth *s, struct synth_node *nd)
{
	static const int ratio[5] = { 256, 256, 32, 0, 0 };
	for (int i = 0; i < A->max_nr_zones; i++) {
		uint64_t managed = 0;
		for (int j = i + 1; j < A->max_nr_zones; j++) {
			managed += nd->zones[j].populated ? nd->zones[j].managed : 0;
			nd->zones[i].lowmem_reserve[j] =
				ratio[i] ? (int64_t)(managed / ratio[i]) : 0;
		}
	}
}

static void write_zonelists(struct synth *s, struct synth_node *nd)
{
	uint64_t zl = nd->pgdat_va + abi_off(A, "pglist_data.node_zonelists") +
		      abi_off(A, "zonelist._zonerefs");
	uint64_t zr = abi_size(A, "zoneref");
	int i = 0;
	for (int k = 0; k < s->nnodes; k++) {
		const struct synth_node *other = &s->nodes[(nd->nid + k) % s->nnodes];
		for (int z = A->max_nr_zones - 1; z >= 0; z--) {
			if (!other->zones[z].populated)
				continue;
			kw64(s, zl + i * zr + abi_off(A, "zoneref.zone"), other->zones[z].va);
			kw32(s, zl + i * zr + abi_off(A, "zoneref.zone_idx"), (uint32_t)z);
			i++;
		}
	}
}

/* calculate_totalreserve_pages(): per zone the largest lowmem reserve
 * plus the high watermark, at most the managed pages */
static void totalreserve(struct synth *s, struct synth_node *nd)
{
	nd->totalreserve = 0;
	for (int z = 0; z < A->max_nr_zones; z++) {
		const struct synth_zone *zn = &nd->zones[z];
		uint64_t max = 0;
		for (int j = z; j < A->max_nr_zones; j++)
			if ((uint64_t)zn->lowmem_reserve[j] > max)
				max = (uint64_t)zn->lowmem_reserve[j];
		max += zn->populated ? zn->wmark[2] : 0;
		if (max > zn->managed)
			max = zn->managed;
		nd->totalreserve += max;
	}
	s->totalreserve += nd->totalreserve;
}

static void write_node(struct synth *s, struct synth_node *nd)
{
	uint64_t va = nd->pgdat_va;
	kw32(s, va + abi_off(A, "pglist_data.nr_zones"), (uint32_t)nd->nr_zones);
	if (A->model == MODEL_DISCONTIGMEM)
		kw64(s, va + abi_off(A, "pglist_data.node_mem_map"), nd->memmap_va);
	kw64(s, va + abi_off(A, "pglist_data.node_start_pfn"), nd->start_pfn);
	kw64(s, va + abi_off(A, "pglist_data.node_present_pages"), nd->present);
	kw64(s, va + abi_off(A, "pglist_data.node_spanned_pages"),
	     nd->end_pfn - nd->start_pfn);
	kw32(s, va + abi_off(A, "pglist_data.node_id"), (uint32_t)nd->nid);
	kw64(s, va + abi_off(A, "pglist_data.totalreserve_pages"),
	     nd->totalreserve);
	kw64(s, va + abi_off(A, "pglist_data.per_cpu_nodestats"), nd->nodestat_off);
	for (int i = 0; i < A->n_node_stat; i++)
		kw64(s, va + abi_off(A, "pglist_data.vm_stat") + 8 * i,
		     (uint64_t)nd->stat[i]);
	for (int c = 0; c < s->ncpus; c++)
		kw8(s, pcpu_va(s, c, nd->nodestat_off) +
		    abi_off(A, "per_cpu_nodestat.stat_threshold"), 32);
	write_zonelists(s, nd);
}

static void write_events(struct synth *s)
{
	uint64_t ev = vmlinux_sym(&s->vm, "vm_event_states") +
		      abi_off(A, "vm_event_state.event");
	const char *const *en = A->event_names;
	int n = A->n_events;
	for (int c = 0; c < s->ncpus; c++) {
		uint64_t *e = s->events[c];
		if (!(s->def->online_mask & (1u << c)))
			continue;	/* folded into a live CPU when it went down */
		for (int i = 0; i < n; i++)
			e[i] = rnd(s) % 50;
		uint64_t allocs = 0;
		for (int z = 0; z < 4; z++) {
			static const char *const names[4] = {
				"pgalloc_dma", "pgalloc_dma32", "pgalloc_normal",
				"pgalloc_movable" };
			int i = abi_stat_index(en, n, names[z]);
			uint64_t v = z == 3 ? 0 : 1000 * (z + 1) + rnd(s) % 5000;
			e[i] = v;
			allocs += v;
		}
		e[abi_stat_index(en, n, "pgfree")] = allocs + 300 + rnd(s) % 200;
		e[abi_stat_index(en, n, "pgfault")] = 100000 + 12345 * c + rnd(s) % 10000;
		e[abi_stat_index(en, n, "pgmajfault")] = 300 + rnd(s) % 100;
		e[abi_stat_index(en, n, "pgpgin")] = 20000 + rnd(s) % 1000;
		e[abi_stat_index(en, n, "pgpgout")] = 4000 + rnd(s) % 1000;
		e[abi_stat_index(en, n, "oom_kill")] = 0;
		for (int i = 0; i < n; i++)
			kw64(s, pcpu_va(s, c, ev) + 8 * i, e[i]);
	}
}

static void write_totals(struct synth *s)
{
	int64_t zsum[64] = { 0 }, nsum[64] = { 0 }, numa[8] = { 0 };
	uint64_t totalram = 0;
	for (int n = 0; n < s->nnodes; n++) {
		for (int z = 0; z < A->max_nr_zones; z++) {
			const struct synth_zone *zn = &s->nodes[n].zones[z];
			for (int i = 0; i < A->n_zone_stat; i++)
				zsum[i] += zn->stat[i];
			for (int i = 0; i < A->n_numa_stat; i++)
				numa[i] += zn->numa[i];
			if (zn->populated)
				totalram += zn->managed;
		}
		for (int i = 0; i < A->n_node_stat; i++)
			nsum[i] += s->nodes[n].stat[i];
	}
	for (int i = 0; i < A->n_zone_stat; i++)
		kw64(s, ktext_va(s, "vm_zone_stat") + 8 * i, (uint64_t)zsum[i]);
	for (int i = 0; i < A->n_node_stat; i++)
		kw64(s, ktext_va(s, "vm_node_stat") + 8 * i, (uint64_t)nsum[i]);
	for (int i = 0; i < A->n_numa_stat; i++)
		kw64(s, ktext_va(s, "vm_numa_event") + 8 * i, (uint64_t)numa[i]);
	kw64(s, ktext_va(s, "_totalram_pages"), totalram);
	kw64(s, ktext_va(s, "totalreserve_pages"), s->totalreserve);
	if (A->era >= 612)
		kw64(s, ktext_va(s, "nr_memmap_boot_pages"), s->memmap_pages);
}

static void write_pageblock_flags(struct synth *s)
{
	uint64_t nbits = abi_enum(A, "NR_PAGEBLOCK_BITS");
	if (!A->migrate)
		return;
	for (int n = 0; n < s->nnodes; n++)
		for (int zi = 0; zi < A->max_nr_zones; zi++) {
			struct synth_zone *z = &s->nodes[n].zones[zi];
			if (!z->populated)
				continue;
			for (uint64_t b = z->start_pfn / PFN_2M;
			     b <= (z->end_pfn - 1) / PFN_2M; b++) {
				uint64_t pfn = b * PFN_2M, word_va, bitno;
				if (A->model == MODEL_SPARSEMEM_EXTREME ||
				    A->model == MODEL_SPARSEMEM_VMEMMAP) {
					uint64_t sec = section_nr(pfn);
					if (!s->section_map_va[sec])
						continue;
					uint64_t root = kr64(s, s->section_root_va +
						8 * (sec / abi_enum(A, "SECTIONS_PER_ROOT")));
					uint64_t ms = root + (sec % abi_enum(A, "SECTIONS_PER_ROOT")) *
						abi_size(A, "mem_section");
					uint64_t usage = kr64(s, ms + abi_off(A, "mem_section.usage"));
					bitno = ((pfn & (section_pages() - 1)) / PFN_2M) * nbits;
					word_va = usage + abi_off(A, "mem_section_usage.pageblock_flags");
				} else {
					word_va = kr64(s, z->va + abi_off(A, "zone.pageblock_flags"));
					bitno = (pfn - z->start_pfn / PFN_2M * PFN_2M) / PFN_2M * nbits;
				}
				word_va += bitno / 64 * 8;
				uint64_t w = kr64(s, word_va);
				w |= (uint64_t)s->pb_mt[b] << (bitno % 64);
				kw64(s, word_va, w);
			}
		}
}

/* Contents of pages that hold no kernel structure: a stamp naming the
 * pfn, and random bytes in some anonymous pages (incompressible). */
static void write_page_data(struct synth *s)
{
	for (uint64_t pfn = 0; pfn < s->max_pfn; pfn++) {
		int k = s->kind[pfn];
		if (k == PK_HOLE || k == PK_UNUSED || page_kind_reserved(k))
			continue;
		uint8_t *pg = image_page(s, pfn);
		if ((k == PK_ANON || k == PK_ANON_ACTIVE) && pfn % 7 == 0) {
			for (size_t i = 0; i < SYNTH_PAGE_SIZE; i += 4) {
				uint32_t r = rnd(s);
				memcpy(pg + i, &r, 4);
			}
			continue;
		}
		snprintf((char *)pg, 96, "mms-synth page pfn=0x%llx kind=%s\n",
			 (unsigned long long)pfn, page_kind_name(k));
		memcpy(pg + SYNTH_PAGE_SIZE - 8, &pfn, 8);
	}
}

void mm_build(struct synth *s)
{
	const struct layout_def *d = s->def;
	s->page_offset_base = d->page_offset_base;
	s->vmalloc_base = d->vmalloc_base;
	s->vmemmap_base = d->vmemmap_base;
	s->pg_size = abi_size(A, "page");
	s->pg_flags = abi_off(A, "page.flags");
	s->pg_refcount = abi_off(A, "page._refcount");
	s->pg_mapcount = abi_off(A, "page._mapcount");
	s->pg_private = abi_off(A, "page.private");
	s->pg_mapping = abi_off(A, "page.mapping");
	s->pg_index = abi_off(A, "page.index");
	s->pg_lru = abi_off(A, "page.lru");
	s->pg_compound_head = abi_off(A, "page.compound_head");

	setup_nodes(s);
	place_kernel(s);
	write_globals(s);
	setup_percpu(s);
	alloc_pgdats(s);
	alloc_memmap(s);
	build_page_tables(s);
	alloc_misc(s);
	fill_zones(s);
	write_struct_pages(s);
	link_lists(s);
	corrupt(s);
	for (int n = 0; n < s->nnodes; n++) {
		struct synth_node *nd = &s->nodes[n];
		for (int z = 0; z < A->max_nr_zones; z++)
			if (nd->zones[z].populated)
				zone_counters(s, &nd->zones[z]);
		node_counters(s, nd);
		lowmem_reserves(s, nd);
		totalreserve(s, nd);
		for (int z = 0; z < A->max_nr_zones; z++) {
			write_zone(s, nd, &nd->zones[z]);
			write_percpu_zone(s, &nd->zones[z]);
		}
		write_node(s, nd);
	}
	write_totals(s);
	write_events(s);
	write_pageblock_flags(s);
	write_page_data(s);
}
