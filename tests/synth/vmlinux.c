/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reads the fake vmlinux: allocated sections, the symbol table and the
 * GNU build-id, so the image can carry the kernel as it was loaded. */
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "synth.h"

/* Relocations the linker kept (--emit-relocs) for allocated sections. */
static void load_relocs(struct vmlinux *vm, Elf *elf)
{
	const uint64_t *symval = NULL;
	size_t nsym = 0;
	uint64_t *vals = NULL;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		nsym = sh.sh_entsize ? sh.sh_size / sh.sh_entsize : 0;
		vals = calloc(nsym ? nsym : 1, sizeof(*vals));
		for (size_t i = 0; d && i < nsym; i++) {
			GElf_Sym sym;
			if (gelf_getsym(d, (int)i, &sym))
				vals[i] = sym.st_value;
		}
	}
	symval = vals;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh, target;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_RELA)
			continue;
		Elf_Scn *tscn = elf_getscn(elf, sh.sh_info);
		if (!tscn || !gelf_getshdr(tscn, &target) ||
		    !(target.sh_flags & SHF_ALLOC))
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		size_t n = sh.sh_entsize ? sh.sh_size / sh.sh_entsize : 0;
		for (size_t i = 0; d && i < n; i++) {
			GElf_Rela r;
			if (!gelf_getrela(d, (int)i, &r))
				continue;
			int type = (int)GELF_R_TYPE(r.r_info);
			size_t si = GELF_R_SYM(r.r_info);
			if ((type != R_X86_64_64 && type != R_X86_64_32S) || si >= nsym)
				continue;
			vm->relocs = realloc(vm->relocs,
					     (vm->nrelocs + 1) * sizeof(*vm->relocs));
			struct vm_reloc *v = &vm->relocs[vm->nrelocs++];
			v->addr = r.r_offset;
			v->value = symval[si] + (uint64_t)r.r_addend;
			v->size = type == R_X86_64_64 ? 8 : 4;
		}
	}
	free(vals);
}

static int load(struct vmlinux *vm, Elf *elf, char *err, size_t errlen)
{
	size_t shstrndx;
	if (elf_getshdrstrndx(elf, &shstrndx) != 0) {
		snprintf(err, errlen, "%s: no section names", vm->path);
		return -1;
	}
	load_relocs(vm, elf);
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		const char *name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name)
			continue;
		if (sh.sh_type == SHT_NOTE && !strcmp(name, ".notes")) {
			Elf_Data *d = elf_getdata(scn, NULL);
			size_t off = 0, next, name_off, desc_off;
			GElf_Nhdr nh;
			while (d && (next = gelf_getnote(d, off, &nh, &name_off,
							 &desc_off)) > 0) {
				const char *nname = (const char *)d->d_buf + name_off;
				if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
				    !memcmp(nname, "GNU", 4) &&
				    nh.n_descsz <= sizeof(vm->build_id)) {
					memcpy(vm->build_id,
					       (const uint8_t *)d->d_buf + desc_off,
					       nh.n_descsz);
					vm->build_id_len = nh.n_descsz;
				}
				off = next;
			}
		}
		if (sh.sh_type == SHT_SYMTAB) {
			Elf_Data *d = elf_getdata(scn, NULL);
			size_t n = sh.sh_entsize ? sh.sh_size / sh.sh_entsize : 0;
			vm->symbols = calloc(n ? n : 1, sizeof(*vm->symbols));
			for (size_t i = 0; d && i < n; i++) {
				GElf_Sym sym;
				if (!gelf_getsym(d, (int)i, &sym))
					continue;
				const char *sn = elf_strptr(elf, sh.sh_link, sym.st_name);
				if (!sn || !*sn || GELF_ST_TYPE(sym.st_info) == STT_FILE ||
				    GELF_ST_TYPE(sym.st_info) == STT_SECTION)
					continue;
				struct vm_symbol *v = &vm->symbols[vm->nsymbols++];
				v->name = strdup(sn);
				v->addr = sym.st_value;
				v->size = sym.st_size;
			}
		}
		if (!(sh.sh_flags & SHF_ALLOC))
			continue;
		vm->sections = realloc(vm->sections,
				       (vm->nsections + 1) * sizeof(*vm->sections));
		struct vm_section *s = &vm->sections[vm->nsections++];
		memset(s, 0, sizeof(*s));
		s->name = strdup(name);
		s->addr = sh.sh_addr;
		s->size = sh.sh_size;
		s->nobits = sh.sh_type == SHT_NOBITS;
		if (!s->nobits) {
			Elf_Data *d = elf_getdata(scn, NULL);
			s->data = calloc(1, s->size ? s->size : 1);
			if (d && d->d_buf)
				memcpy(s->data, d->d_buf,
				       d->d_size < s->size ? d->d_size : s->size);
		}
	}
	if (!vm->build_id_len) {
		snprintf(err, errlen, "%s: no GNU build-id note", vm->path);
		return -1;
	}
	if (!vm->nsymbols) {
		snprintf(err, errlen, "%s: no symbol table", vm->path);
		return -1;
	}
	return 0;
}

int vmlinux_load(struct vmlinux *vm, const char *path, char *err, size_t errlen)
{
	memset(vm, 0, sizeof(*vm));
	vm->path = strdup(path);
	elf_version(EV_CURRENT);
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s: %m", path);
		return -1;
	}
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	int ret;
	if (!elf) {
		snprintf(err, errlen, "%s: %s", path, elf_errmsg(-1));
		ret = -1;
	} else {
		ret = load(vm, elf, err, errlen);
		elf_end(elf);
	}
	close(fd);
	return ret;
}

void vmlinux_free(struct vmlinux *vm)
{
	for (size_t i = 0; i < vm->nsections; i++) {
		free(vm->sections[i].name);
		free(vm->sections[i].data);
	}
	for (size_t i = 0; i < vm->nsymbols; i++)
		free(vm->symbols[i].name);
	free(vm->sections);
	free(vm->symbols);
	free(vm->relocs);
	free(vm->path);
	memset(vm, 0, sizeof(*vm));
}

static const struct vm_symbol *find_sym(const struct vmlinux *vm, const char *name)
{
	for (size_t i = 0; i < vm->nsymbols; i++)
		if (!strcmp(vm->symbols[i].name, name))
			return &vm->symbols[i];
	return NULL;
}

bool vmlinux_has_sym(const struct vmlinux *vm, const char *name)
{
	return find_sym(vm, name) != NULL;
}

uint64_t vmlinux_sym(const struct vmlinux *vm, const char *name)
{
	const struct vm_symbol *s = find_sym(vm, name);
	if (!s) {
		fprintf(stderr, "mms-synth: %s has no symbol %s\n", vm->path, name);
		abort();
	}
	return s->addr;
}

const struct vm_section *vmlinux_section(const struct vmlinux *vm,
					 const char *name)
{
	for (size_t i = 0; i < vm->nsections; i++)
		if (!strcmp(vm->sections[i].name, name))
			return &vm->sections[i];
	return NULL;
}
