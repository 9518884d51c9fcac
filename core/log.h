/*
 * log: the core's logger.  One JSON object per line on stderr (the stack
 * sends it to a file), written with a single write(2) so lines from
 * concurrent threads never interleave.  National IDs (any run of exactly ten
 * digits) are masked in every message before it leaves the process.
 */
#ifndef CRS_LOG_H
#define CRS_LOG_H

#include <crs/plugin.h>
#include <stdarg.h>

void log_set_level(enum crs_log_level level);
int log_parse_level(const char *s, enum crs_log_level *out);
int log_enabled(enum crs_log_level level);

/* plugin and req_id may be NULL. */
void log_vmsg(enum crs_log_level level, const char *plugin, const char *req_id,
              const char *fmt, va_list ap);
void log_msg(enum crs_log_level level, const char *plugin, const char *req_id,
             const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#define log_error(...) log_msg(CRS_LOG_ERROR, NULL, NULL, __VA_ARGS__)
#define log_warn(...) log_msg(CRS_LOG_WARN, NULL, NULL, __VA_ARGS__)
#define log_info(...) log_msg(CRS_LOG_INFO, NULL, NULL, __VA_ARGS__)
#define log_debug(...) log_msg(CRS_LOG_DEBUG, NULL, NULL, __VA_ARGS__)

/* Access lines are batched: appended to a buffer that a flusher thread
 * writes every 100 ms (or at once when full), so a request costs no log
 * syscall.  Error, warning and info messages stay synchronous. */
int log_access_start(void);
/* Flush what is buffered and stop the flusher (at shutdown). */
void log_access_stop(void);

/* The access line of one request. */
void log_access(const char *req_id, const char *method, const char *route,
                int status, double ms, const char *client_ip);

/* Write an already-formatted line (for tools). */
void log_write_line(const char *line, size_t len);

/* ISO 8601 UTC with milliseconds for t_ms into out[32]. */
void log_format_time(int64_t t_ms, char out[32]);

#endif
