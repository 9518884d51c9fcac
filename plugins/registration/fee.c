/*
 * fee: the registration fee, a payable (see fee.h).
 */
#include "fee.h"
#include "messages.h"

#include <stdio.h>
#include <string.h>

static int refuse(struct crs_payable_quote *q, const char *message)
{
	q->refusal_status = 409;
	q->refusal_code = "OPERATION_NOT_ALLOWED";
	q->refusal_message = message;
	return CRS_EREFUSED;
}

/* The citizen's application, locked, with a place held that is still
 * held: that is what can be paid for. */
static int fee_quote(void *inst, struct crs_db *db, const char *nid,
                     struct crs_payable_quote *q)
{
	struct reg *r = inst;
	const struct crs_api *api = r->api;
	struct crs_rows *rows = NULL;
	const char *stage, *hold, *mobile;
	int64_t hold_ms = 0;
	int rc;

	rc = api->db_exec(db, "SELECT id, stage, hold_until, mobile FROM application"
	                      " WHERE national_id = ? FOR UPDATE",
	                  CRS_PARAMS(CRS_P_STR(nid)), &rows, NULL);
	if (rc)
		return rc;
	if (!api->rows_next(rows)) {
		api->rows_free(rows);
		return refuse(q, M_PAY_NOTHING_TO_PAY);
	}
	stage = api->rows_str(rows, 1);
	hold = api->rows_str(rows, 2);
	mobile = api->rows_str(rows, 3);
	if (api->rows_int(rows, 0, &q->subject_id) != CRS_OK)
		rc = CRS_EFAIL;
	else if (strcmp(stage, "reserved") != 0)
		rc = refuse(q, !strcmp(stage, "paid") || !strcmp(stage, "paid_no_slot")
		                       ? M_PAY_ALREADY_PAID : M_PAY_NOTHING_TO_PAY);
	else if (!hold || api->sql_time_parse(hold, &hold_ms) || hold_ms <= api->now_ms())
		rc = refuse(q, M_PAY_HOLD_EXPIRED);
	q->amount_rial = r->fee_rial;
	snprintf(q->mobile, sizeof(q->mobile), "%s", mobile ? mobile : "");
	api->rows_free(rows);
	return rc;
}

static int fee_lock(void *inst, struct crs_db *db, int64_t app_id)
{
	struct reg *r = inst;
	struct crs_rows *rows = NULL;
	int rc = r->api->db_exec(db, "SELECT id FROM application WHERE id = ? FOR UPDATE",
	                         CRS_PARAMS(CRS_P_INT(app_id)), &rows, NULL);

	if (rc == CRS_OK && !r->api->rows_next(rows))
		rc = CRS_ENOTFOUND;
	r->api->rows_free(rows);
	return rc;
}

/* 9 random digits, unique (the database says). */
static int assign_tracking(struct reg *r, struct crs_db *db, int64_t app_id,
                           char out[10])
{
	const struct crs_api *api = r->api;
	unsigned char rnd[4];
	uint32_t v;
	int rc = CRS_EFAIL, tries;

	for (tries = 0; tries < 8; tries++) {
		if (api->random_bytes(rnd, sizeof(rnd)))
			return CRS_EFAIL;
		memcpy(&v, rnd, sizeof(v));
		snprintf(out, 10, "%09u", 100000000u + v % 900000000u);
		rc = api->db_exec(db, "UPDATE application SET tracking_code = ? WHERE id = ?"
		                      " AND tracking_code IS NULL",
		                  CRS_PARAMS(CRS_P_STR(out), CRS_P_INT(app_id)), NULL, NULL);
		if (rc != CRS_EDUP)
			return rc;
	}
	return rc;
}

struct verified_app {
	enum crs_stage stage;
	int64_t office;            /* 0: none */
	int64_t hold_ms;           /* 0: none */
	char day[11], shift[8];
	char tracking[10];
	char mobile[12];
};

static int read_app(struct reg *r, struct crs_db *db, int64_t app_id,
                    struct verified_app *v)
{
	const struct crs_api *api = r->api;
	struct crs_rows *rows = NULL;
	const char *s;
	int rc, st;

