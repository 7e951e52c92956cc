// SPDX-License-Identifier: LGPL-2.1-or-later
/* The fact table: an insertion-ordered array with an open-addressing index. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "facts.h"

/* A key or value longer than this is not a kernel fact: ignore the line. */
#define FACT_MAX_LEN 4096
/* A profile of a real kernel has ~2,000 facts, VMCOREINFO ~150: a table
 * growing past this is fed by a corrupt file, and would eat memory. */
#define FACTS_MAX 262144

struct fact {
	char *key;
	char *val;
};

struct mms_facts {
	struct fact *items;
	size_t n, cap;
	size_t *index;      /* slots hold item number + 1; 0 is empty */
	size_t index_cap;   /* power of two */
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

struct mms_facts *mms_facts_new(void)
{
	return calloc(1, sizeof(struct mms_facts));
}

void mms_facts_free(struct mms_facts *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++) {
		free(f->items[i].key);
		free(f->items[i].val);
	}
	free(f->items);
	free(f->index);
	free(f);
}

static size_t *find_slot(const struct mms_facts *f, const char *key)
{
	if (!f->index_cap)
		return NULL;
	size_t mask = f->index_cap - 1;
	for (size_t i = hash_str(key) & mask;; i = (i + 1) & mask) {
		size_t *slot = &f->index[i];
		if (!*slot || strcmp(f->items[*slot - 1].key, key) == 0)
			return slot;
	}
}

static mms_error *grow_index(struct mms_facts *f)
{
	size_t cap = f->index_cap ? f->index_cap * 2 : 256;
	size_t *idx = calloc(cap, sizeof(*idx));
	if (!idx)
		return mms_err_nomem();
	free(f->index);
	f->index = idx;
	f->index_cap = cap;
	for (size_t i = 0; i < f->n; i++)
		*find_slot(f, f->items[i].key) = i + 1;
	return NULL;
}

mms_error *mms_facts_set(struct mms_facts *f, const char *key, const char *val)
{
	if ((f->n + 1) * 2 > f->index_cap) {
		mms_error *err = grow_index(f);
		if (err)
			return err;
	}
	size_t *slot = find_slot(f, key);
	char *v = strdup(val);
	if (!v)
		return mms_err_nomem();
	if (*slot) {
		free(f->items[*slot - 1].val);
		f->items[*slot - 1].val = v;
		return NULL;
	}
	if (f->n >= FACTS_MAX) {
		free(v);
		return mms_err(MMS_ERR_FORMAT, "more than %d facts (at %.64s): "
			       "not the type info of a kernel", FACTS_MAX, key);
	}
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 256;
		struct fact *items = realloc(f->items, cap * sizeof(*items));
		if (!items) {
			free(v);
			return mms_err_nomem();
		}
		f->items = items;
		f->cap = cap;
	}
	char *k = strdup(key);
	if (!k) {
		free(v);
		return mms_err_nomem();
	}
	f->items[f->n].key = k;
	f->items[f->n].val = v;
	f->n++;
	*slot = f->n;
	return NULL;
}

mms_error *mms_facts_setf(struct mms_facts *f, const char *key,
			  const char *fmt, ...)
{
	char buf[FACT_MAX_LEN];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return mms_err(MMS_ERR_INVALID, "fact %s: value too long", key);
	return mms_facts_set(f, key, buf);
}

const char *mms_facts_get(const struct mms_facts *f, const char *key)
{
	if (!f)
		return NULL;
	size_t *slot = find_slot(f, key);
	return slot && *slot ? f->items[*slot - 1].val : NULL;
}

mms_error *mms_facts_parse(struct mms_facts *f, const char *text, size_t len)
{
	char key[FACT_MAX_LEN], val[FACT_MAX_LEN];
	size_t pos = 0;
	while (pos < len) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t llen = nl ? (size_t)(nl - line) : len - pos;
		pos += llen + 1;
		if (llen && line[llen - 1] == '\r')
			llen--;
		const char *eq = memchr(line, '=', llen);
		if (!eq || eq == line || line[0] == '#')
			continue;
		size_t klen = (size_t)(eq - line), vlen = llen - klen - 1;
		if (klen >= sizeof(key) || vlen >= sizeof(val))
			continue;
		if (memchr(line, '\0', llen))
			continue;
		memcpy(key, line, klen);
		key[klen] = '\0';
		memcpy(val, eq + 1, vlen);
		val[vlen] = '\0';
		mms_error *err = mms_facts_set(f, key, val);
		if (err)
			return err;
	}
	return NULL;
}

mms_error *mms_facts_merge(struct mms_facts *dst, const struct mms_facts *src,
			   bool overwrite)
{
	for (size_t i = 0; i < src->n; i++) {
		if (!overwrite && mms_facts_get(dst, src->items[i].key))
			continue;
		mms_error *err = mms_facts_set(dst, src->items[i].key,
					       src->items[i].val);
		if (err)
			return err;
	}
	return NULL;
}

size_t mms_facts_count(const struct mms_facts *f)
{
	return f ? f->n : 0;
}

bool mms_facts_at(const struct mms_facts *f, size_t i, const char **key,
		  const char **val)
{
	if (!f || i >= f->n)
		return false;
	*key = f->items[i].key;
	*val = f->items[i].val;
	return true;
}

bool mms_facts_num(const struct mms_facts *f, const char *key, int64_t *out)
{
	const char *s = mms_facts_get(f, key);
	if (!s || !*s)
		return false;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 0);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

bool mms_facts_hex(const struct mms_facts *f, const char *key, uint64_t *out)
{
	const char *s = mms_facts_get(f, key);
	if (!s || !*s)
		return false;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 16);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

static int64_t lookup_num(const struct mms_facts *f, const char *fmt,
			  const char *a, const char *b)
{
	char key[512];
	int n = b ? snprintf(key, sizeof(key), fmt, a, b)
		  : snprintf(key, sizeof(key), fmt, a);
	if (n < 0 || (size_t)n >= sizeof(key))
		return -1;
	int64_t v;
	return mms_facts_num(f, key, &v) ? v : -1;
}

int64_t mms_facts_offset(const struct mms_facts *f, const char *type,
			 const char *member)
{
	return lookup_num(f, "OFFSET(%s.%s)", type, member);
}

int64_t mms_facts_size(const struct mms_facts *f, const char *type)
{
	return lookup_num(f, "SIZE(%s)", type, NULL);
}

int64_t mms_facts_length(const struct mms_facts *f, const char *name)
{
	return lookup_num(f, "LENGTH(%s)", name, NULL);
}

int64_t mms_facts_number(const struct mms_facts *f, const char *name)
{
	char key[512];
	snprintf(key, sizeof(key), "NUMBER(%s)", name);
	int64_t v;
	return mms_facts_num(f, key, &v) ? v : -1;
}

uint64_t mms_facts_symbol(const struct mms_facts *f, const char *name)
{
	char key[512];
	snprintf(key, sizeof(key), "SYMBOL(%s)", name);
	uint64_t v;
	return mms_facts_hex(f, key, &v) ? v : 0;
}
