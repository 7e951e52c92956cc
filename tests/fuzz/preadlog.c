// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * LD_PRELOAD shim for making fuzz seeds: logs "offset length" of every
 * pread(2) on the file named by $MMS_PREADLOG_PATH to $MMS_PREADLOG, so
 * make_seeds.py can cut a synthetic dump down to the pages mmscope reads.
 * libkdumpfile and libelf read dump files with pread only when mmap is
 * off, which mmscope always sets.
 */
/* both names are defined here: no pread -> pread64 renaming */
#undef _FILE_OFFSET_BITS
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

typedef ssize_t (*pread_fn)(int, void *, size_t, off_t);

static void note(int fd, off_t off, ssize_t got)
{
	const char *want = getenv("MMS_PREADLOG_PATH");
	const char *log = getenv("MMS_PREADLOG");
	if (!want || !log || got <= 0)
		return;
	char link[64], path[PATH_MAX];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0)
		return;
	path[n] = '\0';
	if (strcmp(path, want) != 0)
		return;
	FILE *f = fopen(log, "a");
	if (!f)
		return;
	fprintf(f, "%lld %lld\n", (long long)off, (long long)got);
	fclose(f);
}

static ssize_t call(const char *name, int fd, void *buf, size_t len, off_t off)
{
	pread_fn real = (pread_fn)dlsym(RTLD_NEXT, name);
	if (!real)
		return -1;
	ssize_t got = real(fd, buf, len, off);
	note(fd, off, got);
	return got;
}

ssize_t pread(int fd, void *buf, size_t len, off_t off)
{
	return call("pread", fd, buf, len, off);
}

ssize_t pread64(int fd, void *buf, size_t len, off_t off)
{
	return call("pread64", fd, buf, len, off);
}
