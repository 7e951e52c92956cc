// SPDX-License-Identifier: LGPL-2.1-or-later
/* Fuzz target: the DWARF type-info provider (lib/dwarf.c) on a fuzzed
 * ELF file: symbols, build-id note, structs, members, arrays, enums. */
#include <stdint.h>

#include "facts.h"
#include "fuzz_common.h"
#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	if (fuzz_memfd("vmlinux", data, size, path, sizeof(path)) < 0)
		return 0;
	char id[128];
	fuzz_drop(mms_elf_build_id(path, id, sizeof(id)));
	struct mms_facts *f = mms_facts_new();
	if (!f)
		abort();
	fuzz_drop(mms_dwarf_collect(path, f));
	mms_facts_free(f);
	return 0;
}
