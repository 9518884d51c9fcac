/* Unit tests for plugins/pay_parsian/parsian_soap.c: SOAP envelopes built
 * with every text node escaped (P7: '&' in CallBackUrl, Persian and markup
 * characters in AdditionalData), element order and namespaces of each
 * operation, int64 values kept as strings (P8), answers and SOAP faults in
 * SOAP 1.1 and 1.2, refusal of malformed or hostile XML, and the callback
 * Amount with thousands separators (P4). */
#include "unit.h"

#include "parsian_soap.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#define X(s) ((const xmlChar *)(s))

/* ---- helpers: read a built envelope back with libxml2 ------------------- */

static xmlNodePtr elem_child(xmlNodePtr n, int index)
{
	xmlNodePtr c;
	int i = 0;

	for (c = n ? n->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && i++ == index)
			return c;
	return NULL;
}

static int elem_count(xmlNodePtr n)
{
	xmlNodePtr c;
	int i = 0;

	for (c = n ? n->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			i++;
	return i;
}

static int is_elem(xmlNodePtr n, const char *ns, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, X(name)) &&
	       n->ns && xmlStrEqual(n->ns->href, X(ns));
}

/* The i-th child of requestData is <name> in ns with text value. */
static int field_is(xmlNodePtr data, int i, const char *ns, const char *name,
                    const char *value)
{
	xmlNodePtr c = elem_child(data, i);
	xmlChar *t;
	int ok;

	if (!is_elem(c, ns, name)) {
		unit_note("child %d is not <%s>", i, name);
		return 0;
	}
	t = xmlNodeGetContent(c);
	ok = t && strcmp((const char *)t, value) == 0;
	if (!ok)
		unit_note("<%s> = \"%s\", want \"%s\"", name, t ? (const char *)t : "(null)",
		          value);
	xmlFree(t);
	return ok;
}

/* Parse env and return its requestData (the doc in *doc), checking the
 * envelope, the body and the operation element on the way. */
static xmlNodePtr request_data(const char *env, enum psoap_op op, xmlDocPtr *doc)
{
	xmlNodePtr root, body, opn, data;

	*doc = xmlReadMemory(env, (int)strlen(env), "t.xml", NULL,
	                     XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!*doc)
		return NULL;
	root = xmlDocGetRootElement(*doc);
	if (!is_elem(root, PSOAP_NS_SOAP11, "Envelope") || elem_count(root) != 1)
		return NULL;
	body = elem_child(root, 0);
	if (!is_elem(body, PSOAP_NS_SOAP11, "Body") || elem_count(body) != 1)
		return NULL;
	opn = elem_child(body, 0);
	if (!is_elem(opn, psoap_namespace(op), psoap_operation(op)) || elem_count(opn) != 1)
		return NULL;
	data = elem_child(opn, 0);
	return is_elem(data, psoap_namespace(op), "requestData") ? data : NULL;
}

static int build_fails(const struct psoap_request *rq)
{
	char *out = (char *)"sentinel";
	int rc = psoap_build(rq, &out, NULL);

	return rc == -EINVAL && out == NULL;
}

static int amount_is(const char *s, int64_t want)
{
	int64_t v = -1;

	if (psoap_parse_amount(s, &v) != 0 || v != want) {
		unit_note("amount(\"%s\") = %lld", s, (long long)v);
		return 0;
	}
	return 1;
}

static int amount_bad(const char *s)
{
	int64_t v = 7;

	return psoap_parse_amount(s, &v) == -EINVAL && v == 7;
}

static int parse(enum psoap_op op, const char *xml, struct psoap_result *r)
{
	return psoap_parse(op, xml, strlen(xml), r);
}

#define ENV11_OPEN                                                              \
	"<?xml version=\"1.0\" encoding=\"utf-8\"?>"                                 \
	"<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" " \
	"xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "                  \
	"xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"><soap:Body>"
#define ENV11_CLOSE "</soap:Body></soap:Envelope>"

