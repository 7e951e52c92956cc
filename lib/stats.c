// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The vm counters: zone, NUMA-event and node vm_stat items and the vm
 * events summed over CPUs, valued and named as /proc/vmstat and
 * /proc/zoneinfo print them.  Names come from the kernel's own
 * vmstat_text[] in the dump, else from the enumerators' names.
 */
#include <stdio.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const kind_enum[] = {
	[MMS_STAT_ZONE] = "zone_stat_item",
	[MMS_STAT_NUMA] = "numa_stat_item",
	[MMS_STAT_NODE] = "node_stat_item",
	[MMS_STAT_EVENT] = "vm_event_item",
	[MMS_STAT_WRITEBACK] = "vm_stat_item",
};

unsigned mms_stat_count(const mms_dump *d, enum mms_stat_kind kind)
{
	int64_t n = -1;
	switch (kind) {
	case MMS_STAT_ZONE: n = d->k.nr_zone_stat; break;
	case MMS_STAT_NUMA: n = d->k.nr_numa_stat; break;
	case MMS_STAT_NODE: n = d->k.nr_node_stat; break;
	case MMS_STAT_EVENT: n = d->k.nr_event; break;
	case MMS_STAT_WRITEBACK: n = d->k.nr_writeback_stat; break;
	}
	return n > 0 && n < 4096 ? (unsigned)n : 0;
}

/* The enumerator with value i of an ENUM(...) list, lower-cased. */
static char *enum_name(const mms_dump *d, enum mms_stat_kind kind, unsigned i)
{
	char key[64];
	snprintf(key, sizeof(key), "ENUM(%s)", kind_enum[kind]);
	const char *list = mms_facts_get(d->facts, key);
	if (!list && kind == MMS_STAT_WRITEBACK)   /* its name before 6.11 */
		list = mms_facts_get(d->facts, "ENUM(writeback_stat_item)");
	char *best = NULL;
	while (list && *list) {
		const char *end = strchr(list, ',');
		size_t len = end ? (size_t)(end - list) : strlen(list);
		char name[128], nkey[160];
		if (len < sizeof(name)) {
			memcpy(name, list, len);
			name[len] = '\0';
			snprintf(nkey, sizeof(nkey), "NUMBER(%s)", name);
			int64_t v;
			/* aliases (NR_LRU_BASE = NR_INACTIVE_ANON): the last
			 * declared name is the one /proc prints */
			if (mms_facts_num(d->facts, nkey, &v) && v == (int64_t)i &&
			    strncmp(name, "NR_VM_", 6) != 0) {
				free(best);
				best = strdup(name);
			}
		}
		list = end ? end + 1 : NULL;
	}
	for (char *p = best; p && *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return best;
}

static unsigned text_base(const mms_dump *d, enum mms_stat_kind kind)
{
	const struct mms_kernel *k = &d->k;
	switch (kind) {
	case MMS_STAT_ZONE: return 0;
	case MMS_STAT_NUMA: return (unsigned)k->nr_zone_stat;
	case MMS_STAT_NODE:
		return (unsigned)(k->nr_zone_stat + k->nr_numa_stat);
	case MMS_STAT_WRITEBACK:
		return (unsigned)(k->nr_zone_stat + k->nr_numa_stat +
				  k->nr_node_stat);
	case MMS_STAT_EVENT:
		return (unsigned)(k->nr_zone_stat + k->nr_numa_stat +
				  k->nr_node_stat +
				  (k->nr_writeback_stat > 0 ? k->nr_writeback_stat : 0));
	}
	return 0;
}

static mms_error *load_names(mms_dump *d, enum mms_stat_kind kind)
{
	unsigned n = mms_stat_count(d, kind);
	if (d->stat_names[kind] || !n)
		return NULL;
	char **names = calloc(n, sizeof(char *));
	if (!names)
		return mms_err_nomem();
	d->stat_names[kind] = names;
	d->nr_stat_names[kind] = n;
	unsigned base = text_base(d, kind);
	bool text = d->k.sym_vmstat_text && d->k.nr_zone_stat > 0 &&
		    d->k.nr_node_stat > 0 &&
		    (d->k.vmstat_text_len <= 0 ||
		     base + n <= (uint64_t)d->k.vmstat_text_len);
	for (unsigned i = 0; i < n; i++) {
		if (text) {
			uint64_t p;
			char buf[64];
			mms_error *err = mms_read_u64(d, d->k.sym_vmstat_text +
						      (base + i) * 8ULL, &p);
			if (!err)
				err = mms_read_string(d, p, buf, sizeof(buf));
			if (!err) {
				names[i] = strdup(buf);
				if (!names[i])
					return mms_err_nomem();
				continue;
			}
			mms_error_free(err);
		}
		names[i] = enum_name(d, kind, i);
	}
	return NULL;
}

const char *mms_stat_name(const mms_dump *d, enum mms_stat_kind kind,
			  unsigned i)
{
	mms_dump *dd = (mms_dump *)d;
	mms_error *err = load_names(dd, kind);
	if (err) {
		mms_error_free(err);
		return NULL;
	}
	return i < dd->nr_stat_names[kind] ? dd->stat_names[kind][i] : NULL;
}

/* Node counters shown in THP units: since 5.13 the kernel counts them in
 * pages and divides by HPAGE_PMD_NR when printing; before, it counted THPs.
 * Nothing in the types tells the two apart, so the release does. */
static bool print_in_thp(const mms_dump *d, unsigned i)
{
	const char *rel = mms_facts_get(d->vmcoreinfo, "OSRELEASE");
	unsigned major = 0, minor = 0;
	if (!rel || sscanf(rel, "%u.%u", &major, &minor) != 2 ||
	    major * 256 + minor < 5 * 256 + 13)
		return false;
	static const char *const thp[] = {
		"NR_ANON_THPS", "NR_FILE_THPS", "NR_SHMEM_THPS",
		"NR_SHMEM_PMDMAPPED", "NR_FILE_PMDMAPPED",
	};
	for (size_t t = 0; t < MMS_ARRAY_SIZE(thp); t++) {
		char key[64];
		snprintf(key, sizeof(key), "NUMBER(%s)", thp[t]);
		int64_t v;
		if (mms_facts_num(d->facts, key, &v) && v == (int64_t)i)
			return true;
	}
	return false;
}

/* Counters are unsigned longs in the kernel and a corrupt dump's can be
 * anything: sums wrap as the kernel's would, never overflow a signed int. */
static int64_t add(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a + (uint64_t)b);
}

