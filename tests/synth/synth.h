/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The synthetic crash-dump generator: one struct synth holds a whole
 * fake x86-64 machine's physical memory, laid out by a booted kernel of
 * one variant (abi.h), plus what is known about it (for answers.json).
 */
#ifndef SYNTH_H
#define SYNTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi.h"

#define SYNTH_PAGE_SIZE		4096ULL
#define SYNTH_PAGE_SHIFT	12
#define START_KERNEL_MAP	0xffffffff80000000ULL
#define LOAD_PHYSICAL_ADDR	0x1000000ULL
#define PFN_2M			512ULL
#define MAX_RANGES		8
#define MAX_NODES		4
#define MAX_ZONES		5
#define MAX_CPUS		8
#define MAX_ORDERS		11
#define MAX_MT			6
#define MAX_PCP_LISTS		16

/* ------------------------------------------------------------------ */
/* Layout descriptions (layouts.c)                                     */

enum corruption_kind {
	CORRUPT_NONE,
	CORRUPT_LOOP,		/* a later entry's next points back */
	CORRUPT_WILD,		/* next is a wild address */
	CORRUPT_WRONG_ORDER,	/* private != the list's order */
	CORRUPT_NOT_BUDDY,	/* entry not marked buddy */
	CORRUPT_COUNT,		/* nr_free != list length */
};

struct zone_def {
	int zone;		/* ZONE_DMA... index */
	uint64_t start_pfn;	/* span; 0/0 for an empty zone */
	uint64_t end_pfn;
};

struct node_def {
	struct zone_def zones[MAX_ZONES];
	int nzones;
};

/* VMCOREINFO keys by kernel era (which ones a real kernel wrote). */
enum {
	VI_BUILD_ID = 1 << 0,		/* 5.9 */
	VI_KERNELOFFSET = 1 << 1,	/* 3.16 (x86-64 KASLR) */
	VI_PHYS_BASE = 1 << 2,		/* 4.10 */
	VI_L5 = 1 << 3,			/* 4.14 */
	VI_BUDDY_VALUE = 1 << 4,	/* 3.9 */
	VI_SECTION_BITS = 1 << 5,	/* 5.9 / 5.13 */
	VI_HEAD_MASK = 1 << 6,		/* 4.6 */
	VI_VMEMMAP_SYM = 1 << 7,	/* 6.9 */
	VI_COMPOUND = 1 << 8,		/* OFFSET(page.compound_head) etc */
	VI_UTS_OFFSET = 1 << 9,
};

struct layout_def {
	const char *name;
	const char *description;
	const struct synth_abi *abi;
	struct { uint64_t start_pfn, end_pfn; } ram[MAX_RANGES];
	int nram;
	struct node_def nodes[MAX_NODES];
	int nnodes;
	int ncpus;			/* possible CPUs (nr_cpu_ids) */
	uint32_t online_mask;		/* bit per CPU */
	uint64_t kaslr_offset;		/* KERNELOFFSET, 2 MiB aligned */
	uint64_t kernel_phys;		/* physical address of _text */
	uint64_t page_offset_base;
	uint64_t vmalloc_base;
	uint64_t vmemmap_base;
	int64_t crashtime;
	uint32_t seed;
	unsigned vmcoreinfo_keys;
	bool compound_pages;		/* THP and compound slab pages */
	enum corruption_kind corruption;
};

const struct layout_def *synth_layout_find(const char *name);
extern const struct layout_def *const synth_layouts[];
extern const size_t synth_nlayouts;

/* ------------------------------------------------------------------ */
/* The fake vmlinux (vmlinux.c)                                        */

struct vm_section {
	char *name;
	uint64_t addr;		/* link address */
	uint64_t size;
	bool nobits;
	uint8_t *data;		/* NULL for NOBITS */
};

struct vm_symbol {
	char *name;
	uint64_t addr;
	uint64_t size;
};

/* An absolute pointer the linker resolved (from --emit-relocs): what
 * the kernel's boot-time relocation moves by the KASLR offset. */
struct vm_reloc {
	uint64_t addr;		/* link address of the pointer */
	uint64_t value;		/* its link-time value */
	int size;		/* 8 (R_X86_64_64) or 4 (R_X86_64_32S) */
};

struct vmlinux {
	char *path;
	struct vm_reloc *relocs;
	size_t nrelocs;
	struct vm_section *sections;
	size_t nsections;
	struct vm_symbol *symbols;
	size_t nsymbols;
	uint8_t build_id[64];
	size_t build_id_len;
};

