// SPDX-License-Identifier: LGPL-2.1-or-later
/* mmscope info: what kernel this is and how mmscope reads it. */
#include <inttypes.h>
#include <stdio.h>

#include "tool.h"

static void info_json(struct tool *t, const struct mms_info *in)
{
	struct json *j = &t->j;
	json_begin_object(j, NULL);
	json_str(j, "file", t->path);
	json_str(j, "release", in->release);
	json_str(j, "build_id", in->build_id);
	json_str(j, "arch", in->arch);
	json_str(j, "format", in->format);
	json_bool(j, "filtered", in->filtered);
	json_uint(j, "page_size", in->page_size);
	json_str(j, "memory_model", mms_memory_model_name(in->model));
	json_str(j, "typeinfo", mms_typeinfo_source_name(in->typeinfo));
	json_str(j, "typeinfo_path", in->typeinfo_path);
	json_hex(j, "kernel_offset", in->kernel_offset);
	json_hex(j, "phys_base", in->phys_base);
	json_hex(j, "page_offset_base", in->page_offset_base);
	json_hex(j, "vmemmap_base", in->vmemmap_base);
	json_hex(j, "vmalloc_base", in->vmalloc_base);
	json_uint(j, "pgtable_levels", in->pgtable_levels);
	json_uint(j, "max_pfn", in->max_pfn);
	json_uint(j, "cpus", in->nr_cpus);
	json_begin_array(j, "nodes");
	for (unsigned n = 0; n < mms_node_count(t->dump); n++) {
		struct mms_node node;
		mms_error *err = mms_node_get(t->dump, n, &node);
		if (err) {
			mms_error_free(err);
			continue;
		}
		json_begin_object(j, NULL);
		json_int(j, "nid", node.nid);
		json_uint(j, "start_pfn", node.start_pfn);
		json_uint(j, "spanned", node.spanned);
		json_uint(j, "present", node.present);
		json_begin_array(j, "zones");
		for (unsigned z = 0; z < mms_zone_count(t->dump); z++) {
			struct mms_zone zone;
			err = mms_zone_get(t->dump, n, z, &zone);
			if (err) {
				mms_error_free(err);
				continue;
			}
			json_begin_object(j, NULL);
			json_str(j, "name", zone.name);
			json_uint(j, "spanned", zone.spanned);
			if (zone.sizes_known) {
				json_uint(j, "start_pfn", zone.start_pfn);
				json_uint(j, "present", zone.present);
				json_uint(j, "managed", zone.managed);
			}
			json_uint(j, "free", zone.free);
			json_end_object(j);
		}
		json_end_array(j);
		json_end_object(j);
	}
	json_end_array(j);
	json_begin_object(j, "vmcoreinfo");
	static const char *const keys[] = {
		"OSRELEASE", "BUILD-ID", "PAGESIZE", "KERNELOFFSET",
		"NUMBER(phys_base)", "NUMBER(pgtable_l5_enabled)", "CRASHTIME",
	};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		json_str(j, keys[i], mms_vmcoreinfo_get(t->dump, keys[i]));
	json_end_object(j);
	json_end_object(j);
	json_finish(j);
}

int cmd_info(struct tool *t)
{
	struct mms_info in;
	mms_error *err = mms_get_info(t->dump, &in);
	if (err)
		return tool_fail(err);
	if (t->json) {
		info_json(t, &in);
		return 0;
	}
	printf("file:             %s\n", t->path);
	printf("format:           %s%s\n", in.format,
	       in.filtered ? " (filtered: some pages left out)" : "");
	printf("kernel release:   %s\n", in.release ? in.release : "?");
	printf("build-id:         %s\n", in.build_id ? in.build_id : "(none)");
	printf("arch:             %s\n", in.arch);
	printf("page size:        %" PRIu64 "\n", in.page_size);
	printf("type info:        %s%s%s\n", mms_typeinfo_source_name(in.typeinfo),
	       in.typeinfo_path ? " " : "",
	       in.typeinfo_path ? in.typeinfo_path : "");
	printf("memory model:     %s\n", mms_memory_model_name(in.model));
	printf("page tables:      %u-level\n", in.pgtable_levels);
	printf("KASLR offset:     0x%" PRIx64 "\n", in.kernel_offset);
	printf("phys_base:        0x%" PRIx64 "\n", in.phys_base);
	printf("page_offset_base: 0x%" PRIx64 "\n", in.page_offset_base);
	printf("vmemmap_base:     0x%" PRIx64 "\n", in.vmemmap_base);
	printf("vmalloc_base:     0x%" PRIx64 "\n", in.vmalloc_base);
	printf("online cpus:      %u\n", in.nr_cpus);
	for (unsigned n = 0; n < mms_node_count(t->dump); n++) {
		struct mms_node node;
		err = mms_node_get(t->dump, n, &node);
		if (err)
			return tool_fail(err);
		printf("node %d: start_pfn %" PRIu64 " spanned %" PRIu64
		       " present %" PRIu64 "\n", node.nid, node.start_pfn,
		       node.spanned, node.present);
		for (unsigned z = 0; z < mms_zone_count(t->dump); z++) {
			struct mms_zone zone;
			err = mms_zone_get(t->dump, n, z, &zone);
			if (err)
				return tool_fail(err);
			if (!zone.sizes_known) {
				printf("  zone %-8s spanned %-8" PRIu64 " free %"
				       PRIu64 " (start_pfn, present, managed: "
				       "not in VMCOREINFO)\n", zone.name,
				       zone.spanned, zone.free);
				continue;
			}
			printf("  zone %-8s start_pfn %-8" PRIu64 " spanned %-8"
			       PRIu64 " present %-8" PRIu64 " managed %-8" PRIu64
			       " free %" PRIu64 "\n", zone.name, zone.start_pfn,
			       zone.spanned, zone.present, zone.managed, zone.free);
		}
	}
	return 0;
}
