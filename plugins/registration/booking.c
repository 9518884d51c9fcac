/*
 * booking: office list, appointment hold/move, hold sweeper (see
 * booking.h).
 */

#include "booking.h"
#include "rules.h"
#include "app.h"
#include "messages.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const shift_names[2] = { "morning", "evening" };

static int shift_parse(const char *s)
{
	if (s && strcmp(s, "morning") == 0)
		return 0;
	if (s && strcmp(s, "evening") == 0)
		return 1;
	return -1;
}

/* The window of days a citizen may book: [first, last]. */
static void booking_window(struct reg *r, const struct crs_app *a, int32_t *first,
                           int32_t *last)
{
	int32_t today = reg_today(r);

	*first = today;
	/* Citizens who cannot leave home wait for the mobile service. */
	if (a->needs[0] == 0)
		*first = today + (int32_t)r->mobile_service_min_days;
	*last = today + (int32_t)r->booking_horizon_days;
}

/* The date rules; CRS_OK or a rendered refusal. */
static int check_date(struct reg *r, struct crs_req *req, const struct crs_app *a,
                      int32_t day, int status, const char *code)
{
	int32_t first, last;
	char j[11];

	booking_window(r, a, &first, &last);
	if (day < reg_today(r)) {
		reg_failf(r, req, status, code, "date", "%s", M_DATE_PAST);
		return CRS_EREFUSED;
	}
	if (day < first) {
		reg_jdn_to_jalali(r, first, j);
		reg_failf(r, req, status, code, "date", M_DATE_TOO_EARLY, j);
		return CRS_EREFUSED;
	}
	if (day > last) {
		reg_failf(r, req, status, code, "date", M_DATE_TOO_LATE,
		          (int)r->booking_horizon_days);
		return CRS_EREFUSED;
	}
	return CRS_OK;
}

/* The capability filter of the four needs (SPEC §3.3) as SQL flags. */
static void need_flags(const struct crs_app *a, int64_t f[4])
{
	f[0] = a->needs[0] == 0;      /* cannot leave home: mobile_service */
	f[1] = a->needs[1] == 0;      /* no stairs: step_free */
	f[2] = a->needs[2] == 0;      /* iris_alternative */
	f[3] = a->needs[3] == 0;      /* fingerprint_alternative */
}

/* Offices open on a day: its weekday is a working day, it is no national
 * holiday, and the office has no closure then. */
static const char *const offices_sql =
	"SELECT o.id, o.name, o.type, o.address, o.phone, o.city_code, s.shift,"
	" COALESCE(sl.capacity, s.capacity), COALESCE(sl.taken, 0)"
	" FROM office o"
	" JOIN office_shift s ON s.office_id = o.id AND s.capacity > 0"
	" LEFT JOIN slot sl ON sl.office_id = o.id AND sl.day = ? AND sl.shift = s.shift"
	" WHERE o.city_code = ? AND o.active = 1 AND (o.working_days & ?) <> 0"
	" AND (? = 0 OR o.mobile_service = 1) AND (? = 0 OR o.step_free = 1)"
	" AND (? = 0 OR o.iris_alternative = 1)"
	" AND (? = 0 OR o.fingerprint_alternative = 1)"
	" AND NOT EXISTS (SELECT 1 FROM holiday h WHERE h.day = ?)"
	" AND NOT EXISTS (SELECT 1 FROM office_closure c"
	"                 WHERE c.office_id = o.id AND c.day = ?)";

struct office_info {
	char name[200], type[16], address[300], phone[9], city[4];
};

