/*
 * messages: every user-visible (Persian) string of pay_parsian, in one
 * place, and the table of Parsian NewIPG status codes (gateways.md §2.8)
 * mapping each to the text a citizen sees and the English note an operator
 * reads in the log.  Each text says what happened and what to do, and fits
 * struct crs_pay_outcome.message (256 bytes of UTF-8).
 */
#ifndef PAY_PARSIAN_MESSAGES_H
#define PAY_PARSIAN_MESSAGES_H

#define PARSIAN_TITLE "بانک پارسیان"

/* ---- token request ---- */
#define PM_UNREACHABLE "ارتباط با درگاه بانک پارسیان برقرار نشد. چند دقیقه دیگر دوباره تلاش کنید یا درگاه بانک دیگری را انتخاب کنید."
#define PM_NO_ANSWER "درگاه بانک پارسیان به موقع پاسخ نداد و مبلغی از حساب شما کسر نشده است. دوباره روی «پرداخت» بزنید یا درگاه دیگری را انتخاب کنید."
#define PM_TEMPORARY "درگاه بانک پارسیان موقتاً پاسخگو نیست. چند دقیقه دیگر دوباره تلاش کنید یا درگاه بانک دیگری را انتخاب کنید."
#define PM_CONFIG "پرداخت از درگاه بانک پارسیان به دلیل اشکال در تنظیمات پذیرنده فعلاً ممکن نیست. لطفاً درگاه بانک دیگری را انتخاب کنید."
#define PM_AMOUNT "مبلغ این پرداخت برای درگاه بانک پارسیان مجاز نیست. لطفاً درگاه بانک دیگری را انتخاب کنید."
#define PM_DUPLICATE "این شمارهٔ سفارش قبلاً نزد بانک ثبت شده است. دوباره روی «پرداخت» بزنید تا درخواست تازه‌ای ساخته شود."
#define PM_RETRY "درخواست پرداخت در بانک ثبت نشد یا منقضی شد. دوباره روی «پرداخت» بزنید."
#define PM_REFUSED "بانک پارسیان درخواست پرداخت را نپذیرفت. چند دقیقه دیگر دوباره تلاش کنید یا درگاه بانک دیگری را انتخاب کنید."

/* ---- confirm ---- */
#define PM_VERIFIED "پرداخت شما با موفقیت انجام و از سوی بانک تأیید شد."
#define PM_VERIFIED_BEFORE "پرداخت شما پیش‌تر از سوی بانک تأیید شده است."
#define PM_FAILED "پرداخت انجام یا تأیید نشد. اگر مبلغی از حساب شما کسر شده است، حداکثر تا ۷۲ ساعت دیگر بازمی‌گردد؛ برای ادامه دوباره پرداخت کنید."
#define PM_PENDING "نتیجهٔ پرداخت هنوز از بانک نرسیده و به‌طور خودکار پیگیری می‌شود. دوباره پرداخت نکنید؛ چند دقیقه دیگر وضعیت را ببینید."

/* ---- reversal ---- */
#define PM_REVERSED "پرداخت برگشت داده شد. مبلغ کسرشده حداکثر تا ۷۲ ساعت دیگر به حساب شما بازمی‌گردد."
#define PM_REVERSE_FAILED "برگشت خودکار مبلغ انجام نشد و به پشتیبانی گزارش شد. اگر مبلغ کسرشده تا ۷۲ ساعت دیگر بازنگشت، با شمارهٔ مرجع تراکنش به پشتیبانی اطلاع دهید."

#define PM_FITS(m) _Static_assert(sizeof(m) <= 256, #m " is too long")
PM_FITS(PM_UNREACHABLE); PM_FITS(PM_NO_ANSWER); PM_FITS(PM_TEMPORARY);
PM_FITS(PM_CONFIG); PM_FITS(PM_AMOUNT); PM_FITS(PM_DUPLICATE); PM_FITS(PM_RETRY);
PM_FITS(PM_REFUSED); PM_FITS(PM_VERIFIED); PM_FITS(PM_VERIFIED_BEFORE);
PM_FITS(PM_FAILED); PM_FITS(PM_PENDING); PM_FITS(PM_REVERSED);
PM_FITS(PM_REVERSE_FAILED);

enum parsian_kind {
	PK_OK = 0,
	PK_TEMPORARY,      /* PEC server error: retry later (and never FAILED) */
	PK_CONFIG,         /* merchant configuration (X8): the operator must act */
	PK_AMOUNT,         /* amount out of the merchant's bounds */
	PK_DUPLICATE,      /* OrderId already used: a new order id is needed */
	PK_RETRY,          /* token expired / invalid: start again */
	PK_NOT_PAID,       /* confirm: nothing to confirm */
	PK_ALREADY,        /* confirm: already confirmed (-1533) */
	PK_REVERSED,       /* reversal done (or already done) */
	PK_NOT_REVERSIBLE  /* reversal refused */
};

