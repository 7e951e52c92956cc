// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * /proc/kpageflags from a dump: what the kernel's stable_page_flags()
 * (fs/proc/page.c) computes for each pfn, with the flag bit numbers taken
 * from the dump's own enum pageflags.  Two shapes of that function are
 * followed: the page-based one (up to 6.x with bit page types, checked
 * against 6.1) and the folio-based one that goes with 6.12's top-byte page
 * types (flags read from the folio, every anonymous page reported KSM).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum {
	KPF_LOCKED, KPF_ERROR, KPF_REFERENCED, KPF_UPTODATE, KPF_DIRTY,
	KPF_LRU, KPF_ACTIVE, KPF_SLAB, KPF_WRITEBACK, KPF_RECLAIM, KPF_BUDDY,
	KPF_MMAP, KPF_ANON, KPF_SWAPCACHE, KPF_SWAPBACKED, KPF_COMPOUND_HEAD,
	KPF_COMPOUND_TAIL, KPF_HUGE, KPF_UNEVICTABLE, KPF_HWPOISON, KPF_NOPAGE,
	KPF_KSM, KPF_THP, KPF_OFFLINE, KPF_ZERO_PAGE, KPF_IDLE, KPF_PGTABLE,
	KPF_RESERVED = 32, KPF_MLOCKED, KPF_MAPPEDTODISK, KPF_PRIVATE,
	KPF_PRIVATE_2, KPF_OWNER_PRIVATE, KPF_ARCH, KPF_UNCACHED, KPF_SOFTDIRTY,
	KPF_ARCH_2, KPF_ARCH_3,
};

/* kernel flag -> KPF bit copied as is */
static const struct { const char *pg; int kpf; } copied[] = {
	{ "PG_locked", KPF_LOCKED }, { "PG_error", KPF_ERROR },
	{ "PG_dirty", KPF_DIRTY }, { "PG_uptodate", KPF_UPTODATE },
	{ "PG_writeback", KPF_WRITEBACK }, { "PG_lru", KPF_LRU },
	{ "PG_referenced", KPF_REFERENCED }, { "PG_active", KPF_ACTIVE },
	{ "PG_reclaim", KPF_RECLAIM }, { "PG_swapbacked", KPF_SWAPBACKED },
	{ "PG_unevictable", KPF_UNEVICTABLE }, { "PG_mlocked", KPF_MLOCKED },
	{ "PG_uncached", KPF_UNCACHED }, { "PG_reserved", KPF_RESERVED },
	{ "PG_mappedtodisk", KPF_MAPPEDTODISK }, { "PG_private", KPF_PRIVATE },
	{ "PG_private_2", KPF_PRIVATE_2 },
	{ "PG_owner_priv_1", KPF_OWNER_PRIVATE }, { "PG_arch_1", KPF_ARCH },
	{ "PG_arch_2", KPF_ARCH_2 }, { "PG_arch_3", KPF_ARCH_3 },
	{ "PG_idle", KPF_IDLE },
};

struct mms_kpf_layout {
	bool folio_style;
	int64_t copy_bit[sizeof(copied) / sizeof(copied[0])];
	int64_t pg_head, pg_slab, pg_swapcache, pg_swapbacked, pg_hwpoison,
		pg_large_rmappable, pg_lru;
	/* page types: bit encoding (4.18+) or top byte (6.12) */
	uint32_t ty_buddy, ty_offline, ty_table, ty_slab, ty_hugetlb;
	int64_t o_mapping;
	int64_t o_compound_mapcount, o_compound_dtor, o_large_mapcount;
	int64_t hugetlb_dtor;
	int64_t o_compound_order;     /* byte in page[1] (to 6.2) */
	int64_t o_folio_flags_1;      /* folio->_flags_1, order in its low byte */
	uint64_t zero_pfn;
	bool have_zero_pfn;
	/* copied bits, one table per byte of page->flags: OR of 8 lookups */
	uint64_t copy_table[8][256];
	unsigned copy_bytes[8], nr_copy_bytes;   /* bytes with a copied bit */
};

