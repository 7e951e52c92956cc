// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The dump source: opening the file through libkdumpfile, knowing which
 * physical pages it holds, and reading physical and kernel virtual memory
 * without ever asking libkdumpfile for a page the dump does not hold
 * (0.5.1 crashes after a few thousand such reads).
 */
#include <stdio.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flat.h"
#include "internal.h"

bool mms_pread_full(int fd, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;
	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done,
				  (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		done += (size_t)n;
	}
	return true;
}

static mms_error *kd_err(struct mms_dump *d, kdump_status st, const char *what)
{
	return mms_err(st == KDUMP_ERR_NODATA ? MMS_ERR_NODATA : MMS_ERR_FORMAT,
		       "%s: %s: %s", d->path, what, kdump_get_err(d->kd));
}

static int cmp_range(const void *a, const void *b)
{
	const struct mms_range *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* ELF dumps: libkdumpfile's file.pagemap can hang when the kernel-text
 * PT_LOAD overlaps RAM (the /proc/vmcore layout), so the present map is
 * built from the program headers here. */
static mms_error *elf_ranges(struct mms_dump *d, int fd)
{
	if (elf_version(EV_CURRENT) == EV_NONE)
		return mms_err(MMS_ERR_FORMAT, "libelf is unusable");
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf)
		return mms_err(MMS_ERR_FORMAT, "%s: %s", d->path,
			       elf_errmsg(-1));
	mms_error *err = NULL;
	size_t phnum;
	if (elf_getphdrnum(elf, &phnum) != 0) {
		err = mms_err(MMS_ERR_FORMAT, "%s: no program headers: %s",
			      d->path, elf_errmsg(-1));
		goto out;
	}
	d->ranges = calloc(phnum ? phnum : 1, sizeof(*d->ranges));
	if (!d->ranges) {
		err = mms_err_nomem();
		goto out;
	}
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		/* /proc/kcore has no physical addresses for non-RAM loads */
		if (ph.p_paddr == (GElf_Addr)-1 || ph.p_filesz == 0)
			continue;
		/* makedumpfile -E cuts trailing excluded pages off a segment
		 * (p_filesz < p_memsz); by ELF's rule they read as zeros, which
		 * is what the excluded zero pages were, and what crash shows */
		if (ph.p_filesz < ph.p_memsz)
			d->filtered = true;
		if (ph.p_filesz > ph.p_memsz)   /* not ELF: the rest is not RAM */
			ph.p_filesz = ph.p_memsz;
		d->ranges[d->nr_ranges].start = ph.p_paddr;
		d->ranges[d->nr_ranges].end = ph.p_paddr + ph.p_filesz;
		d->ranges[d->nr_ranges].zero_end = ph.p_paddr + ph.p_memsz;
		d->ranges[d->nr_ranges].file_off = ph.p_offset;
		d->nr_ranges++;
		/* check_elf_headers: p_paddr + p_memsz does not wrap */
		uint64_t end = ph.p_paddr + ph.p_memsz;
		uint64_t end_pfn = (end >> 12) + ((end & 4095) != 0);
		if (end_pfn > d->max_pfn)
			d->max_pfn = end_pfn;
	}
	qsort(d->ranges, d->nr_ranges, sizeof(*d->ranges), cmp_range);
	for (size_t i = 0; i < d->nr_ranges; i++) {
		struct mms_range *r = &d->ranges[i];
		const struct mms_range *p = i ? r - 1 : r;
		r->max_end = r->end > p->max_end ? r->end : p->max_end;
		r->max_zero_end = r->zero_end > p->max_zero_end ? r->zero_end
							      : p->max_zero_end;
	}
out:
	elf_end(elf);
	return err;
}

/* 1: in the file (at *file_off, contiguous up to *run_end), 2: in a
 * segment's zero-filled tail, 0: absent.  Ranges may overlap (kernel text
 * over RAM), and a file can have millions: the last range starting at or
 * below paddr carries the furthest end of all those before it, and the
 * walk back stops where no earlier range can reach paddr. */
