/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The dump handle and the kernel layout resolved from type info. */
#ifndef MMS_INTERNAL_H
#define MMS_INTERNAL_H

#include <libkdumpfile/kdumpfile.h>
#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "facts.h"
#include "mmscope.h"

#define MMS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* x86-64: the kernel image is mapped here plus the KASLR slide. */
#define MMS_X86_START_KERNEL_MAP 0xffffffff80000000ULL
#define MMS_X86_KERNEL_IMAGE_MAX (1ULL << 30)

/* Offsets, sizes and numbers the hot paths read; -1 means "not known". */
struct mms_kernel {
	int64_t page_size, page_shift;
	/* struct page */
	int64_t page_sz, page_flags, page_lru, page_private, page_mapcount,
		page_type, page_compound_head;
	bool page_type_top_byte;     /* 6.12: type in the top byte */
	bool page_type_bits;         /* 4.18-6.11: type by clearing a bit */
	int64_t buddy_mapcount_value;/* 2.6.38-4.17: _mapcount == this */
	bool has_buddy_mapcount_value;
	int64_t pg_buddy;            /* 2.6.17-2.6.37 PG_buddy bit, or -1 */
	uint32_t page_type_buddy;    /* PG_buddy bit / top byte value */
	/* struct list_head */
	int64_t list_next, list_prev;
	/* struct zone */
	int64_t zone_sz, zone_watermark, zone_watermark_len, zone_watermark_boost,
		zone_lowmem_reserve, zone_lowmem_reserve_len, zone_pgdat,
		zone_pcp, zone_pzstats, zone_start_pfn, zone_managed,
		zone_spanned, zone_present, zone_cma, zone_name, zone_free_area,
		zone_free_area_len, zone_vm_stat, zone_vm_numa_event;
	bool zone_old_watermarks;    /* pages_min/low/high (before 2.6.31) */
	/* struct free_area */
	int64_t free_area_sz, free_area_free_list, free_area_nr_free;
	int64_t nr_migratetypes;     /* 1 before 2.6.24's per-type lists */
	/* struct pglist_data */
	int64_t pgdat_sz, pgdat_node_zones, pgdat_nr_zones, pgdat_start_pfn,
		pgdat_present, pgdat_spanned, pgdat_node_id, pgdat_vm_stat,
		pgdat_kswapd_failures, pgdat_node_mem_map;
	int64_t max_nr_zones;
	/* struct per_cpu_pages / per_cpu_zonestat */
	int64_t pcp_count, pcp_high, pcp_batch, pcp_high_min, pcp_high_max;
	int64_t pzstats_threshold, pzstats_numa_event, pzstats_diff,
		pcp_old_threshold;
	/* sparse memory */
	int64_t mem_section_sz, mem_section_map, mem_section_usage,
		usage_pageblock_flags;
	int64_t section_size_bits, max_physmem_bits, sections_per_root,
		section_map_last_bit;
	bool sparsemem_extreme;
	/* counters */
	int64_t nr_zone_stat, nr_numa_stat, nr_node_stat, nr_writeback_stat,
		nr_event;
	int64_t vm_event_state_event;
	int64_t nr_free_pages_item;
	int64_t pageblock_order, pageblock_bits;
	/* symbols, relocated */
	uint64_t sym_node_data, sym_contig_page_data, sym_mem_map,
		sym_mem_section, sym_vmemmap_base, sym_page_offset_base,
		sym_vmalloc_base, sym_per_cpu_offset, sym_cpu_online_mask,
		sym_vm_event_states, sym_vm_zone_stat, sym_vm_node_stat,
		sym_vm_numa_event, sym_vmstat_text, sym_migratetype_names,
		sym_node_online_map, sym_node_states, sym_nr_cpu_ids,
		sym_init_top_pgt, sym_mem_section_vmci;
	int64_t node_data_len, migratetype_names_len, vmstat_text_len,
		nr_cpu_ids;
	int64_t kernel_offset, phys_base;
	bool phys_base_known;       /* it can be negative */
	uint64_t page_offset_base, vmemmap_base, vmalloc_base;
	unsigned pgtable_levels;
	enum mms_memory_model model;
	/* the kernel image's sections, relocated; 0 when unknown */
	uint64_t sym_text, sym_etext, sym_start_rodata, sym_end_rodata,
		sym_sdata, sym_edata, sym_init_begin, sym_init_end,
		sym_bss_start, sym_bss_stop, sym_end;
	int64_t kernel_image_size;
	/* tasks and their mm */
	uint64_t sym_init_task;
	int64_t task_tasks, task_pid, task_tgid, task_comm, task_mm;
	int64_t mm_pgd, mm_rss_stat, mm_nr_rss;
	bool mm_rss_percpu;          /* 6.2: struct percpu_counter rss_stat[] */
	int64_t rss_count_off;       /* mm_rss_stat.count, or percpu_counter.count */
	int64_t percpu_counter_sz, percpu_counter_counters;
	int64_t task_rss_stat;       /* until 6.1: per-thread unsynced deltas */
};