	memset(v, 0, sizeof(*v));
	rc = api->db_exec(db, "SELECT stage, office_id, hold_until, appt_day, appt_shift,"
	                      " tracking_code, mobile FROM application WHERE id = ?",
	                  CRS_PARAMS(CRS_P_INT(app_id)), &rows, NULL);
	if (rc)
		return rc;
	if (!api->rows_next(rows)) {
		api->rows_free(rows);
		return CRS_ENOTFOUND;
	}
	st = api->stage_parse(api->rows_str(rows, 0));
	v->stage = st < 0 ? CRS_STAGE_ENTERED : (enum crs_stage)st;
	if (api->rows_int(rows, 1, &v->office))
		v->office = 0;
	if ((s = api->rows_str(rows, 2)) && api->sql_time_parse(s, &v->hold_ms))
		v->hold_ms = 0;
	snprintf(v->day, sizeof(v->day), "%s", (s = api->rows_str(rows, 3)) ? s : "");
	snprintf(v->shift, sizeof(v->shift), "%s", (s = api->rows_str(rows, 4)) ? s : "");
	snprintf(v->tracking, sizeof(v->tracking), "%s", (s = api->rows_str(rows, 5)) ? s : "");
	snprintf(v->mobile, sizeof(v->mobile), "%s", (s = api->rows_str(rows, 6)) ? s : "");
	api->rows_free(rows);
	return CRS_OK;
}

/* A verified payment of the fee: the held place booked or, when the hold
 * ran out while the citizen was at the bank, the money kept and a place to
 * choose again without paying. */
static int fee_paid(void *inst, struct crs_db *db, const struct crs_payable_paid *p)
{
	struct reg *r = inst;
	const struct crs_api *api = r->api;
	struct verified_app v;
	char now[24], sms[256], key[40];
	int64_t t = api->now_ms();
	int rc, held;

	rc = read_app(r, db, p->subject_id, &v);
	if (rc)
		return rc;
	if (v.stage != CRS_STAGE_ENTERED && v.stage != CRS_STAGE_DETAILS_DONE &&
	    v.stage != CRS_STAGE_RESERVED)
		return CRS_ECONFLICT;           /* paid already */
	api->sql_time(t, now);
	/* The place is held until its own time or, while this payment was at
	 * the bank, until its window closed: whichever is later. */
	held = v.stage == CRS_STAGE_RESERVED && v.office &&
	       t <= (v.hold_ms > p->window_end_ms ? v.hold_ms : p->window_end_ms);
	if (held) {
		rc = reg_move(r, db, NULL, p->subject_id, v.stage, CRS_EV_PAID, "payments",
		              NULL, NULL);
		if (rc == CRS_OK)
			rc = api->db_exec(db, "UPDATE application SET hold_until = NULL,"
			                      " pay_open_until = NULL, paid_at = ? WHERE id = ?",
			                  CRS_PARAMS(CRS_P_STR(now), CRS_P_INT(p->subject_id)),
			                  NULL, NULL);
	} else {
		/* A lapsed hold the sweeper has not freed yet is freed here. */
		if (v.office)
			rc = api->db_exec(db, "UPDATE slot SET taken = taken - 1 WHERE office_id = ?"
			                      " AND day = ? AND shift = ? AND taken > 0",
			                  CRS_PARAMS(CRS_P_INT(v.office), CRS_P_STR(v.day),
			                             CRS_P_STR(v.shift)), NULL, NULL);
		if (rc == CRS_OK)
			rc = reg_move(r, db, NULL, p->subject_id, v.stage, CRS_EV_PAID_NO_SLOT,
			              "payments", NULL, NULL);
		if (rc == CRS_OK)
			rc = api->db_exec(db, "UPDATE application SET office_id = NULL,"
			                      " appt_day = NULL, appt_shift = NULL, hold_until = NULL,"
			                      " pay_open_until = NULL, paid_at = ? WHERE id = ?",
			                  CRS_PARAMS(CRS_P_STR(now), CRS_P_INT(p->subject_id)),
			                  NULL, NULL);
	}
	if (rc == CRS_OK && !v.tracking[0])
		rc = assign_tracking(r, db, p->subject_id, v.tracking);
	if (rc || !v.mobile[0])
		return rc;
	snprintf(sms, sizeof(sms), M_SMS_PAID, v.tracking);
	snprintf(key, sizeof(key), "fee-paid:%lld", (long long)p->payment_id);
	return api->notify(db, &(struct crs_message){
		.struct_size = sizeof(struct crs_message), .channel = CRS_MSG_SMS,
		.to = v.mobile, .text = sms, .dedup_key = key }, NULL);
}

/* Until when a place stays held because the citizen is at the bank. */
static int fee_at_bank(void *inst, struct crs_db *db, int64_t app_id, int64_t until_ms)
{
	struct reg *r = inst;
	const struct crs_api *api = r->api;
	char until[24];

	api->sql_time(until_ms, until);
	return api->db_exec(db, "UPDATE application SET pay_open_until = ? WHERE id = ?",
	                    CRS_PARAMS(until_ms ? CRS_P_STR(until) : CRS_P_NULL,
	                               CRS_P_INT(app_id)), NULL, NULL);
}

const struct crs_payable_ops fee_payable = {
	.struct_size = sizeof(struct crs_payable_ops),
	.name = FEE_PAYABLE,
	.quote = fee_quote,
	.lock = fee_lock,
	.paid = fee_paid,
	.at_bank = fee_at_bank,
};
