// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The generic page-table walker: translation of one address, and the
 * mappings of a range, merged into runs of equal attributes.  What an
 * entry means is the architecture's business (struct mms_arch_ops); here
 * are levels, indices, a bounded cache of whole table pages, and the rule
 * that a table page the dump lacks is reported, never read.  Every loop
 * over dump data is bounded by the level count and the table size.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "pgtable.h"

/* A 2-way set-associative cache of table pages: 4 MiB of 4 KiB tables,
 * enough for every upper-level table of a large machine, so random
 * translations read the dump about once per leaf table. */
#define CACHE_BYTES (4u << 20)
#define CACHE_WAYS 2

struct cache_slot {
	uint64_t paddr;
	uint64_t stamp;      /* last use; 0: empty */
};

struct mms_pgtable {
	const struct mms_arch_ops *ops;
	struct mms_pt_cfg cfg;
	struct mms_pt_geom geom;
	struct mms_pt_source src;
	size_t slot_size;        /* largest table, bytes */
	unsigned nr_sets;        /* power of two */
	unsigned set_shift;
	struct cache_slot *slots;
	unsigned char *data;     /* nr_sets * CACHE_WAYS * slot_size */
	uint64_t clock;
	struct mms_pt_counters counters;
};

const struct mms_pt_cfg *mms_pgtable_cfg(const struct mms_pgtable *pt)
{
	return &pt->cfg;
}

const struct mms_pt_geom *mms_pgtable_geom(const struct mms_pgtable *pt)
{
	return &pt->geom;
}

const struct mms_arch_ops *mms_pgtable_ops(const struct mms_pgtable *pt)
{
	return pt->ops;
}

void mms_pgtable_counters(const struct mms_pgtable *pt,
			  struct mms_pt_counters *out)
{
	*out = pt->counters;
}

mms_error *mms_pgtable_new(const struct mms_arch_ops *ops,
			   const struct mms_pt_cfg *cfg,
			   const struct mms_pt_source *src,
			   struct mms_pgtable **out)
{
	*out = NULL;
	struct mms_pgtable *pt = calloc(1, sizeof(*pt));
	if (!pt)
		return mms_err_nomem();
	pt->ops = ops;
	pt->cfg = *cfg;
	pt->src = *src;
	ops->geometry(&pt->cfg, &pt->geom);
	const struct mms_pt_geom *g = &pt->geom;
	if (g->levels < 2 || g->levels > MMS_PT_MAX_LEVELS ||
	    (g->entry_size != 4 && g->entry_size != 8)) {
		mms_error *err = mms_err(MMS_ERR_UNSUPPORTED, "%s: %u-level "
					 "page tables with %u-byte entries are "
					 "not supported", ops->name, g->levels,
					 g->entry_size);
		free(pt);
		return err;
	}
	pt->slot_size = 0;
	for (unsigned l = 1; l <= g->levels; l++) {
		size_t sz = (size_t)g->entry_size << g->bits[l];
		if (sz > pt->slot_size)
			pt->slot_size = sz;
	}
	pt->nr_sets = 1;
	pt->set_shift = 64;
	while ((size_t)pt->nr_sets * 2 * CACHE_WAYS * pt->slot_size <=
	       CACHE_BYTES) {
		pt->nr_sets *= 2;
		pt->set_shift--;
	}
	pt->slots = calloc((size_t)pt->nr_sets * CACHE_WAYS, sizeof(*pt->slots));
	pt->data = malloc((size_t)pt->nr_sets * CACHE_WAYS * pt->slot_size);
	if (!pt->slots || !pt->data) {
		mms_pgtable_free(pt);
		return mms_err_nomem();
	}
	*out = pt;
	return NULL;
}

void mms_pgtable_free(struct mms_pgtable *pt)
{
	if (!pt)
		return;
	free(pt->slots);
	free(pt->data);
	free(pt);
}

static size_t table_bytes(const struct mms_pgtable *pt, unsigned level)
{
	return (size_t)pt->geom.entry_size << pt->geom.bits[level];
}

