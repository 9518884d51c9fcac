/*
 * pay_template: a TEMPLATE payment gateway plugin for CRS integrators.
 *
 * Copy this directory, rename the plugin (the file name, .name and the
 * [plugin.NAME] section must agree) and the gateway (.name in the ops: it
 * becomes the callback route /pay/<gateway>/callback), then replace the
 * four protocol functions with your bank's.  docs/payment-plugins.md is the
 * guide; include/crs/plugin.h is the contract.
 *
 * It speaks the tiny JSON "demo bank" protocol (tools/banksim/demo.mjs):
 *
 *   POST {base_url}/token  {merchant, order_id, amount, callback} -> {token}
 *   browser GET {base_url}/pay?token=…
 *   callback (form POST) token, status ("ok" | "cancel" | "failed"), order_id
 *   POST {base_url}/verify {merchant, token}
 *        -> {status: "ok" | "failed", amount, reference[, reason]}
 *
 * Configuration, section [plugin.pay_template] of crsd's configuration:
 *   base_url    required, e.g. http://127.0.0.1:8095
 *   merchant    required, the merchant id the bank gave you
 *   timeout_ms  optional, 1000..60000, default 10000
 *
 * Build (see Makefile):
 *   cc -std=c11 $(pkg-config --cflags crs-plugin) -shared -fPIC \
 *      -fvisibility=hidden -o pay_template.so pay_template.c $(pkg-config --libs json-c)
 *
 * The rules every gateway plugin follows (the core relies on them):
 *  - Speak the bank's protocol, nothing else: no database, no threads, no
 *    global library initialisation, no state changes.  The core owns the
 *    payment row, decides what an answer means and keeps it idempotent.
 *  - All HTTP through api->http_do: CRS_EUPSTREAM means the request never
 *    reached the bank, CRS_EUPSTREAM_AMBIGUOUS that it was sent and no
 *    answer came.  A verify without an answer is CRS_PAY_UNKNOWN, never
 *    CRS_PAY_FAILED: the money may have been taken.
 *  - Verify only attempt->token, with attempt->amount_rial and
 *    attempt->order_id (what the core stored), never values from the
 *    callback: anyone can forge a callback.
 *  - Amounts are rial in int64; JSON numbers are read as integers, never
 *    doubles.
 *  - The instance is read-only after init: handlers run concurrently.
 *  - Secrets (keys, PINs) never go to the log; neither do tokens.
 *  - Citizen-facing texts are Persian, say what to do, and fit the 256-byte
 *    message buffers.
 */
#include <crs/plugin.h>

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

/* ---- texts shown to the citizen (Persian; keep them in one place) ------- */

#define T_TITLE "بانک نمونه"
#define T_UNREACHABLE "ارتباط با درگاه بانک برقرار نشد. چند دقیقه دیگر دوباره تلاش کنید یا درگاه دیگری را انتخاب کنید."
#define T_NO_ANSWER "درگاه بانک به موقع پاسخ نداد و مبلغی از حساب شما کسر نشده است. دوباره روی «پرداخت» بزنید."
#define T_REFUSED "بانک درخواست پرداخت را نپذیرفت. چند دقیقه دیگر دوباره تلاش کنید یا درگاه دیگری را انتخاب کنید."
#define T_VERIFIED "پرداخت شما با موفقیت انجام و از سوی بانک تأیید شد."
#define T_FAILED "پرداخت انجام یا تأیید نشد. اگر مبلغی از حساب شما کسر شده است، حداکثر تا ۷۲ ساعت دیگر بازمی‌گردد."
#define T_PENDING "نتیجهٔ پرداخت هنوز از بانک نرسیده و به‌طور خودکار پیگیری می‌شود. دوباره پرداخت نکنید."

#define MAX_AMOUNT_RIAL INT64_C(1000000000000000)

/* The instance: built by init, read-only afterwards. */
struct tpl {
	const struct crs_api *api;
	struct crs_plugin_ctx *pctx;
	char token_url[512];
	char verify_url[512];
	char pay_url[512];
	char merchant[128];
	long timeout_ms;
};

/* ---- helpers ------------------------------------------------------------ */