int offices_handle(struct crs_req *req, void *inst)
{
	struct reg *r = inst;
	const struct crs_api *api = r->api;
	const char *date = api->req_query(req, "date");
	const char *city_in = api->req_query(req, "city_code");
	const char *phone_in = api->req_query(req, "phone");
	char city[8], phone[16], sqlday[11];
	struct office_row *rows = NULL;
	struct office_info *info = NULL;
	struct crs_rows *res = NULL;
	struct json_object *o, *arr;
	struct crs_db *db;
	struct crs_app a;
	int64_t need[4];
	int32_t day;
	size_t n = 0, kept, i;
	int rc;

	if (!date || reg_parse_jalali(r, date, &day))
		return reg_failf(r, req, 400, "FIELD_INVALID", "date", M_FIELD_INVALID,
		                 "تاریخ");
	if (!city_in || api->digits_ascii(city_in, city, sizeof(city)) ||
	    strlen(city) != 3 || city[0] != '0' || strspn(city, "0123456789") != 3)
		return reg_failf(r, req, 400, "FIELD_INVALID", "city_code",
		                 M_FIELD_INVALID, "کد شهر");
	if (!phone_in || api->digits_ascii(phone_in, phone, sizeof(phone)) ||
	    strlen(phone) < 4 || strlen(phone) > 8 ||
	    strspn(phone, "0123456789") != strlen(phone))
		return reg_failf(r, req, 400, "FIELD_INVALID", "phone", M_FIELD_INVALID,
		                 "شماره تلفن");
	rc = api->db_acquire(req, &db);
	if (rc)
		return reg_fail_db(r, req, rc);
	rc = app_read(r, db, api->session_subject(req), 0, &a);
	if (rc)
		goto db_fail;
	if (!(app_operations(r, &a) & CRS_OP_CHANGE_APPOINTMENT)) {
		api->db_release(db);
		return api->fail(req, 409, "OPERATION_NOT_ALLOWED",
		                 a.stage >= CRS_STAGE_COMPLETION_STARTED
		                         ? M_NOT_ALLOWED_APPOINTMENT_LATE
		                         : M_NOT_ALLOWED_APPOINTMENT_EARLY, NULL);
	}
	if (check_date(r, req, &a, day, 400, "FIELD_INVALID") != CRS_OK) {
		api->db_release(db);
		return CRS_HANDLED;
	}
	need_flags(&a, need);
	r->api->sql_date(day, sqlday);
	rc = api->db_exec(db, offices_sql,
	                  CRS_PARAMS(CRS_P_STR(sqlday), CRS_P_STR(city),
	                             CRS_P_INT(1 << api->weekday(day)),
	                             CRS_P_INT(need[0]), CRS_P_INT(need[1]),
	                             CRS_P_INT(need[2]), CRS_P_INT(need[3]),
	                             CRS_P_STR(sqlday), CRS_P_STR(sqlday)),
	                  &res, NULL);
	if (rc)
		goto db_fail;
	api->db_release(db);
	db = NULL;
	rows = calloc(api->rows_count(res) + 1, sizeof(*rows));
	info = calloc(api->rows_count(res) + 1, sizeof(*info));
	if (!rows || !info)
		goto oom;
	while (api->rows_next(res)) {
		int64_t id, cap, taken;

		api->rows_int(res, 0, &id);
		api->rows_int(res, 7, &cap);
		api->rows_int(res, 8, &taken);
		rows[n].office_id = id;
		rows[n].shift = shift_parse(api->rows_str(res, 6));
		rows[n].capacity = (int)cap;
		rows[n].free = cap > taken ? (int)(cap - taken) : 0;
		rows[n].distance = phone_distance(phone, api->rows_str(res, 4));
		if (rows[n].distance < 0)
			rows[n].distance = 9999;
		snprintf(info[n].name, sizeof(info[n].name), "%s", api->rows_str(res, 1));
		snprintf(info[n].type, sizeof(info[n].type), "%s", api->rows_str(res, 2));
		snprintf(info[n].address, sizeof(info[n].address), "%s", api->rows_str(res, 3));
		snprintf(info[n].phone, sizeof(info[n].phone), "%s", api->rows_str(res, 4));
		snprintf(info[n].city, sizeof(info[n].city), "%s", api->rows_str(res, 5));
		rows[n].ref = n;         /* the ranking reorders rows */
		n++;
	}
	api->rows_free(res);
	res = NULL;
	kept = rank_office_rows(rows, n, (size_t)r->office_list_size);
	o = json_object_new_object();
	arr = json_object_new_array();
	for (i = 0; i < kept; i++) {
		struct json_object *x = json_object_new_object();
		const struct office_info *oi = &info[rows[i].ref];
		const struct office_row *w = &rows[i];

		json_object_object_add(x, "office_id", json_object_new_int64(w->office_id));
		json_object_object_add(x, "name", json_object_new_string(oi->name));
		json_object_object_add(x, "type", json_object_new_string(oi->type));
		json_object_object_add(x, "address", json_object_new_string(oi->address));
		json_object_object_add(x, "phone", json_object_new_string(oi->phone));
		json_object_object_add(x, "city_code", json_object_new_string(oi->city));
		json_object_object_add(x, "shift", json_object_new_string(shift_names[w->shift]));
		json_object_object_add(x, "capacity", json_object_new_int(w->capacity));
		json_object_object_add(x, "free", json_object_new_int(w->free));
		/* Whole percent, for display; the order used exact ratios. */
		json_object_object_add(x, "free_pct", json_object_new_int(
			w->capacity > 0 ? w->free * 100 / w->capacity : 0));
		json_object_object_add(x, "distance", json_object_new_int(w->distance));
		json_object_array_add(arr, x);
	}
	json_object_object_add(o, "rows", arr);
	free(rows);
	free(info);
	return api->resp_json_new(req, 200, o) == CRS_OK ? CRS_HANDLED : CRS_ERROR;
oom:
	api->rows_free(res);
	free(rows);
	free(info);
	return CRS_ERROR;
db_fail:
	api->rows_free(res);
	if (db)
		api->db_release(db);
	return reg_fail_db(r, req, rc);
}

