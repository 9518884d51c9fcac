/*
 * db: connection pool, connections and transactions over MariaDB
 * Connector/C (see db.h); statements and result sets are db_exec.c's.
 */
#include "config.h"

#include "db.h"
#include "clock.h"
#include "db_internal.h"
#include "conf.h"
#include "log.h"
#include "util.h"

#include <errno.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <errmsg.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_TX_ATTEMPTS 5
#define IDLE_PING_MS 30000

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct crs_db *conns;
	size_t size;
	struct crs_db *free_list;
	char *socket, *host, *user, *password, *database;
	unsigned port;
	unsigned read_timeout_s;
	_Atomic unsigned epoch;
	_Atomic int64_t in_use, open, acquires, timeouts, unavailable, retries,
		errors;
} pool = { .mu = PTHREAD_MUTEX_INITIALIZER };

static int is_gone(unsigned e)
{
	return e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST ||
	       e == CR_CONNECTION_ERROR || e == CR_CONN_HOST_ERROR ||
	       e == CR_SERVER_LOST_EXTENDED || e == ER_CONNECTION_KILLED ||
	       e == ER_SERVER_SHUTDOWN || e == CR_COMMANDS_OUT_OF_SYNC;
}

/* Map a server or client error to a crs_rc; mark the connection broken when
 * it can no longer be trusted. */
int db_classify(struct crs_db *db, unsigned e, const char *sqlstate,
                const char *msg, const char *what)
{
	if (e == ER_LOCK_DEADLOCK || e == ER_LOCK_WAIT_TIMEOUT ||
	    (sqlstate && strcmp(sqlstate, "40001") == 0)) {
		atomic_fetch_add(&pool.retries, 1);
		return CRS_EDB_RETRY;
	}
	if (e == ER_DUP_ENTRY || e == ER_DUP_KEY || e == ER_DUP_ENTRY_WITH_KEY_NAME)
		return CRS_EDUP;
	atomic_fetch_add(&pool.errors, 1);
	if (is_gone(e)) {
		db->broken = 1;
		atomic_fetch_add(&pool.epoch, 1);
		log_warn("db: connection lost during %s: %u %s", what, e, msg);
		return CRS_EDB_GONE;
	}
	log_error("db: %s failed: %u (%s) %s", what, e, sqlstate ? sqlstate : "",
	          msg);
	return CRS_EFAIL;
}

static void conn_close(struct crs_db *db)
{
	db_stmt_cache_clear(db);
	if (db->my) {
		mysql_close(db->my);
		db->my = NULL;
		atomic_fetch_sub(&pool.open, 1);
	}
	db->broken = 0;
}

