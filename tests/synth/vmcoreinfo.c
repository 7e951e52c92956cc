/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * VMCOREINFO as the kernel writes it (kernel/vmcore_info.c and x86's
 * arch_crash_save_vmcoreinfo), with the keys of the layout's era, and
 * the ELF notes /proc/vmcore carries (NT_PRSTATUS per CPU, VMCOREINFO).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "synth.h"

#define A (s->abi)

struct buf {
	char *p;
	size_t len, cap;
};

__attribute__((format(printf, 2, 3)))
static void add(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		size_t room = b->cap - b->len;
		va_start(ap, fmt);
		int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? room : 0, fmt, ap);
		va_end(ap);
		if (b->p && (size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		b->cap = b->cap * 2 + (size_t)n + 256;
		b->p = realloc(b->p, b->cap);
	}
}

void build_id_hex(const struct synth *s, char *out, size_t outlen)
{
	out[0] = 0;
	for (size_t i = 0; i < s->vm.build_id_len && 2 * i + 2 < outlen; i++)
		sprintf(out + 2 * i, "%02x", s->vm.build_id[i]);
}

static void sym(struct buf *b, const char *name, uint64_t value)
{
	add(b, "SYMBOL(%s)=%llx\n", name, (unsigned long long)value);
}

static void off(struct buf *b, const struct synth *s, const char *tm)
{
	add(b, "OFFSET(%s)=%lld\n", tm, (long long)abi_off(A, tm));
}

static void size(struct buf *b, const struct synth *s, const char *t)
{
	add(b, "SIZE(%s)=%lld\n", t, (long long)abi_size(A, t));
}

/* VMCOREINFO_NUMBER prints (long)value: int-typed values stay signed */
static void number(struct buf *b, const char *name, long long v)
{
	add(b, "NUMBER(%s)=%lld\n", name, v);
}

void vmcoreinfo_build(struct synth *s)
{
	unsigned keys = s->def->vmcoreinfo_keys;
	struct buf b = { 0 };
	char hex[160];

	add(&b, "OSRELEASE=%s\n", A->osrelease);
	if (keys & VI_BUILD_ID) {
		build_id_hex(s, hex, sizeof(hex));
		add(&b, "BUILD-ID=%s\n", hex);
	}
	add(&b, "PAGESIZE=%llu\n", SYNTH_PAGE_SIZE);
	sym(&b, "init_uts_ns", ktext_va(s, "init_uts_ns"));
	if (keys & VI_UTS_OFFSET)
		off(&b, s, "uts_namespace.name");
	sym(&b, "node_online_map", ktext_va(s, "node_states") +
	    abi_size(A, "nodemask_t") * abi_enum(A, "N_ONLINE"));
	sym(&b, "swapper_pg_dir", ktext_va(s, "init_top_pgt"));
	sym(&b, "_stext", ktext_va(s, "_stext"));
	if (A->model == MODEL_FLATMEM)
		sym(&b, "mem_map", ktext_va(s, "mem_map"));
	if (!A->numa)
		sym(&b, "contig_page_data", ktext_va(s, "contig_page_data"));
	if ((keys & VI_VMEMMAP_SYM) && A->model == MODEL_SPARSEMEM_VMEMMAP)
		sym(&b, "vmemmap", s->vmemmap_base);
	if (A->model == MODEL_SPARSEMEM_EXTREME ||
	    A->model == MODEL_SPARSEMEM_VMEMMAP) {
		/* SPARSEMEM_EXTREME: the pointer's value, the root array */
		sym(&b, "mem_section", s->section_root_va);
		add(&b, "LENGTH(mem_section)=%lld\n",
		    (long long)abi_enum(A, "NR_SECTION_ROOTS"));
		size(&b, s, "mem_section");
		off(&b, s, "mem_section.section_mem_map");
		if (keys & VI_SECTION_BITS) {
			number(&b, "SECTION_SIZE_BITS", 27);
			number(&b, "MAX_PHYSMEM_BITS", 46);
		}
	}
	size(&b, s, "page");
	size(&b, s, "pglist_data");
	size(&b, s, "zone");
	size(&b, s, "free_area");
	size(&b, s, "list_head");
	add(&b, "SIZE(nodemask_t)=%lld\n", (long long)abi_size(A, "nodemask_t"));
	off(&b, s, "page.flags");
	off(&b, s, "page._refcount");
	off(&b, s, "page.mapping");
	off(&b, s, "page.lru");
	off(&b, s, "page._mapcount");
	off(&b, s, "page.private");
	if (keys & VI_COMPOUND) {
		if (A->era < 612) {
			off(&b, s, "page.compound_dtor");
			off(&b, s, "page.compound_order");
		}
		off(&b, s, "page.compound_head");
	}
	off(&b, s, "pglist_data.node_zones");
	off(&b, s, "pglist_data.nr_zones");
	if (A->model == MODEL_DISCONTIGMEM)
		off(&b, s, "pglist_data.node_mem_map");
	off(&b, s, "pglist_data.node_start_pfn");
	off(&b, s, "pglist_data.node_spanned_pages");
	off(&b, s, "pglist_data.node_id");
	off(&b, s, "zone.free_area");
	off(&b, s, "zone.vm_stat");
	off(&b, s, "zone.spanned_pages");
	off(&b, s, "free_area.free_list");
	off(&b, s, "list_head.next");
	off(&b, s, "list_head.prev");
	add(&b, "LENGTH(zone.free_area)=%d\n", A->nr_orders);
	if (A->migrate)
		add(&b, "LENGTH(free_area.free_list)=%d\n", A->migrate_types);
	number(&b, "NR_FREE_PAGES", abi_enum(A, "NR_FREE_PAGES"));
	number(&b, "PG_lru", abi_enum(A, "PG_lru"));
	number(&b, "PG_private", abi_enum(A, "PG_private"));
	number(&b, "PG_swapcache", abi_enum(A, "PG_swapcache"));
	number(&b, "PG_swapbacked", abi_enum(A, "PG_swapbacked"));
	if (A->era < 612)
		number(&b, "PG_slab", abi_enum(A, "PG_slab"));
	else	/* 6.10 made slab a page type */
		number(&b, "PAGE_SLAB_MAPCOUNT_VALUE",
		       (int32_t)((uint32_t)abi_enum(A, "PGTY_slab") << 24));
	if (A->era >= 310)
		number(&b, "PG_hwpoison", abi_enum(A, "PG_hwpoison"));
	if (keys & VI_HEAD_MASK)
		number(&b, "PG_head_mask", 1LL << abi_enum(A, "PG_head"));
	if (keys & VI_BUDDY_VALUE) {
		switch (A->buddy) {
		case BUDDY_MAPCOUNT:
			number(&b, "PAGE_BUDDY_MAPCOUNT_VALUE", -128);
			break;
		case BUDDY_PAGE_TYPE:
			number(&b, "PAGE_BUDDY_MAPCOUNT_VALUE",
			       ~abi_enum(A, "PG_buddy"));
			number(&b, "PAGE_OFFLINE_MAPCOUNT_VALUE",
			       ~abi_enum(A, "PG_offline"));
			break;
		case BUDDY_TOP_BYTE:
			/* (PGTY_buddy << 24) is an int: prints negative */
			number(&b, "PAGE_BUDDY_MAPCOUNT_VALUE",
			       (int32_t)((uint32_t)abi_enum(A, "PGTY_buddy") << 24));
			number(&b, "PAGE_HUGETLB_MAPCOUNT_VALUE",
			       (int32_t)((uint32_t)abi_enum(A, "PGTY_hugetlb") << 24));
			number(&b, "PAGE_OFFLINE_MAPCOUNT_VALUE",
			       (int32_t)((uint32_t)abi_enum(A, "PGTY_offline") << 24));
			break;
		}
	}
	/* arch_crash_save_vmcoreinfo() on x86-64 */
	if (keys & VI_PHYS_BASE)
		number(&b, "phys_base", (long long)s->phys_base);
	sym(&b, "init_top_pgt", ktext_va(s, "init_top_pgt"));
	if (keys & VI_L5)
		add(&b, "NUMBER(pgtable_l5_enabled)=0\n");
	if (A->numa) {
		sym(&b, "node_data", ktext_va(s, "node_data"));
		add(&b, "LENGTH(node_data)=%d\n", A->max_numnodes);
	}
	if (keys & VI_KERNELOFFSET) {
		add(&b, "KERNELOFFSET=%llx\n", (unsigned long long)s->kaslr);
		number(&b, "KERNEL_IMAGE_SIZE", 1LL << 30);
	}
	add(&b, "CRASHTIME=%lld\n", (long long)s->def->crashtime);
	s->vmcoreinfo = b.p;
	s->vmcoreinfo_len = b.len;
}

