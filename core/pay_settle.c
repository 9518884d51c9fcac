/*
 * pay_settle: claims, verification, outcomes and the reconciler (see
 * pay_settle.h).
 */
#include "config.h"

#include "pay_settle.h"
#include "clock.h"
#include "db.h"
#include "log.h"
#include "messages.h"
#include "modules.h"
#include "modules_pay.h"
#include "pay_attempt.h"
#include "refunds.h"
#include "util.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* A claimed verify that never finished (a crash) may be retried after: */
#define CLAIM_TIMEOUT_MS (2 * 60 * 1000)
/* A callback waits this long for another attempt's verify to end. */
#define SIBLING_WAIT_MS 5000
/* After a failure callback, the bank is asked again this seldom while its
 * window is open (a forged failure must not hide a real payment). */
#define FAILED_RECHECK_MS (5 * 60 * 1000)
/* A token request older than this died with its crsd. */
#define TOKEN_REQUEST_DEAD_MS 60000
#define RECONCILE_BATCH 50

static void sql_time(int64_t ms, char out[24])
{
	clock_sql_datetime(ms, out);
}

/* ---- claims ---------------------------------------------------------------- */

enum claim_result {
	CLAIM_NONE = 0,    /* final already, or claimed by someone else */
	CLAIM_BUSY,        /* another attempt of the subject is at its verify */
	CLAIM_OK
};

/* The two plugins a settlement talks to, pinned for its length. */
struct parties {
	const struct crs_gateway_ops *gw;
	void *gw_inst;
	struct plugin_instance *gw_pin;
	const struct crs_payable_ops *pb;
	void *pb_inst;
	struct plugin_instance *pb_pin;
	struct crs_pay_attempt a;
	char callback[400];
};

struct claim {
	const struct payment *p;
	const struct parties *who;
	enum claim_result result;
	int sibling_paid;          /* another attempt of the subject is verified */
	int64_t earlier_verifies;  /* claims of this attempt before this one */
};

static int claim_tx(struct crs_db *db, void *arg)
{
	struct claim *c = arg;
	const struct payment *p = c->p;
	struct crs_rows *r = NULL;
	struct crs_exec ex;
	char now[24], stale[24];
	int64_t t = clock_now_ms(), attempts = 0;
	int rc;

	c->result = CLAIM_NONE;
	c->sibling_paid = 0;
	c->earlier_verifies = 0;
	sql_time(t, now);
	sql_time(t - CLAIM_TIMEOUT_MS, stale);
	/* The subject is the lock every writer of its payments takes first:
	 * claims and outcomes of its attempts serialise here. */
	rc = c->who->pb->lock(c->who->pb_inst, db, p->subject_id);
	if (rc)
		return rc;
	rc = db_exec(db, "SELECT state = 'verified' FROM payment WHERE payable = ?"
	                 " AND subject_id = ? AND id <> ? AND (state = 'verified' OR"
	                 " (state = 'redirected' AND verify_claimed_at >= ?))",
	             CRS_PARAMS(CRS_P_STR(p->payable), CRS_P_INT(p->subject_id),
	                        CRS_P_INT(p->id), CRS_P_STR(stale)), &r, NULL);
	if (rc)
		return rc;
	while (rows_next(r)) {
		int64_t verified = 0;

		rows_int(r, 0, &verified);
		if (verified)
			c->sibling_paid = 1;
		else
			c->result = CLAIM_BUSY;
	}
	rows_free(r);
	r = NULL;
	if (c->result == CLAIM_BUSY && !c->sibling_paid)
		return CRS_OK;
	c->result = CLAIM_NONE;
	rc = db_exec(db, "UPDATE payment SET verify_claimed_at = ?,"
	                 " verify_attempts = verify_attempts + 1"
	                 " WHERE id = ? AND state = 'redirected' AND token IS NOT NULL"
	                 " AND (verify_claimed_at IS NULL OR verify_claimed_at < ?)",
	             CRS_PARAMS(CRS_P_STR(now), CRS_P_INT(p->id), CRS_P_STR(stale)),
	             NULL, &ex);
	if (rc || ex.affected != 1)
		return rc;
	rc = db_exec(db, "SELECT verify_attempts FROM payment WHERE id = ?",
	             CRS_PARAMS(CRS_P_INT(p->id)), &r, NULL);
	if (rc)
		return rc;
	if (rows_next(r))
		rows_int(r, 0, &attempts);
	rows_free(r);
	c->earlier_verifies = attempts > 0 ? attempts - 1 : 0;
	c->result = CLAIM_OK;
	return CRS_OK;
}

