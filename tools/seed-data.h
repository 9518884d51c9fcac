/*
 * seed-data: the static tables crs-seed draws its synthetic civil registry
 * and offices from: Persian given and family names, provinces with the
 * national-ID prefixes their registry offices issue, the cities and
 * neighbourhoods offices are placed in (with their landline prefixes), the
 * official holidays, and the fixed demo persons that documentation names.
 *
 * Header-only data (static const), for tools/seed-gen.c and its unit
 * test.  Strings are UTF-8; the zero-width non-joiner of compound Persian
 * words is written \u200c so it can be seen.
 */
#ifndef CRS_SEED_DATA_H
#define CRS_SEED_DATA_H

#include <stddef.h>

#define SEED_COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *const seed_male_names[] = {
	"محمد", "علی", "حسین", "حسن", "رضا", "مهدی", "امیر", "ابوالفضل",
	"محمدرضا", "علیرضا", "امیرحسین", "محمدحسین", "مصطفی", "مجتبی",
	"احمد", "محمود", "سعید", "حمید", "مجید", "جواد", "یوسف", "ابراهیم",
	"اسماعیل", "یعقوب", "داوود", "سجاد", "مرتضی", "عباس", "جعفر",
	"کاظم", "هادی", "صادق", "محسن", "میثم", "امین", "عرفان", "آرین",
	"پارسا", "بهزاد", "بهرام", "فرهاد", "کامران", "کوروش", "داریوش",
	"سیاوش", "بابک", "پیمان", "پویا", "رامین", "شهرام", "فریدون",
	"منصور", "ناصر", "نادر", "اکبر", "اصغر", "قاسم", "غلامرضا",
	"غلامحسین", "عبدالله", "رسول", "ایمان", "سینا", "نیما", "آرش",
	"کیان", "ماهان", "طاها", "یاسین", "بنیامین", "مسعود", "حامد",
	"وحید", "روح\u200cالله", "فرشید", "شاهین", "بهروز", "خسرو",
	"جمشید", "کیوان", "سهراب", "مازیار", "پرویز", "تورج", "اردلان",
};

static const char *const seed_female_names[] = {
	"فاطمه", "زهرا", "مریم", "زینب", "معصومه", "سمیه", "لیلا", "نرگس",
	"مهسا", "سارا", "نازنین", "الهام", "الناز", "فرشته", "شیرین",
	"پریسا", "پروین", "مینا", "نسرین", "نگار", "نیلوفر", "هانیه",
	"هستی", "یاسمن", "یگانه", "ریحانه", "کوثر", "محدثه", "مهدیه",
	"فائزه", "عاطفه", "طاهره", "صدیقه", "اعظم", "اکرم", "مهناز",
	"شهناز", "ژیلا", "آزاده", "آناهیتا", "آیدا", "بهاره", "ترانه",
	"رویا", "سپیده", "سیما", "شهرزاد", "شقایق", "فرزانه", "فریبا",
	"گلنار", "مرضیه", "منیژه", "نسترن", "هدیه", "ویدا", "راحله",
	"رقیه", "حدیث", "حنانه", "ستاره", "مائده", "ملیکه", "کیمیا",
	"ارغوان", "بیتا", "تینا", "دریا", "غزاله", "صبا",
};

