// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The DWARF type-info provider: reads struct sizes, member offsets (with
 * anonymous unions and structs flattened), array lengths and enumerators
 * from a debug vmlinux, plus symbol addresses from its ELF symtab.  It
 * scans only top-level DIEs and stops once every wanted name is found:
 * a 600 MB debug file is never decoded whole.
 */
#include <stdio.h>
#include <dwarf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libdwarf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "typewant.h"

/* Anonymous members nest two deep in struct page; bound the recursion. */
#define MAX_FLATTEN_DEPTH 8
/* struct page has ~40 members counting the nested ones; anonymous members
 * whose type is their own struct would otherwise cost members^depth. */
#define MAX_MEMBERS_PER_STRUCT 65536

struct dw {
	Dwarf_Debug dbg;
	const char *path;
	struct mms_facts *out;
	bool found_struct[64];
	bool found_enum[64];
	unsigned member_budget;
	mms_error *err;
};

static void dealloc_die(struct dw *w, Dwarf_Die die)
{
	if (die)
		dwarf_dealloc(w->dbg, die, DW_DLA_DIE);
}

/*
 * libdwarf 20210528's dwarf_siblingof_b skips the children of a DIE that
 * has no DW_AT_sibling by walking them, jumping over each child that has
 * one; a child whose DW_AT_sibling points at itself makes no progress and
 * the walk never ends (only pointing back is caught).  So before a subtree
 * is left to that walk, the DIEs it will visit are checked here.
 */
#define MAX_DIE_DEPTH 64

/* 1: die has a DW_AT_sibling past itself, 0: none, -1: a bad one */
static int sibling_attr(struct dw *w, Dwarf_Die die)
{
	Dwarf_Attribute attr;
	Dwarf_Error e = NULL;
	if (dwarf_attr(die, DW_AT_sibling, &attr, &e) != DW_DLV_OK)
		return 0;
	Dwarf_Off target = 0, here = 0;
	int rc = dwarf_global_formref(attr, &target, &e);
	dwarf_dealloc(w->dbg, attr, DW_DLA_ATTR);
	if (rc != DW_DLV_OK || dwarf_dieoffset(die, &here, &e) != DW_DLV_OK)
		return -1;
	return target > here ? 1 : -1;
}

static bool has_children(Dwarf_Die die)
{
	Dwarf_Half flag = 0;
	return dwarf_die_abbrev_children_flag(die, &flag) == DW_DLV_OK && flag;
}

/* Whether libdwarf can walk die's children to find its sibling. */
static bool subtree_safe(struct dw *w, Dwarf_Die die, int depth)
{
	Dwarf_Die c = NULL;
	Dwarf_Error e = NULL;
	if (depth > MAX_DIE_DEPTH)
		return false;
	if (dwarf_child(die, &c, &e) != DW_DLV_OK)
		return true;
	bool ok = true;
	while (c) {
		int s = sibling_attr(w, c);
		if (s < 0 || (s == 0 && has_children(c) &&
			      !subtree_safe(w, c, depth + 1))) {
			ok = false;
			break;
		}
		/* safe now: c's own walk was just checked */
		Dwarf_Die next = NULL;
		if (dwarf_siblingof_b(w->dbg, c, 1, &next, &e) != DW_DLV_OK)
			next = NULL;
		dealloc_die(w, c);
		c = next;
	}
	dealloc_die(w, c);
	return ok;
}

/* The sibling after die (consumed), or NULL at the end.  A sibling must
 * lie after die: a DW_AT_sibling pointing back would loop forever. */
static Dwarf_Die next_sibling(struct dw *w, Dwarf_Die die)
{
	Dwarf_Die next = NULL;
	Dwarf_Error e = NULL;
	Dwarf_Off here = 0, there = 0;
	/* a childless DIE is one step of libdwarf's walk: checked below */
	int s = has_children(die) ? sibling_attr(w, die) : 1;
	if (s < 0 || (s == 0 && !subtree_safe(w, die, 0))) {
		dwarf_dieoffset(die, &here, &e);
		if (!w->err)
			w->err = mms_err(MMS_ERR_FORMAT, "%s: corrupt DWARF: a "
					 "DW_AT_sibling at or under the DIE at "
					 "0x%llx does not lead forward (or DIEs "
					 "nest over %d deep)", w->path,
					 (unsigned long long)here, MAX_DIE_DEPTH);
		dealloc_die(w, die);
		return NULL;
	}
	if (dwarf_siblingof_b(w->dbg, die, 1, &next, &e) != DW_DLV_OK)
		next = NULL;
	if (next && (dwarf_dieoffset(die, &here, &e) != DW_DLV_OK ||
		     dwarf_dieoffset(next, &there, &e) != DW_DLV_OK ||
		     there <= here)) {
		dealloc_die(w, next);
		next = NULL;
	}
	dealloc_die(w, die);
	return next;
}

