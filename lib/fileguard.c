// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What libkdumpfile 0.5.1 trusts in a dump file's headers, checked before
 * it opens the file: it crashes or hangs on a kdump file cut inside its
 * headers or bitmaps, on ELF header tables with entries of size 0 or of
 * the wrong class, on notes past the end of the file, on a VMCOREINFO of
 * megabytes (quadratic parsing) and on a PAGESIZE of 0 (division by zero,
 * a 2^63-byte malloc).  Each check names the header or field at fault.
 */
#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* Whether [off, off + len) lies inside a file of size bytes. */
static bool in_file(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/* The kernel writes at most a page of VMCOREINFO (VMCOREINFO_BYTES);
 * libkdumpfile 0.5.1 parses it in quadratic time (5 MB: 5 s). */
#define MAX_VMCOREINFO (64u << 10)
/* ~400 bytes of notes per CPU plus VMCOREINFO: 8192 CPUs need 4 MB. */
#define MAX_NOTES (16u << 20)

/* libkdumpfile sizes its page cache from VMCOREINFO's PAGESIZE: 0 made
 * it divide by zero (ELF) or ask malloc for 2^63 bytes (kdump). */
static mms_error *check_vmcoreinfo_text(const char *path, const char *text,
					size_t len, uint64_t off)
{
	static const char key[] = "PAGESIZE=";
	for (size_t pos = 0; pos < len;) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t llen = nl ? (size_t)(nl - line) : len - pos;
		pos += llen + 1;
		if (llen < sizeof(key) - 1 || memcmp(line, key, sizeof(key) - 1))
			continue;
		char val[32];
		size_t vlen = llen - (sizeof(key) - 1);
		unsigned long long size = 0;
		if (vlen && vlen < sizeof(val)) {
			memcpy(val, line + sizeof(key) - 1, vlen);
			val[vlen] = '\0';
			char *end;
			size = strtoull(val, &end, 10);
			if (*end)
				size = 0;
		}
		if (size < 4096 || size > 65536 || (size & (size - 1)))
			return mms_err(MMS_ERR_FORMAT, "%s: VMCOREINFO at 0x%llx: "
				       "PAGESIZE=%.*s is not a page size", path,
				       (unsigned long long)off,
				       (int)(vlen < 32 ? vlen : 32),
				       line + sizeof(key) - 1);
	}
	return NULL;
}

/* Checks a note segment (inside the file) for an oversized VMCOREINFO. */
static mms_error *check_notes(int fd, const char *path, uint64_t off,
			      uint64_t len)
{
	if (len > MAX_NOTES)
		return mms_err(MMS_ERR_FORMAT, "%s: ELF notes at 0x%llx of %llu "
			       "bytes: more than any kernel writes", path,
			       (unsigned long long)off, (unsigned long long)len);
	unsigned char *buf = malloc(len ? len : 1);
	if (!buf)
		return mms_err_nomem();
	mms_error *err = NULL;
	if (!mms_pread_full(fd, buf, len, off))
		err = mms_err(MMS_ERR_IO, "%s: cannot read the notes at 0x%llx",
			      path, (unsigned long long)off);
	for (uint64_t pos = 0; !err && pos + 12 <= len;) {
		uint32_t namesz, descsz;
		memcpy(&namesz, buf + pos, 4);
		memcpy(&descsz, buf + pos + 4, 4);
		uint64_t name = pos + 12;
		uint64_t desc = name + ((uint64_t)namesz + 3) / 4 * 4;
		if (namesz == sizeof("VMCOREINFO") && desc <= len &&
		    memcmp(buf + name, "VMCOREINFO", namesz) == 0) {
			if (descsz > MAX_VMCOREINFO)
				err = mms_err(MMS_ERR_FORMAT, "%s: VMCOREINFO note "
					      "at 0x%llx is %u bytes (a kernel "
					      "writes at most %u)", path,
					      (unsigned long long)(off + pos),
					      descsz, MAX_VMCOREINFO);
			else if (descsz <= len - desc)
				err = check_vmcoreinfo_text(path,
					(const char *)buf + desc, descsz,
					off + desc);
		}
		pos = desc + ((uint64_t)descsz + 3) / 4 * 4;
	}
	free(buf);
	return err;
}

/* libkdumpfile 0.5.1 crashes (in kdump_free after the failed open) on a
 * kdump file cut inside its headers or bitmaps: check their extent first,
 * and the notes and VMCOREINFO the sub-header points at. */
