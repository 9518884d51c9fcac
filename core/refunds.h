/*
 * refunds: the operator refund queue (table payment_refund) — money a bank
 * settled that CRS will not keep and that no reversal returned: a second
 * payment of an application already paid, an amount that is not the fee.
 * Queuing it closes the attempt in the same transaction, with a message
 * that tells the citizen the truth (an operator returns it; it does not
 * come back by itself).  Operators list the queue and record each refund
 * (GET /admin/v1/payments/refunds, POST …/refunds/{id}/resolve, crsctl).
 */
#ifndef CRS_REFUNDS_H
#define CRS_REFUNDS_H

#include <crs/plugin.h>

struct payment;

/* Queue p's money with reason and close p as failed, telling its payable
 * (ops, inst; may be NULL) about the attempts still at the bank. */
int refund_queue(const struct payment *p, const char *reason,
                 const struct crs_payable_ops *ops, void *inst);

/* Admin routes. */
int refunds_list_handle(struct crs_req *req, void *unused);
int refunds_resolve_handle(struct crs_req *req, void *unused);

#endif