/* a * b, or -1 when either is negative or the product overflows */
static int64_t mul_size(int64_t a, int64_t b)
{
	int64_t r;
	if (a < 0 || b < 0 || __builtin_mul_overflow(a, b, &r))
		return -1;
	return r;
}

static bool die_name(Dwarf_Die die, const char **name)
{
	char *n = NULL;
	Dwarf_Error e = NULL;
	if (dwarf_diename(die, &n, &e) != DW_DLV_OK)
		return false;
	*name = n;   /* owned by libdwarf: never freed */
	return true;
}

static bool die_udata(struct dw *w, Dwarf_Die die, Dwarf_Half at,
		      Dwarf_Unsigned *out)
{
	Dwarf_Attribute attr;
	Dwarf_Error e = NULL;
	if (dwarf_attr(die, at, &attr, &e) != DW_DLV_OK)
		return false;
	int rc = dwarf_formudata(attr, out, &e);
	if (rc != DW_DLV_OK) {
		Dwarf_Signed s;
		rc = dwarf_formsdata(attr, &s, &e);
		if (rc == DW_DLV_OK)
			*out = (Dwarf_Unsigned)s;
	}
	dwarf_dealloc(w->dbg, attr, DW_DLA_ATTR);
	return rc == DW_DLV_OK;
}

static bool die_sdata(struct dw *w, Dwarf_Die die, Dwarf_Half at,
		      Dwarf_Signed *out)
{
	Dwarf_Attribute attr;
	Dwarf_Error e = NULL;
	if (dwarf_attr(die, at, &attr, &e) != DW_DLV_OK)
		return false;
	Dwarf_Half form = 0;
	dwarf_whatform(attr, &form, &e);
	int rc;
	if (form == DW_FORM_sdata || form == DW_FORM_implicit_const) {
		rc = dwarf_formsdata(attr, out, &e);
	} else {
		Dwarf_Unsigned u;
		rc = dwarf_formudata(attr, &u, &e);
		if (rc == DW_DLV_OK)
			*out = (Dwarf_Signed)u;
		else
			rc = dwarf_formsdata(attr, out, &e);
	}
	dwarf_dealloc(w->dbg, attr, DW_DLA_ATTR);
	return rc == DW_DLV_OK;
}

/* The DIE that DW_AT_type names, or NULL. */
static Dwarf_Die die_type(struct dw *w, Dwarf_Die die)
{
	Dwarf_Attribute attr;
	Dwarf_Error e = NULL;
	if (dwarf_attr(die, DW_AT_type, &attr, &e) != DW_DLV_OK)
		return NULL;
	Dwarf_Off off;
	int rc = dwarf_global_formref(attr, &off, &e);
	dwarf_dealloc(w->dbg, attr, DW_DLA_ATTR);
	if (rc != DW_DLV_OK)
		return NULL;
	Dwarf_Die t = NULL;
	if (dwarf_offdie_b(w->dbg, off, 1, &t, &e) != DW_DLV_OK)
		return NULL;
	return t;
}

static Dwarf_Half die_tag(Dwarf_Die die)
{
	Dwarf_Half tag = 0;
	Dwarf_Error e = NULL;
	dwarf_tag(die, &tag, &e);
	return tag;
}

/* Follows typedefs and qualifiers; consumes t. */
static Dwarf_Die strip_type(struct dw *w, Dwarf_Die t)
{
	for (int i = 0; t && i < 16; i++) {
		Dwarf_Half tag = die_tag(t);
		if (tag != DW_TAG_typedef && tag != DW_TAG_const_type &&
		    tag != DW_TAG_volatile_type && tag != DW_TAG_restrict_type &&
		    tag != DW_TAG_atomic_type)
			return t;
		Dwarf_Die next = die_type(w, t);
		dealloc_die(w, t);
		t = next;
	}
	return t;
}

/* Array element count (first dimension times the others), or -1. */
static int64_t array_length(struct dw *w, Dwarf_Die arr)
{
	Dwarf_Die sub = NULL;
	Dwarf_Error e = NULL;
	if (dwarf_child(arr, &sub, &e) != DW_DLV_OK)
		return -1;
	int64_t total = 1;
	bool any = false;
	while (sub) {
		if (die_tag(sub) == DW_TAG_subrange_type) {
			Dwarf_Unsigned v;
			if (die_udata(w, sub, DW_AT_count, &v))
				total = mul_size(total, v > INT64_MAX ? -1
								      : (int64_t)v);
			else if (die_udata(w, sub, DW_AT_upper_bound, &v))
				total = mul_size(total, v >= INT64_MAX ? -1
								       : (int64_t)v + 1);
			else
				total = 0;   /* flexible array */
			any = true;
		}
		sub = next_sibling(w, sub);
	}
	return any ? total : -1;
}

