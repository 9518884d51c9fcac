/*
 * parsian_soap: Parsian NewIPG SOAP messages with libxml2 (see
 * parsian_soap.h).
 */
#include "parsian_soap.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlstring.h>

#define X(s) ((const xmlChar *)(s))

static const struct {
	const char *operation;
	const char *ns;
	const char *path;
	const char *action;
	const char *response;
	const char *result;
} ops[] = {
	[PSOAP_SALE] = { "SalePaymentRequest", PSOAP_NS_SALE, PSOAP_PATH_SALE,
	                 PSOAP_NS_SALE "/SalePaymentRequest",
	                 "SalePaymentRequestResponse", "SalePaymentRequestResult" },
	[PSOAP_CONFIRM] = { "ConfirmPayment", PSOAP_NS_CONFIRM, PSOAP_PATH_CONFIRM,
	                    PSOAP_NS_CONFIRM "/ConfirmPayment",
	                    "ConfirmPaymentResponse", "ConfirmPaymentResult" },
	[PSOAP_CONFIRM_AMOUNT] = { "ConfirmPaymentWithAmount", PSOAP_NS_CONFIRM,
	                           PSOAP_PATH_CONFIRM,
	                           PSOAP_NS_CONFIRM "/ConfirmPaymentWithAmount",
	                           "ConfirmPaymentWithAmountResponse",
	                           "ConfirmPaymentWithAmountResult" },
	[PSOAP_REVERSE] = { "ReversalRequest", PSOAP_NS_REVERSAL, PSOAP_PATH_REVERSE,
	                    PSOAP_NS_REVERSAL "/ReversalRequest",
	                    "ReversalRequestResponse", "ReversalRequestResult" },
};

static int op_ok(enum psoap_op op)
{
	return (unsigned)op <= PSOAP_REVERSE;
}

const char *psoap_operation(enum psoap_op op)
{
	return op_ok(op) ? ops[op].operation : NULL;
}

const char *psoap_namespace(enum psoap_op op)
{
	return op_ok(op) ? ops[op].ns : NULL;
}

const char *psoap_path(enum psoap_op op)
{
	return op_ok(op) ? ops[op].path : NULL;
}

const char *psoap_action(enum psoap_op op)
{
	return op_ok(op) ? ops[op].action : NULL;
}

/* ---- numbers ------------------------------------------------------------ */

