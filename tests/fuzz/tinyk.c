// SPDX-License-Identifier: LGPL-2.1-or-later
/* Source of corpus/dwarf/tinyk-dwarf5 (gcc -g -gdwarf-5 -O0 -fno-eliminate-unused-debug-types -ffreestanding -nostdlib -static -Wl,--build-id=sha1) and tinyk-dwarf4.o (gcc -g -gdwarf-4 -c ...): a few kernel-named types in a small ELF. */
struct list_head { struct list_head *next, *prev; };
struct page { unsigned long flags; union { struct { struct list_head lru; unsigned long private; }; struct { unsigned long compound_head; }; }; int _mapcount; unsigned int page_type; };
struct free_area { struct list_head free_list[6]; unsigned long nr_free; };
struct per_cpu_pages { int count, high, batch; };
struct zone { unsigned long _watermark[4]; long lowmem_reserve[4]; struct free_area free_area[11]; unsigned long zone_start_pfn, spanned_pages, present_pages; const char *name; };
struct pglist_data { struct zone node_zones[4]; int nr_zones; unsigned long node_start_pfn; int node_id; };
enum pageflags { PG_locked, PG_referenced, PG_buddy = 18 };
enum zone_type { ZONE_DMA, ZONE_DMA32, ZONE_NORMAL, __MAX_NR_ZONES };
enum zone_stat_item { NR_FREE_PAGES, NR_VM_ZONE_STAT_ITEMS };
enum node_stat_item { NR_INACTIVE_ANON, NR_VM_NODE_STAT_ITEMS };
enum vm_event_item { PGPGIN, NR_VM_EVENT_ITEMS };
struct pglist_data *node_data[4];
struct page *mem_map;
enum pageflags a; enum zone_type b; enum zone_stat_item c; enum node_stat_item d; enum vm_event_item e;
struct per_cpu_pages pcp;
int _start(void) { return 0; }