/*
 * The table of `level` at paddr, from the cache or read whole from the
 * dump.  *missing (and no error) when the dump lacks the page: it is then
 * not read.  The pointer is valid until the next call.
 */
static mms_error *get_table(struct mms_pgtable *pt, uint64_t paddr,
			    unsigned level, const unsigned char **out,
			    bool *missing)
{
	size_t len = table_bytes(pt, level);
	*missing = false;
	/* tables of 32 bytes (i386 PAE's top level) sit inside a page */
	uint64_t key = paddr >> (len >= 4096 ? 12 : 5);
	unsigned set = pt->nr_sets == 1 ? 0
		: (unsigned)((key * 0x9e3779b97f4a7c15ULL) >> pt->set_shift);
	struct cache_slot *s = &pt->slots[(size_t)set * CACHE_WAYS];
	unsigned victim = 0;
	for (unsigned w = 0; w < CACHE_WAYS; w++) {
		if (s[w].stamp && s[w].paddr == paddr) {
			s[w].stamp = ++pt->clock;
			pt->counters.cache_hits++;
			*out = pt->data + ((size_t)set * CACHE_WAYS + w) *
					  pt->slot_size;
			return NULL;
		}
		if (s[w].stamp < s[victim].stamp)
			victim = w;
	}
	if (pt->src.present && !pt->src.present(pt->src.arg, paddr)) {
		pt->counters.missing++;
		*missing = true;
		return NULL;
	}
	unsigned char *buf = pt->data + ((size_t)set * CACHE_WAYS + victim) *
					pt->slot_size;
	s[victim].stamp = 0;
	mms_error *err = pt->src.read(pt->src.arg, paddr, buf, len);
	if (err) {
		if (mms_error_code(err) != MMS_ERR_NODATA)
			return mms_err_wrap(err, "reading the %s table at 0x%llx",
					    pt->ops->level_name(&pt->cfg, level),
					    (unsigned long long)paddr);
		mms_error_free(err);
		pt->counters.missing++;
		*missing = true;
		return NULL;
	}
	pt->counters.table_reads++;
	s[victim].paddr = paddr;
	s[victim].stamp = ++pt->clock;
	*out = buf;
	return NULL;
}

static uint64_t load_entry(const struct mms_pgtable *pt,
			   const unsigned char *table, unsigned idx)
{
	if (pt->geom.entry_size == 8)
		return mms_get_u64(table, (int64_t)idx * 8);
	return mms_get_u32(table, (int64_t)idx * 4);
}

static unsigned va_index(const struct mms_pt_geom *g, unsigned level,
			 uint64_t vaddr)
{
	return (unsigned)((vaddr >> g->shift[level]) &
			  ((1ULL << g->bits[level]) - 1));
}

static bool canonical(const struct mms_pt_geom *g, uint64_t vaddr)
{
	if (g->va_bits >= 64)
		return true;
	if (!g->sign_extended)
		return vaddr >> g->va_bits == 0;
	uint64_t top = vaddr >> (g->va_bits - 1);
	return top == 0 || top == (~0ULL >> (g->va_bits - 1));
}

/* RW and USER hold only if every level allows them; NX if any sets it. */
static uint32_t combine_eff(uint32_t eff, uint32_t attrs)
{
	uint32_t allow = MMS_PTA_RW | MMS_PTA_USER;
	return (eff & ~allow) | (eff & attrs & allow) | (attrs & MMS_PTA_NX);
}

static bool maps_page(enum mms_pte_kind k)
{
	return k == MMS_PTE_PRESENT || k == MMS_PTE_PROTNONE ||
	       k == MMS_PTE_MIGRATION || k == MMS_PTE_HWPOISON ||
	       k == MMS_PTE_DEVICE;
}