int mms_elf_paddr_state(const struct mms_dump *d, uint64_t paddr,
			uint64_t *file_off, uint64_t *run_end)
{
	size_t lo = 0, hi = d->nr_ranges;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (d->ranges[mid].start <= paddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return 0;
	const struct mms_range *r = &d->ranges[lo - 1];
	for (size_t i = lo; paddr < r->max_end && i-- > 0 &&
			    d->ranges[i].max_end > paddr;) {
		const struct mms_range *q = &d->ranges[i];
		if (q->start <= paddr && paddr < q->end) {
			if (file_off)
				*file_off = q->file_off + (paddr - q->start);
			if (run_end)
				*run_end = q->end;
			return 1;
		}
	}
	return paddr < r->max_zero_end ? 2 : 0;
}

static int elf_paddr_state(const struct mms_dump *d, uint64_t paddr)
{
	return mms_elf_paddr_state(d, paddr, NULL, NULL);
}

bool mms_pfn_in_dump(mms_dump *d, uint64_t pfn)
{
	if (d->elf)
		return elf_paddr_state(d, pfn << d->k.page_shift) != 0;
	if (!d->pagemap)
		return true;
	if (!d->bmp_valid) {
		d->bmp_base = UINT64_MAX;
		d->bmp_valid = true;
	}
	return mms_kdump_pfn_present(d, d->pagemap, d->bmp_cache, &d->bmp_base,
				     pfn);
}

/* A 32768-pfn window of the dump's page bitmap, cached by the caller
 * (*cache_base UINT64_MAX: empty), 4096 bytes of cache. */
bool mms_kdump_pfn_present(struct mms_dump *d, kdump_bmp_t *bmp,
			   unsigned char *cache, uint64_t *cache_base,
			   uint64_t pfn)
{
	(void)d;
	if (!bmp)
		return true;
	const uint64_t span = 4096 * 8;
	uint64_t base = pfn & ~(span - 1);
	if (base != *cache_base) {
		if (kdump_bmp_get_bits(bmp, base, base + span - 1, cache) !=
		    KDUMP_OK)
			return false;
		*cache_base = base;
	}
	uint64_t bit = pfn - base;
	return cache[bit / 8] & (1u << (bit % 8));
}

bool mms_pfn_data_in_dump(struct mms_dump *d, uint64_t pfn)
{
	/* an ELF segment's zero-filled tail is what makedumpfile -E cut
	 * off: excluded pages, whatever they held */
	if (d->elf)
		return elf_paddr_state(d, pfn << d->k.page_shift) == 1;
	return mms_pfn_in_dump(d, pfn);
}

static mms_error *set_arch(struct mms_dump *d)
{
	kdump_attr_t attr;
	if (kdump_get_attr(d->kd, KDUMP_ATTR_ARCH_NAME, &attr) == KDUMP_OK &&
	    attr.type == KDUMP_STRING) {
		snprintf(d->arch, sizeof(d->arch), "%s", attr.val.string);
		return NULL;
	}
	/* QEMU's kdump files leave arch.name unset, and every read then
	 * fails with "No way to translate": take it from the dump. */
	const char *machine = NULL;
	if (kdump_get_attr(d->kd, "linux.uts.machine", &attr) == KDUMP_OK &&
	    attr.type == KDUMP_STRING)
		machine = attr.val.string;
	else if (mms_facts_get(d->vmcoreinfo, "SYMBOL(init_top_pgt)") ||
		 mms_facts_get(d->vmcoreinfo, "SYMBOL(init_level4_pgt)"))
		machine = KDUMP_ARCH_X86_64;
	if (!machine)
		return mms_err(MMS_ERR_UNSUPPORTED,
			       "%s: cannot tell the dump's architecture", d->path);
	if (strcmp(machine, "x86_64") == 0)
		machine = KDUMP_ARCH_X86_64;
	attr.type = KDUMP_STRING;
	attr.val.string = machine;
	if (kdump_set_attr(d->kd, KDUMP_ATTR_ARCH_NAME, &attr) != KDUMP_OK)
		return kd_err(d, KDUMP_ERR_INVALID, "setting arch.name");
	snprintf(d->arch, sizeof(d->arch), "%s", machine);
	return NULL;
}

static mms_error *read_vmcoreinfo(struct mms_dump *d)
{
	char *raw = NULL;
	kdump_status st = kdump_vmcoreinfo_raw(d->kd, &raw);
	if (st != KDUMP_OK || !raw)
		return mms_err(MMS_ERR_NOTFOUND, "%s: the dump has no VMCOREINFO "
			       "note (%s)", d->path, kdump_get_err(d->kd));
	mms_error *err = mms_facts_parse(d->vmcoreinfo, raw, strlen(raw));
	free(raw);
	if (!err && !mms_facts_get(d->vmcoreinfo, "OSRELEASE"))
		err = mms_err(MMS_ERR_FORMAT, "%s: VMCOREINFO has no OSRELEASE",
			      d->path);
	return err;
}

static mms_error *kdump_pagemap(struct mms_dump *d)
{
	kdump_attr_t attr;
	if (kdump_get_attr(d->kd, KDUMP_ATTR_FILE_PAGEMAP, &attr) == KDUMP_OK &&
	    attr.type == KDUMP_BITMAP) {
		d->pagemap = attr.val.bitmap;
		kdump_bmp_incref(d->pagemap);
	}
	if (kdump_get_attr(d->kd, "max_pfn", &attr) == KDUMP_OK &&
	    attr.type == KDUMP_NUMBER)
		d->max_pfn = attr.val.number;
	if (kdump_get_attr(d->kd, "file.diskdump.header.dump_level", &attr) ==
		    KDUMP_OK && attr.type == KDUMP_NUMBER)
		d->filtered = attr.val.number != 0;
	else
		d->filtered = true;  /* unknown: say so rather than guess */
	return NULL;
}

/*
 * libkdumpfile's clones share one page cache behind one lock, and 0.5.1
 * searches that cache (1024 pages) from end to end on every miss, which
 * costs more than decompressing an lzo page.  A scan reads each page
 * once: its threads read through contexts of their own, over the same
 * (already checked) file, with a cache of a few pages (lzo: 3-4x faster,
 * and threads that do not wait on each other).
 */
mms_error *mms_dump_reader(struct mms_dump *d, kdump_ctx_t **out,
			   kdump_bmp_t **pagemap)
{
	int fd = d->flat_fd >= 0 ? d->flat_fd : d->fd;
	kdump_ctx_t *kd = kdump_new();
	*out = NULL;
	*pagemap = NULL;
	if (!kd)
		return mms_err_nomem();
	kdump_attr_t attr = { .type = KDUMP_NUMBER };
	attr.val.number = KDUMP_MMAP_NEVER;
	kdump_attr_t os = { .type = KDUMP_STRING };
	os.val.string = "linux";   /* else physical reads find no mapping */
	if (kdump_set_attr(kd, KDUMP_ATTR_FILE_MMAP_POLICY, &attr) != KDUMP_OK ||
	    kdump_set_attr(kd, KDUMP_ATTR_OSTYPE, &os) != KDUMP_OK ||
	    kdump_open_fd(kd, fd) != KDUMP_OK)
		return mms_err(MMS_ERR_FORMAT, "%s: cannot open it again for a "
			       "scan thread: %s", d->path, kdump_get_err(kd));
	/* the arch set_arch() found (QEMU's files leave it unset) */
	kdump_attr_t arch = { .type = KDUMP_STRING };
	arch.val.string = d->arch;
	if (kdump_get_attr(kd, KDUMP_ATTR_ARCH_NAME, &attr) != KDUMP_OK &&
	    kdump_set_attr(kd, KDUMP_ATTR_ARCH_NAME, &arch) != KDUMP_OK)
		return mms_err(MMS_ERR_FORMAT, "%s: setting arch.name for a scan "
			       "thread: %s", d->path, kdump_get_err(kd));
	/* not an error if this version has no such knob */
	kdump_set_number_attr(kd, "cache.size", 16);
	if (kdump_get_attr(kd, KDUMP_ATTR_FILE_PAGEMAP, &attr) == KDUMP_OK &&
	    attr.type == KDUMP_BITMAP) {
		*pagemap = attr.val.bitmap;
		kdump_bmp_incref(*pagemap);
	}
	*out = kd;
	return NULL;
}

mms_error *mms_dump_open_file(struct mms_dump *d, const char *path)
{
	d->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (d->fd < 0)
		return mms_err(MMS_ERR_IO, "%s: %s", path, strerror(errno));
	int fd = d->fd;
	const char *prefix = "";
	if (mms_flat_detect(fd)) {
		mms_error *err = mms_flat_rearrange(fd, path, &d->flat_fd);
		if (err)
			return err;
		fd = d->flat_fd;
		prefix = "flattened ";
	}
	mms_error *xerr = mms_check_dump_headers(fd, path);
	if (xerr)
		return xerr;
	/* kdump_free() is clean for ELF files, opened or not (valgrind), and
	 * corrupts memory for kdump-compressed ones: only ELF contexts are
	 * freed (each leaked context holds a 4 MiB page cache) */
	unsigned char magic[SELFMAG];
	d->kd_freeable = pread(fd, magic, SELFMAG, 0) == SELFMAG &&
			 memcmp(magic, ELFMAG, SELFMAG) == 0;
	d->kd = kdump_new();
	if (!d->kd)
		return mms_err_nomem();
	/* read(2), never mmap(2): a truncated file would raise SIGBUS */
	kdump_attr_t attr = { .type = KDUMP_NUMBER };
	attr.val.number = KDUMP_MMAP_NEVER;
	if (kdump_set_attr(d->kd, KDUMP_ATTR_FILE_MMAP_POLICY, &attr) != KDUMP_OK)
		return kd_err(d, KDUMP_ERR_INVALID, "setting file.mmap_policy");
	attr.type = KDUMP_STRING;
	attr.val.string = "linux";
	if (kdump_set_attr(d->kd, KDUMP_ATTR_OSTYPE, &attr) != KDUMP_OK)
		return kd_err(d, KDUMP_ERR_INVALID, "setting addrxlat.ostype");
	kdump_status st = kdump_open_fd(d->kd, fd);
	if (st != KDUMP_OK) {
		unsigned char sig[8] = { 0 };
		const char *what = "unknown file format";
		if (pread(fd, sig, sizeof(sig), 0) == (ssize_t)sizeof(sig) &&
		    (!memcmp(sig, "KDUMP   ", 8) || !memcmp(sig, "DISKDUMP", 8)))
			what = "kdump-compressed format";
		else if (d->kd_freeable)
			what = "ELF format";
		return mms_err(MMS_ERR_FORMAT, "%s: not a dump mmscope can read "
			       "(%s): %s", path, what, kdump_get_err(d->kd));
	}
	const char *fmt = "unknown";
	if (kdump_get_attr(d->kd, KDUMP_ATTR_FILE_FORMAT, &attr) == KDUMP_OK &&
	    attr.type == KDUMP_STRING)
		fmt = attr.val.string;
	snprintf(d->format, sizeof(d->format), "%s%s", prefix, fmt);
	d->elf = strcmp(fmt, "elf") == 0;
	/* /proc/kcore: memory that changes while it is read */
	struct statfs sfs;
	d->live = d->elf && fstatfs(fd, &sfs) == 0 && sfs.f_type == 0x9fa0;
	mms_error *err = read_vmcoreinfo(d);
	if (!err)
		err = set_arch(d);
	if (err)
		return err;
	if (strcmp(d->arch, KDUMP_ARCH_X86_64) != 0)
		return mms_err(MMS_ERR_UNSUPPORTED, "%s: architecture %s is not "
			       "supported yet (x86_64 only)", path, d->arch);
	d->k.page_size = 4096;
	d->k.page_shift = 12;
	/* libkdumpfile takes it from VMCOREINFO's PAGESIZE (ELF) or the
	 * header's block_size (kdump) and divides by it: PAGESIZE=0 raised
	 * SIGFPE in kdump_read */
	kdump_attr_t size_attr;
	if (kdump_get_attr(d->kd, KDUMP_ATTR_PAGE_SHIFT, &attr) == KDUMP_OK &&
	    kdump_get_attr(d->kd, KDUMP_ATTR_PAGE_SIZE, &size_attr) == KDUMP_OK &&
	    attr.type == KDUMP_NUMBER && size_attr.type == KDUMP_NUMBER) {
		if (attr.val.number < 12 || attr.val.number > 16 ||
		    size_attr.val.number != 1ULL << attr.val.number)
			return mms_err(MMS_ERR_FORMAT, "%s: page size %llu (VMCOREINFO "
				       "PAGESIZE or the kdump block_size) is not "
				       "one of x86-64's", path,
				       (unsigned long long)size_attr.val.number);
		d->k.page_shift = (int64_t)attr.val.number;
		d->k.page_size = 1LL << d->k.page_shift;
	}
	return d->elf ? elf_ranges(d, fd) : kdump_pagemap(d);
}

mms_error *mms_read_phys(mms_dump *d, uint64_t paddr, void *buf, size_t len)
{
	char *out = buf;
	while (len) {
		uint64_t pfn = paddr >> d->k.page_shift;
		size_t in_page = (size_t)(d->k.page_size -
					  (int64_t)(paddr & (uint64_t)(d->k.page_size - 1)));
		size_t n = len < in_page ? len : in_page;
		if (!mms_pfn_in_dump(d, pfn))
			return mms_err(MMS_ERR_NODATA, "cannot read physical "
				       "address 0x%llx: page not in the dump",
				       (unsigned long long)paddr);
		if (d->elf) {
			/* straight from the file: libkdumpfile 0.5.1 keeps every
			 * page it reads in a cache it never invalidates, which
			 * on a live /proc/kcore serves stale memory */
			uint64_t off, end;
			int st = mms_elf_paddr_state(d, paddr, &off, &end);
			if (st == 2)
				memset(out, 0, n);
			else if (st != 1 || end - paddr < n ||
				 !mms_pread_full(d->fd, out, n, off))
				return mms_err(MMS_ERR_IO, "cannot read physical "
					       "address 0x%llx from the file",
					       (unsigned long long)paddr);
			out += n;
			paddr += n;
			len -= n;
			continue;
		}
		size_t got = n;
		kdump_status st = kdump_read(d->kd, KDUMP_KPHYSADDR, paddr, out,
					     &got);
		if (st != KDUMP_OK)
			return mms_err(st == KDUMP_ERR_NODATA ? MMS_ERR_NODATA
							      : MMS_ERR_IO,
				       "cannot read physical address 0x%llx: %s",
				       (unsigned long long)paddr,
				       kdump_get_err(d->kd));
		out += n;
		paddr += n;
		len -= n;
	}
	return NULL;
}

mms_error *mms_kvaddr_to_phys(struct mms_dump *d, uint64_t vaddr,
			      uint64_t *paddr)
{
	const struct mms_kernel *k = &d->k;
	if (vaddr >= MMS_X86_START_KERNEL_MAP &&
	    vaddr < MMS_X86_START_KERNEL_MAP + MMS_X86_KERNEL_IMAGE_MAX &&
	    k->phys_base_known) {
		*paddr = vaddr - MMS_X86_START_KERNEL_MAP + (uint64_t)k->phys_base;
		return NULL;
	}
	if (k->page_offset_base && vaddr >= k->page_offset_base &&
	    vaddr - k->page_offset_base < (d->max_pfn << k->page_shift)) {
		*paddr = vaddr - k->page_offset_base;
		return NULL;
	}
	/* anything else through the page tables in the dump */
	addrxlat_ctx_t *axctx;
	addrxlat_sys_t *axsys;
	if (kdump_get_addrxlat(d->kd, &axctx, &axsys) != KDUMP_OK)
		return mms_err(MMS_ERR_UNSUPPORTED, "cannot translate 0x%llx: %s",
			       (unsigned long long)vaddr, kdump_get_err(d->kd));
	addrxlat_fulladdr_t fa = { .addr = vaddr, .as = ADDRXLAT_KVADDR };
	addrxlat_status st = addrxlat_fulladdr_conv(&fa, ADDRXLAT_KPHYSADDR,
						    axctx, axsys);
	mms_error *err = NULL;
	if (st != ADDRXLAT_OK)
		err = mms_err(MMS_ERR_NODATA, "cannot translate virtual address "
			      "0x%llx: %s", (unsigned long long)vaddr,
			      addrxlat_ctx_get_err(axctx));
	else
		*paddr = fa.addr;
	addrxlat_sys_decref(axsys);
	addrxlat_ctx_decref(axctx);
	return err;
}

mms_error *mms_read_kvaddr(mms_dump *d, uint64_t vaddr, void *buf, size_t len)
{
	char *out = buf;
	while (len) {
		size_t in_page = (size_t)(d->k.page_size -
					  (int64_t)(vaddr & (uint64_t)(d->k.page_size - 1)));
		size_t n = len < in_page ? len : in_page;
		uint64_t paddr;
		mms_error *err = mms_kvaddr_to_phys(d, vaddr, &paddr);
		if (!err)
			err = mms_read_phys(d, paddr, out, n);
		if (err)
			return mms_err_wrap(err, "reading 0x%llx",
					    (unsigned long long)vaddr);
		out += n;
		vaddr += n;
		len -= n;
	}
	return NULL;
}

mms_error *mms_read_u64(struct mms_dump *d, uint64_t vaddr, uint64_t *out)
{
	return mms_read_kvaddr(d, vaddr, out, sizeof(*out));
}

mms_error *mms_read_u32(struct mms_dump *d, uint64_t vaddr, uint32_t *out)
{
	return mms_read_kvaddr(d, vaddr, out, sizeof(*out));
}

mms_error *mms_read_string(struct mms_dump *d, uint64_t vaddr, char *buf,
			   size_t len)
{
	if (!len)
		return NULL;
	for (size_t i = 0; i + 1 < len; i++) {
		mms_error *err = mms_read_kvaddr(d, vaddr + i, buf + i, 1);
		if (err)
			return err;
		if (!buf[i])
			return NULL;
	}
	buf[len - 1] = '\0';
	return NULL;
}
