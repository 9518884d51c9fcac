/*
 * parsian_soap: Parsian (PEC) NewIPG SOAP messages, pure functions on top of
 * libxml2 (gateways.md §2.2–2.8).
 *
 * Requests are SOAP 1.1 envelopes built as a libxml2 tree: every value is a
 * text node, so '&', '<' and the like in CallBackUrl or AdditionalData are
 * escaped by the serialiser (P7), and the document is UTF-8.  Answers are
 * parsed as XML (no string scanning): SOAP 1.1 or 1.2 envelopes, any
 * prefixes, any child order; a document with a DTD is refused, no entity is
 * loaded from anywhere.
 *
 * int64 values (Token, OrderId, Amount, RRN) never pass through a double
 * (P8); tokens travel as decimal strings.
 *
 * Thread-safe once libxml2 has initialised itself (its first parse in a
 * process does; pay_parsian's init() runs one, see pay_parsian.c).
 */
#ifndef CRS_PARSIAN_SOAP_H
#define CRS_PARSIAN_SOAP_H

#include <stddef.h>
#include <stdint.h>

/* Services: URL path (appended to base_url), namespace and SOAPAction.
 * Note the capital S of "Shaparak" in namespaces, and that the reversal
 * service lives under "Reverse/" while its namespace says "Reversal/". */
#define PSOAP_PATH_SALE "/NewIPGServices/Sale/SaleService.asmx"
#define PSOAP_PATH_CONFIRM "/NewIPGServices/Confirm/ConfirmService.asmx"
#define PSOAP_PATH_REVERSE "/NewIPGServices/Reverse/ReversalService.asmx"
#define PSOAP_PATH_PAGE "/NewIPG/"
#define PSOAP_NS_SALE "https://pec.Shaparak.ir/NewIPGServices/Sale/SaleService"
#define PSOAP_NS_CONFIRM "https://pec.Shaparak.ir/NewIPGServices/Confirm/ConfirmService"
#define PSOAP_NS_REVERSAL "https://pec.Shaparak.ir/NewIPGServices/Reversal/ReversalService"
#define PSOAP_NS_SOAP11 "http://schemas.xmlsoap.org/soap/envelope/"
#define PSOAP_NS_SOAP12 "http://www.w3.org/2003/05/soap-envelope"

enum psoap_op {
	PSOAP_SALE = 0,           /* SalePaymentRequest */
	PSOAP_CONFIRM,            /* ConfirmPayment */
	PSOAP_CONFIRM_AMOUNT,     /* ConfirmPaymentWithAmount */
	PSOAP_REVERSE             /* ReversalRequest */
};

/* The operation's element name, e.g. "SalePaymentRequest". */
const char *psoap_operation(enum psoap_op op);
/* Its service namespace and URL path (one of the macros above). */
const char *psoap_namespace(enum psoap_op op);
const char *psoap_path(enum psoap_op op);
/* Its SOAPAction: namespace + "/" + operation. */
const char *psoap_action(enum psoap_op op);

struct psoap_request {
	enum psoap_op op;
	const char *login_account;   /* the merchant PIN (all operations) */
	const char *token;           /* CONFIRM*, REVERSE: decimal int64 > 0 */
	int64_t order_id;            /* SALE, CONFIRM_AMOUNT: > 0 */
	int64_t amount;              /* SALE, CONFIRM_AMOUNT: rial, > 0 */
	const char *callback_url;    /* SALE */
	const char *additional_data; /* SALE, optional (NULL: omitted), <= 500 chars */
	const char *originator;      /* SALE, optional (NULL: omitted), <= 50 chars */
};

/* Build the SOAP 1.1 envelope of rq.  *out is malloc()ed, NUL-terminated,
 * UTF-8; *out_len (may be NULL) gets its length.  Returns 0, -EINVAL for a
 * bad request (missing field, non-positive number, a token that is not a
 * decimal int64, text that is not valid UTF-8 or holds characters XML 1.0
 * forbids, a text over its limit) or -ENOMEM. */
int psoap_build(const struct psoap_request *rq, char **out, size_t *out_len);

/* What an answer says.  has_* tell which elements were present. */
struct psoap_result {
	int fault;                   /* a SOAP Fault (then only fault_* are set) */
	char fault_code[64];
	char fault_string[256];      /* UTF-8, cut on a character boundary */
	int has_status;
	int status;                  /* short: 0 = success, negative = error */
	int has_token;
	int64_t token;               /* 0 on failure (Sale) */
	char token_str[24];          /* the same, in decimal */
	int has_rrn;
	int64_t rrn;
	char message[256];           /* UTF-8, cut on a character boundary */
	char card_masked[32];
};

/* Parse the answer to op.  Returns 0 when it is a well-formed SOAP answer
 * for op (a result or a Fault), -EINVAL otherwise (not XML, a DTD, another
 * operation's answer, a malformed number).  Elements are matched by local
 * name; the …Response wrapper must be in the service namespace. */
int psoap_parse(enum psoap_op op, const char *xml, size_t len,
                struct psoap_result *out);

/* Strict decimal int64 after trimming blanks: 0 or -EINVAL. */
int psoap_parse_i64(const char *s, int64_t *out);

/* The callback's Amount: rial, digits optionally grouped by thousands
 * commas ("200,000", "1,250,000" or "200000"; P4).  Blanks around are
 * trimmed.  0 with *out >= 0, or -EINVAL (sign, decimals, misplaced comma,
 * overflow, empty). */
int psoap_parse_amount(const char *s, int64_t *out);

#endif /* CRS_PARSIAN_SOAP_H */
