/*
 * schedule: timers on the core clock (so the test clock reaches them),
 * every N milliseconds or daily at a Tehran time of day, with a handle to
 * cancel them, and optionally run on one crsd only: each occurrence is
 * claimed in table job_run under the timer's name before it runs, so of
 * several crsd sharing one database exactly one runs it.  Due timers are
 * handed to the job threads (jobs.h), counted on their owner, and a
 * retired plugin instance's timers are cancelled with it.
 */
#ifndef CRS_SCHEDULE_H
#define CRS_SCHEDULE_H

#include <crs/plugin.h>

struct plugin_instance;

/* plugin: the owner's name, prefixed to once_key in job_run (NULL: core). */
int schedule_add(struct plugin_instance *owner, const char *plugin,
                 const struct crs_schedule *spec, crs_job_fn fn, void *arg,
                 struct crs_timer **out);
/* Stop a timer; a run in progress finishes.  The handle stays valid (a
 * second cancel does nothing) until its owner is released. */
void schedule_cancel(struct crs_timer *t);
void schedule_cancel_owner(struct plugin_instance *owner);
/* Free the owner's timers: its instance is destroyed, nothing of it runs. */
void schedule_release_owner(struct plugin_instance *owner);

/* Start the tick (a core timer); stop frees what is left. */
int schedule_start(void);
void schedule_stop(void);

/* The next instant strictly after now_ms that is at_sec seconds after a
 * Tehran midnight (pure: unit-tested). */
int64_t schedule_next_daily(int64_t now_ms, int32_t at_sec);

/* Core timer: forget claimed occurrences older than a week. */
void schedule_sweep(void *unused, void *arg);

#endif
