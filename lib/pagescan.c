// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The page scan: every struct page of the dump, read section by section in
 * large batches (never one struct per read), in parallel.  ELF dumps are
 * read with pread() straight from the file, which is what lets a scan run
 * at memory speed; compressed ones through a libkdumpfile context per
 * thread (mms_dump_reader).  Struct pages whose memory the dump lacks are
 * counted, never read.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buddy.h"
#include "internal.h"
#include "memmodel.h"

/* A worker takes a section's pfns at a time (the list of them is as
 * long as the memory model's), reads them in pieces of 256 KiB of
 * mem_map, which stay in cache while they are decoded, and hands them
 * out in windows. */
#define CHUNK_PFNS 32768ULL
#define PIECE_PFNS 4096ULL
#define WINDOW_PFNS 512
#define MAX_THREADS 8

struct chunk {
	uint64_t start_pfn, nr;
	uint64_t map;             /* struct page of start_pfn */
};

struct scan {
	struct mms_dump *d;
	struct chunk *chunks;
	uint64_t nr_chunks;
	uint64_t next;            /* next chunk to take */
	pthread_mutex_t lock;     /* next, counts, translation */
	mms_page_fn fn;
	void *arg;
	atomic_bool stop;         /* the callback asked to stop */
	uint64_t pages, excluded;
};

struct worker {
	struct scan *s;
	unsigned idx;
	kdump_ctx_t *kd;          /* compressed dumps: the thread's reader */
	kdump_bmp_t *pagemap;     /* and its page bitmap */
	unsigned char bmp[4096];
	uint64_t bmp_base;
	unsigned char *raw;       /* PIECE_PFNS struct pages */
	unsigned char *ext;       /* two struct pages: a head outside raw */
	struct mms_page *pages;   /* WINDOW_PFNS decoded */
	bool *have;               /* struct page i was read */
	unsigned char *pgok;      /* mem_map page j was read */
	pthread_t tid;
};

/* The physical address of mem_map address vaddr (page aligned) and how
 * many bytes from it on are mapped in one piece (vmemmap: to the end of
 * its 2 MiB page).  The walker and libaddrxlat read the dump through the
 * dump's own context and are not safe from two threads at once (seen: a
 * mem_map page now and then left unread under load): under the lock. */
static mms_error *translate(struct worker *w, uint64_t vaddr, uint64_t *paddr,
			    uint64_t *span)
{
	struct scan *s = w->s;
	const struct mms_kernel *k = &s->d->k;
	uint64_t ram = s->d->max_pfn << k->page_shift;
	if (k->page_offset_base && vaddr >= k->page_offset_base &&
	    vaddr - k->page_offset_base < ram) {
		*paddr = vaddr - k->page_offset_base;
		*span = ram - *paddr;
		return NULL;
	}
	*span = (uint64_t)k->page_size;
	pthread_mutex_lock(&s->lock);
	struct mms_vtop_result r;
	mms_error *err = mms_vtop(s->d, 0, vaddr, &r);
	if (!err && r.mapped && r.page_size >= *span) {
		*paddr = r.paddr;
		*span = r.page_size - (vaddr & (r.page_size - 1));
	} else {
		/* what the walker cannot translate: libaddrxlat */
		mms_error_free(err);
		err = mms_kvaddr_to_phys(s->d, vaddr, paddr);
	}
	pthread_mutex_unlock(&s->lock);
	return err;
}

static bool phys_present(struct worker *w, uint64_t paddr)
{
	struct mms_dump *d = w->s->d;
	if (d->elf)
		return mms_elf_paddr_state(d, paddr, NULL, NULL) != 0;
	return mms_kdump_pfn_present(d, w->pagemap, w->bmp, &w->bmp_base,
				     paddr >> d->k.page_shift);
}

