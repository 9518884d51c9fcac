/*
 * app: one citizen's application as the plugin sees it: loaded in one
 * indexed read (with its offices and latest payment), turned into the
 * API.md `application` object, and the facts the rules module decides on.
 */
#ifndef REG_APP_H
#define REG_APP_H

#include "reg.h"

struct json_object;

struct app {
	int64_t id;
	char national_id[11];
	char serial[7];
	enum crs_stage stage;
	char birth_date[11];        /* SQL DATE or "" */
	char birth_date_lunar[11];
	char gender[8];
	char religion[16];
	char mother_name[200];
	char mobile[12];
	int needs[4];               /* -1 unanswered, 0 no, 1 yes */
	int64_t office_id;          /* 0 none */
	char appt_day[11];
	char appt_shift[8];
	char hold_until[24];
	int64_t delivery_office_id;
	char tracking_code[10];
	char no_show_until[11];
	char office_name[200], office_address[300], office_phone[9], office_city[4];
	char delivery_name[200], delivery_address[300], delivery_phone[9];
	/* latest payment (verified first) */
	char pay_state[16];         /* "" when none */
	int64_t pay_amount;
	char pay_gateway[33];
	char pay_reference[65];
};

/* Load the application of national_id; CRS_ENOTFOUND when there is none.
 * for_update locks the row (inside a transaction). */
int app_load(struct reg *r, struct crs_db *db, const char *national_id,
             int for_update, struct app *out);
void app_facts_of(const struct app *a, struct crs_life_facts *f);
/* What SPEC §3.7 allows a now (CRS_OP_* bits) and where the first page
 * sends its citizen: the core's lifecycle decides. */
unsigned app_operations(struct reg *r, const struct app *a);
const char *app_next(struct reg *r, const struct app *a);
/* The API.md object (new reference). */
struct json_object *app_json(struct reg *r, const struct app *a);
/* {"next":…, "application":…} style helpers. */
int app_reply(struct reg *r, struct crs_req *req, const struct app *a);

#endif
