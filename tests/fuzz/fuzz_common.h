/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shared by the fuzz targets: fuzzed bytes into a file the library can
 * open (a memfd, named /proc/self/fd/N), where the targets' data lives,
 * and a run of every read-side call of the public API over an open dump.
 */
#ifndef MMS_FUZZ_COMMON_H
#define MMS_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mmscope.h"

#ifndef MMS_FUZZ_DATA
#define MMS_FUZZ_DATA "."
#endif

/* The directory make_seeds.py filled (profiles/, base.elf). */
static inline const char *fuzz_data_dir(void)
{
	const char *d = getenv("MMS_FUZZ_DATA");
	return d && *d ? d : MMS_FUZZ_DATA;
}

/* Replaces the content of this process's memfd with data; returns its fd
 * and writes its path, or -1. */
static inline int fuzz_memfd(const char *name, const uint8_t *data,
			     size_t size, char *path, size_t len)
{
	static int memfd = -1;   /* one per process: each target has one */
	if (memfd < 0)
		memfd = memfd_create(name, MFD_CLOEXEC);
	int fd = memfd;
	if (fd < 0 || ftruncate(fd, 0) != 0)
		return -1;
	size_t done = 0;
	while (done < size) {
		ssize_t n = pwrite(fd, data + done, size - done, (off_t)done);
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	snprintf(path, len, "/proc/self/fd/%d", fd);
	return fd;
}

static inline void fuzz_drop(mms_error *err)
{
	/* every error must carry a message */
	if (err && !mms_error_message(err)[0])
		abort();
	mms_error_free(err);
}

#define FUZZ_MIN(a, b) ((a) < (b) ? (a) : (b))

/* Everything a tool would ask of an open dump, with loop counts capped so
 * one input stays fast; the library itself must bound its own loops. */
static inline void fuzz_exercise(mms_dump *d)
{
	struct mms_info info;
	fuzz_drop(mms_get_info(d, &info));
	mms_vmcoreinfo_get(d, "OSRELEASE");
	mms_memory_model_name(info.model);
	unsigned nodes = FUZZ_MIN(mms_node_count(d), 4u);
	unsigned zones = mms_zone_count(d);
	unsigned cpus = FUZZ_MIN(mms_cpu_count(d), 4u);
	for (unsigned mt = 0; mt <= mms_migratetype_count(d); mt++)
		mms_migratetype_name(d, mt);
	mms_pageblock_order(d);
	for (unsigned n = 0; n <= nodes; n++) {
		struct mms_node node;
		fuzz_drop(mms_node_get(d, n, &node));
		bool unrecl;
		fuzz_drop(mms_node_unreclaimable(d, n, &unrecl));
		for (unsigned i = 0; i < FUZZ_MIN(mms_stat_count(d, MMS_STAT_NODE), 8u);
		     i++) {
			int64_t v;
			fuzz_drop(mms_stat_node(d, n, i, &v));
		}
		for (unsigned z = 0; z <= zones && z < 16; z++) {
			struct mms_zone zone;
			mms_error *err = mms_zone_get(d, n, z, &zone);
			if (err) {
				fuzz_drop(err);
				continue;
			}
			static struct mms_buddy_zone b;
			fuzz_drop(mms_buddy_walk(d, n, z, &b));
			if (b.nr_orders > MMS_MAX_ORDERS ||
			    b.nr_migratetypes > MMS_MAX_MIGRATETYPES)
				abort();
			uint64_t counts[MMS_MAX_MIGRATETYPES];
			fuzz_drop(mms_zone_pageblocks(d, n, z, counts));
			for (unsigned c = 0; c <= cpus; c++) {
				struct mms_pcp p;
				fuzz_drop(mms_zone_pcp(d, n, z, c, &p));
			}
			int64_t v;
			fuzz_drop(mms_zone_free_snapshot(d, n, z, &v));
			static const enum mms_stat_kind zk[] = {
				MMS_STAT_ZONE, MMS_STAT_NUMA };
			for (unsigned k = 0; k < 2; k++)
				for (unsigned i = 0;
				     i < FUZZ_MIN(mms_stat_count(d, zk[k]), 8u); i++)
					fuzz_drop(mms_stat_zone(d, n, z, zk[k], i, &v));
		}
	}
	static const enum mms_stat_kind kinds[] = {
		MMS_STAT_ZONE, MMS_STAT_NUMA, MMS_STAT_NODE, MMS_STAT_EVENT,
		MMS_STAT_WRITEBACK,
	};
	for (unsigned k = 0; k < 5; k++) {
		unsigned count = mms_stat_count(d, kinds[k]);
		for (unsigned i = 0; i < FUZZ_MIN(count, 16u); i++) {
			int64_t v;
			mms_stat_name(d, kinds[k], i);
			fuzz_drop(mms_stat_global(d, kinds[k], i, &v));
		}
		if (count) {
			int64_t v;
			mms_stat_name(d, kinds[k], count - 1);
			fuzz_drop(mms_stat_global(d, kinds[k], count - 1, &v));
		}
	}
	unsigned char buf[64];
	fuzz_drop(mms_read_phys(d, 0x1000, buf, sizeof(buf)));
	if (info.max_pfn)
		fuzz_drop(mms_read_phys(d, (info.max_pfn - 1) * 4096, buf,
					sizeof(buf)));
	fuzz_drop(mms_read_kvaddr(d, info.page_offset_base + 0x1000, buf,
				  sizeof(buf)));
	mms_pfn_in_dump(d, 0);
	mms_pfn_in_dump(d, info.max_pfn);
	mms_pfn_in_dump(d, UINT64_MAX >> 12);
}

#endif
