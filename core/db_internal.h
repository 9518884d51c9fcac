/*
 * db_internal: what db.c (the pool and its connections) and db_exec.c
 * (statements and result sets) share, and nobody else sees.
 */
#ifndef CRS_DB_INTERNAL_H
#define CRS_DB_INTERNAL_H

#include <crs/plugin.h>
#include <mysql.h>
#include <stdint.h>

#define STMT_CACHE 64
#define MAX_PARAMS 48

struct stmt_slot {
	char *sql;
	uint64_t hash;
	MYSQL_STMT *stmt;
};

struct crs_db {
	MYSQL *my;
	int broken;
	unsigned epoch;
	int64_t last_used;
	struct stmt_slot cache[STMT_CACHE];
	unsigned n_cached;
	unsigned next_evict;
	struct crs_db *next_free;
};

struct crs_rows {
	size_t n_rows;
	unsigned n_cols;
	size_t cur;           /* index of the current row + 1 (0 = before first) */
	char **cells;         /* n_rows * n_cols, NULL for SQL NULL */
	size_t *lens;         /* byte length of each cell */
	char *data;
};

/* Map a server or client error to a crs_rc; mark the connection broken when
 * it can no longer be trusted. */
int db_classify(struct crs_db *db, unsigned e, const char *sqlstate,
                const char *msg, const char *what);
/* Close every cached statement of db (before its connection goes). */
void db_stmt_cache_clear(struct crs_db *db);

#endif
