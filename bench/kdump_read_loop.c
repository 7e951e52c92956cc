// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The baseline a compressed-dump page scan is measured against: a plain
 * single-threaded libkdumpfile loop reading the page frames that hold
 * mem_map, one page per kdump_read().  Extents ("PADDR LEN" lines, hex
 * and decimal) come on stdin (from `mmscope memmap --json`).  Prints
 * "<pages of mem_map read> <seconds>".  CACHE_PAGES, if given, sets
 * libkdumpfile's cache.size (default 1024 pages, searched end to end on
 * every miss in 0.5.1: the loop is much faster with a small one).
 *
 *   kdump_read_loop DUMP [CACHE_PAGES] < extents
 */
#include <fcntl.h>
#include <inttypes.h>
#include <libkdumpfile/kdumpfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: kdump_read_loop DUMP [CACHE_PAGES] < "
			"extents\n");
		return 2;
	}
	int fd = open(argv[1], O_RDONLY);
	kdump_ctx_t *kd = kdump_new();
	kdump_attr_t a = { .type = KDUMP_STRING };
	a.val.string = "linux";
	if (fd < 0 || !kd || kdump_set_attr(kd, KDUMP_ATTR_OSTYPE, &a) != KDUMP_OK ||
	    kdump_open_fd(kd, fd) != KDUMP_OK) {
		fprintf(stderr, "kdump_read_loop: cannot open %s\n", argv[1]);
		return 1;
	}
	/* QEMU's kdump files leave the architecture unset, and reads fail */
	kdump_attr_t arch;
	if (kdump_get_attr(kd, KDUMP_ATTR_ARCH_NAME, &arch) != KDUMP_OK) {
		arch.type = KDUMP_STRING;
		arch.val.string = KDUMP_ARCH_X86_64;
		kdump_set_attr(kd, KDUMP_ATTR_ARCH_NAME, &arch);
	}
	if (argc == 3 && kdump_set_number_attr(kd, "cache.size",
					       strtoull(argv[2], NULL, 0)) !=
			 KDUMP_OK) {
		fprintf(stderr, "kdump_read_loop: cache.size: %s\n",
			kdump_get_err(kd));
		return 1;
	}
	static unsigned char page[4096];
	uint64_t paddr, len, pages = 0;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (scanf("%" SCNx64 " %" SCNu64, &paddr, &len) == 2) {
		for (uint64_t off = 0; off < len; off += 4096) {
			size_t n = sizeof(page);
			if (kdump_read(kd, KDUMP_KPHYSADDR, paddr + off, page, &n) ==
			    KDUMP_OK)
				pages++;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%" PRIu64 " %.6f\n", pages, (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;   /* the context is left to exit: kdump_free is unsafe (0.5.1) */
}
