/*
 * pay_parsian: the Parsian (PEC) NewIPG gateway (gateways.md §2).
 *
 * Only the bank's protocol lives here; the core owns the payment row, its
 * states and every decision (plugin.h, struct crs_gateway_ops).  SOAP 1.1,
 * UTF-8, built and parsed with libxml2 in parsian_soap.c:
 *
 *   request_token      POST {base}/NewIPGServices/Sale/SaleService.asmx
 *                      SalePaymentRequest {LoginAccount, Amount, OrderId,
 *                      CallBackUrl[, AdditionalData]} -> {Token, Status,
 *                      Message}; success is Status 0 and Token > 0
 *   describe_redirect  GET {base}/NewIPG/?Token=<token>  (P1)
 *   parse_callback     form POST (or GET): Token, status, OrderId, Amount
 *                      ("200,000"), RRN
 *   verify             POST {base}/NewIPGServices/Confirm/ConfirmService.asmx
 *                      ConfirmPaymentWithAmount {LoginAccount, Token, OrderId,
 *                      Amount} with the STORED token, order and amount (P5)
 *                      -> {Status, RRN, CardNumberMasked, Token}
 *   reverse            POST {base}/NewIPGServices/Reverse/ReversalService.asmx
 *                      ReversalRequest {LoginAccount, Token} -> {Status, …}
 *
 * Configuration ([plugin.pay_parsian]): base_url and pin are required;
 * timeout_ms (10000) and additional_data (none) are optional.  See
 * docs/payment-plugins.md.
 *
 * Thread-safe: the instance is read-only after init; each call builds and
 * frees its own libxml2 documents.  The PIN is never logged, nor the token.
 * dladdr and RTLD_NODELETE need _GNU_SOURCE, which the build defines for
 * every plugin (no plugin includes config.h).
 */

#include <crs/plugin.h>

#include "messages.h"
#include "parsian_soap.h"

#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <libxml/parser.h>
#include <libxml/xmlstring.h>

#define URL_MAX 512
#define MAX_AMOUNT_RIAL INT64_C(1000000000000000)

struct parsian {
	const struct crs_api *api;
	struct crs_plugin_ctx *pctx;
	char sale_url[URL_MAX];
	char confirm_url[URL_MAX];
	char reverse_url[URL_MAX];
	char page_url[URL_MAX];
	char pin[128];
	char additional_data[1024];
	long timeout_ms;
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

static int http_url_ok(const char *u)
{
	return u && (strncmp(u, "http://", 7) == 0 || strncmp(u, "https://", 8) == 0) &&
	       !strpbrk(u, " \t\r\n\"<>");
}

/* A token as PEC issues it: a decimal int64 > 0, canonical (P8). */
static int token_parse(const char *s, int64_t *out)
{
	int64_t v;

	if (!s || !*s || strlen(s) > 19)
		return -1;
	for (const char *p = s; *p; p++)
		if (*p < '0' || *p > '9')
			return -1;
	if (psoap_parse_i64(s, &v) || v <= 0)
		return -1;
	*out = v;
	return 0;
}

static int attempt_ok(const struct crs_pay_attempt *a)
{
	return a && a->struct_size >= offsetof(struct crs_pay_attempt, token) +
	                                      sizeof(a->token) &&
	       a->order_id > 0 && a->amount_rial > 0 &&
	       a->amount_rial <= MAX_AMOUNT_RIAL;
}

static void ascii_copy(char *out, size_t outsz, const char *s)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < outsz; i++)
		out[i] = (unsigned char)s[i] > 0x20 && (unsigned char)s[i] < 0x7f ? s[i]
		                                                                   : '_';
	out[i] = '\0';
}

/* ---- SOAP over http_do ------------------------------------------------- */

struct call {
	int rc;                     /* http_do's result */
	long http_status;
	int parsed;                 /* psoap_parse() accepted the answer */
	struct psoap_result res;
	char error[256];
};

