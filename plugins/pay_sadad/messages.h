/*
 * messages: every user-visible (Persian) string of pay_sadad, in one place,
 * and the table of Sadad result codes (gateways.md §1.5 and §1.8) that maps
 * each code to the text a citizen sees and to the English note an operator
 * reads in the log.  Each text says what happened and what to do.
 */
#ifndef PAY_SADAD_MESSAGES_H
#define PAY_SADAD_MESSAGES_H

#define SADAD_TITLE "بانک ملی - سداد"

/* ---- token request ---- */
#define SM_UNREACHABLE "ارتباط با درگاه بانک ملی (سداد) برقرار نشد. چند دقیقه دیگر دوباره تلاش کنید یا درگاه بانک دیگری را انتخاب کنید."
#define SM_NO_ANSWER "درگاه سداد به موقع پاسخ نداد و مبلغی از حساب شما کسر نشده است. دوباره روی «پرداخت» بزنید یا درگاه دیگری را انتخاب کنید."
#define SM_TEMPORARY "درگاه بانک ملی (سداد) موقتاً پاسخگو نیست. چند دقیقه دیگر دوباره تلاش کنید یا درگاه بانک دیگری را انتخاب کنید."
#define SM_CONFIG "پرداخت از درگاه بانک ملی (سداد) به دلیل اشکال در تنظیمات پذیرنده فعلاً ممکن نیست. لطفاً درگاه بانک دیگری را انتخاب کنید."
#define SM_CLOCK "پرداخت از درگاه سداد به دلیل ناهماهنگی ساعت سامانه با بانک فعلاً ممکن نیست. درگاه دیگری را انتخاب کنید یا کمی بعد تلاش کنید."
#define SM_AMOUNT "مبلغ این پرداخت برای درگاه بانک ملی (سداد) مجاز نیست. لطفاً درگاه بانک دیگری را انتخاب کنید."
#define SM_DUPLICATE "این شمارهٔ سفارش قبلاً نزد بانک ثبت شده است. دوباره روی «پرداخت» بزنید تا درخواست تازه‌ای ساخته شود."
#define SM_RETRY "درخواست پرداخت در بانک ثبت نشد. دوباره روی «پرداخت» بزنید."
#define SM_BROWSER "درخواست پرداخت در بانک ثبت نشد. مرورگر را ببندید و دوباره باز کنید، سپس دوباره پرداخت کنید."
#define SM_CARD_NOT_ALLOWED "پرداخت با این کارت در این درگاه مجاز نیست. با کارت دیگری پرداخت کنید یا درگاه بانک دیگری را انتخاب کنید."
#define SM_REFUSED "بانک ملی (سداد) درخواست پرداخت را نپذیرفت. چند دقیقه دیگر دوباره تلاش کنید یا درگاه بانک دیگری را انتخاب کنید."

/* ---- verify ---- */
#define SM_VERIFIED "پرداخت شما با موفقیت انجام و از سوی بانک تأیید شد."
#define SM_VERIFIED_BEFORE "پرداخت شما پیش‌تر از سوی بانک تأیید شده است."
#define SM_FAILED "پرداخت انجام یا تأیید نشد. اگر مبلغی از حساب شما کسر شده است، حداکثر تا ۷۲ ساعت دیگر بازمی‌گردد؛ برای ادامه دوباره پرداخت کنید."
#define SM_DEADLINE "مهلت تأیید این پرداخت در بانک گذشته است. اگر مبلغی کسر شده، حداکثر تا ۷۲ ساعت دیگر به حساب شما بازمی‌گردد؛ دوباره پرداخت کنید."
#define SM_REVERSED "این تراکنش از سوی بانک برگشت خورده است. مبلغ کسرشده حداکثر تا ۷۲ ساعت دیگر به حساب شما بازمی‌گردد؛ برای ادامه دوباره پرداخت کنید."
#define SM_PENDING "نتیجهٔ پرداخت هنوز از بانک نرسیده و به‌طور خودکار پیگیری می‌شود. دوباره پرداخت نکنید؛ چند دقیقه دیگر وضعیت را ببینید."
#define SM_MISMATCH "پاسخ بانک با این پرداخت مطابقت ندارد و پرداخت تأیید نشد. اگر مبلغی کسر شده است، با شمارهٔ مرجع تراکنش به پشتیبانی سامانه اطلاع دهید."

