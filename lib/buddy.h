/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MMS_BUDDY_H
#define MMS_BUDDY_H

#include "internal.h"

/* True when this struct page (raw bytes) is marked as a free buddy head,
 * in whichever encoding this kernel uses. */
static inline bool mms_page_is_buddy(const struct mms_kernel *k,
				     const unsigned char *page)
{
	if (k->page_type_top_byte) {
		/* 6.12: one type per page in the top byte of page_type */
		return (mms_get_u32(page, k->page_type) >> 24) == k->page_type_buddy;
	}
	if (k->page_type_bits) {
		/* 4.18: a type is set by clearing its bit; the top bit stays
		 * set so no mapcount is mistaken for a type */
		uint32_t t = mms_get_u32(page, k->page_type);
		return (t & 0x80000000u) && !(t & k->page_type_buddy);
	}
	if (k->has_buddy_mapcount_value && k->page_mapcount >= 0)
		return (int32_t)mms_get_u32(page, k->page_mapcount) ==
		       (int32_t)k->buddy_mapcount_value;
	if (k->pg_buddy >= 0)
		return mms_get_u64(page, k->page_flags) & (1ULL << k->pg_buddy);
	return true;   /* no way to tell: do not report */
}

#endif
