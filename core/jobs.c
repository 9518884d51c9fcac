/*
 * jobs: timer thread and job threads (see jobs.h).
 */
#include "config.h"

#include "jobs.h"
#include "httpc.h"
#include "log.h"
#include "util.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#define TICK_MS 50
#define MAX_JOB_THREADS 8

struct job {
	struct plugin_instance *owner;
	crs_job_fn fn;
	void *arg;
	int64_t period;      /* 0 for one-shot */
	int64_t due;
	int queued;          /* a periodic timer already waiting to run */
	int cancelled;
	struct job *next;    /* timer list or run queue */
	struct job *next_run;
};

static const struct job_owner_ops *owner_ops;

void jobs_set_owner_ops(const struct job_owner_ops *ops)
{
	owner_ops = ops;
}

static void owner_hold(struct plugin_instance *owner)
{
	if (owner)
		owner_ops->hold(owner);
}

static void owner_drop(struct plugin_instance *owner)
{
	if (owner)
		owner_ops->drop(owner);
}

static struct {
	pthread_mutex_t mu;
	pthread_cond_t run_cv;
	pthread_cond_t tick_cv;
	struct job *timers;
	struct job *run_head, *run_tail;
	pthread_t timer_thread;
	pthread_t workers[MAX_JOB_THREADS];
	int n_workers;
	int stopping;
} jq = {
	.mu = PTHREAD_MUTEX_INITIALIZER,
	.run_cv = PTHREAD_COND_INITIALIZER,
	.tick_cv = PTHREAD_COND_INITIALIZER,
};

static void enqueue_locked(struct job *j)
{
	j->next_run = NULL;
	if (jq.run_tail)
		jq.run_tail->next_run = j;
	else
		jq.run_head = j;
	jq.run_tail = j;
	pthread_cond_signal(&jq.run_cv);
}

static void *worker_main(void *unused)
{
	(void)unused;
	pthread_mutex_lock(&jq.mu);
	for (;;) {
		struct job *j;

		while (!jq.run_head && !jq.stopping)
			pthread_cond_wait(&jq.run_cv, &jq.mu);
		if (!jq.run_head)
			break;
		j = jq.run_head;
		jq.run_head = j->next_run;
		if (!jq.run_head)
			jq.run_tail = NULL;
		if (!j->cancelled) {
			pthread_mutex_unlock(&jq.mu);
			j->fn(j->owner ? owner_ops->data(j->owner) : NULL, j->arg);
			pthread_mutex_lock(&jq.mu);
		}
		j->queued = 0;
		if (!j->period || j->cancelled) {
			/* A cancelled timer was unlinked by jobs_cancel_owner and
			 * left for us to free since it was queued. */
			owner_drop(j->owner);
			free(j);
		}
	}
	pthread_mutex_unlock(&jq.mu);
	/* Jobs send SMS and email: this thread owns a curl handle. */
	httpc_thread_release();
	return NULL;
}

static void *timer_main(void *unused)
{
	struct timespec ts;

	(void)unused;
	pthread_mutex_lock(&jq.mu);
	while (!jq.stopping) {
		int64_t now = mono_ms();
		struct job *t;

		for (t = jq.timers; t; t = t->next) {
			if (t->due <= now && !t->queued) {
				t->queued = 1;
				t->due = now + t->period;
				enqueue_locked(t);
			}
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += TICK_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		if (!jq.stopping)
			pthread_cond_timedwait(&jq.tick_cv, &jq.mu, &ts);
	}
	pthread_mutex_unlock(&jq.mu);
	return NULL;
}

int jobs_start(int n)
{
	int i;

	if (n < 1)
		n = 1;
	if (n > MAX_JOB_THREADS)
		n = MAX_JOB_THREADS;
	for (i = 0; i < n; i++) {
		if (pthread_create(&jq.workers[i], NULL, worker_main, NULL) != 0)
			return -1;
		jq.n_workers++;
	}
	if (pthread_create(&jq.timer_thread, NULL, timer_main, NULL) != 0)
		return -1;
	return 0;
}

void jobs_stop(void)
{
	struct job *t;
	int i;

	pthread_mutex_lock(&jq.mu);
	jq.stopping = 1;
	pthread_cond_broadcast(&jq.run_cv);
	pthread_cond_broadcast(&jq.tick_cv);
	pthread_mutex_unlock(&jq.mu);
	pthread_join(jq.timer_thread, NULL);
	for (i = 0; i < jq.n_workers; i++)
		pthread_join(jq.workers[i], NULL);
	jq.n_workers = 0;
	while ((t = jq.timers)) {
		jq.timers = t->next;
		owner_drop(t->owner);
		free(t);
	}
}

static struct job *job_new(struct plugin_instance *owner, crs_job_fn fn,
                           void *arg, int64_t period)
{
	struct job *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->owner = owner;
	j->fn = fn;
	j->arg = arg;
	j->period = period;
	j->due = mono_ms() + period;
	owner_hold(owner);
	return j;
}

int jobs_timer_add(struct plugin_instance *owner, int64_t period_ms,
                   crs_job_fn fn, void *arg)
{
	struct job *j;

	if (period_ms < 10 || !fn)
		return CRS_EINVAL;
	j = job_new(owner, fn, arg, period_ms);
	if (!j)
		return CRS_ENOMEM;
	pthread_mutex_lock(&jq.mu);
	j->next = jq.timers;
	jq.timers = j;
	pthread_mutex_unlock(&jq.mu);
	return CRS_OK;
}

int jobs_submit(struct plugin_instance *owner, crs_job_fn fn, void *arg)
{
	struct job *j;

	if (!fn)
		return CRS_EINVAL;
	j = job_new(owner, fn, arg, 0);
	if (!j)
		return CRS_ENOMEM;
	pthread_mutex_lock(&jq.mu);
	j->queued = 1;
	enqueue_locked(j);
	pthread_mutex_unlock(&jq.mu);
	return CRS_OK;
}

void jobs_cancel_owner(struct plugin_instance *owner)
{
	struct job **pp, *t;

	pthread_mutex_lock(&jq.mu);
	for (pp = &jq.timers; (t = *pp);) {
		if (t->owner != owner) {
			pp = &t->next;
			continue;
		}
		*pp = t->next;
		t->cancelled = 1;
		if (!t->queued) {
			owner_drop(owner);
			free(t);
		}
	}
	for (t = jq.run_head; t; t = t->next_run)
		if (t->owner == owner)
			t->cancelled = 1;
	pthread_mutex_unlock(&jq.mu);
}