static size_t note_size(size_t namesz, size_t descsz)
{
	return 12 + ((namesz + 3) & ~3UL) + ((descsz + 3) & ~3UL);
}

static size_t put_note(uint8_t *p, const char *name, uint32_t type,
		       const void *desc, size_t descsz, size_t *desc_off)
{
	uint32_t namesz = (uint32_t)strlen(name) + 1;
	uint32_t hdr[3] = { namesz, (uint32_t)descsz, type };
	memcpy(p, hdr, 12);
	memcpy(p + 12, name, namesz);
	size_t d = 12 + ((namesz + 3) & ~3U);
	memcpy(p + d, desc, descsz);
	*desc_off = d;
	return note_size(namesz, descsz);
}

#define ELF_PRSTATUS_SIZE	336	/* struct elf_prstatus, x86-64 */

uint8_t *notes_build(const struct synth *s, size_t *len, size_t *vmci_off)
{
	size_t total = 0;
	int online = 0;
	for (int c = 0; c < s->ncpus; c++)
		if (s->def->online_mask & (1u << c))
			online++;
	total += online * note_size(5, ELF_PRSTATUS_SIZE);
	total += note_size(11, s->vmcoreinfo_len);
	uint8_t *p = calloc(1, total), *q = p;
	size_t d;
	for (int c = 0; c < s->ncpus; c++) {
		if (!(s->def->online_mask & (1u << c)))
			continue;
		uint8_t prs[ELF_PRSTATUS_SIZE] = { 0 };
		uint32_t pid = c == 0 ? 1 : 0;	/* the crashing task on CPU 0 */
		memcpy(prs + 32, &pid, 4);	/* pr_pid */
		q += put_note(q, "CORE", 1 /* NT_PRSTATUS */, prs, sizeof(prs), &d);
	}
	size_t base = (size_t)(q - p);
	q += put_note(q, "VMCOREINFO", 0, s->vmcoreinfo, s->vmcoreinfo_len, &d);
	*vmci_off = base + d;
	*len = (size_t)(q - p);
	return p;
}
