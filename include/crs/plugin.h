/*
 * crs/plugin.h: the one ABI between crsd and its plugins (installed; see
 * crs-plugin.pc).
 *
 * A plugin is a shared object exporting one symbol, crs_plugin_entry(),
 * written with CRS_PLUGIN_DEFINE().  It returns a const descriptor (struct
 * crs_plugin): identity, routes, life-cycle hooks and typed extension points
 * such as a payment gateway.  Every service of the core (database pool,
 * configuration, log, HTTP client, sessions, captcha, payments,
 * notifications, jobs, clock) reaches the plugin through the table struct
 * crs_api handed to init(); a plugin links against no symbol of crsd.
 *
 * Compatibility (as SQLite keeps its interfaces): abi_major must equal the
 * core's; abi_minor may be older, and the core then reads only what that
 * minor knew.  Structs grow by appending only, each new group marked
 * "since 1.N".  How each struct tells its size across the boundary:
 *   - filled by the plugin and read by the core (struct crs_plugin, struct
 *     crs_gateway_ops, struct crs_payable_ops, struct crs_http_request and
 *     every struct new in 1.1): a struct_size member, which the core checks
 *     against the frozen size of the oldest minor (CRS_*_SIZE_1_0) and
 *     reads newer members only when it covers them;
 *   - the route array: its element size is the descriptor's route_size
 *     (since 1.1; 1.0 routes are CRS_ROUTE_SIZE_1_0 bytes);
 *   - lent by the core for the plugin to fill (struct crs_pay_redirect,
 *     crs_pay_callback, crs_pay_outcome) or to read (struct crs_api, struct
 *     crs_principal, struct crs_pay_attempt): the core's own, newest
 *     layout, zeroed, of which an older plugin knows a prefix;
 *   - owned by the plugin and filled by the core (struct crs_http_response,
 *     struct crs_err): frozen for all of 1.x.
 * A plugin built against a newer minor is refused.  Test CRS_API_HAS()
 * before using a member of struct crs_api added after the minor you need.
 *
 * Threads: handlers run concurrently on the core's worker threads.  Keep
 * per-instance state read-only after init() or protect it yourself.  Never
 * retain a struct crs_req, or any pointer obtained from it, after the
 * handler returns.  Never call process-wide functions (exit, signal,
 * setlocale, curl_global_*, mysql_library_*, lt_dl*), never start threads
 * (use jobs and timers) and never open a database connection of your own.
 *
 * Errors: functions return 0 (CRS_OK) or a negative enum crs_rc.  A handler
 * that refuses a request calls api->fail() with a public code and a Persian
 * message; the core renders the error body of API.md and logs the detail.
 */
#ifndef CRS_PLUGIN_H
#define CRS_PLUGIN_H

#include <json-c/json_c_version.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CRS_ABI_MAJOR 1
#define CRS_ABI_MINOR 1
#define CRS_PLUGIN_MAGIC 0x50535243u /* "CRSP" little-endian */

struct json_object;

/* Opaque handles owned by the core. */
struct crs_req;        /* one HTTP request; valid until the handler returns */
struct crs_plugin_ctx; /* the core's record of one plugin instance */
struct crs_db;         /* one pooled MariaDB connection, lent to the caller */
struct crs_rows;       /* a fully fetched result set */

enum crs_rc {
	CRS_OK = 0,
	CRS_EINVAL = -1,       /* bad argument or input */
	CRS_ENOMEM = -2,
	CRS_ETIMEDOUT = -3,    /* a deadline passed before the work was sent */
	CRS_EUNAVAIL = -4,     /* a dependency (database, pool) is unavailable */
	CRS_EDB_RETRY = -5,    /* deadlock / certification failure: retry the tx */
	CRS_EDB_GONE = -6,     /* connection lost; outcome of a COMMIT unknown */
	CRS_EUPSTREAM = -7,    /* a remote service failed before accepting work */
	CRS_EUPSTREAM_AMBIGUOUS = -8, /* sent, but no answer: outcome unknown */
	CRS_ECONFLICT = -9,    /* a state precondition did not hold */
	CRS_ENOTFOUND = -10,
	CRS_EDUP = -11,        /* unique key already present */
	CRS_EFAIL = -12,       /* anything else; see the log */
	CRS_EREFUSED = -13,    /* the handler already rendered a refusal */
	CRS_ELIMIT = -14       /* a counted limit is reached (rate_hit) */
};

