/*
 * log: JSON lines on stderr with national IDs masked (see log.h).
 */
#include "config.h"

#include "log.h"
#include "nid.h"
#include "util.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static _Atomic int current_level = CRS_LOG_INFO;

static const char *const level_names[] = { "error", "warn", "info", "debug" };

void log_set_level(enum crs_log_level level)
{
	atomic_store(&current_level, (int)level);
}

int log_parse_level(const char *s, enum crs_log_level *out)
{
	int i;

	for (i = 0; i <= CRS_LOG_DEBUG; i++) {
		if (strcmp(s, level_names[i]) == 0) {
			*out = (enum crs_log_level)i;
			return 0;
		}
	}
	return -1;
}

int log_enabled(enum crs_log_level level)
{
	return (int)level <= atomic_load(&current_level);
}

void log_format_time(int64_t t_ms, char out[32])
{
	time_t t = (time_t)(t_ms / 1000);
	struct tm tm;
	size_t n;

	gmtime_r(&t, &tm);
	n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, 32 - n, ".%03dZ", (int)(t_ms % 1000));
}

static int64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void log_write_line(const char *line, size_t len)
{
	while (len) {
		ssize_t n = write(STDERR_FILENO, line, len);

		if (n <= 0)
			return;
		line += n;
		len -= (size_t)n;
	}
}

#define ACCESS_BUF (64 * 1024)
#define ACCESS_FLUSH_MS 100

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char *buf;             /* filled by workers */
	char *spare;           /* written by whoever flushes */
	size_t len;
	int running;
	int stop;
	pthread_t thread;
} acc = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };

/* Caller holds acc.mu; writes outside it so workers only ever wait for a
 * memcpy. */
static void access_flush_locked(void)
{
	char *full = acc.buf;
	size_t n = acc.len;

	if (!n)
		return;
	acc.buf = acc.spare;
	acc.spare = NULL;
	acc.len = 0;
	pthread_mutex_unlock(&acc.mu);
	log_write_line(full, n);
	pthread_mutex_lock(&acc.mu);
	/* Two flushes may overlap: hand the buffer back to whichever slot is
	 * empty (there are only two buffers, so one is). */
	if (!acc.buf)
		acc.buf = full;
	else
		acc.spare = full;
}

static void *access_flusher(void *unused)
{
	struct timespec ts;

	(void)unused;
	pthread_mutex_lock(&acc.mu);
	while (!acc.stop) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += ACCESS_FLUSH_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&acc.cv, &acc.mu, &ts);
		access_flush_locked();
	}
	access_flush_locked();
	pthread_mutex_unlock(&acc.mu);
	return NULL;
}

int log_access_start(void)
{
	acc.buf = malloc(ACCESS_BUF);
	acc.spare = malloc(ACCESS_BUF);
	if (!acc.buf || !acc.spare ||
	    pthread_create(&acc.thread, NULL, access_flusher, NULL) != 0) {
		free(acc.buf);
		free(acc.spare);
		acc.buf = acc.spare = NULL;
		return -1;
	}
	acc.running = 1;
	return 0;
}

void log_access_stop(void)
{
	if (!acc.running)
		return;
	pthread_mutex_lock(&acc.mu);
	acc.stop = 1;
	pthread_cond_signal(&acc.cv);
	pthread_mutex_unlock(&acc.mu);
	pthread_join(acc.thread, NULL);
	free(acc.buf);
	free(acc.spare);
	acc.buf = acc.spare = NULL;
	acc.running = 0;
}

static void access_append(const char *line, size_t n)
{
	pthread_mutex_lock(&acc.mu);
	if (!acc.running || n > ACCESS_BUF) {
		pthread_mutex_unlock(&acc.mu);
		log_write_line(line, n);
		return;
	}
	if (acc.buf && acc.len + n > ACCESS_BUF)
		access_flush_locked();
	if (!acc.buf) {
		/* Both buffers are being written: this line goes directly. */
		pthread_mutex_unlock(&acc.mu);
		log_write_line(line, n);
		return;
	}
	memcpy(acc.buf + acc.len, line, n);
	acc.len += n;
	pthread_mutex_unlock(&acc.mu);
}

static void emit(struct strbuf *sb)
{
	strbuf_add(sb, "}\n", 2);
	if (!sb->failed)
		log_write_line(sb->buf, sb->len);
	strbuf_release(sb);
}

/* The timestamp of now; the seconds part is formatted once per second per
 * thread (every request logs one). */
static void now_iso(char out[32])
{
	static _Thread_local int64_t cached_sec = -1;
	static _Thread_local char cached[32];
	int64_t t = wall_ms();

	if (t / 1000 != cached_sec) {
		log_format_time(t, cached);
		cached_sec = t / 1000;
	}
	memcpy(out, cached, 32);
	out[20] = (char)('0' + t % 1000 / 100);
	out[21] = (char)('0' + t % 100 / 10);
	out[22] = (char)('0' + t % 10);
}

static void begin(struct strbuf *sb, const char *level)
{
	char ts[32];

	now_iso(ts);
	strbuf_add(sb, "{\"ts\":\"", 7);
	strbuf_adds(sb, ts);
	strbuf_add(sb, "\",\"level\":\"", 11);
	strbuf_adds(sb, level);
	strbuf_add(sb, "\"", 1);
}

void log_vmsg(enum crs_log_level level, const char *plugin, const char *req_id,
              const char *fmt, va_list ap)
{
	char msg[2048], line[4096];
	struct strbuf sb;

	if (!log_enabled(level))
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	nid_mask_text(msg);
	strbuf_init_on(&sb, line, sizeof(line));
	begin(&sb, level_names[level]);
	if (plugin) {
		strbuf_adds(&sb, ",\"plugin\":");
		strbuf_addjson(&sb, plugin);
	}
	if (req_id) {
		strbuf_adds(&sb, ",\"req\":");
		strbuf_addjson(&sb, req_id);
	}
	strbuf_adds(&sb, ",\"msg\":");
	strbuf_addjson(&sb, msg);
	emit(&sb);
}

void log_msg(enum crs_log_level level, const char *plugin, const char *req_id,
             const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, plugin, req_id, fmt, ap);
	va_end(ap);
}

void log_access(const char *req_id, const char *method, const char *route,
                int status, double ms, const char *client_ip)
{
	char line[1024];
	struct strbuf sb;

	strbuf_init_on(&sb, line, sizeof(line));
	begin(&sb, "info");
	strbuf_adds(&sb, ",\"type\":\"access\",\"req\":");
	strbuf_addjson(&sb, req_id ? req_id : "");
	strbuf_adds(&sb, ",\"method\":");
	strbuf_addjson(&sb, method ? method : "");
	/* The route template, never the raw path: paths may carry IDs. */
	strbuf_adds(&sb, ",\"route\":");
	strbuf_addjson(&sb, route ? route : "-");
	strbuf_adds(&sb, ",\"status\":");
	strbuf_addint(&sb, status);
	/* Milliseconds with two decimals, without printf's float path. */
	strbuf_adds(&sb, ",\"ms\":");
	strbuf_addint(&sb, (long long)ms);
	strbuf_add(&sb, ".", 1);
	strbuf_add(&sb, &"0123456789"[(long long)(ms * 10) % 10], 1);
	strbuf_add(&sb, &"0123456789"[(long long)(ms * 100) % 10], 1);
	strbuf_adds(&sb, ",\"ip\":");
	strbuf_addjson(&sb, client_ip ? client_ip : "");
	strbuf_add(&sb, "}\n", 2);
	if (!sb.failed)
		access_append(sb.buf, sb.len);
	strbuf_release(&sb);
}