/* Byte size of a type DIE (consumed), or -1. */
static int64_t type_size(struct dw *w, Dwarf_Die t, int depth)
{
	t = strip_type(w, t);
	if (!t)
		return -1;
	int64_t size = -1;
	Dwarf_Unsigned v;
	if (die_udata(w, t, DW_AT_byte_size, &v)) {
		size = v > INT64_MAX ? -1 : (int64_t)v;
	} else if (die_tag(t) == DW_TAG_array_type && depth < 4) {
		int64_t n = array_length(w, t);
		int64_t es = type_size(w, die_type(w, t), depth + 1);
		size = mul_size(n, es);
	} else if (die_tag(t) == DW_TAG_pointer_type) {
		size = 8;
	}
	dealloc_die(w, t);
	return size;
}

static void put(struct dw *w, const char *kind, const char *a, const char *b,
		int64_t val)
{
	if (w->err)
		return;
	char key[512];
	if (b)
		snprintf(key, sizeof(key), "%s(%s.%s)", kind, a, b);
	else
		snprintf(key, sizeof(key), "%s(%s)", kind, a);
	w->err = mms_facts_setf(w->out, key, "%lld", (long long)val);
}

/* Records every member of a struct or union, flattening anonymous ones. */
static void walk_members(struct dw *w, const char *sname, Dwarf_Die parent,
			 int64_t base, int depth)
{
	Dwarf_Die m = NULL;
	Dwarf_Error e = NULL;
	if (depth > MAX_FLATTEN_DEPTH ||
	    dwarf_child(parent, &m, &e) != DW_DLV_OK)
		return;
	while (m && !w->err && w->member_budget) {
		w->member_budget--;
		if (die_tag(m) == DW_TAG_member) {
			Dwarf_Unsigned loc = 0;
			die_udata(w, m, DW_AT_data_member_location, &loc);
			int64_t off = base + (int64_t)loc;
			const char *name;
			Dwarf_Die t = strip_type(w, die_type(w, m));
			if (die_name(m, &name)) {
				put(w, "OFFSET", sname, name, off);
				if (t && die_tag(t) == DW_TAG_array_type) {
					int64_t n = array_length(w, t);
					if (n >= 0)
						put(w, "LENGTH", sname, name, n);
				}
				if (t) {
					Dwarf_Off o;
					dwarf_dieoffset(t, &o, &e);
					Dwarf_Die t2 = NULL;
					if (dwarf_offdie_b(w->dbg, o, 1, &t2, &e) ==
					    DW_DLV_OK) {
						int64_t sz = type_size(w, t2, 0);
						if (sz >= 0)
							put(w, "MSIZE", sname, name, sz);
					}
				}
			} else if (t && (die_tag(t) == DW_TAG_union_type ||
					 die_tag(t) == DW_TAG_structure_type)) {
				walk_members(w, sname, t, off, depth + 1);
			}
			dealloc_die(w, t);
		}
		m = next_sibling(w, m);
	}
	dealloc_die(w, m);
}

static void take_struct(struct dw *w, Dwarf_Die die, const char *name)
{
	Dwarf_Unsigned size;
	Dwarf_Bool decl = 0;
	Dwarf_Error e = NULL;
	if (dwarf_hasattr(die, DW_AT_declaration, &decl, &e) == DW_DLV_OK &&
	    decl)
		return;
	if (!die_udata(w, die, DW_AT_byte_size, &size))
		return;
	put(w, "SIZE", name, NULL, size > INT64_MAX ? -1 : (int64_t)size);
	w->member_budget = MAX_MEMBERS_PER_STRUCT;
	walk_members(w, name, die, 0, 0);
}