static mms_error *check_diskdump_extent(int fd, const char *path)
{
	unsigned char h[448];
	struct stat st;
	if (fstat(fd, &st) < 0)
		return mms_err(MMS_ERR_IO, "%s: %s", path, strerror(errno));
	ssize_t n = pread(fd, h, sizeof(h), 0);
	if (n < 8 || (memcmp(h, "KDUMP   ", 8) && memcmp(h, "DISKDUMP", 8)))
		return NULL;
	if (n < (ssize_t)sizeof(h))
		return mms_err(MMS_ERR_FORMAT, "%s: kdump file truncated inside "
			       "its header (%lld bytes)", path, (long long)n);
	int32_t block_size, sub_hdr, bitmap_blocks;
	memcpy(&block_size, h + 428, 4);
	memcpy(&sub_hdr, h + 432, 4);
	memcpy(&bitmap_blocks, h + 436, 4);
	if (block_size < 512 || block_size > (1 << 20) || sub_hdr < 0 ||
	    bitmap_blocks < 0)
		return mms_err(MMS_ERR_FORMAT, "%s: corrupt kdump header "
			       "(block_size %d, sub_hdr_size %d, bitmap_blocks "
			       "%d)", path, block_size, sub_hdr, bitmap_blocks);
	uint64_t need = (uint64_t)block_size *
			(1 + (uint64_t)sub_hdr + (uint64_t)bitmap_blocks);
	if ((uint64_t)st.st_size < need)
		return mms_err(MMS_ERR_FORMAT, "%s: kdump file truncated: its "
			       "headers and bitmaps need %llu bytes, the file has "
			       "%llu", path, (unsigned long long)need,
			       (unsigned long long)st.st_size);
	/* kdump_sub_header: offset_vmcoreinfo, size_vmcoreinfo, offset_note,
	 * size_note at 32 (header version 3 and later) */
	int32_t version;
	memcpy(&version, h + 8, 4);
	uint64_t sub[4];
	if (version < 3 || sub_hdr < 1 ||
	    !mms_pread_full(fd, sub, sizeof(sub), (uint64_t)block_size + 32))
		return NULL;
	uint64_t size = (uint64_t)st.st_size;
	if (sub[1] > MAX_VMCOREINFO || !in_file(sub[0], sub[1], size))
		return mms_err(MMS_ERR_FORMAT, "%s: kdump sub-header: VMCOREINFO "
			       "at 0x%llx of %llu bytes (at most %u, inside the "
			       "file)", path, (unsigned long long)sub[0],
			       (unsigned long long)sub[1], MAX_VMCOREINFO);
	if (!in_file(sub[2], sub[3], size))
		return mms_err(MMS_ERR_FORMAT, "%s: kdump sub-header: notes at "
			       "0x%llx of %llu bytes run past the end of the "
			       "file", path, (unsigned long long)sub[2],
			       (unsigned long long)sub[3]);
	char *vmci = malloc(sub[1] + 1);
	if (!vmci)
		return mms_err_nomem();
	mms_error *err = NULL;
	if (!mms_pread_full(fd, vmci, sub[1], sub[0]))
		err = mms_err(MMS_ERR_IO, "%s: cannot read VMCOREINFO at 0x%llx",
			      path, (unsigned long long)sub[0]);
	if (!err)
		err = check_vmcoreinfo_text(path, vmci, sub[1], sub[0]);
	free(vmci);
	return err ? err : check_notes(fd, path, sub[2], sub[3]);
}

/* libkdumpfile 0.5.1 dereferences NULL opening an ELF core whose program
 * or section header entries have size 0, whose class does not match its
 * header layout, or whose PT_NOTE runs past the end of the file (found by
 * the dump fuzzer): check what it trusts first.  PT_LOADs may run past the
 * end (a truncated dump: those reads fail, the rest is readable). */
