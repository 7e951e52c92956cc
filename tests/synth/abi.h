/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the generator knows of one kernel variant: sizes, member
 * offsets and enum values taken from the very header that the fake
 * vmlinux is compiled from (kernel/ktypes.h), so image and DWARF agree.
 */
#ifndef SYNTH_ABI_H
#define SYNTH_ABI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Memory models and buddy encodings: same values as kernel/ktypes.h. */
enum synth_model {
	MODEL_FLATMEM = 1,
	MODEL_DISCONTIGMEM = 2,
	MODEL_SPARSEMEM_EXTREME = 3,
	MODEL_SPARSEMEM_VMEMMAP = 4,
};

enum synth_buddy {
	BUDDY_PG_BUDDY = 1,
	BUDDY_MAPCOUNT = 2,
	BUDDY_PAGE_TYPE = 3,
	BUDDY_TOP_BYTE = 4,
};

struct synth_num {
	const char *key;	/* "SIZE(page)", "OFFSET(zone.name)", "NUMBER(PG_lru)" */
	int64_t value;
};

struct synth_abi {
	const char *variant;
	const char *osrelease;
	int era;		/* 206, 310, 419, 601, 612 */
	int model;
	int buddy;
	bool numa;
	int migrate;		/* 0: one free_list; 1: old order; 2: modern */
	int nr_cpus;
	int max_numnodes;
	int max_nr_zones;
	int nr_orders;
	int migrate_types;
	int pcptypes;
	int nr_pcp_lists;
	int nr_wmark;
	int sections_width, nodes_width, zones_width;
	const struct synth_num *nums;
	size_t n_nums;
	const char *const *zone_stat_names;
	int n_zone_stat;
	const char *const *numa_stat_names;
	int n_numa_stat;
	const char *const *node_stat_names;
	int n_node_stat;
	const char *const *writeback_names;
	int n_writeback;
	const char *const *event_names;
	int n_events;
	const char *const *migratetype_names;	/* migrate_types entries or NULL */
	const char *const *zone_names;		/* max_nr_zones entries */
};

extern const struct synth_abi synth_abi_flat26;
extern const struct synth_abi synth_abi_discontig310;
extern const struct synth_abi synth_abi_pt419;
extern const struct synth_abi synth_abi_sparse61;
extern const struct synth_abi synth_abi_pt612;

/* Lookups by key; abi_num() aborts on a missing key (a generator bug). */
bool abi_has(const struct synth_abi *abi, const char *key);
int64_t abi_num(const struct synth_abi *abi, const char *key);
int64_t abi_num_or(const struct synth_abi *abi, const char *key, int64_t dflt);
/* Convenience: OFFSET(type.member), SIZE(type), NUMBER(name). */
int64_t abi_off(const struct synth_abi *abi, const char *type_member);
int64_t abi_size(const struct synth_abi *abi, const char *type);
int64_t abi_enum(const struct synth_abi *abi, const char *name);
/* Index of a /proc/vmstat name in one of the stat lists, or -1. */
int abi_stat_index(const char *const *names, int n, const char *name);

#endif
