/*
 * metrics: request counters by route and status, a latency histogram, and
 * plugin counters, rendered as Prometheus text.  Updates go to one of a few
 * shards picked per thread, so worker threads rarely contend; a scrape sums
 * the shards.
 */
#ifndef CRS_METRICS_H
#define CRS_METRICS_H

#include <stdint.h>

struct strbuf;

void metrics_observe(const char *method, const char *route, int status,
                     double ms);
void metrics_add(const char *plugin, const char *name, const char *label,
                 int64_t delta);
/* Append the Prometheus exposition of everything counted so far. */
void metrics_render(struct strbuf *out);

#endif
