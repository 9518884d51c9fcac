/*
 * menu: walking the inputs of a USSD session (see menu.h).
 */

#include "menu.h"
#include "messages.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* 182 digits of text cover any honest session many times over. */
#define MAX_TEXT 182

size_t ussd_units(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	for (; *p; p++) {
		if ((*p & 0xC0) == 0x80)
			continue;             /* a continuation byte */
		n += *p >= 0xF0 ? 2 : 1;  /* beyond the BMP: a surrogate pair */
	}
	return n;
}

void ussd_fit(char *s, size_t max)
{
	static const char ellipsis[] = "…";
	unsigned char *p = (unsigned char *)s;
	size_t n = 0, cut = 0;

	if (ussd_units(s) <= max)
		return;
	/* Keep whole characters that leave room for the ellipsis. */
	for (; *p; p++) {
		if ((*p & 0xC0) == 0x80)
			continue;
		n += *p >= 0xF0 ? 2 : 1;
		if (n > max - 1)
			break;
		cut = (size_t)(p - (unsigned char *)s);
		while (p[1] && (p[1] & 0xC0) == 0x80)
			p++, cut++;
		cut++;
	}
	memcpy(s + cut, ellipsis, sizeof(ellipsis));
}

/* The token's digits in ASCII, or 0 when it is not digits only. */
static int digits_of(const struct crs_api *api, const char *tok, char *out, size_t outsz)
{
	return api->digits_ascii(tok, out, outsz) == CRS_OK && out[0] &&
	       strspn(out, "0123456789") == strlen(out);
}

/* One input on the page w is at: move on (1) or not (0). */
static int step(const struct crs_api *api, struct ussd_walk *w, const char *tok, int mine)
{
	char d[32];

	if (!digits_of(api, tok, d, sizeof(d)))
		return 0;
	switch (w->page) {
	case PAGE_MAIN:
		if (strlen(d) != 1 || d[0] < '1' || d[0] > '5')
			return 0;
		w->item = (enum ussd_item)(d[0] - '0');
		w->page = w->item == USSD_BY_CODE ? PAGE_ASK_CODE
		          : w->item == USSD_BY_NID ? PAGE_ASK_NID
		          : w->item == USSD_STEPS ? PAGE_STEPS
		          : mine > 1 ? PAGE_CHOOSE : PAGE_RESULT;
		w->choice = mine == 1 ? 1 : 0;
		return 1;
	case PAGE_CHOOSE:
		if (strlen(d) != 1 || d[0] < '1' || d[0] - '0' > mine)
			return 0;
		w->choice = d[0] - '0';
		w->page = PAGE_RESULT;
		return 1;
	case PAGE_ASK_CODE:
		if (strlen(d) != 9)
			return 0;
		memcpy(w->code, d, 10);
		w->page = PAGE_RESULT;
		return 1;
	case PAGE_ASK_NID:
		if (api->nid_normalize(d, w->nid) != CRS_OK)
			return 0;
		w->page = PAGE_ASK_SERIAL;
		return 1;
	case PAGE_ASK_SERIAL:
		if (api->serial_normalize(d, w->serial) != CRS_OK)
			return 0;
		w->page = PAGE_RESULT;
		return 1;
	default:
		return 0;
	}
}

/* "0": the page before this one. */
static void back(struct ussd_walk *w)
{
	w->page = w->page == PAGE_ASK_SERIAL ? PAGE_ASK_NID : PAGE_MAIN;
}

int ussd_walk(const struct crs_api *api, const char *text, int mine,
              struct ussd_walk *w, int *need_mine)
{
	char buf[MAX_TEXT + 1], *tok, *save = NULL;

	memset(w, 0, sizeof(*w));
	*need_mine = 0;
	if (!text)
		text = "";
	if (strlen(text) > MAX_TEXT)
		return CRS_EINVAL;
	snprintf(buf, sizeof(buf), "%s", text);
	for (tok = strtok_r(buf, "*", &save); tok; tok = strtok_r(NULL, "*", &save)) {
		/* A page that ended the session takes no more input. */
		if (w->page == PAGE_STEPS || w->page == PAGE_RESULT)
			break;
		w->wrong = 0;
		if (!strcmp(tok, "00")) {
			w->page = PAGE_MAIN;
		} else if (!strcmp(tok, "0")) {
			back(w);
		} else if (!step(api, w, tok, mine)) {
			w->wrong = 1;
		} else if ((w->item == USSD_MINE || w->item == USSD_DELIVERY) &&
		           w->page != PAGE_MAIN && mine < 0) {
			*need_mine = 1;
			return CRS_OK;
		}
	}
	return CRS_OK;
}

