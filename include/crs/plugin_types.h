/*
 * crs/plugin_types.h: the types of the plugin ABI — return codes, routes,
 * database parameters, HTTP, payments and payables, civil dates, the
 * lifecycle, notifications, timers.  Part of <crs/plugin.h>: include that.
 */
#ifndef CRS_PLUGIN_TYPES_H
#define CRS_PLUGIN_TYPES_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct json_object;

/* The bytes of type up to and including member. */
#define CRS_SIZE_THROUGH(type, member) \
	(offsetof(type, member) + sizeof(((type *)0)->member))

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

/* since 1.1: one application as the lifecycle service reads it
 * (api->app_load): the row, its offices and its latest payment.  Text is
 * "" when absent. */
enum crs_app_key {
	CRS_APP_BY_ID = 1,           /* key: the id in decimal */
	CRS_APP_BY_NATIONAL_ID,
	CRS_APP_BY_TRACKING_CODE
};

struct crs_app {
	size_t struct_size;          /* sizeof(struct crs_app), set by the caller */
	int64_t id;
	char national_id[11];
	char serial[7];
	char city_code[4];           /* where the citizen lived when it began */
	enum crs_stage stage;
	char birth_date[11];         /* SQL DATE */
	char birth_date_lunar[11];   /* Hijri "YYYY/MM/DD" as chosen */
	char gender[8];
	char religion[16];
	char mother_name[200];
	char mobile[12];
	int needs[4];                /* -1 unanswered, 0 no, 1 yes */
	int64_t office_id;           /* the appointment's office, 0 none */
	char appt_day[11];
	char appt_shift[8];
	char hold_until[24];
	char office_name[200], office_address[300], office_phone[9], office_city[4];
	/* Where the card is collected: the citizen's choice, else the default
	 * (the appointment office when it delivers cards, else the nearest
	 * delivering office of its city code by the first four digits of the
	 * phone, then the lowest id); 0 while there is neither. */
	int64_t delivery_office_id;
	int delivery_chosen;         /* 1: the citizen's (or fixed) choice */
	char delivery_name[200], delivery_address[300], delivery_phone[9];
	char delivery_city[4];
	char tracking_code[10];
	char no_show_until[11];
	/* The latest attempt of the card fee, a verified one first. */
	char pay_state[16];
	int64_t pay_amount;
	char pay_gateway[33];
	char pay_reference[65];
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

#ifdef __cplusplus
}
#endif

#endif /* CRS_PLUGIN_TYPES_H */
