/*
 * schedule: core-clock timers, daily Tehran times, one-crsd occurrences
 * (see schedule.h).
 */
#include "config.h"

#include "schedule.h"
#include "civil.h"
#include "clock.h"
#include "db.h"
#include "jobs.h"
#include "log.h"
#include "util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TICK_MS 50
#define DAY_S 86400
/* A claim the database could not take (it is down) is tried again after: */
#define CLAIM_RETRY_MS 5000

struct crs_timer {
	struct plugin_instance *owner;
	crs_job_fn fn;
	void *arg;
	enum crs_schedule_kind kind;
	int64_t every_ms;
	int32_t daily_at;
	char name[100];          /* "<plugin>:<once_key>", or "" */
	int64_t due;             /* on the core clock */
	int running;             /* handed to a job thread */
	int cancelled;
	struct crs_timer *next;
};

static struct {
	pthread_mutex_t mu;
	struct crs_timer *list;
	char me[96];             /* who claimed an occurrence: host:pid */
} sch = { .mu = PTHREAD_MUTEX_INITIALIZER };

int64_t schedule_next_daily(int64_t now_ms, int32_t at_sec)
{
	int32_t jdn;
	int sec;
	int64_t t;

	if (civil_tehran_local(now_ms, &jdn, &sec) != CRS_OK)
		return now_ms + (int64_t)DAY_S * 1000;
	/* Today's, else tomorrow's (a day of a clock change still has its
	 * time of day: the conversion says which instant that is). */
	if (civil_tehran_to_unix_ms(jdn, at_sec, &t) == CRS_OK && t > now_ms)
		return t;
	if (civil_tehran_to_unix_ms(jdn + 1, at_sec, &t) == CRS_OK)
		return t;
	return now_ms + (int64_t)DAY_S * 1000;
}

/* Periodic timers fall on multiples of their period on the core clock, so
 * that every crsd names an occurrence alike. */
static int64_t next_due(const struct crs_timer *t, int64_t now)
{
	return t->kind == CRS_SCHEDULE_DAILY ? schedule_next_daily(now, t->daily_at)
	                                     : (now / t->every_ms + 1) * t->every_ms;
}

/* The occurrence a due run stands for: the Tehran day of a daily timer,
 * the period number of a periodic one.  Every crsd computes the same. */
static int64_t occurrence_of(const struct crs_timer *t, int64_t due)
{
	int32_t jdn = 0;
	int sec = 0;

	if (t->kind == CRS_SCHEDULE_DAILY) {
		civil_tehran_local(due, &jdn, &sec);
		return jdn;
	}
	return due / t->every_ms;
}

/* CRS_OK: this crsd runs it; CRS_EDUP: another did; else try again. */
static int claim(const struct crs_timer *t, int64_t occurrence)
{
	struct crs_db *db;
	char now[24];
	int rc = db_acquire(mono_ms() + 2000, &db);

	if (rc)
		return rc;
	clock_sql_datetime(clock_now_ms(), now);
	rc = db_exec(db, "INSERT INTO job_run (name, occurrence, ran_by, claimed_at)"
	                 " VALUES (?, ?, ?, ?)",
	             CRS_PARAMS(CRS_P_STR(t->name), CRS_P_INT(occurrence),
	                        CRS_P_STR(sch.me), CRS_P_STR(now)), NULL, NULL);
	db_release(db);
	return rc;
}

