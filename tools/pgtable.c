// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ptdump, vtop, addr, ps: page tables and processes.  ptdump's listing has
 * the shape of the kernel's /sys/kernel/debug/page_tables/kernel
 * (arch/x86/mm/dump_pagetables.c): its region headers, one line per run
 * of equal attributes, the same attribute columns; vtop follows crash's.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

#define MAX_REGIONS 48

/* The root to walk: --pid's page tables, --pgd's, or the kernel's.
 * Returns 0, or the exit status after saying why not. */
static int pick_root(struct tool *t, uint64_t *root, struct mms_task *task,
		     bool *have_task)
{
	*have_task = false;
	*root = 0;
	if (t->has_pid) {
		mms_error *err = mms_task_find(t->dump, t->pid, task);
		if (err)
			return tool_fail(err);
		if (!task->mm)
			return tool_failf("pid %d (%s) is a kernel thread: it has "
					  "no page tables of its own", t->pid,
					  task->comm);
		*have_task = true;
		*root = task->pgd_phys;
		return 0;
	}
	if (t->has_pgd) {
		/* a kernel virtual address (mm->pgd) or a physical one */
		if (!(t->pgd >> 63)) {
			*root = t->pgd;
			return 0;
		}
		struct mms_vtop_result r;
		mms_error *err = mms_vtop(t->dump, 0, t->pgd, &r);
		if (err)
			return tool_fail(err);
		if (!r.mapped)
			return tool_failf("--pgd 0x%" PRIx64 " is not mapped",
					  t->pgd);
		*root = r.paddr;
		return 0;
	}
	mms_error *err = mms_kernel_pgtable(t->dump, root);
	return err ? tool_fail(err) : 0;
}

static const char *size_unit(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "BKMGTPE";
	const char *u = units;
	while (!(bytes & 1023) && u[1] && bytes) {
		bytes >>= 10;
		u++;
	}
	snprintf(buf, len, "%" PRIu64 "%c", bytes, *u);
	return buf;
}

/* The kernel's level names, pgd (0) to pte (4): with 4-level paging the
 * top table shows as p4d, as a kernel built for 5 levels prints it. */
static const char *kernel_level_name(unsigned level)
{
	static const char *const names[] = { "?", "pte", "pmd", "pud", "p4d",
					     "pgd" };
	return level <= 5 ? names[level] : "?";
}

/* printk_prot() of dump_pagetables.c */
static void print_prot(const struct mms_mapping *m)
{
	if (m->kind != MMS_PTE_PRESENT) {
		printf("%30s", "");
	} else {
		uint32_t a = m->attrs;
		printf("%s", a & MMS_PTA_USER ? "USR " : "    ");
		printf("%s", a & MMS_PTA_RW ? "RW " : "ro ");
		printf("%s", a & MMS_PTA_PWT ? "PWT " : "    ");
		printf("%s", a & MMS_PTA_PCD ? "PCD " : "    ");
		printf("%s", a & MMS_PTA_PSE ? "PSE " : "    ");
		printf("%s", a & MMS_PTA_PAT ? "PAT " : "    ");
		printf("%s", a & MMS_PTA_GLOBAL ? "GLB " : "    ");
		printf("%s", a & MMS_PTA_NX ? "NX " : "x  ");
	}
	printf("%s", kernel_level_name(m->level));
	if (m->kind != MMS_PTE_PRESENT && m->kind != MMS_PTE_NONE)
		printf("  [%s]", mms_pte_kind_name(m->kind));
	printf("\n");
}

static void print_mapping(const struct mms_mapping *m)
{
	char sz[32];
	printf("0x%016" PRIx64 "-0x%016" PRIx64 "   %9s ", m->vaddr,
	       m->vaddr + m->size, size_unit(m->size, sz, sizeof(sz)));
	print_prot(m);
}