static int soap_call(const struct parsian *p, enum psoap_op op,
                     const struct psoap_request *rq, struct call *c)
{
	char action[256];
	const char *url = op == PSOAP_SALE ? p->sale_url
	                  : op == PSOAP_REVERSE ? p->reverse_url : p->confirm_url;
	struct crs_http_header h[3];
	struct crs_http_request hr;
	struct crs_http_response rs;
	char *body = NULL;
	size_t len = 0;
	int rc;

	memset(c, 0, sizeof(*c));
	rc = psoap_build(rq, &body, &len);
	if (rc)
		return rc == -EINVAL ? CRS_EINVAL : CRS_ENOMEM;
	/* SOAP 1.1 wants the action quoted. */
	snprintf(action, sizeof(action), "\"%s\"", psoap_action(op));
	h[0] = (struct crs_http_header){ "Content-Type", "text/xml; charset=utf-8" };
	h[1] = (struct crs_http_header){ "SOAPAction", action };
	h[2] = (struct crs_http_header){ "Accept", "text/xml" };
	hr = (struct crs_http_request){
		.struct_size = sizeof(hr),
		.method = "POST",
		.url = url,
		.headers = h,
		.n_headers = 3,
		.body = body,
		.body_len = len,
		.timeout_ms = p->timeout_ms,
	};
	c->rc = p->api->http_do(&hr, &rs);
	free(body);
	c->http_status = rs.status;
	snprintf(c->error, sizeof(c->error), "%s", rs.error);
	if (c->rc == CRS_OK) {
		c->parsed = psoap_parse(op, rs.body, rs.body_len, &c->res) == 0;
		p->api->http_release(&rs);
	}
	return CRS_OK;
}

/* ---- request_token (SalePaymentRequest) -------------------------------- */

static int parsian_request_token(void *inst, const struct crs_pay_attempt *a,
                                 char *token, size_t token_size, char *message,
                                 size_t message_size)
{
	struct parsian *p = inst;
	const struct crs_api *api = p->api;
	const struct parsian_code *code;
	struct psoap_request rq;
	struct call c;
	int rc;

	if (token && token_size)
		token[0] = '\0';
	set_msg(message, message_size, PM_REFUSED);
	if (!attempt_ok(a) || !http_url_ok(a->callback_url) || !token || token_size < 21) {
		api->log(p->pctx, NULL, CRS_LOG_ERROR,
		         "parsian: request_token for payment %" PRId64
		         ": unusable attempt (order id, amount or callback_url)",
		         a ? a->payment_id : 0);
		return CRS_EINVAL;
	}
	rq = (struct psoap_request){
		.op = PSOAP_SALE,
		.login_account = p->pin,
		.amount = a->amount_rial,
		.order_id = a->order_id,
		.callback_url = a->callback_url,
		.additional_data = p->additional_data[0] ? p->additional_data : NULL,
	};
	rc = soap_call(p, PSOAP_SALE, &rq, &c);
	if (rc)
		return rc;
	if (c.rc == CRS_EUPSTREAM || c.rc == CRS_EUPSTREAM_AMBIGUOUS) {
		api->log(p->pctx, NULL, CRS_LOG_WARN,
		         "parsian: SalePaymentRequest for payment %" PRId64 " %s: %s",
		         a->payment_id,
		         c.rc == CRS_EUPSTREAM ? "did not reach the bank"
		                               : "sent but unanswered", c.error);
		set_msg(message, message_size,
		        c.rc == CRS_EUPSTREAM ? PM_UNREACHABLE : PM_NO_ANSWER);
		return c.rc;
	}
	if (c.rc)
		return c.rc;
	if (!c.parsed) {
		int refused = c.http_status == 400 || c.http_status == 401 ||
		              c.http_status == 403 || c.http_status == 404 ||
		              c.http_status == 405 || c.http_status == 415;

		api->log(p->pctx, NULL, CRS_LOG_ERROR,
		         "parsian: SalePaymentRequest for payment %" PRId64
		         ": unusable answer (HTTP %ld) from %s", a->payment_id,
		         c.http_status, p->sale_url);
		set_msg(message, message_size, refused ? PM_CONFIG : PM_NO_ANSWER);
		return refused ? CRS_EUPSTREAM : CRS_EUPSTREAM_AMBIGUOUS;
	}
	if (c.res.fault) {
		/* The service refused to process the request: no token. */
		api->log(p->pctx, NULL, CRS_LOG_ERROR,
		         "parsian: SalePaymentRequest for payment %" PRId64
		         ": SOAP fault %s: %s", a->payment_id, c.res.fault_code,
		         c.res.fault_string);
		set_msg(message, message_size, PM_TEMPORARY);
		return CRS_EUPSTREAM;
	}
	if (c.res.status == 0 && c.res.has_token && c.res.token > 0) {
		snprintf(token, token_size, "%" PRId64, c.res.token);
		set_msg(message, message_size, "");
		return CRS_OK;
	}
	if (c.res.status == 0) {
		/* "Success" without a token: the order id may be spent. */
		api->log(p->pctx, NULL, CRS_LOG_ERROR,
		         "parsian: SalePaymentRequest for payment %" PRId64
		         ": Status 0 without a Token", a->payment_id);
		set_msg(message, message_size, PM_NO_ANSWER);
		return CRS_EUPSTREAM_AMBIGUOUS;
	}
	code = parsian_find(c.res.status);
	api->log(p->pctx, NULL,
	         code && code->kind == PK_CONFIG ? CRS_LOG_ERROR : CRS_LOG_WARN,
	         "parsian: SalePaymentRequest for payment %" PRId64
	         " refused: Status %d (%s)", a->payment_id, c.res.status,
	         code ? code->note : "unknown status");
	set_msg(message, message_size,
	        code ? parsian_request_message(code->kind) : PM_REFUSED);
	return CRS_EUPSTREAM;
}