static MYSQL *connect_one(unsigned long flags, char *err, size_t errsz)
{
	MYSQL *my = mysql_init(NULL);
	unsigned timeout = 3, rw = pool.read_timeout_s;
	my_bool off = 0;

	if (!my) {
		snprintf(err, errsz, "mysql_init: out of memory");
		return NULL;
	}
	mysql_optionsv(my, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_optionsv(my, MYSQL_OPT_READ_TIMEOUT, &rw);
	mysql_optionsv(my, MYSQL_OPT_WRITE_TIMEOUT, &rw);
	mysql_optionsv(my, MYSQL_OPT_RECONNECT, &off);
	mysql_optionsv(my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	/* Instants are stored in UTC; the core passes its own clock. */
	mysql_optionsv(my, MYSQL_INIT_COMMAND,
	               "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,"
	               "NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,"
	               "NO_ENGINE_SUBSTITUTION'");
	/* Correctness rests on row locks and conditional updates, never on
	 * gap locks: REPEATABLE READ's gap locks only add deadlocks (a
	 * locking read of a citizen's not-yet-existing application blocks
	 * every other first login in the same gap). */
	mysql_optionsv(my, MYSQL_INIT_COMMAND,
	               "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
	if (!mysql_real_connect(my, pool.host, pool.user, pool.password,
	                        pool.database, pool.port, pool.socket, flags)) {
		snprintf(err, errsz, "%u %s", mysql_errno(my), mysql_error(my));
		mysql_close(my);
		return NULL;
	}
	return my;
}

static int conn_open(struct crs_db *db)
{
	char err[256];

	db->my = connect_one(0, err, sizeof(err));
	if (!db->my) {
		log_warn("db: connect failed: %s", err);
		return CRS_EUNAVAIL;
	}
	atomic_fetch_add(&pool.open, 1);
	db->broken = 0;
	db->epoch = atomic_load(&pool.epoch);
	return CRS_OK;
}

static char *dup_or_null(const char *s)
{
	return s && *s ? strdup(s) : NULL;
}

int db_pool_init(const struct conf *cfg, char *err, size_t errsz)
{
	int64_t size, port, rt;
	size_t i;

	if (conf_get_int(cfg, "db", "pool_size", 16, 1, 1024, &size, err, errsz) ||
	    conf_get_int(cfg, "db", "port", 0, 0, 65535, &port, err, errsz) ||
	    conf_get_int(cfg, "db", "read_timeout_s", 5, 1, 600, &rt, err, errsz))
		return -1;
	pool.socket = dup_or_null(conf_get(cfg, "db", "socket", NULL));
	pool.host = dup_or_null(conf_get(cfg, "db", "host", NULL));
	pool.user = dup_or_null(conf_get(cfg, "db", "user", "crs"));
	pool.password = dup_or_null(conf_get(cfg, "db", "password", NULL));
	pool.database = dup_or_null(conf_get(cfg, "db", "database", "crs"));
	pool.port = (unsigned)port;
	pool.read_timeout_s = (unsigned)rt;
	pool.conns = calloc((size_t)size, sizeof(*pool.conns));
	if (!pool.conns) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	pool.size = (size_t)size;
	for (i = pool.size; i-- > 0;) {
		pool.conns[i].next_free = pool.free_list;
		pool.free_list = &pool.conns[i];
	}
	{
		pthread_condattr_t ca;

		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&pool.cv, &ca);
		pthread_condattr_destroy(&ca);
	}
	return 0;
}

void db_pool_shutdown(void)
{
	size_t i;

	for (i = 0; i < pool.size; i++)
		conn_close(&pool.conns[i]);
	free(pool.conns);
	pool.conns = NULL;
	pool.size = 0;
	pool.free_list = NULL;
	free(pool.socket);
	free(pool.host);
	free(pool.user);
	free(pool.password);
	free(pool.database);
	pthread_cond_destroy(&pool.cv);
}

void db_pool_stats(struct db_stats *out)
{
	out->size = (int64_t)pool.size;
	out->in_use = atomic_load(&pool.in_use);
	out->open = atomic_load(&pool.open);
	out->acquires = atomic_load(&pool.acquires);
	out->acquire_timeouts = atomic_load(&pool.timeouts);
	out->unavailable = atomic_load(&pool.unavailable);
	out->tx_retries = atomic_load(&pool.retries);
	out->errors = atomic_load(&pool.errors);
}

static void to_timespec(int64_t mono_ms_at, struct timespec *ts)
{
	ts->tv_sec = (time_t)(mono_ms_at / 1000);
	ts->tv_nsec = (long)(mono_ms_at % 1000) * 1000000L;
}

static void give_back(struct crs_db *db)
{
	pthread_mutex_lock(&pool.mu);
	db->next_free = pool.free_list;
	pool.free_list = db;
	atomic_fetch_sub(&pool.in_use, 1);
	pthread_cond_signal(&pool.cv);
	pthread_mutex_unlock(&pool.mu);
}

/* Make sure a lent connection is open and, if anything went wrong since it
 * was last used, still alive. */
static int conn_ready(struct crs_db *db)
{
	int64_t now = mono_ms();

	if (db->my && (db->epoch != atomic_load(&pool.epoch) ||
	               now - db->last_used > IDLE_PING_MS)) {
		if (mysql_ping(db->my) != 0)
			conn_close(db);
		else
			db->epoch = atomic_load(&pool.epoch);
	}
	if (!db->my && conn_open(db) != CRS_OK)
		return CRS_EUNAVAIL;
	return CRS_OK;
}

int db_acquire(int64_t deadline, struct crs_db **out)
{
	struct crs_db *db;
	struct timespec ts;
	int rc;

	*out = NULL;
	to_timespec(deadline, &ts);
	pthread_mutex_lock(&pool.mu);
	while (!pool.free_list) {
		rc = pthread_cond_timedwait(&pool.cv, &pool.mu, &ts);
		if (rc == ETIMEDOUT && !pool.free_list) {
			pthread_mutex_unlock(&pool.mu);
			atomic_fetch_add(&pool.timeouts, 1);
			return CRS_ETIMEDOUT;
		}
	}
	db = pool.free_list;
	pool.free_list = db->next_free;
	db->next_free = NULL;
	atomic_fetch_add(&pool.in_use, 1);
	pthread_mutex_unlock(&pool.mu);
	atomic_fetch_add(&pool.acquires, 1);

	if (conn_ready(db) != CRS_OK) {
		atomic_fetch_add(&pool.unavailable, 1);
		give_back(db);
		return CRS_EUNAVAIL;
	}
	*out = db;
	return CRS_OK;
}

void db_release(struct crs_db *db)
{
	if (!db)
		return;
	if (db->broken)
		conn_close(db);
	db->last_used = mono_ms();
	give_back(db);
}

int db_query_plain(struct crs_db *db, const char *sql)
{
	if (mysql_real_query(db->my, sql, strlen(sql)) != 0)
		return db_classify(db, mysql_errno(db->my), mysql_sqlstate(db->my),
		                mysql_error(db->my), sql);
	return CRS_OK;
}

static void backoff(int attempt, int64_t deadline)
{
	unsigned char r;
	int64_t ms;
	struct timespec ts;

	if (random_bytes(&r, 1))
		r = 0;
	ms = (int64_t)(5 << attempt) + r % 20;
	if (mono_ms() + ms > deadline)
		return;
	ts.tv_sec = 0;
	ts.tv_nsec = ms * 1000000L;
	nanosleep(&ts, NULL);
}

int db_tx(int64_t deadline, crs_tx_fn fn, void *arg)
{
	struct crs_db *db;
	int attempt, rc = CRS_EFAIL;

	for (attempt = 0; attempt < MAX_TX_ATTEMPTS; attempt++) {
		int committing = 0;

		rc = db_acquire(deadline, &db);
		if (rc)
			return rc;
		rc = db_query_plain(db, "START TRANSACTION");
		if (rc == CRS_OK)
			rc = fn(db, arg);
		if (rc == CRS_OK) {
			committing = 1;
			if (mysql_commit(db->my) != 0)
				rc = db_classify(db, mysql_errno(db->my), mysql_sqlstate(db->my),
				              mysql_error(db->my), "commit");
		}
		if (rc != CRS_OK && !db->broken)
			mysql_rollback(db->my);
		db_release(db);
		/* Lost during COMMIT: the outcome is unknown, never replay. */
		if (rc == CRS_EDB_GONE && committing)
			return rc;
		if ((rc == CRS_EDB_RETRY || rc == CRS_EDB_GONE) &&
		    attempt + 1 < MAX_TX_ATTEMPTS && mono_ms() < deadline) {
			backoff(attempt, deadline);
			continue;
		}
		return rc == CRS_EDB_GONE ? CRS_EUNAVAIL : rc;
	}
	return rc;
}

void db_sweep(const char *sql, int64_t before_ms)
{
	struct crs_db *db;
	char cutoff[24];

	clock_sql_datetime(before_ms, cutoff);
	if (db_acquire(mono_ms() + 2000, &db))
		return;
	db_exec(db, sql, CRS_PARAMS(CRS_P_STR(cutoff)), NULL, NULL);
	db_release(db);
}

int db_ping(int64_t deadline)
{
	struct crs_db *db;
	int rc = db_acquire(deadline, &db);

	if (rc)
		return rc;
	rc = db_query_plain(db, "DO 1");
	db_release(db);
	return rc;
}

MYSQL *db_connect_admin(char *err, size_t errsz)
{
	return connect_one(CLIENT_MULTI_STATEMENTS, err, errsz);
}
