/*
 * receipt_routes: the receipt of a paid application as JSON, printable HTML
 * or PDF (SPEC §3.6), sent by e-mail through the core's outbox, and the
 * public check of a receipt's QR code (SPEC §3.9).  The QR payload is
 * "CRS1.<tracking>.<issued unix>.<HMAC-SHA256, first 12 bytes, hex>" so an
 * office holding the key can verify a receipt offline.
 */
#ifndef REG_RECEIPT_ROUTES_H
#define REG_RECEIPT_ROUTES_H

struct crs_req;

int receipt_handle(struct crs_req *req, void *inst);
int receipt_email_handle(struct crs_req *req, void *inst);
int receipt_verify_handle(struct crs_req *req, void *inst);

#endif
