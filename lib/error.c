// SPDX-License-Identifier: LGPL-2.1-or-later
/* The error object: a code and a message naming the thing at fault. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

static mms_error nomem = { MMS_ERR_NOMEM, (char *)"out of memory" };

mms_error *mms_err_nomem(void)
{
	return &nomem;
}

static char *vformat(const char *fmt, va_list ap)
{
	va_list aq;
	va_copy(aq, ap);
	int n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return NULL;
	char *s = malloc((size_t)n + 1);
	if (s)
		vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

mms_error *mms_err(enum mms_error_code code, const char *fmt, ...)
{
	mms_error *err = malloc(sizeof(*err));
	if (!err)
		return &nomem;
	va_list ap;
	va_start(ap, fmt);
	err->message = vformat(fmt, ap);
	va_end(ap);
	if (!err->message) {
		free(err);
		return &nomem;
	}
	err->code = code;
	return err;
}

mms_error *mms_err_wrap(mms_error *err, const char *fmt, ...)
{
	if (!err || err == &nomem)
		return err;
	va_list ap;
	va_start(ap, fmt);
	char *prefix = vformat(fmt, ap);
	va_end(ap);
	if (!prefix)
		return err;
	size_t len = strlen(prefix) + strlen(err->message) + 3;
	char *msg = malloc(len);
	if (msg) {
		snprintf(msg, len, "%s: %s", prefix, err->message);
		free(err->message);
		err->message = msg;
	}
	free(prefix);
	return err;
}

enum mms_error_code mms_error_code(const mms_error *err)
{
	return err ? err->code : 0;
}

const char *mms_error_message(const mms_error *err)
{
	return err ? err->message : "success";
}

void mms_error_free(mms_error *err)
{
	if (!err || err == &nomem)
		return;
	free(err->message);
	free(err);
}
