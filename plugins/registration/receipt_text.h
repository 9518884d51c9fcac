/*
 * receipt_text: the receipt (receipt.h) as plain UTF-8 text for an e-mail
 * body, one "label: value" per line, left-to-right spans between LRMs.
 */
#ifndef REG_RECEIPT_TEXT_H
#define REG_RECEIPT_TEXT_H

#include "receipt.h"

/* *text NUL-terminated; otherwise as receipt.h says of every format. */
int receipt_text(const struct crs_api *api, const struct receipt *r,
		 char **text, size_t *len);

#endif /* REG_RECEIPT_TEXT_H */
