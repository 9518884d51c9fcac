/*
 * conf: the crsd configuration file, an INI file of `[section]` headers
 * and `key = value` lines (`#` starts a comment).  Loaded once at start-up
 * and read-only afterwards, so lookups need no lock.
 */
#ifndef CRS_CONF_H
#define CRS_CONF_H

#include <stddef.h>
#include <stdint.h>

struct conf;

/* Parse path; on error returns NULL and writes a reason into err. */
struct conf *conf_load(const char *path, char *err, size_t errsz);
void conf_free(struct conf *cfg);

/* Borrowed value of section.key, or def. */
const char *conf_get(const struct conf *cfg, const char *section,
                       const char *key, const char *def);
/* Bounded integer; 0, or -1 when malformed or out of range (err says). */
int conf_get_int(const struct conf *cfg, const char *section,
                   const char *key, int64_t def, int64_t min, int64_t max,
                   int64_t *out, char *err, size_t errsz);

#endif
