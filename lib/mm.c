// SPDX-License-Identifier: LGPL-2.1-or-later
/* Nodes, zones, CPUs and the names the kernel gives them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MAX_NODES 1024
#define MAX_CPUS 8192

static mms_error *read_name(struct mms_dump *d, uint64_t ptr_addr, char **out)
{
	uint64_t p;
	char buf[64];
	mms_error *err = mms_read_u64(d, ptr_addr, &p);
	if (!err)
		err = mms_read_string(d, p, buf, sizeof(buf));
	if (err)
		return err;
	*out = strdup(buf);
	return *out ? NULL : mms_err_nomem();
}

static bool bit_set(struct mms_dump *d, uint64_t bitmap, uint64_t bit)
{
	uint64_t word;
	mms_error *err = mms_read_u64(d, bitmap + bit / 64 * 8, &word);
	if (err) {
		mms_error_free(err);
		return true;   /* unknown: do not hide the node */
	}
	return word & (1ULL << (bit % 64));
}

static mms_error *find_pgdats(struct mms_dump *d, uint64_t **out, unsigned *n)
{
	struct mms_kernel *k = &d->k;
	uint64_t *list = calloc(MAX_NODES, sizeof(*list));
	if (!list)
		return mms_err_nomem();
	*out = list;
	*n = 0;
	if (k->sym_node_data) {
		int64_t len = k->node_data_len > 0 ? k->node_data_len : 64;
		if (len > MAX_NODES)
			len = MAX_NODES;
		/* node_states[N_ONLINE] (N_ONLINE is 1 since 2.6.23) */
		uint64_t online = mms_facts_symbol(d->vmcoreinfo,
						   "node_online_map");
		if (!online && k->sym_node_states)
			online = k->sym_node_states + (uint64_t)((len + 63) / 64 * 8);
		for (int64_t i = 0; i < len; i++) {
			uint64_t p;
			mms_error *err = mms_read_u64(d, k->sym_node_data +
						      (uint64_t)i * 8, &p);
			if (err)
				return mms_err_wrap(err, "reading node_data[%lld]",
						    (long long)i);
			if (p && (!online || bit_set(d, online, (uint64_t)i)))
				list[(*n)++] = p;
		}
	} else if (k->sym_contig_page_data) {
		list[(*n)++] = k->sym_contig_page_data;
	}
	if (!*n)
		return mms_err(MMS_ERR_NOTFOUND, "%s: no node found (neither "
			       "node_data nor contig_page_data)", d->path);
	return NULL;
}

static mms_error *read_node(struct mms_dump *d, uint64_t pgdat,
			    struct mms_node *n)
{
	struct mms_kernel *k = &d->k;
	mms_error *err = NULL;
	uint64_t v;
	n->pgdat = pgdat;
	n->nr_zones = (unsigned)k->max_nr_zones;
	n->nid = 0;
	if (k->pgdat_node_id >= 0) {
		uint32_t id;
		err = mms_read_u32(d, pgdat + (uint64_t)k->pgdat_node_id, &id);
		if (err)
			return err;
		n->nid = (int)id;
	}
	if (k->pgdat_start_pfn >= 0 &&
	    !(err = mms_read_u64(d, pgdat + (uint64_t)k->pgdat_start_pfn, &v)))
		n->start_pfn = v;
	if (!err && k->pgdat_spanned >= 0 &&
	    !(err = mms_read_u64(d, pgdat + (uint64_t)k->pgdat_spanned, &v)))
		n->spanned = v;
	if (!err && k->pgdat_present >= 0 &&
	    !(err = mms_read_u64(d, pgdat + (uint64_t)k->pgdat_present, &v)))
		n->present = v;
	return err;
}

/* VMCOREINFO carries no OFFSET(zone.name): x86-64's zone_type order */
static const char *const x86_64_zone_names[] = {
	"DMA", "DMA32", "Normal", "Movable", "Device",
};

static uint64_t field(const unsigned char *buf, int64_t off)
{
	return off >= 0 ? mms_get_u64(buf, off) : 0;
}

