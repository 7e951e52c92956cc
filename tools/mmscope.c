// SPDX-License-Identifier: LGPL-2.1-or-later
/* The mmscope command: argument parsing and dispatch, thin over the library. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

static void usage(FILE *out)
{
	fputs("usage: mmscope COMMAND [options] DUMP [ADDR]\n"
	      "\n"
	      "commands:\n"
	      "  info          kernel, layout, nodes, zones, type info used\n"
	      "  buddyinfo     free blocks per order, as /proc/buddyinfo\n"
	      "  pagetypeinfo  free blocks per migratetype, as /proc/pagetypeinfo\n"
	      "  zoneinfo      zones in detail, as /proc/zoneinfo\n"
	      "  vmstat        vm counters and events, as /proc/vmstat\n"
	      "  page-types    every page frame by its kpageflags, as page-types\n"
	      "                [--node N] [--zone NAME] [--flags a,b] [--pfn-range S-E]\n"
	      "                [--raw] [--threads N]\n"
	      "  kpageflags -o FILE   write a /proc/kpageflags file of the dump\n"
	      "  page DUMP PFN|PADDR|VADDR   one page decoded\n"
	      "  memmap        sections and the page frames holding mem_map\n"
	      "  ptdump        page tables as /sys/kernel/debug/page_tables/kernel,\n"
	      "                with statistics (--pid N, --pgd ADDR)\n"
	      "  vtop ADDR     every level's entry and the physical address\n"
	      "                (--pid N, --pgd ADDR, --read LEN)\n"
	      "  addr ADDR     the region an address lies in, where it leads\n"
	      "  ps            processes with mm, page-table root, RSS counters\n"
	      "  profile extract --vmlinux VMLINUX -o FILE\n"
	      "                write the type profile of a debug vmlinux\n"
	      "\n"
	      "options:\n"
	      "  --vmlinux PATH      debug vmlinux with DWARF\n"
	      "  --profile PATH      type profile (see 'profile extract')\n"
	      "  --vmcoreinfo-only   use no type info but the dump's VMCOREINFO\n"
	      "  --no-auto           do not look for a vmlinux or cached profile\n"
	      "  --force             accept type info of another kernel build\n"
	      "  --cache-dir DIR     profile cache (default $XDG_CACHE_HOME/mmscope)\n"
	      "  --no-walk           buddyinfo: do not walk the free lists\n"
	      "  --pid N             ptdump, vtop, addr: that process's page tables\n"
	      "  --pgd ADDR          ptdump, vtop, addr: the tables at ADDR (mm->pgd,\n"
	      "                      virtual, or a physical address)\n"
	      "  --read LEN          vtop: also print LEN bytes at ADDR\n"
	      "  --json              machine-readable output\n",
	      out);
}

/* The dump being read: every error message names it. */
static const char *fail_path;

int tool_fail(mms_error *err)
{
	const char *msg = mms_error_message(err);
	if (fail_path && strncmp(msg, fail_path, strlen(fail_path)) != 0)
		fprintf(stderr, "mmscope: %s: %s\n", fail_path, msg);
	else
		fprintf(stderr, "mmscope: %s\n", msg);
	mms_error_free(err);
	return 1;
}

static void say(const char *fmt, va_list ap)
{
	fputs("mmscope: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int tool_failf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	say(fmt, ap);
	va_end(ap);
	return 1;
}

int tool_usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	say(fmt, ap);
	va_end(ap);
	return 2;
}

int tool_parse_addr(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 16);
	if (!*s || *end || errno || *s == '-')
		return -1;
	*out = v;
	return 0;
}

static int parse_num(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (!*s || *end || errno || *s == '-')
		return -1;
	*out = v;
	return 0;
}

static int profile_cmd(int argc, char **argv)
{
	const char *vmlinux = NULL, *out = NULL;
	if (argc < 2 || strcmp(argv[1], "extract") != 0) {
		fprintf(stderr, "mmscope: usage: mmscope profile extract "
				"--vmlinux VMLINUX -o FILE\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--vmlinux") == 0 && i + 1 < argc)
			vmlinux = argv[++i];
		else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			out = argv[++i];
		else {
			fprintf(stderr, "mmscope: profile extract: unknown "
					"argument '%s'\n", argv[i]);
			return 2;
		}
	}
	if (!vmlinux || !out) {
		fprintf(stderr, "mmscope: profile extract needs --vmlinux and -o\n");
		return 2;
	}
	mms_error *err = mms_profile_extract(vmlinux, out);
	return err ? tool_fail(err) : 0;
}

