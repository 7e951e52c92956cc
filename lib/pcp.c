// SPDX-License-Identifier: LGPL-2.1-or-later
/* Per-cpu page lists and per-cpu zone statistics thresholds. */
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* MAX_RECLAIM_RETRIES: kswapd gives up on a node after this many tries */
#define MAX_RECLAIM_RETRIES 16

static mms_error *read_int(struct mms_dump *d, uint64_t addr, int64_t off,
			   int *out)
{
	if (off < 0) {
		*out = 0;
		return NULL;
	}
	uint32_t v;
	mms_error *err = mms_read_u32(d, addr + (uint64_t)off, &v);
	if (!err)
		*out = (int32_t)v;
	return err;
}

mms_error *mms_zone_pcp(mms_dump *d, unsigned node_idx, unsigned zone_idx,
			unsigned cpu_idx, struct mms_pcp *out)
{
	struct mms_zone z;
	mms_error *err = mms_zone_get(d, node_idx, zone_idx, &z);
	if (err)
		return err;
	const struct mms_kernel *k = &d->k;
	if (cpu_idx >= d->nr_online_cpus || k->zone_pcp < 0)
		return mms_err(MMS_ERR_NOTFOUND, "no per-cpu pageset for cpu "
			       "index %u (per-cpu data needs a vmlinux or a "
			       "profile)", cpu_idx);
	memset(out, 0, sizeof(*out));
	out->cpu = d->online_cpus[cpu_idx];
	uint64_t off = d->cpu_offsets[cpu_idx], pcp;
	err = mms_read_u64(d, z.addr + (uint64_t)k->zone_pcp, &pcp);
	if (err)
		return err;
	pcp += off;
	out->has_high_minmax = k->pcp_high_min >= 0;
	err = read_int(d, pcp, k->pcp_count, &out->count);
	if (!err)
		err = read_int(d, pcp, k->pcp_high, &out->high);
	if (!err)
		err = read_int(d, pcp, k->pcp_batch, &out->batch);
	if (!err)
		err = read_int(d, pcp, k->pcp_high_min, &out->high_min);
	if (!err)
		err = read_int(d, pcp, k->pcp_high_max, &out->high_max);
	if (err)
		return mms_err_wrap(err, "reading per_cpu_pages of cpu %u",
				    out->cpu);
	/* stat_threshold is an s8 in per_cpu_zonestat (5.14+) */
	uint64_t pz;
	unsigned char t = 0;
	if (k->zone_pzstats >= 0 && k->pzstats_threshold >= 0) {
		err = mms_read_u64(d, z.addr + (uint64_t)k->zone_pzstats, &pz);
		if (!err)
			err = mms_read_kvaddr(d, pz + off +
					      (uint64_t)k->pzstats_threshold, &t, 1);
	}
	out->stat_threshold = (signed char)t;
	return err;
}

mms_error *mms_node_unreclaimable(mms_dump *d, unsigned node_idx, bool *out)
{
	if (node_idx >= d->nr_nodes)
		return mms_err(MMS_ERR_INVALID, "no node index %u", node_idx);
	if (d->k.pgdat_kswapd_failures < 0) {
		*out = false;
		return NULL;
	}
	uint32_t v;
	mms_error *err = mms_read_u32(d, d->nodes[node_idx].pgdat +
			(uint64_t)d->k.pgdat_kswapd_failures, &v);
	if (!err)
		*out = v >= MAX_RECLAIM_RETRIES;
	return err;
}
