// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Choosing the type-info provider: an explicit profile or vmlinux, else a
 * cached profile for the dump's build-id, else a debug vmlinux found in the
 * usual places (whose facts are then cached as a profile), else VMCOREINFO
 * alone.  Every provider yields the same fact table.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "typewant.h"

#define PROFILE_MAGIC "MMSCOPE-PROFILE=1"
#define PROFILE_MAX_BYTES (16u << 20)

static mms_error *read_file(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return mms_err(MMS_ERR_IO, "%s: %s", path, strerror(errno));
	char *buf = malloc(PROFILE_MAX_BYTES + 1);
	if (!buf) {
		fclose(f);
		return mms_err_nomem();
	}
	size_t n = fread(buf, 1, PROFILE_MAX_BYTES + 1, f);
	bool bad = ferror(f);
	fclose(f);
	if (bad || n > PROFILE_MAX_BYTES) {
		free(buf);
		return mms_err(MMS_ERR_FORMAT, "%s: %s", path,
			       bad ? "read error" : "too large for a profile");
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return NULL;
}

static mms_error *load_profile(const char *path, struct mms_facts *out)
{
	char *text = NULL;
	size_t len = 0;
	mms_error *err = read_file(path, &text, &len);
	if (err)
		return err;
	if (strncmp(text, "# ", 2) != 0 && strncmp(text, PROFILE_MAGIC,
						   strlen(PROFILE_MAGIC)) != 0)
		err = mms_err(MMS_ERR_FORMAT, "%s: not an mmscope type profile",
			      path);
	if (!err && (err = mms_facts_parse(out, text, len)))
		err = mms_err_wrap(err, "%s", path);
	free(text);
	if (!err && !mms_facts_get(out, "MMSCOPE-PROFILE"))
		err = mms_err(MMS_ERR_FORMAT, "%s: not an mmscope type profile "
			      "(no %s line)", path, PROFILE_MAGIC);
	return err;
}

static mms_error *write_profile(const struct mms_facts *f, const char *path)
{
	char tmp[4096];
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >=
	    sizeof(tmp))
		return mms_err(MMS_ERR_INVALID, "%s: path too long", path);
	FILE *out = fopen(tmp, "w");
	if (!out)
		return mms_err(MMS_ERR_IO, "%s: %s", tmp, strerror(errno));
	fprintf(out, "# mmscope type profile: the facts mmscope takes from a "
		     "kernel's DWARF\n%s\nMMSCOPE-WANTS=%lx\n", PROFILE_MAGIC,
		mms_want_hash());
	const char *k, *v;
	for (size_t i = 0; mms_facts_at(f, i, &k, &v); i++)
		if (strcmp(k, "MMSCOPE-PROFILE") != 0 &&
		    strcmp(k, "MMSCOPE-WANTS") != 0)
			fprintf(out, "%s=%s\n", k, v);
	bool bad = ferror(out);
	if (fclose(out) != 0 || bad) {
		unlink(tmp);
		return mms_err(MMS_ERR_IO, "%s: write failed", tmp);
	}
	if (rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		return mms_err(MMS_ERR_IO, "%s: %s", path, strerror(e));
	}
	return NULL;
}

mms_error *mms_profile_extract(const char *vmlinux, const char *out_path)
{
	struct mms_facts *f = mms_facts_new();
	if (!f)
		return mms_err_nomem();
	mms_error *err = mms_dwarf_collect(vmlinux, f);
	if (!err)
		err = write_profile(f, out_path);
	mms_facts_free(f);
	return err;
}

static bool file_exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static void cache_dir(const struct mms_open_options *o, char *buf, size_t len)
{
	if (o && o->cache_dir) {
		snprintf(buf, len, "%s", o->cache_dir);
		return;
	}
	const char *x = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	if (x && *x)
		snprintf(buf, len, "%s/mmscope", x);
	else if (home && *home)
		snprintf(buf, len, "%s/.cache/mmscope", home);
	else
		buf[0] = '\0';
}

static void mkdirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	mkdir(path, 0755);
}

/* The dump's build-id, when VMCOREINFO has one. */
static const char *dump_build_id(const struct mms_dump *d)
{
	const char *id = mms_facts_get(d->vmcoreinfo, "BUILD-ID");
	return id && *id ? id : NULL;
}

/* Whether a name from the dump can go into a file name: the build-id and
 * release come from the dump, and "../" in them must not make mmscope
 * read (or write a profile cache entry) somewhere else. */
static bool safe_name(const char *s, bool hex)
{
	size_t n = 0;
	for (; s[n]; n++)
		if (hex ? !strchr("0123456789abcdefABCDEF", s[n])
			: (s[n] == '/' || s[n] < 0x20))
			return false;
	return n && n < 256 && s[0] != '.';
}

static mms_error *check_build_id(struct mms_dump *d, const char *what,
				 const char *have, bool force)
{
	const char *want = dump_build_id(d);
	if (force || !want || !have)
		return NULL;
	if (strcasecmp(want, have) == 0)
		return NULL;
	return mms_err(MMS_ERR_MISMATCH, "%s has build-id %s but the dump %s "
		       "has build-id %s: wrong kernel (use --force to accept)",
		       what, have, d->path, want);
}

