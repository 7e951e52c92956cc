// SPDX-License-Identifier: LGPL-2.1-or-later
#include <inttypes.h>

#include "json.h"

static void put_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void prefix(struct json *j, const char *key)
{
	if (j->depth > 0 && j->need_comma[j->depth])
		fputc(',', j->out);
	if (j->depth > 0)
		j->need_comma[j->depth] = true;
	if (key) {
		put_string(j->out, key);
		fputc(':', j->out);
	}
}

static void open_(struct json *j, const char *key, char c)
{
	prefix(j, key);
	fputc(c, j->out);
	if (j->depth < 63)
		j->depth++;
	j->need_comma[j->depth] = false;
}

void json_begin_object(struct json *j, const char *key) { open_(j, key, '{'); }
void json_begin_array(struct json *j, const char *key) { open_(j, key, '['); }

void json_end_object(struct json *j)
{
	j->depth--;
	fputc('}', j->out);
}

void json_end_array(struct json *j)
{
	j->depth--;
	fputc(']', j->out);
}

void json_str(struct json *j, const char *key, const char *val)
{
	prefix(j, key);
	if (val)
		put_string(j->out, val);
	else
		fputs("null", j->out);
}

void json_int(struct json *j, const char *key, int64_t val)
{
	prefix(j, key);
	fprintf(j->out, "%" PRId64, val);
}

void json_uint(struct json *j, const char *key, uint64_t val)
{
	prefix(j, key);
	fprintf(j->out, "%" PRIu64, val);
}

void json_hex(struct json *j, const char *key, uint64_t val)
{
	prefix(j, key);
	fprintf(j->out, "\"0x%" PRIx64 "\"", val);
}

void json_bool(struct json *j, const char *key, bool val)
{
	prefix(j, key);
	fputs(val ? "true" : "false", j->out);
}

void json_null(struct json *j, const char *key)
{
	prefix(j, key);
	fputs("null", j->out);
}

void json_finish(struct json *j)
{
	fputc('\n', j->out);
}