/* Reads len bytes at paddr into out. */
static bool read_phys(struct worker *w, uint64_t paddr, void *out, size_t len)
{
	struct mms_dump *d = w->s->d;
	if (d->elf) {
		uint64_t off, end;
		int st = mms_elf_paddr_state(d, paddr, &off, &end);
		if (st == 2) {
			memset(out, 0, len);
			return true;
		}
		return st == 1 && end - paddr >= len &&
		       mms_pread_full(d->fd, out, len, off);
	}
	size_t got = len;
	return kdump_read(w->kd, KDUMP_KPHYSADDR, paddr, out, &got) == KDUMP_OK;
}

/* Reads the struct pages of one chunk into w->raw, mem_map page by
 * mem_map page, merging physically contiguous runs of an ELF dump into one
 * pread(); w->have[i] tells whether struct page i was read whole. */
static void read_chunk(struct worker *w, const struct chunk *c)
{
	struct mms_dump *d = w->s->d;
	uint64_t psz = (uint64_t)d->k.page_size, sz = (uint64_t)d->k.page_sz;
	uint64_t bytes = c->nr * sz;
	uint64_t base = c->map & ~(psz - 1);          /* first mem_map page */
	uint64_t npages = (c->map + bytes - base + psz - 1) / psz;
	memset(w->pgok, 0, npages);
	for (uint64_t j = 0; j < npages;) {
		uint64_t vaddr = base + j * psz, paddr, span;
		mms_error *err = translate(w, vaddr, &paddr, &span);
		if (err || !phys_present(w, paddr)) {
			mms_error_free(err);
			j++;
			continue;
		}
		/* extend over the mem_map pages that follow physically: the
		 * rest of the mapping (vmemmap is mapped with 2 MiB pages),
		 * then the mappings that continue it */
		uint64_t run = 1;
		while (j + run < npages) {
			uint64_t np = paddr + run * psz;
			if (run >= span / psz) {
				mms_error *e2 = translate(w, vaddr + run * psz,
							  &np, &span);
				bool contig = !e2 && np == paddr + run * psz;
				mms_error_free(e2);
				if (!contig)
					break;
				span += run * psz;
			}
			if (!d->elf && !phys_present(w, np))
				break;
			run++;
		}
		/* the part of [vaddr, vaddr + run pages) inside the chunk */
		uint64_t lo = vaddr < c->map ? c->map - vaddr : 0;
		uint64_t hi = run * psz;
		if (vaddr + hi > c->map + bytes)
			hi = c->map + bytes - vaddr;
		unsigned char *dst = w->raw + (vaddr + lo - c->map);
		bool ok;
		if (d->elf) {
			uint64_t fo, end;
			int st = mms_elf_paddr_state(d, paddr + lo, &fo, &end);
			if (st == 1 && end >= paddr + hi) {
				ok = mms_pread_full(d->fd, dst, hi - lo, fo);
			} else {
				/* crosses segments: page by page */
				ok = true;
				for (uint64_t o = lo; ok && o < hi;) {
					uint64_t n = psz - ((paddr + o) & (psz - 1));
					if (n > hi - o)
						n = hi - o;
					ok = read_phys(w, paddr + o, w->raw +
						       (vaddr + o - c->map), n);
					o += n;
				}
			}
		} else {
			ok = read_phys(w, paddr + lo, dst, hi - lo);
		}
		if (ok)
			memset(w->pgok + j, 1, run);
		j += run;
	}
	if (!memchr(w->pgok, 0, npages)) {
		memset(w->have, 1, c->nr);
		return;
	}
	unsigned shift = (unsigned)d->k.page_shift;
	for (uint64_t i = 0; i < c->nr; i++) {
		uint64_t first = (c->map + i * sz - base) >> shift;
		uint64_t last = (c->map + (i + 1) * sz - 1 - base) >> shift;
		w->have[i] = w->pgok[first] && w->pgok[last];
	}
}

/* Reads the struct page at page_addr and the one after it into ext. */
static bool read_head(void *arg, uint64_t page_addr, unsigned char *ext)
{
	struct worker *w = arg;
	uint64_t sz = (uint64_t)w->s->d->k.page_sz;
	for (unsigned i = 0; i < 2; i++) {
		uint64_t paddr;
		uint64_t span;
		mms_error *err = translate(w, page_addr + i * sz, &paddr, &span);
		if (err) {
			mms_error_free(err);
			return false;
		}
		if (!phys_present(w, paddr) ||
		    !read_phys(w, paddr, ext + i * sz, sz))
			return false;
	}
	return true;
}

