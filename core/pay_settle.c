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
#include "outbox.h"
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
	CLAIM_BUSY,        /* another attempt of the application is at its verify */
	CLAIM_OK
};

struct claim {
	int64_t id;
	int64_t app_id;
	enum claim_result result;
	int sibling_paid;          /* another attempt of the application is verified */
	int64_t earlier_verifies;  /* claims of this attempt before this one */
};

static int claim_tx(struct crs_db *db, void *arg)
{
	struct claim *c = arg;
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
	/* The application's row is the lock every writer of its payments
	 * takes first: claims and outcomes of its attempts serialise here. */
	rc = db_exec(db, "SELECT id FROM application WHERE id = ? FOR UPDATE",
	             CRS_PARAMS(CRS_P_INT(c->app_id)), &r, NULL);
	rows_free(r);
	r = NULL;
	if (rc)
		return rc;
	rc = db_exec(db, "SELECT state = 'verified' FROM payment WHERE application_id = ?"
	                 " AND id <> ? AND (state = 'verified' OR (state = 'redirected'"
	                 " AND verify_claimed_at >= ?))",
	             CRS_PARAMS(CRS_P_INT(c->app_id), CRS_P_INT(c->id), CRS_P_STR(stale)),
	             &r, NULL);
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
	             CRS_PARAMS(CRS_P_STR(now), CRS_P_INT(c->id), CRS_P_STR(stale)),
	             NULL, &ex);
	if (rc || ex.affected != 1)
		return rc;
	rc = db_exec(db, "SELECT verify_attempts FROM payment WHERE id = ?",
	             CRS_PARAMS(CRS_P_INT(c->id)), &r, NULL);
	if (rc)
		return rc;
	if (rows_next(r))
		rows_int(r, 0, &attempts);
	rows_free(r);
	c->earlier_verifies = attempts > 0 ? attempts - 1 : 0;
	c->result = CLAIM_OK;
	return CRS_OK;
}

