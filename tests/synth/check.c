/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * synth-check --layout NAME --out DIR: generates one layout into DIR and
 * checks what libkdumpfile makes of every file against the in-memory
 * image: VMCOREINFO and BUILD-ID, every RAM page, holes, the filtered
 * dump's page map, kernel virtual reads.  Then it walks every free list
 * using only VMCOREINFO and the dump's own page tables and compares the
 * result with the answers (and finds the layout's corruption, if any).
 */
#include <fcntl.h>
#include <gelf.h>
#include <getopt.h>
#include <libelf.h>
#include <libkdumpfile/kdumpfile.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "synth.h"

#ifndef SYNTH_VMLINUX_DIR
#define SYNTH_VMLINUX_DIR "."
#endif

static int passed, failed;

__attribute__((format(printf, 2, 3)))
static void check(bool ok, const char *fmt, ...)
{
	va_list ap;
	if (ok) {
		passed++;
		return;
	}
	failed++;
	fprintf(stderr, "FAIL: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* The build-id as libelf sees it, parsed here from the raw note bytes
 * (independently of the generator's own vmlinux reader). */
static bool elf_build_id(const char *path, char *out, size_t outlen)
{
	bool found = false;
	elf_version(EV_CURRENT);
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	Elf_Scn *scn = NULL;
	while (elf && !found && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		Elf_Data *d = elf_rawdata(scn, NULL);
		const uint8_t *p = d ? d->d_buf : NULL;
		size_t off = 0;
		while (p && off + 12 <= d->d_size) {
			uint32_t namesz, descsz, type;
			memcpy(&namesz, p + off, 4);
			memcpy(&descsz, p + off + 4, 4);
			memcpy(&type, p + off + 8, 4);
			size_t name = off + 12, desc = name + ((namesz + 3) & ~3u);
			if (type == 3 && namesz == 4 && !memcmp(p + name, "GNU", 4) &&
			    2 * descsz < outlen) {
				for (uint32_t i = 0; i < descsz; i++)
					sprintf(out + 2 * i, "%02x", p[desc + i]);
				found = true;
				break;
			}
			off = desc + ((descsz + 3) & ~3u);
		}
	}
	if (elf)
		elf_end(elf);
	close(fd);
	return found;
}

/* ------------------------------------------------------------------ */
/* VMCOREINFO-only free list walk                                      */

struct walker {
	kdump_ctx_t *ctx;
	const struct synth *s;
	const char *vmci;
	uint64_t root_pa;
	int corruptions;
	bool found_expected;
};

static bool vi_get(const char *vmci, const char *key, char *out, size_t outlen)
{
	size_t kl = strlen(key);
	for (const char *p = vmci; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t ll = nl ? (size_t)(nl - p) : strlen(p);
		if (ll > kl && !strncmp(p, key, kl) && p[kl] == '=') {
			size_t vl = ll - kl - 1 < outlen - 1 ? ll - kl - 1 : outlen - 1;
			memcpy(out, p + kl + 1, vl);
			out[vl] = 0;
			return true;
		}
		p = nl ? nl + 1 : NULL;
	}
	return false;
}

static bool vi_num(const struct walker *w, const char *key, int64_t *v)
{
	char buf[64];
	if (!vi_get(w->vmci, key, buf, sizeof(buf)))
		return false;
	*v = strtoll(buf, NULL, 10);
	return true;
}

static int64_t vi_need(const struct walker *w, const char *key)
{
	int64_t v = 0;
	check(vi_num(w, key, &v), "VMCOREINFO lacks %s", key);
	return v;
}

static bool vi_sym(const struct walker *w, const char *name, uint64_t *v)
{
	char key[128], buf[64];
	snprintf(key, sizeof(key), "SYMBOL(%s)", name);
	if (!vi_get(w->vmci, key, buf, sizeof(buf)))
		return false;
	*v = strtoull(buf, NULL, 16);
	return true;
}

static bool phys_read64(const struct walker *w, uint64_t pa, uint64_t *v)
{
	size_t sz = 8;
	return kdump_read(w->ctx, KDUMP_KPHYSADDR, pa, v, &sz) == KDUMP_OK && sz == 8;
}

/* x86-64 4-level walk over the dump's own page tables */
static bool vtop(const struct walker *w, uint64_t va, uint64_t *pa)
{
	uint64_t table = w->root_pa, e;
	static const int shifts[4] = { 39, 30, 21, 12 };
	for (int level = 0; level < 4; level++) {
		int sh = shifts[level];
		if (!phys_read64(w, table + ((va >> sh) & 511) * 8, &e) || !(e & 1))
			return false;
		uint64_t next = e & 0x000ffffffffff000ULL;
		if (level == 3 || (level > 0 && (e & 0x80))) {
			uint64_t mask = (1ULL << sh) - 1;
			*pa = (next & ~mask) | (va & mask);
			return true;
		}
		table = next;
	}
	return false;
}

static bool vread(const struct walker *w, uint64_t va, void *buf, size_t len)
{
	uint8_t *p = buf;
	while (len) {
		size_t chunk = 4096 - (va & 4095);
		if (chunk > len)
			chunk = len;
		uint64_t pa;
		size_t sz = chunk;
		if (!vtop(w, va, &pa) ||
		    kdump_read(w->ctx, KDUMP_KPHYSADDR, pa, p, &sz) != KDUMP_OK ||
		    sz != chunk)
			return false;
		va += chunk;
		p += chunk;
		len -= chunk;
	}
	return true;
}

static uint64_t vr64(const struct walker *w, uint64_t va)
{
	uint64_t v = 0;
	check(vread(w, va, &v, 8), "cannot read 0x%llx", (unsigned long long)va);
	return v;
}

static uint32_t vr32(const struct walker *w, uint64_t va)
{
	uint32_t v = 0;
	check(vread(w, va, &v, 4), "cannot read 0x%llx", (unsigned long long)va);
	return v;
}

static void found(struct walker *w, enum corruption_kind kind, int nid, int zone,
		  int order, uint64_t addr)
{
	const struct corruption_info *c = &w->s->corrupt;
	w->corruptions++;
	bool expected = c->kind == kind && c->nid == nid && c->zone == zone &&
			c->order == order && c->addr == addr;
	check(expected, "unexpected corruption %d at node %d zone %d order %d "
	      "addr 0x%llx", kind, nid, zone, order, (unsigned long long)addr);
	if (expected)
		w->found_expected = true;
}

static bool buddy_marked(const struct walker *w, uint64_t page)
{
	int64_t v;
	uint64_t flags = vr64(w, page + vi_need(w, "OFFSET(page.flags)"));
	uint32_t mc = vr32(w, page + vi_need(w, "OFFSET(page._mapcount)"));
	if (!vi_num(w, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)", &v)) {
		/* before 3.9 the value was not exported; use the variant's */
		switch (w->s->abi->buddy) {
		case BUDDY_PG_BUDDY:
			return flags & (1ULL << abi_enum(w->s->abi, "PG_buddy"));
		case BUDDY_MAPCOUNT:
			return mc == (uint32_t)-128;
		default:
			return false;
		}
	}
	if (v == -128)
		return mc == (uint32_t)-128;
	if ((uint32_t)v == 0xf0000000u)		/* 6.12: top byte */
		return (mc >> 24) == 0xf0;
	uint32_t type_bit = ~(uint32_t)v;	/* 4.18: bit cleared below base */
	return (mc & (0xf0000000u | type_bit)) == 0xf0000000u;
}

static void walk_zone(struct walker *w, int nid, int zi, uint64_t zone)
{
	const struct synth_zone *sz = &w->s->nodes[nid].zones[zi];
	int64_t nr_orders = vi_need(w, "LENGTH(zone.free_area)");
	int64_t nmt = 1;
	vi_num(w, "LENGTH(free_area.free_list)", &nmt);
	int64_t fa_size = vi_need(w, "SIZE(free_area)");
	int64_t lh_size = vi_need(w, "SIZE(list_head)");
	int64_t lru = vi_need(w, "OFFSET(page.lru)");
	int64_t priv = vi_need(w, "OFFSET(page.private)");
	uint64_t fa0 = zone + vi_need(w, "OFFSET(zone.free_area)");
	for (int o = 0; o < nr_orders; o++) {
		uint64_t fa = fa0 + o * fa_size, total = 0;
		for (int mt = 0; mt < nmt; mt++) {
			uint64_t head = fa + vi_need(w, "OFFSET(free_area.free_list)") +
					mt * lh_size;
			uint64_t cur = vr64(w, head), prev_page = 0;
			size_t n = 0, cap = 0;
			uint64_t *seen = NULL;
			while (cur != head) {
				bool loop = false;
				for (size_t i = 0; i < n; i++)
					if (seen[i] == cur)
						loop = true;
				if (loop) {
					found(w, CORRUPT_LOOP, nid, zi, o, prev_page);
					break;
				}
				uint64_t next;
				if (!vread(w, cur, &next, 8)) {
					found(w, CORRUPT_WILD, nid, zi, o, prev_page);
					break;
				}
				if (n == cap)
					seen = realloc(seen, (cap = cap * 2 + 64) * sizeof(*seen));
				seen[n++] = cur;
				uint64_t page = cur - lru;
				if (vr64(w, page + priv) != (uint64_t)o)
					found(w, CORRUPT_WRONG_ORDER, nid, zi, o, page);
				if (!buddy_marked(w, page))
					found(w, CORRUPT_NOT_BUDDY, nid, zi, o, page);
				prev_page = page;
				cur = next;
			}
			free(seen);
			total += n;
			check(n == sz->reachable[o][mt],
			      "node %d zone %d order %d mt %d: walk finds %zu, answers %llu",
			      nid, zi, o, mt, n, (unsigned long long)sz->reachable[o][mt]);
		}
		/* nr_free is not in VMCOREINFO: the variant's offset */
		uint64_t stored = vr64(w, fa + abi_off(w->s->abi, "free_area.nr_free"));
		check(stored == sz->nr_free[o], "node %d zone %d order %d: nr_free %llu, "
		      "answers %llu", nid, zi, o, (unsigned long long)stored,
		      (unsigned long long)sz->nr_free[o]);
		if (w->s->corrupt.kind != CORRUPT_LOOP && w->s->corrupt.kind != CORRUPT_WILD &&
		    stored != total)
			found(w, CORRUPT_COUNT, nid, zi, o, fa);
	}
}

/* A kernel string through a pointer in the dump (KASLR-relocated). */
static void check_string(const struct walker *w, uint64_t ptr_va,
			 const char *want, const char *what)
{
	char buf[64] = "";
	uint64_t p = vr64(w, ptr_va);
	bool ok = vread(w, p, buf, strlen(want) + 1);
	check(ok && !strcmp(buf, want), "%s: 0x%llx -> \"%.20s\", expected \"%s\"",
	      what, (unsigned long long)p, ok ? buf : "(unreadable)", want);
}

static void check_strings(const struct walker *w)
{
	const struct synth *s = w->s;
	const struct synth_abi *abi = s->abi;
	check_string(w, ktext_va(s, "vmstat_text"), abi->zone_stat_names[0],
		     "vmstat_text[0]");
	check_string(w, ktext_va(s, "vmstat_text") + 8 * (abi->n_zone_stat +
		     abi->n_numa_stat + abi->n_node_stat + abi->n_writeback),
		     abi->event_names[0], "vmstat_text[first event]");
	if (abi->migratetype_names)
		check_string(w, ktext_va(s, "migratetype_names") +
			     8 * (abi->migrate_types - 1),
			     abi->migratetype_names[abi->migrate_types - 1],
			     "migratetype_names[last]");
	for (int n = 0; n < s->nnodes; n++)
		for (int z = 0; z < abi->max_nr_zones; z++)
			check_string(w, s->nodes[n].zones[z].va +
				     abi_off(abi, "zone.name"),
				     abi->zone_names[z], "zone->name");
}

static void walk_free_lists(kdump_ctx_t *ctx, const struct synth *s, const char *vmci,
			    const char *file)
{
	struct walker w = { .ctx = ctx, .s = s, .vmci = vmci };
	int64_t phys_base = 0;
	uint64_t pgt = 0, pgdats[64];
	int npgdat = 0;
	vi_num(&w, "NUMBER(phys_base)", &phys_base);
	check(vi_sym(&w, "init_top_pgt", &pgt), "%s: no SYMBOL(init_top_pgt)", file);
	w.root_pa = pgt - START_KERNEL_MAP + (uint64_t)phys_base;
	uint64_t node_data = 0, contig = 0;
	if (vi_sym(&w, "node_data", &node_data)) {
		int64_t len = vi_need(&w, "LENGTH(node_data)");
		for (int i = 0; i < len && i < 64; i++) {
			uint64_t p = vr64(&w, node_data + 8 * i);
			if (p)
				pgdats[npgdat++] = p;
		}
	} else {
		check(vi_sym(&w, "contig_page_data", &contig),
		      "%s: neither node_data nor contig_page_data", file);
		pgdats[npgdat++] = contig;
	}
	check(npgdat == s->nnodes, "%s: %d nodes, expected %d", file, npgdat, s->nnodes);
	for (int i = 0; i < npgdat; i++) {
		uint64_t pg = pgdats[i];
		int nid = (int)vr32(&w, pg + vi_need(&w, "OFFSET(pglist_data.node_id)"));
		int nr_zones = (int)vr32(&w, pg + vi_need(&w, "OFFSET(pglist_data.nr_zones)"));
		check(nid == i && nr_zones == s->nodes[i].nr_zones,
		      "%s: node %d: node_id %d nr_zones %d", file, i, nid, nr_zones);
		check(vr64(&w, pg + vi_need(&w, "OFFSET(pglist_data.node_start_pfn)")) ==
		      s->nodes[i].start_pfn, "%s: node %d start_pfn", file, i);
		if (nid != i || nr_zones > 5)
			continue;
		for (int z = 0; z < nr_zones; z++) {
			uint64_t zone = pg + vi_need(&w, "OFFSET(pglist_data.node_zones)") +
					z * vi_need(&w, "SIZE(zone)");
			uint64_t spanned = vr64(&w, zone + vi_need(&w, "OFFSET(zone.spanned_pages)"));
			const struct synth_zone *sz = &s->nodes[i].zones[z];
			check(spanned == (sz->populated ? sz->end_pfn - sz->start_pfn : 0),
			      "%s: node %d zone %d spanned %llu", file, i, z,
			      (unsigned long long)spanned);
			uint64_t nfree = vr64(&w, zone + vi_need(&w, "OFFSET(zone.vm_stat)") +
					      8 * vi_need(&w, "NUMBER(NR_FREE_PAGES)"));
			check(nfree == sz->free_pages, "%s: node %d zone %d NR_FREE_PAGES",
			      file, i, z);
			if (spanned)
				walk_zone(&w, i, z, zone);
		}
	}
	check_strings(&w);
	if (s->corrupt.kind == CORRUPT_NONE)
		check(w.corruptions == 0, "%s: %d corruptions in a clean layout", file,
		      w.corruptions);
	else
		check(w.found_expected, "%s: the layout's corruption was not found", file);
}

/* ------------------------------------------------------------------ */
/* One dump file through libkdumpfile                                  */

/* libkdumpfile 0.5.1's kdump_free() corrupts memory for kdump-compressed
 * files (as mmscope found): those contexts are deliberately leaked. */
static void release(kdump_ctx_t *ctx, bool is_elf)
{
	if (is_elf)
		kdump_free(ctx);
}

/* Reads of holes and of excluded pages must fail.  In a context of
 * their own: after such a failed read, libkdumpfile 0.5.1 fails later
 * reads of pages that are there ("Decompression failed"), and crashes
 * after many. */
static void check_missing(const struct synth *s, const char *path, bool is_elf,
			  const char *name, bool filtered)
{
	int fd = open(path, O_RDONLY), n = 0;
	kdump_status st;
	uint8_t buf[4096];
	kdump_ctx_t *ctx = kdump_new();
	if (fd < 0 || kdump_open_fd(ctx, fd) != KDUMP_OK) {
		check(false, "%s: cannot reopen", name);
		goto out;
	}
	kdump_set_string_attr(ctx, KDUMP_ATTR_OSTYPE, "linux");
	/* holes are not in the dump */
	int holes = 0;
	for (uint64_t pfn = 1; pfn < s->max_pfn && holes < 3; pfn++) {
		if (image_is_ram(s, pfn) || image_is_ram(s, pfn - 1))
			continue;
		size_t sz = sizeof(buf);
		st = kdump_read(ctx, KDUMP_KPHYSADDR, pfn << 12, buf, &sz);
		check(st != KDUMP_OK, "%s: hole pfn 0x%llx reads", name,
		      (unsigned long long)pfn);
		holes++;
	}

	for (uint64_t pfn = 0; filtered && pfn < s->max_pfn && n < 4; pfn++) {
		if (!image_is_ram(s, pfn) || !synth_filtered_out(s, pfn))
			continue;
		size_t sz = sizeof(buf);
		st = kdump_read(ctx, KDUMP_KPHYSADDR, pfn << 12, buf, &sz);
		check(st == KDUMP_ERR_NODATA, "%s: excluded pfn 0x%llx reads (%d)",
		      name, (unsigned long long)pfn, st);
		n++;
	}
	check(!filtered || n > 0, "%s: no excluded page", name);
out:
	release(ctx, is_elf);
	if (fd >= 0)
		close(fd);
}

static void check_file(const struct synth *s, const char *dir, const char *name,
		       bool is_elf, bool filtered, const char *bid)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int fd = open(path, O_RDONLY);
	check(fd >= 0, "cannot open %s", path);
	if (fd < 0)
		return;
	kdump_ctx_t *ctx = kdump_new();
	kdump_status st = kdump_open_fd(ctx, fd);
	check(st == KDUMP_OK, "%s: libkdumpfile cannot open it: %s", name,
	      kdump_get_err(ctx));
	if (st != KDUMP_OK)
		goto out;
	st = kdump_set_string_attr(ctx, KDUMP_ATTR_OSTYPE, "linux");
	check(st == KDUMP_OK, "%s: setting ostype: %s", name, kdump_get_err(ctx));

	char *raw = NULL;
	st = kdump_vmcoreinfo_raw(ctx, &raw);
	check(st == KDUMP_OK && raw && !strcmp(raw, s->vmcoreinfo),
	      "%s: VMCOREINFO differs from the generated one", name);
	char *val = NULL;
	st = kdump_vmcoreinfo_line(ctx, "BUILD-ID", &val);
	if (s->def->vmcoreinfo_keys & VI_BUILD_ID)
		check(st == KDUMP_OK && val && !strcmp(val, bid),
		      "%s: BUILD-ID %s, vmlinux has %s", name, val ? val : "(none)", bid);
	else
		check(st != KDUMP_OK, "%s: BUILD-ID in a pre-5.9 layout", name);
	free(val);

	/* every RAM page, byte for byte */
	uint8_t buf[4096];
	uint64_t bad = 0;
	for (uint64_t pfn = 0; pfn < s->max_pfn; pfn++) {
		if (!image_is_ram(s, pfn))
			continue;
		size_t sz = sizeof(buf);
		if (filtered && synth_filtered_out(s, pfn))
			continue;	/* see check_excluded() */
		st = kdump_read(ctx, KDUMP_KPHYSADDR, pfn << 12, buf, &sz);
		if (st != KDUMP_OK || sz != sizeof(buf) ||
		    memcmp(buf, image_page(s, pfn), sizeof(buf))) {
			if (bad++ < 5)
				fprintf(stderr, "%s: pfn 0x%llx: %s\n", name,
					(unsigned long long)pfn,
					st == KDUMP_OK ? "content differs" : kdump_get_err(ctx));
		}
	}
	check(bad == 0, "%s: %llu RAM pages read wrong", name, (unsigned long long)bad);

	/* the page map says which pages are in the file (not asked of ELF
	 * files: 0.5.1 loops on an ELF whose kernel-text PT_LOAD overlaps RAM) */
	if (!is_elf) {
		kdump_attr_t attr;
		st = kdump_get_attr(ctx, KDUMP_ATTR_FILE_PAGEMAP, &attr);
		check(st == KDUMP_OK && attr.type == KDUMP_BITMAP,
		      "%s: no file.pagemap", name);
		if (st == KDUMP_OK && attr.type == KDUMP_BITMAP) {
			size_t nbytes = (s->max_pfn + 7) / 8;
			unsigned char *bits = calloc(1, nbytes + 8);
			st = kdump_bmp_get_bits(attr.val.bitmap, 0, s->max_pfn - 1, bits);
			check(st == KDUMP_OK, "%s: file.pagemap bits", name);
			uint64_t wrong = 0, clear = 0;
			for (uint64_t pfn = 0; pfn < s->max_pfn; pfn++) {
				bool want = image_is_ram(s, pfn) &&
					    !(filtered && synth_filtered_out(s, pfn));
				bool have = bits[pfn / 8] & (1 << (pfn % 8));
				wrong += want != have;
				clear += image_is_ram(s, pfn) && !have;
			}
			free(bits);
			check(wrong == 0, "%s: file.pagemap wrong for %llu pfns", name,
			      (unsigned long long)wrong);
			if (filtered)
				check(clear > 0, "%s: the filtered dump excludes nothing", name);
		}
	}

	/* libkdumpfile's own kernel virtual translation (page tables,
	 * KERNELOFFSET, phys_base): kernel text, direct map, vmemmap */
	{
		uint64_t v = 0;
		size_t sz = 8;
		st = kdump_read(ctx, KDUMP_KVADDR, ktext_va(s, "page_offset_base"),
				&v, &sz);
		check(st == KDUMP_OK && v == s->page_offset_base,
		      "%s: KVADDR page_offset_base: %s", name,
		      st == KDUMP_OK ? "wrong value" : kdump_get_err(ctx));
		sz = 8;
		st = kdump_read(ctx, KDUMP_KVADDR, s->nodes[s->nnodes - 1].pgdat_va +
				abi_off(s->abi, "pglist_data.node_start_pfn"), &v, &sz);
		check(st == KDUMP_OK && v == s->nodes[s->nnodes - 1].start_pfn,
		      "%s: KVADDR direct-map pgdat: %s", name,
		      st == KDUMP_OK ? "wrong value" : kdump_get_err(ctx));
		{
			uint64_t pfn = s->nodes[0].zones[1].start_pfn;
			uint8_t pg[64], want[64];
			sz = sizeof(pg);
			st = kdump_read(ctx, KDUMP_KVADDR, page_va(s, pfn), pg, &sz);
			kr(s, page_va(s, pfn), want, sizeof(want));
			check(st == KDUMP_OK && !memcmp(pg, want, sizeof(pg)),
			      "%s: KVADDR struct page 0x%llx", name,
			      (unsigned long long)page_va(s, pfn));
		}
	}

	walk_free_lists(ctx, s, raw ? raw : "", name);
	free(raw);
out:
	release(ctx, is_elf);
	close(fd);
	check_missing(s, path, is_elf, name, filtered);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "layout", required_argument, NULL, 'l' },
		{ "out", required_argument, NULL, 'o' },
		{ "vmlinux-dir", required_argument, NULL, 'v' },
		{ 0 },
	};
	const char *layout = NULL, *out = NULL, *vdir = SYNTH_VMLINUX_DIR;
	int c;
	while ((c = getopt_long(argc, argv, "l:o:v:", opts, NULL)) != -1) {
		switch (c) {
		case 'l': layout = optarg; break;
		case 'o': out = optarg; break;
		case 'v': vdir = optarg; break;
		default: return 2;
		}
	}
	if (!layout || !out) {
		fprintf(stderr, "usage: synth-check --layout NAME --out DIR\n");
		return 2;
	}
	char err[512], cmd[4200];
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", out);
	if (system(cmd))
		return 1;
	struct synth *s = synth_build(layout, vdir, err, sizeof(err));
	if (!s || synth_write_all(s, out, err, sizeof(err))) {
		fprintf(stderr, "synth-check: %s\n", err);
		return 1;
	}
	char vmlinux[4096], bid[160] = "", gen_bid[160];
	snprintf(vmlinux, sizeof(vmlinux), "%s/vmlinux", out);
	check(elf_build_id(vmlinux, bid, sizeof(bid)), "vmlinux has no build-id");
	build_id_hex(s, gen_bid, sizeof(gen_bid));
	check(!strcmp(bid, gen_bid), "generator build-id %s, libelf %s", gen_bid, bid);

	static const struct { const char *name; bool elf, filtered; } files[] = {
		{ "vmcore.elf", true, false },
		{ "vmcore.zlib.kdump", false, false },
		{ "vmcore.lzo.kdump", false, false },
		{ "vmcore.snappy.kdump", false, false },
		{ "vmcore.zstd.kdump", false, false },
		{ "vmcore.filtered.kdump", false, true },
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		/* SYNTH_ONLY=FILE checks one file (debugging) */
		if (!getenv("SYNTH_ONLY") || !strcmp(getenv("SYNTH_ONLY"), files[i].name))
		check_file(s, out, files[i].name, files[i].elf, files[i].filtered, bid);

	/* the generator is deterministic: a second build is identical */
	struct synth *again = synth_build(layout, vdir, err, sizeof(err));
	bool same = again && again->nram == s->nram;
	for (int r = 0; same && r < s->nram; r++)
		same = !memcmp(again->ram[r].data, s->ram[r].data,
			       (s->ram[r].end_pfn - s->ram[r].start_pfn) * 4096);
	check(same, "two builds of %s differ", layout);
	synth_free(again);
	synth_free(s);
	printf("%s: %d passed, %d failed\n", layout, passed, failed);
	return failed ? 1 : 0;
}