static mms_error *read_zone(struct mms_dump *d, struct mms_node *node,
			    unsigned zi, struct mms_zone *z)
{
	struct mms_kernel *k = &d->k;
	unsigned char *buf = malloc((size_t)k->zone_sz);
	if (!buf)
		return mms_err_nomem();
	memset(z, 0, sizeof(*z));
	z->nid = node->nid;
	z->zone_idx = zi;
	z->addr = node->pgdat + (uint64_t)k->pgdat_node_zones +
		  zi * (uint64_t)k->zone_sz;
	mms_error *err = mms_read_kvaddr(d, z->addr, buf, (size_t)k->zone_sz);
	if (err) {
		free(buf);
		return mms_err_wrap(err, "reading struct zone %u of node %d",
				    zi, node->nid);
	}
	z->start_pfn = field(buf, k->zone_start_pfn);
	z->sizes_known = k->zone_start_pfn >= 0 && k->zone_present >= 0 &&
			 k->zone_managed >= 0;
	z->spanned = field(buf, k->zone_spanned);
	z->present = field(buf, k->zone_present);
	z->managed = field(buf, k->zone_managed);
	z->cma = field(buf, k->zone_cma);
	z->watermark_boost = field(buf, k->zone_watermark_boost);
	z->nr_watermarks = k->zone_watermark_len > 0
		? (unsigned)(k->zone_watermark_len > 4 ? 4 : k->zone_watermark_len)
		: 0;
	for (unsigned i = 0; i < z->nr_watermarks; i++)
		z->watermark[i] = field(buf, k->zone_watermark + 8 * i);
	if (k->zone_lowmem_reserve >= 0 && k->zone_lowmem_reserve_len > 0) {
		z->nr_lowmem_reserve = (unsigned)(k->zone_lowmem_reserve_len >
				MMS_MAX_ZONES ? MMS_MAX_ZONES : k->zone_lowmem_reserve_len);
		for (unsigned i = 0; i < z->nr_lowmem_reserve; i++)
			z->lowmem_reserve[i] = (int64_t)field(buf,
					k->zone_lowmem_reserve + 8 * i);
	}
	if (k->zone_vm_stat >= 0 && k->nr_free_pages_item >= 0)
		z->free = field(buf, k->zone_vm_stat + 8 * k->nr_free_pages_item);
	z->nr_orders = (unsigned)k->zone_free_area_len;
	for (unsigned o = 0; o < z->nr_orders && k->free_area_nr_free >= 0; o++)
		z->nr_free[o] = field(buf, k->zone_free_area + o * k->free_area_sz +
				      k->free_area_nr_free);
	/* populated_zone(): present_pages != 0 */
	z->populated = k->zone_present >= 0 ? z->present != 0 : z->spanned != 0;
	free(buf);
	if (k->zone_name < 0 && zi < MMS_ARRAY_SIZE(x86_64_zone_names))
		snprintf(z->name, sizeof(z->name), "%s", x86_64_zone_names[zi]);
	if (k->zone_name >= 0) {
		char *name = NULL;
		err = read_name(d, z->addr + (uint64_t)k->zone_name, &name);
		if (err)
			return mms_err_wrap(err, "reading the name of zone %u "
					    "of node %d", zi, node->nid);
		snprintf(z->name, sizeof(z->name), "%s", name);
		free(name);
	}
	return NULL;
}

static mms_error *read_cpus(struct mms_dump *d)
{
	struct mms_kernel *k = &d->k;
	if (!k->sym_cpu_online_mask || !k->sym_per_cpu_offset)
		return NULL;   /* VMCOREINFO alone: no per-cpu data */
	int64_t n = k->nr_cpu_ids > 0 ? k->nr_cpu_ids : 64;
	if (n > MAX_CPUS)
		n = MAX_CPUS;
	d->online_cpus = calloc((size_t)n, sizeof(*d->online_cpus));
	d->cpu_offsets = calloc((size_t)n, sizeof(*d->cpu_offsets));
	if (!d->online_cpus || !d->cpu_offsets)
		return mms_err_nomem();
	for (int64_t c = 0; c < n; c += 64) {
		uint64_t word;
		mms_error *err = mms_read_u64(d, k->sym_cpu_online_mask +
					      (uint64_t)c / 8, &word);
		if (err)
			return mms_err_wrap(err, "reading cpu_online_mask");
		for (int64_t b = 0; b < 64 && c + b < n; b++) {
			if (!(word & (1ULL << b)))
				continue;
			uint64_t off;
			err = mms_read_u64(d, k->sym_per_cpu_offset +
					   (uint64_t)(c + b) * 8, &off);
			if (err)
				return mms_err_wrap(err, "reading __per_cpu_offset");
			d->online_cpus[d->nr_online_cpus] = (unsigned)(c + b);
			d->cpu_offsets[d->nr_online_cpus++] = off;
		}
	}
	return NULL;
}

static const char *const default_mt_names[] = {
	"Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate",
};

static mms_error *read_mt_names(struct mms_dump *d)
{
	unsigned n = (unsigned)d->k.nr_migratetypes;
	d->mt_names = calloc(n, sizeof(char *));
	if (!d->mt_names)
		return mms_err_nomem();
	d->nr_mt_names = n;
	for (unsigned i = 0; i < n; i++) {
		mms_error *err = NULL;
		if (d->k.sym_migratetype_names)
			err = read_name(d, d->k.sym_migratetype_names + 8 * i,
					&d->mt_names[i]);
		if (!d->k.sym_migratetype_names || err) {
			mms_error_free(err);
			const char *def = n == 1 ? "Unmovable"
				: i < MMS_ARRAY_SIZE(default_mt_names)
					? default_mt_names[i] : "Unknown";
			d->mt_names[i] = strdup(def);
			if (!d->mt_names[i])
				return mms_err_nomem();
		}
	}
	return NULL;
}