static void json_mapping(struct json *j, const struct mms_mapping *m)
{
	char a[160];
	json_begin_object(j, NULL);
	json_hex(j, "vaddr", m->vaddr);
	json_uint(j, "size", m->size);
	json_str(j, "kind", mms_pte_kind_name(m->kind));
	json_uint(j, "level", m->level);
	json_uint(j, "page_size", m->page_size);
	json_uint(j, "entries", m->nr_entries);
	if (m->kind != MMS_PTE_NONE)
		json_hex(j, "phys", m->phys);
	json_str(j, "attrs", mms_pte_attrs_str(m->attrs, a, sizeof(a)));
	if (m->kind == MMS_PTE_PRESENT)
		json_str(j, "eff", mms_pte_attrs_str(m->eff, a, sizeof(a)));
	if (m->pkey)
		json_uint(j, "pkey", m->pkey);
	if (m->kind == MMS_PTE_SWAP || m->kind == MMS_PTE_MARKER) {
		json_uint(j, "swap_type", m->swap_type);
		json_uint(j, "swap_offset", m->swap_offset);
	}
	json_hex(j, "raw", m->raw);
	json_end_object(j);
}

static void human_bytes(uint64_t b, char *buf, size_t len)
{
	if (b >= (1ULL << 30))
		snprintf(buf, len, "%.1f GiB", (double)b / (1ULL << 30));
	else if (b >= (1ULL << 20))
		snprintf(buf, len, "%.1f MiB", (double)b / (1ULL << 20));
	else
		snprintf(buf, len, "%" PRIu64 " KiB", b >> 10);
}

/* The combination as ptdump columns would show it, compactly. */
static void combo_name(uint32_t a, char *buf, size_t len)
{
	snprintf(buf, len, "%s %s%s%s%s%s%s", a & MMS_PTA_USER ? "USR" : "   ",
		 a & MMS_PTA_RW ? "RW" : "ro", a & MMS_PTA_PWT ? " PWT" : "",
		 a & MMS_PTA_PCD ? " PCD" : "", a & MMS_PTA_PAT ? " PAT" : "",
		 a & MMS_PTA_GLOBAL ? " GLB" : "", a & MMS_PTA_NX ? " NX" : " x");
}

static void print_stats(struct tool *t, const struct mms_pt_stats *s,
			const struct mms_direct_map *direct, bool partial)
{
	char b[64], c[96];
	unsigned levels = mms_pgtable_levels(t->dump);
	printf("---[ Statistics ]---\n");
	printf("%-10s %12s %14s\n", "page size", "entries", "bytes");
	for (unsigned l = 1; l <= levels; l++) {
		if (!s->entries[l] && l > 3)
			continue;
		human_bytes(s->bytes[l], b, sizeof(b));
		printf("%-10s %12" PRIu64 " %14s\n",
		       size_unit(mms_pt_level_size(t->dump, l), c, sizeof(c)),
		       s->entries[l], b);
	}
	printf("%-34s %12s %14s\n", "attributes (present leaves)", "entries",
	       "bytes");
	for (unsigned i = 0; i < s->nr_combos; i++) {
		combo_name(s->combos[i].attrs, c, sizeof(c));
		human_bytes(s->combos[i].bytes, b, sizeof(b));
		printf("%-34s %12" PRIu64 " %14s\n", c, s->combos[i].entries, b);
	}
	for (unsigned k = 0; k < MMS_PTE_KIND_COUNT; k++)
		if (s->nonpresent[k])
			printf("non-present %-22s %12" PRIu64 "\n",
			       mms_pte_kind_name(k), s->nonpresent[k]);
	if (s->missing_tables)
		printf("tables missing from the dump: %" PRIu64 " (%" PRIu64
		       " bytes of address space not walked)\n",
		       s->missing_tables, s->missing_bytes);
	if (direct) {
		/* as /proc/meminfo prints the kernel's counters */
		printf("direct map: %" PRIu64 " 4K, %" PRIu64 " 2M, %" PRIu64
		       " 1G entries; the kernel counts:\n", direct->leaves[1],
		       direct->leaves[2], direct->leaves[3]);
		printf("DirectMap4k:    %8" PRId64 " kB\n", direct->pages[1] * 4);
		printf("DirectMap2M:    %8" PRId64 " kB\n",
		       direct->pages[2] * 2048);
		printf("DirectMap1G:    %8" PRId64 " kB\n",
		       direct->pages[3] * 1048576);
		if (!direct->boot_simulated)
			printf("(boot-time recounts not replayed: the type info "
			       "lacks e820_table, page_size_mask or max_pfn)\n");
	}
	if (s->wx_pages)
		printf("W+X: FAILED, %" PRIu64 " W+X pages found (first at 0x%016"
		       PRIx64 ")\n", s->wx_pages, s->first_wx);
	else
		printf("W+X: passed, no W+X pages found%s\n",
		       partial ? " (in the tables the dump holds)" : "");
}

