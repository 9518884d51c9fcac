/*
 * life: stages, events, operations, routing (see life.h).
 */
#include "config.h"

#include "life.h"

#include <string.h>

static const char *const stage_names[CRS_STAGE_COUNT] = {
	"entered", "details_done", "reserved", "paid", "paid_no_slot",
	"completion_started", "completion_done", "production_started",
	"card_ready", "delivered",
};

const char *life_stage_name(enum crs_stage s)
{
	return (unsigned)s < CRS_STAGE_COUNT ? stage_names[s] : NULL;
}

int life_stage_parse(const char *name)
{
	int i;

	for (i = 0; name && i < CRS_STAGE_COUNT; i++)
		if (strcmp(name, stage_names[i]) == 0)
			return i;
	return -1;
}

#define BIT(s) (1u << (s))

/* One event: the stages it leaves, where it goes, who may cause it. */
static const struct event {
	const char *name;
	unsigned from;           /* BIT(stage) of the stages it applies at */
	enum crs_stage to;
	unsigned actors;         /* enum life_actor bits */
	const char *refusal;     /* Persian: why it does not apply here */
} events[CRS_EV_COUNT] = {
	[CRS_EV_DETAILS_DONE] = { "details_done", BIT(CRS_STAGE_ENTERED),
		CRS_STAGE_DETAILS_DONE, LIFE_CITIZEN | LIFE_SYSTEM,
		"مشخصات این درخواست قبلاً کامل شده است." },
	[CRS_EV_HOLD] = { "hold", BIT(CRS_STAGE_DETAILS_DONE), CRS_STAGE_RESERVED,
		LIFE_CITIZEN,
		"برای این درخواست نوبتی نگه داشته نمی‌شود: ابتدا مشخصات را کامل کنید." },
	[CRS_EV_HOLD_LAPSED] = { "hold_lapsed", BIT(CRS_STAGE_RESERVED),
		CRS_STAGE_DETAILS_DONE, LIFE_SYSTEM | LIFE_CITIZEN,
		"این درخواست نوبت نگه‌داشته‌ای ندارد." },
	[CRS_EV_PAID] = { "paid", BIT(CRS_STAGE_RESERVED), CRS_STAGE_PAID, LIFE_SYSTEM,
		"هزینهٔ این درخواست قبلاً پرداخت شده است." },
	[CRS_EV_PAID_NO_SLOT] = { "paid_no_slot",
		BIT(CRS_STAGE_ENTERED) | BIT(CRS_STAGE_DETAILS_DONE) | BIT(CRS_STAGE_RESERVED),
		CRS_STAGE_PAID_NO_SLOT, LIFE_SYSTEM,
		"هزینهٔ این درخواست قبلاً پرداخت شده است." },
	[CRS_EV_BOOK] = { "book", BIT(CRS_STAGE_PAID_NO_SLOT), CRS_STAGE_PAID,
		LIFE_CITIZEN,
		"این درخواست نوبت تکمیل ثبت نام دارد؛ برای تغییر، نوبت را جابه‌جا کنید." },
	[CRS_EV_NO_SHOW] = { "no_show", BIT(CRS_STAGE_PAID), CRS_STAGE_PAID_NO_SLOT,
		LIFE_OFFICE,
		"عدم حضور فقط برای نوبتی ثبت می‌شود که تکمیل ثبت نام آن آغاز نشده است." },
	[CRS_EV_COMPLETION_START] = { "completion_start", BIT(CRS_STAGE_PAID),
		CRS_STAGE_COMPLETION_STARTED, LIFE_OFFICE,
		"تکمیل ثبت نام فقط برای درخواست پرداخت‌شده با نوبت، و یک بار، آغاز می‌شود." },
	[CRS_EV_COMPLETION_DONE] = { "completion_done", BIT(CRS_STAGE_COMPLETION_STARTED),
		CRS_STAGE_COMPLETION_DONE, LIFE_OFFICE,
		"پایان تکمیل ثبت نام فقط پس از آغاز آن ثبت می‌شود." },
	[CRS_EV_PRODUCTION_START] = { "production_start", BIT(CRS_STAGE_COMPLETION_DONE),
		CRS_STAGE_PRODUCTION_STARTED, LIFE_REGISTRY,
		"صدور کارت فقط پس از پایان تکمیل ثبت نام آغاز می‌شود." },
	[CRS_EV_CARD_READY] = { "card_ready", BIT(CRS_STAGE_PRODUCTION_STARTED),
		CRS_STAGE_CARD_READY, LIFE_OFFICE,
		"آماده بودن کارت فقط پس از آغاز صدور آن ثبت می‌شود." },
	[CRS_EV_DELIVERED] = { "delivered", BIT(CRS_STAGE_CARD_READY),
		CRS_STAGE_DELIVERED, LIFE_OFFICE,
		"تحویل کارت فقط پس از رسیدن آن به دفتر تحویل ثبت می‌شود." },
};