static const char *const seed_last_names[] = {
	"محمدی", "حسینی", "احمدی", "رضایی", "موسوی", "کریمی", "رحیمی",
	"جعفری", "صادقی", "قاسمی", "حیدری", "کاظمی", "نوری", "مرادی",
	"عباسی", "محمودی", "اکبری", "سلیمانی", "ابراهیمی", "هاشمی",
	"میرزایی", "زارعی", "طاهری", "شریفی", "امیری", "نجفی", "یوسفی",
	"فرهادی", "قربانی", "خسروی", "رستمی", "بهرامی", "کرمی", "ملکی",
	"نظری", "سلطانی", "شجاعی", "عزیزی", "بابایی", "صالحی", "توکلی",
	"فتحی", "جلالی", "اسدی", "شفیعی", "منصوری", "رنجبر", "باقری",
	"طالبی", "انصاری", "سبحانی", "مختاری", "یزدانی", "تهرانی",
	"اصفهانی", "شیرازی", "تبریزی", "مشهدی", "سمنانی", "قزوینی",
	"کرمانی", "رشتی", "زنجانی", "اردبیلی", "خراسانی", "بختیاری",
	"نوروزی", "بهشتی", "دهقان", "کشاورز", "آهنگر", "نجار", "زرگر",
	"عطار", "خیاط", "حداد", "فلاحی", "نیک\u200cنام", "نیک\u200cپور",
	"پورمحمدی", "علی\u200cپور", "حسن\u200cزاده", "حسین\u200cزاده",
	"علیزاده", "تقی\u200cزاده", "ملک\u200cزاده", "رحمانی", "افشار",
	"اسکندری", "پاکزاد", "شاکری", "مقدم", "خلیلی", "فاضلی", "رفیعی",
	"وکیلی", "جمشیدی", "فرجی", "قنبری", "یگانه", "امینی", "کیانی",
};

/*
 * Provinces and the first three digits of the national IDs their registry
 * offices issue (space-separated), from the published table of prefixes.
 * Each prefix belongs to one province only.  weight is the share of
 * persons in per mille, roughly the population; Semnan is four times its
 * real share so the subsidy pilot (SPEC §6) has tens of thousands of
 * citizens in a seeded registry.
 *
 * The pilot prefixes 657, 659, 658, 642, 640, 530, 520, 521, 750 and 752
 * are listed under Semnan because the pilot letter (seed 000) says they
 * are certificates issued in Semnan province; older public tables put some
 * of them elsewhere (657 Mehr in Fars, 658/659 Pakdasht/Firuzkuh in
 * Tehran, 640 Showt, 521 Joghatai), so those are left out of the other
 * provinces here.
 */
struct seed_province {
	const char *name;
	unsigned weight;
	const char *prefixes;
};

static const struct seed_province seed_provinces[] = {
	{ "تهران", 150, "001 002 003 004 005 006 007 008 011 015 020 025 "
			 "043 044 045 048 049 490 491 556 664 666" },
	{ "البرز", 35, "031 032 489 717" },
	{ "آذربایجان شرقی", 48, "136 137 138 149 150 152 153 154 155 158 "
				   "164 165 168 169 170 171 172 173" },
	{ "آذربایجان غربی", 40, "274 275 279 280 282 283 286 287 296 297" },
	{ "خراسان رضوی", 80, "092 093 094 096 097 098 069 070 078 079 089 "
				"090 105 106" },
	{ "اصفهان", 64, "127 128 129 125 126 108 109 113 114 110 111 510 "
			  "511" },
	{ "فارس", 60, "228 229 230 236 237 242 243 246 247 248 249 250 251 "
			"256" },
	{ "سمنان", 40, "456 457 458 459 460 684 700 657 659 658 642 640 530 "
			 "520 521 750 752" },
	{ "خوزستان", 58, "174 175 181 182 185 186 199 200" },
	{ "مازندران", 40, "208 209 213 214 205 206 215 216" },
	{ "گیلان", 32, "258 259 271 272 264" },
	{ "کرمان", 40, "298 299 304 305 306 307" },
	{ "سیستان و بلوچستان", 36, "361 362 358 359 366 367" },
	{ "کرمانشاه", 24, "324 325" },
	{ "گلستان", 23, "211 212 202 203" },
	{ "هرمزگان", 23, "338 339" },
	{ "لرستان", 21, "406 407 412 413" },
	{ "همدان", 21, "386 387 392 393" },
	{ "کردستان", 20, "372 373 375 376" },
	{ "مرکزی", 18, "052 053 059 060" },
	{ "قم", 16, "037 038" },
	{ "اردبیل", 16, "145 146" },
	{ "قزوین", 16, "431 432" },
	{ "زنجان", 13, "427 428" },
	{ "یزد", 14, "442 443" },
	{ "بوشهر", 15, "349 350" },
	{ "خراسان شمالی", 11, "067 068" },
	{ "خراسان جنوبی", 10, "064 065" },
	{ "چهارمحال و بختیاری", 11, "461 462" },
	{ "کهگیلویه و بویراحمد", 9, "422 423" },
	{ "ایلام", 7, "449 450" },
};

