// SPDX-License-Identifier: LGPL-2.1-or-later
/* Fuzz target: a fuzzed type profile applied to a fixed synthetic dump
 * (base.elf, made by make_seeds.py): the profile loader, then the layout
 * resolved from hostile sizes and offsets, then every read the tools do. */
#include <stdint.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], base[4096];
	if (fuzz_memfd("profile", data, size, path, sizeof(path)) < 0)
		return 0;
	snprintf(base, sizeof(base), "%s/base.elf", fuzz_data_dir());
	struct mms_open_options o = { .profile = path, .force = true,
				      .no_auto = true };
	mms_dump *d = NULL;
	mms_error *err = mms_open(base, &o, &d);
	if (!err)
		fuzz_exercise(d);
	fuzz_drop(err);
	mms_close(d);
	return 0;
}
