/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MMS_ERROR_H
#define MMS_ERROR_H

#include "mmscope.h"

struct mms_error {
	enum mms_error_code code;
	char *message;
};

/* Builds an error with a printf-style message; on allocation failure
 * returns the static out-of-memory error. */
mms_error *mms_err(enum mms_error_code code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
mms_error *mms_err_nomem(void);
/* Prefixes an existing error's message ("reading zone 1: ..."), keeping
 * its code; consumes err. */
mms_error *mms_err_wrap(mms_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