static enum claim_result claim(const struct payment *p, struct claim *c)
{
	memset(c, 0, sizeof(*c));
	c->id = p->id;
	c->app_id = p->app_id;
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

struct gateway {
	const struct crs_gateway_ops *ops;
	void *inst;
	struct crs_pay_attempt a;
	char callback[400];
};

/*
 * The bank took money for p that CRS will not keep.  kept: the bank has
 * settled it (verified / confirmed by us), so without a reversal only an
 * operator can return it; otherwise the bank returns unsettled money by
 * itself within 72 hours.  Returns 1 when p reached a final state.
 */
static int refuse_money(const struct payment *p, struct gateway *gw, int kept,
                        const char *citizen_msg, const char *reason)
{
	struct crs_pay_outcome out;
	int rc;

	if (gw->ops->reverse) {
		memset(&out, 0, sizeof(out));
		rc = gw->ops->reverse(gw->inst, &gw->a, &out);
		if (rc == CRS_OK) {
			log_info("payments: payment %lld reversed at %s (%s)",
			         (long long)p->id, p->gateway, reason);
			pay_attempt_finish(p->id, "redirected", "reversed", citizen_msg);
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
		pay_attempt_finish(p->id, "redirected", "failed", citizen_msg);
		return 1;
	}
	if (refund_queue(p, reason) != CRS_OK) {
		unclaim(p->id, 1);
		return 0;
	}
	log_error("payments: payment %lld: %s kept %lld rial that CRS does not keep "
	          "(%s): queued for an operator refund", (long long)p->id, p->gateway,
	          (long long)p->amount, reason);
	return 1;
}

/* ---- the outcome of a verified payment ------------------------------------ */

/* 9 random digits, unique (the database says). */
static int assign_tracking(struct crs_db *db, int64_t app_id, char out[10])
{
	unsigned char rnd[4];
	uint32_t v;
	int rc = CRS_EFAIL, tries;

	for (tries = 0; tries < 8; tries++) {
		if (random_bytes(rnd, sizeof(rnd)))
			return CRS_EFAIL;
		memcpy(&v, rnd, sizeof(v));
		snprintf(out, 10, "%09u", 100000000u + v % 900000000u);
		rc = db_exec(db, "UPDATE application SET tracking_code = ? WHERE id = ?"
		                 " AND tracking_code IS NULL",
		             CRS_PARAMS(CRS_P_STR(out), CRS_P_INT(app_id)), NULL, NULL);
		if (rc != CRS_EDUP)
			return rc;
	}
	return rc;
}

struct apply {
	const struct payment *p;
	const struct crs_pay_outcome *out;
	int applied;                /* this call made the payment verified */
	int duplicate;              /* the application was already paid */
	char tracking[10];
};

static int already_paid(struct crs_db *db, const struct payment *p, int *paid)
{
	struct crs_rows *r = NULL;
	int rc = db_exec(db, "SELECT 1 FROM payment WHERE application_id = ? AND id <> ?"
	                     " AND state = 'verified' LIMIT 1",
	                 CRS_PARAMS(CRS_P_INT(p->app_id), CRS_P_INT(p->id)), &r, NULL);

	if (rc)
		return rc;
	*paid = rows_next(r);
	rows_free(r);
	return CRS_OK;
}

/* The one place that decides what a verified payment means. */
static int apply_verified_tx(struct crs_db *db, void *arg)
{
	struct apply *ap = arg;
	const struct payment *p = ap->p;
	struct crs_rows *r = NULL;
	struct crs_exec ex;
	char now[24], sms[256];
	const char *stage, *office, *tc, *hold;
	int64_t hold_ms = 0, t = clock_now_ms();
	int rc, held, paid = 0;

	ap->applied = ap->duplicate = 0;
	ap->tracking[0] = '\0';
	sql_time(t, now);
	rc = db_exec(db, "SELECT stage, office_id, tracking_code, hold_until,"
	                 " appt_day, appt_shift FROM application"
	                 " WHERE id = ? FOR UPDATE",
	             CRS_PARAMS(CRS_P_INT(p->app_id)), &r, NULL);
	if (rc)
		return rc;
	if (!rows_next(r)) {
		rows_free(r);
		return CRS_ENOTFOUND;
	}
	stage = rows_str(r, 0);
	office = rows_str(r, 1);
	tc = rows_str(r, 2);
	hold = rows_str(r, 3);
	if (hold && clock_parse_sql(hold, &hold_ms))
		hold_ms = 0;
	/* Decided before this payment is marked: a second success is never
	 * recorded as kept, whatever the timing. */
	rc = already_paid(db, p, &paid);
	if (rc == CRS_OK && (paid || !(!strcmp(stage, "entered") ||
	                               !strcmp(stage, "details_done") ||
	                               !strcmp(stage, "reserved")))) {
		ap->duplicate = 1;
		rows_free(r);
		return CRS_OK;
	}
	if (rc) {
		rows_free(r);
		return rc;
	}
	/* The place is held until its own time or, while this payment was at
	 * the bank, until the payment window closed: whichever is later. */
	held = !strcmp(stage, "reserved") && office &&
	       t <= (hold_ms > p->expires_ms ? hold_ms : p->expires_ms);
	if (tc)
		snprintf(ap->tracking, sizeof(ap->tracking), "%s", tc);
	rc = db_exec(db, "UPDATE payment SET state = 'verified', reference = ?,"
	                 " trace = ?, card_masked = ?, bank_code = ?, message = NULL,"
	                 " outcome_unknown = 0, callback_failed_at = NULL,"
	                 " verify_claimed_at = NULL, updated_at = ?, finished_at = ?"
	                 " WHERE id = ? AND state = 'redirected'",
	             CRS_PARAMS(CRS_P_STR(ap->out->reference), CRS_P_STR(ap->out->trace),
	                        CRS_P_STR(ap->out->card_masked),
	                        CRS_P_STR(ap->out->bank_code), CRS_P_STR(now),
	                        CRS_P_STR(now), CRS_P_INT(p->id)), NULL, &ex);
	if (rc || ex.affected != 1) {
		/* Already decided by a concurrent callback or the reconciler. */
		rows_free(r);
		return rc;
	}
	ap->applied = 1;
	if (held) {
		rc = db_exec(db, "UPDATE application SET stage = 'paid', hold_until = NULL,"
		                 " paid_at = ?, updated_at = ? WHERE id = ?",
		             CRS_PARAMS(CRS_P_STR(now), CRS_P_STR(now), CRS_P_INT(p->app_id)),
		             NULL, NULL);
	} else {
		/* The hold ran out while the citizen was at the bank: the money
		 * is kept, the citizen chooses a place again without paying.
		 * A lapsed hold the sweeper has not freed yet is freed here. */
		if (office)
			rc = db_exec(db, "UPDATE slot SET taken = taken - 1 WHERE office_id = ?"
			                 " AND day = ? AND shift = ? AND taken > 0",
			             CRS_PARAMS(CRS_P_STR(office), CRS_P_STR(rows_str(r, 4)),
			                        CRS_P_STR(rows_str(r, 5))), NULL, NULL);
		if (rc == CRS_OK)
			rc = db_exec(db, "UPDATE application SET stage = 'paid_no_slot',"
			                 " office_id = NULL, appt_day = NULL, appt_shift = NULL,"
			                 " hold_until = NULL, paid_at = ?, updated_at = ? WHERE id = ?",
			             CRS_PARAMS(CRS_P_STR(now), CRS_P_STR(now),
			                        CRS_P_INT(p->app_id)), NULL, NULL);
	}
	rows_free(r);
	if (rc)
		return rc;
	if (!ap->tracking[0]) {
		rc = assign_tracking(db, p->app_id, ap->tracking);
		if (rc)
			return rc;
	}
	if (p->mobile[0]) {
		snprintf(sms, sizeof(sms), MSG_SMS_PAID, ap->tracking);
		rc = outbox_sms(db, p->mobile, sms);
	}
	return rc;
}

/* ---- verification ------------------------------------------------------------ */

static void close_unpaid(const struct payment *p, const struct crs_pay_outcome *out)
{
	/* A failure callback's own message stays: that is what happened. */
	if (p->callback_failed)
		pay_attempt_finish(p->id, "redirected", "failed",
		                   p->message[0] ? p->message : MSG_PAY_CANCELLED);
	else
		pay_attempt_finish(p->id, "redirected", "expired",
		                   out->message[0] ? out->message : MSG_PAY_FAILED);
}

static int record_verified(const struct payment *p, struct gateway *gw,
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
		return refuse_money(p, gw, 1, MSG_PAY_AMOUNT, "amount differs from the fee");
	}
	memset(&ap, 0, sizeof(ap));
	ap.p = p;
	ap.out = out;
	rc = db_tx(mono_ms() + 15000, apply_verified_tx, &ap);
	if (rc) {
		/* Confirmed at the bank, not recorded: the reconciler
		 * verifies again (the bank answers "already done"). */
		log_error("payments: payment %lld verified but not recorded (%d)",
		          (long long)p->id, rc);
		unclaim(p->id, 1);
		return 0;
	}
	if (ap.duplicate)
		return refuse_money(p, gw, 1, MSG_PAY_DUPLICATE,
		                    "second payment of an application already paid");
	if (ap.applied)
		log_info("payments: payment %lld verified, tracking %s", (long long)p->id,
		         ap.tracking);
	return 1;
}

/*
 * Verify a claimed payment with its bank and apply the answer.  final: the
 * bank's window is over, so "not paid" is the last word.  Returns 1 when
 * the payment reached a final state.
 */
static int settle_claimed(const struct payment *p, const struct claim *c,
                          const struct crs_pay_callback *cb, int final)
{
	struct crs_pay_outcome out;
	struct plugin_instance *pin;
	struct gateway gw;
	int rc, done;

	memset(&gw, 0, sizeof(gw));
	pin = modules_gateway_pin(p->gateway, 0, &gw.ops, &gw.inst);
	if (!pin) {
		unclaim(p->id, 0);
		return 0;
	}
	pay_attempt_describe(p, gw.callback, sizeof(gw.callback), &gw.a);
	if (c->sibling_paid && c->earlier_verifies == 0) {
		/* Never verified: nothing is settled for it at the bank.  Only
		 * a success callback says money was taken at all. */
		log_info("payments: payment %lld not verified: its application is "
		         "already paid", (long long)p->id);
		done = refuse_money(p, &gw, 0,
		                    cb && cb->bank_says_ok ? MSG_PAY_DUPLICATE
		                                           : MSG_PAY_DUPLICATE_IF_TAKEN,
		                    "second payment of an application already paid");
		modules_unpin(pin);
		return done;
	}
	memset(&out, 0, sizeof(out));
	out.amount_rial = -1;
	rc = gw.ops->verify(gw.inst, &gw.a, cb, &out);
	if (rc != CRS_OK)
		out.verdict = CRS_PAY_UNKNOWN;
	switch (out.verdict) {
	case CRS_PAY_VERIFIED:
		/* With a sibling already paid, an earlier verify of this one
		 * (before a crash) may have settled it: either way it is
		 * settled now and goes back. */
		done = c->sibling_paid
		               ? refuse_money(p, &gw, 1, MSG_PAY_DUPLICATE,
		                              "second payment of an application already paid")
		               : record_verified(p, &gw, &out);
		break;
	case CRS_PAY_FAILED:
		if (cb && cb->bank_says_ok) {
			/* The bank said paid, then refused the confirm: its
			 * money is returned (gateways.md §2.11). */
			done = refuse_money(p, &gw, 0,
			                    out.message[0] ? out.message : MSG_PAY_FAILED,
			                    "the bank refused the confirm");
		} else if (final) {
			close_unpaid(p, &out);
			done = 1;
		} else {
			/* Not paid yet: the citizen may still be at the bank. */
			unclaim(p->id, 0);
			done = 0;
		}
		break;
	default:
		log_warn("payments: payment %lld: no answer from %s; the reconciler "
		         "asks again", (long long)p->id, p->gateway);
		unclaim(p->id, 1);
		done = 0;
	}
	modules_unpin(pin);
	return done;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

void pay_settle_callback(const struct payment *p, const struct crs_pay_callback *cb)
{
	int64_t until = mono_ms() + SIBLING_WAIT_MS;
	struct claim c;

	if (!cb->bank_says_ok) {
		char now[24];

		/* Cancelled or declined, says the browser: the citizen may pay
		 * again, but the attempt stays open until the bank agrees. */
		sql_time(clock_now_ms(), now);
		pay_exec_once(mono_ms() + 5000,
		              "UPDATE payment SET callback_failed_at = COALESCE("
		              "callback_failed_at, ?), message = ?, updated_at = ?"
		              " WHERE id = ? AND state = 'redirected'",
		              CRS_PARAMS(CRS_P_STR(now), CRS_P_STR(MSG_PAY_CANCELLED),
		                         CRS_P_STR(now), CRS_P_INT(p->id)), NULL);
	}
	for (;;) {
		switch (claim(p, &c)) {
		case CLAIM_OK:
			settle_claimed(p, &c, cb, 0);
			return;
		case CLAIM_BUSY:
			/* Another tab's callback is at its verify: wait for
			 * it, then this one sees it verified (or failed). */
			if (mono_ms() >= until)
				return;
			sleep_ms(100);
			break;
		default:
			return;
		}
	}
}

/* ---- the reconciler ------------------------------------------------------ */

static void reconcile_one(int64_t id)
{
	struct payment p;
	struct claim c;
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
			pay_attempt_finish(p.id, "created", "failed", MSG_PAY_BANK_DOWN);
		return;
	}
	if (strcmp(p.state, "redirected") != 0 || claim(&p, &c) != CLAIM_OK)
		return;
	/* The success callback of an earlier verify could no longer be
	 * trusted here; the stored token and amount are what is verified. */
	settle_claimed(&p, &c, NULL, t > p.expires_ms);
}

static void finish_drains(struct crs_db *db)
{
	char names[512], *save = NULL, *name;

	modules_draining_gateways(names, sizeof(names));
	for (name = strtok_r(names, " ", &save); name; name = strtok_r(NULL, " ", &save)) {
		struct crs_rows *r = NULL;

		if (db_exec(db, "SELECT 1 FROM payment WHERE gateway = ? AND state IN"
		                " ('created', 'redirected') LIMIT 1",
		            CRS_PARAMS(CRS_P_STR(name)), &r, NULL) != CRS_OK)
			continue;
		if (!rows_next(r))
			modules_gateway_drained(name);
		rows_free(r);
	}
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
