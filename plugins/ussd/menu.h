/*
 * menu: the USSD dialogue as a pure function of what the caller typed.
 * The aggregator sends every input of the session so far joined by '*';
 * walking them from the main menu (with "0" back and "00" home) says which
 * page to show now, so no crsd keeps a session and any crsd can answer
 * the next step.  Also the UCS-2 length that bounds every page.
 */
#ifndef USSD_MENU_H
#define USSD_MENU_H

#include <crs/plugin.h>
#include <stddef.h>

/* One USSD message: 160 octets of UCS-2. */
#define USSD_MAX_UNITS 80
#define USSD_MAX_MINE 6     /* applications listed for one mobile: one page */
#define USSD_MAX_MINE_SQL "6"

enum ussd_item {
	USSD_MINE = 1,        /* the applications of the calling number */
	USSD_BY_CODE,
	USSD_BY_NID,
	USSD_DELIVERY,        /* where to collect: of the calling number's */
	USSD_STEPS
};

enum ussd_page {
	PAGE_MAIN,
	PAGE_CHOOSE,          /* which of the number's applications */
	PAGE_ASK_CODE,
	PAGE_ASK_NID,
	PAGE_ASK_SERIAL,
	PAGE_STEPS,           /* END */
	PAGE_RESULT           /* END: the application chosen or named */
};

struct ussd_walk {
	enum ussd_page page;
	enum ussd_item item;  /* with PAGE_CHOOSE and PAGE_RESULT */
	int choice;           /* PAGE_RESULT of USSD_MINE/USSD_DELIVERY: 1..n */
	char code[10];        /* PAGE_RESULT of USSD_BY_CODE */
	char nid[11], serial[7];
	int wrong;            /* the last input did not fit its page */
};

/*
 * Walk text (NULL or "" at the start).  mine: how many applications the
 * calling number has (at most USSD_MAX_MINE), or -1 when not yet looked up;
 * *need_mine is set when the walk reached item 1 or 4 without knowing it
 * (look it up and walk again).  CRS_OK, or CRS_EINVAL for text longer
 * than any session sends.
 */
int ussd_walk(const struct crs_api *api, const char *text, int mine,
              struct ussd_walk *w, int *need_mine);

/* The calling number's applications, oldest first (at most the latest
 * USSD_MAX_MINE). */
struct ussd_mine {
	int n;
	int64_t id[USSD_MAX_MINE];
	char nid[USSD_MAX_MINE][11];
};

/* What to tell the caller. */
enum ussd_say {
	SAY_PAGE,             /* the page the walk is at */
	SAY_RESULT,           /* the application a: its stage, or where to collect */
	SAY_NONE_HERE,        /* no application has the calling number */
	SAY_NOT_FOUND,
	SAY_LIMIT,
	SAY_BAD_REQUEST,
	SAY_UNAVAILABLE
};

/* The answer: "CON <page>" or "END <text>", Persian digits, the text at
 * most USSD_MAX_UNITS.  out needs USSD_ANSWER_BYTES. */
#define USSD_ANSWER_BYTES 1024
void ussd_screen(const struct crs_api *api, enum ussd_say say, const struct ussd_walk *w,
                 const struct ussd_mine *m, const struct crs_app *a, char *out);

/* UTF-16 code units of UTF-8 s (what a UCS-2 message counts). */
size_t ussd_units(const char *s);

/* Cut s (in place) to at most max units at a character boundary, ending
 * with "…" when cut. */
void ussd_fit(char *s, size_t max);

#endif