/* ---- describe_redirect (P1) -------------------------------------------- */

static int parsian_describe_redirect(void *inst, const struct crs_pay_attempt *a,
                                     struct crs_pay_redirect *out)
{
	struct parsian *p = inst;
	int64_t t;
	int n;

	if (!out || !a || token_parse(a->token, &t))
		return CRS_EINVAL;
	/* The token is in the URL (a plain redirect works) and in the fields
	 * (a GET form replaces the action's query with its fields). */
	n = snprintf(out->url, sizeof(out->url), "%s?Token=%" PRId64, p->page_url, t);
	if (n < 0 || (size_t)n >= sizeof(out->url))
		return CRS_EINVAL;
	snprintf(out->method, sizeof(out->method), "GET");
	out->fields = json_object_new_object();
	if (!out->fields)
		return CRS_ENOMEM;
	json_object_object_add(out->fields, "Token",
	                       json_object_new_string(a->token));
	return CRS_OK;
}

/* ---- parse_callback (P3, P4; X3, X6, X7) -------------------------------- */


static int parsian_parse_callback(void *inst, struct crs_req *req,
                                  struct crs_pay_callback *out)
{
	struct parsian *p = inst;
	const struct crs_api *api = p->api;
	const char *token = api->req_field(req, "Token");
	const char *status = api->req_field(req, "status");
	const char *order = api->req_field(req, "OrderId");
	const char *amount = api->req_field(req, "Amount");
	const char *rrn = api->req_field(req, "RRN");
	int64_t t, st = 0, v, r = 0;

