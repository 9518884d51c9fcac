/*
 * crs/plugin_api.h: struct crs_api, the services table the core hands to a
 * plugin's init.  Part of <crs/plugin.h>: include that.
 */
#ifndef CRS_PLUGIN_API_H
#define CRS_PLUGIN_API_H

#include <crs/plugin_types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the services table ------------------------------------------------- */

struct crs_api {
	size_t size;           /* sizeof(struct crs_api) in the core */
	unsigned abi_major;
	unsigned abi_minor;

	/* log: one JSON line, with the request id and plugin name added.
	 * req may be NULL (then pctx names the plugin). */
	void (*log)(struct crs_plugin_ctx *pctx, struct crs_req *req,
	            enum crs_log_level level, const char *fmt, ...)
		__attribute__((format(printf, 4, 5)));

	/* config: the plugin's section [plugin.<name>] of the config file.
	 * Returns a borrowed string, or def if the key is absent. */
	const char *(*config_get)(struct crs_plugin_ctx *pctx, const char *key,
	                          const char *def);
	/* Integer key, bounded; returns def when absent, CRS_EINVAL (and logs)
	 * when malformed or out of [min, max]. */
	int (*config_int)(struct crs_plugin_ctx *pctx, const char *key,
	                  int64_t def, int64_t min, int64_t max, int64_t *out);

	/* memory for long-lived plugin data (instances); never NULL on success */
	void *(*alloc)(size_t size);
	void (*free)(void *p);

	/* ---- request ---- */
	/* Request arena: freed when the request ends. */
	void *(*req_alloc)(struct crs_req *req, size_t size);
	char *(*req_strdup)(struct crs_req *req, const char *s);
	char *(*req_printf)(struct crs_req *req, const char *fmt, ...)
		__attribute__((format(printf, 2, 3)));
	const char *(*req_method)(struct crs_req *req);
	const char *(*req_path)(struct crs_req *req);
	const char *(*req_id)(struct crs_req *req);
	const char *(*req_client_ip)(struct crs_req *req);
	/* A path parameter of the route template; NULL if absent. */
	const char *(*req_param)(struct crs_req *req, const char *name);
	/* A query-string parameter, decoded; NULL if absent. */
	const char *(*req_query)(struct crs_req *req, const char *name);
	/* A form field (CRS_ROUTE_FORM routes), decoded.  ci: case-insensitive
	 * name match (banks differ in the case of their fields). */
	const char *(*req_form)(struct crs_req *req, const char *name, int ci);
	/* A request header by its HTTP name ("X-CSRF-Token"); NULL if absent. */
	const char *(*req_header)(struct crs_req *req, const char *name);
	const char *(*req_cookie)(struct crs_req *req, const char *name);
	/* The raw body (NUL-terminated) and its length. */
	const char *(*req_body)(struct crs_req *req, size_t *len);
	/* The parsed JSON body of a CRS_ROUTE_JSON route: a borrowed object,
	 * always a JSON object. */
	struct json_object *(*req_json)(struct crs_req *req);
	/* The bearer caller of a CRS_AUTH_BEARER route (borrowed). */
	const struct crs_principal *(*req_principal)(struct crs_req *req);
	/* The deadline of this request in the core clock's milliseconds. */
	int64_t (*req_deadline_ms)(struct crs_req *req);

	/* ---- response ---- */
	/* Add a response header (copied). */
	void (*resp_header)(struct crs_req *req, const char *name,
	                    const char *value);
	/* Send obj as the JSON body.  Steals the reference, even on failure. */
	int (*resp_json_new)(struct crs_req *req, int status,
	                     struct json_object *obj);
	/* Send a body of any type (copied). */
	int (*resp_body)(struct crs_req *req, int status,
	                 const char *content_type, const void *body, size_t len);
	/* 303/302 to location. */
	int (*resp_redirect)(struct crs_req *req, int status,
	                     const char *location);
	/* Streamed responses: send status and headers now, then write the body
	 * in pieces in constant memory.  Returns CRS_OK or CRS_EUNAVAIL when the
	 * client went away (stop producing). */
	int (*resp_stream_begin)(struct crs_req *req, int status,
	                         const char *content_type);
	int (*resp_write)(struct crs_req *req, const void *buf, size_t len);
	/* Refuse the request: status, public code (API.md), Persian message,
	 * optional field name.  Returns CRS_HANDLED for tail calls. */
	int (*fail)(struct crs_req *req, int status, const char *code,
	            const char *message, const char *field);

