/*
 * metrics: sharded counters and histograms (see metrics.h).
 */
#include "config.h"

#include "metrics.h"
#include "util.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define SHARDS 8
#define SLOTS 256
#define KEY_MAX 200

static const double bucket_ms[] = { 1, 2.5, 5, 10, 25, 50, 100, 250, 500,
                                    1000, 2500, 5000, 10000 };
#define N_BUCKETS (sizeof(bucket_ms) / sizeof(bucket_ms[0]))

struct counter {
	char key[KEY_MAX];     /* "kind\x1fa\x1fb\x1fc" */
	int64_t value;
};

struct shard {
	pthread_mutex_t mu;
	struct counter c[SLOTS];
	int64_t buckets[N_BUCKETS + 1];
	double sum_ms;
	int64_t count;
};

static struct shard shards[SHARDS];
static _Atomic unsigned next_shard;
static _Thread_local int my_shard = -1;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init_shards(void)
{
	int i;

	for (i = 0; i < SHARDS; i++)
		pthread_mutex_init(&shards[i].mu, NULL);
}

static struct shard *shard(void)
{
	pthread_once(&once, init_shards);
	if (my_shard < 0)
		my_shard = (int)(atomic_fetch_add(&next_shard, 1) % SHARDS);
	return &shards[my_shard];
}

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* Caller holds sh->mu.  Silently drops new keys when the table is full:
 * metrics must never fail a request. */
static void bump(struct shard *sh, const char *key, int64_t delta)
{
	uint32_t i = hash(key) % SLOTS, n;

	for (n = 0; n < SLOTS; n++, i = (i + 1) % SLOTS) {
		if (!sh->c[i].key[0]) {
			strncpy(sh->c[i].key, key, KEY_MAX - 1);
			sh->c[i].value = delta;
			return;
		}
		if (strcmp(sh->c[i].key, key) == 0) {
			sh->c[i].value += delta;
			return;
		}
	}
}

void metrics_observe(const char *method, const char *route, int status,
                     double ms)
{
	struct shard *sh = shard();
	char key[KEY_MAX];
	size_t b;
	struct strbuf kb;

	/* Built by hand: this runs on every request. */
	strbuf_init_on(&kb, key, sizeof(key));
	strbuf_add(&kb, "r\x1f", 2);
	strbuf_adds(&kb, method);
	strbuf_add(&kb, "\x1f", 1);
	strbuf_adds(&kb, route ? route : "-");
	strbuf_add(&kb, "\x1f", 1);
	strbuf_addint(&kb, status);
	if (kb.len >= KEY_MAX) {     /* grew onto the heap: a silly route */
		strbuf_release(&kb);
		return;
	}
	pthread_mutex_lock(&sh->mu);
	bump(sh, key, 1);
	for (b = 0; b < N_BUCKETS && ms > bucket_ms[b]; b++)
		;
	sh->buckets[b]++;
	sh->sum_ms += ms;
	sh->count++;
	pthread_mutex_unlock(&sh->mu);
}

void metrics_add(const char *plugin, const char *name, const char *label,
                 int64_t delta)
{
	struct shard *sh = shard();
	char key[KEY_MAX];

	snprintf(key, sizeof(key), "p\x1f%s\x1f%s\x1f%s", plugin, name,
	         label ? label : "");
	pthread_mutex_lock(&sh->mu);
	bump(sh, key, delta);
	pthread_mutex_unlock(&sh->mu);
}

static int cmp_counter(const void *a, const void *b)
{
	return strcmp(((const struct counter *)a)->key,
	              ((const struct counter *)b)->key);
}

/* Label values are route templates and [a-z_] names; quotes and
 * backslashes are escaped anyway. */
static void add_label(struct strbuf *out, const char *name, const char *v,
                      size_t len)
{
	size_t i;

	strbuf_addf(out, "%s=\"", name);
	for (i = 0; i < len; i++) {
		if (v[i] == '"' || v[i] == '\\')
			strbuf_add(out, "\\", 1);
		strbuf_add(out, &v[i], 1);
	}
	strbuf_add(out, "\"", 1);
}