	if (!out)
		return CRS_EINVAL;
	memset(out, 0, sizeof(*out));
	out->amount_rial = -1;
	/* The core finds the payment by its stored token (X4): no token, no
	 * callback. */
	if (!token || psoap_parse_i64(token, &t) || t <= 0)
		return CRS_EINVAL;
	snprintf(out->token, sizeof(out->token), "%" PRId64, t);
	if (order && *order) {
		if (psoap_parse_i64(order, &v) || v <= 0)
			return CRS_EINVAL;
		out->order_id = v;
	}
	/* A callback that does not say how it went says nothing. */
	if (!status || !*status || psoap_parse_i64(status, &st) || st < INT32_MIN ||
	    st > INT32_MAX)
		return CRS_EINVAL;
	snprintf(out->status_code, sizeof(out->status_code), "%" PRId64, st);
	/* Untrusted hints only: the amount and RRN are never used to decide. */
	if (amount && *amount && psoap_parse_amount(amount, &v) == 0 && v > 0)
		out->amount_rial = v;
	if (rrn && *rrn && psoap_parse_i64(rrn, &r) == 0 && r > 0)
		snprintf(out->reference, sizeof(out->reference), "%" PRId64, r);
	else
		r = 0;
	out->bank_says_ok = st == 0 && r > 0;
	return CRS_OK;
}

/* An outcome before the bank answers: unknown, no amount, msg. */
static void outcome_begin(struct crs_pay_outcome *out, const char *msg)
{
	memset(out, 0, sizeof(*out));
	out->amount_rial = -1;
	out->verdict = CRS_PAY_UNKNOWN;
	set_msg(out->message, sizeof(out->message), msg);
}

/* ---- verify (ConfirmPaymentWithAmount) --------------------------------- */

static int parsian_verify(void *inst, const struct crs_pay_attempt *a,
                          const struct crs_pay_callback *cb,
                          struct crs_pay_outcome *out)
{
	struct parsian *p = inst;
	const struct crs_api *api = p->api;
	const struct parsian_code *code;
	struct psoap_request rq;
	struct call c;
	int64_t t;
	int rc;

	if (!out)
		return CRS_EINVAL;
	outcome_begin(out, PM_PENDING);
	/* X4, P5: only the stored token, order and amount are ever sent. */
	if (!attempt_ok(a) || token_parse(a->token, &t))
		return CRS_EINVAL;
	if (cb && cb->token[0] && strcmp(cb->token, a->token) != 0)
		return CRS_ECONFLICT;
	rq = (struct psoap_request){
		.op = PSOAP_CONFIRM_AMOUNT,
		.login_account = p->pin,
		.token = a->token,
		.order_id = a->order_id,
		.amount = a->amount_rial,
	};
	rc = soap_call(p, PSOAP_CONFIRM_AMOUNT, &rq, &c);
	if (rc)
		return rc;
	if (c.rc == CRS_EUPSTREAM || c.rc == CRS_EUPSTREAM_AMBIGUOUS) {
		/* X9: no answer is "unknown", never "failed". */
		api->log(p->pctx, NULL, CRS_LOG_WARN,
		         "parsian: Confirm for payment %" PRId64 " unanswered (%s): %s",
		         a->payment_id, c.rc == CRS_EUPSTREAM ? "not sent" : "sent",
		         c.error);
		return CRS_OK;
	}
	if (c.rc)
		return c.rc;
	if (!c.parsed || c.res.fault) {
		api->log(p->pctx, NULL, CRS_LOG_ERROR,
		         "parsian: Confirm for payment %" PRId64
		         ": %s (HTTP %ld)%s%s; outcome unknown", a->payment_id,
		         c.parsed ? "SOAP fault" : "unusable answer", c.http_status,
		         c.parsed ? ": " : "", c.parsed ? c.res.fault_string : "");
		return CRS_OK;
	}
	snprintf(out->bank_code, sizeof(out->bank_code), "%d", c.res.status);
	code = parsian_find(c.res.status);
	if (c.res.status == 0) {
		if (!c.res.has_rrn || c.res.rrn <= 0) {
			api->log(p->pctx, NULL, CRS_LOG_ERROR,
			         "parsian: Confirm for payment %" PRId64
			         ": Status 0 without an RRN; outcome unknown",
			         a->payment_id);
			return CRS_OK;
		}
		out->verdict = CRS_PAY_VERIFIED;
		/* P5: the result carries no amount; the bank checked ours. */
		out->amount_rial = a->amount_rial;
		snprintf(out->reference, sizeof(out->reference), "%" PRId64, c.res.rrn);
		ascii_copy(out->card_masked, sizeof(out->card_masked), c.res.card_masked);
		set_msg(out->message, sizeof(out->message), PM_VERIFIED);
		return CRS_OK;
	}
	if (code && code->kind == PK_ALREADY) {
		/* P2: the core alone decides what "already" means. */
		out->verdict = CRS_PAY_VERIFIED;
		out->already_done = 1;
		out->amount_rial = a->amount_rial;
		if (c.res.has_rrn && c.res.rrn > 0)
			snprintf(out->reference, sizeof(out->reference), "%" PRId64,
			         c.res.rrn);
		ascii_copy(out->card_masked, sizeof(out->card_masked), c.res.card_masked);
		set_msg(out->message, sizeof(out->message), PM_VERIFIED_BEFORE);
		return CRS_OK;
	}
	if (code && code->kind == PK_TEMPORARY) {
		api->log(p->pctx, NULL, CRS_LOG_WARN,
		         "parsian: Confirm for payment %" PRId64
		         ": Status %d (%s); outcome left unknown", a->payment_id,
		         c.res.status, code->note);
		return CRS_OK;
	}
	out->verdict = CRS_PAY_FAILED;
	set_msg(out->message, sizeof(out->message), PM_FAILED);
	api->log(p->pctx, NULL,
	         code && code->kind == PK_CONFIG ? CRS_LOG_ERROR : CRS_LOG_INFO,
	         "parsian: Confirm for payment %" PRId64 ": Status %d (%s)",
	         a->payment_id, c.res.status, code ? code->note : "unknown status");
	return CRS_OK;
}