int vmlinux_load(struct vmlinux *vm, const char *path, char *err, size_t errlen);
void vmlinux_free(struct vmlinux *vm);
/* Link-time address (before KASLR) of a symbol; aborts when missing. */
uint64_t vmlinux_sym(const struct vmlinux *vm, const char *name);
bool vmlinux_has_sym(const struct vmlinux *vm, const char *name);
const struct vm_section *vmlinux_section(const struct vmlinux *vm,
					 const char *name);

/* ------------------------------------------------------------------ */
/* Per-page state                                                      */

enum page_kind {
	PK_HOLE = 0,		/* no RAM */
	PK_UNUSED,		/* RAM not yet handed out */
	PK_FIRMWARE,		/* reserved by firmware (pfn 0) */
	PK_KIMAGE,		/* kernel image */
	PK_MEMBLOCK,		/* boot-time allocation (memmap, pgdat...) */
	PK_PGTABLE,		/* boot page-table page */
	PK_BUDDY_HEAD,		/* first page of a free block */
	PK_BUDDY_TAIL,
	PK_PCP,			/* free, on a per-cpu list */
	PK_ANON,
	PK_ANON_ACTIVE,
	PK_FILE,
	PK_FILE_ACTIVE,
	PK_FILE_DIRTY,
	PK_SLAB,
	PK_SLAB_RECL,
	PK_KERNEL,		/* other kernel allocation */
	PK_THP_HEAD,
	PK_SLAB_HEAD,		/* compound slab page */
	PK_COMPOUND_TAIL,
	PK_ZSMALLOC,		/* 6.12: page type 0xf6, data in the low bits */
	PK_NKINDS
};

const char *page_kind_name(int kind);
bool page_kind_reserved(int kind);

struct free_entry_list {
	uint64_t *pfn;
	size_t n, cap;
};

struct synth_zone {
	int nid, idx;
	bool populated;
	uint64_t start_pfn, end_pfn;	/* span */
	uint64_t present, managed;
	uint64_t va;			/* struct zone */
	uint64_t pcp_off;		/* per-cpu offset of per_cpu_pages */
	uint64_t zonestat_off;		/* per-cpu offset of per_cpu_zonestat */
	struct free_entry_list lists[MAX_ORDERS][MAX_MT];
	uint64_t nr_free[MAX_ORDERS];	/* as stored in free_area.nr_free */
	uint64_t reachable[MAX_ORDERS][MAX_MT];	/* entries a walk finds */
	struct free_entry_list pcp[MAX_CPUS][MAX_PCP_LISTS];
	int pcp_count[MAX_CPUS], pcp_high, pcp_batch;
	uint64_t wmark[3];
	int64_t lowmem_reserve[MAX_ZONES];
	int64_t stat[64];		/* zone_stat items */
	int64_t numa[8];		/* numa_stat items */
	uint64_t kind_count[PK_NKINDS];
	uint64_t free_pages;
	uint64_t thp;
};

struct synth_node {
	int nid;
	uint64_t start_pfn, end_pfn;
	uint64_t present;
	uint64_t pgdat_va;
	uint64_t memmap_va;		/* DISCONTIGMEM node_mem_map */
	uint64_t nodestat_off;
	struct synth_zone zones[MAX_ZONES];
	int nr_zones;
	int64_t stat[64];		/* node_stat items (raw, as stored) */
	uint64_t totalreserve;
	/* boot allocator state */
	uint64_t mb_small_va;
	uint64_t mb_small_left;
};

struct corruption_info {
	enum corruption_kind kind;
	int nid, zone, order, mt;
	uint64_t addr;		/* struct page at fault */
	uint64_t target;	/* bad pointer value (loop, wild) */
	uint64_t pfn;
	size_t reachable;
};

struct synth_map {
	uint64_t va, pa, len;
};

struct synth {
	const struct layout_def *def;
	const struct synth_abi *abi;
	struct vmlinux vm;

	struct { uint64_t start_pfn, end_pfn; uint8_t *data; } ram[MAX_RANGES];
	int nram;
	uint64_t max_pfn;		/* one past the highest RAM pfn */
	uint8_t *kind;			/* per pfn, enum page_kind */
	uint8_t *order;			/* per pfn: block/compound order */
	uint8_t *pcpu;			/* per pfn: pcp cpu */
	uint8_t *pb_mt;			/* per pageblock migratetype */

	uint64_t kaslr, phys_base, page_offset_base, vmalloc_base, vmemmap_base;
	uint64_t kernel_phys, kernel_size;

	/* Memory model */
	uint64_t mem_map_va;		/* FLATMEM */
	uint64_t section_root_va;	/* SPARSEMEM_EXTREME: mem_section value */
	uint64_t *section_map_va;	/* per present section: its memmap */
	struct synth_map vmemmap[16];
	int nvmemmap;
	int npgtables;

