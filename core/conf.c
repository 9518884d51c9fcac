/*
 * conf: INI parsing and lookup (see conf.h).
 */
#include "config.h"

#include "conf.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct conf_entry {
	char *section;
	char *key;
	char *value;
};

struct conf {
	struct conf_entry *entries;
	size_t n;
	size_t cap;
};

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int add_entry(struct conf *cfg, const char *section, const char *key,
                     const char *value)
{
	struct conf_entry *e;

	if (cfg->n == cfg->cap) {
		size_t cap = cfg->cap ? cfg->cap * 2 : 32;

		e = realloc(cfg->entries, cap * sizeof(*e));
		if (!e)
			return -1;
		cfg->entries = e;
		cfg->cap = cap;
	}
	e = &cfg->entries[cfg->n];
	e->section = strdup(section);
	e->key = strdup(key);
	e->value = strdup(value);
	if (!e->section || !e->key || !e->value) {
		free(e->section);
		free(e->key);
		free(e->value);
		return -1;
	}
	cfg->n++;
	return 0;
}

struct conf *conf_load(const char *path, char *err, size_t errsz)
{
	FILE *f = fopen(path, "r");
	struct conf *cfg = NULL;
	char line[4096], section[128] = "";
	int lineno = 0;

	if (!f) {
		snprintf(err, errsz, "cannot open %s: %m", path);
		return NULL;
	}
	cfg = calloc(1, sizeof(*cfg));
	if (!cfg)
		goto oom;
	while (fgets(line, sizeof(line), f)) {
		char *s, *eq, *hash;

		lineno++;
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		s = trim(line);
		if (!*s)
			continue;
		if (*s == '[') {
			char *end = strchr(s, ']');

			if (!end || end[1] || (size_t)(end - s - 1) >= sizeof(section)) {
				snprintf(err, errsz, "%s:%d: bad section header", path,
				         lineno);
				goto fail;
			}
			*end = '\0';
			snprintf(section, sizeof(section), "%s", trim(s + 1));
			continue;
		}
		eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, errsz, "%s:%d: expected key = value", path,
			         lineno);
			goto fail;
		}
		*eq = '\0';
		if (add_entry(cfg, section, trim(s), trim(eq + 1)))
			goto oom;
	}
	fclose(f);
	return cfg;
oom:
	snprintf(err, errsz, "out of memory reading %s", path);
fail:
	fclose(f);
	conf_free(cfg);
	return NULL;
}

void conf_free(struct conf *cfg)
{
	size_t i;

	if (!cfg)
		return;
	for (i = 0; i < cfg->n; i++) {
		free(cfg->entries[i].section);
		free(cfg->entries[i].key);
		free(cfg->entries[i].value);
	}
	free(cfg->entries);
	free(cfg);
}

const char *conf_get(const struct conf *cfg, const char *section,
                       const char *key, const char *def)
{
	size_t i;

	/* The last occurrence wins, so an appended override takes effect. */
	for (i = cfg->n; i-- > 0;) {
		if (strcmp(cfg->entries[i].section, section) == 0 &&
		    strcmp(cfg->entries[i].key, key) == 0)
			return cfg->entries[i].value;
	}
	return def;
}

int conf_get_int(const struct conf *cfg, const char *section,
                   const char *key, int64_t def, int64_t min, int64_t max,
                   int64_t *out, char *err, size_t errsz)
{
	const char *v = conf_get(cfg, section, key, NULL);
	int64_t n;

	if (!v || !*v) {
		*out = def;
		return 0;
	}
	if (parse_i64(v, &n) || n < min || n > max) {
		snprintf(err, errsz, "[%s] %s = %s: expected an integer in [%lld, %lld]",
		         section, key, v, (long long)min, (long long)max);
		return -1;
	}
	*out = n;
	return 0;
}
