// SPDX-License-Identifier: LGPL-2.1-or-later
/* The mmscope command: argument parsing and dispatch, thin over the library. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

static void usage(FILE *out)
{
	fputs("usage: mmscope COMMAND [options] DUMP\n"
	      "\n"
	      "commands:\n"
	      "  info          kernel, layout, nodes, zones, type info used\n"
	      "  buddyinfo     free blocks per order, as /proc/buddyinfo\n"
	      "  pagetypeinfo  free blocks per migratetype, as /proc/pagetypeinfo\n"
	      "  zoneinfo      zones in detail, as /proc/zoneinfo\n"
	      "  vmstat        vm counters and events, as /proc/vmstat\n"
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
	} cmds[] = {
		{ "info", cmd_info },
		{ "buddyinfo", cmd_buddyinfo },
		{ "pagetypeinfo", cmd_pagetypeinfo },
		{ "zoneinfo", cmd_zoneinfo },
		{ "vmstat", cmd_vmstat },
	};
	int (*fn)(struct tool *) = NULL;
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(cmd, cmds[i].name) == 0)
			fn = cmds[i].fn;
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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct mms_open_options o = { 0 };
	struct tool t = { .j = { .out = stdout } };
	int c;
	optind = 2;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'v': o.vmlinux = optarg; break;
		case 'p': o.profile = optarg; break;
		case 'V': o.vmcoreinfo_only = true; break;
		case 'n': o.no_auto = true; break;
		case 'f': o.force = true; break;
		case 'c': o.cache_dir = optarg; break;
		case 'W': t.no_walk = true; break;
		case 'j': t.json = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "mmscope: %s needs exactly one DUMP argument\n",
			cmd);
		return 2;
	}
	t.path = fail_path = argv[optind];
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