/* POST /api/v1/application/appointment ------------------------------------ */

struct booking {
	struct reg *r;
	struct crs_req *req;
	const char *nid;
	int64_t office_id;
	int32_t day;
	int shift;
	/* outputs */
	int status;
	const char *code;
	char message[512];
	const char *field;
	struct crs_app app;
};

static int book_refuse(struct booking *b, int status, const char *code,
                       const char *field, const char *message)
{
	b->status = status;
	b->code = code;
	b->field = field;
	snprintf(b->message, sizeof(b->message), "%s", message);
	return CRS_EREFUSED;
}

/* Does the office serve this citizen on that day and shift? */
static int office_suits(struct booking *b, struct crs_db *db, int *ok)
{
	const struct crs_api *api = b->r->api;
	struct crs_rows *res = NULL;
	char sqlday[11];
	int64_t need[4];
	int rc;

	need_flags(&b->app, need);
	b->r->api->sql_date(b->day, sqlday);
	rc = api->db_exec(db,
	                  "SELECT 1 FROM office o JOIN office_shift s"
	                  " ON s.office_id = o.id AND s.shift = ? AND s.capacity > 0"
	                  " WHERE o.id = ? AND o.active = 1 AND (o.working_days & ?) <> 0"
	                  " AND (? = 0 OR o.mobile_service = 1) AND (? = 0 OR o.step_free = 1)"
	                  " AND (? = 0 OR o.iris_alternative = 1)"
	                  " AND (? = 0 OR o.fingerprint_alternative = 1)"
	                  " AND NOT EXISTS (SELECT 1 FROM holiday h WHERE h.day = ?)"
	                  " AND NOT EXISTS (SELECT 1 FROM office_closure c"
	                  "                 WHERE c.office_id = o.id AND c.day = ?)",
	                  CRS_PARAMS(CRS_P_STR(shift_names[b->shift]),
	                             CRS_P_INT(b->office_id),
	                             CRS_P_INT(1 << api->weekday(b->day)),
	                             CRS_P_INT(need[0]), CRS_P_INT(need[1]),
	                             CRS_P_INT(need[2]), CRS_P_INT(need[3]),
	                             CRS_P_STR(sqlday), CRS_P_STR(sqlday)),
	                  &res, NULL);
	if (rc)
		return rc;
	*ok = api->rows_next(res);
	api->rows_free(res);
	return CRS_OK;
}