mms_error *mms_pt_vtop(struct mms_pgtable *pt, uint64_t root, uint64_t vaddr,
		       struct mms_vtop_result *res)
{
	const struct mms_pt_geom *g = &pt->geom;
	memset(res, 0, sizeof(*res));
	res->vaddr = vaddr;
	if (!canonical(g, vaddr))
		return mms_err(MMS_ERR_INVALID, "0x%llx is not a canonical "
			       "%u-bit address", (unsigned long long)vaddr,
			       g->va_bits);
	uint64_t table = root;
	uint32_t eff = MMS_PTA_RW | MMS_PTA_USER;
	for (unsigned level = g->levels; level >= 1; level--) {
		const unsigned char *tbl;
		bool missing;
		mms_error *err = get_table(pt, table, level, &tbl, &missing);
		if (err)
			return mms_err_wrap(err, "translating 0x%llx",
					    (unsigned long long)vaddr);
		if (missing) {
			res->kind = MMS_PTE_TABLE_MISSING;
			res->level = level;
			return mms_err(MMS_ERR_NODATA, "cannot translate 0x%llx: "
				       "its %s table at 0x%llx is not in the "
				       "dump", (unsigned long long)vaddr,
				       pt->ops->level_name(&pt->cfg, level),
				       (unsigned long long)table);
		}
		unsigned idx = va_index(g, level, vaddr);
		struct mms_pt_step *st = &res->steps[res->nr_steps++];
		st->level = level;
		st->table = table;
		st->index = idx;
		st->entry_paddr = table + (uint64_t)idx * g->entry_size;
		st->raw = load_entry(pt, tbl, idx);
		struct mms_pt_entry e;
		pt->ops->decode(&pt->cfg, level, st->raw, &e);
		st->kind = e.kind;
		if (e.kind == MMS_PTE_TABLE && level > 1) {
			eff = combine_eff(eff, e.attrs);
			table = e.addr;
			continue;
		}
		if (e.kind == MMS_PTE_TABLE)
			return mms_err(MMS_ERR_CORRUPT, "translating 0x%llx: the "
				       "%s entry at 0x%llx (0x%llx) points to "
				       "a table below the lowest level",
				       (unsigned long long)vaddr,
				       pt->ops->level_name(&pt->cfg, level),
				       (unsigned long long)st->entry_paddr,
				       (unsigned long long)st->raw);
		uint64_t mask = (1ULL << g->shift[level]) - 1;
		res->kind = e.kind;
		res->level = level;
		res->page_size = 1ULL << g->shift[level];
		res->attrs = e.attrs;
		res->pkey = e.pkey;
		res->swap_type = e.swap_type;
		res->swap_offset = e.swap_offset;
		res->mapped = e.kind == MMS_PTE_PRESENT;
		if (res->mapped)
			res->eff = combine_eff(eff, e.attrs);
		if (maps_page(e.kind)) {
			res->paddr = (e.addr & ~mask) | (vaddr & mask);
			res->page_in_dump = !pt->src.present ||
					    pt->src.present(pt->src.arg,
							    res->paddr);
		}
		return NULL;
	}
	return NULL;   /* not reached: level 1 always decides */
}

/* ---- range iteration ------------------------------------------------- */

struct walk_level {
	uint64_t table;
	uint64_t base;           /* virtual address of entry 0 */
	unsigned idx, last_idx;
	uint32_t eff;
	unsigned char *buf;      /* a copy: the cache may reuse its slot */
};

struct mms_mapping_iter {
	struct mms_pgtable *pt;
	uint64_t root;
	unsigned flags;
	uint64_t seg_start[2], seg_last[2];
	unsigned nr_seg, cur_seg;
	unsigned level;          /* being iterated; 0: start a segment */
	struct walk_level lv[MMS_PT_MAX_LEVELS + 1];
	bool partial;
	bool have_pending;
	struct mms_mapping pending, out;
};

static void add_segment(mms_mapping_iter *it, uint64_t s, uint64_t l)
{
	if (s <= l) {
		it->seg_start[it->nr_seg] = s;
		it->seg_last[it->nr_seg] = l;
		it->nr_seg++;
	}
}