const char *life_event_name(enum crs_life_event e)
{
	return e > 0 && e < CRS_EV_COUNT ? events[e].name : NULL;
}

int life_decide(enum crs_stage from, enum crs_life_event e, enum life_actor actor,
                enum crs_stage *to, const char **reason)
{
	if (e <= 0 || e >= CRS_EV_COUNT || (unsigned)from >= CRS_STAGE_COUNT) {
		*reason = "این تغییر وضعیت شناخته نیست.";
		return CRS_ECONFLICT;
	}
	if (!(events[e].actors & actor)) {
		*reason = "شما اجازهٔ این تغییر وضعیت را ندارید.";
		return CRS_ECONFLICT;
	}
	if (!(events[e].from & BIT(from))) {
		*reason = events[e].refusal;
		return CRS_ECONFLICT;
	}
	*to = events[e].to;
	return CRS_OK;
}

unsigned life_operations(const struct crs_life_facts *f)
{
	unsigned ops = CRS_OP_CHANGE_MOBILE;

	if (f->paid)
		ops |= CRS_OP_PRINT_RECEIPT | CRS_OP_SAVE_RECEIPT | CRS_OP_EMAIL_RECEIPT;
	if (f->stage < CRS_STAGE_COMPLETION_STARTED) {
		ops |= CRS_OP_EDIT_DETAILS;
		if (f->details_complete && f->needs_complete)
			ops |= CRS_OP_CHANGE_APPOINTMENT;
	}
	if (f->stage < CRS_STAGE_PRODUCTION_STARTED)
		ops |= CRS_OP_CHANGE_DELIVERY_OFFICE;
	return ops;
}

const char *life_operation_name(unsigned i)
{
	static const char *const names[CRS_OP_COUNT] = {
		"print_receipt", "save_receipt", "email_receipt", "edit_details",
		"change_mobile", "change_appointment", "change_delivery_office",
	};

	return i < CRS_OP_COUNT ? names[i] : NULL;
}

const char *life_next_name(enum crs_next n)
{
	static const char *const names[] = { "details", "appointment", "confirm",
	                                     "receipt", "status" };

	return (unsigned)n < sizeof(names) / sizeof(names[0]) ? names[n] : NULL;
}

enum crs_next life_next(const struct crs_life_facts *f)
{
	if (f->stage >= CRS_STAGE_COMPLETION_STARTED)
		return CRS_NEXT_STATUS;
	switch (f->stage) {
	case CRS_STAGE_PAID:
		return CRS_NEXT_RECEIPT;
	case CRS_STAGE_PAID_NO_SLOT:
		/* The appointment was lost after paying: choose again, no
		 * second payment. */
		return CRS_NEXT_APPOINTMENT;
	case CRS_STAGE_RESERVED:
		/* Held, not paid (a failed payment took no money): review and
		 * pay. */
		return CRS_NEXT_CONFIRM;
	default:
		break;
	}
	if (!f->details_complete || !f->needs_complete)
		return CRS_NEXT_DETAILS;
	/* details_done: no hold (never chosen, or it expired). */
	return CRS_NEXT_APPOINTMENT;
}
