/*
 * pay_attempt: one row of table payment (one attempt to pay at a bank) and
 * the payment settings, shared by the payment routes (payments.c) and the
 * settlement of attempts (pay_settle.c).
 */
#ifndef CRS_PAY_ATTEMPT_H
#define CRS_PAY_ATTEMPT_H

#include <crs/plugin.h>
#include <stddef.h>
#include <stdint.h>

struct conf;

struct pay_config {
	int64_t fee_rial;           /* [payments] registration_fee_rial (ABI 1.0) */
	int64_t window_ms;          /* how long the bank gives the citizen */
	int64_t reconcile_after_ms; /* leave a fresh payment to its callback */
	int64_t max_open;           /* attempts at the bank at once, per application */
	int64_t max_per_day;        /* attempts per application per day */
	char base_url[256];
};

int pay_config_init(const struct conf *cfg);
const struct pay_config *pay_config(void);

struct payment {
	int64_t id;
	int64_t order_id;
	char payable[33];
	int64_t subject_id;         /* what the payable's owner pays for */
	char gateway[33];
	int64_t amount;
	char state[16];
	char token[129];
	int64_t created_ms;
	int64_t expires_ms;
	int64_t verify_attempts;    /* claims so far, this one included */
	int callback_failed;        /* a failure callback arrived */
	char message[256];
	char reference[65];
	char owner[65];             /* the session subject who started it */
	char mobile[12];
};

/* Load the payment matching where (an SQL condition on p = payment, with
 * params): CRS_OK, CRS_ENOTFOUND or a db error. */
int pay_attempt_load(struct crs_db *db, const char *where,
                     const struct crs_param *params, size_t n,
                     struct payment *p);
/* Move one payment from state from to a final state to, with the citizen's
 * message; a no-op when it is no longer in from. */
int pay_attempt_set_state(struct crs_db *db, int64_t id, const char *from,
                          const char *to, const char *message);
/* The same in a transaction of its own, telling the payable until when
 * the subject's attempts are at the bank now. */
int pay_attempt_finish(const struct payment *p, const char *from, const char *to,
                       const char *message);
/* In db's transaction: tell the payable (ops may be NULL) until when the
 * open attempts for subject_id are at the bank (0: none is). */
int pay_at_bank(struct crs_db *db, const struct crs_payable_ops *ops, void *inst,
                const char *payable, int64_t subject_id);
/* What a gateway is told of p; cb receives the callback URL it points to. */
void pay_attempt_describe(const struct payment *p, char *cb, size_t cbsz,
                          struct crs_pay_attempt *a);
/* One statement in autocommit on a connection of its own. */
int pay_exec_once(int64_t deadline_mono, const char *sql,
                  const struct crs_param *params, size_t n, struct crs_exec *ex);
/* crs_api.payment_status: the latest attempt for a subject, a verified
 * one first, as the citizen sees it. */
int pay_status(struct crs_db *db, const char *payable, int64_t subject_id,
               struct crs_payment_status *out);
/* A bank token fit to meet SQL: printable ASCII of the banks' alphabets. */
int pay_token_ok(const char *token);

#endif