static const struct {
	const char *title, *next;
} stage_text[CRS_STAGE_COUNT] = {
	[CRS_STAGE_ENTERED] = { M_STAGE_ENTERED },
	[CRS_STAGE_DETAILS_DONE] = { M_STAGE_DETAILS },
	[CRS_STAGE_RESERVED] = { M_STAGE_RESERVED },
	[CRS_STAGE_PAID] = { M_STAGE_PAID },
	[CRS_STAGE_PAID_NO_SLOT] = { M_STAGE_PAID_NO_SLOT },
	[CRS_STAGE_COMPLETION_STARTED] = { M_STAGE_COMPLETION },
	[CRS_STAGE_COMPLETION_DONE] = { M_STAGE_COMPLETED },
	[CRS_STAGE_PRODUCTION_STARTED] = { M_STAGE_PRODUCTION },
	[CRS_STAGE_CARD_READY] = { M_STAGE_READY },
	[CRS_STAGE_DELIVERED] = { M_STAGE_DELIVERED },
};

/* "CON"/"END", then the text in Persian digits, cut to one message. */
static void say(const struct crs_api *api, char *out, int more, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void say(const struct crs_api *api, char *out, int more, const char *fmt, ...)
{
	char text[USSD_ANSWER_BYTES / 2], fa[USSD_ANSWER_BYTES - 8];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (api->digits_persian(text, fa, sizeof(fa)) != CRS_OK)
		snprintf(fa, sizeof(fa), "%s", text);
	ussd_fit(fa, USSD_MAX_UNITS);
	snprintf(out, USSD_ANSWER_BYTES, "%s %s", more ? "CON" : "END", fa);
}

static void result(const struct crs_api *api, const struct ussd_walk *w,
                   const struct crs_app *a, char *out)
{
	char masked[11];

	api->mask_nid(a->national_id, masked);
	if (w->item != USSD_DELIVERY)
		say(api, out, 0, "%s: %s. %s", masked, stage_text[a->stage].title,
		    stage_text[a->stage].next);
	else if (!a->delivery_office_id)
		say(api, out, 0, "%s: %s", masked, M_NO_DELIVERY);
	else
		say(api, out, 0, "%s: " M_DELIVERY, masked, a->delivery_city, a->delivery_phone,
		    a->delivery_name);
}

static void choose(const struct crs_api *api, const struct ussd_walk *w,
                   const struct ussd_mine *m, char *out)
{
	char list[USSD_MAX_MINE * 24] = "";
	size_t used = 0;
	int i;

	/* The last four digits tell a family's members apart. */
	for (i = 0; i < m->n; i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used, M_CHOICE, i + 1,
		                         m->nid[i] + 6);
	say(api, out, 1, "%s%s%s" M_NAV, w->wrong ? M_HINT_CHOICE : "", M_CHOOSE, list);
}

static void page(const struct crs_api *api, const struct ussd_walk *w,
                 const struct ussd_mine *m, char *out)
{
	static const struct {
		const char *text, *hint;
		int nav;
	} pages[] = {
		[PAGE_MAIN] = { M_MAIN, M_HINT_CHOICE, 0 },
		[PAGE_ASK_CODE] = { M_ASK_CODE, M_HINT_CODE, 1 },
		[PAGE_ASK_NID] = { M_ASK_NID, M_HINT_NID, 1 },
		[PAGE_ASK_SERIAL] = { M_ASK_SERIAL, M_HINT_SERIAL, 1 },
	};

	if (w->page == PAGE_CHOOSE)
		choose(api, w, m, out);
	else if (w->page == PAGE_STEPS)
		say(api, out, 0, "%s", M_STEPS);
	else if (w->page < sizeof(pages) / sizeof(pages[0]) && pages[w->page].text)
		say(api, out, 1, "%s%s%s", w->wrong ? pages[w->page].hint : "",
		    pages[w->page].text, pages[w->page].nav ? M_NAV : "");
	else
		say(api, out, 0, "%s", M_NOT_FOUND);
}

void ussd_screen(const struct crs_api *api, enum ussd_say what, const struct ussd_walk *w,
                 const struct ussd_mine *m, const struct crs_app *a, char *out)
{
	static const char *const endings[] = {
		[SAY_NONE_HERE] = M_NONE_HERE, [SAY_NOT_FOUND] = M_NOT_FOUND,
		[SAY_LIMIT] = M_LIMIT, [SAY_BAD_REQUEST] = M_BAD_REQUEST,
		[SAY_UNAVAILABLE] = M_UNAVAILABLE,
	};

	if (what == SAY_PAGE)
		page(api, w, m, out);
	else if (what == SAY_RESULT && a)
		result(api, w, a, out);
	else
		say(api, out, 0, "%s", what < sizeof(endings) / sizeof(endings[0]) &&
		    endings[what] ? endings[what] : M_UNAVAILABLE);
}
