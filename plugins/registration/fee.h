/*
 * fee: the registration fee as a payable of the core's payments (ABI 1.1
 * struct crs_payable_ops): what a citizen holding a place pays, and what a
 * verified payment means for the application — the held place booked
 * (paid) or, when the hold is gone, the money kept and a place to choose
 * again (paid_no_slot); the tracking code; the SMS.  The core calls these
 * inside its own transactions and decides, whatever the timing, which
 * attempt is kept.
 */
#ifndef REG_FEE_H
#define REG_FEE_H

#include "reg.h"

#define FEE_PAYABLE "registration_fee"

extern const struct crs_payable_ops fee_payable;

#endif