/* Handler results. */
enum crs_handler_rc {
	CRS_HANDLED = 0,  /* the response is complete (success or api->fail) */
	CRS_ERROR = -1    /* internal failure: the core answers 500 */
};

enum crs_log_level {
	CRS_LOG_ERROR = 0,
	CRS_LOG_WARN = 1,
	CRS_LOG_INFO = 2,
	CRS_LOG_DEBUG = 3
};

/* Who may call a route.  The core checks before the handler runs and
 * answers 401/403 itself. */
enum crs_auth {
	CRS_AUTH_NONE = 0,
	CRS_AUTH_SESSION = 1, /* citizen session cookie; CSRF on POST/PUT/DELETE */
	CRS_AUTH_BEARER = 2   /* Authorization: Bearer with crs_route.role */
};

/* Route flags. */
#define CRS_ROUTE_JSON 0x1u  /* body must be application/json; parsed first */
#define CRS_ROUTE_FORM 0x2u  /* body must be x-www-form-urlencoded; parsed */
#define CRS_ROUTE_NOCSRF 0x4u /* session route that skips the CSRF check
                                 (login itself, idempotent logout) */
/* since 1.1 */
#define CRS_ROUTE_STREAM 0x8u /* answers with resp_stream_begin: nginx does
                                 not buffer it, and crs_route.deadline_ms
                                 may exceed the core's request deadline */
#define CRS_ROUTE_TEXT 0x10u  /* errors the core makes for this route (401,
                                 403, 404, 413, 415, 503…) are text/plain:
                                 "END <message>" for USSD-like clients */

typedef int (*crs_handler_fn)(struct crs_req *req, void *inst);

/*
 * One route.  path is a template of '/'-separated segments where a segment
 * "{name}" captures one path segment (read it with api->req_param).  Paths
 * under /admin/ are served on the admin listener only; all others on the
 * public listener only.
 */
struct crs_route {
	const char *method;     /* "GET", "POST", "PUT", "DELETE" */
	const char *path;
	crs_handler_fn handler;
	unsigned flags;         /* CRS_ROUTE_* */
	enum crs_auth auth;
	const char *role;       /* CRS_AUTH_BEARER: "office", "registry",
	                           "subsidy", "admin" */
	/* since 1.1 */
	const char *roles;      /* CRS_AUTH_BEARER: any of these roles,
	                           space-separated ("office registry"); when
	                           set, role is ignored */
	int64_t deadline_ms;    /* 0: the core's request deadline; a
	                           CRS_ROUTE_STREAM route may take longer */
};

/* One entry of a route table with the 1.0 members; those of later minors
 * are zero (name them after it: { CRS_ROUTE_FIELDS(…), .roles = "…" }).
 * The extra level lets an argument be a macro standing for several. */
#define CRS_ROUTE_FIELDS(...) CRS_ROUTE_FIELDS_(__VA_ARGS__)
#define CRS_ROUTE_FIELDS_(m, p, h, f, a, r) \
	.method = (m), .path = (p), .handler = (h), .flags = (f), .auth = (a), \
	.role = (r)
#define CRS_ROUTE_DEF(...) { CRS_ROUTE_FIELDS(__VA_ARGS__) }

/* The size of a 1.0 route: the element size of a 1.0 plugin's routes. */
#define CRS_ROUTE_SIZE_1_0 offsetof(struct crs_route, roles)

/* Filled by the plugin on init failure; the core logs it. */
struct crs_err {
	char msg[256];
};

/* The authenticated caller of a bearer route. */
struct crs_principal {
	const char *role;    /* "office", "registry", "subsidy", "admin" */
	const char *name;
	int64_t office_id;   /* 0 unless role is "office" */
	int64_t token_id;
};

/* ---- database -------------------------------------------------------- */

enum crs_ptype {
	CRS_PT_NULL = 0,
	CRS_PT_INT = 1,
	CRS_PT_STR = 2,
	CRS_PT_DOUBLE = 3,
	CRS_PT_BLOB = 4
};

/* One bound parameter of a prepared statement.  Strings are borrowed for the
 * duration of the call; len may be (size_t)-1 for a NUL-terminated string. */
struct crs_param {
	enum crs_ptype type;
	int64_t i;
	double d;
	const char *s;
	size_t len;
};

