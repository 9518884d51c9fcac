/*
 * unit.h: the unit tests' tiny TAP harness.  Each check prints "ok N - ..."
 * or "not ok N - ..." (with the place and, for the typed checks, both
 * values as "#" diagnostics); unit_done() prints the "1..N" plan and gives
 * main() its exit status: 0 when all passed, 1 otherwise, which is what the
 * automake test driver reads (and a TAP driver would read the lines).
 *
 * Header-only and single-threaded: checks run on the test's main thread.
 */
#ifndef CRS_UNIT_H
#define CRS_UNIT_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#if defined(__GNUC__)
#define UNIT_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define UNIT_PRINTF(f, a)
#endif

static struct {
	int run;
	int failed;
} unit_state;

static inline int unit_check(int ok, const char *file, int line,
			     const char *what)
{
	unit_state.run++;
	if (!ok)
		unit_state.failed++;
	printf("%sok %d - %s\n", ok ? "" : "not ", unit_state.run, what);
	if (!ok)
		printf("#   failed at %s:%d\n", file, line);
	fflush(stdout);
	return ok;
}

static inline UNIT_PRINTF(4, 5) int unit_checkf(int ok, const char *file,
						int line, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return unit_check(ok, file, line, what);
}

static inline int unit_check_int(long long got, long long want,
				 const char *file, int line, const char *what)
{
	int ok = unit_check(got == want, file, line, what);

	if (!ok)
		printf("#   got:  %lld\n#   want: %lld\n", got, want);
	return ok;
}

static inline int unit_check_str(const char *got, const char *want,
				 const char *file, int line, const char *what)
{
	int ok = got != NULL && want != NULL ? strcmp(got, want) == 0
					     : got == want;

	unit_check(ok, file, line, what);
	if (!ok)
		printf("#   got:  \"%s\"\n#   want: \"%s\"\n",
		       got ? got : "(null)", want ? want : "(null)");
	return ok;
}

/* Print a "#" diagnostic line, e.g. the first failing case of a loop. */
static inline UNIT_PRINTF(1, 2) void unit_note(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

/* Print the plan; return the exit status for main(). */
static inline int unit_done(void)
{
	printf("1..%d\n", unit_state.run);
	if (unit_state.failed)
		printf("# %d of %d checks failed\n", unit_state.failed,
		       unit_state.run);
	return unit_state.failed ? 1 : 0;
}

/* Each macro evaluates its arguments once and yields 1 (pass) or 0. */
#define CHECK(expr) unit_check(!!(expr), __FILE__, __LINE__, #expr)
#define CHECKF(expr, ...) \
	unit_checkf(!!(expr), __FILE__, __LINE__, __VA_ARGS__)
#define CHECK_EQ_INT(got, want) \
	unit_check_int((long long)(got), (long long)(want), __FILE__, \
		       __LINE__, #got " == " #want)
#define CHECK_STR(got, want) \
	unit_check_str((got), (want), __FILE__, __LINE__, #got " eq " #want)

#endif /* CRS_UNIT_H */