/* With VMCOREINFO alone the zone count is unknown; pgdat->nr_zones (the
 * highest populated zone + 1) bounds every zone /proc/buddyinfo shows. */
static mms_error *zones_from_nr_zones(struct mms_dump *d)
{
	int64_t max = 0;
	for (unsigned i = 0; i < d->nr_nodes; i++) {
		uint32_t nr;
		mms_error *err = mms_read_u32(d, d->nodes[i].pgdat +
				(uint64_t)d->k.pgdat_nr_zones, &nr);
		if (err)
			return mms_err_wrap(err, "reading nr_zones of node %d",
					    d->nodes[i].nid);
		if (nr > max)
			max = nr;
	}
	if (max <= 0 || max > MMS_MAX_ZONES)
		return mms_err(MMS_ERR_CORRUPT, "%s: pgdat->nr_zones is %lld",
			       d->path, (long long)max);
	d->k.max_nr_zones = max;
	for (unsigned i = 0; i < d->nr_nodes; i++)
		d->nodes[i].nr_zones = (unsigned)max;
	return NULL;
}

mms_error *mms_mm_init(struct mms_dump *d)
{
	uint64_t *pgdats = NULL;
	unsigned n = 0;
	mms_error *err = find_pgdats(d, &pgdats, &n);
	if (!err) {
		d->nodes = calloc(n, sizeof(*d->nodes));
		if (!d->nodes)
			err = mms_err_nomem();
	}
	for (unsigned i = 0; !err && i < n; i++) {
		err = read_node(d, pgdats[i], &d->nodes[i]);
		if (err)
			err = mms_err_wrap(err, "reading pg_data_t at 0x%llx",
					   (unsigned long long)pgdats[i]);
		else
			d->nr_nodes++;
	}
	free(pgdats);
	if (!err && d->k.max_nr_zones < 0)
		err = zones_from_nr_zones(d);
	if (!err) {
		d->zones = calloc((size_t)d->nr_nodes * (size_t)d->k.max_nr_zones,
				  sizeof(*d->zones));
		if (!d->zones)
			err = mms_err_nomem();
	}
	for (unsigned i = 0; !err && i < d->nr_nodes; i++)
		for (unsigned z = 0; !err && z < d->k.max_nr_zones; z++) {
			struct mms_zone_state *zs =
				&d->zones[i * d->k.max_nr_zones + z];
			err = read_zone(d, &d->nodes[i], z, &zs->z);
			zs->read_ok = !err;
		}
	if (!err)
		err = read_cpus(d);
	if (!err)
		err = read_mt_names(d);
	return err;
}

unsigned mms_node_count(const mms_dump *d)
{
	return d->nr_nodes;
}

mms_error *mms_node_get(mms_dump *d, unsigned idx, struct mms_node *out)
{
	if (idx >= d->nr_nodes)
		return mms_err(MMS_ERR_INVALID, "no node index %u", idx);
	*out = d->nodes[idx];
	return NULL;
}

unsigned mms_zone_count(const mms_dump *d)
{
	return (unsigned)d->k.max_nr_zones;
}

mms_error *mms_zone_get(mms_dump *d, unsigned node_idx, unsigned zone_idx,
			struct mms_zone *out)
{
	if (node_idx >= d->nr_nodes || zone_idx >= d->k.max_nr_zones)
		return mms_err(MMS_ERR_INVALID, "no zone %u of node index %u",
			       zone_idx, node_idx);
	*out = d->zones[node_idx * d->k.max_nr_zones + zone_idx].z;
	return NULL;
}

unsigned mms_migratetype_count(const mms_dump *d)
{
	return d->nr_mt_names;
}

const char *mms_migratetype_name(const mms_dump *d, unsigned mt)
{
	return mt < d->nr_mt_names ? d->mt_names[mt] : NULL;
}

unsigned mms_pageblock_order(const mms_dump *d)
{
	return (unsigned)d->k.pageblock_order;
}

unsigned mms_cpu_count(const mms_dump *d)
{
	return d->nr_online_cpus;
}

mms_error *mms_zone_refresh(struct mms_dump *d, unsigned node_idx,
			    unsigned zone_idx)
{
	if (node_idx >= d->nr_nodes || zone_idx >= d->k.max_nr_zones)
		return mms_err(MMS_ERR_INVALID, "no zone %u of node index %u",
			       zone_idx, node_idx);
	struct mms_zone_state *zs = &d->zones[node_idx * d->k.max_nr_zones +
					      zone_idx];
	mms_error *err = read_zone(d, &d->nodes[node_idx], zone_idx, &zs->z);
	zs->read_ok = !err;
	return err;
}