#define CRS_P_NULL ((struct crs_param){ .type = CRS_PT_NULL })
#define CRS_P_INT(v) ((struct crs_param){ .type = CRS_PT_INT, .i = (int64_t)(v) })
#define CRS_P_STR(v) \
	((struct crs_param){ .type = CRS_PT_STR, .s = (v), .len = (size_t)-1 })
#define CRS_P_STRN(v, n) \
	((struct crs_param){ .type = CRS_PT_STR, .s = (v), .len = (n) })
#define CRS_P_BLOB(v, n) \
	((struct crs_param){ .type = CRS_PT_BLOB, .s = (const char *)(v), .len = (n) })
#define CRS_P_DOUBLE(v) ((struct crs_param){ .type = CRS_PT_DOUBLE, .d = (v) })

/* CRS_PARAMS(a, b, …) expands to "array, count" for db_exec's last two
 * parameters before the outputs. */
#define CRS_PARAMS(...) \
	((const struct crs_param[]){ __VA_ARGS__ }), \
	(sizeof((const struct crs_param[]){ __VA_ARGS__ }) / sizeof(struct crs_param))
#define CRS_NO_PARAMS NULL, 0

/* What a statement did. */
struct crs_exec {
	uint64_t affected;
	uint64_t insert_id;
};

/* since 1.1: one row of a streamed query (see db_query_each); read it with
 * the rows_* functions, which see exactly this row.  Return CRS_OK for the
 * next one, anything else to stop (that value is returned). */
typedef int (*crs_row_fn)(struct crs_rows *row, void *arg);

/* The body of a transaction.  Return CRS_OK to commit, anything else to roll
 * back.  It may be run more than once (whole-transaction retry on deadlock or
 * certification failure), so it must not have effects outside the database
 * before it returns, and must reset any output it fills. */
typedef int (*crs_tx_fn)(struct crs_db *db, void *arg);

/* ---- outgoing HTTP ---------------------------------------------------- */

struct crs_http_header {
	const char *name;
	const char *value;
};

struct crs_http_request {
	size_t struct_size;            /* sizeof(struct crs_http_request) */
	const char *method;            /* "GET", "POST" */
	const char *url;
	const struct crs_http_header *headers;
	size_t n_headers;
	const char *body;
	size_t body_len;
	long timeout_ms;               /* total; 0 = core default (10 s) */
	long connect_timeout_ms;       /* 0 = core default (3 s) */
	size_t max_response;           /* 0 = core default (1 MiB) */
};

struct crs_http_response {
	long status;                   /* HTTP status, 0 if none */
	char *body;                    /* NUL-terminated; free with http_release */
	size_t body_len;
	char content_type[128];
	char error[256];               /* transport error text, if any */
};

/* ---- payments (core orchestration; gateway plugins implement ops) ------ */

/* What the core tells a gateway about one payment attempt.  Read-only. */
struct crs_pay_attempt {
	size_t struct_size;
	int64_t payment_id;
	int64_t order_id;        /* numeric, unique, what the bank sees */
	int64_t amount_rial;
	const char *callback_url;/* absolute URL the bank must return to */
	const char *token;       /* the bank's token once issued, else NULL */
	const char *mobile;      /* citizen mobile, normalised, may be NULL */
	int64_t created_unix;
};

/* Where to send the browser.  fields is NULL on entry; the gateway may set
 * it to a new JSON object of form fields, which the core owns (and frees)
 * after describe_redirect returns, whatever it returned. */
struct crs_pay_redirect {
	char method[8];          /* "GET" or "POST" */
	char url[512];
	struct json_object *fields;
};

/* What a bank callback claims.  The core never trusts it alone. */
struct crs_pay_callback {
	int64_t order_id;        /* 0 if absent */
	char token[128];
	int bank_says_ok;        /* the callback reports success */
	int64_t amount_rial;     /* -1 if the callback carries none */
	char status_code[32];    /* the bank's raw result code */
	char reference[64];      /* RRN / reference if present */
};

enum crs_pay_verdict {
	CRS_PAY_VERIFIED = 1,    /* money taken and confirmed */
	CRS_PAY_FAILED = 2,      /* definitely not paid */
	CRS_PAY_UNKNOWN = 3      /* no answer: the reconciler will ask again */
};