mms_error *mms_pt_iter_new(struct mms_pgtable *pt, uint64_t root,
			   uint64_t start, uint64_t last, unsigned flags,
			   mms_mapping_iter **out)
{
	*out = NULL;
	if (start > last)
		return mms_err(MMS_ERR_INVALID, "empty range 0x%llx-0x%llx",
			       (unsigned long long)start,
			       (unsigned long long)last);
	mms_mapping_iter *it = calloc(1, sizeof(*it));
	if (!it)
		return mms_err_nomem();
	it->pt = pt;
	it->root = root;
	it->flags = flags;
	const struct mms_pt_geom *g = &pt->geom;
	for (unsigned l = 1; l <= g->levels; l++) {
		it->lv[l].buf = malloc(table_bytes(pt, l));
		if (!it->lv[l].buf) {
			mms_mapping_iter_free(it);
			return mms_err_nomem();
		}
	}
	/* the canonical halves: [0, low_last] and [high_start, ~0] */
	uint64_t low_last = g->va_bits >= 64 ? ~0ULL
					     : (1ULL << (g->va_bits - 1)) - 1;
	uint64_t high_start = g->va_bits >= 64 ? 0 : ~low_last;
	if (g->va_bits >= 64) {
		add_segment(it, start, last);
	} else if (!g->sign_extended) {
		uint64_t top = (1ULL << g->va_bits) - 1;
		add_segment(it, start, last < top ? last : top);
	} else {
		add_segment(it, start, last < low_last ? last : low_last);
		add_segment(it, start > high_start ? start : high_start, last);
	}
	*out = it;
	return NULL;
}

void mms_mapping_iter_free(mms_mapping_iter *it)
{
	if (!it)
		return;
	for (unsigned l = 0; l <= MMS_PT_MAX_LEVELS; l++)
		free(it->lv[l].buf);
	free(it);
}

bool mms_mapping_iter_partial(const mms_mapping_iter *it)
{
	return it->partial;
}

/* Loads the table of `level` for entries covering [lo, hi] of the
 * current segment, the table mapping from base.  *missing: not in the
 * dump. */
static mms_error *enter_table(mms_mapping_iter *it, unsigned level,
			      uint64_t table, uint64_t base, uint32_t eff,
			      bool *missing)
{
	struct mms_pgtable *pt = it->pt;
	const struct mms_pt_geom *g = &pt->geom;
	const unsigned char *tbl;
	mms_error *err = get_table(pt, table, level, &tbl, missing);
	if (err || *missing)
		return err;
	struct walk_level *w = &it->lv[level];
	memcpy(w->buf, tbl, table_bytes(pt, level));
	w->table = table;
	w->base = base;
	w->eff = eff;
	unsigned span = g->shift[level] + g->bits[level];
	uint64_t span_last = span >= 64 ? ~0ULL : base + (1ULL << span) - 1;
	uint64_t s = it->seg_start[it->cur_seg], l = it->seg_last[it->cur_seg];
	w->idx = s > base ? va_index(g, level, s) : 0;
	w->last_idx = l < span_last ? va_index(g, level, l)
				    : (1u << g->bits[level]) - 1;
	return NULL;
}

static void piece_range(mms_mapping_iter *it, uint64_t va, unsigned shift,
			struct mms_mapping *p)
{
	uint64_t s = it->seg_start[it->cur_seg], l = it->seg_last[it->cur_seg];
	uint64_t last = va + ((1ULL << shift) - 1);
	uint64_t from = va > s ? va : s;
	uint64_t to = last < l ? last : l;
	p->vaddr = from;
	p->size = to - from + 1;
	p->page_size = 1ULL << shift;
	p->nr_entries = 1;
}

/* The next entry (or missing table) as a one-entry mapping: 1, or 0 at
 * the end. */
