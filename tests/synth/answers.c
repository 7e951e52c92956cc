/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* answers.json: what a correct reader of the dump must report. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "synth.h"

#define A (s->abi)

char *buddyinfo_text(const struct synth *s)
{
	size_t cap = 4096, len = 0;
	char *out = malloc(cap);
	out[0] = 0;
	for (int n = 0; n < s->nnodes; n++)
		for (int z = 0; z < A->max_nr_zones; z++) {
			const struct synth_zone *zn = &s->nodes[n].zones[z];
			if (!zn->populated)
				continue;
			if (cap - len < 512)
				out = realloc(out, cap *= 2);
			len += (size_t)sprintf(out + len, "Node %d, zone %8s ", n,
					       A->zone_names[z]);
			for (int o = 0; o < A->nr_orders; o++)
				len += (size_t)sprintf(out + len, "%6lu ",
						       (unsigned long)zn->nr_free[o]);
			len += (size_t)sprintf(out + len, "\n");
		}
	return out;
}

static void json_str(FILE *f, const char *str)
{
	fputc('"', f);
	for (const char *p = str; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if ((unsigned char)*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void hex(FILE *f, uint64_t v)
{
	fprintf(f, "\"0x%llx\"", (unsigned long long)v);
}

static const char *model_name(int model)
{
	switch (model) {
	case MODEL_FLATMEM: return "flatmem";
	case MODEL_DISCONTIGMEM: return "discontigmem";
	case MODEL_SPARSEMEM_EXTREME: return "sparsemem_extreme";
	default: return "sparsemem_vmemmap";
	}
}

static const char *buddy_name(int b)
{
	switch (b) {
	case BUDDY_PG_BUDDY: return "pg_buddy";
	case BUDDY_MAPCOUNT: return "mapcount";
	case BUDDY_PAGE_TYPE: return "page_type";
	default: return "page_type_top_byte";
	}
}

static const char *corruption_name(enum corruption_kind k)
{
	switch (k) {
	case CORRUPT_LOOP: return "loop";
	case CORRUPT_WILD: return "wild_pointer";
	case CORRUPT_WRONG_ORDER: return "wrong_order";
	case CORRUPT_NOT_BUDDY: return "not_buddy";
	case CORRUPT_COUNT: return "count_mismatch";
	default: return "none";
	}
}

static void write_zone(FILE *f, const struct synth *s, const struct synth_zone *z)
{
	fprintf(f, "    {\"nid\": %d, \"zone\": %d, \"name\": ", z->nid, z->idx);
	json_str(f, A->zone_names[z->idx]);
	fprintf(f, ", \"addr\": ");
	hex(f, z->va);
	fprintf(f, ", \"populated\": %s", z->populated ? "true" : "false");
	fprintf(f, ", \"start_pfn\": %llu, \"spanned\": %llu, \"present\": %llu, "
		"\"managed\": %llu, \"free\": %llu",
		(unsigned long long)(z->populated ? z->start_pfn : 0),
		(unsigned long long)(z->populated ? z->end_pfn - z->start_pfn : 0),
		(unsigned long long)z->present, (unsigned long long)z->managed,
		(unsigned long long)z->free_pages);
	fprintf(f, ", \"min\": %llu, \"low\": %llu, \"high\": %llu",
		(unsigned long long)z->wmark[0], (unsigned long long)z->wmark[1],
		(unsigned long long)z->wmark[2]);
	fprintf(f, ",\n     \"protection\": [");
	for (int i = 0; i < A->max_nr_zones; i++)
		fprintf(f, "%s%lld", i ? ", " : "", (long long)z->lowmem_reserve[i]);
	fprintf(f, "],\n     \"nr_free\": [");
	for (int o = 0; o < A->nr_orders; o++)
		fprintf(f, "%s%llu", o ? ", " : "", (unsigned long long)z->nr_free[o]);
	fprintf(f, "],\n     \"blocks\": [");
	for (int o = 0; o < A->nr_orders; o++) {
		fprintf(f, "%s[", o ? ", " : "");
		for (int m = 0; m < A->migrate_types; m++)
			fprintf(f, "%s%llu", m ? ", " : "",
				(unsigned long long)(z->populated ? z->reachable[o][m] : 0));
		fprintf(f, "]");
	}
	fprintf(f, "],\n     \"pcp\": [");
	bool first = true;
	for (int c = 0; c < s->ncpus; c++) {
		if (!(s->def->online_mask & (1u << c)))
			continue;
		fprintf(f, "%s{\"cpu\": %d, \"count\": %d, \"high\": %d, \"batch\": %d}",
			first ? "" : ", ", c, z->pcp_count[c], z->pcp_high,
			z->pcp_batch);
		first = false;
	}
	fprintf(f, "]}");
}

static void write_vmstat(FILE *f, const struct synth *s)
{
	int64_t zsum[64] = { 0 }, nsum[64] = { 0 }, numa[8] = { 0 };
	for (int n = 0; n < s->nnodes; n++) {
		for (int z = 0; z < A->max_nr_zones; z++) {
			for (int i = 0; i < A->n_zone_stat; i++)
				zsum[i] += s->nodes[n].zones[z].stat[i];
			for (int i = 0; i < A->n_numa_stat; i++)
				numa[i] += s->nodes[n].zones[z].numa[i];
		}
		for (int i = 0; i < A->n_node_stat; i++)
			nsum[i] += s->nodes[n].stat[i];
	}
	fprintf(f, "  \"vmstat\": {");
	const char *sep = "\n    ";
	for (int i = 0; i < A->n_zone_stat; i++, sep = ",\n    ")
		fprintf(f, "%s\"%s\": %lld", sep, A->zone_stat_names[i], (long long)zsum[i]);
	for (int i = 0; i < A->n_numa_stat; i++)
		fprintf(f, "%s\"%s\": %lld", sep, A->numa_stat_names[i], (long long)numa[i]);
	for (int i = 0; i < A->n_node_stat; i++) {
		const char *name = A->node_stat_names[i];
		int64_t v = nsum[i];
		/* /proc/vmstat prints the THP counters in THPs (5.13) */
		if (A->era >= 601 && !strcmp(name, "nr_anon_transparent_hugepages"))
			v /= 512;
		fprintf(f, "%s\"%s\": %lld", sep, name, (long long)v);
	}
	if (A->era >= 419) {
		/* global_dirty_limits() with vm_dirty_ratio 20 and
		 * dirty_background_ratio 10, no highmem */
		int ifile = abi_stat_index(A->node_stat_names, A->n_node_stat,
					   "nr_inactive_file");
		int afile = abi_stat_index(A->node_stat_names, A->n_node_stat,
					   "nr_active_file");
		uint64_t x = (uint64_t)zsum[0];
		x -= x < s->totalreserve ? x : s->totalreserve;
		x += (uint64_t)nsum[ifile] + (uint64_t)nsum[afile] + 1;
		uint64_t ratio = 20 * SYNTH_PAGE_SIZE / 100;
		uint64_t bg_ratio = 10 * SYNTH_PAGE_SIZE / 100;
		uint64_t thresh = ratio * x / SYNTH_PAGE_SIZE;
		uint64_t bg = bg_ratio * x / SYNTH_PAGE_SIZE;
		if (bg >= thresh)
			bg = thresh / 2;
		fprintf(f, "%s\"nr_dirty_threshold\": %llu", sep,
			(unsigned long long)thresh);
		fprintf(f, "%s\"nr_dirty_background_threshold\": %llu", sep,
			(unsigned long long)bg);
	}
	if (A->era >= 612)
		fprintf(f, "%s\"nr_memmap_pages\": 0%s\"nr_memmap_boot_pages\": %llu",
			sep, sep, (unsigned long long)s->memmap_pages);
	for (int i = 0; i < A->n_events; i++) {
		uint64_t v = 0;
		for (int c = 0; c < s->ncpus; c++)
			if (s->def->online_mask & (1u << c))
				v += s->events[c][i];
		/* sectors -> kbytes, as vmstat_start() does */
		if (!strcmp(A->event_names[i], "pgpgin") ||
		    !strcmp(A->event_names[i], "pgpgout"))
			v /= 2;
		fprintf(f, "%s\"%s\": %llu", sep, A->event_names[i], (unsigned long long)v);
	}
	fprintf(f, "\n  },\n");
}

static void write_page(FILE *f, const struct synth *s, uint64_t pfn, bool *first)
{
	int nid;
	int zone = pfn_zone(s, pfn, &nid);
	int kind = s->kind[pfn];
	uint64_t flags = kr64(s, page_va(s, pfn) + s->pg_flags);
	bool buddy = page_is_buddy_marked(s, pfn);
	fprintf(f, "%s\n    {\"pfn\": %llu, \"addr\": ", *first ? "" : ",",
		(unsigned long long)pfn);
	hex(f, page_va(s, pfn));
	fprintf(f, ", \"flags\": ");
	hex(f, flags);
	fprintf(f, ", \"buddy\": %s, \"order\": ", buddy ? "true" : "false");
	if (kind == PK_BUDDY_HEAD || kind == PK_THP_HEAD || kind == PK_SLAB_HEAD)
		fprintf(f, "%d", s->order[pfn]);
	else
		fprintf(f, "null");
	fprintf(f, ", \"kind\": \"%s\", \"nid\": %d, \"zone\": %d}",
		page_kind_name(kind), nid, zone);
	*first = false;
}

static void write_pages(FILE *f, const struct synth *s)
{
	int seen[PK_NKINDS] = { 0 };
	int seen_order[MAX_ORDERS] = { 0 };
	bool first = true;
	fprintf(f, "  \"pages\": [");
	for (uint64_t pfn = 0; pfn < s->max_pfn; pfn++) {
		if (!page_has_memmap(s, pfn))
			continue;
		int k = s->kind[pfn];
		bool take = seen[k] < 3 ||
			    (k == PK_BUDDY_HEAD && !seen_order[s->order[pfn]]) ||
			    (s->corrupt.kind != CORRUPT_NONE && pfn == s->corrupt.pfn);
		if (k == PK_BUDDY_HEAD)
			seen_order[s->order[pfn]]++;
		if (!take)
			continue;
		seen[k]++;
		write_page(f, s, pfn, &first);
	}
	fprintf(f, "\n  ]\n");
}

int write_answers(const struct synth *s, const char *path, char *err,
		  size_t errlen)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		snprintf(err, errlen, "cannot create %s: %m", path);
		return -1;
	}
	char bid[160];
	build_id_hex(s, bid, sizeof(bid));
	fprintf(f, "{\n  \"layout\": ");
	json_str(f, s->def->name);
	fprintf(f, ",\n  \"description\": ");
	json_str(f, s->def->description);
	fprintf(f, ",\n  \"variant\": \"%s\",\n  \"osrelease\": \"%s\",\n",
		A->variant, A->osrelease);
	fprintf(f, "  \"model\": \"%s\",\n  \"buddy_encoding\": \"%s\",\n",
		model_name(A->model), buddy_name(A->buddy));
	fprintf(f, "  \"build_id\": \"%s\",\n  \"page_offset_base\": ", bid);
	hex(f, s->page_offset_base);
	fprintf(f, ",\n  \"vmemmap_base\": ");
	hex(f, s->vmemmap_base);
	fprintf(f, ",\n  \"kernel_offset\": ");
	hex(f, s->kaslr);
	fprintf(f, ",\n  \"phys_base\": ");
	hex(f, s->phys_base);
	fprintf(f, ",\n  \"max_pfn\": %llu,\n", (unsigned long long)s->max_pfn);
	fprintf(f, "  \"nr_cpu_ids\": %d,\n  \"online_cpus\": [", s->ncpus);
	for (int c = 0, fst = 1; c < s->ncpus; c++)
		if (s->def->online_mask & (1u << c)) {
			fprintf(f, "%s%d", fst ? "" : ", ", c);
			fst = 0;
		}
	fprintf(f, "],\n  \"nr_orders\": %d,\n  \"migratetypes\": [", A->nr_orders);
	for (int m = 0; A->migratetype_names && m < A->migrate_types; m++) {
		fprintf(f, "%s", m ? ", " : "");
		json_str(f, A->migratetype_names[m]);
	}
	int zpgshift = 64 - A->sections_width - A->nodes_width - A->zones_width;
	fprintf(f, "],\n  \"flags_layout\": {\"sections_width\": %d, "
		"\"nodes_width\": %d, \"zones_width\": %d, \"sections_pgshift\": %d, "
		"\"nodes_pgshift\": %d, \"zones_pgshift\": %d},\n",
		A->sections_width, A->nodes_width, A->zones_width,
		64 - A->sections_width, 64 - A->sections_width - A->nodes_width,
		zpgshift);
	fprintf(f, "  \"ram\": [");
	for (int r = 0; r < s->nram; r++)
		fprintf(f, "%s{\"start_pfn\": %llu, \"end_pfn\": %llu}", r ? ", " : "",
			(unsigned long long)s->ram[r].start_pfn,
			(unsigned long long)s->ram[r].end_pfn);
	fprintf(f, "],\n  \"nodes\": [");
	for (int n = 0; n < s->nnodes; n++) {
		const struct synth_node *nd = &s->nodes[n];
		fprintf(f, "%s\n    {\"nid\": %d, \"start_pfn\": %llu, \"spanned\": %llu, "
			"\"present\": %llu, \"pgdat\": ", n ? "," : "", n,
			(unsigned long long)nd->start_pfn,
			(unsigned long long)(nd->end_pfn - nd->start_pfn),
			(unsigned long long)nd->present);
		hex(f, nd->pgdat_va);
		fprintf(f, "}");
	}
	fprintf(f, "\n  ],\n  \"zones\": [");
	bool first = true;
	for (int n = 0; n < s->nnodes; n++)
		for (int z = 0; z < A->max_nr_zones; z++) {
			fprintf(f, "%s\n", first ? "" : ",");
			write_zone(f, s, &s->nodes[n].zones[z]);
			first = false;
		}
	fprintf(f, "\n  ],\n  \"buddyinfo\": ");
	char *bi = buddyinfo_text(s);
	json_str(f, bi);
	free(bi);
	fprintf(f, ",\n");
	write_vmstat(f, s);
	fprintf(f, "  \"corruption\": ");
	const struct corruption_info *c = &s->corrupt;
	if (c->kind == CORRUPT_NONE) {
		fprintf(f, "null,\n");
	} else {
		fprintf(f, "{\"kind\": \"%s\", \"node\": %d, \"zone\": %d, "
			"\"zone_name\": \"%s\", \"order\": %d, \"migratetype\": ",
			corruption_name(c->kind), c->nid, c->zone,
			A->zone_names[c->zone], c->order);
		if (c->mt < 0)
			fprintf(f, "null");
		else
			fprintf(f, "%d", c->mt);
		fprintf(f, ", \"addr\": ");
		hex(f, c->addr);
		fprintf(f, ", \"target\": ");
		if (c->target)
			hex(f, c->target);
		else
			fprintf(f, "null");
		fprintf(f, ", \"pfn\": ");
		if (c->kind == CORRUPT_COUNT)
			fprintf(f, "null");
		else
			fprintf(f, "%llu", (unsigned long long)c->pfn);
		fprintf(f, ", \"reachable\": %zu},\n", c->reachable);
	}
	uint64_t excluded = 0;
	for (uint64_t pfn = 0; pfn < s->max_pfn; pfn++)
		excluded += image_is_ram(s, pfn) && synth_filtered_out(s, pfn);
	fprintf(f, "  \"filtered_excluded_pages\": %llu,\n",
		(unsigned long long)excluded);
	write_pages(f, s);
	fprintf(f, "}\n");
	if (fclose(f)) {
		snprintf(err, errlen, "cannot write %s: %m", path);
		return -1;
	}
	return 0;
}
