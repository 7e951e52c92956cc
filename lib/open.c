// SPDX-License-Identifier: LGPL-2.1-or-later
/* Opening a dump: the file, its type info, its layout, its nodes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "pgtable.h"

mms_error *mms_open(const char *path, const struct mms_open_options *opts,
		    mms_dump **out)
{
	*out = NULL;
	if (!path)
		return mms_err(MMS_ERR_INVALID, "no dump file given");
	struct mms_dump *d = calloc(1, sizeof(*d));
	if (!d)
		return mms_err_nomem();
	d->fd = d->flat_fd = -1;
	d->path = strdup(path);
	d->vmcoreinfo = mms_facts_new();
	d->facts = mms_facts_new();
	mms_error *err = NULL;
	if (!d->path || !d->vmcoreinfo || !d->facts)
		err = mms_err_nomem();
	if (!err)
		err = mms_dump_open_file(d, path);
	if (!err)
		err = mms_facts_merge(d->facts, d->vmcoreinfo, true);
	if (!err)
		err = mms_types_find(d, opts);
	if (!err)
		err = mms_kernel_resolve(d);
	if (!err)
		err = mms_mm_init(d);
	if (!err)
		err = mms_memmodel_init(d);
	if (err) {
		/* every open error names the file */
		if (strncmp(mms_error_message(err), path, strlen(path)) != 0)
			err = mms_err_wrap(err, "%s", path);
		mms_close(d);
		return err;
	}
	*out = d;
	return NULL;
}

void mms_close(mms_dump *d)
{
	if (!d)
		return;
	/* libkdumpfile 0.5.1's kdump_free() reads and writes freed memory
	 * for kdump-compressed files (valgrind shows it on a bare open and
	 * free, and after a failed open; with MALLOC_PERTURB_ it segfaults):
	 * such contexts are left to the process's exit. */
	for (unsigned i = 0; i < d->nr_readers; i++)
		if (d->reader_maps[i])
			kdump_bmp_decref(d->reader_maps[i]);
	if (d->kd && d->kd_freeable)
		kdump_free(d->kd);
	free(d->kpf);
	if (d->pagemap)
		kdump_bmp_decref(d->pagemap);
	if (d->fd >= 0)
		close(d->fd);
	if (d->flat_fd >= 0)
		close(d->flat_fd);
	mms_facts_free(d->vmcoreinfo);
	mms_facts_free(d->facts);
	mms_memmodel_free(d->mm);
	mms_pgtable_free(d->pt);
	for (unsigned i = 0; i < d->nr_mt_names; i++)
		free(d->mt_names[i]);
	free(d->mt_names);
	for (unsigned k = 0; k < MMS_ARRAY_SIZE(d->stat_names); k++) {
		for (unsigned i = 0; d->stat_names[k] && i < d->nr_stat_names[k]; i++)
			free(d->stat_names[k][i]);
		free(d->stat_names[k]);
	}
	free(d->ranges);
	free(d->nodes);
	free(d->zones);
	free(d->online_cpus);
	free(d->cpu_offsets);
	free(d->typeinfo_path);
	free(d->path);
	free(d);
}

const char *mms_vmcoreinfo_get(const mms_dump *d, const char *key)
{
	return mms_facts_get(d->vmcoreinfo, key);
}

const char *mms_memory_model_name(enum mms_memory_model model)
{
	switch (model) {
	case MMS_MODEL_FLATMEM: return "FLATMEM";
	case MMS_MODEL_DISCONTIGMEM: return "DISCONTIGMEM (node_mem_map)";
	case MMS_MODEL_SPARSEMEM: return "SPARSEMEM";
	case MMS_MODEL_SPARSEMEM_EXTREME: return "SPARSEMEM_EXTREME";
	case MMS_MODEL_SPARSEMEM_VMEMMAP: return "SPARSEMEM_VMEMMAP";
	case MMS_MODEL_UNKNOWN: break;
	}
	return "unknown";
}

const char *mms_typeinfo_source_name(enum mms_typeinfo_source src)
{
	switch (src) {
	case MMS_TYPES_VMCOREINFO: return "vmcoreinfo";
	case MMS_TYPES_DWARF: return "dwarf";
	case MMS_TYPES_PROFILE: return "profile";
	}
	return "unknown";
}

mms_error *mms_get_info(mms_dump *d, struct mms_info *info)
{
	memset(info, 0, sizeof(*info));
	const struct mms_kernel *k = &d->k;
	info->release = mms_facts_get(d->vmcoreinfo, "OSRELEASE");
	info->build_id = mms_facts_get(d->vmcoreinfo, "BUILD-ID");
	info->arch = d->arch;
	info->format = d->format;
	info->typeinfo = d->source;
	info->typeinfo_path = d->typeinfo_path;
	info->model = k->model;
	info->page_size = (uint64_t)k->page_size;
	info->kernel_offset = (uint64_t)k->kernel_offset;
	info->phys_base = (uint64_t)k->phys_base;
	info->page_offset_base = k->page_offset_base;
	info->vmemmap_base = k->vmemmap_base;
	info->vmalloc_base = k->vmalloc_base;
	info->pgtable_levels = k->pgtable_levels;
	info->max_pfn = d->max_pfn;
	info->filtered = d->filtered;
	info->nr_cpus = d->nr_online_cpus;
	return NULL;
}