static mms_error *next_piece(mms_mapping_iter *it, struct mms_mapping *p,
			     int *got)
{
	struct mms_pgtable *pt = it->pt;
	const struct mms_pt_geom *g = &pt->geom;
	*got = 0;
	for (;;) {
		if (it->level == 0) {
			if (it->cur_seg >= it->nr_seg)
				return NULL;
			uint64_t s = it->seg_start[it->cur_seg];
			/* the top table's entry 0 maps the bottom of s's half */
			uint64_t base = 0;
			if (g->va_bits < 64 && g->sign_extended &&
			    (s >> (g->va_bits - 1)))
				base = ~((1ULL << g->va_bits) - 1);
			bool missing;
			mms_error *err = enter_table(it, g->levels, it->root, base,
						     MMS_PTA_RW | MMS_PTA_USER,
						     &missing);
			if (err)
				return err;
			if (missing) {
				memset(p, 0, sizeof(*p));
				p->vaddr = s;
				p->size = it->seg_last[it->cur_seg] - s + 1;
				p->page_size = 1ULL << (g->shift[g->levels] +
							g->bits[g->levels]);
				p->nr_entries = 1;
				p->level = g->levels;
				p->kind = MMS_PTE_TABLE_MISSING;
				p->phys = it->root;
				it->partial = true;
				it->cur_seg++;
				*got = 1;
				return NULL;
			}
			it->level = g->levels;
		}
		struct walk_level *w = &it->lv[it->level];
		if (w->idx > w->last_idx) {
			if (++it->level > g->levels) {
				it->level = 0;
				it->cur_seg++;
			}
			continue;
		}
		unsigned level = it->level;
		unsigned i = w->idx++;
		uint64_t raw = load_entry(pt, w->buf, i);
		uint64_t va = w->base + ((uint64_t)i << g->shift[level]);
		struct mms_pt_entry e;
		pt->ops->decode(&pt->cfg, level, raw, &e);
		if (e.kind == MMS_PTE_TABLE && level > 1) {
			bool missing;
			mms_error *err = enter_table(it, level - 1, e.addr, va,
						     combine_eff(w->eff, e.attrs),
						     &missing);
			if (err)
				return err;
			if (!missing) {
				it->level = level - 1;
				continue;
			}
			memset(p, 0, sizeof(*p));
			piece_range(it, va, g->shift[level], p);
			p->level = level - 1;
			p->kind = MMS_PTE_TABLE_MISSING;
			p->phys = e.addr;
			p->raw = raw;
			it->partial = true;
			*got = 1;
			return NULL;
		}
		if (e.kind == MMS_PTE_TABLE)
			e.kind = MMS_PTE_NONPRESENT;  /* no table below a leaf */
		if (e.kind == MMS_PTE_NONE && !(it->flags & MMS_MAP_HOLES))
			continue;
		if (e.kind != MMS_PTE_NONE && e.kind != MMS_PTE_PRESENT &&
		    !(it->flags & MMS_MAP_NONPRESENT))
			continue;
		memset(p, 0, sizeof(*p));
		piece_range(it, va, g->shift[level], p);
		p->level = level;
		p->kind = e.kind;
		p->attrs = e.attrs;
		p->pkey = e.pkey;
		p->raw = raw;
		p->swap_type = e.swap_type;
		p->swap_offset = e.swap_offset;
		if (e.kind == MMS_PTE_PRESENT)
			p->eff = combine_eff(w->eff, e.attrs);
		if (maps_page(e.kind))
			p->phys = (e.addr & ~(p->page_size - 1)) + (p->vaddr - va);
		*got = 1;
		return NULL;
	}
}

static bool mergeable(const mms_mapping_iter *it, const struct mms_mapping *m,
		      const struct mms_mapping *p)
{
	if (it->flags & MMS_MAP_NO_MERGE)
		return false;
	if (p->vaddr != m->vaddr + m->size || p->kind != m->kind ||
	    p->level != m->level || p->attrs != m->attrs ||
	    p->eff != m->eff || p->pkey != m->pkey)
		return false;
	bool virt = it->flags & MMS_MAP_MERGE_VIRT;
	switch (m->kind) {
	case MMS_PTE_NONE:
		return true;
	case MMS_PTE_TABLE_MISSING:
		return virt;
	case MMS_PTE_SWAP:
		return p->swap_type == m->swap_type &&
		       (virt || p->swap_offset == m->swap_offset + m->nr_entries);
	case MMS_PTE_MARKER:
	case MMS_PTE_NONPRESENT:
		return p->raw == m->raw || virt;
	default:
		return p->swap_type == m->swap_type &&
		       (virt || p->phys == m->phys + m->size);
	}
}

