/*
 * sadad_time: the merchant's local date and time that PaymentRequest sends
 * as LocalDateTime (gateways.md pitfall 10): Tehran wall-clock time now,
 * from the core's clock, in the format the terminal was set up with.
 *
 * Thread-safe: no state.
 */
#ifndef PAY_SADAD_TIME_H
#define PAY_SADAD_TIME_H

#include <crs/plugin.h>

#include <stddef.h>
#include <stdint.h>

enum sadad_time_format {
	SADAD_TF_PHP,      /* "m/d/Y g:i:s a", the official sample's */
	SADAD_TF_ISO,      /* "YYYY-MM-DDTHH:MM:SS" */
	SADAD_TF_COMPACT   /* "YYYYMMDDHHMMSS" */
};

/* How the plugin tells the time, from [plugin.pay_sadad]. */
struct sadad_clock {
	int64_t utc_offset_min;     /* Tehran's offset when core_tz is 0 */
	int core_tz;                /* use api->tehran_local */
	enum sadad_time_format format;
};

/* The merchant's local time now, NUL-terminated in out (40 bytes hold
 * every format). */
void sadad_local_datetime(const struct crs_api *api,
                          const struct sadad_clock *clk, char *out,
                          size_t outsz);

#endif /* PAY_SADAD_TIME_H */