static void json_stats(struct tool *t, const char *key,
		       const struct mms_pt_stats *s)
{
	struct json *j = &t->j;
	char b[96];
	json_begin_object(j, key);
	json_begin_object(j, "page_sizes");
	for (unsigned l = 1; l <= mms_pgtable_levels(t->dump); l++) {
		json_begin_object(j, size_unit(mms_pt_level_size(t->dump, l), b,
					       sizeof(b)));
		json_uint(j, "entries", s->entries[l]);
		json_uint(j, "bytes", s->bytes[l]);
		json_end_object(j);
	}
	json_end_object(j);
	json_begin_array(j, "attributes");
	for (unsigned i = 0; i < s->nr_combos; i++) {
		json_begin_object(j, NULL);
		json_str(j, "attrs", mms_pte_attrs_str(s->combos[i].attrs, b,
							sizeof(b)));
		json_uint(j, "entries", s->combos[i].entries);
		json_uint(j, "bytes", s->combos[i].bytes);
		json_end_object(j);
	}
	json_end_array(j);
	json_begin_object(j, "nonpresent");
	for (unsigned k = 0; k < MMS_PTE_KIND_COUNT; k++)
		if (s->nonpresent[k])
			json_uint(j, mms_pte_kind_name(k), s->nonpresent[k]);
	json_end_object(j);
	json_uint(j, "missing_tables", s->missing_tables);
	json_uint(j, "wx_pages", s->wx_pages);
	if (s->wx_pages)
		json_hex(j, "first_wx", s->first_wx);
	json_end_object(j);
}