struct crs_pay_outcome {
	enum crs_pay_verdict verdict;
	int64_t amount_rial;     /* amount the bank confirmed, -1 if unknown */
	char reference[64];      /* retrieval reference number */
	char trace[64];          /* system trace number, if any */
	char card_masked[32];
	char bank_code[32];
	char message[256];       /* Persian, for the citizen */
	int already_done;        /* the bank said "already verified/confirmed":
	                            the core decides, atomically, what it means */
};

/*
 * A payment gateway: only the bank's protocol.  The core owns the payment
 * row, its states, the slot hold and every decision; these ops are called
 * outside any database transaction, from any worker or job thread, and may
 * run concurrently.  Each returns CRS_OK or a negative crs_rc:
 *   request_token: CRS_EUPSTREAM when the bank refused or could not be
 *     reached (message says why, in Persian), CRS_EUPSTREAM_AMBIGUOUS when
 *     the request went out but no answer came (the core uses a new order id
 *     for the next attempt);
 *   verify: CRS_OK with out->verdict set (CRS_PAY_UNKNOWN when the bank did
 *     not answer: never report FAILED for a timeout);
 *   parse_callback: CRS_EINVAL when the fields are unusable.
 * The callback arrives on the core's route /pay/<gateway name>/callback as a
 * form POST (or GET with a query); read it with api->req_field(req, name).
 */
struct crs_gateway_ops {
	size_t struct_size;      /* sizeof(struct crs_gateway_ops) */
	const char *name;        /* "sadad" */
	const char *title;       /* Persian, for the gateway list */
	/* Ask the bank for a token for this attempt. */
	int (*request_token)(void *inst, const struct crs_pay_attempt *a,
	                     char *token, size_t token_size, char *message,
	                     size_t message_size);
	/* Describe how the browser reaches the bank's page. */
	int (*describe_redirect)(void *inst, const struct crs_pay_attempt *a,
	                         struct crs_pay_redirect *out);
	/* Read the bank's callback from the request (form fields). */
	int (*parse_callback)(void *inst, struct crs_req *req,
	                      struct crs_pay_callback *out);
	/* Verify / confirm server-to-server. */
	int (*verify)(void *inst, const struct crs_pay_attempt *a,
	              const struct crs_pay_callback *cb,
	              struct crs_pay_outcome *out);
	/* Reverse a confirmed payment (NULL if the bank refunds by itself). */
	int (*reverse)(void *inst, const struct crs_pay_attempt *a,
	               struct crs_pay_outcome *out);
};

/* ---- since 1.1: what citizens pay for (payable) ------------------------ */

/*
 * A payable is something citizens pay for, declared by the plugin that owns
 * it (the registration fee of an application).  The core keeps the
 * attempts, speaks to the gateways and decides, whatever the timing, which
 * attempt is kept; the payable says what may be paid and what a kept
 * payment means, each time inside the core's own transaction, so a payment
 * and its meaning commit together.
 */
struct crs_payable_quote {
	size_t struct_size;      /* set by the core */
	int64_t subject_id;      /* what is paid for (an application id) */
	int64_t amount_rial;
	char mobile[12];         /* shown at the bank's page; may stay "" */
	/* A refusal instead (return CRS_EREFUSED): status, public code and
	 * Persian message, e.g. 409 OPERATION_NOT_ALLOWED "…first choose an
	 * office". */
	int refusal_status;
	const char *refusal_code;
	const char *refusal_message;
};

struct crs_payable_paid {
	size_t struct_size;      /* set by the core */
	int64_t subject_id;
	int64_t payment_id;
	int64_t amount_rial;
	int64_t window_end_ms;   /* the attempt's bank window: a place held for
	                            it stays held until then */
	const char *gateway;
	const char *reference;   /* the bank's RRN */
};

/* What a citizen sees of a subject's latest attempt (payment_status). */
struct crs_payment_status {
	size_t struct_size;      /* the caller's sizeof: the core fills that much */
	char state[16];          /* none|pending|verified|failed|expired|reversed */
	int64_t amount_rial;     /* 0 when none */
	char gateway[33];
	char reference[65];
};