/* Give a place back (a hold or booking the application no longer has). */
static int slot_release(const struct crs_api *api, struct crs_db *db,
                        int64_t office_id, const char *day, const char *shift)
{
	return api->db_exec(db, "UPDATE slot SET taken = taken - 1 WHERE office_id = ?"
	                        " AND day = ? AND shift = ? AND taken > 0",
	                    CRS_PARAMS(CRS_P_INT(office_id), CRS_P_STR(day),
	                               CRS_P_STR(shift)), NULL, NULL);
}

static int book_tx(struct crs_db *db, void *arg)
{
	struct booking *b = arg;
	struct reg *r = b->r;
	const struct crs_api *api = r->api;
	struct crs_exec ex;
	struct crs_life_facts f;
	char sqlday[11], now[24], hold[24], j[11];
	int32_t ns;
	int ok = 0, rc, holds_place, same;

	b->code = NULL;
	rc = app_read(r, db, b->nid, 1, &b->app);
	if (rc)
		return rc;
	app_facts_of(b->r, &b->app, &f);
	if (!(api->life_operations(&f) & CRS_OP_CHANGE_APPOINTMENT))
		return book_refuse(b, 409, "OPERATION_NOT_ALLOWED", NULL,
		                   f.stage >= CRS_STAGE_COMPLETION_STARTED
		                           ? M_NOT_ALLOWED_APPOINTMENT_LATE
		                           : M_NOT_ALLOWED_APPOINTMENT_EARLY);
	if (b->app.no_show_until[0] &&
	    r->api->sql_date_parse(b->app.no_show_until, &ns) == 0 &&
	    reg_today(r) < ns) {
		char msg[256];

		reg_jdn_to_jalali(r, ns, j);
		snprintf(msg, sizeof(msg), M_NO_SHOW_COOLDOWN, j);
		return book_refuse(b, 409, "NO_SHOW_COOLDOWN", NULL, msg);
	}
	rc = office_suits(b, db, &ok);
	if (rc)
		return rc;
	if (!ok)
		return book_refuse(b, 422, "OFFICE_NOT_SUITABLE", "office_id",
		                   M_OFFICE_NOT_SUITABLE);
	r->api->sql_date(b->day, sqlday);
	holds_place = b->app.office_id && (b->app.stage == CRS_STAGE_RESERVED ||
	                                   b->app.stage == CRS_STAGE_PAID);
	/* Choosing the place one already has only renews the hold. */
	same = holds_place && b->app.office_id == b->office_id &&
	       strcmp(b->app.appt_day, sqlday) == 0 &&
	       strcmp(b->app.appt_shift, shift_names[b->shift]) == 0;
	if (same)
		goto update;
	/* The day's row exists once anyone books it, its capacity copied from
	 * the office's approved capacity then.  ON DUPLICATE KEY takes the
	 * row's exclusive lock at once: INSERT IGNORE would take a shared one
	 * that the UPDATE below must upgrade, and concurrent upgrades
	 * deadlock. */
	rc = api->db_exec(db, "INSERT INTO slot (office_id, day, shift, capacity, taken)"
	                      " SELECT office_id, ?, shift, capacity, 0 FROM office_shift"
	                      " WHERE office_id = ? AND shift = ?"
	                      " ON DUPLICATE KEY UPDATE taken = taken",
	                  CRS_PARAMS(CRS_P_STR(sqlday), CRS_P_INT(b->office_id),
	                             CRS_P_STR(shift_names[b->shift])), NULL, NULL);
	if (rc)
		return rc;
	/* The only place that decides the last seat. */
	rc = api->db_exec(db, "UPDATE slot SET taken = taken + 1 WHERE office_id = ?"
	                      " AND day = ? AND shift = ? AND taken < capacity",
	                  CRS_PARAMS(CRS_P_INT(b->office_id), CRS_P_STR(sqlday),
	                             CRS_P_STR(shift_names[b->shift])), NULL, &ex);
	if (rc)
		return rc;
	if (ex.affected != 1)
		return book_refuse(b, 409, "SLOT_FULL", NULL, M_SLOT_FULL);
	if (holds_place) {
		rc = slot_release(api, db, b->app.office_id, b->app.appt_day,
		                  b->app.appt_shift);
		if (rc)
			return rc;
	}
update:
	api->sql_time(api->now_ms(), now);
	/* Paid: the place is booked for good; otherwise held for payment.
	 * The lifecycle moves the stage when there is a move (a first hold,
	 * a place after paying); a new place at the same stage is none. */
	hold[0] = '\0';
	if (!f.paid)
		api->sql_time(api->now_ms() + r->hold_minutes * 60000, hold);
	if (b->app.stage == CRS_STAGE_DETAILS_DONE && !f.paid)
		rc = reg_move(r, db, b->req, b->app.id, b->app.stage, CRS_EV_HOLD, NULL,
		              NULL, NULL);
	else if (b->app.stage == CRS_STAGE_PAID_NO_SLOT)
		rc = reg_move(r, db, b->req, b->app.id, b->app.stage, CRS_EV_BOOK, NULL,
		              NULL, NULL);
	if (rc)
		return rc;
	rc = api->db_exec(db, "UPDATE application SET office_id = ?, appt_day = ?,"
	                      " appt_shift = ?, hold_until = ?, updated_at = ?"
	                      " WHERE id = ?",
	                  CRS_PARAMS(CRS_P_INT(b->office_id), CRS_P_STR(sqlday),
	                             CRS_P_STR(shift_names[b->shift]),
	                             hold[0] ? CRS_P_STR(hold) : CRS_P_NULL,
	                             CRS_P_STR(now), CRS_P_INT(b->app.id)), NULL, NULL);
	if (rc)
		return rc;
	return app_read(r, db, b->nid, 0, &b->app);
}

