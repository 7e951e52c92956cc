// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kernel's virtual address space: which region an address lies in
 * (the layout comes from the architecture's ops, with the dump's KASLR
 * bases), and where the address leads through the page tables.
 */
#include <string.h>

#include "internal.h"
#include "pgtable.h"

#define MAX_REGIONS 48

const char *mms_region_name(enum mms_region region)
{
	switch (region) {
	case MMS_REGION_USER: return "user";
	case MMS_REGION_NONCANONICAL: return "non-canonical";
	case MMS_REGION_HYPERVISOR: return "guard hole (hypervisor)";
	case MMS_REGION_LDT_REMAP: return "LDT remap";
	case MMS_REGION_DIRECT_MAP: return "direct map";
	case MMS_REGION_VMALLOC: return "vmalloc";
	case MMS_REGION_VMEMMAP: return "vmemmap";
	case MMS_REGION_KASAN: return "KASAN shadow";
	case MMS_REGION_CPU_ENTRY: return "cpu entry area";
	case MMS_REGION_ESPFIX: return "espfix";
	case MMS_REGION_EFI: return "EFI runtime";
	case MMS_REGION_KERNEL_IMAGE: return "kernel image";
	case MMS_REGION_MODULES: return "modules";
	case MMS_REGION_FIXMAP: return "fixmap";
	case MMS_REGION_VSYSCALL: return "vsyscall";
	case MMS_REGION_HOLE: return "unused hole";
	case MMS_REGION_COUNT: break;
	}
	return "unknown";
}

unsigned mms_address_regions(mms_dump *d, struct mms_region_desc *out,
			     unsigned max)
{
	struct mms_pgtable *pt;
	mms_error *err = mms_dump_pgtable(d, &pt);
	if (err) {
		mms_error_free(err);
		return 0;
	}
	return mms_pgtable_ops(pt)->regions(d, mms_pgtable_cfg(pt), out, max);
}

static const char *image_section(const struct mms_kernel *k, uint64_t v)
{
	const struct { uint64_t start, end; const char *name; } s[] = {
		{ k->sym_text, k->sym_etext, "text" },
		{ k->sym_start_rodata, k->sym_end_rodata, "rodata" },
		{ k->sym_sdata, k->sym_edata, "data" },
		{ k->sym_init_begin, k->sym_init_end, "init" },
		{ k->sym_bss_start, k->sym_bss_stop, "bss" },
	};
	for (size_t i = 0; i < MMS_ARRAY_SIZE(s); i++)
		if (s[i].start && s[i].end > s[i].start && v >= s[i].start &&
		    v < s[i].end)
			return s[i].name;
	if (k->sym_text && k->sym_end && v >= k->sym_text && v < k->sym_end)
		return "other";
	return NULL;
}

mms_error *mms_addr_classify(mms_dump *d, uint64_t root, uint64_t vaddr,
			     struct mms_addr_info *out)
{
	memset(out, 0, sizeof(*out));
	out->vaddr = vaddr;
	struct mms_region_desc r[MAX_REGIONS];
	unsigned n = mms_address_regions(d, r, MAX_REGIONS);
	if (!n) {
		struct mms_pgtable *pt;
		mms_error *err = mms_dump_pgtable(d, &pt);
		return err ? err : mms_err(MMS_ERR_UNSUPPORTED,
					   "no address-space layout");
	}
	if (n > MAX_REGIONS)
		n = MAX_REGIONS;
	out->region = MMS_REGION_HOLE;
	for (unsigned i = 0; i < n; i++)
		if (vaddr >= r[i].start && vaddr <= r[i].last) {
			out->region = r[i].region;
			out->region_start = r[i].start;
			out->region_last = r[i].last;
			break;
		}
	const struct mms_kernel *k = &d->k;
	if (out->region == MMS_REGION_KERNEL_IMAGE)
		out->section = image_section(k, vaddr);
	if (out->region == MMS_REGION_DIRECT_MAP) {
		out->linear = true;
		out->linear_paddr = vaddr - out->region_start;
	}
	if (out->region == MMS_REGION_VMEMMAP && k->page_sz > 0) {
		uint64_t off = vaddr - out->region_start;
		out->struct_page = true;
		out->page_pfn = off / (uint64_t)k->page_sz;
		out->page_offset = off % (uint64_t)k->page_sz;
	}
	if (out->region == MMS_REGION_NONCANONICAL)
		return NULL;
	mms_error *err = mms_vtop(d, root, vaddr, &out->vtop);
	if (err) {
		/* a walk that cannot finish is part of the answer */
		if (mms_error_code(err) != MMS_ERR_NODATA &&
		    mms_error_code(err) != MMS_ERR_INVALID)
			return err;
		mms_error_free(err);
		return NULL;
	}
	out->translated = true;
	if (out->vtop.mapped)
		out->pfn = out->vtop.paddr >> k->page_shift;
	return NULL;
}