static enum claim_result claim(const struct payment *p, const struct parties *who,
                               struct claim *c)
{
	memset(c, 0, sizeof(*c));
	c->p = p;
	c->who = who;
	if (db_tx(mono_ms() + 5000, claim_tx, c) != CRS_OK)
		return CLAIM_NONE;
	return c->result;
}

/* Give the claim back; updated_at moves so the reconciler waits before it
 * asks the bank again. */
static void unclaim(int64_t id, int unknown)
{
	char now[24];

	sql_time(clock_now_ms(), now);
	pay_exec_once(mono_ms() + 5000,
	              "UPDATE payment SET verify_claimed_at = NULL, updated_at = ?,"
	              " outcome_unknown = GREATEST(outcome_unknown, ?)"
	              " WHERE id = ? AND state = 'redirected'",
	              CRS_PARAMS(CRS_P_STR(now), CRS_P_INT(unknown), CRS_P_INT(id)), NULL);
}

/* ---- money CRS does not keep ------------------------------------------------ */

/*
 * The bank took money for p that CRS will not keep.  kept: the bank has
 * settled it (verified / confirmed by us), so without a reversal only an
 * operator can return it; otherwise the bank returns unsettled money by
 * itself within 72 hours.  Returns 1 when p reached a final state.
 */
static int refuse_money(const struct payment *p, struct parties *who, int kept,
                        const char *citizen_msg, const char *reason)
{
	struct crs_pay_outcome out;
	int rc;

	if (who->gw->reverse) {
		memset(&out, 0, sizeof(out));
		rc = who->gw->reverse(who->gw_inst, &who->a, &out);
		if (rc == CRS_OK) {
			log_info("payments: payment %lld reversed at %s (%s)",
			         (long long)p->id, p->gateway, reason);
			pay_attempt_finish(p, "redirected", "reversed", citizen_msg);
			return 1;
		}
		if (rc == CRS_EUPSTREAM_AMBIGUOUS) {
			/* Sent, unanswered: ask again later. */
			unclaim(p->id, 1);
			return 0;
		}
		/* Expected when nothing was paid (nothing to reverse). */
		log_msg(kept ? CRS_LOG_WARN : CRS_LOG_INFO, "payments", NULL,
		        "payment %lld: %s refused the reversal (%d)", (long long)p->id,
		        p->gateway, rc);
	}
	if (!kept) {
		log_info("payments: payment %lld not settled (%s): the bank returns it",
		         (long long)p->id, reason);
		pay_attempt_finish(p, "redirected", "failed", citizen_msg);
		return 1;
	}
	if (refund_queue(p, reason, who->pb, who->pb_inst) != CRS_OK) {
		unclaim(p->id, 1);
		return 0;
	}
	log_error("payments: payment %lld: %s kept %lld rial that CRS does not keep "
	          "(%s): queued for an operator refund", (long long)p->id, p->gateway,
	          (long long)p->amount, reason);
	return 1;
}

/* ---- the outcome of a verified payment ------------------------------------ */

struct apply {
	const struct payment *p;
	const struct crs_pay_outcome *out;
	const struct parties *who;
	int applied;                /* this call made the payment verified */
};

/* The one place that decides what a verified payment means: the core says
 * whether it is kept, the payable what it buys.  CRS_ECONFLICT: not kept
 * (another attempt of the subject is verified, or the payable takes no
 * payment any more); nothing of this transaction stays. */
