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
 *
 * This file is the protocol; the JSON over HTTP is in sadad_json, the
 * LocalDateTime in sadad_time, SignData in sadad_sign and every text a
 * citizen sees (with the result codes) in messages.h.
 */
#include <crs/plugin.h>

#include "messages.h"
#include "sadad_json.h"
#include "sadad_sign.h"
#include "sadad_time.h"

#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#define URL_MAX 512
#define MAX_AMOUNT_RIAL INT64_C(1000000000000000) /* 10^15: far above any fee */

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
	struct sadad_clock clock;
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

/* Only printable ASCII goes into references (they land in ASCII columns). */
static void ascii_clean(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x21 || (unsigned char)*s > 0x7e)
			*s = '_';
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
	sadad_local_datetime(s->api, &s->clock, when, sizeof(when));
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

	rc = sadad_json_post(api, s->request_url, s->user_agent, s->timeout_ms,
	                     req, &rs);
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

	res = sadad_json_parse(s->api, rs.body, rs.body_len);
	if (!res || sadad_json_int(s->api, res, "ResCode", &code)) {
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
	sadad_json_str(res, "Description", desc, sizeof(desc));
	if (code == 0) {
		if (sadad_json_str(res, "Token", tok, sizeof(tok)) || !token_ok(tok) ||
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
	rc = sadad_json_post(api, s->verify_url, s->user_agent, s->timeout_ms,
	                     req, &rs);
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
	res = sadad_json_parse(s->api, rs.body, rs.body_len);
	if (!res || sadad_json_int(s->api, res, "ResCode", &code)) {
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
		if (sadad_json_int(s->api, res, "Amount", &v) == 0 && v > 0 &&
		    v <= MAX_AMOUNT_RIAL)
			out->amount_rial = v;
		if (sadad_json_str(res, "RetrivalRefNo", buf, sizeof(buf)) == 0 ||
		    sadad_json_str(res, "RetrievalRefNo", buf, sizeof(buf)) == 0) {
			ascii_clean(buf);
			snprintf(out->reference, sizeof(out->reference), "%s", buf);
		}
		if (sadad_json_str(res, "SystemTraceNo", buf, sizeof(buf)) == 0) {
			ascii_clean(buf);
			snprintf(out->trace, sizeof(out->trace), "%s", buf);
		}
		if (sadad_json_get(res, "OrderId") &&
		    (sadad_json_int(s->api, res, "OrderId", &v) ||
		     v != a->order_id)) {
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
		s->clock.format = SADAD_TF_PHP;
	else if (strcmp(tf, "iso") == 0)
		s->clock.format = SADAD_TF_ISO;
	else if (strcmp(tf, "compact") == 0)
		s->clock.format = SADAD_TF_COMPACT;
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
	s->clock.utc_offset_min = off;
	s->clock.core_tz = !api->config_get(pctx, "utc_offset_min", NULL) &&
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
