/*
 * receipt_html: the receipt (receipt.h) as a standalone printable HTML5
 * document: lang="fa" dir="rtl", inline CSS with a print stylesheet (A4,
 * and A5 or other narrow paper), the QR as inline SVG, every value
 * isolated in a <bdi> and escaped.
 */
#ifndef REG_RECEIPT_HTML_H
#define REG_RECEIPT_HTML_H

#include "receipt.h"

/* *html NUL-terminated; otherwise as receipt.h says of every format. */
int receipt_html(const struct crs_api *api, const struct receipt *r,
		 char **html, size_t *len);

#endif /* REG_RECEIPT_HTML_H */
