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
	int64_t fee_rial;
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
	int64_t app_id;
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
	char subject[11];           /* the application's national ID */
	char mobile[12];
};

/* Load the payment matching where (an SQL condition on p = payment and
 * a = application, with params): CRS_OK, CRS_ENOTFOUND or a db error. */
int pay_attempt_load(struct crs_db *db, const char *where,
                     const struct crs_param *params, size_t n,
                     struct payment *p);
/* Move one payment from state from to a final state to, with the citizen's
 * message; a no-op when it is no longer in from. */
int pay_attempt_set_state(struct crs_db *db, int64_t id, const char *from,
                          const char *to, const char *message);
/* The same on a connection of its own (outside any transaction). */
int pay_attempt_finish(int64_t id, const char *from, const char *to,
                       const char *message);
/* What a gateway is told of p; cb receives the callback URL it points to. */
void pay_attempt_describe(const struct payment *p, char *cb, size_t cbsz,
                          struct crs_pay_attempt *a);
/* One statement in autocommit on a connection of its own. */
int pay_exec_once(int64_t deadline_mono, const char *sql,
                  const struct crs_param *params, size_t n, struct crs_exec *ex);
/* A bank token fit to meet SQL: printable ASCII of the banks' alphabets. */
int pay_token_ok(const char *token);

#endif