static mms_error *use_facts(struct mms_dump *d, struct mms_facts *f,
			    enum mms_typeinfo_source src, const char *path)
{
	mms_error *err = mms_facts_merge(d->facts, f, true);
	if (err)
		return err;
	d->source = src;
	free(d->typeinfo_path);
	d->typeinfo_path = strdup(path);
	return d->typeinfo_path ? NULL : mms_err_nomem();
}

static mms_error *from_profile(struct mms_dump *d, const char *path, bool force)
{
	struct mms_facts *f = mms_facts_new();
	if (!f)
		return mms_err_nomem();
	mms_error *err = load_profile(path, f);
	if (!err)
		err = check_build_id(d, path, mms_facts_get(f, "BUILD-ID"), force);
	if (!err)
		err = use_facts(d, f, MMS_TYPES_PROFILE, path);
	mms_facts_free(f);
	return err;
}

static bool profile_current(const char *path);

static mms_error *from_vmlinux(struct mms_dump *d, const char *path,
			       const struct mms_open_options *o)
{
	bool force = o && o->force;
	char id[128];
	mms_error *err = mms_elf_build_id(path, id, sizeof(id));
	if (err && !force)
		return err;
	const char *have = err ? NULL : id;
	mms_error_free(err);
	err = check_build_id(d, path, have, force);
	if (err)
		return err;
	/* the same build's facts, cached earlier: no DWARF to read */
	char dir[4096], file[4400];
	cache_dir(o, dir, sizeof(dir));
	bool use_cache = have && dir[0] && (!o || !o->no_auto || o->cache_dir);
	if (use_cache) {
		snprintf(file, sizeof(file), "%s/profiles/%s.profile", dir, have);
		if (file_exists(file) && profile_current(file))
			return from_profile(d, file, force);
	}
	struct mms_facts *f = mms_facts_new();
	if (!f)
		return mms_err_nomem();
	err = mms_dwarf_collect(path, f);
	if (!err)
		err = use_facts(d, f, MMS_TYPES_DWARF, path);
	/* cache the facts so the next run needs no DWARF; a cache that
	 * cannot be written costs only speed */
	if (!err && use_cache) {
		strncat(dir, "/profiles", sizeof(dir) - strlen(dir) - 1);
		mkdirs(dir);
		snprintf(file, sizeof(file), "%s/%s.profile", dir, have);
		mms_error_free(write_profile(f, file));
	}
	mms_facts_free(f);
	return err;
}

/* Whether a cached profile was made by an mmscope wanting the same names;
 * a stale one is made again from the vmlinux when there is one. */
static bool profile_current(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	char line[128], want[64];
	snprintf(want, sizeof(want), "MMSCOPE-WANTS=%lx\n", mms_want_hash());
	bool ok = false;
	for (int i = 0; i < 4 && fgets(line, sizeof(line), f); i++)
		if (strcmp(line, want) == 0)
			ok = true;
	fclose(f);
	return ok;
}

static bool find_debug_vmlinux(const struct mms_dump *d, char *buf, size_t len)
{
	const char *rel = mms_facts_get(d->vmcoreinfo, "OSRELEASE");
	const char *id = dump_build_id(d);
	if (rel && !safe_name(rel, false))
		rel = NULL;
	if (id && !safe_name(id, true))
		id = NULL;
	if (id && strlen(id) > 2) {
		snprintf(buf, len, "/usr/lib/debug/.build-id/%.2s/%s.debug", id,
			 id + 2);
		if (file_exists(buf))
			return true;
	}
	if (!rel)
		return false;
	snprintf(buf, len, "/usr/lib/debug/boot/vmlinux-%s", rel);
	if (file_exists(buf))
		return true;
	snprintf(buf, len, "/usr/lib/debug/lib/modules/%s/vmlinux", rel);
	return file_exists(buf);
}

mms_error *mms_types_find(struct mms_dump *d, const struct mms_open_options *o)
{
	d->source = MMS_TYPES_VMCOREINFO;
	if (o && o->vmcoreinfo_only)
		return NULL;
	if (o && o->profile)
		return from_profile(d, o->profile, o->force);
	if (o && o->vmlinux)
		return from_vmlinux(d, o->vmlinux, o);
	if (o && o->no_auto)
		return NULL;
	char dir[4096], path[4200];
	const char *id = dump_build_id(d);
	if (id && !safe_name(id, true))
		id = NULL;
	cache_dir(o, dir, sizeof(dir));
	if (id && dir[0]) {
		snprintf(path, sizeof(path), "%s/profiles/%s.profile", dir, id);
		if (file_exists(path) && profile_current(path))
			return from_profile(d, path, false);
	}
	char vmlinux[4200];
	if (find_debug_vmlinux(d, vmlinux, sizeof(vmlinux)))
		return from_vmlinux(d, vmlinux, o);
	/* a stale cached profile still beats VMCOREINFO alone */
	if (id && dir[0] && file_exists(path))
		return from_profile(d, path, false);
	return NULL;
}
