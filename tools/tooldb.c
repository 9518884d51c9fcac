/*
 * tooldb: MariaDB helpers of the command-line tools (see tooldb.h).
 */
#include "config.h"

#include "tooldb.h"
#include "conf.h"

#include <mysqld_error.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const char *name = "crs-tool";

void tooldb_set_name(const char *prog)
{
	name = prog;
}

static void hint(unsigned e)
{
	if (e == ER_NO_SUCH_TABLE)
		fprintf(stderr, "%s: is the schema migrated? (crsd -c CONF --migrate)\n",
		        name);
}

int tooldb_error(MYSQL *my, const char *what)
{
	fprintf(stderr, "%s: %s: %u %s\n", name, what, mysql_errno(my), mysql_error(my));
	hint(mysql_errno(my));
	return -1;
}

int tooldb_stmt_error(MYSQL_STMT *st, const char *what)
{
	fprintf(stderr, "%s: %s: %u %s\n", name, what, mysql_stmt_errno(st),
	        mysql_stmt_error(st));
	hint(mysql_stmt_errno(st));
	return -1;
}

MYSQL *tooldb_connect(const struct conf *cfg)
{
	const char *socket = conf_get(cfg, "db", "socket", NULL);
	const char *host = conf_get(cfg, "db", "host", NULL);
	const char *user = conf_get(cfg, "db", "user", "crs");
	const char *password = conf_get(cfg, "db", "password", NULL);
	const char *database = conf_get(cfg, "db", "database", "crs");
	unsigned timeout = 10;
	int64_t port;
	char err[256];
	MYSQL *my;

	if (conf_get_int(cfg, "db", "port", 0, 0, 65535, &port, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", name, err);
		return NULL;
	}
	my = mysql_init(NULL);
	if (!my) {
		fprintf(stderr, "%s: mysql_init: out of memory\n", name);
		return NULL;
	}
	mysql_optionsv(my, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_optionsv(my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	/* As crsd: UTC instants, strict SQL (a bad value fails), READ
	 * COMMITTED. */
	mysql_optionsv(my, MYSQL_INIT_COMMAND,
	               "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,"
	               "NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,"
	               "NO_ENGINE_SUBSTITUTION'");
	mysql_optionsv(my, MYSQL_INIT_COMMAND,
	               "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
	/* An empty setting means "not set", as in crsd's pool. */
	if (!mysql_real_connect(my, host && *host ? host : NULL, user,
	                        password && *password ? password : NULL, database,
	                        (unsigned)port, socket && *socket ? socket : NULL, 0)) {
		tooldb_error(my, "connect");
		mysql_close(my);
		return NULL;
	}
	return my;
}

MYSQL_STMT *tooldb_prepare(MYSQL *my, const char *sql, const char *what)
{
	MYSQL_STMT *st = mysql_stmt_init(my);

	if (!st) {
		tooldb_error(my, what);
		return NULL;
	}
	if (mysql_stmt_prepare(st, sql, (unsigned long)strlen(sql))) {
		tooldb_stmt_error(st, what);
		mysql_stmt_close(st);
		return NULL;
	}
	return st;
}

void *tooldb_unconst(const void *p)
{
	union {
		const void *c;
		void *m;
	} u = { .c = p };

	return u.m;
}

void tooldb_bind_text(MYSQL_BIND *b, const char *s, unsigned long *len)
{
	memset(b, 0, sizeof(*b));
	*len = (unsigned long)strlen(s);
	b->buffer_type = MYSQL_TYPE_STRING;
	b->buffer = tooldb_unconst(s);
	b->buffer_length = *len;
	b->length = len;
}