/* ---- reverse (ReversalRequest) ----------------------------------------- */

static int parsian_reverse(void *inst, const struct crs_pay_attempt *a,
                           struct crs_pay_outcome *out)
{
	struct parsian *p = inst;
	const struct crs_api *api = p->api;
	const struct parsian_code *code;
	struct psoap_request rq;
	struct call c;
	int64_t t;
	int rc;

	if (!out)
		return CRS_EINVAL;
	outcome_begin(out, PM_REVERSE_FAILED);
	if (!attempt_ok(a) || token_parse(a->token, &t))
		return CRS_EINVAL;
	rq = (struct psoap_request){
		.op = PSOAP_REVERSE,
		.login_account = p->pin,
		.token = a->token,
	};
	rc = soap_call(p, PSOAP_REVERSE, &rq, &c);
	if (rc)
		return rc;
	if (c.rc == CRS_EUPSTREAM || c.rc == CRS_EUPSTREAM_AMBIGUOUS) {
		api->log(p->pctx, NULL, CRS_LOG_WARN,
		         "parsian: Reversal for payment %" PRId64 " unanswered (%s): %s",
		         a->payment_id, c.rc == CRS_EUPSTREAM ? "not sent" : "sent",
		         c.error);
		return c.rc;
	}
	if (c.rc)
		return c.rc;
	if (!c.parsed || c.res.fault) {
		api->log(p->pctx, NULL, CRS_LOG_ERROR,
		         "parsian: Reversal for payment %" PRId64 ": %s (HTTP %ld)%s%s",
		         a->payment_id, c.parsed ? "SOAP fault" : "unusable answer",
		         c.http_status, c.parsed ? ": " : "",
		         c.parsed ? c.res.fault_string : "");
		return c.parsed ? CRS_EUPSTREAM : CRS_EUPSTREAM_AMBIGUOUS;
	}
	snprintf(out->bank_code, sizeof(out->bank_code), "%d", c.res.status);
	code = parsian_find(c.res.status);
	if (c.res.status == 0 || (code && code->kind == PK_REVERSED)) {
		/* The money goes back: as far as the citizen is concerned the
		 * payment did not happen. */
		out->verdict = CRS_PAY_FAILED;
		out->already_done = c.res.status == -1551;
		set_msg(out->message, sizeof(out->message), PM_REVERSED);
		api->log(p->pctx, NULL, CRS_LOG_INFO,
		         "parsian: Reversal for payment %" PRId64 ": Status %d (%s)",
		         a->payment_id, c.res.status, code ? code->note : "");
		return CRS_OK;
	}
	api->log(p->pctx, NULL, CRS_LOG_ERROR,
	         "parsian: Reversal for payment %" PRId64
	         " refused: Status %d (%s); manual follow-up needed", a->payment_id,
	         c.res.status, code ? code->note : "unknown status");
	return CRS_EUPSTREAM;
}

