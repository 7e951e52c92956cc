// SPDX-License-Identifier: LGPL-2.1-or-later
/* Rearranging makedumpfile's flattened format into a plain dump file. */
#include <stdio.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "flat.h"
#include "internal.h"

#define FLAT_HEADER_SIZE 4096
#define FLAT_SIGNATURE "makedumpfile"
#define FLAT_TYPE 1
/* No real record is larger; a bigger one is corruption, not data. */
#define FLAT_MAX_RECORD (256u << 20)
#define COPY_CHUNK (1u << 20)

static uint64_t be64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

static bool read_full(int fd, void *buf, size_t len, off_t off)
{
	return mms_pread_full(fd, buf, len, (uint64_t)off);
}

static bool write_full(int fd, const void *buf, size_t len, off_t off)
{
	size_t done = 0;
	while (done < len) {
		ssize_t n = pwrite(fd, (const char *)buf + done, len - done,
				   off + (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		done += (size_t)n;
	}
	return true;
}

bool mms_flat_detect(int fd)
{
	unsigned char hdr[32];
	if (!read_full(fd, hdr, sizeof(hdr), 0))
		return false;
	return memcmp(hdr, FLAT_SIGNATURE, sizeof(FLAT_SIGNATURE) - 1) == 0 &&
	       hdr[sizeof(FLAT_SIGNATURE) - 1] == '\0' &&
	       be64(hdr + 16) == FLAT_TYPE;
}

static int open_temp(void)
{
	const char *dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	char path[4096];
	if ((size_t)snprintf(path, sizeof(path), "%s/mmscope-flat-XXXXXX", dir) >=
	    sizeof(path))
		return -1;
	fd = mkstemp(path);
	if (fd >= 0)
		unlink(path);
	return fd;
}

mms_error *mms_flat_rearrange(int fd, const char *path, int *out_fd)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return mms_err(MMS_ERR_IO, "%s: %s", path, strerror(errno));
	int out = open_temp();
	if (out < 0)
		return mms_err(MMS_ERR_IO, "%s: cannot create a temporary file "
			       "to rearrange the flattened dump: %s", path,
			       strerror(errno));
	unsigned char *buf = malloc(COPY_CHUNK);
	if (!buf) {
		close(out);
		return mms_err_nomem();
	}
	mms_error *err = NULL;
	off_t pos = FLAT_HEADER_SIZE;
	bool ended = false;
	while (!ended) {
		unsigned char rec[16];
		if (pos + 16 > st.st_size || !read_full(fd, rec, 16, pos)) {
			err = mms_err(MMS_ERR_FORMAT, "%s: flattened dump is "
				      "truncated at file offset 0x%llx (no end "
				      "marker)", path, (unsigned long long)pos);
			break;
		}
		int64_t off = (int64_t)be64(rec), size = (int64_t)be64(rec + 8);
		if (off == -1 && size == -1) {
			ended = true;
			break;
		}
		pos += 16;
		if (off < 0 || size < 0 || (uint64_t)size > FLAT_MAX_RECORD ||
		    pos + size > st.st_size ||
		    (uint64_t)off > (uint64_t)INT64_MAX - (uint64_t)size) {
			err = mms_err(MMS_ERR_FORMAT, "%s: bad flattened record "
				      "at file offset 0x%llx (offset %lld, size "
				      "%lld)", path,
				      (unsigned long long)(pos - 16),
				      (long long)off, (long long)size);
			break;
		}
		int64_t left = size;
		while (left > 0) {
			size_t n = left > COPY_CHUNK ? COPY_CHUNK : (size_t)left;
			if (!read_full(fd, buf, n, pos) ||
			    !write_full(out, buf, n, (off_t)off)) {
				err = mms_err(MMS_ERR_IO, "%s: copying flattened "
					      "record at 0x%llx: %s", path,
					      (unsigned long long)pos,
					      strerror(errno ? errno : EIO));
				break;
			}
			pos += (off_t)n;
			off += (int64_t)n;
			left -= (int64_t)n;
		}
		if (err)
			break;
	}
	free(buf);
	if (err) {
		close(out);
		return err;
	}
	*out_fd = out;
	return NULL;
}