static int apply_verified_tx(struct crs_db *db, void *arg)
{
	struct apply *ap = arg;
	const struct payment *p = ap->p;
	struct crs_payable_paid paid;
	struct crs_rows *r = NULL;
	struct crs_exec ex;
	char now[24];
	int rc, other;

	ap->applied = 0;
	sql_time(clock_now_ms(), now);
	rc = ap->who->pb->lock(ap->who->pb_inst, db, p->subject_id);
	if (rc)
		return rc;
	/* Decided before this payment is marked: a second success is never
	 * recorded as kept, whatever the timing. */
	rc = db_exec(db, "SELECT 1 FROM payment WHERE payable = ? AND subject_id = ?"
	                 " AND id <> ? AND state = 'verified' LIMIT 1",
	             CRS_PARAMS(CRS_P_STR(p->payable), CRS_P_INT(p->subject_id),
	                        CRS_P_INT(p->id)), &r, NULL);
	if (rc)
		return rc;
	other = rows_next(r);
	rows_free(r);
	if (other)
		return CRS_ECONFLICT;
	rc = db_exec(db, "UPDATE payment SET state = 'verified', reference = ?,"
	                 " trace = ?, card_masked = ?, bank_code = ?, message = NULL,"
	                 " outcome_unknown = 0, callback_failed_at = NULL,"
	                 " verify_claimed_at = NULL, updated_at = ?, finished_at = ?"
	                 " WHERE id = ? AND state = 'redirected'",
	             CRS_PARAMS(CRS_P_STR(ap->out->reference), CRS_P_STR(ap->out->trace),
	                        CRS_P_STR(ap->out->card_masked),
	                        CRS_P_STR(ap->out->bank_code), CRS_P_STR(now),
	                        CRS_P_STR(now), CRS_P_INT(p->id)), NULL, &ex);
	/* Already decided by a concurrent callback or the reconciler. */
	if (rc || ex.affected != 1)
		return rc;
	memset(&paid, 0, sizeof(paid));
	paid.struct_size = sizeof(paid);
	paid.subject_id = p->subject_id;
	paid.payment_id = p->id;
	paid.amount_rial = p->amount;
	paid.window_end_ms = p->expires_ms;
	paid.gateway = p->gateway;
	paid.reference = ap->out->reference;
	rc = ap->who->pb->paid(ap->who->pb_inst, db, &paid);
	if (rc == CRS_OK)
		rc = pay_at_bank(db, ap->who->pb, ap->who->pb_inst, p->payable,
		                 p->subject_id);
	ap->applied = rc == CRS_OK;
	return rc;
}

static void close_unpaid(const struct payment *p, const struct crs_pay_outcome *out)
{
	/* A failure callback's own message stays: that is what happened. */
	if (p->callback_failed)
		pay_attempt_finish(p, "redirected", "failed",
		                   p->message[0] ? p->message : MSG_PAY_CANCELLED);
	else
		pay_attempt_finish(p, "redirected", "expired",
		                   out->message[0] ? out->message : MSG_PAY_FAILED);
}

static int record_verified(const struct payment *p, struct parties *who,
                           const struct crs_pay_outcome *out)
{
	struct apply ap;
	int rc;

	if (out->amount_rial >= 0 && out->amount_rial != p->amount) {
		/* Tampering or a bug: never paid on a wrong amount.  The bank
		 * has settled what it says, so the money is kept there. */
		log_error("payments: payment %lld: bank confirmed %lld rial, expected "
		          "%lld; refused", (long long)p->id, (long long)out->amount_rial,
		          (long long)p->amount);
		return refuse_money(p, who, 1, MSG_PAY_AMOUNT, "amount differs from the fee");
	}
	memset(&ap, 0, sizeof(ap));
	ap.p = p;
	ap.out = out;
	ap.who = who;
	rc = db_tx(mono_ms() + 15000, apply_verified_tx, &ap);
	if (rc == CRS_ECONFLICT)
		return refuse_money(p, who, 1, MSG_PAY_DUPLICATE,
		                    "second payment of an application already paid");
	if (rc) {
		/* Confirmed at the bank, not recorded: the reconciler
		 * verifies again (the bank answers "already done"). */
		log_error("payments: payment %lld verified but not recorded (%d)",
		          (long long)p->id, rc);
		unclaim(p->id, 1);
		return 0;
	}
	if (ap.applied)
		log_info("payments: payment %lld verified", (long long)p->id);
	return 1;
}

/* ---- verification ------------------------------------------------------------ */

/*
 * Verify a claimed payment with its bank and apply the answer.  final: the
 * bank's window is over, so "not paid" is the last word.  Returns 1 when
 * the payment reached a final state.
 */
