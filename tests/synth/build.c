/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One layout, built in memory, and written out as dump files. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "synth.h"

struct synth *synth_build(const char *layout, const char *vmlinux_dir,
			  char *err, size_t errlen)
{
	const struct layout_def *d = synth_layout_find(layout);
	if (!d) {
		snprintf(err, errlen, "unknown layout '%s'", layout);
		return NULL;
	}
	struct synth *s = calloc(1, sizeof(*s));
	s->def = d;
	s->abi = d->abi;
	s->rng = d->seed ? d->seed : 1;
	char path[4096];
	snprintf(path, sizeof(path), "%s/vmlinux-%s", vmlinux_dir, s->abi->variant);
	if (vmlinux_load(&s->vm, path, err, errlen) || image_init(s, err, errlen)) {
		synth_free(s);
		return NULL;
	}
	mm_build(s);
	vmcoreinfo_build(s);
	return s;
}

void synth_free(struct synth *s)
{
	if (!s)
		return;
	vmlinux_free(&s->vm);
	for (int i = 0; i < s->nram; i++)
		free(s->ram[i].data);
	for (int n = 0; n < s->nnodes; n++)
		for (int z = 0; z < MAX_ZONES; z++) {
			struct synth_zone *zn = &s->nodes[n].zones[z];
			for (int o = 0; o < MAX_ORDERS; o++)
				for (int m = 0; m < MAX_MT; m++)
					free(zn->lists[o][m].pfn);
			for (int c = 0; c < MAX_CPUS; c++)
				for (int l = 0; l < MAX_PCP_LISTS; l++)
					free(zn->pcp[c][l].pfn);
		}
	free(s->kind);
	free(s->order);
	free(s->pcpu);
	free(s->pb_mt);
	free(s->section_map_va);
	free(s->vmcoreinfo);
	free(s);
}

static int copy_file(const char *from, const char *to, char *err, size_t errlen)
{
	int in = open(from, O_RDONLY), out = -1, ret = -1;
	char buf[65536];
	ssize_t n;
	if (in < 0 || (out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
		goto fail;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			goto fail;
	if (n == 0)
		ret = 0;
fail:
	if (ret)
		snprintf(err, errlen, "cannot copy %s to %s: %s", from, to,
			 strerror(errno));
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out))
		ret = -1;
	return ret;
}

int synth_write_all(const struct synth *s, const char *dir, char *err,
		    size_t errlen)
{
	static const struct {
		const char *name;
		enum kdump_compression comp;
		bool filtered;
	} kdumps[] = {
		{ "vmcore.zlib.kdump", KDUMP_COMP_ZLIB, false },
		{ "vmcore.lzo.kdump", KDUMP_COMP_LZO, false },
		{ "vmcore.snappy.kdump", KDUMP_COMP_SNAPPY, false },
		{ "vmcore.zstd.kdump", KDUMP_COMP_ZSTD, false },
		{ "vmcore.filtered.kdump", KDUMP_COMP_ZLIB, true },
	};
	char path[4096];
	if (mkdir(dir, 0755) && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/vmcore.elf", dir);
	if (write_elf_core(s, path, err, errlen))
		return -1;
	for (size_t i = 0; i < sizeof(kdumps) / sizeof(kdumps[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, kdumps[i].name);
		if (write_kdump(s, path, kdumps[i].comp, kdumps[i].filtered,
				err, errlen))
			return -1;
	}
	snprintf(path, sizeof(path), "%s/vmlinux", dir);
	if (copy_file(s->vm.path, path, err, errlen))
		return -1;
	snprintf(path, sizeof(path), "%s/vmcoreinfo.txt", dir);
	FILE *f = fopen(path, "w");
	if (!f || fwrite(s->vmcoreinfo, 1, s->vmcoreinfo_len, f) != s->vmcoreinfo_len) {
		snprintf(err, errlen, "cannot write %s", path);
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	snprintf(path, sizeof(path), "%s/answers.json", dir);
	return write_answers(s, path, err, errlen);
}
