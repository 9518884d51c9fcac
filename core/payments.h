/*
 * payments: the core's payment orchestration (SPEC §4).  One row per
 * attempt in table payment (created → redirected → verified | failed |
 * expired | reversed); gateway plugins only speak their bank's protocol
 * through struct crs_gateway_ops.  The core alone decides what a payment
 * means for an application, in one transaction: a verified payment books the
 * held place (stage paid) or, when the hold is gone, keeps the money and
 * sends the citizen to choose again (paid_no_slot).
 *
 * Never trusting the callback: the stored token and amount drive the
 * verification; a verify is claimed atomically (one at a time per payment)
 * and its outcome applied with "WHERE state = 'redirected'", so replays,
 * double confirms and concurrent callbacks change nothing twice.  A verify
 * without an answer is "unknown", never "failed": the reconciler asks again
 * until the bank gives a definite answer.
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

/* Core timer: verify what is open, expire what is over, finish drains. */
void payments_reconcile(void *unused, void *arg);

#endif