struct mms_memmodel;

struct mms_range {
	uint64_t start, end;   /* [start, end) in bytes, physical, in the file */
	uint64_t zero_end;     /* [end, zero_end): p_memsz past p_filesz */
	uint64_t file_off;     /* where start sits in the file */
	uint64_t max_end, max_zero_end; /* of this and all earlier ranges */
};

struct mms_zone_state {
	struct mms_zone z;
	bool read_ok;
};

struct mms_dump {
	char *path;
	int fd, flat_fd;
	kdump_ctx_t *kd;
	bool kd_open_failed;
	bool live;                     /* a running system (/proc/kcore) */
	bool kd_freeable;             /* kdump_free() is safe on kd */
	char format[64];
	char arch[32];
	struct mms_facts *vmcoreinfo;  /* the dump's own note */
	struct mms_facts *facts;       /* vmcoreinfo + DWARF or profile */
	enum mms_typeinfo_source source;
	char *typeinfo_path;
	/* which physical pages the dump holds */
	bool elf;
	struct mms_range *ranges;      /* ELF: PT_LOAD file-backed ranges */
	size_t nr_ranges;
	kdump_bmp_t *pagemap;          /* kdump: file.pagemap */
	uint64_t bmp_base;             /* pfn of bmp_cache[0] */
	bool bmp_valid;
	unsigned char bmp_cache[4096];
	uint64_t max_pfn;
	bool filtered;
	struct mms_kernel k;
	struct mms_memmodel *mm;
	/* nodes, zones, names */
	struct mms_node *nodes;
	unsigned nr_nodes;
	struct mms_zone_state *zones;  /* nr_nodes * max_nr_zones */
	char **mt_names;
	unsigned nr_mt_names;
	char **stat_names[5];
	unsigned nr_stat_names[5];
	unsigned *online_cpus;
	unsigned nr_online_cpus;
	uint64_t *cpu_offsets;         /* __per_cpu_offset[] of online cpus */
	/* page scans of compressed dumps: a libkdumpfile context per thread,
	 * made once, kept until close (freeing them hits the same 0.5.1 bug
	 * as kdump_free), each with its own page bitmap */
	kdump_ctx_t *readers[8];
	kdump_bmp_t *reader_maps[8];
	unsigned nr_readers;
	struct mms_kpf_layout *kpf;    /* page flag bits, resolved once */
	struct mms_pgtable *pt;        /* page-table walker, made on first use */
};

/* dump.c */
/* pread() until len bytes are in, retrying EINTR; false on error or EOF */
bool mms_pread_full(int fd, void *buf, size_t len, uint64_t off);
mms_error *mms_dump_open_file(struct mms_dump *d, const char *path);

/* fileguard.c: the headers libkdumpfile would trust, checked before it
 * opens the file (NULL also for files of other formats). */
mms_error *mms_check_dump_headers(int fd, const char *path);
mms_error *mms_read_u64(struct mms_dump *d, uint64_t vaddr, uint64_t *out);
mms_error *mms_read_u32(struct mms_dump *d, uint64_t vaddr, uint32_t *out);
mms_error *mms_read_string(struct mms_dump *d, uint64_t vaddr, char *buf,
			   size_t len);
mms_error *mms_kvaddr_to_phys(struct mms_dump *d, uint64_t vaddr,
			      uint64_t *paddr);
