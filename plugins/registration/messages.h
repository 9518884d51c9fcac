/*
 * messages: every user-visible (Persian) string of the registration plugin,
 * in one place.  Each says what went wrong and what to do.
 */
#ifndef REG_MESSAGES_H
#define REG_MESSAGES_H

#define M_FIELD_INVALID "مقدار «%s» معتبر نیست؛ لطفاً آن را اصلاح کنید."
/* Field names for M_FIELD_INVALID. */
#define M_FIELD_CAN_LEAVE_HOME "توانایی خروج از منزل"
#define M_FIELD_CAN_CLIMB_STAIRS "توانایی بالا رفتن از پله"
#define M_FIELD_PUPILS_VISIBLE "دیده شدن مردمک هر دو چشم"
#define M_FIELD_FINGERS_INTACT "سالم بودن انگشتان"
#define M_FIELD_RECEIPT_FORMAT "قالب رسید"
#define M_FIELD_HIJRI_YEAR "سال قمری"
#define M_FIELD_HIJRI_MONTH "ماه قمری"
#define M_FIELD_HIJRI_DAY1 "روز اول ماه"
#define M_NATIONAL_ID_INVALID "شماره ملی معتبر نیست. شماره ملی ده رقمی را از روی کارت یا شناسنامه با دقت وارد کنید."
#define M_SERIAL_INVALID "سریال شناسنامه معتبر نیست. فقط بخش عددی شش‌رقمی سریال را وارد کنید."
#define M_CAPTCHA_WRONG "پاسخ سؤال امنیتی درست نیست. سؤال تازه‌ای بگیرید و حاصل جمع را وارد کنید."
#define M_CAPTCHA_EXPIRED "سؤال امنیتی منقضی یا قبلاً استفاده شده است. سؤال تازه‌ای بگیرید."
#define M_ID_SERIAL_MISMATCH "شماره ملی و سریال شناسنامه با هم مطابقت ندارند. هر دو را دوباره از روی شناسنامه وارد کنید."
#define M_SERIAL_NOT_YET_KNOWN "شناسنامهٔ شما به‌تازگی تعویض شده و هنوز در سامانه ثبت نشده است. ۴۸ ساعت بعد مراجعه نمایید."
#define M_PERSON_DECEASED "برای این شماره ملی امکان ثبت نام وجود ندارد. برای پیگیری به ادارهٔ ثبت احوال مراجعه کنید."
#define M_UNDER_AGE "ثبت نام کارت هوشمند ملی برای افراد پانزده سال تمام و بالاتر است."
#define M_BIRTH_DATE_MISMATCH "تاریخ تولد شمسی با اطلاعات ثبت احوال مطابقت ندارد. آن را از روی شناسنامه وارد کنید."
#define M_GENDER_MISMATCH "جنسیت با اطلاعات ثبت احوال مطابقت ندارد."
#define M_LUNAR_NOT_OFFERED "تاریخ تولد قمری باید یکی از گزینه‌های پیشنهادی باشد. اگر تاریخ شناسنامهٔ شما در میان آن‌ها نیست، ابتدا برای اصلاح شناسنامه به ادارهٔ ثبت احوال مراجعه کنید."
#define M_MOBILE_INVALID "شمارهٔ تلفن همراه معتبر نیست. آن را به شکل ۰۹xxxxxxxxx وارد کنید."
#define M_OFFICE_NOT_SUITABLE "این دفتر در تاریخ و نوبت انتخاب‌شده برای شما قابل انتخاب نیست. از فهرست دفاتر پیشنهادی یکی را انتخاب کنید."
#define M_SLOT_FULL "ظرفیت این نوبت تکمیل شده است. نوبت یا دفتر دیگری انتخاب کنید."
#define M_NO_SHOW_COOLDOWN "به دلیل حاضر نشدن در نوبت قبلی، تا %s امکان گرفتن نوبت تازه ندارید."
#define M_DATE_TOO_EARLY "نزدیک‌ترین تاریخ قابل انتخاب برای شما %s است."
#define M_DATE_TOO_LATE "تاریخ نوبت نباید بیش از %d روز بعد از امروز باشد."
#define M_DATE_PAST "تاریخ نوبت گذشته است؛ تاریخی از امروز به بعد انتخاب کنید."
#define M_REISSUE_NOTICE "شناسنامهٔ شما پس از آغاز تولید کارت تعویض شده است؛ درخواست قبلی معتبر می‌ماند و پس از تحویل کارت، صدور مجدد انجام می‌شود."

/* Why an operation is refused (409 OPERATION_NOT_ALLOWED). */
#define M_NOT_ALLOWED_DETAILS "تکمیل ثبت نام شما آغاز شده است و دیگر نمی‌توانید مشخصات را ویرایش کنید."
#define M_NOT_ALLOWED_APPOINTMENT_EARLY "ابتدا مشخصات فردی و پرسش‌های تکمیل ثبت نام خاص را کامل کنید."
#define M_NOT_ALLOWED_APPOINTMENT_LATE "تکمیل ثبت نام شما آغاز شده است و دیگر نمی‌توانید دفتر و زمان را تغییر دهید."
#define M_NOT_ALLOWED_DELIVERY "تولید کارت شما آغاز شده است و دیگر نمی‌توانید دفتر تحویل کارت را تغییر دهید."
#define M_NOT_DELIVERY_OFFICE "این دفتر کارت تحویل نمی‌دهد. یکی از دفاتر فهرست تحویل کارت را انتخاب کنید."
#define M_NOT_ALLOWED_RECEIPT "رسید پس از پرداخت موفق صادر می‌شود."

/* Receipt and e-mail. */
#define M_EMAIL_SUBJECT "رسید پیش‌ثبت‌نام کارت هوشمند ملی"
#define M_LOGIN_LIMIT "برای این شماره ملی تلاش‌های ناموفق زیادی ثبت شده است. برای امنیت حساب شما، یک ساعت دیگر دوباره تلاش کنید."
#define M_EMAIL_LIMIT "رسید این ثبت نام به تعداد مجاز برای امروز یا این ساعت ایمیل شده است. رسید را ذخیره یا چاپ کنید، یا بعداً دوباره تلاش کنید."
#define M_EMAIL_INVALID "نشانی پست الکترونیکی معتبر نیست."
#define M_PREREQUISITES "اصل شناسنامه را همراه داشته باشید؛ برای عکس و ثبت اثر انگشت آماده باشید؛ وضعیت کارت را با کد *4*6090# یا از طریق سایت پیگیری کنید."
#define M_NO_APPLICATION "درخواستی برای این نشست پیدا نشد. لطفاً دوباره وارد شوید."

/* Gateway titles on receipts. */
#define M_GATEWAY_SADAD "بانک ملی - سداد"
#define M_GATEWAY_PARSIAN "بانک پارسیان"

/* Paying the fee (fee.c). */
#define M_PAY_NOTHING_TO_PAY "ابتدا دفتر و زمان تکمیل ثبت نام را انتخاب کنید؛ سپس پرداخت انجام می‌شود."
#define M_PAY_ALREADY_PAID "هزینهٔ ثبت نام شما قبلاً پرداخت شده است و نیازی به پرداخت دوباره نیست."
#define M_PAY_HOLD_EXPIRED "مهلت نوبت رزروشده به پایان رسیده است. دوباره دفتر و زمان را انتخاب کنید و سپس پرداخت کنید."
#define M_SMS_PAID "پرداخت هزینهٔ ثبت نام کارت هوشمند ملی تأیید شد. کد رهگیری: %s"

#endif