/* Every text fits struct crs_pay_outcome.message (256 bytes, UTF-8). */
#define SM_FITS(m) _Static_assert(sizeof(m) <= 256, #m " is too long")
SM_FITS(SM_UNREACHABLE); SM_FITS(SM_NO_ANSWER); SM_FITS(SM_TEMPORARY);
SM_FITS(SM_CONFIG); SM_FITS(SM_CLOCK); SM_FITS(SM_AMOUNT); SM_FITS(SM_DUPLICATE);
SM_FITS(SM_RETRY); SM_FITS(SM_BROWSER); SM_FITS(SM_CARD_NOT_ALLOWED);
SM_FITS(SM_REFUSED); SM_FITS(SM_VERIFIED); SM_FITS(SM_VERIFIED_BEFORE);
SM_FITS(SM_FAILED); SM_FITS(SM_DEADLINE); SM_FITS(SM_REVERSED);
SM_FITS(SM_PENDING); SM_FITS(SM_MISMATCH);

/* What a result code means for the citizen. */
enum sadad_kind {
	SK_OK = 0,        /* success */
	SK_TEMPORARY,     /* the bank's side is busy or down: retry later */
	SK_CONFIG,        /* merchant configuration (X8): the operator must act */
	SK_CLOCK,         /* merchant clock / timestamp (pitfall 10) */
	SK_AMOUNT,        /* amount refused */
	SK_DUPLICATE,     /* OrderId already used: a new order id is needed */
	SK_RETRY,         /* just retry */
	SK_BROWSER,       /* 1061 */
	SK_CARD,          /* card not allowed */
	SK_VERIFIED_BEFORE, /* verify: already verified (100, 1) */
	SK_FAILED,        /* verify: not paid / unknown transaction */
	SK_DEADLINE,      /* verify: deadline passed, reversed by the bank */
	SK_REVERSED       /* verify: transaction reversed */
};

struct sadad_code {
	int code;
	enum sadad_kind kind;
	const char *note;   /* English, for the operator's log */
};