/* The subsidy pilot's prefixes as the letter (seed 000) lists them. */
static const char *const seed_pilot_prefixes[] = {
	"657", "659", "658", "642", "640", "530", "520", "521", "750", "752",
};

/*
 * Cities with offices.  Tabriz and Maragheh share 041, Semnan and Shahroud
 * 023: within one city code only the landline prefix tells offices apart,
 * which is what ranking by |first four digits| (SPEC §3.4) is for.
 */
enum {
	SEED_TEHRAN, SEED_TABRIZ, SEED_MARAGHEH, SEED_MASHHAD, SEED_ISFAHAN,
	SEED_SHIRAZ, SEED_SEMNAN, SEED_SHAHROUD, SEED_N_CITIES
};

struct seed_city {
	const char *name;
	const char *province;
	const char *code;     /* landline city code */
	unsigned n_offices;   /* the anchor office included */
};

static const struct seed_city seed_cities[SEED_N_CITIES] = {
	[SEED_TEHRAN] = { "تهران", "تهران", "021", 56 },
	[SEED_TABRIZ] = { "تبریز", "آذربایجان شرقی", "041", 14 },
	[SEED_MARAGHEH] = { "مراغه", "آذربایجان شرقی", "041", 5 },
	[SEED_MASHHAD] = { "مشهد", "خراسان رضوی", "051", 14 },
	[SEED_ISFAHAN] = { "اصفهان", "اصفهان", "031", 12 },
	[SEED_SHIRAZ] = { "شیراز", "فارس", "071", 12 },
	[SEED_SEMNAN] = { "سمنان", "سمنان", "023", 6 },
	[SEED_SHAHROUD] = { "شاهرود", "سمنان", "023", 3 },
};

/*
 * The first office of each city: its civil-registry office, fixed so that
 * documentation and tests can name it, open both shifts and offering every
 * capability, so every city has at least one office for each special need
 * and for any combination of them.  Maragheh's is the office of the CRS
 * manual's sample receipt ("مراغه - خ پاسداران - اداره ثبت احوال مراغه");
 * the manual's phone 11222226 is not a Maragheh number, 37222226 is.
 */
struct seed_anchor {
	const char *name;
	const char *address;
	const char *phone;
};

static const struct seed_anchor seed_anchors[SEED_N_CITIES] = {
	[SEED_TEHRAN] = { "اداره کل ثبت احوال استان تهران",
			  "تهران - خیابان امام خمینی - نرسیده به میدان حسن\u200cآباد - پلاک ۱۸۵",
			  "66705520" },
	[SEED_TABRIZ] = { "اداره کل ثبت احوال استان آذربایجان شرقی",
			  "تبریز - خیابان امام خمینی - روبروی میدان ساعت - پلاک ۴۰",
			  "35561234" },
	[SEED_MARAGHEH] = { "اداره ثبت احوال مراغه",
			    "مراغه - خیابان پاسداران - اداره ثبت احوال مراغه",
			    "37222226" },
	[SEED_MASHHAD] = { "اداره کل ثبت احوال استان خراسان رضوی",
			   "مشهد - بلوار سجاد - بین سجاد ۱۲ و ۱۴ - پلاک ۷۷",
			   "37617000" },
	[SEED_ISFAHAN] = { "اداره کل ثبت احوال استان اصفهان",
			   "اصفهان - خیابان چهارباغ بالا - جنب هتل عباسی - پلاک ۲۱۰",
			   "36617080" },
	[SEED_SHIRAZ] = { "اداره کل ثبت احوال استان فارس",
			  "شیراز - خیابان زند - نبش کوچه ۱۴ - پلاک ۸",
			  "32331500" },
	[SEED_SEMNAN] = { "اداره کل ثبت احوال استان سمنان",
			  "سمنان - بلوار امام خمینی - روبروی استانداری - پلاک ۳",
			  "33332290" },
	[SEED_SHAHROUD] = { "اداره ثبت احوال شاهرود",
			    "شاهرود - خیابان تهران - نبش خیابان فردوسی",
			    "32222410" },
};