/* The page's own bytes are in the file (not an ELF zero-filled tail). */
bool mms_pfn_data_in_dump(struct mms_dump *d, uint64_t pfn);

/* typeinfo providers: each adds facts to d->facts */
mms_error *mms_types_dwarf(struct mms_dump *d, const char *vmlinux);
mms_error *mms_types_profile(struct mms_dump *d, const char *path);
mms_error *mms_dwarf_collect(const char *vmlinux, struct mms_facts *out);
mms_error *mms_elf_build_id(const char *path, char *hex, size_t len);
mms_error *mms_types_find(struct mms_dump *d, const struct mms_open_options *o);

/* kernel.c */
mms_error *mms_kernel_resolve(struct mms_dump *d);

/* memmodel.c */
mms_error *mms_pfn_to_page(struct mms_dump *d, uint64_t pfn, uint64_t *page);
mms_error *mms_page_to_pfn(struct mms_dump *d, uint64_t page, uint64_t *pfn);
mms_error *mms_memmodel_init(struct mms_dump *d);
struct mms_memmodel;
void mms_memmodel_free(struct mms_memmodel *mm);

/* dump.c, for scans: a kdump-compressed file opened again for one
 * thread's physical reads, and its page bitmap (NULL: none) */
mms_error *mms_dump_reader(struct mms_dump *d, kdump_ctx_t **out,
			   kdump_bmp_t **pagemap);
/* dump.c, for scans: 1 in the file, 2 zero-filled tail, 0 absent */
int mms_elf_paddr_state(const struct mms_dump *d, uint64_t paddr,
			uint64_t *file_off, uint64_t *run_end);
bool mms_kdump_pfn_present(struct mms_dump *d, kdump_bmp_t *bmp,
			   unsigned char *cache, uint64_t *cache_base,
			   uint64_t pfn);

/* kpf.c */
struct mms_kpf_layout;
mms_error *mms_kpf_init(struct mms_dump *d);
/* A chunk of struct pages as read from mem_map, for the KPF bits, which
 * look at a page's compound head and the page after that head. */
struct mms_kpf_ctx {
	const unsigned char *raw;  /* n struct pages, stride bytes apart */
	const bool *have;          /* struct page i was read */
	size_t n, stride;
	uint64_t start_pfn, map;   /* pfn and address of the first one */
	/* a head outside raw: reads its struct page and the next into ext */
	bool (*read_head)(void *arg, uint64_t page_addr, unsigned char *ext);
	void *arg;
	unsigned char *ext;        /* 2 struct pages, or NULL */
	/* carried from page to page: zero at the start of a chunk */
	uint64_t free_end;         /* pfns below lie in a free block */
	uint64_t head_pfn, head_bits;   /* the last compound page's shared bits */
	uint64_t head_key;         /* its tails' compound_head value */
	unsigned head_order;
	bool head_valid, head_huge;
	uint64_t ext_addr, ext_pfn;
	bool ext_valid, ext_ok;
	uint64_t copied_in, copied_out;   /* the last flags word translated */
	bool copied_valid;
};
/* Sets p->kpf, compound_order and compound_head_pfn of struct page i of
 * the chunk, whose other fields p already holds; pages in pfn order. */
void mms_kpf_page(const struct mms_dump *d, struct mms_kpf_ctx *c, size_t i,
		  struct mms_page *p);

/* dirty.c */
mms_error *mms_writeback_stat(mms_dump *d, unsigned i, int64_t *value);

/* mm.c */
mms_error *mms_mm_init(struct mms_dump *d);
/* Reads a zone again (a live system moves on between reads). */
mms_error *mms_zone_refresh(struct mms_dump *d, unsigned node_idx,
			    unsigned zone_idx);

/* Little-endian loads from a buffer read out of the dump. */
static inline uint64_t mms_get_u64(const void *p, int64_t off)
{
	uint64_t v;
	__builtin_memcpy(&v, (const char *)p + off, 8);
	return v;
}
static inline uint32_t mms_get_u32(const void *p, int64_t off)
{
	uint32_t v;
	__builtin_memcpy(&v, (const char *)p + off, 4);
	return v;
}

#endif