/* The zone a pfn lies in, remembered for the pfns that follow. */
struct zone_cursor {
	uint64_t lo, hi;          /* span of the zone found last */
	unsigned node, idx;
	bool in;
};

static void zone_of(const struct mms_dump *d, struct zone_cursor *z,
		    uint64_t pfn)
{
	unsigned per = (unsigned)d->k.max_nr_zones;
	unsigned nz = d->nr_nodes * per;
	z->in = false;
	z->lo = pfn;
	z->hi = pfn + 1;
	for (unsigned t = 0; t < nz; t++) {
		const struct mms_zone *zz = &d->zones[t].z;
		if (zz->spanned && pfn >= zz->start_pfn &&
		    pfn - zz->start_pfn < zz->spanned) {
			z->in = true;
			z->node = t / per;
			z->idx = t % per;
			z->lo = zz->start_pfn;
			z->hi = zz->start_pfn + zz->spanned;
			return;
		}
	}
}

/* Where the fields of struct page lie; -1: not in this kernel. */
struct page_offsets {
	int64_t flags, mapping, index, private_, compound_head, mapcount,
		type, refcount;
};

static void page_offsets(const struct mms_dump *d, struct page_offsets *o)
{
	const struct mms_kernel *k = &d->k;
	o->flags = k->page_flags;
	o->mapping = mms_facts_offset(d->facts, "page", "mapping");
	o->index = mms_facts_offset(d->facts, "page", "index");
	o->private_ = k->page_private;
	o->compound_head = k->page_compound_head;
	o->mapcount = k->page_mapcount;
	o->type = k->page_type;
	o->refcount = mms_facts_offset(d->facts, "page", "_refcount");
}

static uint64_t get64_or0(const unsigned char *p, int64_t off)
{
	return off >= 0 ? mms_get_u64(p, off) : 0;
}

/* Decodes struct pages [a, b) of the chunk into w->pages[0 .. b - a). */
static void decode_window(struct worker *w, const struct chunk *c,
			  const struct page_offsets *o, struct zone_cursor *z,
			  struct mms_kpf_ctx *kc, uint64_t a, uint64_t b)
{
	const struct mms_dump *d = w->s->d;
	const struct mms_kernel *k = &d->k;
	size_t stride = (size_t)k->page_sz;
	for (uint64_t i = a; i < b; i++) {
		if (!w->have[i])
			continue;
		const unsigned char *p = w->raw + i * stride;
		struct mms_page *pg = &w->pages[i - a];
		pg->pfn = c->start_pfn + i;
		pg->flags = mms_get_u64(p, o->flags);
		pg->mapping = get64_or0(p, o->mapping);
		pg->index = get64_or0(p, o->index);
		pg->private_ = get64_or0(p, o->private_);
		pg->compound_head = get64_or0(p, o->compound_head);
		pg->mapcount = o->mapcount >= 0
			? (int32_t)mms_get_u32(p, o->mapcount) : -1;
		pg->page_type = o->type >= 0 ? mms_get_u32(p, o->type)
					     : (uint32_t)pg->mapcount;
		pg->refcount = o->refcount >= 0
			? (int32_t)mms_get_u32(p, o->refcount) : 0;
		pg->buddy = mms_page_is_buddy(k, p);
		pg->buddy_order = pg->buddy && pg->private_ < 64
					  ? (unsigned)pg->private_ : 0;
		if (pg->pfn < z->lo || pg->pfn >= z->hi)
			zone_of(d, z, pg->pfn);
		pg->in_zone = z->in;
		pg->node_idx = z->node;
		pg->zone_idx = z->idx;
		mms_kpf_page(d, kc, (size_t)i, pg);
	}
}

/* Hands out each run of consecutive pages of [a, b) that were read;
 * returns how many, and sets *reached to where it got (b, unless the
 * scan was stopped). */
