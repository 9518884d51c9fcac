/*
 * db: the one MariaDB connection pool of crsd, shared by every plugin.
 *
 * Bounded: at most pool_size connections, lent whole to one caller between
 * db_acquire and db_release, with a deadline on the wait.  Connections are
 * opened lazily and never auto-reconnected by the library: a connection that
 * reports "server gone" is closed on release and reopened on a later
 * acquire, and every idle connection is pinged once after any such error, so
 * the pool recovers by itself when the server comes back.  Each connection
 * caches its prepared statements by SQL text.  db_tx runs a function inside
 * one transaction and retries the whole of it on deadlock (1213), lock wait
 * timeout (1205) and Galera certification failures (SQLSTATE 40001).
 */
#ifndef CRS_DB_H
#define CRS_DB_H

#include <crs/plugin.h>
#include <stdint.h>

struct conf;

struct db_stats {
	int64_t size;
	int64_t in_use;
	int64_t open;
	int64_t acquires;
	int64_t acquire_timeouts;
	int64_t unavailable;
	int64_t tx_retries;
	int64_t errors;
};

int db_pool_init(const struct conf *cfg, char *err, size_t errsz);
void db_pool_shutdown(void);
void db_pool_stats(struct db_stats *out);

/* Wait until deadline (monotonic ms, see mono_ms) for a connection.
 * CRS_ETIMEDOUT when the pool stayed full, CRS_EUNAVAIL when the server
 * cannot be reached. */
int db_acquire(int64_t deadline_mono_ms, struct crs_db **db);
void db_release(struct crs_db *db);

int db_exec(struct crs_db *db, const char *sql, const struct crs_param *params,
            size_t n_params, struct crs_rows **rows, struct crs_exec *exec);
/* Run a query and hand its rows to fn one at a time, never holding more
 * than one (see crs_api.db_query_each). */
int db_query_each(struct crs_db *db, const char *sql,
                  const struct crs_param *params, size_t n_params,
                  crs_row_fn fn, void *arg);
/* A plain (non-prepared) statement, for transaction control and
 * migrations only. */
int db_query_plain(struct crs_db *db, const char *sql);
int db_tx(int64_t deadline_mono_ms, crs_tx_fn fn, void *arg);
/* A sweeper's statement: sql has one parameter, an instant (DATETIME text)
 * before_ms; run once on a connection of its own (bounded by its LIMIT). */
void db_sweep(const char *sql, int64_t before_ms);
/* Is the server reachable now?  (health) */
int db_ping(int64_t deadline_mono_ms);

int rows_next(struct crs_rows *rows);
size_t rows_count(const struct crs_rows *rows);
const char *rows_str(struct crs_rows *rows, unsigned col);
/* Byte length of a column of the current row (binary-safe). */
size_t rows_len(struct crs_rows *rows, unsigned col);
int rows_int(struct crs_rows *rows, unsigned col, int64_t *out);
void rows_free(struct crs_rows *rows);

/* Open a connection outside the pool for migrations (multi-statements
 * allowed), with the pool's settings; close it with mysql_close. */
struct st_mysql;
struct st_mysql *db_connect_admin(char *err, size_t errsz);

#endif