static int64_t clamp(int64_t v)
{
	return v < 0 ? 0 : v;   /* the kernel hides transient negatives */
}

static mms_error *check_index(const mms_dump *d, enum mms_stat_kind kind,
			      unsigned i)
{
	if (i >= mms_stat_count(d, kind))
		return mms_err(MMS_ERR_NOTFOUND, "counter %u of %s is unknown "
			       "(the type info has no enum %s)", i,
			       kind_enum[kind], kind_enum[kind]);
	return NULL;
}

/* Pending per-cpu NUMA events of one zone, which /proc folds on read. */
static mms_error *numa_pending(mms_dump *d, const struct mms_zone *z,
			       unsigned i, int64_t *sum)
{
	const struct mms_kernel *k = &d->k;
	*sum = 0;
	if (k->zone_pzstats < 0 || k->pzstats_numa_event < 0 || !z->populated)
		return NULL;
	uint64_t pcpu;
	mms_error *err = mms_read_u64(d, z->addr + (uint64_t)k->zone_pzstats,
				      &pcpu);
	for (unsigned c = 0; !err && c < d->nr_online_cpus; c++) {
		uint64_t v;
		err = mms_read_u64(d, pcpu + d->cpu_offsets[c] +
				   (uint64_t)k->pzstats_numa_event + 8ULL * i, &v);
		if (!err)
			*sum = add(*sum, (int64_t)v);
	}
	return err;
}

mms_error *mms_stat_zone(mms_dump *d, unsigned node_idx, unsigned zone_idx,
			 enum mms_stat_kind kind, unsigned i, int64_t *value)
{
	mms_error *err = check_index(d, kind, i);
	struct mms_zone z;
	if (!err)
		err = mms_zone_get(d, node_idx, zone_idx, &z);
	if (err)
		return err;
	const struct mms_kernel *k = &d->k;
	uint64_t v;
	if (kind == MMS_STAT_ZONE && k->zone_vm_stat >= 0) {
		err = mms_read_u64(d, z.addr + (uint64_t)k->zone_vm_stat + 8ULL * i,
				   &v);
		if (!err)
			*value = clamp((int64_t)v);
		return err;
	}
	if (kind == MMS_STAT_NUMA && k->zone_vm_numa_event >= 0) {
		int64_t pending;
		err = mms_read_u64(d, z.addr + (uint64_t)k->zone_vm_numa_event +
				   8ULL * i, &v);
		if (!err)
			err = numa_pending(d, &z, i, &pending);
		if (!err)
			*value = add((int64_t)v, pending);
		return err;
	}
	return mms_err(MMS_ERR_INVALID, "no per-zone %s counters",
		       kind_enum[kind]);
}

mms_error *mms_stat_node(mms_dump *d, unsigned node_idx, unsigned i,
			 int64_t *value)
{
	mms_error *err = check_index(d, MMS_STAT_NODE, i);
	if (err)
		return err;
	if (node_idx >= d->nr_nodes || d->k.pgdat_vm_stat < 0)
		return mms_err(MMS_ERR_INVALID, "no node counters for node "
			       "index %u", node_idx);
	uint64_t v;
	err = mms_read_u64(d, d->nodes[node_idx].pgdat +
			   (uint64_t)d->k.pgdat_vm_stat + 8ULL * i, &v);
	if (err)
		return err;
	*value = clamp((int64_t)v);
	if (print_in_thp(d, i))
		*value /= 1LL << (21 - d->k.page_shift);
	return NULL;
}

