/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * kdump-compressed ("KDUMP   ", header version 6), the format
 * makedumpfile writes: block 0 the disk_dump_header, then the kdump
 * sub-header with the ELF notes (VMCOREINFO among them), the 1st bitmap
 * (pages that exist) and 2nd bitmap (pages dumped), one page_desc per
 * dumped page, and the page data, each page compressed on its own
 * (stored as is when that does not make it smaller).
 */
#include <lzo1x.h>
#include <snappy-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "synth.h"

#define BLOCK	4096

struct disk_dump_header {
	char signature[8];
	int32_t header_version;
	char utsname[6][65];
	char pad[6];
	int64_t tv_sec;
	int64_t tv_usec;
	uint32_t status;
	int32_t block_size;
	int32_t sub_hdr_size;
	uint32_t bitmap_blocks;
	uint32_t max_mapnr;
	uint32_t total_ram_blocks;
	uint32_t device_blocks;
	uint32_t written_blocks;
	uint32_t current_cpu;
	int32_t nr_cpus;
} __attribute__((packed));

struct kdump_sub_header {
	uint64_t phys_base;
	int32_t dump_level;
	int32_t split;
	uint64_t start_pfn;
	uint64_t end_pfn;
	uint64_t offset_vmcoreinfo;
	uint64_t size_vmcoreinfo;
	uint64_t offset_note;
	uint64_t size_note;
	uint64_t offset_eraseinfo;
	uint64_t size_eraseinfo;
	uint64_t start_pfn_64;
	uint64_t end_pfn_64;
	uint64_t max_mapnr_64;
} __attribute__((packed));

struct page_desc {
	uint64_t offset;
	uint32_t size;
	uint32_t flags;
	uint64_t page_flags;
};

_Static_assert(sizeof(struct disk_dump_header) == 464, "header layout");
_Static_assert(sizeof(struct kdump_sub_header) == 104, "sub-header layout");
_Static_assert(sizeof(struct page_desc) == 24, "page_desc layout");

bool synth_filtered_out(const struct synth *s, uint64_t pfn)
{
	/* makedumpfile -d 16: pages in the buddy allocator's free lists */
	return pfn < s->max_pfn && (s->kind[pfn] == PK_BUDDY_HEAD ||
				    s->kind[pfn] == PK_BUDDY_TAIL);
}

/* Compresses one page; returns the size, or 0 to store it as is. */
static size_t compress_page(enum kdump_compression comp, const uint8_t *src,
			    uint8_t *dst, size_t cap, void *lzo_wrk)
{
	switch (comp) {
	case KDUMP_COMP_ZLIB: {
		uLongf n = cap;
		if (compress2(dst, &n, src, BLOCK, Z_BEST_SPEED) != Z_OK)
			return 0;
		return n < BLOCK ? n : 0;
	}
	case KDUMP_COMP_LZO: {
		lzo_uint n = cap;
		if (lzo1x_1_compress(src, BLOCK, dst, &n, lzo_wrk) != LZO_E_OK)
			return 0;
		return n < BLOCK ? n : 0;
	}
	case KDUMP_COMP_SNAPPY: {
		size_t n = cap;
		if (snappy_compress((const char *)src, BLOCK, (char *)dst, &n) !=
		    SNAPPY_OK)
			return 0;
		return n < BLOCK ? n : 0;
	}
	case KDUMP_COMP_ZSTD: {
		size_t n = ZSTD_compress(dst, cap, src, BLOCK, 1);
		if (ZSTD_isError(n))
			return 0;
		return n < BLOCK ? n : 0;
	}
	}
	return 0;
}

static bool all_zero(const uint8_t *p)
{
	for (size_t i = 0; i < BLOCK; i++)
		if (p[i])
			return false;
	return true;
}

