/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A table of facts about one kernel build, in VMCOREINFO's own syntax:
 * "SIZE(page)" -> "64", "OFFSET(zone.free_area)" -> "192",
 * "SYMBOL(node_data)" -> "ffffffff82a1c2e0", "NUMBER(NR_FREE_PAGES)" -> "0".
 * Every type-info provider (VMCOREINFO, DWARF, profile) fills one; the
 * kernel layout is then resolved from it once into plain integers.
 */
#ifndef MMS_FACTS_H
#define MMS_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmscope.h"

struct mms_facts;

struct mms_facts *mms_facts_new(void);
void mms_facts_free(struct mms_facts *f);
/* Copies key and value; replaces an existing value. */
mms_error *mms_facts_set(struct mms_facts *f, const char *key, const char *val);
mms_error *mms_facts_setf(struct mms_facts *f, const char *key,
			  const char *fmt, ...) __attribute__((format(printf, 3, 4)));
const char *mms_facts_get(const struct mms_facts *f, const char *key);
/* Parses "KEY=VALUE" lines (VMCOREINFO, profiles).  Lines without '=' and
 * over-long lines are ignored; a table may hold at most 262144 facts
 * (mms_facts_set fails beyond). */
mms_error *mms_facts_parse(struct mms_facts *f, const char *text, size_t len);
/* Copies every fact of src that dst lacks (or all, if overwrite). */
mms_error *mms_facts_merge(struct mms_facts *dst, const struct mms_facts *src,
			   bool overwrite);
size_t mms_facts_count(const struct mms_facts *f);
/* Iteration in insertion order: returns false past the end. */
bool mms_facts_at(const struct mms_facts *f, size_t i, const char **key,
		  const char **val);

/* Typed lookups: false when missing or malformed. */
bool mms_facts_num(const struct mms_facts *f, const char *key, int64_t *out);
bool mms_facts_hex(const struct mms_facts *f, const char *key, uint64_t *out);
/* "OFFSET(s.m)" style helpers: the number, or -1 when absent. */
int64_t mms_facts_offset(const struct mms_facts *f, const char *type,
			 const char *member);
int64_t mms_facts_size(const struct mms_facts *f, const char *type);
int64_t mms_facts_length(const struct mms_facts *f, const char *name);
int64_t mms_facts_number(const struct mms_facts *f, const char *name);
/* SYMBOL(name) as an address, 0 when absent. */
uint64_t mms_facts_symbol(const struct mms_facts *f, const char *name);

#endif
