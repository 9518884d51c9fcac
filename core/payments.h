/*
 * payments: the core's payment routes (SPEC §4): the gateway list, a new
 * attempt (bounded per application; the bank's token asked outside any
 * transaction), the citizen's view of one, and the banks' callbacks.  One
 * row per attempt in table payment (created → redirected → verified |
 * failed | expired | reversed); gateway plugins only speak their bank's
 * protocol through struct crs_gateway_ops.  What an attempt comes to is
 * decided in pay_settle.c; a callback is only a reason to ask the bank.
 */
#ifndef CRS_PAYMENTS_H
#define CRS_PAYMENTS_H

#include <crs/plugin.h>

struct conf;

int payments_init(const struct conf *cfg);
int64_t payments_fee_rial(void);

/* Core routes. */
int payments_gateways_handle(struct crs_req *req, void *unused);
int payments_create_handle(struct crs_req *req, void *unused);
int payments_get_handle(struct crs_req *req, void *unused);
int payments_callback_handle(struct crs_req *req, void *unused);

#endif
