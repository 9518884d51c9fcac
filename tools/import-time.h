/*
 * import-time: the instants and dates crs-import reads and writes: SQL
 * DATE and DATETIME(3) text in UTC, and the ISO 8601 instant of --now.
 */
#ifndef CRS_IMPORT_TIME_H
#define CRS_IMPORT_TIME_H

#include <stdint.h>

/* "YYYY-MM-DD" -> JDN; 0 or -1. */
int import_sql_date_to_jdn(const char *s, int32_t *jdn);
/* "YYYY-MM-DD HH:MM:SS[.fff]" (UTC) -> Unix ms; 0 or -1. */
int import_sql_time_to_ms(const char *s, int64_t *ms);
/* Unix ms -> "YYYY-MM-DD HH:MM:SS.mmm" (UTC), for DATETIME(3). */
void import_ms_to_sql_time(int64_t ms, char out[24]);
/* ISO 8601 "YYYY-MM-DD[T ]HH:MM[:SS[.fff]](Z|±HH[:]MM)" -> Unix ms; 0 or -1. */
int import_parse_iso(const char *s, int64_t *ms);

#endif /* CRS_IMPORT_TIME_H */