int write_kdump(const struct synth *s, const char *path,
		enum kdump_compression comp, bool filtered, char *err,
		size_t errlen)
{
	int ret = -1;
	FILE *f = NULL;
	size_t notes_len, vmci_off;
	uint8_t *notes = notes_build(s, &notes_len, &vmci_off);
	uint64_t max_mapnr = s->max_pfn;
	uint64_t bitmap_len = ((max_mapnr + 7) / 8 + BLOCK - 1) / BLOCK * BLOCK;
	uint8_t *bitmap = calloc(2, bitmap_len);
	uint64_t ndump = 0;

	for (uint64_t pfn = 0; pfn < max_mapnr; pfn++) {
		if (!image_is_ram(s, pfn))
			continue;
		bitmap[pfn / 8] |= 1 << (pfn % 8);
		if (filtered && synth_filtered_out(s, pfn))
			continue;
		bitmap[bitmap_len + pfn / 8] |= 1 << (pfn % 8);
		ndump++;
	}

	uint64_t sub_len = sizeof(struct kdump_sub_header) + notes_len;
	uint64_t sub_blocks = (sub_len + BLOCK - 1) / BLOCK;
	uint64_t bitmap_off = (1 + sub_blocks) * BLOCK;
	uint64_t desc_off = bitmap_off + 2 * bitmap_len;
	uint64_t data_off = desc_off + ndump * sizeof(struct page_desc);

	struct disk_dump_header dh;
	memset(&dh, 0, sizeof(dh));
	memcpy(dh.signature, "KDUMP   ", 8);
	dh.header_version = 6;
	strcpy(dh.utsname[0], "Linux");
	strcpy(dh.utsname[1], "synth");
	strcpy(dh.utsname[2], s->abi->osrelease);
	strcpy(dh.utsname[3], "#1 SMP PREEMPT_DYNAMIC synthetic");
	strcpy(dh.utsname[4], "x86_64");
	strcpy(dh.utsname[5], "(none)");
	dh.tv_sec = s->def->crashtime;
	dh.tv_usec = 0;
	dh.status = comp;
	dh.block_size = BLOCK;
	dh.sub_hdr_size = (int32_t)sub_blocks;
	dh.bitmap_blocks = (uint32_t)(2 * bitmap_len / BLOCK);
	dh.max_mapnr = (uint32_t)max_mapnr;
	dh.nr_cpus = s->ncpus;

	struct kdump_sub_header sh;
	memset(&sh, 0, sizeof(sh));
	sh.phys_base = s->phys_base;
	sh.dump_level = filtered ? 16 : 0;
	sh.end_pfn = max_mapnr;
	sh.offset_note = BLOCK + sizeof(sh);
	sh.size_note = notes_len;
	sh.offset_vmcoreinfo = sh.offset_note + vmci_off;
	sh.size_vmcoreinfo = s->vmcoreinfo_len;
	sh.end_pfn_64 = max_mapnr;
	sh.max_mapnr_64 = max_mapnr;

	struct page_desc *pd = calloc(ndump ? ndump : 1, sizeof(*pd));
	size_t cap = BLOCK * 2 + 1024;
	uint8_t *cbuf = malloc(cap);
	uint8_t *data = NULL;
	size_t data_len = 0, data_cap = 0;
	void *lzo_wrk = malloc(LZO1X_1_MEM_COMPRESS);
	static const uint8_t zero_page[BLOCK];
	struct page_desc zero_pd = { 0 };
	bool have_zero = false;
	uint64_t i = 0;

	if (comp == KDUMP_COMP_LZO && lzo_init() != LZO_E_OK) {
		snprintf(err, errlen, "lzo_init failed");
		goto out;
	}
	for (uint64_t pfn = 0; pfn < max_mapnr; pfn++) {
		if (!(bitmap[bitmap_len + pfn / 8] & (1 << (pfn % 8))))
			continue;
		const uint8_t *page = image_page(s, pfn);
		bool zero = all_zero(page);
		if (zero && have_zero) {
			/* like makedumpfile: all zero pages share one copy */
			pd[i++] = zero_pd;
			continue;
		}
		size_t n = compress_page(comp, zero ? zero_page : page, cbuf,
					 cap, lzo_wrk);
		const uint8_t *src = n ? cbuf : page;
		size_t len = n ? n : BLOCK;
		if (data_len + len > data_cap) {
			data_cap = (data_cap + len) * 2;
			data = realloc(data, data_cap);
		}
		memcpy(data + data_len, src, len);
		pd[i].offset = data_off + data_len;
		pd[i].size = (uint32_t)len;
		pd[i].flags = n ? comp : 0;
		data_len += len;
		if (zero) {
			zero_pd = pd[i];
			have_zero = true;
		}
		i++;
	}

	f = fopen(path, "wb");
	if (!f) {
		snprintf(err, errlen, "cannot create %s: %m", path);
		goto out;
	}
	static const uint8_t zblock[BLOCK];
	bool ok = fwrite(&dh, sizeof(dh), 1, f) == 1 &&
		  fwrite(zblock, BLOCK - sizeof(dh), 1, f) == 1 &&
		  fwrite(&sh, sizeof(sh), 1, f) == 1 &&
		  fwrite(notes, 1, notes_len, f) == notes_len &&
		  fwrite(zblock, 1, bitmap_off - BLOCK - sub_len, f) ==
			  bitmap_off - BLOCK - sub_len &&
		  fwrite(bitmap, 1, 2 * bitmap_len, f) == 2 * bitmap_len &&
		  fwrite(pd, sizeof(*pd), ndump, f) == ndump &&
		  fwrite(data, 1, data_len, f) == data_len;
	if (fclose(f) || !ok) {
		snprintf(err, errlen, "cannot write %s: %m", path);
		goto out;
	}
	ret = 0;
out:
	free(notes);
	free(bitmap);
	free(pd);
	free(cbuf);
	free(data);
	free(lzo_wrk);
	return ret;
}