/* ---- life cycle -------------------------------------------------------- */

/*
 * libxml2 keeps per-thread state behind a pthread key whose destructor is
 * in libxml2; if unloading this plugin unmapped libxml2, the next worker
 * thread to exit would jump into nothing.  Pin the already-loaded library
 * (RTLD_NOLOAD: never loads anything).  Then let libxml2 initialise itself
 * here, once, through its own mutex-protected lazy path (the first parse;
 * xmlInitParser and xmlCleanupParser are never called by this plugin),
 * and check the SOAP code works while at it.
 */
static int libxml_ready(struct crs_err *err)
{
	static const char probe[] =
		"<?xml version=\"1.0\" encoding=\"utf-8\"?>"
		"<s:Envelope xmlns:s=\"" PSOAP_NS_SOAP11 "\"><s:Body>"
		"<ReversalRequestResponse xmlns=\"" PSOAP_NS_REVERSAL "\">"
		"<ReversalRequestResult><Status>-1551</Status><Message>\xd8\xaa"
		"</Message><Token>1</Token></ReversalRequestResult>"
		"</ReversalRequestResponse></s:Body></s:Envelope>";
	struct psoap_request rq = { .op = PSOAP_REVERSE, .login_account = "x",
	                            .token = "1" };
	struct psoap_result res;
	Dl_info info;
	char *env = NULL;

	if (dladdr((void *)xmlReadMemory, &info) && info.dli_fname &&
	    !dlopen(info.dli_fname, RTLD_LAZY | RTLD_NOLOAD | RTLD_NODELETE)) {
		snprintf(err->msg, sizeof(err->msg), "cannot pin libxml2 (%s)",
		         info.dli_fname);
		return CRS_EFAIL;
	}
	if (psoap_parse(PSOAP_REVERSE, probe, sizeof(probe) - 1, &res) ||
	    res.status != -1551 || psoap_build(&rq, &env, NULL)) {
		snprintf(err->msg, sizeof(err->msg), "libxml2 self-test failed");
		return CRS_EFAIL;
	}
	free(env);
	return CRS_OK;
}

static int fail_init(struct parsian *p, struct crs_err *err, const char *fmt,
                     const char *key)
{
	snprintf(err->msg, sizeof(err->msg), fmt, key);
	if (p) {
		explicit_bzero(p->pin, sizeof(p->pin));
		p->api->free(p);
	}
	return CRS_EINVAL;
}