static int is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Trim s (len bytes) in place of pointers. */
static void trim_span(const char **s, size_t *len)
{
	while (*len && is_blank((unsigned char)**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len && is_blank((unsigned char)(*s)[*len - 1]))
		(*len)--;
}

static int digits_to_u64(const char *s, size_t len, uint64_t lim, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		d = (unsigned)(s[i] - '0');
		if (v > (lim - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int psoap_parse_i64(const char *s, int64_t *out)
{
	size_t len;
	uint64_t v;
	int neg = 0;

	if (!s || !out)
		return -EINVAL;
	len = strlen(s);
	trim_span(&s, &len);
	/* No bank writes an int64 in more than 20 characters: "000…0" of
	 * kilobytes is not a status 0. */
	if (len > 20)
		return -EINVAL;
	if (len && *s == '-') {
		neg = 1;
		s++;
		len--;
	}
	if (digits_to_u64(s, len, neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX,
	                  &v))
		return -EINVAL;
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

int psoap_parse_amount(const char *s, int64_t *out)
{
	char digits[32];
	size_t len, i, n = 0, group = 0;
	int seen_comma = 0;
	uint64_t v;

	if (!s || !out)
		return -EINVAL;
	len = strlen(s);
	trim_span(&s, &len);
	if (len == 0)
		return -EINVAL;
	/* Walk from the right: a comma must close a group of exactly three
	 * digits; the leftmost group has one to three. */
	for (i = len; i-- > 0;) {
		if (s[i] == ',') {
			if (group != 3 || i == 0)
				return -EINVAL;
			seen_comma = 1;
			group = 0;
			continue;
		}
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		if (seen_comma && group == 3)
			return -EINVAL; /* a group of four after a comma */
		group++;
		if (n >= sizeof(digits) - 1)
			return -EINVAL;
		digits[n++] = s[i];
	}
	/* digits holds the number reversed */
	for (i = 0; i < n / 2; i++) {
		char t = digits[i];

		digits[i] = digits[n - 1 - i];
		digits[n - 1 - i] = t;
	}
	if (digits_to_u64(digits, n, (uint64_t)INT64_MAX, &v))
		return -EINVAL;
	*out = (int64_t)v;
	return 0;
}

/* ---- building ----------------------------------------------------------- */

/* Valid UTF-8 holding only characters XML 1.0 allows, at most max_chars
 * characters (0: no limit). */
static int xml_text_ok(const char *s, size_t max_chars)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t chars = 0;

	if (!xmlCheckUTF8(X(s)))
		return 0;
	while (*p) {
		unsigned c = *p;

		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			return 0;
		/* U+FFFE / U+FFFF (EF BF BE / EF BF BF) are not XML characters. */
		if (c == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF))
			return 0;
		p++;
		while ((*p & 0xC0) == 0x80)
			p++;
		chars++;
	}
	return max_chars == 0 || chars <= max_chars;
}

static xmlNodePtr text_child(xmlNodePtr parent, xmlNsPtr ns, const char *name,
                             const char *value)
{
	/* xmlNewTextChild stores value as a text node: the serialiser escapes
	 * it (unlike xmlNewChild, which would parse entity references). */
	return xmlNewTextChild(parent, ns, X(name), X(value));
}

static xmlNodePtr int_child(xmlNodePtr parent, xmlNsPtr ns, const char *name,
                            int64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRId64, v);
	return text_child(parent, ns, name, buf);
}

static int request_ok(const struct psoap_request *rq, int64_t *token)
{
	if (!rq || !op_ok(rq->op) || !rq->login_account ||
	    !xml_text_ok(rq->login_account, 100))
		return 0;
	switch (rq->op) {
	case PSOAP_SALE:
		return rq->amount > 0 && rq->order_id > 0 && rq->callback_url &&
		       *rq->callback_url && xml_text_ok(rq->callback_url, 0) &&
		       (!rq->additional_data || xml_text_ok(rq->additional_data, 500)) &&
		       (!rq->originator || xml_text_ok(rq->originator, 50));
	case PSOAP_CONFIRM_AMOUNT:
		if (rq->amount <= 0 || rq->order_id <= 0)
			return 0;
		/* fall through */
	case PSOAP_CONFIRM:
	case PSOAP_REVERSE:
		return rq->token && psoap_parse_i64(rq->token, token) == 0 && *token > 0;
	}
	return 0;
}

int psoap_build(const struct psoap_request *rq, char **out, size_t *out_len)
{
	xmlDocPtr doc;
	xmlNodePtr env, body, op, data;
	xmlNsPtr soap, svc;
	xmlChar *mem = NULL;
	int size = 0, rc = -ENOMEM;
	int64_t token = 0;
	int ok;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (out_len)
		*out_len = 0;
	if (!request_ok(rq, &token))
		return -EINVAL;
	doc = xmlNewDoc(X("1.0"));
	if (!doc)
		return -ENOMEM;
	env = xmlNewDocNode(doc, NULL, X("Envelope"), NULL);
	if (!env)
		goto out;
	xmlDocSetRootElement(doc, env);
	soap = xmlNewNs(env, X(PSOAP_NS_SOAP11), X("soap"));
	if (!soap)
		goto out;
	xmlSetNs(env, soap);
	body = xmlNewChild(env, soap, X("Body"), NULL);
	op = body ? xmlNewChild(body, NULL, X(ops[rq->op].operation), NULL) : NULL;
	svc = op ? xmlNewNs(op, X(ops[rq->op].ns), NULL) : NULL;
	if (!svc)
		goto out;
	xmlSetNs(op, svc);
	data = xmlNewChild(op, svc, X("requestData"), NULL);
	if (!data)
		goto out;
	/* Children in the WSDL's order. */
	ok = text_child(data, svc, "LoginAccount", rq->login_account) != NULL;
	switch (rq->op) {
	case PSOAP_SALE:
		ok = ok && int_child(data, svc, "Amount", rq->amount) &&
		     int_child(data, svc, "OrderId", rq->order_id) &&
		     text_child(data, svc, "CallBackUrl", rq->callback_url);
		if (ok && rq->additional_data)
			ok = text_child(data, svc, "AdditionalData", rq->additional_data) != NULL;
		if (ok && rq->originator)
			ok = text_child(data, svc, "Originator", rq->originator) != NULL;
		break;
	case PSOAP_CONFIRM_AMOUNT:
		ok = ok && int_child(data, svc, "Token", token) &&
		     int_child(data, svc, "OrderId", rq->order_id) &&
		     int_child(data, svc, "Amount", rq->amount);
		break;
	case PSOAP_CONFIRM:
	case PSOAP_REVERSE:
		ok = ok && int_child(data, svc, "Token", token);
		break;
	}
	if (!ok)
		goto out;
	xmlDocDumpFormatMemoryEnc(doc, &mem, &size, "UTF-8", 0);
	if (!mem || size <= 0)
		goto out;
	*out = malloc((size_t)size + 1);
	if (!*out)
		goto out;
	memcpy(*out, mem, (size_t)size);
	(*out)[size] = '\0';
	if (out_len)
		*out_len = (size_t)size;
	rc = 0;
out:
	xmlFree(mem);
	xmlFreeDoc(doc);
	return rc;
}

/* ---- parsing ------------------------------------------------------------ */

static int name_is(xmlNodePtr n, const char *local)
{
	return n && n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, X(local));
}

static int ns_is(xmlNodePtr n, const char *uri)
{
	return n->ns && n->ns->href && xmlStrEqual(n->ns->href, X(uri));
}

static int soap_ns(xmlNodePtr n)
{
	return ns_is(n, PSOAP_NS_SOAP11) || ns_is(n, PSOAP_NS_SOAP12);
}

/* The first element child named local (any namespace). */
static xmlNodePtr child(xmlNodePtr parent, const char *local)
{
	xmlNodePtr c;

	for (c = parent ? parent->children : NULL; c; c = c->next)
		if (name_is(c, local))
			return c;
	return NULL;
}

static xmlNodePtr first_element(xmlNodePtr parent)
{
	xmlNodePtr c;

	for (c = parent ? parent->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return c;
	return NULL;
}

/* Copy the text of n (all descendants), trimmed, cut on a UTF-8 boundary. */
static void node_text(xmlNodePtr n, char *out, size_t outsz)
{
	xmlChar *t = n ? xmlNodeGetContent(n) : NULL;
	const char *s = t ? (const char *)t : "";
	size_t len = strlen(s);

	trim_span(&s, &len);
	if (len >= outsz) {
		len = outsz - 1;
		while (len && ((unsigned char)s[len] & 0xC0) == 0x80)
			len--;
	}
	memcpy(out, s, len);
	out[len] = '\0';
	xmlFree(t);
}

static int nil(xmlNodePtr n)
{
	xmlChar *v = xmlGetNsProp(n, X("nil"),
	                          X("http://www.w3.org/2001/XMLSchema-instance"));
	int yes = v && (xmlStrEqual(v, X("true")) || xmlStrEqual(v, X("1")));

	xmlFree(v);
	return yes;
}

/* An int64 element: 1 present, 0 absent (or nil), -1 malformed. */
static int int_elem(xmlNodePtr parent, const char *local, int64_t *out)
{
	xmlNodePtr n = child(parent, local);
	char buf[64];

	if (!n || nil(n))
		return 0;
	node_text(n, buf, sizeof(buf));
	if (!buf[0])
		return 0;
	return psoap_parse_i64(buf, out) == 0 ? 1 : -1;
}

static int parse_fault(xmlNodePtr fault, struct psoap_result *out)
{
	xmlNodePtr n;

	out->fault = 1;
	/* SOAP 1.1: faultcode / faultstring (unqualified). */
	if ((n = child(fault, "faultcode")))
		node_text(n, out->fault_code, sizeof(out->fault_code));
	if ((n = child(fault, "faultstring")))
		node_text(n, out->fault_string, sizeof(out->fault_string));
	/* SOAP 1.2: Code/Value, Reason/Text. */
	if (!out->fault_code[0] && (n = child(child(fault, "Code"), "Value")))
		node_text(n, out->fault_code, sizeof(out->fault_code));
	if (!out->fault_string[0] && (n = child(child(fault, "Reason"), "Text")))
		node_text(n, out->fault_string, sizeof(out->fault_string));
	return 0;
}

static int parse_result(enum psoap_op op, xmlNodePtr result,
                        struct psoap_result *out)
{
	xmlNodePtr n;
	int64_t v;
	int r;

	r = int_elem(result, "Status", &v);
	if (r < 0 || (r > 0 && (v < -32768 || v > 32767)))
		return -EINVAL;
	if (r > 0) {
		out->has_status = 1;
		out->status = (int)v;
	}
	r = int_elem(result, "Token", &v);
	if (r < 0)
		return -EINVAL;
	if (r > 0) {
		out->has_token = 1;
		out->token = v;
		snprintf(out->token_str, sizeof(out->token_str), "%" PRId64, v);
	}
	r = int_elem(result, "RRN", &v);
	if (r < 0)
		return -EINVAL;
	if (r > 0) {
		out->has_rrn = 1;
		out->rrn = v;
	}
	if ((n = child(result, "Message")))
		node_text(n, out->message, sizeof(out->message));
	if ((n = child(result, "CardNumberMasked")))
		node_text(n, out->card_masked, sizeof(out->card_masked));
	(void)op;
	/* Every result type carries a Status: without one it is not ours. */
	return out->has_status ? 0 : -EINVAL;
}

int psoap_parse(enum psoap_op op, const char *xml, size_t len,
                struct psoap_result *out)
{
	xmlDocPtr doc;
	xmlNodePtr env, body, first, result;
	int rc = -EINVAL;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (!op_ok(op) || !xml || len == 0 || len > INT_MAX)
		return -EINVAL;
	/* No network, no entity substitution, no DTD loading, quiet. */
	doc = xmlReadMemory(xml, (int)len, "soap.xml", NULL,
	                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc)
		return -EINVAL;
	if (doc->intSubset || doc->extSubset)
		goto out; /* SOAP forbids a DTD */
	env = xmlDocGetRootElement(doc);
	if (!name_is(env, "Envelope") || !soap_ns(env))
		goto out;
	body = child(env, "Body");
	if (!body || !soap_ns(body))
		goto out;
	first = first_element(body);
	if (!first)
		goto out;
	if (name_is(first, "Fault") && soap_ns(first)) {
		rc = parse_fault(first, out);
		goto out;
	}
	if (!name_is(first, ops[op].response) || !ns_is(first, ops[op].ns))
		goto out;
	result = child(first, ops[op].result);
	if (!result)
		goto out;
	rc = parse_result(op, result, out);
	if (rc)
		memset(out, 0, sizeof(*out));
out:
	xmlFreeDoc(doc);
	return rc;
}