/*
 * Neighbourhoods offices are placed in: city, area, main street, and the
 * first four digits of landlines there.  Tehran spans many exchanges (22xx
 * north, 88xx centre-north, 66xx centre-west, 44xx west, 77xx east, 33xx
 * and 55xx south) so that nearness by prefix orders its offices.
 */
struct seed_district {
	int city;
	const char *area;
	const char *street;
	const char *phone4;
};

static const struct seed_district seed_districts[] = {
	{ SEED_TEHRAN, "تجریش", "خیابان شریعتی", "2271" },
	{ SEED_TEHRAN, "نیاوران", "خیابان شهید باهنر", "2228" },
	{ SEED_TEHRAN, "قیطریه", "بلوار قیطریه", "2220" },
	{ SEED_TEHRAN, "پاسداران", "خیابان پاسداران", "2254" },
	{ SEED_TEHRAN, "سعادت\u200cآباد", "خیابان علامه طباطبایی", "2236" },
	{ SEED_TEHRAN, "شهرک غرب", "بلوار فرحزادی", "8808" },
	{ SEED_TEHRAN, "ونک", "خیابان ولیعصر", "8877" },
	{ SEED_TEHRAN, "یوسف\u200cآباد", "خیابان اسدآبادی", "8872" },
	{ SEED_TEHRAN, "هفت تیر", "خیابان کریمخان زند", "8882" },
	{ SEED_TEHRAN, "میرداماد", "بلوار میرداماد", "2290" },
	{ SEED_TEHRAN, "میدان انقلاب", "خیابان انقلاب اسلامی", "6640" },
	{ SEED_TEHRAN, "آزادی", "خیابان آزادی", "6602" },
	{ SEED_TEHRAN, "ستارخان", "خیابان ستارخان", "6657" },
	{ SEED_TEHRAN, "صادقیه", "بلوار آیت\u200cالله کاشانی", "4404" },
	{ SEED_TEHRAN, "اکباتان", "بلوار اکباتان", "4466" },
	{ SEED_TEHRAN, "جنت\u200cآباد", "بلوار جنت\u200cآباد", "4480" },
	{ SEED_TEHRAN, "پونک", "بلوار عدل", "4470" },
	{ SEED_TEHRAN, "نواب", "بزرگراه نواب", "5560" },
	{ SEED_TEHRAN, "میدان امام حسین", "خیابان دماوند", "7750" },
	{ SEED_TEHRAN, "تهرانپارس", "خیابان رشید", "7786" },
	{ SEED_TEHRAN, "نارمک", "خیابان گلبرگ", "7796" },
	{ SEED_TEHRAN, "پیروزی", "خیابان پیروزی", "3375" },
	{ SEED_TEHRAN, "میدان خراسان", "خیابان خراسان", "3354" },
	{ SEED_TEHRAN, "افسریه", "بلوار افسریه", "3340" },
	{ SEED_TEHRAN, "نازی\u200cآباد", "خیابان مدائن", "5530" },
	{ SEED_TEHRAN, "شهرری", "خیابان فدائیان اسلام", "5591" },
	{ SEED_TEHRAN, "بهارستان", "خیابان مجاهدین اسلام", "3311" },
	{ SEED_TEHRAN, "شمیران\u200cنو", "خیابان استاد حسن بنا", "7733" },
	{ SEED_TEHRAN, "مجیدیه", "خیابان شهید آیت", "2294" },
	{ SEED_TEHRAN, "امیرآباد", "خیابان کارگر شمالی", "8800" },
	{ SEED_TEHRAN, "جردن", "بلوار نلسون ماندلا", "2205" },
	{ SEED_TEHRAN, "فاطمی", "خیابان فاطمی", "8896" },

	{ SEED_TABRIZ, "میدان ساعت", "خیابان امام خمینی", "3555" },
	{ SEED_TABRIZ, "ولیعصر", "خیابان فلسطین", "3330" },
	{ SEED_TABRIZ, "آبرسان", "خیابان آزادی", "3334" },
	{ SEED_TABRIZ, "باغمیشه", "بلوار باغمیشه", "3445" },
	{ SEED_TABRIZ, "رشدیه", "بلوار استاد شهریار", "3476" },
	{ SEED_TABRIZ, "منصور", "خیابان منصور", "3524" },
	{ SEED_TABRIZ, "ائل\u200cگلی", "بلوار ائل\u200cگلی", "3329" },
	{ SEED_TABRIZ, "حکیم نظامی", "خیابان حکیم نظامی", "3540" },

	{ SEED_MARAGHEH, "خواجه نصیر", "خیابان خواجه نصیر", "3723" },
	{ SEED_MARAGHEH, "اوحدی", "خیابان اوحدی", "3724" },
	{ SEED_MARAGHEH, "خیام", "خیابان خیام", "3725" },
	{ SEED_MARAGHEH, "میدان مفتح", "خیابان امام", "3726" },

	{ SEED_MASHHAD, "میدان شهدا", "خیابان امام رضا", "3222" },
	{ SEED_MASHHAD, "احمدآباد", "خیابان احمدآباد", "3841" },
	{ SEED_MASHHAD, "سجاد", "بلوار سجاد", "3760" },
	{ SEED_MASHHAD, "وکیل\u200cآباد", "بلوار وکیل\u200cآباد", "3881" },
	{ SEED_MASHHAD, "قاسم\u200cآباد", "بلوار شریعتی", "3661" },
	{ SEED_MASHHAD, "طبرسی", "خیابان طبرسی", "3271" },
	{ SEED_MASHHAD, "کوهسنگی", "خیابان کوهسنگی", "3854" },
	{ SEED_MASHHAD, "الهیه", "بلوار الهیه", "3600" },

	{ SEED_ISFAHAN, "نقش جهان", "خیابان حافظ", "3222" },
	{ SEED_ISFAHAN, "جلفا", "خیابان نظر", "3627" },
	{ SEED_ISFAHAN, "بزرگمهر", "خیابان بزرگمهر", "3265" },
	{ SEED_ISFAHAN, "آتشگاه", "خیابان آتشگاه", "3774" },
	{ SEED_ISFAHAN, "مرداویج", "خیابان مرداویج", "3668" },
	{ SEED_ISFAHAN, "ملک\u200cشهر", "خیابان مطهری", "3339" },

	{ SEED_SHIRAZ, "زند", "خیابان زند", "3233" },
	{ SEED_SHIRAZ, "قصردشت", "خیابان قصردشت", "3626" },
	{ SEED_SHIRAZ, "معالی\u200cآباد", "بلوار معالی\u200cآباد", "3634" },
	{ SEED_SHIRAZ, "ملاصدرا", "خیابان ملاصدرا", "3230" },
	{ SEED_SHIRAZ, "فرهنگ\u200cشهر", "بلوار فرهنگ\u200cشهر", "3830" },
	{ SEED_SHIRAZ, "ستارخان", "خیابان ستارخان", "3820" },

	{ SEED_SEMNAN, "مرکز شهر", "خیابان امام خمینی", "3333" },
	{ SEED_SEMNAN, "معلم", "بلوار معلم", "3345" },
	{ SEED_SEMNAN, "طالقانی", "خیابان طالقانی", "3332" },

	{ SEED_SHAHROUD, "میدان امام", "خیابان تهران", "3223" },
	{ SEED_SHAHROUD, "فردوسی", "خیابان فردوسی", "3236" },
};