static uint64_t deliver(struct worker *w, uint64_t a, uint64_t b,
			uint64_t *reached)
{
	struct scan *s = w->s;
	uint64_t n = 0, i = a;
	while (i < b && !atomic_load(&s->stop)) {
		if (!w->have[i]) {
			i++;
			continue;
		}
		uint64_t j = i;
		while (j < b && w->have[j])
			j++;
		n += j - i;
		if (s->fn(s->arg, w->idx, w->pages + (i - a), j - i))
			atomic_store(&s->stop, true);
		i = j;
	}
	*reached = i;
	return n;
}

/*
 * Where the free block around the chunk's first page ends, when it began
 * before the chunk (a range that starts inside a free block): as the
 * kernel's is_free_buddy_page(), the buddy head at each order's alignment
 * below the page, the first whose order reaches it.  0: none.  Chunks
 * the scan makes itself start where no free block can straddle.
 */
static uint64_t free_block_end(struct worker *w, const struct chunk *c,
			       const struct page_offsets *o)
{
	struct mms_dump *d = w->s->d;
	const struct mms_kernel *k = &d->k;
	const unsigned char *first = w->raw;
	if (!w->have[0] || mms_page_is_buddy(k, first) || o->refcount < 0 ||
	    mms_get_u32(first, o->refcount) != 0)
		return 0;
	for (unsigned order = 1; order < (unsigned)k->zone_free_area_len &&
			       order < 64; order++) {
		uint64_t head = c->start_pfn & ~((1ULL << order) - 1), addr;
		if (head == c->start_pfn)
			continue;
		mms_error *err = mms_pfn_to_page(d, head, &addr);
		if (err) {
			mms_error_free(err);
			continue;
		}
		if (!read_head(w, addr, w->ext) || !mms_page_is_buddy(k, w->ext))
			continue;
		uint64_t got = get64_or0(w->ext, o->private_);
		if (got >= order && got < 64 && head + (1ULL << got) > c->start_pfn)
			return head + (1ULL << got);
	}
	return 0;
}

/* Decodes and hands out one chunk, window by window. */
/* Returns the pages handed out; *seen grows by the pfns looked at (not
 * all of them if the callback stopped the scan). */
static uint64_t scan_chunk(struct worker *w, const struct chunk *c,
			   const struct page_offsets *o, struct zone_cursor *z,
			   uint64_t *seen)
{
	const struct mms_dump *d = w->s->d;
	struct mms_kpf_ctx kc = {
		.raw = w->raw, .have = w->have, .n = (size_t)c->nr,
		.stride = (size_t)d->k.page_sz, .start_pfn = c->start_pfn,
		.map = c->map, .read_head = read_head, .arg = w, .ext = w->ext,
		.free_end = free_block_end(w, c, o),
	};
	uint64_t n = 0;
	for (uint64_t a = 0; a < c->nr && !atomic_load(&w->s->stop);
	     a += WINDOW_PFNS) {
		uint64_t b = a + WINDOW_PFNS < c->nr ? a + WINDOW_PFNS : c->nr;
		uint64_t reached;
		decode_window(w, c, o, z, &kc, a, b);
		n += deliver(w, a, b, &reached);
		*seen += reached - a;
	}
	return n;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct scan *s = w->s;
	struct page_offsets o;
	struct zone_cursor z = { .lo = 1, .hi = 0 };
	page_offsets(s->d, &o);
	for (;;) {
		pthread_mutex_lock(&s->lock);
		uint64_t ci = s->next++;
		pthread_mutex_unlock(&s->lock);
		if (atomic_load(&s->stop) || ci >= s->nr_chunks)
			break;
		const struct chunk *c = &s->chunks[ci];
		uint64_t n = 0, seen = 0, sz = (uint64_t)s->d->k.page_sz;
		for (uint64_t off = 0; off < c->nr && !atomic_load(&s->stop);
		     off += PIECE_PFNS) {
			struct chunk piece = {
				c->start_pfn + off,
				c->nr - off < PIECE_PFNS ? c->nr - off : PIECE_PFNS,
				c->map + off * sz,
			};
			read_chunk(w, &piece);
			n += scan_chunk(w, &piece, &o, &z, &seen);
		}
		pthread_mutex_lock(&s->lock);
		s->pages += n;
		s->excluded += seen - n;
		pthread_mutex_unlock(&s->lock);
	}
	return NULL;
}

