/*
 * messages: every user-visible (Persian) string of the USSD plugin, in one
 * place.  Each page must fit one USSD message: 80 UCS-2 characters with
 * its values filled in (test_ussd_menu checks every one).  Digits are
 * written ASCII here and shown in Persian.
 */
#ifndef USSD_MESSAGES_H
#define USSD_MESSAGES_H

#define M_MAIN "1 وضعیت این خط\n2 با کد پیگیری\n3 با کد ملی\n4 محل تحویل\n5 مراحل کار"
#define M_CHOOSE "کدام؟"
#define M_CHOICE "\n%d *%s"
#define M_ASK_CODE "کد پیگیری 9 رقمی رسید را وارد کنید:"
#define M_ASK_NID "کد ملی 10 رقمی را وارد کنید:"
#define M_ASK_SERIAL "بخش عددی 6 رقمی سریال شناسنامه را وارد کنید:"
#define M_STEPS "ثبت‌نام و پرداخت در سایت، مراجعه در نوبت، صدور 15 تا 30 روز، تحویل از دفتر."
#define M_NAV "\n0 قبل 00 اصلی"

/* Hints on the same page after a wrong input. */
#define M_HINT_CHOICE "نادرست است.\n"
#define M_HINT_CODE "کد پیگیری 9 رقم است.\n"
#define M_HINT_NID "کد ملی نادرست است.\n"
#define M_HINT_SERIAL "سریال 6 رقم است.\n"

#define M_NONE_HERE "درخواستی با این شماره همراه ثبت نشده است. با کد پیگیری یا کد ملی بپرسید."
#define M_NOT_FOUND "درخواستی با این مشخصات پیدا نشد."
#define M_NO_DELIVERY "دفتر تحویل کارت هنوز معین نشده است."
#define M_DELIVERY "تلفن %s-%s، تحویل در %s"
#define M_LIMIT "درخواست‌های این شماره زیاد است؛ چند دقیقه دیگر دوباره بگیرید."
#define M_BAD_REQUEST "درخواست نادرست است."
#define M_UNAVAILABLE "سامانه موقتاً در دسترس نیست؛ کمی بعد دوباره بگیرید."

/* A stage, and what to do next: "<masked id>: <stage>. <next>". */
#define M_STAGE_ENTERED "پیش‌ثبت‌نام ناتمام", "مشخصات را در سایت کامل کنید."
#define M_STAGE_DETAILS "مشخصات ثبت شد", "در سایت دفتر و نوبت بگیرید."
#define M_STAGE_RESERVED "نوبت نگه داشته شد", "هزینه را در سایت بپردازید."
#define M_STAGE_PAID "پرداخت شد", "در نوبت با شناسنامه به دفتر بروید."
#define M_STAGE_PAID_NO_SLOT "پرداخت شد، نوبت ندارد", "در سایت نوبت تازه بگیرید."
#define M_STAGE_COMPLETION "در حال تکمیل ثبت نام", "تکمیل در دفتر ادامه دارد."
#define M_STAGE_COMPLETED "ثبت نام کامل شد", "کارت به زودی صادر می‌شود."
#define M_STAGE_PRODUCTION "در حال صدور کارت", "صدور 15 روز تا یک ماه طول می‌کشد."
#define M_STAGE_READY "کارت آماده تحویل است", "با رسید به دفتر تحویل بروید."
#define M_STAGE_DELIVERED "کارت تحویل شد", "کار ثبت نام شما تمام است."

#endif
