/*
 * rules: stage machine, operations matrix and office ranking (see rules.h).
 */

#include "rules.h"

#include <stdlib.h>
#include <string.h>

static const char *const stage_names[STAGE_COUNT] = {
	"entered", "details_done", "reserved", "paid", "paid_no_slot",
	"completion_started", "completion_done", "production_started",
	"card_ready", "delivered",
};

const char *stage_name(enum stage s)
{
	return (unsigned)s < STAGE_COUNT ? stage_names[s] : "entered";
}

int stage_parse(const char *s)
{
	int i;

	for (i = 0; s && i < STAGE_COUNT; i++)
		if (strcmp(s, stage_names[i]) == 0)
			return i;
	return -1;
}

const char *next_name(enum next_page n)
{
	static const char *const names[] = { "details", "appointment", "confirm",
	                                     "receipt", "status" };

	return names[n];
}

enum next_page next_page(const struct app_facts *f)
{
	if (f->stage >= STAGE_COMPLETION_STARTED)
		return NEXT_STATUS;
	switch (f->stage) {
	case STAGE_PAID:
		return NEXT_RECEIPT;
	case STAGE_PAID_NO_SLOT:
		/* The appointment was lost after paying: choose again, no
		 * second payment. */
		return NEXT_APPOINTMENT;
	case STAGE_RESERVED:
		/* Held, not paid (a failed payment took no money): review and
		 * pay. */
		return NEXT_CONFIRM;
	default:
		break;
	}
	if (!f->details_complete || !f->needs_complete)
		return NEXT_DETAILS;
	/* details_done: no hold (never chosen, or it expired). */
	return NEXT_APPOINTMENT;
}

unsigned allowed_operations(const struct app_facts *f)
{
	unsigned ops = OP_CHANGE_MOBILE;

	if (f->paid)
		ops |= OP_PRINT_RECEIPT | OP_SAVE_RECEIPT | OP_EMAIL_RECEIPT;
	if (f->stage < STAGE_COMPLETION_STARTED) {
		ops |= OP_EDIT_DETAILS;
		if (f->details_complete && f->needs_complete)
			ops |= OP_CHANGE_APPOINTMENT;
	}
	if (f->stage < STAGE_PRODUCTION_STARTED)
		ops |= OP_CHANGE_DELIVERY_OFFICE;
	return ops;
}

const char *operation_name(unsigned i)
{
	static const char *const names[OP_COUNT] = {
		"print_receipt", "save_receipt", "email_receipt", "edit_details",
		"change_mobile", "change_appointment", "change_delivery_office",
	};

	return i < OP_COUNT ? names[i] : NULL;
}

static int first4(const char *s)
{
	int v = 0, n = 0;

	for (; *s && n < 4; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		n++;
	}
	return n == 4 ? v : -1;
}

int phone_distance(const char *citizen, const char *office)
{
	int a = first4(citizen), b = first4(office);

	if (a < 0 || b < 0)
		return -1;
	return abs(a - b);
}

static int by_nearness(const void *x, const void *y)
{
	const struct office_row *a = x, *b = y;

	if (a->distance != b->distance)
		return a->distance < b->distance ? -1 : 1;
	if (a->office_id != b->office_id)
		return a->office_id < b->office_id ? -1 : 1;
	return a->shift - b->shift;
}

/* free/capacity compared exactly: a.free * b.cap vs b.free * a.cap. */
static int by_free_share(const void *x, const void *y)
{
	const struct office_row *a = x, *b = y;
	int64_t l = (int64_t)a->free * (b->capacity > 0 ? b->capacity : 1);
	int64_t r = (int64_t)b->free * (a->capacity > 0 ? a->capacity : 1);

	if (a->capacity <= 0 || b->capacity <= 0) {
		l = a->capacity > 0 && a->free > 0;
		r = b->capacity > 0 && b->free > 0;
	}
	if (l != r)
		return l > r ? -1 : 1;
	return by_nearness(x, y);
}

size_t rank_office_rows(struct office_row *rows, size_t n, size_t keep)
{
	size_t i, kept = 0, offices = 0;

	qsort(rows, n, sizeof(*rows), by_nearness);
	/* Rows of one office are adjacent now; keep whole offices, nearest
	 * first, as long as the office has a free place in some shift. */
	for (i = 0; i < n && offices < keep;) {
		size_t j = i;
		int any_free = 0;

		while (j < n && rows[j].office_id == rows[i].office_id) {
			any_free |= rows[j].free > 0;
			j++;
		}
		if (any_free) {
			memmove(&rows[kept], &rows[i], (j - i) * sizeof(*rows));
			kept += j - i;
			offices++;
		}
		i = j;
	}
	qsort(rows, kept, sizeof(*rows), by_free_share);
	return kept;
}