static int64_t num(const struct mms_dump *d, const char *name)
{
	char key[96];
	snprintf(key, sizeof(key), "NUMBER(%s)", name);
	int64_t v;
	return mms_facts_num(d->facts, key, &v) ? v : -1;
}

mms_error *mms_kpf_init(struct mms_dump *d)
{
	struct mms_kpf_layout *l = calloc(1, sizeof(*l));
	if (!l)
		return mms_err_nomem();
	const struct mms_kernel *k = &d->k;
	l->folio_style = k->page_type_top_byte;
	for (size_t i = 0; i < MMS_ARRAY_SIZE(copied); i++)
		l->copy_bit[i] = num(d, copied[i].pg);
	l->pg_head = num(d, "PG_head");
	if (l->pg_head < 0) {   /* VMCOREINFO gives the mask */
		int64_t mask = num(d, "PG_head_mask");
		for (int b = 0; mask > 0 && b < 64; b++)
			if (mask == (1LL << b))
				l->pg_head = b;
	}
	l->pg_slab = num(d, "PG_slab");
	l->pg_swapcache = num(d, "PG_swapcache");
	if (l->pg_swapcache < 0)
		l->pg_swapcache = num(d, "PG_owner_priv_1");
	l->pg_swapbacked = num(d, "PG_swapbacked");
	l->pg_hwpoison = num(d, "PG_hwpoison");
	l->pg_large_rmappable = num(d, "PG_large_rmappable");
	l->pg_lru = num(d, "PG_lru");
	if (l->folio_style) {
		l->ty_buddy = k->page_type_buddy;
		l->ty_offline = (uint32_t)num(d, "PGTY_offline");
		l->ty_table = (uint32_t)num(d, "PGTY_table");
		l->ty_slab = (uint32_t)num(d, "PGTY_slab");
		l->ty_hugetlb = (uint32_t)num(d, "PGTY_hugetlb");
	} else {
		/* 4.18-6.9 bit types: offline and table follow buddy (0x80) */
		l->ty_buddy = k->page_type_buddy ? k->page_type_buddy : 0x80;
		l->ty_offline = l->ty_buddy << 1;
		l->ty_table = l->ty_buddy << 2;
	}
	for (unsigned byte = 0; byte < 8; byte++)
		for (unsigned v = 0; v < 256; v++) {
			uint64_t u = 0;
			for (size_t c = 0; c < MMS_ARRAY_SIZE(copied); c++) {
				int64_t b = l->copy_bit[c];
				if (b >= 0 && b / 8 == byte && (v >> (b % 8)) & 1)
					u |= 1ULL << copied[c].kpf;
			}
			l->copy_table[byte][v] = u;
		}
	for (unsigned byte = 0; byte < 8; byte++) {
		bool any = false;
		for (unsigned v = 1; v < 256; v <<= 1)
			any |= l->copy_table[byte][v] != 0;
		if (any)
			l->copy_bytes[l->nr_copy_bytes++] = byte;
	}
	l->o_mapping = mms_facts_offset(d->facts, "page", "mapping");
	l->o_compound_mapcount = mms_facts_offset(d->facts, "page",
						  "compound_mapcount");
	l->o_compound_dtor = mms_facts_offset(d->facts, "page", "compound_dtor");
	l->o_large_mapcount = mms_facts_offset(d->facts, "folio",
					       "_large_mapcount");
	l->hugetlb_dtor = num(d, "HUGETLB_PAGE_DTOR");
	l->o_compound_order = mms_facts_offset(d->facts, "page", "compound_order");
	l->o_folio_flags_1 = mms_facts_offset(d->facts, "folio", "_flags_1");
	/* read out of the page or the one after it: nowhere else */
	int64_t sz = k->page_sz;
	if (l->o_mapping > sz - 8)
		l->o_mapping = -1;
	if (l->o_compound_mapcount > sz - 4)
		l->o_compound_mapcount = -1;
	if (l->o_compound_dtor > sz - 1)
		l->o_compound_dtor = -1;
	if (l->o_compound_order > sz - 1)
		l->o_compound_order = -1;
	if (l->o_large_mapcount < sz || l->o_large_mapcount > 2 * sz - 4)
		l->o_large_mapcount = -1;
	if (l->o_folio_flags_1 < sz || l->o_folio_flags_1 > 2 * sz - 1)
		l->o_folio_flags_1 = -1;
	char key[] = "ELFSYM(zero_pfn)";
	uint64_t addr;
	if (mms_facts_hex(d->facts, key, &addr) && addr) {
		mms_error *err = mms_read_u64(d, addr + (uint64_t)k->kernel_offset,
					      &l->zero_pfn);
		l->have_zero_pfn = !err;
		mms_error_free(err);
	}
	d->kpf = l;
	return NULL;
}