int cmd_ptdump(struct tool *t)
{
	uint64_t root;
	struct mms_task task;
	bool have_task;
	int rc = pick_root(t, &root, &task, &have_task);
	if (rc)
		return rc;
	mms_error *err;
	struct mms_region_desc r[MAX_REGIONS];
	unsigned n = mms_address_regions(t->dump, r, MAX_REGIONS);
	if (n > MAX_REGIONS)
		n = MAX_REGIONS;
	struct mms_pt_stats total;
	memset(&total, 0, sizeof(total));
	struct mms_direct_map direct;
	bool partial = false, have_direct = false;
	struct json *j = &t->j;
	unsigned flags = MMS_MAP_HOLES | MMS_MAP_NONPRESENT | MMS_MAP_MERGE_VIRT;
	if (t->json) {
		json_begin_object(j, NULL);
		json_hex(j, "root", root);
		json_uint(j, "levels", mms_pgtable_levels(t->dump));
		if (have_task) {
			json_int(j, "pid", task.pid);
			json_str(j, "comm", task.comm);
		}
		json_begin_array(j, "regions");
	}
	for (unsigned i = 0; i < n; i++) {
		if (r[i].region == MMS_REGION_NONCANONICAL)
			continue;
		/* a process's own mappings are its user space */
		if (have_task && r[i].region != MMS_REGION_USER)
			continue;
		mms_mapping_iter *it;
		err = mms_mapping_iter_new(t->dump, root, r[i].start, r[i].last,
					   flags, &it);
		if (err)
			return tool_fail(err);
		struct mms_pt_stats rs;
		memset(&rs, 0, sizeof(rs));
		if (t->json) {
			json_begin_object(j, NULL);
			json_str(j, "region", mms_region_name(r[i].region));
			json_str(j, "marker", r[i].marker);
			json_hex(j, "start", r[i].start);
			json_hex(j, "last", r[i].last);
			json_begin_array(j, "mappings");
		} else if (r[i].marker) {
			printf("---[ %s ]---\n", r[i].marker);
		}
		for (;;) {
			const struct mms_mapping *m;
			err = mms_mapping_iter_next(it, &m);
			if (err) {
				mms_mapping_iter_free(it);
				return tool_fail(err);
			}
			if (!m)
				break;
			mms_pt_stats_add(&rs, m);
			mms_pt_stats_add(&total, m);
			if (t->json)
				json_mapping(j, m);
			else
				print_mapping(m);
		}
		partial |= mms_mapping_iter_partial(it);
		if (t->json) {
			json_end_array(j);
			json_bool(j, "partial", mms_mapping_iter_partial(it));
			json_stats(t, "stats", &rs);
			json_end_object(j);
		}
		mms_mapping_iter_free(it);
	}
	/* the kernel's direct-map accounting, for its own page tables */
	if (!have_task && !t->has_pgd) {
		err = mms_direct_map(t->dump, &direct);
		if (err)
			mms_error_free(err);
		else
			have_direct = true;
	}
	if (t->json) {
		json_end_array(j);
		json_bool(j, "partial", partial);
		json_stats(t, "stats", &total);
		if (have_direct) {
			/* as /proc/meminfo's DirectMap lines, in kB */
			json_begin_object(j, "directmap_kb");
			json_int(j, "4k", direct.pages[1] * 4);
			json_int(j, "2M", direct.pages[2] * 2048);
			json_int(j, "1G", direct.pages[3] * 1048576);
			json_end_object(j);
			json_begin_object(j, "directmap");
			static const char *const lv[] = { "", "4k", "2M", "1G" };
			json_begin_object(j, "leaves");
			for (int l = 1; l <= 3; l++)
				json_uint(j, lv[l], direct.leaves[l]);
			json_end_object(j);
			json_uint(j, "image_splits", direct.image_splits);
			json_bool(j, "boot_simulated", direct.boot_simulated);
			json_begin_object(j, "boot_counted");
			for (int l = 1; l <= 3; l++)
				json_uint(j, lv[l], direct.boot_counted[l]);
			json_end_object(j);
			json_begin_object(j, "boot_leaves");
			for (int l = 1; l <= 3; l++)
				json_uint(j, lv[l], direct.boot_leaves[l]);
			json_end_object(j);
			if (direct.counters_read) {
				json_begin_object(j, "kernel_counters");
				for (int l = 1; l <= 3; l++)
					json_uint(j, lv[l], direct.counters[l]);
				json_end_object(j);
			}
			json_bool(j, "partial", direct.partial);
			json_end_object(j);
		}
		json_end_object(j);
		json_finish(j);
	} else {
		print_stats(t, &total, have_direct ? &direct : NULL, partial);
	}
	if (partial)
		fprintf(stderr, "mmscope: %s: some page-table pages are not in the "
			"dump: the listing is partial\n", t->path);
	return 0;
}

/* ---- vtop ------------------------------------------------------------ */

static void flag_names(uint32_t a, char *buf, size_t len)
{
	char tmp[200];
	mms_pte_attrs_str(a, tmp, sizeof(tmp));
	for (char *p = tmp; *p; p++)
		if (*p == ' ')
			*p = '|';
	snprintf(buf, len, "(%s)", tmp);
}

static void hexdump(const unsigned char *b, size_t n, uint64_t addr)
{
	for (size_t i = 0; i < n; i += 16) {
		printf("%016" PRIx64 ": ", addr + i);
		for (size_t k = i; k < i + 16 && k < n; k++)
			printf("%02x%s", b[k], k % 2 ? " " : "");
		printf("\n");
	}
}