	/* ---- json helpers (type-checked reads of an object member) ---- */
	/* Borrowed string member, NULL if absent or not a string. */
	const char *(*json_str)(struct json_object *obj, const char *key);
	/* Integer member: CRS_OK, CRS_ENOTFOUND, or CRS_EINVAL when not an
	 * integer. */
	int (*json_int)(struct json_object *obj, const char *key, int64_t *out);
	/* Boolean member: CRS_OK, CRS_ENOTFOUND, CRS_EINVAL. */
	int (*json_bool)(struct json_object *obj, const char *key, int *out);

	/* ---- database ---- */
	/* Lend a pooled connection until db_release; waits at most until the
	 * request's deadline (or the pool's acquire timeout when req is NULL).
	 * CRS_EUNAVAIL when none could be had. */
	int (*db_acquire)(struct crs_req *req, struct crs_db **db);
	void (*db_release)(struct crs_db *db);
	/* Run one prepared statement (cached per connection by SQL text).
	 * rows (may be NULL) receives the whole result set; free it with
	 * rows_free.  exec (may be NULL) receives counts. */
	int (*db_exec)(struct crs_db *db, const char *sql,
	               const struct crs_param *params, size_t n_params,
	               struct crs_rows **rows, struct crs_exec *exec);
	/* Run fn inside BEGIN…COMMIT on a connection of its own, retrying the
	 * whole transaction on deadlock / certification failure.  Returns fn's
	 * result, or CRS_EUNAVAIL / CRS_EDB_GONE. req may be NULL (jobs). */
	int (*db_tx)(struct crs_req *req, crs_tx_fn fn, void *arg);

	/* Result sets: rows_next() advances (1 while a row is there). */
	int (*rows_next)(struct crs_rows *rows);
	size_t (*rows_count)(const struct crs_rows *rows);
	/* Borrowed column text of the current row; NULL for SQL NULL. */
	const char *(*rows_str)(struct crs_rows *rows, unsigned col);
	/* Integer column; CRS_ENOTFOUND for NULL, CRS_EINVAL if not numeric. */
	int (*rows_int)(struct crs_rows *rows, unsigned col, int64_t *out);
	void (*rows_free)(struct crs_rows *rows);

	/* ---- clock: the core's (movable in --test-clock mode) ---- */
	int64_t (*now_ms)(void);   /* Unix time in milliseconds */

	/* ---- sessions (citizen) ---- */
	/* Start a session for subject (e.g. a national ID): a new random id
	 * (cookie set on the response) and CSRF token (copied into csrf). */
	int (*session_start)(struct crs_req *req, struct crs_db *db,
	                     const char *subject, char *csrf, size_t csrf_size);
	/* The subject of this request's session (CRS_AUTH_SESSION routes);
	 * borrowed. */
	const char *(*session_subject)(struct crs_req *req);
	int (*session_end)(struct crs_req *req);

	/* ---- captcha ---- */
	/* Check and consume a captcha: CRS_OK, CRS_EINVAL (wrong answer),
	 * CRS_ETIMEDOUT (expired or already used). */
	int (*captcha_check)(struct crs_req *req, const char *captcha_id,
	                     const char *answer);

	/* ---- outgoing HTTP (per-thread libcurl handle) ---- */
	int (*http_do)(const struct crs_http_request *rq,
	               struct crs_http_response *rs);
	void (*http_release)(struct crs_http_response *rs);

	/* ---- notifications: written in the caller's transaction ---- */
	int (*notify_sms)(struct crs_db *db, const char *mobile,
	                  const char *text);
	/* attachment may be NULL. */
	int (*notify_email)(struct crs_db *db, const char *to,
	                    const char *subject, const char *text_body,
	                    const char *attachment_name,
	                    const char *attachment_type,
	                    const void *attachment, size_t attachment_len);