struct crs_payable_ops {
	size_t struct_size;      /* sizeof(struct crs_payable_ops) */
	const char *name;        /* [a-z0-9_]+, stored with each attempt */
	/* What the session's citizen (session_subject) would pay for now: lock
	 * it (SELECT … FOR UPDATE), fill q, or refuse with CRS_EREFUSED. */
	int (*quote)(void *inst, struct crs_db *db, const char *session_subject,
	             struct crs_payable_quote *q);
	/* Lock subject_id (FOR UPDATE): claims and outcomes of its attempts
	 * serialise on it.  CRS_ENOTFOUND when it is gone. */
	int (*lock)(void *inst, struct crs_db *db, int64_t subject_id);
	/* A verified payment, after lock: book what was paid for (and queue
	 * what tells the citizen).  CRS_ECONFLICT: the subject takes no
	 * payment any more (paid otherwise): the core gives the money back. */
	int (*paid)(void *inst, struct crs_db *db, const struct crs_payable_paid *p);
	/* Optional: the subject's attempts at the bank now end at until_ms (0:
	 * none is open); a place held for them should stay held until then. */
	int (*at_bank)(void *inst, struct crs_db *db, int64_t subject_id,
	               int64_t until_ms);
};

#define CRS_PAYABLE_OPS_SIZE_1_1 CRS_SIZE_THROUGH(struct crs_payable_ops, at_bank)

/* ---- civil logic ---------------------------------------------------------- */

/* A calendar date (Jalali, Gregorian or lunar Hijri, as the call says). */
struct crs_ymd {
	int y;
	int m;
	int d;
};

/* One announced lunar month start (Iran's moon sighting), overriding the
 * tabular calendar. */
struct crs_hijri_month {
	int year;
	int month;
	int32_t jdn_day1;        /* Julian Day Number of its first day */
};

/* since 1.1: how a date is shown, always with Persian digits. */
enum crs_date_style {
	CRS_DATE_NUMERIC = 1,    /* "۱۴۰۳/۰۹/۱۰" (Jalali only) */
	CRS_DATE_LONG = 2,       /* "۱۰ آذر ۱۴۰۳", "۱۵ ذی‌القعده ۱۴۱۰" */
	CRS_DATE_WEEKDAY = 3     /* "شنبه ۱۰ آذر ۱۴۰۳" (Jalali only) */
};

enum crs_nid_error {
	CRS_NID_FORMAT = -1,     /* not 8-10 digits */
	CRS_NID_CHECKSUM = -2,   /* wrong check digit */
	CRS_NID_PATTERN = -3     /* a pattern no real code has */
};

/* ---- jobs and timers --------------------------------------------------- */

/* A job or timer body.  Runs on a core job thread with no request; use the
 * database through api->db_tx(NULL, …).  Must return promptly when
 * api->job_cancelled(pctx) says so. */
typedef void (*crs_job_fn)(void *inst, void *arg);

/* since 1.1: the application lifecycle (SPEC §3.7, §5), one for every
 * plugin that moves an application: its stages, the events between them,
 * the operations each stage allows, and the audit row of every move. */
enum crs_stage {
	CRS_STAGE_ENTERED = 0,
	CRS_STAGE_DETAILS_DONE,
	CRS_STAGE_RESERVED,
	CRS_STAGE_PAID,
	CRS_STAGE_PAID_NO_SLOT,
	CRS_STAGE_COMPLETION_STARTED,
	CRS_STAGE_COMPLETION_DONE,
	CRS_STAGE_PRODUCTION_STARTED,
	CRS_STAGE_CARD_READY,
	CRS_STAGE_DELIVERED,
	CRS_STAGE_COUNT
};

enum crs_life_event {
	CRS_EV_DETAILS_DONE = 1, /* entered → details_done (citizen) */
	CRS_EV_HOLD,             /* details_done → reserved: a place held */
	CRS_EV_HOLD_LAPSED,      /* reserved → details_done: the hold ran out */
	CRS_EV_PAID,             /* reserved → paid: fee verified, place held */
	CRS_EV_PAID_NO_SLOT,     /* entered, details_done, reserved → paid_no_slot:
	                            fee verified after the hold ran out */
	CRS_EV_BOOK,             /* paid_no_slot → paid: a place after paying */
	CRS_EV_NO_SHOW,          /* paid → paid_no_slot (office) */
	CRS_EV_COMPLETION_START, /* paid → completion_started (office) */
	CRS_EV_COMPLETION_DONE,  /* completion_started → completion_done (office) */
	CRS_EV_PRODUCTION_START, /* completion_done → production_started (registry) */
	CRS_EV_CARD_READY,       /* production_started → card_ready (office) */
	CRS_EV_DELIVERED,        /* card_ready → delivered (office) */
	CRS_EV_COUNT
};