int appointment_handle(struct crs_req *req, void *inst)
{
	struct reg *r = inst;
	const struct crs_api *api = r->api;
	struct json_object *body = api->req_json(req);
	struct booking *b = api->req_alloc(req, sizeof(*b));
	const char *date = api->json_str(body, "date");
	struct crs_db *db;
	int rc;

	if (!b)
		return CRS_ERROR;
	b->r = r;
	b->req = req;
	b->nid = api->session_subject(req);
	b->shift = shift_parse(api->json_str(body, "shift"));
	if (api->json_int(body, "office_id", &b->office_id) || b->office_id <= 0)
		return reg_failf(r, req, 400, "FIELD_INVALID", "office_id",
		                 M_FIELD_INVALID, "دفتر");
	if (!date || reg_parse_jalali(r, date, &b->day))
		return reg_failf(r, req, 400, "FIELD_INVALID", "date", M_FIELD_INVALID,
		                 "تاریخ");
	if (b->shift < 0)
		return reg_failf(r, req, 400, "FIELD_INVALID", "shift", M_FIELD_INVALID,
		                 "نوبت");
	/* The date window needs the application's needs: read it first (the
	 * transaction reads it again under lock). */
	rc = api->db_acquire(req, &db);
	if (rc)
		return reg_fail_db(r, req, rc);
	rc = app_read(r, db, b->nid, 0, &b->app);
	api->db_release(db);
	if (rc)
		return reg_fail_db(r, req, rc);
	if (check_date(r, req, &b->app, b->day, 422, "OFFICE_NOT_SUITABLE") != CRS_OK)
		return CRS_HANDLED;
	rc = api->db_tx(req, book_tx, b);
	if (rc == CRS_EREFUSED)
		return reg_failf(r, req, b->status, b->code, b->field, "%s", b->message);
	if (rc)
		return reg_fail_db(r, req, rc);
	return app_reply(r, req, &b->app);
}