mms_error *mms_mapping_iter_next(mms_mapping_iter *it,
				 const struct mms_mapping **out)
{
	*out = NULL;
	for (;;) {
		struct mms_mapping p;
		int got;
		mms_error *err = next_piece(it, &p, &got);
		if (err)
			return err;
		if (!got) {
			if (it->have_pending) {
				it->out = it->pending;
				it->have_pending = false;
				*out = &it->out;
			}
			return NULL;
		}
		if (it->have_pending && mergeable(it, &it->pending, &p)) {
			it->pending.size += p.size;
			it->pending.nr_entries++;
			continue;
		}
		bool had = it->have_pending;
		it->out = it->pending;
		it->pending = p;
		it->have_pending = true;
		if (had) {
			*out = &it->out;
			return NULL;
		}
	}
}

/* ---- statistics ------------------------------------------------------ */

void mms_pt_stats_add(struct mms_pt_stats *s, const struct mms_mapping *m)
{
	unsigned level = m->level <= MMS_PT_MAX_LEVELS ? m->level : 0;
	switch (m->kind) {
	case MMS_PTE_NONE:
	case MMS_PTE_TABLE:
		return;
	case MMS_PTE_TABLE_MISSING:
		s->missing_tables += m->nr_entries;
		s->missing_bytes += m->size;
		return;
	case MMS_PTE_PRESENT:
		break;
	default:
		if (m->kind < MMS_PTE_KIND_COUNT)
			s->nonpresent[m->kind] += m->nr_entries;
		return;
	}
	s->entries[level] += m->nr_entries;
	s->bytes[level] += m->size;
	if ((m->eff & MMS_PTA_RW) && !(m->eff & MMS_PTA_NX)) {
		if (!s->wx_pages)
			s->first_wx = m->vaddr;
		s->wx_pages += m->size >> 12;
	}
	const uint32_t keep = MMS_PTA_RW | MMS_PTA_USER | MMS_PTA_PWT |
			      MMS_PTA_PCD | MMS_PTA_PAT | MMS_PTA_GLOBAL |
			      MMS_PTA_NX;
	uint32_t key = m->attrs & keep;
	for (unsigned i = 0; i < s->nr_combos; i++)
		if (s->combos[i].attrs == key) {
			s->combos[i].entries += m->nr_entries;
			s->combos[i].bytes += m->size;
			return;
		}
	if (s->nr_combos == MMS_PT_STATS_COMBOS) {
		s->combos_overflow = true;
		return;
	}
	s->combos[s->nr_combos].attrs = key;
	s->combos[s->nr_combos].entries = m->nr_entries;
	s->combos[s->nr_combos].bytes = m->size;
	s->nr_combos++;
}

const char *mms_pte_kind_name(enum mms_pte_kind kind)
{
	switch (kind) {
	case MMS_PTE_NONE: return "none";
	case MMS_PTE_TABLE: return "table";
	case MMS_PTE_PRESENT: return "present";
	case MMS_PTE_PROTNONE: return "protnone";
	case MMS_PTE_SWAP: return "swap";
	case MMS_PTE_MIGRATION: return "migration";
	case MMS_PTE_HWPOISON: return "hwpoison";
	case MMS_PTE_DEVICE: return "device";
	case MMS_PTE_MARKER: return "marker";
	case MMS_PTE_NONPRESENT: return "nonpresent";
	case MMS_PTE_TABLE_MISSING: return "table-missing";
	case MMS_PTE_KIND_COUNT: break;
	}
	return "unknown";
}

