/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"

static const struct synth_num *find(const struct synth_abi *abi, const char *key)
{
	for (size_t i = 0; i < abi->n_nums; i++)
		if (!strcmp(abi->nums[i].key, key))
			return &abi->nums[i];
	return NULL;
}

bool abi_has(const struct synth_abi *abi, const char *key)
{
	return find(abi, key) != NULL;
}

int64_t abi_num(const struct synth_abi *abi, const char *key)
{
	const struct synth_num *n = find(abi, key);
	if (!n) {
		fprintf(stderr, "mms-synth: variant %s has no %s\n",
			abi->variant, key);
		abort();
	}
	return n->value;
}

int64_t abi_num_or(const struct synth_abi *abi, const char *key, int64_t dflt)
{
	const struct synth_num *n = find(abi, key);
	return n ? n->value : dflt;
}

static int64_t lookup(const struct synth_abi *abi, const char *kind,
		      const char *what)
{
	char key[128];
	snprintf(key, sizeof(key), "%s(%s)", kind, what);
	return abi_num(abi, key);
}

int64_t abi_off(const struct synth_abi *abi, const char *type_member)
{
	return lookup(abi, "OFFSET", type_member);
}

int64_t abi_size(const struct synth_abi *abi, const char *type)
{
	return lookup(abi, "SIZE", type);
}

int64_t abi_enum(const struct synth_abi *abi, const char *name)
{
	return lookup(abi, "NUMBER", name);
}

int abi_stat_index(const char *const *names, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return i;
	return -1;
}