static uint64_t bit(uint64_t flags, int64_t b)
{
	return b >= 0 && (flags >> b) & 1;
}

static bool has_type(const struct mms_kpf_layout *l, uint32_t t, uint32_t ty)
{
	if (!ty)
		return false;
	if (l->folio_style)
		return (t >> 24) == ty;
	return (t & (0xf0000000u | ty)) == 0xf0000000u;
}

/* The bits copied as they are from a page->flags word; pages side by
 * side mostly have the same flags, so the last answer is kept. */
static uint64_t copied_bits(const struct mms_kpf_layout *l,
			    struct mms_kpf_ctx *c, uint64_t flags)
{
	if (c->copied_valid && c->copied_in == flags)
		return c->copied_out;
	uint64_t u = 0;
	for (unsigned i = 0; i < l->nr_copy_bytes; i++) {
		unsigned byte = l->copy_bytes[i];
		u |= l->copy_table[byte][(flags >> (8 * byte)) & 0xff];
	}
	c->copied_valid = true;
	c->copied_in = flags;
	c->copied_out = u;
	return u;
}

/* ANON and KSM from page->mapping's low bits */
static uint64_t anon_bits(const struct mms_kpf_layout *l, uint64_t mapping)
{
	if (!(mapping & 1))
		return 0;
	/* 6.12: PAGE_MAPPING_KSM is ANON|MOVABLE, tested with a plain &:
	 * every anonymous page shows KSM */
	if (l->folio_style ? (mapping & 3) != 0 : (mapping & 3) == 3)
		return 1ULL << KPF_ANON | 1ULL << KPF_KSM;
	return 1ULL << KPF_ANON;
}

/* swap cache: PG_swapcache aliases PG_owner_priv_1 and counts only with
 * PG_swapbacked (both on the head of a compound page) */
static uint64_t swapcache_bit(const struct mms_kpf_layout *l, uint64_t flags)
{
	return bit(flags, l->pg_swapbacked) && bit(flags, l->pg_swapcache)
		? 1ULL << KPF_SWAPCACHE : 0;
}

static uint32_t raw_type(const struct mms_kernel *k, const unsigned char *pg)
{
	int64_t o = k->page_type >= 0 ? k->page_type : k->page_mapcount;
	return o >= 0 ? mms_get_u32(pg, o) : UINT32_MAX;
}

/* The page's compound head: its struct page (and the next one right after
 * it, or second NULL) and pfn; the page itself when the head cannot be
 * found or read. */
static const unsigned char *find_head(const struct mms_dump *d,
				      struct mms_kpf_ctx *c, size_t i,
				      uint64_t compound_head, uint64_t *head_pfn,
				      const unsigned char **second)
{
	uint64_t ha = compound_head & ~1ULL, hp = UINT64_MAX;
	const unsigned char *self = c->raw + i * c->stride;
	*head_pfn = c->start_pfn + i;
	*second = NULL;
	if (!(compound_head & 1)) {   /* a head itself */
		if (i + 1 < c->n && c->have[i + 1])
			*second = self + c->stride;
		return self;
	}
	/* nearly always in the same chunk */
	if (ha >= c->map && (ha - c->map) % c->stride == 0 &&
	    (ha - c->map) / c->stride < c->n) {
		size_t hi = (size_t)((ha - c->map) / c->stride);
		if (!c->have[hi])
			return self;
		*head_pfn = c->start_pfn + hi;
		if (hi + 1 < c->n && c->have[hi + 1])
			*second = c->raw + (hi + 1) * c->stride;
		return c->raw + hi * c->stride;
	}
	/* a compound page larger than the chunk: the head read on its own,
	 * once for all its tails */
	if (!c->read_head || !c->ext)
		return self;
	if (!c->ext_valid || c->ext_addr != ha) {
		mms_error *err = mms_page_to_pfn((mms_dump *)d, ha, &hp);
		c->ext_valid = true;
		c->ext_addr = ha;
		c->ext_ok = !err && c->read_head(c->arg, ha, c->ext);
		c->ext_pfn = hp;
		mms_error_free(err);
	}
	if (!c->ext_ok)
		return self;
	*head_pfn = c->ext_pfn;
	*second = c->ext + c->stride;
	return c->ext;
}

