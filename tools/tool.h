/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MMS_TOOL_H
#define MMS_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
	char **args;          /* positional arguments after DUMP */
	int nargs;
	bool has_pid, has_pgd;
	int pid;
	uint64_t pgd;
	size_t read_len;      /* vtop --read */
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
int cmd_ptdump(struct tool *t);
int cmd_vtop(struct tool *t);
int cmd_addr(struct tool *t);
int cmd_ps(struct tool *t);

/* Prints "mmscope: <message>" for err, frees it, returns 1. */
int tool_fail(mms_error *err);
/* Prints "mmscope: <message>", returns 1. */
int tool_failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "mmscope: <message>", returns 2 (bad command line). */
int tool_usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/* A number: hex with 0x or a bare hex address; 0 on success. */
int tool_parse_addr(const char *s, uint64_t *out);

#endif