static mms_error *check_elf_headers(int fd, const char *path)
{
	unsigned char id[EI_NIDENT];
	struct stat st;
	if (fstat(fd, &st) < 0)
		return mms_err(MMS_ERR_IO, "%s: %s", path, strerror(errno));
	if (!mms_pread_full(fd, id, sizeof(id), 0) || memcmp(id, ELFMAG, SELFMAG))
		return NULL;
	uint64_t size = (uint64_t)st.st_size;
	bool is64 = id[EI_CLASS] == ELFCLASS64;
	if ((!is64 && id[EI_CLASS] != ELFCLASS32) || id[EI_DATA] != ELFDATA2LSB)
		return mms_err(MMS_ERR_FORMAT, "%s: ELF header: class %u, data "
			       "encoding %u (a dump is a little-endian ELF32 or "
			       "ELF64 file)", path, id[EI_CLASS], id[EI_DATA]);
	uint64_t phoff, shoff, phnum, shnum;
	unsigned phentsize, shentsize;
	if (is64) {
		Elf64_Ehdr eh;
		if (!mms_pread_full(fd, &eh, sizeof(eh), 0))
			goto short_hdr;
		phoff = eh.e_phoff, shoff = eh.e_shoff;
		phnum = eh.e_phnum, shnum = eh.e_shnum;
		phentsize = eh.e_phentsize, shentsize = eh.e_shentsize;
	} else {
		Elf32_Ehdr eh;
		if (!mms_pread_full(fd, &eh, sizeof(eh), 0))
			goto short_hdr;
		phoff = eh.e_phoff, shoff = eh.e_shoff;
		phnum = eh.e_phnum, shnum = eh.e_shnum;
		phentsize = eh.e_phentsize, shentsize = eh.e_shentsize;
	}
	const unsigned ph_size = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	const unsigned sh_size = is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
	if (shoff || shnum) {
		/* more than 0xfeff sections or 0xfffe segments: the counts
		 * are in section header 0 */
		uint64_t sh0_size, sh0_info;
		if (shentsize != sh_size || !in_file(shoff, sh_size, size))
			return mms_err(MMS_ERR_FORMAT, "%s: ELF section headers "
				       "at 0x%llx of %u bytes each do not fit in "
				       "the file", path, (unsigned long long)shoff,
				       shentsize);
		if (is64) {
			Elf64_Shdr sh;
			if (!mms_pread_full(fd, &sh, sizeof(sh), shoff))
				goto short_hdr;
			sh0_size = sh.sh_size, sh0_info = sh.sh_info;
		} else {
			Elf32_Shdr sh;
			if (!mms_pread_full(fd, &sh, sizeof(sh), shoff))
				goto short_hdr;
			sh0_size = sh.sh_size, sh0_info = sh.sh_info;
		}
		if (!shnum)
			shnum = sh0_size;
		if (phnum == PN_XNUM)
			phnum = sh0_info;
		if (shnum > (size - shoff) / sh_size)
			return mms_err(MMS_ERR_FORMAT, "%s: %llu ELF section "
				       "headers at 0x%llx do not fit in the file",
				       path, (unsigned long long)shnum,
				       (unsigned long long)shoff);
	}
	if (phentsize != ph_size || phoff > size ||
	    phnum > (size - phoff) / ph_size)
		return mms_err(MMS_ERR_FORMAT, "%s: ELF program headers (%llu at "
			       "0x%llx, %u bytes each) do not fit in the file",
			       path, (unsigned long long)phnum,
			       (unsigned long long)phoff, phentsize);
	uint64_t loads = 0;
	for (uint64_t i = 0; i < phnum; i++) {
		uint64_t type, off, filesz, paddr, memsz;
		uint64_t at = phoff + i * ph_size;
		if (is64) {
			Elf64_Phdr ph;
			if (!mms_pread_full(fd, &ph, sizeof(ph), at))
				goto short_hdr;
			type = ph.p_type, off = ph.p_offset, filesz = ph.p_filesz;
			paddr = ph.p_paddr, memsz = ph.p_memsz;
		} else {
			Elf32_Phdr ph;
			if (!mms_pread_full(fd, &ph, sizeof(ph), at))
				goto short_hdr;
			type = ph.p_type, off = ph.p_offset, filesz = ph.p_filesz;
			paddr = ph.p_paddr, memsz = ph.p_memsz;
		}
		if (type == PT_NOTE && !in_file(off, filesz, size))
			return mms_err(MMS_ERR_FORMAT, "%s: ELF program header %llu"
				       " (PT_NOTE at 0x%llx, 0x%llx bytes) runs "
				       "past the end of the file (%llu bytes)",
				       path, (unsigned long long)i,
				       (unsigned long long)off,
				       (unsigned long long)filesz,
				       (unsigned long long)size);
		if (type == PT_NOTE) {
			mms_error *err = check_notes(fd, path, off, filesz);
			if (err)
				return err;
		}
		loads += type == PT_LOAD;
		if (type == PT_LOAD && (off + filesz < off ||
		    (paddr != UINT64_MAX && paddr + memsz < paddr)))
			return mms_err(MMS_ERR_FORMAT, "%s: ELF program header %llu"
				       " (PT_LOAD at 0x%llx, 0x%llx bytes, physical "
				       "0x%llx) wraps around", path,
				       (unsigned long long)i,
				       (unsigned long long)off,
				       (unsigned long long)filesz,
				       (unsigned long long)paddr);
	}
	if (!loads)
		return mms_err(MMS_ERR_FORMAT, "%s: ELF program headers (%llu at "
			       "0x%llx) have no PT_LOAD: no memory in the file",
			       path, (unsigned long long)phnum,
			       (unsigned long long)phoff);
	return NULL;
short_hdr:
	return mms_err(MMS_ERR_FORMAT, "%s: ELF file truncated inside its "
		       "headers", path);
}

mms_error *mms_check_dump_headers(int fd, const char *path)
{
	mms_error *err = check_diskdump_extent(fd, path);
	return err ? err : check_elf_headers(fd, path);
}