static int settle_claimed(const struct payment *p, struct parties *who,
                          const struct claim *c, const struct crs_pay_callback *cb,
                          int final)
{
	struct crs_pay_outcome out;
	int rc;

	if (c->sibling_paid && c->earlier_verifies == 0) {
		/* Never verified: nothing is settled for it at the bank.  Only
		 * a success callback says money was taken at all. */
		log_info("payments: payment %lld not verified: its application is "
		         "already paid", (long long)p->id);
		return refuse_money(p, who, 0,
		                    cb && cb->bank_says_ok ? MSG_PAY_DUPLICATE
		                                           : MSG_PAY_DUPLICATE_IF_TAKEN,
		                    "second payment of an application already paid");
	}
	memset(&out, 0, sizeof(out));
	out.amount_rial = -1;
	rc = who->gw->verify(who->gw_inst, &who->a, cb, &out);
	if (rc != CRS_OK)
		out.verdict = CRS_PAY_UNKNOWN;
	switch (out.verdict) {
	case CRS_PAY_VERIFIED:
		/* With a sibling already paid, an earlier verify of this one
		 * (before a crash) may have settled it: either way it is
		 * settled now and goes back. */
		return c->sibling_paid
		       ? refuse_money(p, who, 1, MSG_PAY_DUPLICATE,
		                      "second payment of an application already paid")
		       : record_verified(p, who, &out);
	case CRS_PAY_FAILED:
		if (cb && cb->bank_says_ok)
			/* The bank said paid, then refused the confirm: its
			 * money is returned (gateways.md §2.11). */
			return refuse_money(p, who, 0,
			                    out.message[0] ? out.message : MSG_PAY_FAILED,
			                    "the bank refused the confirm");
		if (final) {
			close_unpaid(p, &out);
			return 1;
		}
		/* Not paid yet: the citizen may still be at the bank. */
		unclaim(p->id, 0);
		return 0;
	default:
		log_warn("payments: payment %lld: no answer from %s; the reconciler "
		         "asks again", (long long)p->id, p->gateway);
		unclaim(p->id, 1);
		return 0;
	}
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Pin p's gateway and payable (for payments already at the bank, draining
 * ones too); 0 when either is gone (the attempt waits for them). */
static int parties_pin(const struct payment *p, struct parties *who)
{
	memset(who, 0, sizeof(*who));
	who->gw_pin = modules_gateway_pin(p->gateway, 0, &who->gw, &who->gw_inst);
	who->pb_pin = modules_payable_pin(p->payable, 0, &who->pb, &who->pb_inst);
	if (!who->gw_pin || !who->pb_pin)
		return 0;
	pay_attempt_describe(p, who->callback, sizeof(who->callback), &who->a);
	return 1;
}

static void parties_unpin(struct parties *who)
{
	if (who->gw_pin)
		modules_unpin(who->gw_pin);
	if (who->pb_pin)
		modules_unpin(who->pb_pin);
}

/* Claim p and settle it; for a callback (cb) wait a little while another
 * attempt of the subject is at its verify. */
static void settle(const struct payment *p, const struct crs_pay_callback *cb,
                   int final, int64_t wait_ms)
{
	int64_t until = mono_ms() + wait_ms;
	struct parties who;
	struct claim c;

	if (!parties_pin(p, &who)) {
		parties_unpin(&who);
		return;
	}
	for (;;) {
		enum claim_result r = claim(p, &who, &c);

		if (r == CLAIM_OK)
			settle_claimed(p, &who, &c, cb, final);
		if (r != CLAIM_BUSY || mono_ms() >= until)
			break;
		/* Another tab's callback is at its verify: wait for it, then
		 * this one sees it verified (or failed). */
		sleep_ms(100);
	}
	parties_unpin(&who);
}


struct failed_cb {
	const struct payment *p;
};

/* Cancelled or declined, says the browser: the citizen may pay again and
 * the place is no longer held for this attempt, but it stays open until
 * the bank agrees. */
static int mark_failed_tx(struct crs_db *db, void *arg)
{
	const struct payment *p = ((struct failed_cb *)arg)->p;
	const struct crs_payable_ops *pb = NULL;
	struct plugin_instance *pin;
	char now[24];
	void *inst = NULL;
	int rc;

	sql_time(clock_now_ms(), now);
	rc = db_exec(db, "UPDATE payment SET callback_failed_at = COALESCE("
	                 "callback_failed_at, ?), message = ?, updated_at = ?"
	                 " WHERE id = ? AND state = 'redirected'",
	             CRS_PARAMS(CRS_P_STR(now), CRS_P_STR(MSG_PAY_CANCELLED),
	                        CRS_P_STR(now), CRS_P_INT(p->id)), NULL, NULL);
	if (rc)
		return rc;
	pin = modules_payable_pin(p->payable, 0, &pb, &inst);
	rc = pay_at_bank(db, pb, inst, p->payable, p->subject_id);
	if (pin)
		modules_unpin(pin);
	return rc;
}

void pay_settle_callback(const struct payment *p, const struct crs_pay_callback *cb)
{
	if (!cb->bank_says_ok) {
		struct failed_cb f = { p };

		db_tx(mono_ms() + 5000, mark_failed_tx, &f);
	}
	settle(p, cb, 0, SIBLING_WAIT_MS);
}

/* ---- the reconciler ------------------------------------------------------ */