/* What the matrix needs to know of an application. */
struct crs_life_facts {
	size_t struct_size;      /* sizeof(struct crs_life_facts) */
	enum crs_stage stage;
	int details_complete;    /* the six personal details are in */
	int needs_complete;      /* the four questions are answered */
	int paid;                /* a verified payment exists */
};

/* The operations of SPEC §3.7, as bits of life_operations. */
#define CRS_OP_PRINT_RECEIPT 0x01u
#define CRS_OP_SAVE_RECEIPT 0x02u
#define CRS_OP_EMAIL_RECEIPT 0x04u
#define CRS_OP_EDIT_DETAILS 0x08u
#define CRS_OP_CHANGE_MOBILE 0x10u
#define CRS_OP_CHANGE_APPOINTMENT 0x20u
#define CRS_OP_CHANGE_DELIVERY_OFFICE 0x40u
#define CRS_OP_COUNT 7

/* Where the first page sends a citizen (API.md "next"). */
enum crs_next {
	CRS_NEXT_DETAILS = 0,
	CRS_NEXT_APPOINTMENT,
	CRS_NEXT_CONFIRM,
	CRS_NEXT_RECEIPT,
	CRS_NEXT_STATUS
};

/* One move of one application, as the caller asks for it. */
struct crs_life_move {
	size_t struct_size;      /* sizeof(struct crs_life_move) */
	int64_t application_id;
	enum crs_stage from;     /* as read under the caller's row lock */
	enum crs_life_event event;
	/* Who: the request's bearer principal or citizen session; NULL for
	 * the system, named by system_actor ("hold sweeper", "payments"). */
	struct crs_req *req;
	const char *system_actor;
	const char *detail;      /* optional note for the audit row */
};

/* since 1.1: a notification for the outbox (api->notify). */
enum crs_msg_channel {
	CRS_MSG_SMS = 1,
	CRS_MSG_EMAIL = 2
};

struct crs_message {
	size_t struct_size;      /* sizeof(struct crs_message) */
	enum crs_msg_channel channel;
	const char *to;          /* 09XXXXXXXXX or an e-mail address */
	const char *subject;     /* e-mail only */
	const char *text;
	const char *attachment_name;  /* e-mail, optional */
	const char *attachment_type;
	const void *attachment;
	size_t attachment_len;
	/* Optional, ASCII, at most 100: a message queued again under the same
	 * key is the first one (its id is returned), however often the event
	 * that causes it is retried ("appt-reminder:<application>:<day>"). */
	const char *dedup_key;
	int64_t expires_ms;      /* optional: never sent after this instant */
};

/* since 1.1: timers on the core clock (the test clock moves them too). */
enum crs_schedule_kind {
	CRS_SCHEDULE_EVERY = 1,  /* every every_ms, on multiples of it */
	CRS_SCHEDULE_DAILY = 2   /* once a day at daily_at, Tehran time */
};

struct crs_schedule {
	size_t struct_size;      /* sizeof(struct crs_schedule) */
	enum crs_schedule_kind kind;
	int64_t every_ms;        /* CRS_SCHEDULE_EVERY: at least 1000 */
	int32_t daily_at;        /* CRS_SCHEDULE_DAILY: seconds after Tehran
	                            midnight, 0..86399 (11:00 = 39600) */
	/* Non-NULL ([a-z0-9_]{1,32}): of several crsd sharing the database,
	 * exactly one runs each occurrence (claimed in the database under
	 * "<plugin>:<once_key>" first).  NULL: every crsd runs it. */
	const char *once_key;
};

struct crs_timer;          /* a scheduled timer, for schedule_cancel */

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
	/* Decide where m->event leads from m->from and write the audit row in
	 * db's transaction: CRS_OK with *to, or CRS_ECONFLICT with *reason (a
	 * Persian sentence for 409 OPERATION_NOT_ALLOWED) when the event does
	 * not apply at that stage or the caller's role may not cause it.  The
	 * caller then moves its row with "WHERE stage = <from>" in the same
	 * transaction (and rolls back if that finds nothing). */
	int (*life_move)(struct crs_db *db, const struct crs_life_move *m,
	                 enum crs_stage *to, const char **reason);
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
};

/* True if the core's table has member m (a member added after v1.0). */
#define CRS_API_HAS(api, m) \
	((api)->size >= offsetof(struct crs_api, m) + sizeof((api)->m))