static void take_enum(struct dw *w, Dwarf_Die die, const char *ename)
{
	Dwarf_Die c = NULL;
	Dwarf_Error e = NULL;
	if (dwarf_child(die, &c, &e) != DW_DLV_OK)
		return;
	/* ENUM(name) lists the enumerators in declaration order, comma
	 * separated, so names can be found by value later. */
	size_t cap = 4096, len = 0;
	char *list = malloc(cap);
	if (!list) {
		w->err = mms_err_nomem();
		return;
	}
	list[0] = '\0';
	while (c && !w->err) {
		const char *name;
		Dwarf_Signed v;
		if (die_tag(c) == DW_TAG_enumerator && die_name(c, &name) &&
		    die_sdata(w, c, DW_AT_const_value, &v)) {
			put(w, "NUMBER", name, NULL, (int64_t)v);
			size_t n = strlen(name);
			if (len + n + 2 > cap) {
				char *l = realloc(list, cap * 2 + n);
				if (!l) {
					w->err = mms_err_nomem();
					break;
				}
				list = l;
				cap = cap * 2 + n;
			}
			if (len)
				list[len++] = ',';
			memcpy(list + len, name, n + 1);
			len += n;
		}
		c = next_sibling(w, c);
	}
	dealloc_die(w, c);
	if (!w->err) {
		char key[256];
		snprintf(key, sizeof(key), "ENUM(%s)", ename);
		w->err = mms_facts_set(w->out, key, list);
	}
	free(list);
}

static int want_index(const char *const *list, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], name) == 0)
			return (int)i;
	return -1;
}

static void scan_cu(struct dw *w, Dwarf_Die cu)
{
	Dwarf_Die die = NULL;
	Dwarf_Error e = NULL;
	if (dwarf_child(cu, &die, &e) != DW_DLV_OK)
		return;
	while (die && !w->err) {
		Dwarf_Half tag = die_tag(die);
		const char *name;
		if ((tag == DW_TAG_structure_type || tag == DW_TAG_union_type) &&
		    die_name(die, &name)) {
			int i = want_index(mms_want_structs, mms_nr_want_structs,
					   name);
			if (i >= 0 && !w->found_struct[i]) {
				take_struct(w, die, name);
				if (mms_facts_size(w->out, name) >= 0)
					w->found_struct[i] = true;
			}
		} else if (tag == DW_TAG_enumeration_type && die_name(die, &name)) {
			int i = want_index(mms_want_enums, mms_nr_want_enums, name);
			if (i >= 0 && !w->found_enum[i]) {
				take_enum(w, die, name);
				w->found_enum[i] = true;
			}
		}
		die = next_sibling(w, die);
	}
	dealloc_die(w, die);
}


static mms_error *scan_dwarf(int fd, const char *path, struct mms_facts *out)
{
	struct dw w = { .out = out, .path = path };
	Dwarf_Error e = NULL;
#ifdef DW_DLC_READ
	int rc = dwarf_init_b(fd, DW_DLC_READ, DW_GROUPNUMBER_ANY, NULL, NULL,
			      &w.dbg, &e);
#else
	int rc = dwarf_init_b(fd, DW_GROUPNUMBER_ANY, NULL, NULL, &w.dbg, &e);
#endif
	if (rc != DW_DLV_OK) {
		mms_error *err = mms_err(rc == DW_DLV_NO_ENTRY ? MMS_ERR_NOTFOUND
							       : MMS_ERR_FORMAT,
					 "%s: no usable DWARF: %s", path,
					 rc == DW_DLV_ERROR ? dwarf_errmsg(e)
							    : "no debug sections");
		/* with no Dwarf_Debug to own it, the error is the caller's */
		if (rc == DW_DLV_ERROR)
			dwarf_dealloc_error(NULL, e);
		return err;
	}
	for (;;) {
		Dwarf_Unsigned hlen, abbr, next_off;
		Dwarf_Half ver, asz, lsz, esz, cutype;
		Dwarf_Sig8 sig;
		Dwarf_Unsigned toff;
		rc = dwarf_next_cu_header_d(w.dbg, 1, &hlen, &ver, &abbr, &asz,
					    &lsz, &esz, &sig, &toff, &next_off,
					    &cutype, &e);
		if (rc != DW_DLV_OK)
			break;
		Dwarf_Die cu = NULL;
		if (dwarf_siblingof_b(w.dbg, NULL, 1, &cu, &e) != DW_DLV_OK)
			continue;
		scan_cu(&w, cu);
		dealloc_die(&w, cu);
		/* a name this kernel lacks costs a full scan of top-level
		 * DIEs (1.6 s for 6.1), once: the profile is cached */
		if (w.err || mms_want_satisfied(w.found_struct, w.found_enum))
			break;
	}
#ifdef DW_DLC_READ
	dwarf_finish(w.dbg, &e);
#else
	dwarf_finish(w.dbg);
#endif
	if (w.err)
		return w.err;
	for (size_t i = 0; i < mms_nr_want_structs; i++)
		if (!w.found_struct[i] && mms_want_struct_required(i))
			return mms_err(MMS_ERR_NOTFOUND, "%s: DWARF has no "
				       "definition of struct %s", path,
				       mms_want_structs[i]);
	return NULL;
}