/*
 * What every page of one compound page shares, from its head h and the
 * page after it (second, NULL if unread): the order, mapped, anon/KSM,
 * hugetlb or THP, swap cache, and on folio-style kernels the flags and
 * the slab type.  i_head: h's index in the chunk, for the 6.1 subpage
 * mapcount walk (SIZE_MAX: h was read on its own).
 */
static void head_part(const struct mms_dump *d, struct mms_kpf_ctx *c,
		      const unsigned char *h, const unsigned char *second,
		      size_t i_head)
{
	const struct mms_kpf_layout *l = d->kpf;
	const struct mms_kernel *k = &d->k;
	uint64_t h_flags = mms_get_u64(h, k->page_flags);
	uint64_t mapping = l->o_mapping >= 0 ? mms_get_u64(h, l->o_mapping) : 0;
	uint32_t h_type = raw_type(k, h);
	uint64_t u = 0;
	unsigned order = 0;
	if (second && l->o_compound_order >= 0)
		order = second[l->o_compound_order];
	else if (second && l->o_folio_flags_1 >= 0)
		/* 6.3 moved the order into folio->_flags_1 (in page[1]) */
		order = second[l->o_folio_flags_1 - (int64_t)c->stride];
	bool huge;
	if (l->folio_style)
		huge = has_type(l, h_type, l->ty_hugetlb);
	else
		huge = second && l->o_compound_dtor >= 0 && l->hugetlb_dtor >= 0 &&
		       second[l->o_compound_dtor] == l->hugetlb_dtor;
	bool mapped;
	if (l->folio_style) {
		/* folio_mapped(): _large_mapcount lives in page[1] */
		mapped = second && l->o_large_mapcount >= 0 &&
			 (int32_t)mms_get_u32(second, l->o_large_mapcount -
					      (int64_t)c->stride) >= 0;
	} else {
		/* 6.1 page_mapped(): the compound mapcount, or (not for
		 * hugetlb) any subpage's own mapcount */
		mapped = second && l->o_compound_mapcount >= 0 &&
			 (int32_t)mms_get_u32(second, l->o_compound_mapcount) >= 0;
		for (size_t j = i_head; !mapped && !huge && k->page_mapcount >= 0 &&
		     j < c->n && c->have[j]; j++) {
			const unsigned char *pj = c->raw + j * c->stride;
			if (j != i_head && !(k->page_compound_head >= 0 &&
			    mms_get_u64(pj, k->page_compound_head) & 1))
				break;
			mapped = (int32_t)mms_get_u32(pj, k->page_mapcount) >= 0;
		}
	}
	if (mapped)
		u |= 1ULL << KPF_MMAP;
	u |= anon_bits(l, mapping);
	if (huge)
		u |= 1ULL << KPF_HUGE;
	else if (l->folio_style ? second && bit(mms_get_u64(second,
					k->page_flags), l->pg_large_rmappable)
				: bit(h_flags, l->pg_lru) || (mapping & 1))
		u |= 1ULL << KPF_THP;
	if (l->folio_style) {
		u |= copied_bits(l, c, h_flags);
		if (has_type(l, h_type, l->ty_slab))
			u |= 1ULL << KPF_SLAB;
	} else if (bit(h_flags, l->pg_slab)) {
		u |= 1ULL << KPF_SLAB;
	}
	u |= swapcache_bit(l, h_flags);
	/* hwpoison: of the head for hugetlb, else per page */
	if (huge && bit(h_flags, l->pg_hwpoison))
		u |= 1ULL << KPF_HWPOISON;
	c->head_bits = u;
	c->head_order = order;
	c->head_huge = huge;
}

