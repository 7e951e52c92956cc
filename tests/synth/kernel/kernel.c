/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The fake vmlinux: the variant's types (ktypes.h) and the kernel
 * globals a dump reader looks for, under their kernel names.  Built
 * with -g and linked by kernel.lds at 0xffffffff81000000, per-cpu
 * variables in .data..percpu at 0.  Initialised data (name tables,
 * init_uts_ns) is real; everything else is filled in by the generator
 * in the memory image, as a booted kernel would have it.
 */
#include "ktypes.h"

#define __percpu_var	__attribute__((section(".data..percpu")))
#define __page_aligned	__attribute__((aligned(4096)))

/* .text: a real vmlinux starts here. */
void startup_64(void)
{
}

const char * const zone_names[MAX_NR_ZONES] = {
	"DMA", "DMA32", "Normal", "Movable",
#if SYNTH_ERA >= 419
	"Device",
#endif
};

#if SYNTH_MIGRATE
const char * const migratetype_names[MIGRATE_TYPES] = {
	SYNTH_MIGRATETYPE_NAMES
};
#endif

/* /proc/vmstat names: zone, numa, node, writeback, event items. */
const char * const vmstat_text[] = {
	SYNTH_ZONE_STAT_ITEMS(SYNTH_NAME_ENTRY)
	SYNTH_NUMA_STAT_ITEMS(SYNTH_NAME_ENTRY)
	SYNTH_NODE_STAT_ITEMS(SYNTH_NAME_ENTRY)
	SYNTH_WRITEBACK_ITEMS(SYNTH_NAME_ENTRY)
	SYNTH_VM_EVENT_ITEMS(SYNTH_NAME_ENTRY)
};

struct uts_namespace init_uts_ns = {
	.kref = { { 2 } },
	.name = {
		.sysname = "Linux",
		.nodename = "synth",
		.release = SYNTH_OSRELEASE,
		.version = "#1 SMP PREEMPT_DYNAMIC synthetic",
		.machine = "x86_64",
		.domainname = "(none)",
	},
};

#if SYNTH_ERA >= 419
/* mm/debug.c: names of the page flags, as %pGp prints them */
#define FLAG(f, n) { 1UL << PG_##f, n }
const struct trace_print_flags pageflag_names[] = {
	FLAG(locked, "locked"), FLAG(writeback, "writeback"),
	FLAG(referenced, "referenced"), FLAG(uptodate, "uptodate"),
	FLAG(dirty, "dirty"), FLAG(lru, "lru"), FLAG(active, "active"),
#if SYNTH_ERA >= 601
	FLAG(workingset, "workingset"),
#endif
	FLAG(waiters, "waiters"),
#if SYNTH_ERA < 612
	FLAG(error, "error"), FLAG(slab, "slab"),
#endif
	FLAG(owner_priv_1, "owner_priv_1"), FLAG(arch_1, "arch_1"),
	FLAG(reserved, "reserved"), FLAG(private, "private"),
	FLAG(private_2, "private_2"), FLAG(head, "head"),
#if SYNTH_ERA < 612
	FLAG(mappedtodisk, "mappedtodisk"),
#else
	FLAG(owner_2, "owner_2"),
#endif
	FLAG(reclaim, "reclaim"), FLAG(swapbacked, "swapbacked"),
	FLAG(unevictable, "unevictable"), FLAG(mlocked, "mlocked"),
	FLAG(uncached, "uncached"), FLAG(hwpoison, "hwpoison"),
	FLAG(young, "young"), FLAG(idle, "idle"),
	{ 0, 0 }
};
#endif

unsigned long page_offset_base;
unsigned long vmalloc_base;
unsigned long vmemmap_base;
unsigned long phys_base;
unsigned long max_pfn;
atomic_long_t _totalram_pages;

unsigned long __per_cpu_offset[NR_CPUS];
struct cpumask __cpu_possible_mask;
struct cpumask __cpu_online_mask;
struct cpumask __cpu_present_mask;
unsigned int nr_cpu_ids;
nodemask_t node_states[NR_NODE_STATES];

pgd_t init_top_pgt[512] __page_aligned;

atomic_long_t vm_zone_stat[NR_VM_ZONE_STAT_ITEMS];
atomic_long_t vm_node_stat[NR_VM_NODE_STAT_ITEMS];
#if SYNTH_NUMA
atomic_long_t vm_numa_event[NR_VM_NUMA_EVENT_ITEMS];
#endif

#if SYNTH_NUMA
struct pglist_data *node_data[MAX_NUMNODES];
#else
struct pglist_data contig_page_data;
#endif

#if SYNTH_MODEL == SYNTH_FLATMEM
struct page *mem_map;
unsigned long max_mapnr;
#endif

#if SYNTH_MODEL == SYNTH_SPARSEMEM_EXTREME || SYNTH_MODEL == SYNTH_SPARSEMEM_VMEMMAP
struct mem_section **mem_section;
#endif

/* mm/page-writeback.c, mm/page_alloc.c: what the dirty limits use */
unsigned long totalreserve_pages;
int vm_dirty_ratio = 20;
int dirty_background_ratio = 10;
unsigned long vm_dirty_bytes;
unsigned long dirty_background_bytes;
int vm_highmem_is_dirtyable;

#if SYNTH_ERA >= 612
/* mm/vmstat.c (6.11): struct page memory, shown in /proc/vmstat */
atomic_long_t nr_memmap_pages;
atomic_long_t nr_memmap_boot_pages;
#endif

/* per-cpu: x86-64 keeps the stack canary's block first, at offset 0 */
struct fixed_percpu_data {
	char gs_base[40];
	unsigned long stack_canary;
};
struct fixed_percpu_data fixed_percpu_data
	__attribute__((section(".data..percpu..first"), aligned(4096)));
struct vm_event_state vm_event_states __percpu_var;
unsigned long this_cpu_off __percpu_var;
int cpu_number __percpu_var;