/* Why an address leads nowhere, in one phrase. */
static void describe_end(const struct mms_vtop_result *r, char *buf,
			 size_t len)
{
	switch (r->kind) {
	case MMS_PTE_SWAP:
		snprintf(buf, len, "swapped out: swap type %u, offset %" PRIu64,
			 r->swap_type, r->swap_offset);
		break;
	case MMS_PTE_MIGRATION:
	case MMS_PTE_HWPOISON:
	case MMS_PTE_DEVICE:
	case MMS_PTE_PROTNONE:
		snprintf(buf, len, "%s entry for physical 0x%" PRIx64,
			 mms_pte_kind_name(r->kind), r->paddr);
		break;
	case MMS_PTE_MARKER:
		snprintf(buf, len, "PTE marker 0x%" PRIx64, r->swap_offset);
		break;
	default:
		snprintf(buf, len, "%s entry", mms_pte_kind_name(r->kind));
	}
}

int cmd_vtop(struct tool *t)
{
	uint64_t vaddr;
	if (tool_parse_addr(t->args[0], &vaddr))
		return tool_usage_error("vtop: bad address '%s'", t->args[0]);
	uint64_t root;
	struct mms_task task;
	bool have_task;
	int rc = pick_root(t, &root, &task, &have_task);
	if (rc)
		return rc;
	struct mms_vtop_result r;
	mms_error *werr = mms_vtop(t->dump, root, vaddr, &r);
	unsigned char *bytes = NULL;
	mms_error *rerr = NULL;
	if (!werr && r.mapped && t->read_len) {
		bytes = malloc(t->read_len);
		if (!bytes)
			return tool_failf("out of memory");
		rerr = mms_read_vaddr(t->dump, root, vaddr, bytes, t->read_len);
	}
	char fl[256];
	if (t->json) {
		struct json *j = &t->j;
		json_begin_object(j, NULL);
		json_hex(j, "vaddr", vaddr);
		json_hex(j, "root", root);
		if (have_task)
			json_int(j, "pid", task.pid);
		json_begin_array(j, "steps");
		for (unsigned i = 0; i < r.nr_steps; i++) {
			json_begin_object(j, NULL);
			json_str(j, "level", mms_pt_level_name(t->dump,
							      r.steps[i].level));
			json_hex(j, "table", r.steps[i].table);
			json_uint(j, "index", r.steps[i].index);
			json_hex(j, "entry_paddr", r.steps[i].entry_paddr);
			json_hex(j, "entry", r.steps[i].raw);
			json_str(j, "kind", mms_pte_kind_name(r.steps[i].kind));
			json_end_object(j);
		}
		json_end_array(j);
		json_str(j, "kind", mms_pte_kind_name(r.kind));
		json_bool(j, "mapped", r.mapped);
		if (r.paddr || r.mapped) {
			json_hex(j, "paddr", r.paddr);
			json_uint(j, "pfn", r.paddr >> 12);
			json_bool(j, "page_in_dump", r.page_in_dump);
		}
		json_uint(j, "page_size", r.page_size);
		json_str(j, "attrs", mms_pte_attrs_str(r.attrs, fl, sizeof(fl)));
		if (r.mapped)
			json_str(j, "eff", mms_pte_attrs_str(r.eff, fl, sizeof(fl)));
		if (r.kind == MMS_PTE_SWAP) {
			json_uint(j, "swap_type", r.swap_type);
			json_uint(j, "swap_offset", r.swap_offset);
		}
		if (bytes && !rerr) {
			char *hex = malloc(t->read_len * 2 + 1);
			if (hex) {
				for (size_t i = 0; i < t->read_len; i++)
					sprintf(hex + 2 * i, "%02x", bytes[i]);
				json_str(j, "bytes", hex);
				free(hex);
			}
		}
		json_end_object(j);
		json_finish(j);
	} else if (!werr || r.nr_steps) {
		printf("VIRTUAL           PHYSICAL\n");
		if (r.mapped)
			printf("%-16" PRIx64 "  %" PRIx64 "\n\n", vaddr, r.paddr);
		else
			printf("%-16" PRIx64 "  (not mapped)\n\n", vaddr);
		if (r.nr_steps)
			printf("%s DIRECTORY: %" PRIx64 "\n",
			       mms_pt_level_name(t->dump, r.steps[0].level),
			       r.steps[0].table);
		for (unsigned i = 0; i < r.nr_steps; i++)
			printf("%6s: %" PRIx64 " => %" PRIx64 "\n",
			       mms_pt_level_name(t->dump, r.steps[i].level),
			       r.steps[i].entry_paddr, r.steps[i].raw);
		char sz[32];
		if (r.mapped) {
			printf("  PAGE: %" PRIx64 "  (%s)\n\n",
			       r.paddr & ~(r.page_size - 1),
			       size_unit(r.page_size, sz, sizeof(sz)));
			flag_names(r.attrs, fl, sizeof(fl));
			printf("%16s  %-10s  %s\n", "PTE", "PHYSICAL", "FLAGS");
			printf("%16" PRIx64 "  %-10" PRIx64 "  %s\n",
			       r.steps[r.nr_steps - 1].raw,
			       r.paddr & ~(r.page_size - 1), fl);
			printf("page in dump: %s\n", r.page_in_dump ? "yes"
				: "no (excluded from the dump)");
		} else if (!werr) {
			describe_end(&r, fl, sizeof(fl));
			printf("  (%s)\n", fl);
		}
		if (bytes && !rerr)
			hexdump(bytes, t->read_len, vaddr);
	}
	free(bytes);
	if (werr)
		return tool_fail(werr);
	if (rerr)
		return tool_fail(rerr);
	if (!r.mapped) {
		describe_end(&r, fl, sizeof(fl));
		return tool_failf("0x%" PRIx64 " is not mapped (%s)", vaddr, fl);
	}
	if (!r.page_in_dump)
		return tool_failf("0x%" PRIx64 ": page excluded from the dump "
				  "(physical 0x%" PRIx64 ", pfn %" PRIu64 ")",
				  vaddr, r.paddr & ~(r.page_size - 1),
				  r.paddr >> 12);
	return 0;
}

