/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ELF64 core as /proc/vmcore presents it: one PT_NOTE (NT_PRSTATUS per
 * online CPU and VMCOREINFO), a PT_LOAD for the kernel text mapping
 * (overlapping RAM, as kexec-tools makes it), and one PT_LOAD per RAM
 * range with p_vaddr in the direct map.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "synth.h"

static int put(FILE *f, const void *p, size_t n)
{
	return fwrite(p, 1, n, f) == n ? 0 : -1;
}

static int pad_to(FILE *f, uint64_t off)
{
	static const uint8_t zero[4096];
	long cur = ftell(f);
	while ((uint64_t)cur < off) {
		size_t n = off - (uint64_t)cur > sizeof(zero) ? sizeof(zero)
							      : off - (uint64_t)cur;
		if (put(f, zero, n))
			return -1;
		cur += (long)n;
	}
	return 0;
}

int write_elf_core(const struct synth *s, const char *path, char *err,
		   size_t errlen)
{
	size_t notes_len, vmci_off;
	uint8_t *notes = notes_build(s, &notes_len, &vmci_off);
	int nph = 2 + s->nram;
	Elf64_Phdr *ph = calloc(nph, sizeof(*ph));
	uint64_t off = sizeof(Elf64_Ehdr) + nph * sizeof(Elf64_Phdr);

	ph[0].p_type = PT_NOTE;
	ph[0].p_offset = off;
	ph[0].p_filesz = ph[0].p_memsz = notes_len;
	off = (off + notes_len + 4095) & ~4095ULL;

	ph[1].p_type = PT_LOAD;
	ph[1].p_flags = PF_R | PF_W | PF_X;
	ph[1].p_offset = off;
	ph[1].p_vaddr = ktext_va(s, "_text");
	ph[1].p_paddr = s->kernel_phys;
	ph[1].p_filesz = ph[1].p_memsz = s->kernel_size;
	off += s->kernel_size;

	for (int i = 0; i < s->nram; i++) {
		Elf64_Phdr *p = &ph[2 + i];
		uint64_t pa = s->ram[i].start_pfn << SYNTH_PAGE_SHIFT;
		uint64_t len = (s->ram[i].end_pfn - s->ram[i].start_pfn)
			       << SYNTH_PAGE_SHIFT;
		p->p_type = PT_LOAD;
		p->p_flags = PF_R | PF_W | PF_X;
		p->p_offset = off;
		p->p_vaddr = dmap_va(s, pa);
		p->p_paddr = pa;
		p->p_filesz = p->p_memsz = len;
		off += len;
	}

	Elf64_Ehdr eh = { 0 };
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(Elf64_Ehdr);
	eh.e_ehsize = sizeof(Elf64_Ehdr);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = (Elf64_Half)nph;

	int ret = -1;
	FILE *f = fopen(path, "wb");
	if (!f) {
		snprintf(err, errlen, "cannot create %s: %m", path);
		goto out;
	}
	if (put(f, &eh, sizeof(eh)) || put(f, ph, nph * sizeof(*ph)) ||
	    put(f, notes, notes_len) || pad_to(f, ph[1].p_offset))
		goto werr;
	for (uint64_t p = s->kernel_phys >> SYNTH_PAGE_SHIFT;
	     p < (s->kernel_phys + s->kernel_size) >> SYNTH_PAGE_SHIFT; p++)
		if (put(f, image_page(s, p), SYNTH_PAGE_SIZE))
			goto werr;
	for (int i = 0; i < s->nram; i++)
		if (put(f, s->ram[i].data, ph[2 + i].p_filesz))
			goto werr;
	if (fclose(f)) {
		f = NULL;
		goto werr;
	}
	ret = 0;
	goto out;
werr:
	snprintf(err, errlen, "cannot write %s: %m", path);
	if (f)
		fclose(f);
out:
	free(ph);
	free(notes);
	return ret;
}