static mms_error *global_event(mms_dump *d, unsigned i, int64_t *value)
{
	const struct mms_kernel *k = &d->k;
	if (!d->nr_online_cpus || !k->sym_vm_event_states)
		return mms_err(MMS_ERR_NOTFOUND, "vm events need per-cpu data "
			       "(vm_event_states, __per_cpu_offset): give a "
			       "vmlinux or a profile");
	int64_t sum = 0;
	for (unsigned c = 0; c < d->nr_online_cpus; c++) {
		uint64_t v;
		mms_error *err = mms_read_u64(d, k->sym_vm_event_states +
				d->cpu_offsets[c] +
				(uint64_t)k->vm_event_state_event + 8ULL * i, &v);
		if (err)
			return mms_err_wrap(err, "reading vm_event_states of "
					    "cpu %u", d->online_cpus[c]);
		sum = add(sum, (int64_t)v);
	}
	/* /proc/vmstat shows PGPGIN/PGPGOUT in KiB, counted in sectors */
	if ((int64_t)i == mms_facts_number(d->facts, "PGPGIN") ||
	    (int64_t)i == mms_facts_number(d->facts, "PGPGOUT"))
		sum /= 2;
	*value = sum;
	return NULL;
}

mms_error *mms_stat_global(mms_dump *d, enum mms_stat_kind kind, unsigned i,
			   int64_t *value)
{
	mms_error *err = check_index(d, kind, i);
	if (err)
		return err;
	const struct mms_kernel *k = &d->k;
	uint64_t v;
	switch (kind) {
	case MMS_STAT_ZONE:
		if (!k->sym_vm_zone_stat)
			break;
		err = mms_read_u64(d, k->sym_vm_zone_stat + 8ULL * i, &v);
		if (!err)
			*value = clamp((int64_t)v);
		return err;
	case MMS_STAT_NUMA: {
		if (!k->sym_vm_numa_event)
			break;
		err = mms_read_u64(d, k->sym_vm_numa_event + 8ULL * i, &v);
		int64_t sum = (int64_t)v;
		for (unsigned n = 0; !err && n < d->nr_nodes; n++)
			for (unsigned z = 0; !err && z < k->max_nr_zones; z++) {
				int64_t p;
				err = numa_pending(d, &d->zones[n * k->max_nr_zones + z].z,
						   i, &p);
				sum = add(sum, p);
			}
		if (!err)
			*value = sum;
		return err;
	}
	case MMS_STAT_NODE:
		if (!k->sym_vm_node_stat)
			break;
		err = mms_read_u64(d, k->sym_vm_node_stat + 8ULL * i, &v);
		if (!err) {
			*value = clamp((int64_t)v);
			if (print_in_thp(d, i))
				*value /= 1LL << (21 - k->page_shift);
		}
		return err;
	case MMS_STAT_EVENT:
		return global_event(d, i, value);
	case MMS_STAT_WRITEBACK:
		return mms_writeback_stat(d, i, value);
	}
	return mms_err(MMS_ERR_NOTFOUND, "the global %s counters are unknown "
		       "(no symbol): give a vmlinux or a profile",
		       kind_enum[kind]);
}

mms_error *mms_zone_free_snapshot(mms_dump *d, unsigned node_idx,
				  unsigned zone_idx, int64_t *value)
{
	int64_t v;
	unsigned i = (unsigned)d->k.nr_free_pages_item;
	mms_error *err = mms_stat_zone(d, node_idx, zone_idx, MMS_STAT_ZONE, i,
				       &v);
	if (err)
		return err;
	const struct mms_kernel *k = &d->k;
	const struct mms_zone *z = &d->zones[node_idx * k->max_nr_zones +
					     zone_idx].z;
	if (k->zone_pzstats < 0 || k->pzstats_diff < 0 || !d->nr_online_cpus)
		return mms_err(MMS_ERR_NOTFOUND, "per-cpu vm_stat_diff is "
			       "unknown (needs per_cpu_zonestat in the type info)");
	uint64_t pcpu;
	err = mms_read_u64(d, z->addr + (uint64_t)k->zone_pzstats, &pcpu);
	for (unsigned c = 0; !err && c < d->nr_online_cpus; c++) {
		signed char diff = 0;
		err = mms_read_kvaddr(d, pcpu + d->cpu_offsets[c] +
				      (uint64_t)k->pzstats_diff + i, &diff, 1);
		v = add(v, diff);
	}
	if (!err)
		*value = v;
	return err;
}
