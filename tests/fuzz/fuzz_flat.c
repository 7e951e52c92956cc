// SPDX-License-Identifier: LGPL-2.1-or-later
/* Fuzz target: makedumpfile's flattened format reader (lib/flat.c). */
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flat.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = fuzz_memfd("flat", data, size, path, sizeof(path));
	if (fd < 0)
		return 0;
	if (!mms_flat_detect(fd))
		return 0;
	int out = -1;
	mms_error *err = mms_flat_rearrange(fd, "fuzz.flat", &out);
	if (!err) {
		struct stat st;
		if (out < 0 || fstat(out, &st) != 0)
			abort();
		close(out);
	}
	fuzz_drop(err);
	return 0;
}
