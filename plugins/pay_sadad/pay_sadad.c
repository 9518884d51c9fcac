/*
 * pay_sadad: the Bank Melli / Sadad PSP gateway (gateways.md §1).
 *
 * Only the bank's protocol lives here; the core owns the payment row, its
 * states and every decision (plugin.h, struct crs_gateway_ops).
 *
 *   request_token      POST {base}{api_prefix}/api/v0/Request/PaymentRequest
 *                      JSON {MerchantId, TerminalId, Amount, OrderId,
 *                      LocalDateTime, ReturnUrl, SignData}
 *                      -> {ResCode, Token, Description}
 *   describe_redirect  GET {base}{purchase_path}?Token=<token>
 *   parse_callback     form POST (or GET): OrderId, token|Token, ResCode
 *   verify             POST {base}{api_prefix}/api/v0/Advice/Verify
 *                      JSON {Token, SignData=sign(Token)}
 *                      -> {ResCode, Amount, RetrivalRefNo, SystemTraceNo,
 *                          OrderId, Description}
 *   reverse            none: Sadad has no merchant reversal API; an
 *                      unverified payment is refunded by the bank itself.
 *
 * Configuration ([plugin.pay_sadad]): base_url, merchant_id, terminal_id,
 * key (base64 of the 24-byte 3DES terminal key) are required; api_prefix
 * ("/VPG"), purchase_path ("/VPG/Purchase"), timeout_ms (10000),
 * local_time_format ("php"), utc_offset_min (unset: the core's Tehran time,
 * else UTC+210 min) and user_agent (none) are optional.  See docs/payment-plugins.md.
 *
 * Thread-safe: the instance is read-only after init; every call builds and
 * frees its own JSON objects.  The key is never logged, nor the token.
 */
#define _POSIX_C_SOURCE 200809L /* gmtime_r; plugins do not include config.h */

#include <crs/plugin.h>

#include "messages.h"
#include "sadad_sign.h"

#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#define URL_MAX 512
#define MAX_AMOUNT_RIAL INT64_C(1000000000000000) /* 10^15: far above any fee */

enum time_format { TF_PHP, TF_ISO, TF_COMPACT };

struct sadad {
	const struct crs_api *api;
	struct crs_plugin_ctx *pctx;
	char request_url[URL_MAX];
	char verify_url[URL_MAX];
	char purchase_url[URL_MAX];
	char merchant_id[33];
	char terminal_id[33];
	char user_agent[128];
	unsigned char key[SADAD_KEY_LEN];
	long timeout_ms;
	int64_t utc_offset_min;
	int core_tz;                /* use api->tehran_local */
	enum time_format time_format;
};

/* ---- small helpers ------------------------------------------------------ */