/* Plugin flags. */
#define CRS_PLUGIN_THREAD_SAFE 0x1u /* handlers may run concurrently */

/*
 * The descriptor.  Fill it with CRS_PLUGIN_INIT so that the identity fields
 * are right and omitted members are NULL.
 */
struct crs_plugin {
	uint32_t magic;
	uint16_t abi_major;
	uint16_t abi_minor;
	uint32_t struct_size;
	const char *build_sig;
	const char *name;        /* [a-z0-9_]+, equals the .so file name */
	const char *version;
	const char *description;
	unsigned flags;          /* CRS_PLUGIN_* */
	const struct crs_route *routes;
	size_t n_routes;
	/* Build the instance: read config, prepare state; *inst is handed to
	 * every handler.  On failure fill err and return a negative crs_rc. */
	int (*init)(const struct crs_api *api, struct crs_plugin_ctx *pctx,
	            void **inst, struct crs_err *err);
	/* Stop starting new work (optional); handlers may still be running. */
	void (*quiesce)(void *inst);
	/* Free the instance; no handler, job or timer runs any more. */
	void (*destroy)(void *inst);
	/* Extension points (NULL when not provided). */
	const struct crs_gateway_ops *gateway;
	/* since 1.1 */
	size_t route_size;       /* sizeof(struct crs_route) (CRS_ROUTES sets it) */
	const struct crs_payable_ops *payable;
};

/* The bytes of type up to and including member. */
#define CRS_SIZE_THROUGH(type, member) \
	(offsetof(type, member) + sizeof(((type *)0)->member))
/* Frozen sizes of the 1.0 structs that tell their size: the smallest the
 * core accepts. */
#define CRS_PLUGIN_SIZE_1_0 CRS_SIZE_THROUGH(struct crs_plugin, gateway)
#define CRS_GATEWAY_OPS_SIZE_1_0 CRS_SIZE_THROUGH(struct crs_gateway_ops, reverse)
#define CRS_HTTP_REQUEST_SIZE_1_0 \
	CRS_SIZE_THROUGH(struct crs_http_request, max_response)
/* Does struct s (of a plugin: s->struct_size) have member m? */
#define CRS_HAS_MEMBER(s, m) \
	((size_t)(s)->struct_size >= CRS_SIZE_THROUGH(__typeof__(*(s)), m))

#define CRS_STR2(x) #x
#define CRS_STR(x) CRS_STR2(x)
/* json-c objects cross the boundary: core and plugin must share json-c's
 * shared-library ABI (its soname, 5 since json-c 0.15), read from json-c's
 * own version macros. */
#if JSON_C_MAJOR_VERSION == 0 && JSON_C_MINOR_VERSION >= 15
#define CRS_JSONC_ABI 5
#elif JSON_C_MAJOR_VERSION == 0 && JSON_C_MINOR_VERSION >= 13
#define CRS_JSONC_ABI 4
#else
#error "json-c 0.13 or later is required"
#endif
/* Layout facts that must agree between core and plugin. */
#define CRS_BUILD_SIG \
	"ptr" CRS_STR(__SIZEOF_POINTER__) "-long" CRS_STR(__SIZEOF_LONG__) \
	"-abi" CRS_STR(CRS_ABI_MAJOR) "-jsonc" CRS_STR(CRS_JSONC_ABI)

#define CRS_PLUGIN_INIT                          \
	.magic = CRS_PLUGIN_MAGIC,                   \
	.abi_major = CRS_ABI_MAJOR,                  \
	.abi_minor = CRS_ABI_MINOR,                  \
	.struct_size = sizeof(struct crs_plugin),    \
	.build_sig = CRS_BUILD_SIG

#define CRS_ROUTES(arr) .routes = (arr), .n_routes = sizeof(arr) / sizeof((arr)[0]), \
	.route_size = sizeof(struct crs_route)

/* Define the entry symbol returning desc (a static const struct crs_plugin). */
#define CRS_PLUGIN_DEFINE(desc)                                          \
	__attribute__((visibility("default"))) const struct crs_plugin *  \
	crs_plugin_entry(void);                                          \
	const struct crs_plugin *crs_plugin_entry(void) { return &(desc); }

#ifdef __cplusplus
}
#endif

#endif /* CRS_PLUGIN_H */