int main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "profile") == 0)
		return profile_cmd(argc - 1, argv + 1);
	static const struct {
		const char *name;
		int (*fn)(struct tool *);
		int nargs;          /* positional arguments after DUMP */
	} cmds[] = {
		{ "info", cmd_info, 0 },
		{ "buddyinfo", cmd_buddyinfo, 0 },
		{ "pagetypeinfo", cmd_pagetypeinfo, 0 },
		{ "zoneinfo", cmd_zoneinfo, 0 },
		{ "vmstat", cmd_vmstat, 0 },
		{ "ptdump", cmd_ptdump, 0 },
		{ "vtop", cmd_vtop, 1 },
		{ "addr", cmd_addr, 1 },
		{ "ps", cmd_ps, 0 },
		{ "page-types", cmd_page_types, 0 },
		{ "kpageflags", cmd_kpageflags, 0 },
		{ "page", cmd_page, 1 },
		{ "memmap", cmd_memmap, 0 },
	};
	int (*fn)(struct tool *) = NULL;
	int nargs = 0;
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(cmd, cmds[i].name) == 0) {
			fn = cmds[i].fn;
			nargs = cmds[i].nargs;
		}
	if (!fn) {
		fprintf(stderr, "mmscope: unknown command '%s'\n", cmd);
		usage(stderr);
		return 2;
	}
	static const struct option longopts[] = {
		{ "vmlinux", required_argument, NULL, 'v' },
		{ "profile", required_argument, NULL, 'p' },
		{ "vmcoreinfo-only", no_argument, NULL, 'V' },
		{ "no-auto", no_argument, NULL, 'n' },
		{ "force", no_argument, NULL, 'f' },
		{ "cache-dir", required_argument, NULL, 'c' },
		{ "no-walk", no_argument, NULL, 'W' },
		{ "json", no_argument, NULL, 'j' },
		{ "raw", no_argument, NULL, 'r' },
		{ "threads", required_argument, NULL, 't' },
		{ "node", required_argument, NULL, 'N' },
		{ "zone", required_argument, NULL, 'Z' },
		{ "flags", required_argument, NULL, 'F' },
		{ "pfn-range", required_argument, NULL, 'X' },
		{ "pid", required_argument, NULL, 'P' },
		{ "pgd", required_argument, NULL, 'G' },
		{ "read", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct mms_open_options o = { 0 };
	struct tool t = { .j = { .out = stdout } };
	int c;
	optind = 2;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (c) {
		case 'v': o.vmlinux = optarg; break;
		case 'p': o.profile = optarg; break;
		case 'V': o.vmcoreinfo_only = true; break;
		case 'n': o.no_auto = true; break;
		case 'f': o.force = true; break;
		case 'c': o.cache_dir = optarg; break;
		case 'W': t.no_walk = true; break;
		case 'j': t.json = true; break;
		case 'r': t.raw = true; break;
		case 't': t.threads = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'N': t.node_opt = optarg; break;
		case 'Z': t.zone_opt = optarg; break;
		case 'F': t.flags_opt = optarg; break;
		case 'X': t.pfn_range = optarg; break;
		case 'o': t.out_path = optarg; break;
		case 'P': {
			uint64_t v;
			if (parse_num(optarg, &v) || v > 0x7fffffff)
				return tool_usage_error("bad --pid '%s'", optarg);
			t.pid = (int)v;
			t.has_pid = true;
			break;
		}
		case 'G':
			if (tool_parse_addr(optarg, &t.pgd))
				return tool_usage_error("bad --pgd '%s'", optarg);
			t.has_pgd = true;
			break;
		case 'R': {
			uint64_t v;
			if (parse_num(optarg, &v) || !v || v > (64u << 20))
				return tool_usage_error("bad --read '%s' (1 to "
							"64 MiB)", optarg);
			t.read_len = (size_t)v;
			break;
		}
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc - 1 - nargs) {
		if (nargs)
			fprintf(stderr, "mmscope: %s needs DUMP and ADDR\n", cmd);
		else
			fprintf(stderr, "mmscope: %s needs exactly one DUMP "
				"argument\n", cmd);
		return 2;
	}
	if (t.has_pid && t.has_pgd)
		return tool_usage_error("--pid and --pgd exclude each other");
	t.path = fail_path = argv[optind];
	t.arg2 = nargs ? argv[optind + 1] : NULL;
	t.args = argv + optind + 1;
	t.nargs = nargs;
	mms_error *err = mms_open(t.path, &o, &t.dump);
	if (err)
		return tool_fail(err);
	int rc = fn(&t);
	mms_close(t.dump);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "mmscope: error writing output\n");
		rc = 1;
	}
	return rc;
}