void metrics_render(struct strbuf *out)
{
	struct counter *all = calloc(SHARDS * SLOTS, sizeof(*all));
	int64_t buckets[N_BUCKETS + 1] = { 0 }, count = 0, cum = 0;
	double sum = 0;
	size_t n = 0, i, j, b;

	pthread_once(&once, init_shards);
	if (!all)
		return;
	for (i = 0; i < SHARDS; i++) {
		pthread_mutex_lock(&shards[i].mu);
		for (j = 0; j < SLOTS; j++)
			if (shards[i].c[j].key[0])
				all[n++] = shards[i].c[j];
		for (b = 0; b <= N_BUCKETS; b++)
			buckets[b] += shards[i].buckets[b];
		sum += shards[i].sum_ms;
		count += shards[i].count;
		pthread_mutex_unlock(&shards[i].mu);
	}
	qsort(all, n, sizeof(*all), cmp_counter);
	strbuf_adds(out, "# HELP crs_requests_total Requests by method, route and status.\n"
	                 "# TYPE crs_requests_total counter\n");
	for (i = 0; i < n; i++) {
		const char *k = all[i].key, *f1, *f2, *f3;
		int64_t v = all[i].value;

		if (k[0] != 'r')
			continue;
		f1 = k + 2;
		f2 = strchr(f1, '\x1f') + 1;
		f3 = strchr(f2, '\x1f') + 1;
		/* Merge equal keys from different shards (sorted, adjacent). */
		while (i + 1 < n && strcmp(all[i + 1].key, k) == 0)
			v += all[++i].value;
		strbuf_adds(out, "crs_requests_total{");
		add_label(out, "method", f1, (size_t)(f2 - f1 - 1));
		strbuf_add(out, ",", 1);
		add_label(out, "route", f2, (size_t)(f3 - f2 - 1));
		strbuf_addf(out, ",status=\"%s\"} %lld\n", f3, (long long)v);
	}
	strbuf_adds(out, "# HELP crs_request_duration_ms Request latency.\n"
	                 "# TYPE crs_request_duration_ms histogram\n");
	for (b = 0; b < N_BUCKETS; b++) {
		cum += buckets[b];
		strbuf_addf(out, "crs_request_duration_ms_bucket{le=\"%g\"} %lld\n",
		            bucket_ms[b], (long long)cum);
	}
	cum += buckets[N_BUCKETS];
	strbuf_addf(out, "crs_request_duration_ms_bucket{le=\"+Inf\"} %lld\n"
	                 "crs_request_duration_ms_sum %.3f\n"
	                 "crs_request_duration_ms_count %lld\n",
	            (long long)cum, sum, (long long)count);
	strbuf_adds(out, "# HELP crs_plugin_total Counters kept by plugins.\n"
	                 "# TYPE crs_plugin_total counter\n");
	for (i = 0; i < n; i++) {
		const char *k = all[i].key, *f1, *f2, *f3;
		int64_t v = all[i].value;

		if (k[0] != 'p')
			continue;
		f1 = k + 2;
		f2 = strchr(f1, '\x1f') + 1;
		f3 = strchr(f2, '\x1f') + 1;
		while (i + 1 < n && strcmp(all[i + 1].key, k) == 0)
			v += all[++i].value;
		strbuf_adds(out, "crs_plugin_total{");
		add_label(out, "plugin", f1, (size_t)(f2 - f1 - 1));
		strbuf_add(out, ",", 1);
		add_label(out, "name", f2, (size_t)(f3 - f2 - 1));
		strbuf_add(out, ",", 1);
		add_label(out, "label", f3, strlen(f3));
		strbuf_addf(out, "} %lld\n", (long long)v);
	}
	free(all);
}
