/*
 * Unit tests for plugins/ussd/menu.c: the walk over a session's inputs
 * (pages, "0" back, "00" home, wrong inputs staying on their page, Persian
 * digits), and that every answer fits one USSD message — 80 UCS-2 units —
 * with the longest values filled in.  The plugin gets the core's civil
 * functions through a table, as crsd gives them.
 */
#include "civil.h"
#include "menu.h"
#include "unit.h"

static const struct crs_api civil_table = {
	.size = sizeof(struct crs_api),
	.abi_major = CRS_ABI_MAJOR,
	.abi_minor = CRS_ABI_MINOR,
	CIVIL_API_ENTRIES
};
static const struct crs_api *const api = &civil_table;

static struct ussd_walk walk(const char *text, int mine, int *need)
{
	struct ussd_walk w;
	int n = 0;

	CHECKF(ussd_walk(api, text, mine, &w, need ? need : &n) == CRS_OK, "walk \"%s\"", text);
	return w;
}

static void test_walk(void)
{
	struct ussd_walk w;
	int need;

	CHECK(walk("", 0, NULL).page == PAGE_MAIN);
	CHECK(walk(NULL, 0, NULL).page == PAGE_MAIN);
	w = walk("9", 0, NULL);
	CHECK(w.page == PAGE_MAIN && w.wrong);
	/* Item 1 must know the number's applications first. */
	w = walk("1", -1, &need);
	CHECK(need == 1);
	w = walk("1", 1, &need);
	CHECK(!need && w.page == PAGE_RESULT && w.item == USSD_MINE && w.choice == 1);
	w = walk("1", 0, &need);
	CHECK(w.page == PAGE_RESULT && w.choice == 0);
	w = walk("1", 3, NULL);
	CHECK(w.page == PAGE_CHOOSE);
	w = walk("1*4", 3, NULL);
	CHECK(w.page == PAGE_CHOOSE && w.wrong);
	w = walk("1*4*2", 3, NULL);
	CHECK(w.page == PAGE_RESULT && w.choice == 2 && !w.wrong);
	w = walk("4*3", 3, NULL);
	CHECK(w.page == PAGE_RESULT && w.item == USSD_DELIVERY && w.choice == 3);
	/* By tracking code, in Persian digits too. */
	CHECK(walk("2", 0, NULL).page == PAGE_ASK_CODE);
	w = walk("2*12345", 0, NULL);
	CHECK(w.page == PAGE_ASK_CODE && w.wrong);
	w = walk("۲*۴۹۷۳۲۰۱۶۷", 0, NULL);
	CHECK(w.page == PAGE_RESULT && w.item == USSD_BY_CODE);
	CHECK_STR(w.code, "497320167");
	/* By national ID and serial; a wrong ID stays; 0 goes back a page. */
	w = walk("3*1234567890", 0, NULL);
	CHECK(w.page == PAGE_ASK_NID && w.wrong);
	w = walk("3*2580200606", 0, NULL);
	CHECK(w.page == PAGE_ASK_SERIAL);
	w = walk("3*2580200606*0", 0, NULL);
	CHECK(w.page == PAGE_ASK_NID && !w.wrong);
	w = walk("3*2580200606*0*0014823179*412736", 0, NULL);
	CHECK(w.page == PAGE_RESULT && w.item == USSD_BY_NID);
	CHECK_STR(w.nid, "0014823179");
	CHECK_STR(w.serial, "412736");
	/* 00 home from anywhere; 0 at home stays home. */
	CHECK(walk("3*2580200606*00", 0, NULL).page == PAGE_MAIN);
	CHECK(walk("2*0", 0, NULL).page == PAGE_MAIN);
	CHECK(walk("0", 0, NULL).page == PAGE_MAIN);
	CHECK(walk("2*00*5", 0, NULL).page == PAGE_STEPS);
	/* A finished page takes no more input; absurd text is refused. */
	CHECK(walk("5*1*2", 0, NULL).page == PAGE_STEPS);
	{
		char big[400];

		memset(big, '1', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		CHECK(ussd_walk(api, big, 0, &w, &need) == CRS_EINVAL);
	}
}

static void test_units(void)
{
	char s[64];

	CHECK_EQ_INT(ussd_units("abc"), 3);
	CHECK_EQ_INT(ussd_units("سلام"), 4);
	CHECK_EQ_INT(ussd_units("\xe2\x80\x8c"), 1);          /* ZWNJ */
	CHECK_EQ_INT(ussd_units("\xf0\x9f\x98\x80"), 2);      /* beyond the BMP */
	snprintf(s, sizeof(s), "%s", "سلام دنیا");
	ussd_fit(s, 9);
	CHECK_STR(s, "سلام دنیا");
	ussd_fit(s, 6);
	CHECK_STR(s, "سلام …");
	CHECK_EQ_INT(ussd_units(s), 6);
}

/* The text after "CON "/"END ". */
static size_t text_units(const char *answer)
{
	return ussd_units(answer + 4);
}

static void test_every_answer_fits(void)
{
	static const char *const texts[] = {
		"", "9", "2", "2*1", "3", "3*1", "3*2580200606", "3*2580200606*1", "5", "1", "1*9",
	};
	struct ussd_mine m = { .n = USSD_MAX_MINE };
	struct crs_app a = { .struct_size = sizeof(a) };
	char out[USSD_ANSWER_BYTES];
	struct ussd_walk w;
	size_t i, worst = 0;
	int k, need;

	for (k = 0; k < USSD_MAX_MINE; k++)
		snprintf(m.nid[k], sizeof(m.nid[k]), "258020060%d", k);
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		ussd_walk(api, texts[i], USSD_MAX_MINE, &w, &need);
		ussd_screen(api, SAY_PAGE, &w, &m, NULL, out);
		CHECKF(!strncmp(out, w.page == PAGE_STEPS || w.page == PAGE_RESULT ? "END " : "CON ", 4),
		       "\"%s\" begins %.3s", texts[i], out);
		worst = text_units(out) > worst ? text_units(out) : worst;
		CHECKF(text_units(out) <= USSD_MAX_UNITS && !strstr(out, "…"),
		       "page of \"%s\" whole: %zu units", texts[i], text_units(out));
		CHECKF(!strpbrk(out + 4, "0123456789"), "page of \"%s\" in Persian digits", texts[i]);
	}
	/* Every stage's answer, and where to collect with a long office name. */
	snprintf(a.national_id, sizeof(a.national_id), "2580200606");
	snprintf(a.delivery_name, sizeof(a.delivery_name), "%s",
	         "دفتر پیشخوان خدمات دولت شمارهٔ ۱۲۳۴ خیابان امام خمینی شمالی نبش کوچهٔ شهید");
	snprintf(a.delivery_city, sizeof(a.delivery_city), "041");
	snprintf(a.delivery_phone, sizeof(a.delivery_phone), "33445566");
	a.delivery_office_id = 7;
	w = (struct ussd_walk){ .page = PAGE_RESULT, .item = USSD_MINE, .choice = 1 };
	for (k = 0; k < CRS_STAGE_COUNT; k++) {
		a.stage = (enum crs_stage)k;
		ussd_screen(api, SAY_RESULT, &w, &m, &a, out);
		CHECKF(!strncmp(out, "END ", 4) && text_units(out) <= USSD_MAX_UNITS &&
		       !strstr(out, "…"), "stage %d answered whole: %zu units", k, text_units(out));
	}
	w.item = USSD_DELIVERY;
	ussd_screen(api, SAY_RESULT, &w, &m, &a, out);
	CHECKF(text_units(out) <= USSD_MAX_UNITS && strstr(out, "۳۳۴۴۵۵۶۶"),
	       "where to collect, a long name cut after the phone: %zu units", text_units(out));
	for (k = SAY_NONE_HERE; k <= SAY_UNAVAILABLE; k++) {
		ussd_screen(api, (enum ussd_say)k, &w, &m, &a, out);
		CHECKF(!strncmp(out, "END ", 4) && text_units(out) <= USSD_MAX_UNITS &&
		       !strstr(out, "…"), "ending %d whole: %zu units", k, text_units(out));
	}
	unit_note("the longest page: %zu units", worst);
}

int main(void)
{
	test_walk();
	test_units();
	test_every_answer_fits();
	return unit_done();
}