const char *mms_pte_attrs_str(uint32_t attrs, char *buf, size_t len)
{
	static const struct { uint32_t bit; const char *name; } names[] = {
		{ MMS_PTA_PRESENT, "P" }, { MMS_PTA_RW, "RW" },
		{ MMS_PTA_USER, "USER" }, { MMS_PTA_PWT, "PWT" },
		{ MMS_PTA_PCD, "PCD" }, { MMS_PTA_ACCESSED, "ACCESSED" },
		{ MMS_PTA_DIRTY, "DIRTY" }, { MMS_PTA_PSE, "PSE" },
		{ MMS_PTA_PAT, "PAT" }, { MMS_PTA_GLOBAL, "GLOBAL" },
		{ MMS_PTA_NX, "NX" }, { MMS_PTA_SOFT_DIRTY, "SOFT_DIRTY" },
		{ MMS_PTA_UFFD_WP, "UFFD_WP" }, { MMS_PTA_EXCLUSIVE, "EXCLUSIVE" },
		{ MMS_PTA_MIG_WRITE, "MIG_WRITE" },
		{ MMS_PTA_MIG_READ_EXCLUSIVE, "MIG_READ_EXCLUSIVE" },
	};
	size_t n = 0;
	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < MMS_ARRAY_SIZE(names); i++) {
		if (!(attrs & names[i].bit))
			continue;
		int w = snprintf(buf + n, len > n ? len - n : 0, "%s%s",
				 n ? " " : "", names[i].name);
		if (w > 0)
			n += (size_t)w;
		if (n >= len)
			break;
	}
	return buf;
}

/* ---- the dump's walker ----------------------------------------------- */

static bool dump_present(void *arg, uint64_t paddr)
{
	struct mms_dump *d = arg;
	return mms_pfn_data_in_dump(d, paddr >> d->k.page_shift);
}

static mms_error *dump_read(void *arg, uint64_t paddr, void *buf, size_t len)
{
	return mms_read_phys(arg, paddr, buf, len);
}

static const struct mms_arch_ops *arch_ops(const struct mms_dump *d)
{
	if (strcmp(d->arch, KDUMP_ARCH_X86_64) == 0)
		return &mms_arch_x86_64;
	return NULL;
}

mms_error *mms_dump_pgtable(struct mms_dump *d, struct mms_pgtable **out)
{
	if (d->pt) {
		*out = d->pt;
		return NULL;
	}
	const struct mms_arch_ops *ops = arch_ops(d);
	if (!ops)
		return mms_err(MMS_ERR_UNSUPPORTED, "%s: no page-table walker "
			       "for architecture %s", d->path, d->arch);
	struct mms_pt_cfg cfg = { 0 };
	mms_error *err = ops->configure(d, &cfg);
	if (err)
		return err;
	struct mms_pt_source src = { dump_read, dump_present, d };
	err = mms_pgtable_new(ops, &cfg, &src, &d->pt);
	if (err)
		return err;
	*out = d->pt;
	return NULL;
}

mms_error *mms_kernel_pgtable(mms_dump *d, uint64_t *root)
{
	struct mms_pgtable *pt;
	mms_error *err = mms_dump_pgtable(d, &pt);
	return err ? err : pt->ops->kernel_root(d, root);
}

unsigned mms_pgtable_levels(const mms_dump *d)
{
	return d->pt ? d->pt->geom.levels : d->k.pgtable_levels;
}

const char *mms_pt_level_name(const mms_dump *d, unsigned level)
{
	struct mms_pgtable *pt;
	mms_error *err = mms_dump_pgtable((mms_dump *)d, &pt);
	if (err) {
		mms_error_free(err);
		return "?";
	}
	return pt->ops->level_name(&pt->cfg, level);
}

uint64_t mms_pt_level_size(const mms_dump *d, unsigned level)
{
	struct mms_pgtable *pt;
	mms_error *err = mms_dump_pgtable((mms_dump *)d, &pt);
	if (err) {
		mms_error_free(err);
		return 0;
	}
	if (level < 1 || level > pt->geom.levels)
		return 0;
	return 1ULL << pt->geom.shift[level];
}