static void reconcile_one(int64_t id)
{
	struct payment p;
	struct crs_db *db;
	int64_t t = clock_now_ms();
	int rc;

	if (db_acquire(mono_ms() + 5000, &db))
		return;
	rc = pay_attempt_load(db, "p.id = ?", CRS_PARAMS(CRS_P_INT(id)), &p);
	db_release(db);
	if (rc)
		return;
	if (!strcmp(p.state, "created")) {
		/* The token request never finished (its crsd died): nobody
		 * was sent to the bank with it. */
		if (t - p.created_ms > TOKEN_REQUEST_DEAD_MS)
			pay_attempt_finish(&p, "created", "failed", MSG_PAY_BANK_DOWN);
		return;
	}
	/* The stored token and amount are what is verified; no callback. */
	if (!strcmp(p.state, "redirected"))
		settle(&p, NULL, t > p.expires_ms, 0);
}

/* A draining module is done when no attempt of its gateway or its payable
 * is open any more. */
static void drain_one(const char *module, const char *gateway, const char *payable,
                      void *arg)
{
	struct crs_db *db = arg;
	struct crs_rows *r = NULL;
	int open = 0;

	if (gateway && db_exec(db, "SELECT 1 FROM payment WHERE gateway = ? AND state"
	                           " IN ('created', 'redirected') LIMIT 1",
	                       CRS_PARAMS(CRS_P_STR(gateway)), &r, NULL) != CRS_OK)
		return;
	open = rows_next(r);
	rows_free(r);
	r = NULL;
	if (!open && payable &&
	    db_exec(db, "SELECT 1 FROM payment WHERE payable = ? AND state"
	                " IN ('created', 'redirected') LIMIT 1",
	            CRS_PARAMS(CRS_P_STR(payable)), &r, NULL) != CRS_OK)
		return;
	open = open || rows_next(r);
	rows_free(r);
	if (!open)
		modules_drained(module);
}

static void finish_drains(struct crs_db *db)
{
	modules_pay_each_draining(drain_one, db);
}

/* Up to max ids of sql's rows into ids[*n…]. */
static void collect_ids(struct crs_db *db, const char *sql,
                        const struct crs_param *params, size_t np,
                        int64_t *ids, size_t *n, size_t max)
{
	struct crs_rows *r = NULL;

	if (db_exec(db, sql, params, np, &r, NULL) != CRS_OK)
		return;
	while (*n < max && rows_next(r))
		if (rows_int(r, 0, &ids[*n]) == CRS_OK)
			(*n)++;
	rows_free(r);
}

/*
 * Each pass takes the attempts least recently looked at (every look moves
 * updated_at), per state along its index: whatever is stuck (a bank that
 * never answers, a gateway that is gone) goes to the back of the line, so
 * the reconciler always makes progress.
 */
void payments_reconcile(void *unused, void *arg)
{
	const struct pay_config *cfg = pay_config();
	int64_t ids[2 * RECONCILE_BATCH], t = clock_now_ms();
	char quiet[24], quiet_failed[24], stale[24], now[24];
	struct crs_db *db;
	size_t n = 0, i;

	(void)unused;
	(void)arg;
	/* Fresh payments belong to their callback for a while. */
	sql_time(t - cfg->reconcile_after_ms, quiet);
	sql_time(t - FAILED_RECHECK_MS, quiet_failed);
	sql_time(t - CLAIM_TIMEOUT_MS, stale);
	sql_time(t, now);
	if (db_acquire(mono_ms() + 5000, &db))
		return;
	collect_ids(db, "SELECT id FROM payment WHERE state = 'created'"
	                " AND updated_at < ? ORDER BY updated_at LIMIT 50",
	            CRS_PARAMS(CRS_P_STR(quiet)), ids, &n, RECONCILE_BATCH);
	collect_ids(db, "SELECT id FROM payment WHERE state = 'redirected'"
	                " AND updated_at < ?"
	                " AND (callback_failed_at IS NULL OR updated_at < ? OR expires_at < ?)"
	                " AND (verify_claimed_at IS NULL OR verify_claimed_at < ?)"
	                " ORDER BY updated_at LIMIT 50",
	            CRS_PARAMS(CRS_P_STR(quiet), CRS_P_STR(quiet_failed), CRS_P_STR(now),
	                       CRS_P_STR(stale)), ids, &n, 2 * RECONCILE_BATCH);
	finish_drains(db);
	db_release(db);
	for (i = 0; i < n; i++)
		reconcile_one(ids[i]);
}