	/* CPUs and per-cpu */
	int ncpus;
	uint64_t pcpu_unit_va[MAX_CPUS];
	uint64_t pcpu_unit_size, pcpu_static_size, pcpu_dyn_next;

	struct synth_node nodes[MAX_NODES];
	int nnodes;

	uint64_t events[MAX_CPUS][64];

	uint64_t totalreserve;		/* totalreserve_pages */
	uint64_t memmap_pages;		/* pages of struct pages */
	struct corruption_info corrupt;
	uint64_t addr_space_va, anon_vma_va, kmem_cache_va[2];

	char *vmcoreinfo;
	size_t vmcoreinfo_len;

	uint32_t rng;
	/* cached offsets */
	int64_t pg_size, pg_flags, pg_refcount, pg_mapcount, pg_private,
		pg_mapping, pg_index, pg_lru, pg_compound_head;
};

/* build.c */
struct synth *synth_build(const char *layout, const char *vmlinux_dir,
			  char *err, size_t errlen);
void synth_free(struct synth *s);

/* image.c: physical memory and the kernel's address translation */
int image_init(struct synth *s, char *err, size_t errlen);
bool image_is_ram(const struct synth *s, uint64_t pfn);
uint8_t *image_page(const struct synth *s, uint64_t pfn);	/* NULL if hole */
uint64_t kv2p(const struct synth *s, uint64_t va);
bool kv2p_try(const struct synth *s, uint64_t va, uint64_t *pa);
uint64_t ktext_va(const struct synth *s, const char *sym);	/* runtime address */
uint64_t dmap_va(const struct synth *s, uint64_t pa);
void pw(struct synth *s, uint64_t pa, const void *buf, size_t len);
void pr(const struct synth *s, uint64_t pa, void *buf, size_t len);
void kw(struct synth *s, uint64_t va, const void *buf, size_t len);
void kr(const struct synth *s, uint64_t va, void *buf, size_t len);
void kw64(struct synth *s, uint64_t va, uint64_t v);
void kw32(struct synth *s, uint64_t va, uint32_t v);
void kw16(struct synth *s, uint64_t va, uint16_t v);
void kw8(struct synth *s, uint64_t va, uint8_t v);
uint64_t kr64(const struct synth *s, uint64_t va);
/* memblock-like boot allocator: top-down in the node, zeroed; marks kind */
uint64_t mb_alloc(struct synth *s, int nid, uint64_t size, uint64_t align,
		  int kind);
/* 4-level page tables rooted at init_top_pgt */
void pt_map_2m(struct synth *s, uint64_t va, uint64_t pa, uint64_t flags);
uint32_t rnd(struct synth *s);
double rndf(struct synth *s);

/* mm.c: the kernel's mm structures */
void mm_build(struct synth *s);
uint64_t page_va(const struct synth *s, uint64_t pfn);
bool page_has_memmap(const struct synth *s, uint64_t pfn);
int pfn_zone(const struct synth *s, uint64_t pfn, int *nid);
uint64_t page_flags_value(const struct synth *s, uint64_t pfn);
bool page_is_buddy_marked(const struct synth *s, uint64_t pfn);

/* vmcoreinfo.c */
void vmcoreinfo_build(struct synth *s);
/* ELF notes as /proc/vmcore has them: NT_PRSTATUS per online CPU, then
 * the VMCOREINFO note.  Caller frees; *vmci_off is the offset of the
 * VMCOREINFO descriptor inside the blob. */
uint8_t *notes_build(const struct synth *s, size_t *len, size_t *vmci_off);

/* elfcore.c / diskdump.c */
int write_elf_core(const struct synth *s, const char *path, char *err,
		   size_t errlen);
enum kdump_compression {
	KDUMP_COMP_ZLIB = 0x1,
	KDUMP_COMP_LZO = 0x2,
	KDUMP_COMP_SNAPPY = 0x4,
	KDUMP_COMP_ZSTD = 0x20,
};
/* Whether the filtered dump leaves this pfn out (free pages). */
bool synth_filtered_out(const struct synth *s, uint64_t pfn);
int write_kdump(const struct synth *s, const char *path,
		enum kdump_compression comp, bool filtered, char *err,
		size_t errlen);

/* answers.c */
int write_answers(const struct synth *s, const char *path, char *err,
		  size_t errlen);
/* /proc/buddyinfo text; caller frees */
char *buddyinfo_text(const struct synth *s);

/* output.c: everything for one layout into dir */
int synth_write_all(const struct synth *s, const char *dir, char *err,
		    size_t errlen);
void build_id_hex(const struct synth *s, char *out, size_t outlen);

#endif
