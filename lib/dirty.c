// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The writeback counters of /proc/vmstat: nr_dirty_threshold and
 * nr_dirty_background_threshold are not stored anywhere; the kernel
 * computes them when the file is read (global_dirty_limits() in
 * mm/page-writeback.c), so they are computed here the same way from the
 * dump's counters and sysctls.  6.11 added nr_memmap_pages and
 * nr_memmap_boot_pages, which are plain atomics.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

static int64_t item(const mms_dump *d, const char *name)
{
	return mms_facts_number(d->facts, name);
}

static mms_error *read_sym(mms_dump *d, const char *name, size_t size,
			   uint64_t *out)
{
	char key[128];
	snprintf(key, sizeof(key), "ELFSYM(%s)", name);
	uint64_t addr;
	if (!mms_facts_hex(d->facts, key, &addr) || !addr)
		return mms_err(MMS_ERR_NOTFOUND, "symbol %s is unknown: give a "
			       "vmlinux or a profile", name);
	addr += (uint64_t)d->k.kernel_offset;
	*out = 0;
	return mms_read_kvaddr(d, addr, out, size);
}

static mms_error *global_by_name(mms_dump *d, enum mms_stat_kind kind,
				 const char *name, int64_t *out)
{
	int64_t i = item(d, name);
	if (i < 0)
		return mms_err(MMS_ERR_NOTFOUND, "no counter %s", name);
	return mms_stat_global(d, kind, (unsigned)i, out);
}

static mms_error *dirty_limits(mms_dump *d, uint64_t *thresh, uint64_t *bg)
{
	int64_t free_pages, inactive, active;
	uint64_t reserve, ratio, bg_ratio, bytes, bg_bytes;
	mms_error *err = global_by_name(d, MMS_STAT_ZONE, "NR_FREE_PAGES",
					&free_pages);
	if (!err)
		err = global_by_name(d, MMS_STAT_NODE, "NR_INACTIVE_FILE",
				     &inactive);
	if (!err)
		err = global_by_name(d, MMS_STAT_NODE, "NR_ACTIVE_FILE", &active);
	if (!err)
		err = read_sym(d, "totalreserve_pages", 8, &reserve);
	if (!err)
		err = read_sym(d, "vm_dirty_ratio", 4, &ratio);
	if (!err)
		err = read_sym(d, "dirty_background_ratio", 4, &bg_ratio);
	if (!err)
		err = read_sym(d, "vm_dirty_bytes", 8, &bytes);
	if (!err)
		err = read_sym(d, "dirty_background_bytes", 8, &bg_bytes);
	if (err)
		return mms_err_wrap(err, "computing the dirty thresholds");
	/* global_dirtyable_memory(); x86-64 has no highmem to subtract */
	uint64_t avail = (uint64_t)free_pages;
	avail -= avail < reserve ? avail : reserve;
	avail += (uint64_t)inactive + (uint64_t)active + 1;
	/* domain_dirty_limits(): ratios per PAGE_SIZE for precision */
	uint64_t ps = (uint64_t)d->k.page_size;
	*thresh = bytes ? (bytes + ps - 1) / ps : ratio * ps / 100 * avail / ps;
	*bg = bg_bytes ? (bg_bytes + ps - 1) / ps
		       : bg_ratio * ps / 100 * avail / ps;
	if (*bg >= *thresh)
		*bg = *thresh / 2;
	return NULL;
}

mms_error *mms_writeback_stat(mms_dump *d, unsigned i, int64_t *value)
{
	int64_t v = (int64_t)i;
	uint64_t thresh = 0, bg = 0, x = 0;
	mms_error *err;
	if (v == item(d, "NR_DIRTY_THRESHOLD") ||
	    v == item(d, "NR_DIRTY_BG_THRESHOLD")) {
		err = dirty_limits(d, &thresh, &bg);
		if (!err)
			*value = (int64_t)(v == item(d, "NR_DIRTY_THRESHOLD")
						   ? thresh : bg);
		return err;
	}
	if (v == item(d, "NR_MEMMAP_PAGES") ||
	    v == item(d, "NR_MEMMAP_BOOT_PAGES")) {
		err = read_sym(d, v == item(d, "NR_MEMMAP_PAGES")
				   ? "nr_memmap_pages" : "nr_memmap_boot_pages",
			       8, &x);
		if (!err)
			*value = (int64_t)x;
		return err;
	}
	return mms_err(MMS_ERR_UNSUPPORTED, "writeback counter %u is not "
		       "known to mmscope", i);
}