/* ---- addr ------------------------------------------------------------ */

int cmd_addr(struct tool *t)
{
	uint64_t vaddr;
	if (tool_parse_addr(t->args[0], &vaddr))
		return tool_usage_error("addr: bad address '%s'", t->args[0]);
	uint64_t root = 0;
	struct mms_task task;
	bool have_task = false;
	if (t->has_pid || t->has_pgd) {
		int rc = pick_root(t, &root, &task, &have_task);
		if (rc)
			return rc;
	}
	struct mms_addr_info a;
	mms_error *err = mms_addr_classify(t->dump, root, vaddr, &a);
	if (err)
		return tool_fail(err);
	const struct mms_vtop_result *r = &a.vtop;
	char fl[256];
	if (t->json) {
		struct json *j = &t->j;
		json_begin_object(j, NULL);
		json_hex(j, "vaddr", vaddr);
		json_str(j, "region", mms_region_name(a.region));
		json_hex(j, "region_start", a.region_start);
		json_hex(j, "region_last", a.region_last);
		json_str(j, "section", a.section);
		json_bool(j, "translated", a.translated);
		json_str(j, "kind", mms_pte_kind_name(r->kind));
		json_bool(j, "mapped", r->mapped);
		if (r->mapped) {
			json_hex(j, "paddr", r->paddr);
			json_uint(j, "pfn", a.pfn);
			json_uint(j, "page_size", r->page_size);
			json_str(j, "level", mms_pt_level_name(t->dump, r->level));
			json_str(j, "attrs", mms_pte_attrs_str(r->attrs, fl,
								sizeof(fl)));
			json_bool(j, "page_in_dump", r->page_in_dump);
		}
		if (a.linear)
			json_hex(j, "linear_paddr", a.linear_paddr);
		if (a.struct_page) {
			json_uint(j, "struct_page_pfn", a.page_pfn);
			json_uint(j, "struct_page_offset", a.page_offset);
		}
		json_end_object(j);
		json_finish(j);
		return 0;
	}
	printf("address:   0x%016" PRIx64 "\n", vaddr);
	printf("region:    %s (0x%016" PRIx64 "-0x%016" PRIx64 ")%s%s\n",
	       mms_region_name(a.region), a.region_start, a.region_last,
	       a.section ? ", section " : "", a.section ? a.section : "");
	if (a.struct_page)
		printf("struct page of pfn %" PRIu64 " (0x%" PRIx64 "), byte %"
		       PRIu64 " of it\n", a.page_pfn, a.page_pfn, a.page_offset);
	if (!a.translated) {
		printf("physical:  (the page tables cannot be walked here)\n");
	} else if (r->mapped) {
		char sz[32];
		printf("physical:  0x%" PRIx64 " (pfn %" PRIu64 ", 0x%" PRIx64
		       "), %s %s page, %s\n", r->paddr, a.pfn, a.pfn,
		       mms_pt_level_name(t->dump, r->level),
		       size_unit(r->page_size, sz, sizeof(sz)),
		       mms_pte_attrs_str(r->attrs, fl, sizeof(fl)));
		printf("in dump:   %s\n", r->page_in_dump ? "yes"
		       : "no (excluded from the dump)");
	} else {
		describe_end(r, fl, sizeof(fl));
		printf("physical:  not mapped (%s)\n", fl);
	}
	if (a.linear)
		printf("linear:    0x%" PRIx64 " (page_offset_base + offset)%s\n",
		       a.linear_paddr, r->mapped && r->paddr != a.linear_paddr
		       ? ": DIFFERS from the page tables" : "");
	return 0;
}

