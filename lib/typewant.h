/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The names every type-info provider is asked for. */
#ifndef MMS_TYPEWANT_H
#define MMS_TYPEWANT_H

#include <stdbool.h>
#include <stddef.h>

extern const char *const mms_want_structs[];
extern const size_t mms_nr_want_structs;
extern const char *const mms_want_enums[];
extern const size_t mms_nr_want_enums;
extern const char *const mms_want_symbols[];
extern const size_t mms_nr_want_symbols;

bool mms_want_struct_required(size_t i);
bool mms_want_enum_required(size_t i);
/* The DWARF scan stops once every name it waits for is found, or an
 * alternative of it; names it does not wait for are taken if seen first. */
/* A hash of every wanted name: a cached profile made by an mmscope that
 * wanted other names is made again. */
unsigned long mms_want_hash(void);
bool mms_want_satisfied(const bool *found_struct, const bool *found_enum);

#endif