/* The chunks of [start, end): sections, or pieces of mem_map runs. */
static mms_error *make_chunks(struct mms_dump *d, uint64_t start, uint64_t end,
			      struct scan *s)
{
	const struct mms_memmodel *mm = d->mm;
	uint64_t cap = 0;
	for (uint64_t r = 0; r < mm->nr_runs; r++) {
		const struct mms_memmap_run *run = &mm->runs[r];
		for (uint64_t off = 0; off < run->nr_pages; off += CHUNK_PFNS) {
			uint64_t lo = run->start_pfn + off;
			uint64_t hi = lo + (run->nr_pages - off < CHUNK_PFNS
					    ? run->nr_pages - off : CHUNK_PFNS);
			if (lo < start)
				lo = start;
			if (hi > end)
				hi = end;
			if (lo >= hi)
				continue;
			if (s->nr_chunks == cap) {
				cap = cap ? cap * 2 : 256;
				struct chunk *c = realloc(s->chunks, cap * sizeof(*c));
				if (!c)
					return mms_err_nomem();
				s->chunks = c;
			}
			s->chunks[s->nr_chunks++] = (struct chunk){ lo, hi - lo,
				run->map + (lo - run->start_pfn) *
					   (uint64_t)d->k.page_sz };
		}
	}
	return NULL;
}

static int cmp_chunk(const void *a, const void *b)
{
	const struct chunk *x = a, *y = b;
	return x->start_pfn < y->start_pfn ? -1 : x->start_pfn > y->start_pfn;
}

uint64_t mms_max_pfn(mms_dump *d)
{
	/* the kernel's own max_pfn bounds /proc/kpageflags */
	uint64_t addr, v;
	if (mms_facts_hex(d->facts, "ELFSYM(max_pfn)", &addr) && addr) {
		mms_error *err = mms_read_u64(d, addr + (uint64_t)d->k.kernel_offset,
					      &v);
		bool ok = !err && v && v <= (1ULL << 40);
		mms_error_free(err);
		/* SPARSEMEM: early sections' memmaps are whole, and
		 * /proc/kpageflags runs to the section end (5.x+) */
		uint64_t sec = d->mm->nr_sections ? 1ULL << d->mm->pfn_section_shift : 1;
		if (ok)
			return (v + sec - 1) / sec * sec;
	}
	uint64_t max = 0;
	for (unsigned i = 0; i < d->nr_nodes; i++)
		if (d->nodes[i].start_pfn + d->nodes[i].spanned > max)
			max = d->nodes[i].start_pfn + d->nodes[i].spanned;
	return max;
}

