/*
 * clock: the one source of "now" for crsd and its plugins.  In production it
 * is the system clock.  Started with --test-clock, an offset can be set or
 * advanced through the admin API so tests can cross hold expiries, idle
 * timeouts and working-hour rules; the offset is kept in a file so a
 * restarted crsd keeps the same time.  SQL never uses NOW(): the core passes
 * this clock's time as a parameter.
 */
#ifndef CRS_CLOCK_H
#define CRS_CLOCK_H

#include <stdint.h>

/* How far the test clock may be from the real one (1000 years): every
 * instant then stays far inside int64 milliseconds. */
#define CLOCK_MAX_OFFSET_MS (1000LL * 366 * 86400 * 1000)

/* state_file may be NULL (no persistence).  Only with test_mode may the
 * offset be moved. */
int clock_init(int test_mode, const char *state_file);
int clock_is_test(void);
int64_t clock_now_ms(void);
int64_t clock_offset_ms(void);
/* Test mode only: set now to t_ms / move now by delta_ms / back to real. */
int clock_set(int64_t t_ms);
int clock_advance(int64_t delta_ms);
int clock_reset(void);

/* Format t_ms as 'YYYY-MM-DD HH:MM:SS.mmm' (UTC) for DATETIME(3) columns. */
void clock_sql_datetime(int64_t t_ms, char out[24]);
/* Parse an ISO 8601 instant ("2024-07-10T08:00:00+03:30", "…Z", optional
 * fraction) into Unix ms; 0 or -1. */
int clock_parse_iso(const char *s, int64_t *out_ms);
/* Parse DATETIME text 'YYYY-MM-DD HH:MM:SS[.mmm]' (UTC) into Unix ms. */
int clock_parse_sql(const char *s, int64_t *out_ms);
/* t_ms as an ISO 8601 instant in Tehran time: "2024-07-10T11:30:00+03:30". */
void clock_iso_tehran(int64_t t_ms, char out[32]);
/* Parse a duration like "16m", "3d", "90s", "2h", "500ms"; 0 or -1. */
int clock_parse_duration(const char *s, int64_t *out_ms);

#endif
