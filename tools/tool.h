/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MMS_TOOL_H
#define MMS_TOOL_H

#include <stdbool.h>

#include "json.h"
#include "mmscope.h"

struct tool {
	mms_dump *dump;
	const char *path;
	const char *arg2;         /* PFN|ADDR of 'page' */
	bool json;
	bool no_walk;
	bool raw;
	unsigned threads;
	const char *node_opt, *zone_opt, *flags_opt, *pfn_range, *out_path;
	struct json j;
};

/* Each returns the process exit status. */
int cmd_info(struct tool *t);
int cmd_buddyinfo(struct tool *t);
int cmd_pagetypeinfo(struct tool *t);
int cmd_zoneinfo(struct tool *t);
int cmd_vmstat(struct tool *t);
int cmd_page_types(struct tool *t);
int cmd_kpageflags(struct tool *t);
int cmd_page(struct tool *t);
int cmd_memmap(struct tool *t);

/* Prints "mmscope: <message>" for err, frees it, returns 1. */
int tool_fail(mms_error *err);

#endif
