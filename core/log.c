/*
 * log: JSON lines on stderr with national IDs masked (see log.h).
 */
#include "config.h"

#include "log.h"
#include "nid.h"
#include "util.h"

#include <stdatomic.h>
#include <stdio.h>
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

static void emit(struct strbuf *sb)
{
	strbuf_add(sb, "}\n", 2);
	if (!sb->failed)
		log_write_line(sb->buf, sb->len);
	strbuf_release(sb);
}

static void begin(struct strbuf *sb, const char *level)
{
	char ts[32];

	strbuf_init(sb);
	log_format_time(wall_ms(), ts);
	strbuf_addf(sb, "{\"ts\":\"%s\",\"level\":\"%s\"", ts, level);
}

void log_vmsg(enum crs_log_level level, const char *plugin, const char *req_id,
              const char *fmt, va_list ap)
{
	char msg[2048];
	struct strbuf sb;

	if (!log_enabled(level))
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	nid_mask_text(msg);
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
	struct strbuf sb;

	begin(&sb, "info");
	strbuf_adds(&sb, ",\"type\":\"access\",\"req\":");
	strbuf_addjson(&sb, req_id ? req_id : "");
	strbuf_adds(&sb, ",\"method\":");
	strbuf_addjson(&sb, method ? method : "");
	/* The route template, never the raw path: paths may carry IDs. */
	strbuf_adds(&sb, ",\"route\":");
	strbuf_addjson(&sb, route ? route : "-");
	strbuf_addf(&sb, ",\"status\":%d,\"ms\":%.2f,\"ip\":", status, ms);
	strbuf_addjson(&sb, client_ip ? client_ip : "");
	emit(&sb);
}