mms_error *mms_scan_pages(mms_dump *d, uint64_t start_pfn, uint64_t end_pfn,
			  unsigned threads, mms_page_fn fn, void *arg,
			  struct mms_scan_result *result)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(result, 0, sizeof(*result));
	if (!end_pfn)
		end_pfn = mms_max_pfn(d);
	if (!threads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (unsigned)n : 1;
	}
	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	mms_error *err = d->kpf ? NULL : mms_kpf_init(d);
	if (err)
		return err;
	struct scan s = { .d = d, .fn = fn, .arg = arg };
	err = make_chunks(d, start_pfn, end_pfn, &s);
	if (err) {
		free(s.chunks);
		return err;
	}
	qsort(s.chunks, s.nr_chunks, sizeof(*s.chunks), cmp_chunk);
	pthread_mutex_init(&s.lock, NULL);
	struct worker *w = calloc(threads, sizeof(*w));
	if (!w)
		err = mms_err_nomem();
	uint64_t psz = (uint64_t)d->k.page_size;
	size_t mm_pages = (size_t)(PIECE_PFNS * (uint64_t)d->k.page_sz / psz + 2);
	unsigned started = 0;
	for (unsigned i = 0; !err && i < threads; i++) {
		w[i].s = &s;
		w[i].idx = i;
		w[i].bmp_base = UINT64_MAX;
		/* ELF dumps are read with pread(): no context needed */
		if (!d->elf && i >= d->nr_readers) {
			err = mms_dump_reader(d, &d->readers[i], &d->reader_maps[i]);
			if (err)
				break;
			d->nr_readers = i + 1;
		}
		w[i].kd = d->elf ? NULL : d->readers[i];
		w[i].pagemap = d->elf ? NULL : d->reader_maps[i];
		w[i].raw = malloc(PIECE_PFNS * (uint64_t)d->k.page_sz + psz);
		w[i].pages = calloc(WINDOW_PFNS, sizeof(struct mms_page));
		w[i].ext = malloc(2 * (size_t)d->k.page_sz);
		w[i].have = malloc(PIECE_PFNS);
		w[i].pgok = malloc(mm_pages);
		if (!w[i].raw || !w[i].pages || !w[i].have || !w[i].pgok ||
		    !w[i].ext) {
			err = mms_err_nomem();
			break;
		}
	}
	for (unsigned i = 0; !err && i < threads; i++) {
		if (pthread_create(&w[i].tid, NULL, worker_main, &w[i]) != 0) {
			err = mms_err(MMS_ERR_IO, "cannot start scan thread: %s",
				      strerror(errno));
			atomic_store(&s.stop, true);
			break;
		}
		started++;
	}
	for (unsigned i = 0; i < started; i++)
		pthread_join(w[i].tid, NULL);
	for (unsigned i = 0; w && i < threads; i++) {
		free(w[i].raw);
		free(w[i].pages);
		free(w[i].ext);
		free(w[i].have);
		free(w[i].pgok);
	}
	free(w);
	pthread_mutex_destroy(&s.lock);
	/* pfns below max_pfn without a struct page: /proc/kpageflags NOPAGE */
	uint64_t covered = 0;
	for (uint64_t i = 0; i < s.nr_chunks; i++)
		covered += s.chunks[i].nr;
	free(s.chunks);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	result->pages = s.pages;
	result->excluded = s.excluded;
	result->nopage = (end_pfn - start_pfn) - covered;
	result->threads = threads;
	result->seconds = (double)(t1.tv_sec - t0.tv_sec) +
			  (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	return err;
}

static int take_one(void *arg, unsigned thread, const struct mms_page *p,
		    size_t n)
{
	(void)thread;
	struct mms_page *out = arg;
	for (size_t i = 0; i < n; i++)
		if (p[i].pfn == out->pfn)
			*out = p[i];
	return 0;
}

mms_error *mms_page_get(mms_dump *d, uint64_t pfn, struct mms_page *out)
{
	uint64_t addr;
	mms_error *err = mms_pfn_to_page(d, pfn, &addr);
	if (err)
		return err;
	/* the whole compound page or free block around it matters for the
	 * kpageflags bits: scan the aligned 1024 pages around it */
	uint64_t lo = pfn & ~1023ULL;
	memset(out, 0, sizeof(*out));
	out->pfn = pfn;
	out->flags = UINT64_MAX;
	struct mms_scan_result r;
	err = mms_scan_pages(d, lo, lo + 1024, 1, take_one, out, &r);
	if (!err && out->flags == UINT64_MAX && out->kpf == 0)
		err = mms_err(MMS_ERR_NODATA, "struct page of pfn 0x%llx at "
			      "0x%llx is not in the dump",
			      (unsigned long long)pfn, (unsigned long long)addr);
	return err;
}

mms_error *mms_addr_to_pfn(mms_dump *d, uint64_t addr, uint64_t *pfn)
{
	mms_error *err = mms_page_to_pfn(d, addr, pfn);
	if (!err)
		return NULL;
	mms_error_free(err);
	if (addr >= 0xffff800000000000ULL) {
		uint64_t pa;
		err = mms_kvaddr_to_phys(d, addr, &pa);
		if (err)
			return err;
		*pfn = pa >> d->k.page_shift;
		return NULL;
	}
	*pfn = addr >> d->k.page_shift;
	return NULL;
}
