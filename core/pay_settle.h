/*
 * pay_settle: deciding what an attempt at the bank came to, once, whatever
 * the timing (SPEC §4, §7 "Money").
 *
 * One verify per application at a time: an attempt is claimed in a
 * transaction that locks its application and looks at the application's
 * other attempts, so two tabs whose callbacks arrive together are verified
 * one after the other, and the second sees the first verified.  Money the
 * bank took that CRS will not keep (a second success, an amount that is
 * not the fee) is reversed where the bank can (Parsian), left unverified
 * for the bank's automatic refund when it was never verified (Sadad), and
 * otherwise queued for an operator (refunds.h), with the citizen told
 * which of these happened.  Callbacks are never trusted, failures neither:
 * a failure callback leaves the attempt open until the bank itself says it
 * was not paid and its window is over.
 */
#ifndef CRS_PAY_SETTLE_H
#define CRS_PAY_SETTLE_H

#include <crs/plugin.h>

struct payment;

/* A callback for p arrived (its fields in cb, already matched to p's token,
 * order and amount): verify with the bank and apply what it says. */
void pay_settle_callback(const struct payment *p, const struct crs_pay_callback *cb);

/* Core timer: token requests that never finished are failed, open attempts
 * verified, those past the bank's window closed, and drains finished. */
void payments_reconcile(void *unused, void *arg);

#endif