/* Copy a message, cutting (if ever needed) on a UTF-8 character boundary. */
static void set_msg(char *buf, size_t size, const char *msg)
{
	size_t n;

	if (!buf || !size)
		return;
	n = strlen(msg);
	if (n >= size) {
		n = size - 1;
		while (n && ((unsigned char)msg[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(buf, msg, n);
	buf[n] = '\0';
}

static int digits_only(const char *s, size_t max)
{
	size_t n = 0;

	if (!s || !*s)
		return 0;
	for (; *s; s++, n++)
		if (*s < '0' || *s > '9' || n >= max)
			return 0;
	return 1;
}

static int token_ok(const char *t)
{
	size_t n = 0;

	if (!t || !*t)
		return 0;
	for (; *t; t++, n++)
		if (n >= 127 || (unsigned char)*t <= 0x20 || (unsigned char)*t >= 0x7f)
			return 0;
	return 1;
}

static int http_url_ok(const char *u)
{
	return u && (strncmp(u, "http://", 7) == 0 || strncmp(u, "https://", 8) == 0) &&
	       !strpbrk(u, " \t\r\n\"<>");
}

/* Percent-encode s for a query value (RFC 3986 unreserved kept). */
static int url_escape(const char *s, char *out, size_t outsz)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
			if (o + 1 >= outsz)
				return -1;
			out[o++] = (char)c;
		} else {
			if (o + 3 >= outsz)
				return -1;
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	if (o >= outsz)
		return -1;
	out[o] = '\0';
	return 0;
}

/* ---- JSON (X6: member names matched case-insensitively) ------------------ */

/* The bank's answer as a JSON object, read by the core's strict reader (a
 * byte-order mark some servers send aside). */
static struct json_object *json_parse_object(const struct crs_api *api,
                                             const char *body, size_t len)
{
	struct json_object *o = NULL;

	if (!body)
		return NULL;
	if (len >= 3 && memcmp(body, "\xEF\xBB\xBF", 3) == 0) {
		body += 3;
		len -= 3;
	}
	if (api->json_parse(body, len, &o) != CRS_OK)
		return NULL;
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static struct json_object *jget(struct json_object *obj, const char *key)
{
	struct json_object *v = NULL;

	if (json_object_object_get_ex(obj, key, &v))
		return v;
	{
		json_object_object_foreach(obj, k, val) {
			if (strcasecmp(k, key) == 0)
				return val;
		}
	}
	return NULL;
}

/* An integer member given as a JSON integer or as a string of digits (the
 * bank's ResCode is either, §1.5).  0, or -1 when absent or malformed. */
static int jint(const struct crs_api *api, struct json_object *obj, const char *key,
                int64_t *out)
{
	struct json_object *v = jget(obj, key);

	if (!v)
		return -1;
	if (json_object_is_type(v, json_type_int)) {
		/* The strict reader refused literals beyond int64. */
		*out = json_object_get_int64(v);
		return 0;
	}
	if (json_object_is_type(v, json_type_string)) {
		char buf[32];
		const char *s = json_object_get_string(v);

		while (*s == ' ')
			s++;
		snprintf(buf, sizeof(buf), "%s", s);
		buf[strcspn(buf, " ")] = '\0';
		return api->parse_i64(buf, out) == CRS_OK ? 0 : -1;
	}
	return -1;
}

/* A string member (numbers are accepted and printed in decimal: the RRN and
 * trace numbers are strings in the models but numbers in some answers).
 * -1 when absent, of another type, or too long for out. */
static int jstr(struct json_object *obj, const char *key, char *out, size_t outsz)
{
	struct json_object *v = jget(obj, key);

	int n;

	if (!v || outsz == 0)
		return -1;
	if (json_object_is_type(v, json_type_string))
		n = snprintf(out, outsz, "%s", json_object_get_string(v));
	else if (json_object_is_type(v, json_type_int))
		n = snprintf(out, outsz, "%" PRId64, json_object_get_int64(v));
	else
		return -1;
	if (n < 0 || (size_t)n >= outsz) {
		out[0] = '\0';   /* never a silently truncated value */
		return -1;
	}
	return 0;
}

/* Only printable ASCII goes into references (they land in ASCII columns). */
static void ascii_clean(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x21 || (unsigned char)*s > 0x7e)
			*s = '_';
}

/* ---- the merchant's local time (pitfall 10) ---------------------------- */

/* Tehran wall-clock time now, from the core's clock: the core's own
 * Tehran conversion when it has one (and no utc_offset_min is configured),
 * else UTC + utc_offset_min (Iran has kept +03:30 all year since 2022). */
static void tehran_now(const struct sadad *s, struct tm *tm)
{
	int64_t now = s->api->now_ms();
	time_t t;

	if (s->core_tz) {
		int32_t jdn;
		int sec;
		struct crs_ymd g;

		if (s->api->tehran_local(now, &jdn, &sec) == CRS_OK &&
		    s->api->gregorian_from_jdn(jdn, &g) == CRS_OK && sec >= 0 &&
		    sec < 86400) {
			memset(tm, 0, sizeof(*tm));
			tm->tm_year = g.y - 1900;
			tm->tm_mon = g.m - 1;
			tm->tm_mday = g.d;
			tm->tm_hour = sec / 3600;
			tm->tm_min = sec / 60 % 60;
			tm->tm_sec = sec % 60;
			return;
		}
	}
	t = (time_t)(now / 1000 + s->utc_offset_min * 60);
	gmtime_r(&t, tm);
}

static void local_datetime(const struct sadad *s, char *out, size_t outsz)
{
	struct tm tm;
	int h12;

	tehran_now(s, &tm);
	switch (s->time_format) {
	case TF_ISO:
		strftime(out, outsz, "%Y-%m-%dT%H:%M:%S", &tm);
		break;
	case TF_COMPACT:
		strftime(out, outsz, "%Y%m%d%H%M%S", &tm);
		break;
	case TF_PHP:
	default:
		/* PHP date('m/d/Y g:i:s a'), the official sample's format. */
		h12 = tm.tm_hour % 12 ? tm.tm_hour % 12 : 12;
		snprintf(out, outsz, "%02d/%02d/%04d %d:%02d:%02d %s", tm.tm_mon + 1,
		         tm.tm_mday, tm.tm_year + 1900, h12, tm.tm_min, tm.tm_sec,
		         tm.tm_hour < 12 ? "am" : "pm");
		break;
	}
}

/* ---- HTTP -------------------------------------------------------------- */

static int post_json(const struct sadad *s, const char *url,
                     struct json_object *body, struct crs_http_response *rs)
{
	struct crs_http_header h[3] = {
		{ "Content-Type", "application/json; charset=utf-8" },
		{ "Accept", "application/json" },
		{ "User-Agent", s->user_agent },
	};
	const char *text = json_object_to_json_string_ext(
		body, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	struct crs_http_request rq = {
		.struct_size = sizeof(rq),
		.method = "POST",
		.url = url,
		.headers = h,
		.n_headers = s->user_agent[0] ? 3 : 2,
		.body = text,
		.body_len = text ? strlen(text) : 0,
		.timeout_ms = s->timeout_ms,
	};

	if (!text)
		return CRS_ENOMEM;
	return s->api->http_do(&rq, rs);
}

static int attempt_ok(const struct crs_pay_attempt *a)
{
	return a && a->struct_size >= offsetof(struct crs_pay_attempt, token) +
	                                      sizeof(a->token) &&
	       a->order_id > 0 && a->amount_rial > 0 &&
	       a->amount_rial <= MAX_AMOUNT_RIAL;
}

/* ---- request_token ----------------------------------------------------- */

static int sadad_request_token(void *inst, const struct crs_pay_attempt *a,
                               char *token, size_t token_size, char *message,
                               size_t message_size)
{
	struct sadad *s = inst;
	const struct crs_api *api = s->api;
	struct crs_http_response rs;
	struct json_object *req = NULL, *res = NULL;
	const struct sadad_code *c;
	char sign[256], when[40], tok[128], desc[512] = "";
	int64_t code;
	int rc;

	if (token && token_size)
		token[0] = '\0';
	set_msg(message, message_size, SM_REFUSED);
	if (!attempt_ok(a) || !http_url_ok(a->callback_url) || !token ||
	    token_size < 2) {
		api->log(s->pctx, NULL, CRS_LOG_ERROR,
		         "sadad: request_token for payment %" PRId64
		         ": unusable attempt (order id, amount or callback_url)",
		         a ? a->payment_id : 0);
		return CRS_EINVAL;
	}
	if (sadad_sign_request(s->key, s->terminal_id, a->order_id, a->amount_rial,
	                       sign, sizeof(sign)) < 0) {
		api->log(s->pctx, NULL, CRS_LOG_ERROR,
		         "sadad: cannot compute SignData for payment %" PRId64,
		         a->payment_id);
		return CRS_EFAIL;
	}
	local_datetime(s, when, sizeof(when));
	req = json_object_new_object();
	if (!req)
		return CRS_ENOMEM;
	json_object_object_add(req, "MerchantId", json_object_new_string(s->merchant_id));
	json_object_object_add(req, "TerminalId", json_object_new_string(s->terminal_id));
	json_object_object_add(req, "Amount", json_object_new_int64(a->amount_rial));
	json_object_object_add(req, "OrderId", json_object_new_int64(a->order_id));
	json_object_object_add(req, "LocalDateTime", json_object_new_string(when));
	json_object_object_add(req, "ReturnUrl", json_object_new_string(a->callback_url));
	json_object_object_add(req, "SignData", json_object_new_string(sign));

	rc = post_json(s, s->request_url, req, &rs);
	json_object_put(req);
	if (rc == CRS_EUPSTREAM) {
		api->log(s->pctx, NULL, CRS_LOG_WARN,
		         "sadad: PaymentRequest for payment %" PRId64
		         " did not reach the bank: %s", a->payment_id, rs.error);
		set_msg(message, message_size, SM_UNREACHABLE);
		return CRS_EUPSTREAM;
	}
	if (rc == CRS_EUPSTREAM_AMBIGUOUS) {
		api->log(s->pctx, NULL, CRS_LOG_WARN,
		         "sadad: PaymentRequest for payment %" PRId64
		         " sent but unanswered: %s", a->payment_id, rs.error);
		set_msg(message, message_size, SM_NO_ANSWER);
		return CRS_EUPSTREAM_AMBIGUOUS;
	}
	if (rc)
		return rc;

	res = json_parse_object(s->api, rs.body, rs.body_len);
	if (!res || jint(s->api, res, "ResCode", &code)) {
		/* An answer without a result: a client error means the bank did
		 * not take the request (e.g. a wrong api_prefix); anything else
		 * may have created a token we cannot see. */
		int refused = rs.status == 400 || rs.status == 401 || rs.status == 403 ||
		              rs.status == 404 || rs.status == 405 || rs.status == 415;

		api->log(s->pctx, NULL, CRS_LOG_ERROR,
		         "sadad: PaymentRequest for payment %" PRId64
		         ": unusable answer (HTTP %ld, %zu bytes) from %s",
		         a->payment_id, rs.status, rs.body_len, s->request_url);
		json_object_put(res);
		api->http_release(&rs);
		set_msg(message, message_size, refused ? SM_CONFIG : SM_NO_ANSWER);
		return refused ? CRS_EUPSTREAM : CRS_EUPSTREAM_AMBIGUOUS;
	}
	jstr(res, "Description", desc, sizeof(desc));
	if (code == 0) {
		if (jstr(res, "Token", tok, sizeof(tok)) || !token_ok(tok) ||
		    strlen(tok) >= token_size) {
			api->log(s->pctx, NULL, CRS_LOG_ERROR,
			         "sadad: PaymentRequest for payment %" PRId64
			         ": ResCode 0 without a usable Token", a->payment_id);
			json_object_put(res);
			api->http_release(&rs);
			set_msg(message, message_size, SM_NO_ANSWER);
			return CRS_EUPSTREAM_AMBIGUOUS;
		}
		snprintf(token, token_size, "%s", tok);
		json_object_put(res);
		api->http_release(&rs);
		set_msg(message, message_size, "");
		return CRS_OK;
	}
	c = sadad_find(sadad_request_codes,
	               sizeof(sadad_request_codes) / sizeof(sadad_request_codes[0]),
	               code >= INT_MIN && code <= INT_MAX ? (int)code : INT_MIN);
	api->log(s->pctx, NULL,
	         c && c->kind != SK_CONFIG && c->kind != SK_CLOCK ? CRS_LOG_WARN
	                                                         : CRS_LOG_ERROR,
	         "sadad: PaymentRequest for payment %" PRId64 " refused: ResCode %" PRId64
	         " (%s) %s", a->payment_id, code, c ? c->note : "unknown code", desc);
	set_msg(message, message_size, c ? sadad_kind_message(c->kind) : SM_REFUSED);
	json_object_put(res);
	api->http_release(&rs);
	return CRS_EUPSTREAM;
}

/* ---- describe_redirect (pitfall 4: GET) -------------------------------- */

static int sadad_describe_redirect(void *inst, const struct crs_pay_attempt *a,
                                   struct crs_pay_redirect *out)
{
	struct sadad *s = inst;
	char esc[3 * 128 + 1];
	int n;

	if (!out || !a || !token_ok(a->token) || url_escape(a->token, esc, sizeof(esc)))
		return CRS_EINVAL;
	/* The token is in the URL itself (a plain redirect works) and in the
	 * fields (a GET form replaces the action's query with its fields). */
	n = snprintf(out->url, sizeof(out->url), "%s?Token=%s", s->purchase_url, esc);
	if (n < 0 || (size_t)n >= sizeof(out->url))
		return CRS_EINVAL;
	snprintf(out->method, sizeof(out->method), "GET");
	out->fields = json_object_new_object();
	if (!out->fields)
		return CRS_ENOMEM;
	json_object_object_add(out->fields, "Token", json_object_new_string(a->token));
	return CRS_OK;
}

/* ---- parse_callback (pitfalls 5, 9; X3, X6, X7) ------------------------- */


static const char *trim(const struct crs_api *api, struct crs_req *req,
                        const char *v)
{
	char *c;
	size_t n;

	if (!v)
		return NULL;
	while (*v == ' ' || *v == '\t')
		v++;
	n = strlen(v);
	if (n && (v[n - 1] == ' ' || v[n - 1] == '\t')) {
		c = api->req_strdup(req, v);
		if (!c)
			return NULL;
		while (n && (c[n - 1] == ' ' || c[n - 1] == '\t'))
			c[--n] = '\0';
		return c;
	}
	return v;
}

static int sadad_parse_callback(void *inst, struct crs_req *req,
                                struct crs_pay_callback *out)
{
	struct sadad *s = inst;
	const struct crs_api *api = s->api;
	const char *token, *order, *res;
	int64_t v;

	if (!out)
		return CRS_EINVAL;
	memset(out, 0, sizeof(*out));
	out->amount_rial = -1;          /* Sadad's callback carries no amount */
	token = trim(api, req, api->req_field(req, "token"));
	order = trim(api, req, api->req_field(req, "OrderId"));
	res = trim(api, req, api->req_field(req, "ResCode"));
	if (!token_ok(token) || strlen(token) >= sizeof(out->token))
		return CRS_EINVAL;
	snprintf(out->token, sizeof(out->token), "%s", token);
	if (order && *order) {
		if (!digits_only(order, 19) || api->parse_i64(order, &v) || v <= 0)
			return CRS_EINVAL;
		out->order_id = v;
	}
	/* A callback that does not say how it went says nothing. */
	if (!res || !*res || api->parse_i64(res, &v) || strlen(res) >= sizeof(out->status_code))
		return CRS_EINVAL;
	snprintf(out->status_code, sizeof(out->status_code), "%" PRId64, v);
	out->bank_says_ok = v == 0;
	return CRS_OK;
}

/* ---- verify (Advice/Verify) -------------------------------------------- */

static int sadad_verify(void *inst, const struct crs_pay_attempt *a,
                        const struct crs_pay_callback *cb,
                        struct crs_pay_outcome *out)
{
	struct sadad *s = inst;
	const struct crs_api *api = s->api;
	struct crs_http_response rs;
	struct json_object *req, *res;
	const struct sadad_code *c;
	char sign[256], buf[64];
	int64_t code, v;
	int rc;

	if (!out)
		return CRS_EINVAL;
	memset(out, 0, sizeof(*out));
	out->amount_rial = -1;
	out->verdict = CRS_PAY_UNKNOWN;
	set_msg(out->message, sizeof(out->message), SM_PENDING);
	/* X4: only the stored token is ever verified. */
	if (!attempt_ok(a) || !token_ok(a->token))
		return CRS_EINVAL;
	if (cb && cb->token[0] && strcmp(cb->token, a->token) != 0)
		return CRS_ECONFLICT;
	if (sadad_sign_token(s->key, a->token, sign, sizeof(sign)) < 0)
		return CRS_EFAIL;
	req = json_object_new_object();
	if (!req)
		return CRS_ENOMEM;
	json_object_object_add(req, "Token", json_object_new_string(a->token));
	json_object_object_add(req, "SignData", json_object_new_string(sign));
	rc = post_json(s, s->verify_url, req, &rs);
	json_object_put(req);
	if (rc == CRS_EUPSTREAM || rc == CRS_EUPSTREAM_AMBIGUOUS) {
		/* X9: no answer is "unknown", never "failed". */
		api->log(s->pctx, NULL, CRS_LOG_WARN,
		         "sadad: Verify for payment %" PRId64 " unanswered (%s): %s",
		         a->payment_id, rc == CRS_EUPSTREAM ? "not sent" : "sent",
		         rs.error);
		return CRS_OK;
	}
	if (rc)
		return rc;
	res = json_parse_object(s->api, rs.body, rs.body_len);
	if (!res || jint(s->api, res, "ResCode", &code)) {
		api->log(s->pctx, NULL, CRS_LOG_ERROR,
		         "sadad: Verify for payment %" PRId64
		         ": unusable answer (HTTP %ld, %zu bytes); outcome unknown",
		         a->payment_id, rs.status, rs.body_len);
		json_object_put(res);
		api->http_release(&rs);
		return CRS_OK;
	}
	snprintf(out->bank_code, sizeof(out->bank_code), "%" PRId64, code);
	c = sadad_find(sadad_verify_codes,
	               sizeof(sadad_verify_codes) / sizeof(sadad_verify_codes[0]),
	               code >= INT_MIN && code <= INT_MAX ? (int)code : INT_MIN);
	if (!c) {
		/* Not a verdict (system errors, configuration codes): ask again
		 * later; the bank's deadline answers 101 in the end. */
		const struct sadad_code *rq = sadad_find(
			sadad_request_codes,
			sizeof(sadad_request_codes) / sizeof(sadad_request_codes[0]),
			code >= INT_MIN && code <= INT_MAX ? (int)code : INT_MIN);

		api->log(s->pctx, NULL, CRS_LOG_ERROR,
		         "sadad: Verify for payment %" PRId64 ": ResCode %" PRId64
		         " (%s); outcome left unknown", a->payment_id, code,
		         rq ? rq->note : "unknown code");
		json_object_put(res);
		api->http_release(&rs);
		return CRS_OK;
	}
	if (c->kind == SK_OK || c->kind == SK_VERIFIED_BEFORE) {
		out->verdict = CRS_PAY_VERIFIED;
		out->already_done = c->kind == SK_VERIFIED_BEFORE;
		if (jint(s->api, res, "Amount", &v) == 0 && v > 0 && v <= MAX_AMOUNT_RIAL)
			out->amount_rial = v;
		if (jstr(res, "RetrivalRefNo", buf, sizeof(buf)) == 0 ||
		    jstr(res, "RetrievalRefNo", buf, sizeof(buf)) == 0) {
			ascii_clean(buf);
			snprintf(out->reference, sizeof(out->reference), "%s", buf);
		}
		if (jstr(res, "SystemTraceNo", buf, sizeof(buf)) == 0) {
			ascii_clean(buf);
			snprintf(out->trace, sizeof(out->trace), "%s", buf);
		}
		if (jget(res, "OrderId") && (jint(s->api, res, "OrderId", &v) || v != a->order_id)) {
			/* X4: the answer names another order: this token did
			 * not pay this order.  Never VERIFIED; alert. */
			api->log(s->pctx, NULL, CRS_LOG_ERROR,
			         "sadad: Verify for payment %" PRId64 " (order %" PRId64
			         ") answered for another OrderId; refused",
			         a->payment_id, a->order_id);
			out->verdict = CRS_PAY_FAILED;
			out->already_done = 0;
			out->amount_rial = -1;
			out->reference[0] = out->trace[0] = '\0';
			set_msg(out->message, sizeof(out->message), SM_MISMATCH);
		} else if (out->amount_rial < 0) {
			api->log(s->pctx, NULL, CRS_LOG_WARN,
			         "sadad: Verify for payment %" PRId64
			         ": ResCode %" PRId64 " without a usable Amount",
			         a->payment_id, code);
			set_msg(out->message, sizeof(out->message),
			        sadad_kind_message(c->kind));
		} else if (out->amount_rial != a->amount_rial) {
			/* X2: reported as is; the core compares and refuses. */
			api->log(s->pctx, NULL, CRS_LOG_ERROR,
			         "sadad: Verify for payment %" PRId64 ": bank amount %" PRId64
			         " differs from the stored %" PRId64, a->payment_id,
			         out->amount_rial, a->amount_rial);
			set_msg(out->message, sizeof(out->message), SM_MISMATCH);
		} else {
			set_msg(out->message, sizeof(out->message),
			        sadad_kind_message(c->kind));
		}
	} else {
		out->verdict = CRS_PAY_FAILED;
		set_msg(out->message, sizeof(out->message), sadad_kind_message(c->kind));
		api->log(s->pctx, NULL, CRS_LOG_INFO,
		         "sadad: Verify for payment %" PRId64 ": ResCode %" PRId64 " (%s)",
		         a->payment_id, code, c->note);
	}
	json_object_put(res);
	api->http_release(&rs);
	return CRS_OK;
}

/* ---- life cycle -------------------------------------------------------- */

static int fail_init(struct sadad *s, struct crs_err *err, const char *fmt,
                     const char *key)
{
	snprintf(err->msg, sizeof(err->msg), fmt, key);
	if (s) {
		OPENSSL_cleanse(s->key, sizeof(s->key));
		s->api->free(s);
	}
	return CRS_EINVAL;
}

static int join3(char *out, size_t outsz, const char *a, const char *b,
                 const char *c)
{
	int n = snprintf(out, outsz, "%s%s%s", a, b, c);

	return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

/* A path piece: "" or "/segment[/segment…]" without a trailing '/'. */
static int path_ok(const char *p, int allow_empty)
{
	if (!*p)
		return allow_empty;
	return p[0] == '/' && p[strlen(p) - 1] != '/' && !strpbrk(p, "?# \t\r\n\"<>");
}

static int sadad_init(const struct crs_api *api, struct crs_plugin_ctx *pctx,
                      void **inst, struct crs_err *err)
{
	struct sadad *s;
	const char *base, *merchant, *terminal, *key, *prefix, *purchase, *tf, *ua;
	char b[URL_MAX];
	size_t n;
	int64_t tmo, off;

	s = api->alloc(sizeof(*s));
	if (!s) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return CRS_ENOMEM;
	}
	s->api = api;
	s->pctx = pctx;
	base = api->config_get(pctx, "base_url", NULL);
	merchant = api->config_get(pctx, "merchant_id", NULL);
	terminal = api->config_get(pctx, "terminal_id", NULL);
	key = api->config_get(pctx, "key", NULL);
	prefix = api->config_get(pctx, "api_prefix", "/VPG");
	purchase = api->config_get(pctx, "purchase_path", "/VPG/Purchase");
	tf = api->config_get(pctx, "local_time_format", "php");
	ua = api->config_get(pctx, "user_agent", "");

	if (!base || !*base)
		return fail_init(s, err, "[plugin.pay_sadad] %s is required", "base_url");
	if (!http_url_ok(base) || strlen(base) >= 256)
		return fail_init(s, err, "[plugin.pay_sadad] %s must be an http(s) URL",
		                 "base_url");
	snprintf(b, sizeof(b), "%s", base);
	n = strlen(b);
	while (n > 8 && b[n - 1] == '/')
		b[--n] = '\0';
	if (!merchant || !*merchant)
		return fail_init(s, err, "[plugin.pay_sadad] %s is required", "merchant_id");
	if (!digits_only(merchant, sizeof(s->merchant_id) - 1))
		return fail_init(s, err, "[plugin.pay_sadad] %s must be digits only",
		                 "merchant_id");
	if (!terminal || !*terminal)
		return fail_init(s, err, "[plugin.pay_sadad] %s is required", "terminal_id");
	if (!digits_only(terminal, sizeof(s->terminal_id) - 1))
		return fail_init(s, err, "[plugin.pay_sadad] %s must be digits only",
		                 "terminal_id");
	if (!key || !*key)
		return fail_init(s, err, "[plugin.pay_sadad] %s is required", "key");
	if (sadad_key_decode(key, s->key))
		return fail_init(s, err,
		                 "[plugin.pay_sadad] %s must be the base64 of a 24-byte "
		                 "3DES terminal key", "key");
	if (!path_ok(prefix, 1) || strlen(prefix) > 64)
		return fail_init(s, err,
		                 "[plugin.pay_sadad] %s must be empty or start with '/' "
		                 "and not end with '/'", "api_prefix");
	if (!path_ok(purchase, 0) || strlen(purchase) > 64)
		return fail_init(s, err,
		                 "[plugin.pay_sadad] %s must start with '/' and not end "
		                 "with '/'", "purchase_path");
	if (strcmp(tf, "php") == 0)
		s->time_format = TF_PHP;
	else if (strcmp(tf, "iso") == 0)
		s->time_format = TF_ISO;
	else if (strcmp(tf, "compact") == 0)
		s->time_format = TF_COMPACT;
	else
		return fail_init(s, err,
		                 "[plugin.pay_sadad] %s must be php, iso or compact",
		                 "local_time_format");
	if (strlen(ua) >= sizeof(s->user_agent) || strpbrk(ua, "\r\n"))
		return fail_init(s, err, "[plugin.pay_sadad] %s is too long or malformed",
		                 "user_agent");
	if (api->config_int(pctx, "timeout_ms", 10000, 1000, 60000, &tmo))
		return fail_init(s, err,
		                 "[plugin.pay_sadad] %s must be 1000..60000", "timeout_ms");
	if (api->config_int(pctx, "utc_offset_min", 210, -720, 840, &off))
		return fail_init(s, err,
		                 "[plugin.pay_sadad] %s must be -720..840", "utc_offset_min");
	snprintf(s->merchant_id, sizeof(s->merchant_id), "%s", merchant);
	snprintf(s->terminal_id, sizeof(s->terminal_id), "%s", terminal);
	snprintf(s->user_agent, sizeof(s->user_agent), "%s", ua);
	if (join3(s->request_url, sizeof(s->request_url), b, prefix,
	          "/api/v0/Request/PaymentRequest") ||
	    join3(s->verify_url, sizeof(s->verify_url), b, prefix,
	          "/api/v0/Advice/Verify") ||
	    join3(s->purchase_url, sizeof(s->purchase_url), b, purchase, ""))
		return fail_init(s, err, "[plugin.pay_sadad] %s is too long", "base_url");
	s->timeout_ms = (long)tmo;
	s->utc_offset_min = off;
	s->core_tz = !api->config_get(pctx, "utc_offset_min", NULL) &&
	             CRS_API_HAS(api, tehran_local) && api->tehran_local &&
	             CRS_API_HAS(api, gregorian_from_jdn) && api->gregorian_from_jdn;
	api->log(pctx, NULL, CRS_LOG_INFO,
	         "sadad: ready (request %s, verify %s, purchase %s, timeout %ld ms)",
	         s->request_url, s->verify_url, s->purchase_url, s->timeout_ms);
	*inst = s;
	return CRS_OK;
}

static void sadad_destroy(void *inst)
{
	struct sadad *s = inst;

	if (!s)
		return;
	OPENSSL_cleanse(s->key, sizeof(s->key));
	s->api->free(s);
}

static const struct crs_gateway_ops sadad_ops = {
	.struct_size = sizeof(struct crs_gateway_ops),
	.name = "sadad",
	.title = SADAD_TITLE,
	.request_token = sadad_request_token,
	.describe_redirect = sadad_describe_redirect,
	.parse_callback = sadad_parse_callback,
	.verify = sadad_verify,
	.reverse = NULL, /* no merchant reversal API: the bank refunds itself */
};

static const struct crs_plugin desc = {
	CRS_PLUGIN_INIT,
	.name = "pay_sadad",
	.version = "1.0.0",
	.description = "Bank Melli (Sadad PSP) payment gateway",
	.flags = CRS_PLUGIN_THREAD_SAFE,
	.init = sadad_init,
	.destroy = sadad_destroy,
	.gateway = &sadad_ops,
};

CRS_PLUGIN_DEFINE(desc)