int main(void)
{
	struct psoap_request rq;
	struct psoap_result r;
	xmlDocPtr doc = NULL;
	xmlNodePtr data;
	char *env = NULL, long_text[2048];
	size_t len = 0;
	int i;

	/* ---- names, paths, actions ---- */
	CHECK_STR(psoap_path(PSOAP_SALE), "/NewIPGServices/Sale/SaleService.asmx");
	CHECK_STR(psoap_path(PSOAP_CONFIRM_AMOUNT), "/NewIPGServices/Confirm/ConfirmService.asmx");
	CHECK_STR(psoap_path(PSOAP_REVERSE), "/NewIPGServices/Reverse/ReversalService.asmx");
	CHECK_STR(psoap_action(PSOAP_SALE),
	          "https://pec.Shaparak.ir/NewIPGServices/Sale/SaleService/SalePaymentRequest");
	CHECK_STR(psoap_action(PSOAP_CONFIRM),
	          "https://pec.Shaparak.ir/NewIPGServices/Confirm/ConfirmService/ConfirmPayment");
	CHECK_STR(psoap_action(PSOAP_CONFIRM_AMOUNT),
	          "https://pec.Shaparak.ir/NewIPGServices/Confirm/ConfirmService/ConfirmPaymentWithAmount");
	CHECK_STR(psoap_action(PSOAP_REVERSE),
	          "https://pec.Shaparak.ir/NewIPGServices/Reversal/ReversalService/ReversalRequest");
	CHECK(psoap_action((enum psoap_op)9) == NULL);

	/* ---- SalePaymentRequest: escaping and UTF-8 (P7) ---- */
	rq = (struct psoap_request){
		.op = PSOAP_SALE,
		.login_account = "PIN&<1>",
		.amount = 2500000,
		.order_id = INT64_C(9007199254740993), /* not representable as a double */
		.callback_url = "https://crs.example.ir/pay/parsian/callback?payment=12&lang=fa",
		.additional_data = "ثبت نام کارت هوشمند ملی \"A&B\" <x> 'y'",
		.originator = "09121234567",
	};
	CHECK_EQ_INT(psoap_build(&rq, &env, &len), 0);
	CHECK(env && len == strlen(env));
	CHECK(env && strncmp(env, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 38) == 0);
	CHECK(env && strstr(env, "callback?payment=12&amp;lang=fa</"));
	CHECK(env && strstr(env, "PIN&amp;&lt;1&gt;"));
	CHECK(env && strstr(env, "A&amp;B"));
	CHECK(env && !strstr(env, "<x>"));
	/* Persian travels as raw UTF-8, not as character references */
	CHECK(env && strstr(env, "ثبت نام کارت هوشمند ملی"));
	CHECK(env && !strstr(env, "&#"));
	CHECK(env && strstr(env, "<OrderId>9007199254740993</OrderId>"));
	data = env ? request_data(env, PSOAP_SALE, &doc) : NULL;
	CHECK(data != NULL);
	CHECK_EQ_INT(elem_count(data), 6);
	CHECK(field_is(data, 0, PSOAP_NS_SALE, "LoginAccount", "PIN&<1>"));
	CHECK(field_is(data, 1, PSOAP_NS_SALE, "Amount", "2500000"));
	CHECK(field_is(data, 2, PSOAP_NS_SALE, "OrderId", "9007199254740993"));
	CHECK(field_is(data, 3, PSOAP_NS_SALE, "CallBackUrl",
	               "https://crs.example.ir/pay/parsian/callback?payment=12&lang=fa"));
	CHECK(field_is(data, 4, PSOAP_NS_SALE, "AdditionalData",
	               "ثبت نام کارت هوشمند ملی \"A&B\" <x> 'y'"));
	CHECK(field_is(data, 5, PSOAP_NS_SALE, "Originator", "09121234567"));
	xmlFreeDoc(doc);
	doc = NULL;
	free(env);
	env = NULL;

	/* optional elements are omitted when NULL */
	rq.additional_data = NULL;
	rq.originator = NULL;
	CHECK_EQ_INT(psoap_build(&rq, &env, NULL), 0);
	data = env ? request_data(env, PSOAP_SALE, &doc) : NULL;
	CHECK_EQ_INT(elem_count(data), 4);
	xmlFreeDoc(doc);
	doc = NULL;
	free(env);
	env = NULL;

	/* ---- ConfirmPaymentWithAmount: stored order and amount, token as text ---- */
	rq = (struct psoap_request){
		.op = PSOAP_CONFIRM_AMOUNT, .login_account = "DEMOPIN",
		.token = "9223372036854775807", .order_id = 4242, .amount = 200000,
	};
	CHECK_EQ_INT(psoap_build(&rq, &env, NULL), 0);
	data = env ? request_data(env, PSOAP_CONFIRM_AMOUNT, &doc) : NULL;
	CHECK_EQ_INT(elem_count(data), 4);
	CHECK(field_is(data, 0, PSOAP_NS_CONFIRM, "LoginAccount", "DEMOPIN"));
	CHECK(field_is(data, 1, PSOAP_NS_CONFIRM, "Token", "9223372036854775807"));
	CHECK(field_is(data, 2, PSOAP_NS_CONFIRM, "OrderId", "4242"));
	CHECK(field_is(data, 3, PSOAP_NS_CONFIRM, "Amount", "200000"));
	xmlFreeDoc(doc);
	doc = NULL;
	free(env);
	env = NULL;

	/* a token is canonicalised (no leading zeros or blanks reach the bank) */
	rq.token = " 00123 ";
	CHECK_EQ_INT(psoap_build(&rq, &env, NULL), 0);
	CHECK(env && strstr(env, "<Token>123</Token>"));
	free(env);
	env = NULL;

	/* ---- ConfirmPayment and ReversalRequest ---- */
	rq = (struct psoap_request){ .op = PSOAP_CONFIRM, .login_account = "P", .token = "77" };
	CHECK_EQ_INT(psoap_build(&rq, &env, NULL), 0);
	data = env ? request_data(env, PSOAP_CONFIRM, &doc) : NULL;
	CHECK_EQ_INT(elem_count(data), 2);
	CHECK(field_is(data, 1, PSOAP_NS_CONFIRM, "Token", "77"));
	xmlFreeDoc(doc);
	doc = NULL;
	free(env);
	env = NULL;
	rq.op = PSOAP_REVERSE;
	CHECK_EQ_INT(psoap_build(&rq, &env, NULL), 0);
	data = env ? request_data(env, PSOAP_REVERSE, &doc) : NULL;
	CHECK(data != NULL);
	CHECK(field_is(data, 0, PSOAP_NS_REVERSAL, "LoginAccount", "P"));
	CHECK(field_is(data, 1, PSOAP_NS_REVERSAL, "Token", "77"));
	xmlFreeDoc(doc);
	doc = NULL;
	free(env);
	env = NULL;

	/* ---- build refusals ---- */
	rq = (struct psoap_request){ .op = PSOAP_CONFIRM, .login_account = "P" };
	CHECK(build_fails(&rq));                                   /* no token */
	rq.token = "abc";
	CHECK(build_fails(&rq));
	rq.token = "0";
	CHECK(build_fails(&rq));
	rq.token = "-5";
	CHECK(build_fails(&rq));
	rq.token = "9223372036854775808";                          /* int64 overflow */
	CHECK(build_fails(&rq));
	rq.token = "1.5E+18";                                      /* a float (P8) */
	CHECK(build_fails(&rq));
	rq = (struct psoap_request){ .op = PSOAP_CONFIRM_AMOUNT, .login_account = "P",
	                             .token = "5", .order_id = 1, .amount = 0 };
	CHECK(build_fails(&rq));
	rq = (struct psoap_request){ .op = PSOAP_SALE, .login_account = "P", .amount = 1,
	                             .order_id = 1, .callback_url = "http://x/" };
	CHECK_EQ_INT(psoap_build(&rq, &env, NULL), 0);
	free(env);
	env = NULL;
	rq.order_id = 0;
	CHECK(build_fails(&rq));
	rq.order_id = 1;
	rq.callback_url = NULL;
	CHECK(build_fails(&rq));
	rq.callback_url = "";
	CHECK(build_fails(&rq));
	rq.callback_url = "http://x/";
	rq.login_account = NULL;
	CHECK(build_fails(&rq));
	rq.login_account = "P";
	rq.additional_data = "bad \xff utf-8";
	CHECK(build_fails(&rq));
	rq.additional_data = "control \x01 char";
	CHECK(build_fails(&rq));
	rq.additional_data = "\xef\xbf\xbe"; /* U+FFFE */
	CHECK(build_fails(&rq));
	/* AdditionalData: 500 characters (not bytes) at most */
	for (i = 0; i < 500; i++)
		memcpy(long_text + 2 * i, "\xd8\xa8", 2); /* 'ب' */
	long_text[1000] = '\0';
	rq.additional_data = long_text;
	CHECK_EQ_INT(psoap_build(&rq, &env, NULL), 0);
	free(env);
	env = NULL;
	memcpy(long_text + 1000, "x", 2);
	CHECK(build_fails(&rq));
	rq.additional_data = NULL;
	rq.originator = "012345678901234567890123456789012345678901234567890"; /* 51 */
	CHECK(build_fails(&rq));
	rq.originator = "01234567890123456789012345678901234567890123456789";  /* 50 */
	CHECK_EQ_INT(psoap_build(&rq, &env, NULL), 0);
	free(env);
	env = NULL;

	/* ---- answers ---- */
	CHECK_EQ_INT(parse(PSOAP_SALE, ENV11_OPEN
		"<SalePaymentRequestResponse xmlns=\"https://pec.Shaparak.ir/NewIPGServices/Sale/SaleService\">"
		"<SalePaymentRequestResult><Token>9223372036854775807</Token>"
		"<Message>عملیات موفق &amp; کامل</Message><Status>0</Status>"
		"</SalePaymentRequestResult></SalePaymentRequestResponse>" ENV11_CLOSE, &r), 0);
	CHECK(!r.fault && r.has_status && r.status == 0);
	CHECK(r.has_token && r.token == INT64_MAX);
	CHECK_STR(r.token_str, "9223372036854775807");
	CHECK_STR(r.message, "عملیات موفق & کامل");

	/* failure: Token 0, negative status */
	CHECK_EQ_INT(parse(PSOAP_SALE, ENV11_OPEN
		"<SalePaymentRequestResponse xmlns=\"https://pec.Shaparak.ir/NewIPGServices/Sale/SaleService\">"
		"<SalePaymentRequestResult><Token>0</Token><Message>InvalidMerchantPin</Message>"
		"<Status>-126</Status></SalePaymentRequestResult></SalePaymentRequestResponse>"
		ENV11_CLOSE, &r), 0);
	CHECK(r.has_status && r.status == -126 && r.has_token && r.token == 0);

	/* confirm: other prefixes, other child order, blanks around values */
	CHECK_EQ_INT(parse(PSOAP_CONFIRM_AMOUNT,
		"<e:Envelope xmlns:e=\"http://schemas.xmlsoap.org/soap/envelope/\">\n <e:Body>\n"
		"  <c:ConfirmPaymentWithAmountResponse xmlns:c=\"https://pec.Shaparak.ir/NewIPGServices/Confirm/ConfirmService\">"
		"<c:ConfirmPaymentWithAmountResult>"
		"<c:RRN> 735597014163 </c:RRN><c:CardNumberMasked>622106******7483</c:CardNumberMasked>"
		"<c:Token>805667252473086758</c:Token><c:Status>0</c:Status>"
		"</c:ConfirmPaymentWithAmountResult></c:ConfirmPaymentWithAmountResponse>\n </e:Body>\n</e:Envelope>",
		&r), 0);
	CHECK(r.has_status && r.status == 0);
	CHECK(r.has_rrn && r.rrn == INT64_C(735597014163));
	CHECK_STR(r.card_masked, "622106******7483");
	CHECK_STR(r.token_str, "805667252473086758");

	/* SOAP 1.2, already confirmed, RRN nil */
	CHECK_EQ_INT(parse(PSOAP_CONFIRM,
		"<?xml version=\"1.0\"?><soap12:Envelope xmlns:soap12=\"http://www.w3.org/2003/05/soap-envelope\" "
		"xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soap12:Body>"
		"<ConfirmPaymentResponse xmlns=\"https://pec.Shaparak.ir/NewIPGServices/Confirm/ConfirmService\">"
		"<ConfirmPaymentResult><Status>-1533</Status><RRN xsi:nil=\"true\"/><Token>5</Token>"
		"</ConfirmPaymentResult></ConfirmPaymentResponse></soap12:Body></soap12:Envelope>", &r), 0);
	CHECK(r.status == -1533 && !r.has_rrn && r.token == 5);

	/* reversal */
	CHECK_EQ_INT(parse(PSOAP_REVERSE, ENV11_OPEN
		"<ReversalRequestResponse xmlns=\"https://pec.Shaparak.ir/NewIPGServices/Reversal/ReversalService\">"
		"<ReversalRequestResult><Status>-1551</Status><Message>PaymentRequestIsAlreadyReversed</Message>"
		"<Token>5</Token></ReversalRequestResult></ReversalRequestResponse>" ENV11_CLOSE, &r), 0);
	CHECK(r.status == -1551);

	/* ---- faults ---- */
	CHECK_EQ_INT(parse(PSOAP_SALE, ENV11_OPEN
		"<soap:Fault><faultcode>soap:Client</faultcode>"
		"<faultstring>Server was unable to read request. &lt;x&gt;</faultstring>"
		"<detail/></soap:Fault>" ENV11_CLOSE, &r), 0);
	CHECK(r.fault && !r.has_status);
	CHECK_STR(r.fault_code, "soap:Client");
	CHECK_STR(r.fault_string, "Server was unable to read request. <x>");
	CHECK_EQ_INT(parse(PSOAP_CONFIRM_AMOUNT,
		"<env:Envelope xmlns:env=\"http://www.w3.org/2003/05/soap-envelope\"><env:Body>"
		"<env:Fault><env:Code><env:Value>env:Receiver</env:Value></env:Code>"
		"<env:Reason><env:Text xml:lang=\"fa\">خطای سرور</env:Text></env:Reason></env:Fault>"
		"</env:Body></env:Envelope>", &r), 0);
	CHECK(r.fault);
	CHECK_STR(r.fault_code, "env:Receiver");
	CHECK_STR(r.fault_string, "خطای سرور");

	/* ---- refused answers ---- */
	CHECK_EQ_INT(parse(PSOAP_SALE, "<html><body>500 - Internal server error.</body></html>", &r), -EINVAL);
	CHECK_EQ_INT(parse(PSOAP_SALE, "not xml at all", &r), -EINVAL);
	CHECK_EQ_INT(psoap_parse(PSOAP_SALE, "", 0, &r), -EINVAL);
	CHECK_EQ_INT(psoap_parse(PSOAP_SALE, NULL, 5, &r), -EINVAL);
	CHECK_EQ_INT(parse(PSOAP_SALE, ENV11_OPEN "<SalePaymentRequestResponse xmlns=\"https://pec.Shaparak.ir/NewIPGServices/Sale/SaleService\">"
		"<SalePaymentRequestResult><Token>1</Token>", &r), -EINVAL);       /* truncated */
	/* another operation's answer */
	CHECK_EQ_INT(parse(PSOAP_CONFIRM_AMOUNT, ENV11_OPEN
		"<ConfirmPaymentResponse xmlns=\"https://pec.Shaparak.ir/NewIPGServices/Confirm/ConfirmService\">"
		"<ConfirmPaymentResult><Status>0</Status></ConfirmPaymentResult></ConfirmPaymentResponse>"
		ENV11_CLOSE, &r), -EINVAL);
	/* the right name in the wrong namespace (lower-case 's' in Shaparak) */
	CHECK_EQ_INT(parse(PSOAP_SALE, ENV11_OPEN
		"<SalePaymentRequestResponse xmlns=\"https://pec.shaparak.ir/NewIPGServices/Sale/SaleService\">"
		"<SalePaymentRequestResult><Token>1</Token><Status>0</Status></SalePaymentRequestResult>"
		"</SalePaymentRequestResponse>" ENV11_CLOSE, &r), -EINVAL);
	/* not a SOAP envelope */
	CHECK_EQ_INT(parse(PSOAP_SALE,
		"<Envelope><Body><SalePaymentRequestResponse xmlns=\"https://pec.Shaparak.ir/NewIPGServices/Sale/SaleService\">"
		"<SalePaymentRequestResult><Token>1</Token><Status>0</Status></SalePaymentRequestResult>"
		"</SalePaymentRequestResponse></Body></Envelope>", &r), -EINVAL);
	/* no Status, a non-numeric Status, a Status out of short range */
	CHECK_EQ_INT(parse(PSOAP_SALE, ENV11_OPEN
		"<SalePaymentRequestResponse xmlns=\"https://pec.Shaparak.ir/NewIPGServices/Sale/SaleService\">"
		"<SalePaymentRequestResult><Token>1</Token></SalePaymentRequestResult>"
		"</SalePaymentRequestResponse>" ENV11_CLOSE, &r), -EINVAL);
	CHECK_EQ_INT(parse(PSOAP_SALE, ENV11_OPEN
		"<SalePaymentRequestResponse xmlns=\"https://pec.Shaparak.ir/NewIPGServices/Sale/SaleService\">"
		"<SalePaymentRequestResult><Token>1</Token><Status>ok</Status></SalePaymentRequestResult>"
		"</SalePaymentRequestResponse>" ENV11_CLOSE, &r), -EINVAL);
	CHECK_EQ_INT(parse(PSOAP_SALE, ENV11_OPEN
		"<SalePaymentRequestResponse xmlns=\"https://pec.Shaparak.ir/NewIPGServices/Sale/SaleService\">"
		"<SalePaymentRequestResult><Token>1</Token><Status>40000</Status></SalePaymentRequestResult>"
		"</SalePaymentRequestResponse>" ENV11_CLOSE, &r), -EINVAL);
	/* a token that overflows int64 or is a float (P8) */
	CHECK_EQ_INT(parse(PSOAP_SALE, ENV11_OPEN
		"<SalePaymentRequestResponse xmlns=\"https://pec.Shaparak.ir/NewIPGServices/Sale/SaleService\">"
		"<SalePaymentRequestResult><Token>9223372036854775808</Token><Status>0</Status></SalePaymentRequestResult>"
		"</SalePaymentRequestResponse>" ENV11_CLOSE, &r), -EINVAL);
	CHECK_EQ_INT(parse(PSOAP_SALE, ENV11_OPEN
		"<SalePaymentRequestResponse xmlns=\"https://pec.Shaparak.ir/NewIPGServices/Sale/SaleService\">"
		"<SalePaymentRequestResult><Token>8.05667252473087E+17</Token><Status>0</Status></SalePaymentRequestResult>"
		"</SalePaymentRequestResponse>" ENV11_CLOSE, &r), -EINVAL);
	/* a DTD (entity expansion, external entities) is refused outright */
	CHECK_EQ_INT(parse(PSOAP_SALE,
		"<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
		"<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
		"<SalePaymentRequestResponse xmlns=\"https://pec.Shaparak.ir/NewIPGServices/Sale/SaleService\">"
		"<SalePaymentRequestResult><Token>1</Token><Message>&x;</Message><Status>0</Status>"
		"</SalePaymentRequestResult></SalePaymentRequestResponse></soap:Body></soap:Envelope>", &r), -EINVAL);
	CHECK(!r.has_status && !r.message[0]);

	/* ---- the callback Amount (P4) ---- */
	CHECK(amount_is("200,000", 200000));
	CHECK(amount_is("200000", 200000));
	CHECK(amount_is("1,250,000", 1250000));
	CHECK(amount_is(" 2,500,000 ", 2500000));
	CHECK(amount_is("1,000", 1000));
	CHECK(amount_is("999", 999));
	CHECK(amount_is("0", 0));
	CHECK(amount_is("9,223,372,036,854,775,807", INT64_MAX));
	CHECK(amount_bad("9,223,372,036,854,775,808"));
	CHECK(amount_bad(""));
	CHECK(amount_bad("  "));
	CHECK(amount_bad(",200"));
	CHECK(amount_bad("200,"));
	CHECK(amount_bad("2,00"));
	CHECK(amount_bad("20,0000"));
	CHECK(amount_bad("2000,000"));
	CHECK(amount_bad("1,,000"));
	CHECK(amount_bad("-5"));
	CHECK(amount_bad("+5"));
	CHECK(amount_bad("1.5"));
	CHECK(amount_bad("200,000.00"));
	CHECK(amount_bad("1 000"));
	CHECK(amount_bad(NULL));

	/* ---- int64 text ---- */
	{
		int64_t v = 0;

		CHECK(psoap_parse_i64("-9223372036854775808", &v) == 0 && v == INT64_MIN);
		CHECK(psoap_parse_i64(" 42\n", &v) == 0 && v == 42);
		CHECK_EQ_INT(psoap_parse_i64("+5", &v), -EINVAL);
		CHECK_EQ_INT(psoap_parse_i64("-", &v), -EINVAL);
		CHECK_EQ_INT(psoap_parse_i64("4 2", &v), -EINVAL);
		CHECK_EQ_INT(psoap_parse_i64("0x10", &v), -EINVAL);
	}

	return unit_done();
}