static void timer_free_locked(struct crs_timer *t)
{
	struct crs_timer **pp;

	for (pp = &sch.list; *pp; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	free(t);
}

static void run(void *inst, void *arg)
{
	struct crs_timer *t = arg;
	int64_t due, now;
	int rc = CRS_OK, go = 1;

	pthread_mutex_lock(&sch.mu);
	due = t->due;
	go = !t->cancelled;
	pthread_mutex_unlock(&sch.mu);
	if (go && t->name[0]) {
		rc = claim(t, occurrence_of(t, due));
		go = rc == CRS_OK;
	}
	if (go)
		t->fn(inst, t->arg);
	now = clock_now_ms();
	pthread_mutex_lock(&sch.mu);
	t->running = 0;
	if (t->cancelled) {
		/* Freed with its owner (or at stop): a handle stays valid. */
	} else if (rc != CRS_OK && rc != CRS_EDUP) {
		/* The database did not say who runs it: ask again soon. */
		t->due = now + CLAIM_RETRY_MS;
		t->due = t->due < next_due(t, due) ? t->due : next_due(t, due);
	} else {
		t->due = next_due(t, now > due ? now : due);
	}
	pthread_mutex_unlock(&sch.mu);
}

static void tick(void *unused, void *arg)
{
	struct crs_timer *t;
	int64_t now = clock_now_ms();

	(void)unused;
	(void)arg;
	pthread_mutex_lock(&sch.mu);
	for (t = sch.list; t; t = t->next) {
		int64_t next;

		if (t->running || t->cancelled)
			continue;
		/* The test clock moved back: never wait longer than a period. */
		next = next_due(t, now);
		if (t->due > next)
			t->due = next;
		if (now < t->due)
			continue;
		t->running = 1;
		if (jobs_submit(t->owner, run, t) != CRS_OK)
			t->running = 0;
	}
	pthread_mutex_unlock(&sch.mu);
}

static int name_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 32 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

int schedule_add(struct plugin_instance *owner, const char *plugin,
                 const struct crs_schedule *spec, crs_job_fn fn, void *arg,
                 struct crs_timer **out)
{
	struct crs_timer *t;

	if (out)
		*out = NULL;
	if (!spec || spec->struct_size < CRS_SIZE_THROUGH(struct crs_schedule, once_key) ||
	    !fn || (spec->once_key && !name_ok(spec->once_key)) ||
	    (spec->kind == CRS_SCHEDULE_EVERY && spec->every_ms < 1000) ||
	    (spec->kind == CRS_SCHEDULE_DAILY &&
	     (spec->daily_at < 0 || spec->daily_at >= DAY_S)) ||
	    (spec->kind != CRS_SCHEDULE_EVERY && spec->kind != CRS_SCHEDULE_DAILY))
		return CRS_EINVAL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return CRS_ENOMEM;
	t->owner = owner;
	t->fn = fn;
	t->arg = arg;
	t->kind = spec->kind;
	t->every_ms = spec->every_ms;
	t->daily_at = spec->daily_at;
	if (spec->once_key)
		snprintf(t->name, sizeof(t->name), "%s:%s", plugin ? plugin : "core",
		         spec->once_key);
	t->due = next_due(t, clock_now_ms());
	pthread_mutex_lock(&sch.mu);
	t->next = sch.list;
	sch.list = t;
	pthread_mutex_unlock(&sch.mu);
	if (out)
		*out = t;
	return CRS_OK;
}

void schedule_cancel(struct crs_timer *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&sch.mu);
	t->cancelled = 1;
	pthread_mutex_unlock(&sch.mu);
}

void schedule_cancel_owner(struct plugin_instance *owner)
{
	struct crs_timer *t;

	pthread_mutex_lock(&sch.mu);
	for (t = sch.list; t; t = t->next)
		if (t->owner == owner)
			t->cancelled = 1;
	pthread_mutex_unlock(&sch.mu);
}

void schedule_release_owner(struct plugin_instance *owner)
{
	struct crs_timer *t, *next;

	pthread_mutex_lock(&sch.mu);
	for (t = sch.list; t; t = next) {
		next = t->next;
		if (t->owner == owner)
			timer_free_locked(t);
	}
	pthread_mutex_unlock(&sch.mu);
}

int schedule_start(void)
{
	char host[64] = "";

	gethostname(host, sizeof(host) - 1);
	snprintf(sch.me, sizeof(sch.me), "%s:%ld", host, (long)getpid());
	return jobs_timer_add(NULL, TICK_MS, tick, NULL);
}

void schedule_stop(void)
{
	pthread_mutex_lock(&sch.mu);
	while (sch.list)
		timer_free_locked(sch.list);
	pthread_mutex_unlock(&sch.mu);
}

void schedule_sweep(void *unused, void *arg)
{
	(void)unused;
	(void)arg;
	db_sweep("DELETE FROM job_run WHERE claimed_at < ? LIMIT 1000",
	         clock_now_ms() - 7LL * DAY_S * 1000);
}
