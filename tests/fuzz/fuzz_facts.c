// SPDX-License-Identifier: LGPL-2.1-or-later
/* Fuzz target: the VMCOREINFO / type profile text parser (lib/facts.c)
 * and every typed lookup on what it parsed. */
#include <stdint.h>
#include <stdlib.h>

#include "facts.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mms_facts *f = mms_facts_new();
	struct mms_facts *g = mms_facts_new();
	if (!f || !g)
		abort();
	fuzz_drop(mms_facts_parse(f, (const char *)data, size));
	const char *k, *v;
	for (size_t i = 0; i < 4096 && mms_facts_at(f, i, &k, &v); i++) {
		if (mms_facts_get(f, k) == NULL)
			abort();   /* every key iterated must be found */
		int64_t n;
		uint64_t h;
		mms_facts_num(f, k, &n);
		mms_facts_hex(f, k, &h);
	}
	mms_facts_offset(f, "page", "flags");
	mms_facts_size(f, "zone");
	mms_facts_length(f, "zone.free_area");
	mms_facts_number(f, "NR_FREE_PAGES");
	mms_facts_symbol(f, "mem_section");
	fuzz_drop(mms_facts_set(g, "OSRELEASE", "6.1.0"));
	fuzz_drop(mms_facts_merge(g, f, false));
	fuzz_drop(mms_facts_merge(g, f, true));
	if (mms_facts_count(g) < mms_facts_count(f))
		abort();
	mms_facts_free(f);
	mms_facts_free(g);
	return 0;
}