/* Official holidays fixed in the solar calendar (month, day). */
struct seed_holiday_def {
	int month;
	int day; /* 0 for the month's last day */
	const char *title;
};

static const struct seed_holiday_def seed_solar_holidays[] = {
	{ 1, 1, "عید نوروز" },
	{ 1, 2, "عید نوروز" },
	{ 1, 3, "عید نوروز" },
	{ 1, 4, "عید نوروز" },
	{ 1, 12, "روز جمهوری اسلامی" },
	{ 1, 13, "روز طبیعت" },
	{ 3, 14, "رحلت حضرت امام خمینی" },
	{ 3, 15, "قیام ۱۵ خرداد" },
	{ 11, 22, "پیروزی انقلاب اسلامی" },
	{ 12, 29, "روز ملی شدن صنعت نفت" },
};

/*
 * Official holidays in the lunar calendar.  Their solar dates follow
 * Iran's announced month starts; seed-gen uses the tabular calendar, so
 * they may be a day off until an operator enters the official calendar.
 * The martyrdom of Imam Reza is on the last day of Safar, 29th or 30th.
 */
static const struct seed_holiday_def seed_lunar_holidays[] = {
	{ 1, 9, "تاسوعای حسینی" },
	{ 1, 10, "عاشورای حسینی" },
	{ 2, 20, "اربعین حسینی" },
	{ 2, 28, "رحلت رسول اکرم (ص) و شهادت امام حسن مجتبی (ع)" },
	{ 2, 0, "شهادت امام رضا (ع)" },
	{ 3, 8, "شهادت امام حسن عسکری (ع)" },
	{ 3, 17, "میلاد رسول اکرم (ص) و امام جعفر صادق (ع)" },
	{ 6, 3, "شهادت حضرت فاطمه زهرا (س)" },
	{ 7, 13, "ولادت امام علی (ع)" },
	{ 7, 27, "مبعث رسول اکرم (ص)" },
	{ 8, 15, "ولادت حضرت قائم (عج)" },
	{ 9, 21, "شهادت حضرت علی (ع)" },
	{ 10, 1, "عید سعید فطر" },
	{ 10, 2, "تعطیل به مناسبت عید سعید فطر" },
	{ 10, 25, "شهادت امام جعفر صادق (ع)" },
	{ 12, 10, "عید سعید قربان" },
	{ 12, 18, "عید سعید غدیر خم" },
};