	/* ---- jobs and timers, counted per instance and drained on disable --- */
	/* Run fn every period_ms on a core job thread until the instance is
	 * quiesced. */
	int (*timer_add)(struct crs_plugin_ctx *pctx, int64_t period_ms,
	                 crs_job_fn fn, void *arg);
	/* Run fn once, soon, on a core job thread. */
	int (*job_submit)(struct crs_plugin_ctx *pctx, crs_job_fn fn, void *arg);
	/* True once the instance is being disabled: finish quickly. */
	int (*job_cancelled)(struct crs_plugin_ctx *pctx);

	/* ---- metrics ---- */
	/* Add delta to the counter name{label} (both short, [a-z_]). */
	void (*metric_add)(struct crs_plugin_ctx *pctx, const char *name,
	                   const char *label, int64_t delta);

	/* ---- crypto helpers ---- */
	/* Fill buf with cryptographically secure random bytes. */
	int (*random_bytes)(void *buf, size_t len);
	int (*hmac_sha256)(const void *key, size_t key_len, const void *data,
	                   size_t len, unsigned char out[32]);

	/* A field of a bank's callback: the form body or, for a GET callback,
	 * the query string; the name matched case-insensitively (banks differ
	 * in the case of their fields).  Borrowed; NULL if absent. */
	const char *(*req_field)(struct crs_req *req, const char *name);

	/* The CSRF token of this request's session (borrowed): a page opened
	 * in a new tab learns it from a GET, since only same-origin script
	 * can read a response. */
	const char *(*session_csrf)(struct crs_req *req);

	/* ---- payments: the fee the core charges for a registration ---- */
	/* Deprecated since 1.1 ([payments] registration_fee_rial): a payable
	 * says its own amount in quote. */
	int64_t (*payment_fee_rial)(void);

	/* ---- civil logic: pure, thread-safe, shared by every plugin ---- */
	/* National ID as typed (spaces, Persian/Arabic digits, 8-9 digits
	 * left-padded) to ten ASCII digits: CRS_OK or a crs_nid_error. */
	int (*nid_normalize)(const char *in, char out[11]);
	/* The six-digit serial part: CRS_OK or CRS_EINVAL. */
	int (*serial_normalize)(const char *in, char out[7]);
	/* Mobile to 09XXXXXXXXX (accepts +989…, 989…, Persian digits). */
	int (*mobile_normalize)(const char *in, char out[12]);
	/* Persian/Arabic-Indic digits to ASCII and back (UTF-8). */
	int (*digits_ascii)(const char *in, char *out, size_t outsz);
	int (*digits_persian)(const char *in, char *out, size_t outsz);
	/* "258******6", "0914***8136" */
	int (*mask_nid)(const char *nid, char out[11]);
	int (*mask_mobile)(const char *mobile, char out[12]);
	/* Dates are Julian Day Numbers (JDN) between calendars.  Jalali is
	 * exact for 1300-1500 SH. */
	int (*jalali_parse)(const char *s, struct crs_ymd *out);
	int (*jalali_to_jdn)(const struct crs_ymd *j, int32_t *jdn);
	int (*jalali_from_jdn)(int32_t jdn, struct crs_ymd *out);
	int (*gregorian_to_jdn)(const struct crs_ymd *g, int32_t *jdn);
	int (*gregorian_from_jdn)(int32_t jdn, struct crs_ymd *out);
	/* 0 = Saturday … 6 = Friday */
	int (*weekday)(int32_t jdn);
	/* Full solar years (the 30 Esfand rule included). */
	int (*jalali_age_years)(const struct crs_ymd *birth,
	                        const struct crs_ymd *today);
	/* Tehran civil day and second of a Unix time, and back. */
	int (*tehran_local)(int64_t unix_ms, int32_t *jdn, int *sec_of_day);
	int (*tehran_to_unix_ms)(int32_t jdn, int sec_of_day, int64_t *out);
	/* The lunar date of a day and two before and after (5, in order),
	 * with the announced month starts ov[n] (sorted) taking precedence. */
	int (*hijri_options)(int32_t jdn, const struct crs_hijri_month *ov,
	                     size_t n, struct crs_ymd out[5]);
	/* Working seconds (Sat-Wed 08-16, Thu 08-12 Tehran; Fridays and the
	 * sorted holiday JDNs excluded) between two instants. */
	int (*workhours_between)(int64_t from_ms, int64_t to_ms,
	                         const int32_t *holidays, size_t n,
	                         int64_t *seconds);
	/* A Persian first name (letters, spaces, ZWNJ; 2-40 characters):
	 * CRS_OK or CRS_EINVAL. */
	int (*persian_name_valid)(const char *s);

