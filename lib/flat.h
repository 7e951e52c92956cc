/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * makedumpfile's flattened format (makedumpfile -F, QEMU's kdump output):
 * a 4 KiB header, then records of { be64 offset, be64 size, data } to be
 * written at offset in the real file, ended by offset = size = -1.
 * libkdumpfile 0.5.1 cannot open it, so it is rearranged into an unlinked
 * temporary file first.
 */
#ifndef MMS_FLAT_H
#define MMS_FLAT_H

#include <stdbool.h>
#include <stdint.h>

#include "mmscope.h"

/* True when the open file starts with the flattened-format header. */
bool mms_flat_detect(int fd);
/* Writes the rearranged dump to a new unlinked file; *out_fd gets its fd. */
mms_error *mms_flat_rearrange(int fd, const char *path, int *out_fd);

#endif
