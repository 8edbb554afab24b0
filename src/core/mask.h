/* mask.h -- masking personal data for readers not entitled to it.
 * A phone keeps its first 3 and last 4 digits (138****5678); an ID number keeps its first
 * 6 and last 4 characters (430802********123X); a name keeps its first character (张**).
 * Anything too short to keep a part of is masked whole. An address keeps its place and hides
 * the door. */
#ifndef SHISHI_MASK_H
#define SHISHI_MASK_H

#include <stddef.h>

void mask_phone(const char *phone, char *out, size_t size);
void mask_id_number(const char *id, char *out, size_t size);
void mask_name(const char *name, char *out, size_t size);
/* A street address keeps at most its first 6 characters, never more than half (永定区人民路****). */
void mask_address(const char *addr, char *out, size_t size);

#endif
