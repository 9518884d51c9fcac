/*
 * messages: every user-visible (Persian) string of the core, in one place.
 * Each says what happened and what to do.
 */
#ifndef CRS_MESSAGES_H
#define CRS_MESSAGES_H

#define MSG_INTERNAL "خطای داخلی سامانه رخ داد. لطفاً چند دقیقه دیگر دوباره تلاش کنید."
#define MSG_NOT_FOUND "نشانی درخواست‌شده در سامانه وجود ندارد."
#define MSG_BAD_METHOD "این نوع درخواست برای این نشانی پذیرفته نیست."
#define MSG_MODULE_DISABLED "این بخش از سامانه موقتاً غیرفعال است. لطفاً کمی بعد دوباره تلاش کنید."
#define MSG_DB_UNAVAILABLE "سامانه موقتاً در دسترس نیست. لطفاً چند دقیقه دیگر دوباره تلاش کنید."
#define MSG_BODY_TOO_LARGE "حجم اطلاعات ارسالی بیش از حد مجاز است."
#define MSG_UNSUPPORTED_MEDIA "قالب اطلاعات ارسالی پذیرفته نیست؛ اطلاعات را به صورت JSON بفرستید."
#define MSG_UNSUPPORTED_FORM "قالب اطلاعات ارسالی پذیرفته نیست؛ اطلاعات باید به صورت فرم ارسال شود."
#define MSG_BAD_JSON "اطلاعات ارسالی قابل خواندن نیست. لطفاً فرم را دوباره پر کنید."
#define MSG_SESSION_REQUIRED "ابتدا با کد ملی و سریال شناسنامه وارد سامانه شوید."
#define MSG_SESSION_EXPIRED "نشست کاری شما به دلیل عدم فعالیت منقضی شده است. لطفاً دوباره وارد شوید؛ کار از همان مرحله ادامه می‌یابد."
#define MSG_CSRF_FAILED "درخواست از صفحهٔ معتبر سامانه ارسال نشده است. صفحه را دوباره بارگذاری کنید."
#define MSG_TOKEN_INVALID "توکن دسترسی نامعتبر است یا ارسال نشده است."
#define MSG_FORBIDDEN "شما اجازهٔ انجام این کار را ندارید."
#define MSG_FIELD_INVALID "مقدار واردشده معتبر نیست."

#endif
