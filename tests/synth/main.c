/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mms-synth --layout NAME --out DIR [--vmlinux-dir DIR] | --list */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "synth.h"

#ifndef SYNTH_VMLINUX_DIR
#define SYNTH_VMLINUX_DIR "."
#endif

static void usage(FILE *f)
{
	fprintf(f, "usage: mms-synth --layout NAME --out DIR [--vmlinux-dir DIR]\n"
		   "       mms-synth --list\n"
		   "Writes vmcore.elf, vmcore.{zlib,lzo,snappy,zstd,filtered}.kdump,\n"
		   "vmlinux, vmcoreinfo.txt and answers.json into DIR.\n"
		   "--layout all writes every layout into DIR/NAME.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "layout", required_argument, NULL, 'l' },
		{ "out", required_argument, NULL, 'o' },
		{ "vmlinux-dir", required_argument, NULL, 'v' },
		{ "list", no_argument, NULL, 'L' },
		{ "stamp", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *layout = NULL, *out = NULL, *vdir = SYNTH_VMLINUX_DIR;
	const char *stamp = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "l:o:v:s:Lh", opts, NULL)) != -1) {
		switch (c) {
		case 'l': layout = optarg; break;
		case 'o': out = optarg; break;
		case 'v': vdir = optarg; break;
		case 's': stamp = optarg; break;
		case 'L':
			for (size_t i = 0; i < synth_nlayouts; i++)
				printf("%-18s %s\n", synth_layouts[i]->name,
				       synth_layouts[i]->description);
			return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!layout || !out || optind != argc) {
		usage(stderr);
		return 2;
	}
	char err[512];
	bool all = !strcmp(layout, "all");
	if (all && mkdir(out, 0755) && errno != EEXIST) {
		fprintf(stderr, "mms-synth: cannot create %s: %s\n", out,
			strerror(errno));
		return 1;
	}
	for (size_t i = 0; i < synth_nlayouts; i++) {
		const char *name = all ? synth_layouts[i]->name : layout;
		char dir[4096];
		snprintf(dir, sizeof(dir), all ? "%s/%s" : "%s", out, name);
		struct synth *s = synth_build(name, vdir, err, sizeof(err));
		if (!s || synth_write_all(s, dir, err, sizeof(err))) {
			fprintf(stderr, "mms-synth: %s\n", err);
			synth_free(s);
			return 1;
		}
		synth_free(s);
		if (!all)
			break;
	}
	if (stamp) {
		FILE *f = fopen(stamp, "w");
		if (!f || fclose(f)) {
			fprintf(stderr, "mms-synth: cannot write %s\n", stamp);
			return 1;
		}
	}
	return 0;
}