static void set_text(char *buf, size_t size, const char *text)
{
	size_t n = strlen(text);

	if (!buf || !size)
		return;
	if (n >= size) { /* cut on a UTF-8 character boundary */
		n = size - 1;
		while (n && ((unsigned char)text[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(buf, text, n);
	buf[n] = '\0';
}

/* A token we accept: 1..127 printable ASCII characters, no blanks. */
static int token_ok(const char *t)
{
	size_t n;

	if (!t || !*t)
		return 0;
	for (n = 0; t[n]; n++)
		if (n >= 127 || (unsigned char)t[n] <= 0x20 || (unsigned char)t[n] >= 0x7f)
			return 0;
	return 1;
}

/* Parse an HTTP answer body as a JSON object (strict, UTF-8 checked). */
static struct json_object *parse_object(const char *body, size_t len)
{
	struct json_tokener *tok;
	struct json_object *o;

	if (!body)
		return NULL;
	while (len && (body[len - 1] == '\n' || body[len - 1] == '\r' ||
	               body[len - 1] == ' '))
		len--;
	if (len == 0 || len > INT_MAX || !(tok = json_tokener_new_ex(16)))
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, body, (int)len);
	if (!o || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len ||
	    !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

/* POST a JSON object; the answer is in *rs (release it with http_release). */
static int post_json(const struct tpl *t, const char *url, struct json_object *body,
                     struct crs_http_response *rs)
{
	static const struct crs_http_header h[] = {
		{ "Content-Type", "application/json; charset=utf-8" },
		{ "Accept", "application/json" },
	};
	const char *text = json_object_to_json_string_ext(
		body, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	struct crs_http_request rq = {
		.struct_size = sizeof(rq),
		.method = "POST",
		.url = url,
		.headers = h,
		.n_headers = 2,
		.body = text,
		.body_len = text ? strlen(text) : 0,
		.timeout_ms = t->timeout_ms,
	};

	if (!text)
		return CRS_ENOMEM;
	return t->api->http_do(&rq, rs);
}

/* ---- request_token ------------------------------------------------------ */

static int tpl_request_token(void *inst, const struct crs_pay_attempt *a,
                             char *token, size_t token_size, char *message,
                             size_t message_size)
{
	struct tpl *t = inst;
	struct crs_http_response rs;
	struct json_object *req, *res;
	const char *tok;
	int rc;

	set_text(message, message_size, T_REFUSED);
	if (!a || a->order_id <= 0 || a->amount_rial <= 0 || !a->callback_url ||
	    !token || token_size < 2)
		return CRS_EINVAL;
	token[0] = '\0';

	req = json_object_new_object();
	if (!req)
		return CRS_ENOMEM;
	json_object_object_add(req, "merchant", json_object_new_string(t->merchant));
	json_object_object_add(req, "order_id", json_object_new_int64(a->order_id));
	json_object_object_add(req, "amount", json_object_new_int64(a->amount_rial));
	json_object_object_add(req, "callback", json_object_new_string(a->callback_url));
	rc = post_json(t, t->token_url, req, &rs);
	json_object_put(req);

	if (rc == CRS_EUPSTREAM || rc == CRS_EUPSTREAM_AMBIGUOUS) {
		t->api->log(t->pctx, NULL, CRS_LOG_WARN, "template: token request for payment %"
		            PRId64 ": %s", a->payment_id, rs.error);
		set_text(message, message_size,
		         rc == CRS_EUPSTREAM ? T_UNREACHABLE : T_NO_ANSWER);
		return rc;
	}
	if (rc)
		return rc;

	res = parse_object(rs.body, rs.body_len);
	tok = res ? t->api->json_str(res, "token") : NULL;
	if (rs.status == 200 && tok && token_ok(tok) && strlen(tok) < token_size) {
		snprintf(token, token_size, "%s", tok);
		set_text(message, message_size, "");
		rc = CRS_OK;
	} else if (rs.status >= 400 && rs.status < 500) {
		/* The bank refused: no token exists.  Log its reason for the
		 * operator; show the citizen our own text. */
		t->api->log(t->pctx, NULL, CRS_LOG_ERROR,
		            "template: token request for payment %" PRId64
		            " refused (HTTP %ld): %s", a->payment_id, rs.status,
		            res && t->api->json_str(res, "error") ?
		                    t->api->json_str(res, "error") : "");
		rc = CRS_EUPSTREAM;
	} else {
		/* 5xx or nonsense: a token may exist that we cannot see; the
		 * core will use a new order id. */
		t->api->log(t->pctx, NULL, CRS_LOG_ERROR,
		            "template: token request for payment %" PRId64
		            ": unusable answer (HTTP %ld)", a->payment_id, rs.status);
		set_text(message, message_size, T_NO_ANSWER);
		rc = CRS_EUPSTREAM_AMBIGUOUS;
	}
	json_object_put(res);
	t->api->http_release(&rs);
	return rc;
}

/* ---- describe_redirect -------------------------------------------------- */

static int tpl_describe_redirect(void *inst, const struct crs_pay_attempt *a,
                                 struct crs_pay_redirect *out)
{
	struct tpl *t = inst;
	int n;

	if (!a || !out)
		return CRS_EINVAL;
	/* Our tokens are hex, so they need no URL escaping; escape yours if
	 * they can hold other characters. */
	for (const char *p = a->token; p && *p; p++)
		if (!strchr("0123456789abcdefABCDEF", *p))
			return CRS_EINVAL;
	if (!token_ok(a->token))
		return CRS_EINVAL;
	/* The token both in the URL (for a plain redirect) and as a field
	 * (a GET form replaces the action's query string with its fields). */
	n = snprintf(out->url, sizeof(out->url), "%s?token=%s", t->pay_url, a->token);
	if (n < 0 || (size_t)n >= sizeof(out->url))
		return CRS_EINVAL;
	snprintf(out->method, sizeof(out->method), "GET");
	out->fields = json_object_new_object(); /* owned by the core from here */
	if (!out->fields)
		return CRS_ENOMEM;
	json_object_object_add(out->fields, "token", json_object_new_string(a->token));
	return CRS_OK;
}

/* ---- parse_callback ----------------------------------------------------- */

/* The core's route /pay/<gateway>/callback calls this with the bank's form
 * POST (or a GET with a query).  Read, validate, report: decide nothing. */
static int tpl_parse_callback(void *inst, struct crs_req *req,
                              struct crs_pay_callback *out)
{
	struct tpl *t = inst;
	const char *token = t->api->req_field(req, "token");
	const char *status = t->api->req_field(req, "status");
	const char *order = t->api->req_field(req, "order_id");
	char *end;
	long long v;

	if (!out)
		return CRS_EINVAL;
	memset(out, 0, sizeof(*out));
	out->amount_rial = -1; /* this bank's callback carries no amount */
	if (!token_ok(token) || strlen(token) >= sizeof(out->token))
		return CRS_EINVAL; /* the core finds the payment by its token */
	snprintf(out->token, sizeof(out->token), "%s", token);
	if (order && *order) {
		if (order[0] < '0' || order[0] > '9')
			return CRS_EINVAL;
		errno = 0;
		v = strtoll(order, &end, 10);
		if (*end || errno || v <= 0)
			return CRS_EINVAL;
		out->order_id = v;
	}
	if (status) {
		if (strlen(status) >= sizeof(out->status_code))
			return CRS_EINVAL;
		snprintf(out->status_code, sizeof(out->status_code), "%s", status);
		out->bank_says_ok = strcmp(status, "ok") == 0;
	}
	return CRS_OK;
}

/* ---- verify ------------------------------------------------------------- */

static int tpl_verify(void *inst, const struct crs_pay_attempt *a,
                      const struct crs_pay_callback *cb, struct crs_pay_outcome *out)
{
	struct tpl *t = inst;
	struct crs_http_response rs;
	struct json_object *req, *res;
	const char *status, *reason, *ref;
	int64_t amount;
	int rc;

	(void)cb; /* never trusted: the stored token is what we verify */
	if (!out)
		return CRS_EINVAL;
	memset(out, 0, sizeof(*out));
	out->verdict = CRS_PAY_UNKNOWN;
	out->amount_rial = -1;
	set_text(out->message, sizeof(out->message), T_PENDING);
	if (!a || !token_ok(a->token))
		return CRS_EINVAL;

	req = json_object_new_object();
	if (!req)
		return CRS_ENOMEM;
	json_object_object_add(req, "merchant", json_object_new_string(t->merchant));
	json_object_object_add(req, "token", json_object_new_string(a->token));
	rc = post_json(t, t->verify_url, req, &rs);
	json_object_put(req);
	if (rc == CRS_EUPSTREAM || rc == CRS_EUPSTREAM_AMBIGUOUS) {
		t->api->log(t->pctx, NULL, CRS_LOG_WARN,
		            "template: verify for payment %" PRId64 " unanswered: %s",
		            a->payment_id, rs.error);
		return CRS_OK; /* UNKNOWN: the core's reconciler asks again */
	}
	if (rc)
		return rc;

	res = parse_object(rs.body, rs.body_len);
	status = res ? t->api->json_str(res, "status") : NULL;
	if (rs.status != 200 || !status) {
		t->api->log(t->pctx, NULL, CRS_LOG_ERROR,
		            "template: verify for payment %" PRId64
		            ": unusable answer (HTTP %ld); outcome unknown",
		            a->payment_id, rs.status);
	} else if (strcmp(status, "ok") == 0) {
		out->verdict = CRS_PAY_VERIFIED;
		/* Report the bank's amount as is: the core compares it with
		 * the stored one.  json_int refuses doubles and strings. */
		if (t->api->json_int(res, "amount", &amount) == CRS_OK && amount > 0 &&
		    amount <= MAX_AMOUNT_RIAL)
			out->amount_rial = amount;
		ref = t->api->json_str(res, "reference");
		if (ref)
			snprintf(out->reference, sizeof(out->reference), "%s", ref);
		snprintf(out->bank_code, sizeof(out->bank_code), "ok");
		set_text(out->message, sizeof(out->message), T_VERIFIED);
	} else if (strcmp(status, "failed") == 0) {
		reason = t->api->json_str(res, "reason");
		if (reason && strcmp(reason, "already verified") == 0) {
			/* "Already done" is not success by itself: the core
			 * accepts it only if it already holds this payment as
			 * verified (or its own earlier verify went unanswered). */
			out->verdict = CRS_PAY_VERIFIED;
			out->already_done = 1;
			set_text(out->message, sizeof(out->message), T_VERIFIED);
		} else {
			out->verdict = CRS_PAY_FAILED;
			set_text(out->message, sizeof(out->message), T_FAILED);
		}
		snprintf(out->bank_code, sizeof(out->bank_code), "failed");
		t->api->log(t->pctx, NULL, CRS_LOG_INFO,
		            "template: verify for payment %" PRId64 ": failed (%s)",
		            a->payment_id, reason ? reason : "no reason");
	} else {
		t->api->log(t->pctx, NULL, CRS_LOG_ERROR,
		            "template: verify for payment %" PRId64
		            ": unknown status; outcome unknown", a->payment_id);
	}
	json_object_put(res);
	t->api->http_release(&rs);
	return CRS_OK;
}

/* ---- life cycle --------------------------------------------------------- */

static int refuse(struct tpl *t, struct crs_err *err, const char *what)
{
	snprintf(err->msg, sizeof(err->msg), "[plugin.pay_template] %s", what);
	t->api->free(t);
	return CRS_EINVAL;
}

static int tpl_init(const struct crs_api *api, struct crs_plugin_ctx *pctx,
                    void **inst, struct crs_err *err)
{
	struct tpl *t = api->alloc(sizeof(*t));
	const char *base, *merchant;
	int64_t tmo;
	int n1, n2, n3;

	if (!t) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return CRS_ENOMEM;
	}
	t->api = api;
	t->pctx = pctx;
	base = api->config_get(pctx, "base_url", NULL);
	merchant = api->config_get(pctx, "merchant", NULL);
	/* Refuse to start rather than fail on every payment. */
	if (!base || (strncmp(base, "http://", 7) != 0 && strncmp(base, "https://", 8) != 0))
		return refuse(t, err, "base_url is required (an http(s) URL)");
	if (!merchant || !*merchant || strlen(merchant) >= sizeof(t->merchant))
		return refuse(t, err, "merchant is required");
	if (api->config_int(pctx, "timeout_ms", 10000, 1000, 60000, &tmo))
		return refuse(t, err, "timeout_ms must be 1000..60000");
	n1 = snprintf(t->token_url, sizeof(t->token_url), "%s/token", base);
	n2 = snprintf(t->verify_url, sizeof(t->verify_url), "%s/verify", base);
	n3 = snprintf(t->pay_url, sizeof(t->pay_url), "%s/pay", base);
	if (n1 < 0 || n2 < 0 || n3 < 0 || (size_t)n1 >= sizeof(t->token_url) ||
	    (size_t)n2 >= sizeof(t->verify_url) || (size_t)n3 >= sizeof(t->pay_url))
		return refuse(t, err, "base_url is too long");
	snprintf(t->merchant, sizeof(t->merchant), "%s", merchant);
	t->timeout_ms = (long)tmo;
	*inst = t;
	return CRS_OK;
}

static void tpl_destroy(void *inst)
{
	struct tpl *t = inst;

	t->api->free(t);
}

static const struct crs_gateway_ops tpl_ops = {
	.struct_size = sizeof(struct crs_gateway_ops),
	.name = "demo",            /* callback route: /pay/demo/callback */
	.title = T_TITLE,
	.request_token = tpl_request_token,
	.describe_redirect = tpl_describe_redirect,
	.parse_callback = tpl_parse_callback,
	.verify = tpl_verify,
	.reverse = NULL,           /* the demo bank has no reversal */
};

static const struct crs_plugin desc = {
	CRS_PLUGIN_INIT,
	.name = "pay_template",    /* = the file name pay_template.so */
	.version = "0.1.0",
	.description = "template gateway for the demo bank",
	.flags = CRS_PLUGIN_THREAD_SAFE,
	.init = tpl_init,
	.destroy = tpl_destroy,
	.gateway = &tpl_ops,       /* a gateway only: no routes */
};

CRS_PLUGIN_DEFINE(desc)