/* PaymentRequest result codes (§1.5). */
static const struct sadad_code sadad_request_codes[] = {
	{ 0, SK_OK, "success" },
	{ 3, SK_CONFIG, "merchant (acceptor) not active" },
	{ 23, SK_CONFIG, "merchant invalid" },
	{ 58, SK_CONFIG, "transaction not permitted for this terminal" },
	{ 61, SK_AMOUNT, "amount above the allowed limit" },
	{ 1000, SK_CONFIG, "wrong order of parameters" },
	{ 1001, SK_CONFIG, "payment parameters wrong" },
	{ 1002, SK_TEMPORARY, "system error, transaction failed" },
	{ 1003, SK_CONFIG, "merchant IP address wrong (register this server's IP with Sadad)" },
	{ 1004, SK_CONFIG, "merchant number wrong (merchant_id)" },
	{ 1005, SK_TEMPORARY, "access error, try later" },
	{ 1006, SK_TEMPORARY, "system error" },
	{ 1011, SK_DUPLICATE, "duplicate request: OrderId already used" },
	{ 1012, SK_CONFIG, "merchant info wrong: date, time or transaction key (key)" },
	{ 1015, SK_TEMPORARY, "unknown error response from the centre" },
	{ 1017, SK_AMOUNT, "amount above the merchant's configured limit" },
	{ 1018, SK_CLOCK, "system date/time problem: sync the server clock (utc_offset_min)" },
	{ 1019, SK_CONFIG, "Shetab payment not enabled for this merchant" },
	{ 1020, SK_CONFIG, "merchant deactivated" },
	{ 1021, SK_CONFIG, "merchant inactive" },
	{ 1023, SK_CONFIG, "invalid return URL (callback domain not registered with Sadad)" },
	{ 1024, SK_CLOCK, "invalid merchant timestamp (local_time_format, utc_offset_min)" },
	{ 1025, SK_CONFIG, "invalid SignData (wrong key, or sandbox/production key mix-up)" },
	{ 1026, SK_CONFIG, "invalid OrderId" },
	{ 1027, SK_CONFIG, "invalid merchant number (merchant_id)" },
	{ 1028, SK_CONFIG, "invalid terminal number (terminal_id)" },
	{ 1029, SK_CONFIG, "caller IP not in the merchant's declared IP range" },
	{ 1030, SK_CONFIG, "caller domain not in the merchant's declared domains" },
	{ 1031, SK_RETRY, "user's payment time expired" },
	{ 1032, SK_CARD, "card not allowed for this merchant" },
	{ 1033, SK_CONFIG, "payment disabled for the merchant (site problem)" },
	{ 1036, SK_CONFIG, "AdditionalData missing or malformed" },
	{ 1037, SK_CONFIG, "merchant or terminal number incorrect" },
	{ 1040, SK_CONFIG, "entered identifier invalid" },
	{ 1053, SK_CONFIG, "valid request not made by the merchant: check merchant data" },
	{ 1055, SK_CONFIG, "illegal value in input" },
	{ 1056, SK_TEMPORARY, "system temporarily down" },
	{ 1058, SK_TEMPORARY, "internet payment service out of service" },
	{ 1061, SK_BROWSER, "unique-code generation problem" },
	{ 1064, SK_RETRY, "please retry" },
	{ 1065, SK_TEMPORARY, "connection failed, retry shortly" },
	{ 1066, SK_TEMPORARY, "payment service temporarily disabled" },
	{ 1068, SK_TEMPORARY, "temporarily down for update" },
	{ 1072, SK_CONFIG, "error processing optional merchant parameters" },
	{ 1101, SK_AMOUNT, "invalid amount" },
	{ 1103, SK_RETRY, "invalid token" },
	{ 1104, SK_CONFIG, "split-settlement (multiplexing) data incorrect" },
	{ 1105, SK_RETRY, "transaction reversed: time limit passed" },
};

/* Advice/Verify result codes (§1.8).  Codes not listed here leave the
 * verdict UNKNOWN: the reconciler asks again, and the bank's own deadline
 * (101) ends it. */
static const struct sadad_code sadad_verify_codes[] = {
	{ 0, SK_OK, "verified" },
	{ 100, SK_VERIFIED_BEFORE, "already verified (repeat verify)" },
	{ 1, SK_VERIFIED_BEFORE, "already verified (repeat verify, older code)" },
	{ -1, SK_FAILED, "parameters wrong, transaction unknown or not paid" },
	{ 101, SK_DEADLINE, "verify deadline passed; the bank reverses the payment" },
	{ 1105, SK_REVERSED, "transaction reversed: time limit passed" },
	{ 1103, SK_FAILED, "invalid token" },
};

static inline const struct sadad_code *sadad_find(const struct sadad_code *t,
                                                  size_t n, int code)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].code == code)
			return &t[i];
	return NULL;
}

static inline const char *sadad_kind_message(enum sadad_kind k)
{
	switch (k) {
	case SK_OK: return SM_VERIFIED;
	case SK_TEMPORARY: return SM_TEMPORARY;
	case SK_CONFIG: return SM_CONFIG;
	case SK_CLOCK: return SM_CLOCK;
	case SK_AMOUNT: return SM_AMOUNT;
	case SK_DUPLICATE: return SM_DUPLICATE;
	case SK_RETRY: return SM_RETRY;
	case SK_BROWSER: return SM_BROWSER;
	case SK_CARD: return SM_CARD_NOT_ALLOWED;
	case SK_VERIFIED_BEFORE: return SM_VERIFIED_BEFORE;
	case SK_FAILED: return SM_FAILED;
	case SK_DEADLINE: return SM_DEADLINE;
	case SK_REVERSED: return SM_REVERSED;
	}
	return SM_REFUSED;
}

#endif /* PAY_SADAD_MESSAGES_H */