/*
 * Fixed persons, always inserted, so that documentation, the stack's
 * summary and manual testing can name them.  A birth year of 0 means
 * "today, 12 years ago" (the person stays under 15 for three years after
 * the seeding).  The first is the citizen of the CRS manual (seed 001):
 * its sample pages show 2580200606 / 883810, born 1369/03/19.  258 is a
 * Rasht (Gilan) prefix in the public tables, but the manual's receipt (a
 * Maragheh office, a 0914 mobile) places the citizen in East Azerbaijan,
 * so the registry has her born there.  Her confirmation page in the
 * manual says female (زن), and so does the registry.
 */
struct seed_demo {
	const char *national_id;
	const char *serial;
	const char *prev_serial;     /* NULL: never changed */
	int changed_minutes_ago;     /* with prev_serial */
	int jy, jm, jd;              /* Jalali birth date */
	int male;
	const char *first_name, *last_name, *father_name, *province;
	int dy, dm, dd;              /* Jalali death date; dy == 0: alive */
	const char *note;
};

static const struct seed_demo seed_demos[] = {
	{ "2580200606", "883810", NULL, 0, 1369, 3, 19, 0,
	  "فاطمه", "محمدی", "حسین", "آذربایجان شرقی", 0, 0, 0,
	  "the citizen of the CRS manual (Tabriz, East Azerbaijan)" },
	{ "0014823179", "412736", NULL, 0, 1375, 6, 12, 0,
	  "مریم", "احمدی", "محمود", "تهران", 0, 0, 0,
	  "a woman from Tehran" },
	{ "6570304811", "530917", NULL, 0, 1362, 11, 5, 1,
	  "حسن", "سمنانی", "علی", "سمنان", 0, 0, 0,
	  "Semnan subsidy pilot prefix 657" },
	{ "1365712044", "205584", NULL, 0, 1330, 2, 10, 1,
	  "غلامحسین", "تبریزی", "اکبر", "آذربایجان شرقی", 1401, 8, 15,
	  "deceased on 1401/08/15" },
	{ "0926155301", "771204", NULL, 0, 0, 0, 0, 0,
	  "هستی", "رضایی", "جواد", "خراسان رضوی", 0, 0, 0,
	  "12 years old: under 15" },
	{ "1283409720", "964305", "318842", 60, 1358, 9, 27, 0,
	  "زهرا", "اصفهانی", "عباس", "اصفهان", 0, 0, 0,
	  "serial changed 1 hour ago (old serial 318842): not yet known" },
};

#endif /* CRS_SEED_DATA_H */