static int join(char *out, size_t outsz, const char *a, const char *b)
{
	int n = snprintf(out, outsz, "%s%s", a, b);

	return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

static int parsian_init(const struct crs_api *api, struct crs_plugin_ctx *pctx,
                        void **inst, struct crs_err *err)
{
	struct parsian *p;
	const char *base, *pin, *add;
	char b[256];
	size_t n;
	int64_t tmo;
	int rc;

	rc = libxml_ready(err);
	if (rc)
		return rc;
	p = api->alloc(sizeof(*p));
	if (!p) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return CRS_ENOMEM;
	}
	p->api = api;
	p->pctx = pctx;
	base = api->config_get(pctx, "base_url", NULL);
	pin = api->config_get(pctx, "pin", NULL);
	add = api->config_get(pctx, "additional_data", "");

	if (!base || !*base)
		return fail_init(p, err, "[plugin.pay_parsian] %s is required", "base_url");
	if (!http_url_ok(base) || strlen(base) >= sizeof(b))
		return fail_init(p, err, "[plugin.pay_parsian] %s must be an http(s) URL",
		                 "base_url");
	snprintf(b, sizeof(b), "%s", base);
	n = strlen(b);
	while (n > 8 && b[n - 1] == '/')
		b[--n] = '\0';
	if (!pin || !*pin)
		return fail_init(p, err, "[plugin.pay_parsian] %s is required", "pin");
	if (strlen(pin) >= 100)
		return fail_init(p, err, "[plugin.pay_parsian] %s is too long", "pin");
	for (const char *c = pin; *c; c++)
		if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f)
			return fail_init(p, err,
			                 "[plugin.pay_parsian] %s must be printable ASCII "
			                 "without blanks", "pin");
	if (strlen(add) >= sizeof(p->additional_data) || !xmlCheckUTF8((const xmlChar *)add) ||
	    xmlUTF8Strlen((const xmlChar *)add) > 500)
		return fail_init(p, err,
		                 "[plugin.pay_parsian] %s must be UTF-8 text of at most "
		                 "500 characters", "additional_data");
	if (api->config_int(pctx, "timeout_ms", 10000, 1000, 60000, &tmo))
		return fail_init(p, err, "[plugin.pay_parsian] %s must be 1000..60000",
		                 "timeout_ms");
	if (join(p->sale_url, sizeof(p->sale_url), b, PSOAP_PATH_SALE) ||
	    join(p->confirm_url, sizeof(p->confirm_url), b, PSOAP_PATH_CONFIRM) ||
	    join(p->reverse_url, sizeof(p->reverse_url), b, PSOAP_PATH_REVERSE) ||
	    join(p->page_url, sizeof(p->page_url), b, PSOAP_PATH_PAGE))
		return fail_init(p, err, "[plugin.pay_parsian] %s is too long", "base_url");
	snprintf(p->pin, sizeof(p->pin), "%s", pin);
	snprintf(p->additional_data, sizeof(p->additional_data), "%s", add);
	if (add[0]) {
		/* Refuse now what psoap_build would refuse on every payment. */
		struct psoap_request rq = { .op = PSOAP_SALE, .login_account = p->pin,
		                            .amount = 1, .order_id = 1,
		                            .callback_url = "http://x/",
		                            .additional_data = p->additional_data };
		char *env = NULL;

		if (psoap_build(&rq, &env, NULL))
			return fail_init(p, err,
			                 "[plugin.pay_parsian] %s holds characters XML "
			                 "cannot carry", "additional_data");
		free(env);
	}
	p->timeout_ms = (long)tmo;
	api->log(pctx, NULL, CRS_LOG_INFO,
	         "parsian: ready (sale %s, confirm %s, reverse %s, page %s, timeout %ld ms)",
	         p->sale_url, p->confirm_url, p->reverse_url, p->page_url,
	         p->timeout_ms);
	*inst = p;
	return CRS_OK;
}

static void parsian_destroy(void *inst)
{
	struct parsian *p = inst;

	if (!p)
		return;
	explicit_bzero(p->pin, sizeof(p->pin));
	p->api->free(p);
}

static const struct crs_gateway_ops parsian_ops = {
	.struct_size = sizeof(struct crs_gateway_ops),
	.name = "parsian",
	.title = PARSIAN_TITLE,
	.request_token = parsian_request_token,
	.describe_redirect = parsian_describe_redirect,
	.parse_callback = parsian_parse_callback,
	.verify = parsian_verify,
	.reverse = parsian_reverse,
};

static const struct crs_plugin desc = {
	CRS_PLUGIN_INIT,
	.name = "pay_parsian",
	.version = "1.0.0",
	.description = "Parsian (PEC) NewIPG payment gateway",
	.flags = CRS_PLUGIN_THREAD_SAFE,
	.init = parsian_init,
	.destroy = parsian_destroy,
	.gateway = &parsian_ops,
};

CRS_PLUGIN_DEFINE(desc)
