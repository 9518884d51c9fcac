/*
 * tooldb: what the command-line tools (crs-seed, crs-import) share to talk
 * to MariaDB: a connection set up the way crsd's pool sets its own (UTC,
 * strict SQL, READ COMMITTED), error reports that point at a missing
 * migration, and parameter binding.
 */
#ifndef CRS_TOOLDB_H
#define CRS_TOOLDB_H

#include <mysql.h>

struct conf;

/* The program name that prefixes every message (default "crs-tool"). */
void tooldb_set_name(const char *prog);
/* Connect with the [db] section; NULL (reported) on failure. */
MYSQL *tooldb_connect(const struct conf *cfg);
/* Report a failed call on my / st; both return -1. */
int tooldb_error(MYSQL *my, const char *what);
int tooldb_stmt_error(MYSQL_STMT *st, const char *what);
/* Prepare sql (what names it in a report); NULL (reported) on failure. */
MYSQL_STMT *tooldb_prepare(MYSQL *my, const char *sql, const char *what);
/* The C API takes `void *` for parameter buffers it only reads. */
void *tooldb_unconst(const void *p);
/* Bind s as a string parameter; *len must live as long as the binding. */
void tooldb_bind_text(MYSQL_BIND *b, const char *s, unsigned long *len);

#endif