void mms_pt_counters(const mms_dump *d, struct mms_pt_counters *out)
{
	if (d->pt)
		*out = d->pt->counters;
	else
		memset(out, 0, sizeof(*out));
}

/* The walker and the root to use (0: the kernel's). */
static mms_error *walker(mms_dump *d, uint64_t *root, struct mms_pgtable **pt)
{
	mms_error *err = mms_dump_pgtable(d, pt);
	if (!err && !*root)
		err = (*pt)->ops->kernel_root(d, root);
	return err;
}

mms_error *mms_vtop(mms_dump *d, uint64_t root, uint64_t vaddr,
		    struct mms_vtop_result *res)
{
	struct mms_pgtable *pt;
	mms_error *err = walker(d, &root, &pt);
	if (err) {
		memset(res, 0, sizeof(*res));
		return err;
	}
	return mms_pt_vtop(pt, root, vaddr, res);
}

mms_error *mms_read_vaddr(mms_dump *d, uint64_t root, uint64_t vaddr,
			  void *buf, size_t len)
{
	struct mms_pgtable *pt;
	mms_error *err = walker(d, &root, &pt);
	if (err)
		return err;
	unsigned char *out = buf;
	while (len) {
		struct mms_vtop_result r;
		err = mms_pt_vtop(pt, root, vaddr, &r);
		if (err)
			return err;
		if (!r.mapped)
			return mms_err(MMS_ERR_NODATA, "cannot read 0x%llx: not "
				       "mapped (%s %s entry 0x%llx)",
				       (unsigned long long)vaddr,
				       mms_pte_kind_name(r.kind),
				       pt->ops->level_name(&pt->cfg, r.level),
				       (unsigned long long)(r.nr_steps ?
						r.steps[r.nr_steps - 1].raw : 0));
		size_t in_page = (size_t)(d->k.page_size -
			(int64_t)(vaddr & (uint64_t)(d->k.page_size - 1)));
		size_t n = len < in_page ? len : in_page;
		if (!r.page_in_dump)
			return mms_err(MMS_ERR_NODATA, "cannot read 0x%llx: its "
				       "page (physical 0x%llx, pfn %llu) is "
				       "excluded from the dump",
				       (unsigned long long)vaddr,
				       (unsigned long long)r.paddr,
				       (unsigned long long)(r.paddr >>
							    d->k.page_shift));
		err = mms_read_phys(d, r.paddr, out, n);
		if (err)
			return mms_err_wrap(err, "reading 0x%llx",
					    (unsigned long long)vaddr);
		out += n;
		vaddr += n;
		len -= n;
	}
	return NULL;
}

mms_error *mms_mapping_iter_new(mms_dump *d, uint64_t root, uint64_t start,
				uint64_t last, unsigned flags,
				mms_mapping_iter **out)
{
	struct mms_pgtable *pt;
	*out = NULL;
	mms_error *err = walker(d, &root, &pt);
	return err ? err : mms_pt_iter_new(pt, root, start, last, flags, out);
}

mms_error *mms_mappings(mms_dump *d, uint64_t root, uint64_t start,
			uint64_t last, unsigned flags, mms_mapping_fn fn,
			void *arg)
{
	mms_mapping_iter *it;
	mms_error *err = mms_mapping_iter_new(d, root, start, last, flags, &it);
	if (err)
		return err;
	for (;;) {
		const struct mms_mapping *m;
		err = mms_mapping_iter_next(it, &m);
		if (err || !m || fn(m, arg))
			break;
	}
	mms_mapping_iter_free(it);
	return err;
}

mms_error *mms_direct_map(mms_dump *d, struct mms_direct_map *out)
{
	memset(out, 0, sizeof(*out));
	struct mms_pgtable *pt;
	mms_error *err = mms_dump_pgtable(d, &pt);
	if (err)
		return err;
	if (!pt->ops->direct_map)
		return mms_err(MMS_ERR_UNSUPPORTED, "%s: %s keeps no direct-map "
			       "accounting", d->path, pt->ops->name);
	return pt->ops->direct_map(d, out);
}
