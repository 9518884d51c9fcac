/*
 * receipt_pdf: the receipt (receipt.h) as one A4 page (more when free
 * text is long), PDF 1.5, fonts embedded (subsets), the QR as vector
 * squares.  The same receipt gives the same bytes: the document's
 * CreationDate is the issue time.
 */
#ifndef REG_RECEIPT_PDF_H
#define REG_RECEIPT_PDF_H

#include "receipt.h"

/* As receipt.h says of every format. */
int receipt_pdf(const struct crs_api *api, const struct receipt *r,
		unsigned char **pdf, size_t *len);

/*
 * Drop the calling thread's pango default font map now (receipt_pdf()
 * uses it; pango frees it anyway when the thread exits).  Optional: for
 * threads that end with exit() rather than returning, such as main, when
 * a leak checker must see nothing.  Safe to call any time, more than
 * once; the next receipt_pdf() on the thread makes a new map.
 */
void receipt_thread_release(void);

#endif /* REG_RECEIPT_PDF_H */
