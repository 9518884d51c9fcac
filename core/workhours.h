/*
 * workhours: counting working time, for the rule that a changed
 * birth-certificate serial becomes known only 48 working hours after the
 * change (SPEC 3.1).  Working hours are Tehran civil time, Saturday to
 * Wednesday 08:00-16:00 and Thursday 08:00-12:00; Fridays and the
 * caller's holidays have none.
 *
 * Pure functions: no I/O, no allocation, no shared state; thread-safe.
 */
#ifndef CRS_WORKHOURS_H
#define CRS_WORKHOURS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum {
	WORKHOURS_OK = 0,
	WORKHOURS_EINVAL = -1,    /* NULL output, negative duration */
	WORKHOURS_ERANGE = -2,    /* instant outside what jalali.h supports */
	WORKHOURS_EUNSORTED = -3  /* holidays not in ascending order */
};

/* How long a changed serial stays unknown (SPEC 3.1). */
#define WORKHOURS_SERIAL_WAIT_SECONDS (48 * 3600)

/*
 * holidays: Tehran civil days (JDN, see jalali.h) in ascending order;
 * repeats are harmless.  A holiday on a Friday changes nothing.  holidays
 * may be NULL when n is 0.
 */

/* Whether the Tehran civil day jdn has working hours. */
bool workhours_is_workday(int32_t jdn, const int32_t *holidays, size_t n);

/*
 * Working seconds in [from_utc, to_utc).  If to_utc is earlier than
 * from_utc the result is minus the working seconds in [to_utc, from_utc).
 */
int workhours_between(time_t from_utc, time_t to_utc,
		      const int32_t *holidays, size_t n, int64_t *out);

/*
 * The earliest instant t with workhours_between(from_utc, t) == seconds:
 * the end of the last working second, so a count that runs out exactly at
 * closing time gives 16:00 (or 12:00), not the next opening.  seconds == 0
 * gives from_utc.  Fails with WORKHOURS_EINVAL for negative seconds.
 */
int workhours_add(time_t from_utc, int64_t seconds, const int32_t *holidays,
		  size_t n, time_t *out);

#endif /* CRS_WORKHOURS_H */
