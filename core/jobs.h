/*
 * jobs: background work of the core and its plugins.  One timer thread
 * schedules periodic timers and one-shot jobs onto a small pool of job
 * threads.  Work owned by a plugin instance is counted on that instance, so
 * a disabled or replaced instance is only destroyed once its timers are
 * cancelled and its running jobs have returned.
 */
#ifndef CRS_JOBS_H
#define CRS_JOBS_H

#include <crs/plugin.h>
#include <stdint.h>

struct plugin_instance;

/* How jobs account work on its owner, without knowing what an owner is
 * (the module registry sets these). */
struct job_owner_ops {
	void (*hold)(struct plugin_instance *owner);
	void (*drop)(struct plugin_instance *owner);
	/* The owner's data, handed to its job functions. */
	void *(*data)(struct plugin_instance *owner);
};

void jobs_set_owner_ops(const struct job_owner_ops *ops);

int jobs_start(int n_threads);
void jobs_stop(void);

/* owner NULL: a core timer (fn gets inst NULL). */
int jobs_timer_add(struct plugin_instance *owner, int64_t period_ms,
                   crs_job_fn fn, void *arg);
int jobs_submit(struct plugin_instance *owner, crs_job_fn fn, void *arg);
/* Remove the owner's timers and queued jobs; running ones finish. */
void jobs_cancel_owner(struct plugin_instance *owner);

#endif