/* The hold sweeper --------------------------------------------------------- */

/* An attempt to pay for the place is at the bank and its window is open
 * (the core says until when, fee.c keeps it in pay_open_until): the place
 * stays held whatever the hold's own time, the citizen is paying. */
#define NOT_AT_BANK "(a.pay_open_until IS NULL OR a.pay_open_until <= ?)"

struct sweep {
	struct reg *r;
	int64_t app_id;
	int freed;
};

/* Free one expired hold, re-checked under the row lock: a payment may have
 * extended it, or the citizen moved or paid since the scan. */
static int sweep_one_tx(struct crs_db *db, void *arg)
{
	struct sweep *s = arg;
	const struct crs_api *api = s->r->api;
	struct crs_rows *res = NULL;
	char now[24];
	int rc;

	s->freed = 0;
	api->sql_time(api->now_ms(), now);
	rc = api->db_exec(db, "SELECT office_id, appt_day, appt_shift FROM application a"
	                      " WHERE id = ? AND stage = 'reserved' AND hold_until < ?"
	                      " AND " NOT_AT_BANK " FOR UPDATE",
	                  CRS_PARAMS(CRS_P_INT(s->app_id), CRS_P_STR(now), CRS_P_STR(now)),
	                  &res, NULL);
	if (rc)
		return rc;
	if (api->rows_next(res)) {
		int64_t office;

		api->rows_int(res, 0, &office);
		rc = slot_release(api, db, office, api->rows_str(res, 1),
		                  api->rows_str(res, 2));
		if (rc == CRS_OK)
			rc = reg_move(s->r, db, NULL, s->app_id, CRS_STAGE_RESERVED,
			              CRS_EV_HOLD_LAPSED, "hold sweeper", NULL, NULL);
		if (rc == CRS_OK)
			rc = api->db_exec(db, "UPDATE application SET office_id = NULL,"
			                      " appt_day = NULL, appt_shift = NULL,"
			                      " hold_until = NULL, pay_open_until = NULL,"
			                      " updated_at = ? WHERE id = ?",
			                  CRS_PARAMS(CRS_P_STR(now), CRS_P_INT(s->app_id)),
			                  NULL, NULL);
		s->freed = rc == CRS_OK;
	}
	api->rows_free(res);
	return rc;
}

void booking_sweep(void *inst, void *arg)
{
	struct reg *r = inst;
	const struct crs_api *api = r->api;
	struct crs_rows *res = NULL;
	struct crs_db *db;
	char now[24];
	int freed = 0;

	(void)arg;
	api->sql_time(api->now_ms(), now);
	if (api->db_acquire(NULL, &db))
		return;
	/* ix_application_hold: (stage, hold_until) */
	if (api->db_exec(db, "SELECT id FROM application a WHERE stage = 'reserved'"
	                     " AND hold_until < ? AND " NOT_AT_BANK " LIMIT 200",
	                 CRS_PARAMS(CRS_P_STR(now), CRS_P_STR(now)), &res, NULL)) {
		api->db_release(db);
		return;
	}
	api->db_release(db);
	while (api->rows_next(res) && !api->job_cancelled(r->pctx)) {
		struct sweep s = { r, 0, 0 };

		if (api->rows_int(res, 0, &s.app_id) == CRS_OK &&
		    api->db_tx(NULL, sweep_one_tx, &s) == CRS_OK)
			freed += s.freed;
	}
	api->rows_free(res);
	if (freed) {
		api->log(r->pctx, NULL, CRS_LOG_INFO, "sweeper: %d expired holds freed",
		         freed);
		api->metric_add(r->pctx, "holds_expired", NULL, freed);
	}
}