	/* ================= since 1.1 ================= */

	/* ---- limits counted in the database (every crsd sees one count) ---- */
	/* Count one hit of subject in bucket (both [A-Za-z0-9_.:-], at most 32
	 * and 64 characters) if fewer than limit were counted in the last
	 * window_ms: CRS_OK (counted) or CRS_ELIMIT (refused, not counted).
	 * Exact inside db_tx (a rollback undoes the hit); on an autocommit
	 * connection concurrent hits may pass together. */
	int (*rate_hit)(struct crs_db *db, const char *bucket,
	                const char *subject, int64_t window_ms, int64_t limit);
	/* CRS_ELIMIT when limit hits were counted in the last window_ms. */
	int (*rate_check)(struct crs_db *db, const char *bucket,
	                  const char *subject, int64_t window_ms, int64_t limit);

	/* ---- text, numbers and time, the core's own (no plugin writes them
	 * again) ---- */
	/* Strict JSON (the reader of request bodies): one value, RFC 8259,
	 * UTF-8 of scalar values, no NUL, no duplicate keys, nesting <= 16.
	 * CRS_OK with *out (the caller owns it; NULL for JSON null) or
	 * CRS_EINVAL. */
	int (*json_parse)(const char *text, size_t len, struct json_object **out);
	/* A whole decimal int64 (optional '-'): CRS_OK or CRS_EINVAL. */
	int (*parse_i64)(const char *s, int64_t *out);
	/* Instants in DATETIME(3) columns are UTC text
	 * "YYYY-MM-DD HH:MM:SS.mmm". */
	void (*sql_time)(int64_t unix_ms, char out[24]);
	int (*sql_time_parse)(const char *s, int64_t *unix_ms);
	/* An instant as ISO 8601 in Tehran time ("…T11:30:00+03:30"). */
	void (*iso_tehran)(int64_t unix_ms, char out[32]);
	/* DATE columns ("YYYY-MM-DD", Gregorian) and Julian Day Numbers. */
	void (*sql_date)(int32_t jdn, char out[11]);
	int (*sql_date_parse)(const char *s, int32_t *jdn);

	/* ---- notifications with ids, keys and expiry ---- */
	/* Queue m in db's transaction (it is sent once that commits; a
	 * rollback takes it back): CRS_OK with its outbox id in *id (may be
	 * NULL), or CRS_EINVAL for a malformed message. */
	int (*notify)(struct crs_db *db, const struct crs_message *m, int64_t *id);

	/* ---- timers on the core clock ---- */
	/* Run fn on a core job thread as spec says until cancelled or the
	 * instance is quiesced; *out (may be NULL) is its handle.  A run that
	 * finds the database down to claim a once_key occurrence is tried
	 * again a few seconds later. */
	int (*schedule)(struct crs_plugin_ctx *pctx, const struct crs_schedule *spec,
	                crs_job_fn fn, void *arg, struct crs_timer **out);
	/* Stop it; a run in progress finishes.  The handle stays valid until
	 * the instance is destroyed (cancelling twice does nothing). */
	void (*schedule_cancel)(struct crs_timer *timer);

	/* ---- payments of a payable ---- */
	/* The latest attempt for subject_id of payable, a verified one first,
	 * as the citizen sees it (out->struct_size set by the caller). */
	int (*payment_status)(struct crs_db *db, const char *payable,
	                      int64_t subject_id, struct crs_payment_status *out);

