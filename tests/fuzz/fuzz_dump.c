// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz target: a fuzzed memory image.  The input is an ELF vmcore (the
 * seeds are synthetic dumps cut to the pages mmscope reads): mem_map,
 * zones, free_area lists, pgdat, per-cpu areas, page tables and the
 * VMCOREINFO note all come from it.  Each input is opened twice, with
 * VMCOREINFO alone and with the synthetic kernel's profile named by its
 * OSRELEASE, and every read-side call runs on it.  Only ELF inputs: the
 * kdump-compressed contexts are never freed (libkdumpfile 0.5.1's
 * kdump_free bug), which a fuzzer's millions of runs cannot afford; the
 * corruption corpus (tests/corrupt) covers kdump files.
 */
#include <ctype.h>
#include <stdint.h>
#include <sys/stat.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The profile of the kernel whose OSRELEASE the input claims, if any. */
static bool find_profile(const uint8_t *data, size_t size, char *out,
			 size_t len)
{
	static const char key[] = "OSRELEASE=";
	const uint8_t *p = memmem(data, size, key, sizeof(key) - 1);
	if (!p)
		return false;
	p += sizeof(key) - 1;
	char rel[65];
	size_t n = 0;
	while (p + n < data + size && n < sizeof(rel) - 1 &&
	       (isalnum(p[n]) || p[n] == '.' || p[n] == '-' || p[n] == '_')) {
		rel[n] = (char)p[n];
		n++;
	}
	rel[n] = '\0';
	if (!n)
		return false;
	snprintf(out, len, "%s/profiles/%s.profile", fuzz_data_dir(), rel);
	struct stat st;
	return stat(out, &st) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 4 || memcmp(data, "\177ELF", 4) != 0)
		return -1;   /* not added to the corpus */
	char path[64], profile[4096];
	if (fuzz_memfd("vmcore", data, size, path, sizeof(path)) < 0)
		return 0;
	struct mms_open_options o = { .vmcoreinfo_only = true, .no_auto = true };
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			if (!find_profile(data, size, profile, sizeof(profile)))
				break;
			o = (struct mms_open_options){ .profile = profile,
						       .force = true,
						       .no_auto = true };
		}
		mms_dump *d = NULL;
		mms_error *err = mms_open(path, &o, &d);
		if (!err)
			fuzz_exercise(d);
		fuzz_drop(err);
		mms_close(d);
	}
	return 0;
}