/* ---- ps -------------------------------------------------------------- */

int cmd_ps(struct tool *t)
{
	mms_task_iter *it;
	mms_error *err = mms_task_iter_new(t->dump, &it);
	if (err)
		return tool_fail(err);
	struct json *j = &t->j;
	static const char *const rss_names[] = { "file", "anon", "swap",
						 "shmem" };
	if (t->json)
		json_begin_array(j, NULL);
	else
		printf("%7s %7s  %-16s %-18s %-18s %-12s %8s %8s %8s %8s %9s\n",
		       "PID", "TGID", "COMM", "TASK", "MM", "PGD(phys)", "FILE",
		       "ANON", "SWAP", "SHMEM", "RSS(kB)");
	for (;;) {
		const struct mms_task *task;
		err = mms_task_iter_next(it, &task);
		if (err)
			break;
		if (!task)
			break;
		if (t->json) {
			json_begin_object(j, NULL);
			json_int(j, "pid", task->pid);
			json_int(j, "tgid", task->tgid);
			json_str(j, "comm", task->comm);
			json_hex(j, "task", task->addr);
			if (task->mm) {
				json_hex(j, "mm", task->mm);
				json_hex(j, "pgd", task->pgd);
				json_hex(j, "pgd_phys", task->pgd_phys);
			} else {
				json_null(j, "mm");
			}
			if (task->rss_known) {
				json_begin_object(j, "rss");
				for (unsigned i = 0; i < task->nr_rss && i < 4; i++)
					json_int(j, rss_names[i], task->rss[i]);
				json_end_object(j);
				json_begin_object(j, "rss_exact");
				for (unsigned i = 0; i < task->nr_rss && i < 4; i++)
					json_int(j, rss_names[i], task->rss_exact[i]);
				json_end_object(j);
			}
			json_end_object(j);
			continue;
		}
		if (!task->mm) {
			printf("%7d %7d  %-16s %-18" PRIx64 " -\n", task->pid,
			       task->tgid, task->comm, task->addr);
			continue;
		}
		printf("%7d %7d  %-16s %-18" PRIx64 " %-18" PRIx64 " %-12" PRIx64,
		       task->pid, task->tgid, task->comm, task->addr, task->mm,
		       task->pgd_phys);
		if (task->rss_known) {
			int64_t rss = 0;
			for (unsigned i = 0; i < 4 && i < task->nr_rss; i++) {
				printf(" %8" PRId64, task->rss[i]);
				if (i != MMS_RSS_SWAP)
					rss += task->rss[i];
			}
			printf(" %9" PRId64, rss * 4);
		}
		printf("\n");
	}
	mms_task_iter_free(it);
	if (t->json) {
		json_end_array(j);
		json_finish(j);
	}
	return err ? tool_fail(err) : 0;
}