	/* ---- the application lifecycle ---- */
	/* Move application m->application_id by m->event, in db's
	 * transaction: the core decides where it leads from m->from (read
	 * under the caller's row lock), sets the row's stage, writes the audit
	 * row and moves the statistics.  CRS_OK with *to; CRS_ECONFLICT with
	 * *reason (a Persian sentence for 409 OPERATION_NOT_ALLOWED) when the
	 * event does not apply at that stage or the caller's role may not
	 * cause it; CRS_EDB_RETRY when the row was not at m->from. */
	int (*life_move)(struct crs_db *db, const struct crs_life_move *m,
	                 enum crs_stage *to, const char **reason);
	/* An application row just inserted (at any stage: imports begin
	 * later): its "created" audit row and its count, in db's transaction.
	 * Who: req, or the system part named system_actor. */
	int (*life_begin)(struct crs_db *db, int64_t application_id,
	                  struct crs_req *req, const char *system_actor);
	/* The application of key (by id, national ID or tracking code) in one
	 * indexed read, locked when for_update (inside db_tx): CRS_OK,
	 * CRS_ENOTFOUND, or a db error.  out->struct_size set by the caller. */
	int (*app_load)(struct crs_db *db, enum crs_app_key by, const char *key,
	                int for_update, struct crs_app *out);
	/* What the matrix knows of a, and the API.md `application` object
	 * (a new reference; fee_rial is shown while nothing is paid). */
	void (*app_facts)(const struct crs_app *a, struct crs_life_facts *f);
	struct json_object *(*app_json)(const struct crs_app *a, int64_t fee_rial);
	/* SPEC §3.7: the operations f allows (CRS_OP_* bits), and where the
	 * first page sends the citizen. */
	unsigned (*life_operations)(const struct crs_life_facts *f);
	enum crs_next (*life_next)(const struct crs_life_facts *f);
	/* API names: "paid_no_slot", "change_mobile" (bit index 0..6),
	 * "confirm"; stage_parse is -1 for an unknown name. */
	const char *(*stage_name)(enum crs_stage s);
	int (*stage_parse)(const char *name);
	const char *(*operation_name)(unsigned bit_index);
	const char *(*next_name)(enum crs_next n);

	/* ---- civil formatters (what receipts and pages show) ---- */
	/* Strict UTF-8 (no overlongs, surrogates, > U+10FFFF): CRS_OK or
	 * CRS_EINVAL. */
	int (*utf8_valid)(const char *s);
	/* A real Jalali date in style (CRS_EINVAL when not a date). */
	int (*jalali_format)(const struct crs_ymd *j, enum crs_date_style style,
	                     char *out, size_t outsz);
	/* A lunar date as typed ("1410/11/15", any digits) and shown
	 * (CRS_DATE_LONG). */
	int (*hijri_parse)(const char *s, struct crs_ymd *out);
	int (*hijri_format)(const struct crs_ymd *h, enum crs_date_style style,
	                    char *out, size_t outsz);
	/* 0 = Saturday … 6 = Friday: "شنبه" … "جمعه"; NULL out of range. */
	const char *(*weekday_name)(int wd);

	/* ---- streaming a result (exports of hundreds of thousands of rows) --- */
	/* Run one prepared query and call fn for each row as it comes off the
	 * wire, in constant memory.  db is busy until it returns (fn must not
	 * use it); stopping early closes db's connection (the pool opens
	 * another), so never inside db_tx.  CRS_OK, fn's value, or a db error. */
	int (*db_query_each)(struct crs_db *db, const char *sql,
	                     const struct crs_param *params, size_t n_params,
	                     crs_row_fn fn, void *arg);

	/* Refuse after a failed database call rc (logged): 503 DB_UNAVAILABLE
	 * when the database is away or busy, else 500.  CRS_HANDLED. */
	int (*fail_db)(struct crs_req *req, int rc);
};

/* True if the core's table has member m (a member added after v1.0). */
#define CRS_API_HAS(api, m) \
	((api)->size >= offsetof(struct crs_api, m) + sizeof((api)->m))

#ifdef __cplusplus
}
#endif

#endif /* CRS_PLUGIN_API_H */
