/*
 * import-codes: the names and reasons of crs-import's outcomes (see
 * import-codes.h).
 */
#include "config.h"

#include "import-codes.h"

static const struct {
	const char *name, *fa, *en;
} codes[IMP_CODE_COUNT] = {
	[IMP_OK] = { "OK", "منتقل شد.", "imported" },
	[IMP_CSV_QUOTE] = { "CSV_QUOTE",
		"قالب CSV نادرست است: علامت نقل‌قول در میان فیلدی که در نقل‌قول نیست.",
		"bad CSV: a double quote inside an unquoted field" },
	[IMP_CSV_AFTER_QUOTE] = { "CSV_AFTER_QUOTE",
		"قالب CSV نادرست است: پس از بستن نقل‌قول، نویسهٔ دیگری جز ویرگول یا پایان سطر آمده است.",
		"bad CSV: text after a closing double quote" },
	[IMP_CSV_UNTERMINATED] = { "CSV_UNTERMINATED",
		"قالب CSV نادرست است: نقل‌قولی که تا پایان پرونده بسته نشده است.",
		"bad CSV: a quoted field runs to the end of the file" },
	[IMP_CSV_TOO_LONG] = { "CSV_TOO_LONG",
		"این سطر بیش از اندازهٔ مجاز (۶۴ کیلوبایت) طولانی است.",
		"record longer than the limit (64 KiB)" },
	[IMP_CSV_TOO_MANY_FIELDS] = { "CSV_TOO_MANY_FIELDS",
		"این سطر بیش از ۶۴ ستون دارد.",
		"record with more than 64 fields" },
	[IMP_CSV_NUL] = { "CSV_NUL",
		"این سطر نویسهٔ تهی (NUL) دارد.",
		"bad CSV: a NUL byte" },
	[IMP_CSV_UTF8] = { "CSV_UTF8",
		"متن این سطر UTF-8 معتبر نیست.",
		"not valid UTF-8" },
	[IMP_CSV_FIELD_COUNT] = { "CSV_FIELD_COUNT",
		"شمار ستون‌های این سطر با سطر عنوان برابر نیست.",
		"not as many fields as the header" },
	[IMP_PORTAL_REF_INVALID] = { "PORTAL_REF_INVALID",
		"شمارهٔ درخواست Portal معتبر نیست: ۱ تا ۳۲ نویسه از حروف لاتین، رقم و خط تیره.",
		"portal_ref must be 1 to 32 characters of A-Z, a-z, 0-9 and '-'" },
	[IMP_NATIONAL_ID_INVALID] = { "NATIONAL_ID_INVALID",
		"شماره ملی معتبر نیست (ده رقم با رقم کنترل درست).",
		"national ID invalid (ten digits with a right check digit)" },
	[IMP_SERIAL_INVALID] = { "SERIAL_INVALID",
		"سریال شناسنامه معتبر نیست؛ بخش عددی شش‌رقمی سریال لازم است.",
		"serial must be the six-digit number part" },
	[IMP_BIRTH_DATE_INVALID] = { "BIRTH_DATE_INVALID",
		"تاریخ تولد شمسی معتبر نیست (سال/ماه/روز، مانند ۱۳۶۹/۰۳/۱۹).",
		"birth_date_solar is not a Jalali date YYYY/MM/DD" },
	[IMP_LUNAR_DATE_INVALID] = { "LUNAR_DATE_INVALID",
		"تاریخ تولد قمری معتبر نیست (سال/ماه/روز).",
		"birth_date_lunar is not a Hijri date YYYY/MM/DD" },
	[IMP_GENDER_INVALID] = { "GENDER_INVALID",
		"جنسیت معتبر نیست (مرد یا زن).",
		"gender must be male or female (مرد/زن)" },
	[IMP_RELIGION_INVALID] = { "RELIGION_INVALID",
		"دین معتبر نیست (اسلام، مسیحی، کلیمی، زرتشتی یا سایر).",
		"religion must be islam, christian, jewish, zoroastrian or other" },
	[IMP_MOTHER_NAME_INVALID] = { "MOTHER_NAME_INVALID",
		"نام مادر معتبر نیست: فقط نام کوچک، با حروف فارسی، ۲ تا ۴۰ حرف.",
		"mother_name must be a first name in Persian letters, 2 to 40 of them" },
	[IMP_MOBILE_INVALID] = { "MOBILE_INVALID",
		"شمارهٔ تلفن همراه معتبر نیست (۰۹ و نه رقم).",
		"mobile must be 09 and nine digits" },
	[IMP_NEED_INVALID] = { "NEED_INVALID",
		"پاسخ پرسش‌های تکمیل ثبت نام خاص باید بله یا خیر باشد.",
		"special-needs answers must be yes/no, 1/0 or بله/خیر" },
	[IMP_NOT_IN_REGISTRY] = { "NOT_IN_REGISTRY",
		"این شماره ملی در پایگاه دادهٔ ثبت احوال نیست.",
		"national ID not in the civil registry" },
	[IMP_ID_SERIAL_MISMATCH] = { "ID_SERIAL_MISMATCH",
		"شماره ملی و سریال شناسنامه با هم مطابقت ندارند.",
		"the serial is not the civil registry's serial of this national ID" },
	[IMP_SERIAL_NOT_YET_KNOWN] = { "SERIAL_NOT_YET_KNOWN",
		"شناسنامه به‌تازگی تعویض شده و سریال تازه هنوز شناخته نیست؛ ۴۸ ساعت کاری بعد دوباره منتقل کنید.",
		"the serial changed less than 48 working hours ago; import the row again later" },
	[IMP_PERSON_DECEASED] = { "PERSON_DECEASED",
		"ثبت احوال این شخص را فوت‌شده ثبت کرده است.",
		"the civil registry records this person as deceased" },
	[IMP_UNDER_AGE] = { "UNDER_AGE",
		"این شخص هنوز پانزده سال تمام شمسی ندارد.",
		"younger than the minimum age (15 full solar years)" },
	[IMP_BIRTH_DATE_MISMATCH] = { "BIRTH_DATE_MISMATCH",
		"تاریخ تولد شمسی با اطلاعات ثبت احوال مطابقت ندارد.",
		"birth date differs from the civil registry" },
	[IMP_GENDER_MISMATCH] = { "GENDER_MISMATCH",
		"جنسیت با اطلاعات ثبت احوال مطابقت ندارد.",
		"gender differs from the civil registry" },
	[IMP_LUNAR_NOT_OFFERED] = { "LUNAR_DATE_NOT_OFFERED",
		"تاریخ تولد قمری با تاریخ شمسی نمی‌خواند: باید یکی از پنج گزینه‌ای باشد که سامانه پیشنهاد می‌کند.",
		"birth_date_lunar is not one of the five dates the site offers for this solar date" },
	[IMP_ALREADY_IMPORTED] = { "ALREADY_IMPORTED",
		"این درخواست پیش‌تر منتقل شده است؛ چیزی تغییر نکرد.",
		"already imported; nothing changed" },
	[IMP_HAS_APPLICATION] = { "HAS_APPLICATION",
		"این شهروند از پیش در سامانهٔ جدید درخواست دارد؛ چیزی بازنویسی نشد.",
		"the citizen has an application already; nothing overwritten" },
	[IMP_REF_CONFLICT] = { "PORTAL_REF_CONFLICT",
		"این شمارهٔ درخواست Portal پیش‌تر برای شماره ملی دیگری منتقل شده است.",
		"this portal_ref was imported for another national ID" },
	[IMP_DB_ERROR] = { "DB_ERROR",
		"خطای پایگاه داده؛ این سطر نوشته نشد. برنامه را دوباره اجرا کنید.",
		"database error; nothing of the row was written (run the import again)" },
};

const char *import_code_name(enum import_code c)
{
	return (unsigned)c < IMP_CODE_COUNT ? codes[c].name : "UNKNOWN";
}

const char *import_reason_fa(enum import_code c)
{
	return (unsigned)c < IMP_CODE_COUNT ? codes[c].fa : "";
}

const char *import_reason_en(enum import_code c)
{
	return (unsigned)c < IMP_CODE_COUNT ? codes[c].en : "";
}