static mms_error *scan_symtab(Elf *elf, const char *path,
			      struct mms_facts *out)
{
	size_t shstrndx;
	if (elf_getshdrstrndx(elf, &shstrndx) != 0)
		return mms_err(MMS_ERR_FORMAT, "%s: %s", path, elf_errmsg(-1));
	Elf_Scn *scn = NULL;
	size_t percpu_idx = (size_t)-1;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		const char *n = elf_strptr(elf, shstrndx, sh.sh_name);
		if (n && strcmp(n, ".data..percpu") == 0)
			percpu_idx = elf_ndxscn(scn);
	}
	bool found = false;
	scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB ||
		    !sh.sh_entsize)
			continue;
		found = true;
		Elf_Data *data = elf_getdata(scn, NULL);
		/* the data libelf read, not what the header claims */
		size_t n = data ? data->d_size / sh.sh_entsize : 0;
		for (size_t i = 0; i < n; i++) {
			GElf_Sym sym;
			if (!gelf_getsym(data, (int)i, &sym))
				continue;
			const char *name = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (!name || !*name ||
			    want_index(mms_want_symbols, mms_nr_want_symbols,
				       name) < 0)
				continue;
			char key[256];
			/* Per-cpu symbols are offsets, not addresses: they
			 * are not moved by KASLR and carry no slide. */
			const char *kind = sym.st_shndx == percpu_idx
						   ? "PERCPU" : "ELFSYM";
			snprintf(key, sizeof(key), "%s(%s)", kind, name);
			mms_error *err = mms_facts_setf(out, key, "%llx",
						(unsigned long long)sym.st_value);
			if (!err) {
				snprintf(key, sizeof(key), "SYMSIZE(%s)", name);
				err = mms_facts_setf(out, key, "%llu",
						(unsigned long long)sym.st_size);
			}
			if (err)
				return err;
		}
	}
	if (!found)
		return mms_err(MMS_ERR_NOTFOUND, "%s: no ELF symbol table", path);
	return NULL;
}

static mms_error *read_build_id(Elf *elf, char *hex, size_t len)
{
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		Elf_Data *data = elf_getdata(scn, NULL);
		size_t off = 0, name_off, desc_off;
		GElf_Nhdr nh;
		while (data && (off = gelf_getnote(data, off, &nh, &name_off,
						   &desc_off)) > 0) {
			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
			    memcmp((char *)data->d_buf + name_off, "GNU", 4))
				continue;
			const unsigned char *d =
				(const unsigned char *)data->d_buf + desc_off;
			if ((size_t)nh.n_descsz * 2 + 1 > len)
				return mms_err(MMS_ERR_FORMAT, "build-id too long");
			for (size_t i = 0; i < nh.n_descsz; i++)
				snprintf(hex + 2 * i, 3, "%02x", d[i]);
			return NULL;
		}
	}
	return mms_err(MMS_ERR_NOTFOUND, "no GNU build-id note");
}

static mms_error *open_elf(const char *path, int *fd, Elf **elf)
{
	if (elf_version(EV_CURRENT) == EV_NONE)
		return mms_err(MMS_ERR_FORMAT, "libelf is unusable");
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return mms_err(MMS_ERR_IO, "%s: %s", path, strerror(errno));
	*elf = elf_begin(*fd, ELF_C_READ_MMAP, NULL);
	if (!*elf || elf_kind(*elf) != ELF_K_ELF) {
		if (*elf)
			elf_end(*elf);
		close(*fd);
		return mms_err(MMS_ERR_FORMAT, "%s: not an ELF file", path);
	}
	return NULL;
}

mms_error *mms_elf_build_id(const char *path, char *hex, size_t len)
{
	int fd;
	Elf *elf;
	mms_error *err = open_elf(path, &fd, &elf);
	if (err)
		return err;
	err = read_build_id(elf, hex, len);
	elf_end(elf);
	close(fd);
	return err ? mms_err_wrap(err, "%s", path) : NULL;
}

mms_error *mms_dwarf_collect(const char *vmlinux, struct mms_facts *out)
{
	int fd;
	Elf *elf;
	mms_error *err = open_elf(vmlinux, &fd, &elf);
	if (err)
		return err;
	char id[128];
	mms_error *iderr = read_build_id(elf, id, sizeof(id));
	if (!iderr)
		err = mms_facts_set(out, "BUILD-ID", id);
	mms_error_free(iderr);
	if (!err)
		err = scan_symtab(elf, vmlinux, out);
	elf_end(elf);
	if (!err)
		err = scan_dwarf(fd, vmlinux, out);
	close(fd);
	return err;
}