struct parsian_code {
	int code;
	enum parsian_kind kind;
	const char *note;  /* the bank's name for it, for the operator's log */
};

static const struct parsian_code parsian_codes[] = {
	{ 0, PK_OK, "Successful" },
	{ -1, PK_TEMPORARY, "Server Error" },
	{ -100, PK_CONFIG, "MerchantIsNotActive" },
	{ -101, PK_CONFIG, "MerchantAuthenticationFailed" },
	{ -102, PK_REVERSED, "ReverseSuccessful" },
	{ -103, PK_CONFIG, "SaleIsNotEnabled" },
	{ -104, PK_CONFIG, "BillIsNotEnabled" },
	{ -105, PK_CONFIG, "TopupIsNotEnabled" },
	{ -106, PK_CONFIG, "ChargeIsNotEnabled" },
	{ -107, PK_CONFIG, "AdviceIsNotEnabled" },
	{ -108, PK_NOT_REVERSIBLE, "ReverseIsNotEnabled" },
	{ -111, PK_AMOUNT, "InvalidMerchantMaxTransAmount" },
	{ -112, PK_DUPLICATE, "OrderIdDuplicated" },
	{ -113, PK_CONFIG, "ValueIsNull" },
	{ -116, PK_CONFIG, "LengthIsMoreOfMaximum" },
	{ -117, PK_CONFIG, "LengthIsLessOfMinimum" },
	{ -118, PK_CONFIG, "ValueIsNotNumeric" },
	{ -119, PK_CONFIG, "InvalidOrganizationId" },
	{ -120, PK_CONFIG, "InvalidLength" },
	{ -121, PK_CONFIG, "InvalidStringIsNumeric" },
	{ -126, PK_CONFIG, "InvalidMerchantPin (check pin)" },
	{ -127, PK_CONFIG, "InvalidMerchantIp (register this server's IP with PEC)" },
	{ -128, PK_CONFIG, "InvalidIpAddressFormat" },
	{ -130, PK_RETRY, "TokenIsExpired" },
	{ -131, PK_RETRY, "InvalidToken" },
	{ -132, PK_AMOUNT, "InvalidMinimumPaymentAmount" },
	{ -138, PK_NOT_PAID, "CanceledByUser" },
	{ -1505, PK_NOT_PAID, "PaymentConfirmRequested" },
	{ -1507, PK_REVERSED, "ReversalCompleted" },
	{ -1527, PK_TEMPORARY, "CallSalePaymentRequestServiceFailed" },
	{ -1528, PK_NOT_PAID, "ConfirmPaymentRequestInfoNotFound" },
	{ -1530, PK_NOT_PAID, "MerchantConfirmPaymentRequestAccessViolated" },
	{ -1531, PK_NOT_PAID, "CannotConfirmNonSuccessfulPayment" },
	{ -1532, PK_NOT_PAID, "MerchantHasConfirmedPaymentRequest" },
	{ -1533, PK_ALREADY, "PaymentIsAlreadyConfirmed" },
	{ -1540, PK_NOT_PAID, "InvalidConfirmRequestService" },
	{ -1549, PK_NOT_REVERSIBLE, "MaxAllowedTimeToReversalHasExceeded" },
	{ -1550, PK_NOT_REVERSIBLE, "PaymentRequestStatusIsNotReversalable" },
	{ -1551, PK_REVERSED, "PaymentRequestIsAlreadyReversed" },
	{ -1552, PK_NOT_REVERSIBLE, "PaymentRequestIsNotEligibleToReversal" },
	{ -32768, PK_TEMPORARY, "UnknownError" },
};

static inline const struct parsian_code *parsian_find(int code)
{
	size_t i;

	for (i = 0; i < sizeof(parsian_codes) / sizeof(parsian_codes[0]); i++)
		if (parsian_codes[i].code == code)
			return &parsian_codes[i];
	return NULL;
}

/* The citizen's text for a refused token request. */
static inline const char *parsian_request_message(enum parsian_kind k)
{
	switch (k) {
	case PK_TEMPORARY: return PM_TEMPORARY;
	case PK_CONFIG: return PM_CONFIG;
	case PK_AMOUNT: return PM_AMOUNT;
	case PK_DUPLICATE: return PM_DUPLICATE;
	case PK_RETRY: return PM_RETRY;
	default: return PM_REFUSED;
	}
}

#endif /* PAY_PARSIAN_MESSAGES_H */
