/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MMS_BUDDY_H
#define MMS_BUDDY_H

#include "internal.h"

/* True when this struct page (raw bytes) is marked as a free buddy head,
 * in whichever encoding this kernel uses. */
bool mms_page_is_buddy(const struct mms_kernel *k, const unsigned char *page);

#endif
