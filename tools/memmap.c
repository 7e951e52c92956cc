// SPDX-License-Identifier: LGPL-2.1-or-later
/* mmscope memmap: the sections (like crash's kmem -n) and the physical
 * page frames that store the struct page arrays themselves. */
#include <inttypes.h>
#include <stdio.h>

#include "tool.h"

struct frames {
	struct tool *t;
	uint64_t extents, bytes, missing;
};

static int on_extent(void *arg, uint64_t vaddr, uint64_t paddr, uint64_t len,
		     bool in_dump)
{
	struct frames *f = arg;
	f->extents++;
	f->bytes += len;
	if (!in_dump)
		f->missing += len;
	if (f->t->json) {
		json_begin_object(&f->t->j, NULL);
		json_hex(&f->t->j, "vaddr", vaddr);
		json_hex(&f->t->j, "paddr", paddr);
		json_uint(&f->t->j, "bytes", len);
		json_bool(&f->t->j, "in_dump", in_dump);
		json_end_object(&f->t->j);
	} else {
		printf("  %016" PRIx64 "  pfn %#10" PRIx64 "-%#10" PRIx64
		       "  %8" PRIu64 " KiB%s\n", vaddr, paddr >> 12,
		       (paddr + len) >> 12, len >> 10,
		       in_dump ? "" : "  (not in the dump)");
	}
	return 0;
}

int cmd_memmap(struct tool *t)
{
	uint64_t n = mms_memmap_block_count(t->dump);
	struct json *j = &t->j;
	if (t->json) {
		json_begin_object(j, NULL);
		json_begin_array(j, "sections");
	} else {
		printf("     NR     CODED_MEM_MAP           MEM_MAP  STATE      "
		       "START_PFN      PAGES\n");
	}
	for (uint64_t i = 0; i < n; i++) {
		struct mms_memmap_block b;
		mms_error *err = mms_memmap_block_get(t->dump, i, &b);
		if (err)
			return tool_fail(err);
		char state[16];
		snprintf(state, sizeof(state), "%s%s%s%s", b.present ? "P" : "",
			 b.has_mem_map ? "M" : "", b.online ? "O" : "",
			 b.early ? "E" : "");
		if (t->json) {
			json_begin_object(j, NULL);
			json_uint(j, "nr", b.section_nr);
			json_hex(j, "coded_mem_map", b.coded);
			json_hex(j, "mem_map", b.mem_map);
			json_str(j, "state", state);
			json_uint(j, "start_pfn", b.start_pfn);
			json_uint(j, "pages", b.nr_pages);
			json_end_object(j);
		} else {
			printf("%7" PRIu64 "  %16" PRIx64 "  %16" PRIx64 "  %-5s  %#10"
			       PRIx64 "  %9" PRIu64 "\n", b.section_nr, b.coded,
			       b.mem_map, state, b.start_pfn, b.nr_pages);
		}
	}
	struct frames f = { .t = t };
	if (t->json) {
		json_end_array(j);
		json_begin_array(j, "frames");
	} else {
		printf("\npage frames holding mem_map:\n");
	}
	mms_error *err = mms_memmap_frames(t->dump, on_extent, &f);
	if (err)
		return tool_fail(err);
	if (t->json) {
		json_end_array(j);
		json_uint(j, "mem_map_bytes", f.bytes);
		json_uint(j, "missing_bytes", f.missing);
		json_end_object(j);
		json_finish(j);
	} else {
		printf("mem_map: %" PRIu64 " KiB in %" PRIu64 " physical extent%s%s\n",
		       f.bytes >> 10, f.extents, f.extents == 1 ? "" : "s",
		       f.missing ? " (some not in the dump)" : "");
	}
	return 0;
}