/* A page outside any compound page: stable_page_flags() on the page. */
static uint64_t single_page(const struct mms_dump *d, struct mms_kpf_ctx *c,
			    const struct mms_page *p)
{
	const struct mms_kpf_layout *l = d->kpf;
	uint64_t u = copied_bits(l, c, p->flags);
	if (p->mapcount >= 0)
		u |= 1ULL << KPF_MMAP;
	u |= anon_bits(l, p->mapping);
	if (l->have_zero_pfn && p->pfn == l->zero_pfn)
		u |= 1ULL << KPF_ZERO_PAGE;
	if (l->folio_style ? has_type(l, p->page_type, l->ty_slab)
			   : bit(p->flags, l->pg_slab))
		u |= 1ULL << KPF_SLAB;
	u |= swapcache_bit(l, p->flags);
	if (bit(p->flags, l->pg_hwpoison))
		u |= 1ULL << KPF_HWPOISON;
	return u;
}

void mms_kpf_page(const struct mms_dump *d, struct mms_kpf_ctx *c, size_t i,
		  struct mms_page *p)
{
	const struct mms_kpf_layout *l = d->kpf;
	bool tail = p->compound_head & 1;
	uint64_t u;
	p->compound_head_pfn = p->pfn;
	p->compound_order = 0;
	if (!tail && !bit(p->flags, l->pg_head)) {
		u = single_page(d, c, p);
	} else {
		/* a tail of the compound page just seen: its bits are known */
		uint64_t key = tail ? p->compound_head & ~1ULL
				    : c->map + i * c->stride;
		if (!c->head_valid || c->head_key != key) {
			uint64_t hp;
			const unsigned char *second;
			const unsigned char *h = find_head(d, c, i, p->compound_head,
							   &hp, &second);
			size_t i_head = h >= c->raw && h < c->raw + c->n * c->stride
				? (size_t)(h - c->raw) / c->stride : SIZE_MAX;
			head_part(d, c, h, second, i_head);
			c->head_pfn = hp;
			/* tails whose head was not found are each on their own */
			c->head_key = hp == p->pfn && tail ? UINT64_MAX : key;
			c->head_valid = true;
		}
		p->compound_head_pfn = c->head_pfn;
		p->compound_order = c->head_order;
		u = c->head_bits;
		u |= 1ULL << (tail ? KPF_COMPOUND_TAIL : KPF_COMPOUND_HEAD);
		if (!l->folio_style) {
			u |= copied_bits(l, c, p->flags);
			if (bit(p->flags, l->pg_slab))
				u |= 1ULL << KPF_SLAB;
		}
		if (!c->head_huge && bit(p->flags, l->pg_hwpoison))
			u |= 1ULL << KPF_HWPOISON;
	}
	/* buddy: the head, and (count 0) every page of a free block */
	if (p->buddy) {   /* in whichever encoding this kernel uses */
		u |= 1ULL << KPF_BUDDY;
		if (p->private_ < 64)
			c->free_end = p->pfn + (1ULL << p->private_);
	} else if (p->refcount == 0 && p->pfn < c->free_end) {
		u |= 1ULL << KPF_BUDDY;
	}
	if (has_type(l, p->page_type, l->ty_offline))
		u |= 1ULL << KPF_OFFLINE;
	if (has_type(l, p->page_type, l->ty_table))
		u |= 1ULL << KPF_PGTABLE;
	p->kpf = u;
}

const char *mms_pageflag_name(mms_dump *d, unsigned b)
{
	const char *list = mms_facts_get(d->facts, "ENUM(pageflags)");
	static __thread char name[64];
	while (list && *list) {
		const char *end = strchr(list, ',');
		size_t len = end ? (size_t)(end - list) : strlen(list);
		if (len < sizeof(name)) {
			memcpy(name, list, len);
			name[len] = '\0';
			/* the first name of a bit; aliases and counts follow */
			if (strncmp(name, "__", 2) && strncmp(name, "NR_", 3) &&
			    num(d, name) == (int64_t)b)
				return name;
		}
		list = end ? end + 1 : NULL;
	}
	return NULL;
}
