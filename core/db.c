/*
 * db: connection pool, statement cache, result sets and transactions over
 * MariaDB Connector/C (see db.h).
 */
#include "config.h"

#include "db.h"
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

#define STMT_CACHE 64
#define MAX_PARAMS 48
#define MAX_TX_ATTEMPTS 5
#define IDLE_PING_MS 30000

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

/* The C API takes `void *` for parameter buffers it only reads. */
static void *unconst(const void *p)
{
	union {
		const void *c;
		void *m;
	} u = { .c = p };

	return u.m;
}

static uint64_t hash_sql(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static int is_gone(unsigned e)
{
	return e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST ||
	       e == CR_CONNECTION_ERROR || e == CR_CONN_HOST_ERROR ||
	       e == CR_SERVER_LOST_EXTENDED || e == ER_CONNECTION_KILLED ||
	       e == ER_SERVER_SHUTDOWN || e == CR_COMMANDS_OUT_OF_SYNC;
}

/* Map a server or client error to a crs_rc; mark the connection broken when
 * it can no longer be trusted. */
static int classify(struct crs_db *db, unsigned e, const char *sqlstate,
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

static void cache_clear(struct crs_db *db)
{
	unsigned i;

	for (i = 0; i < db->n_cached; i++) {
		if (db->cache[i].stmt)
			mysql_stmt_close(db->cache[i].stmt);
		free(db->cache[i].sql);
	}
	memset(db->cache, 0, sizeof(db->cache));
	db->n_cached = 0;
	db->next_evict = 0;
}

static void conn_close(struct crs_db *db)
{
	cache_clear(db);
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
		return classify(db, mysql_errno(db->my), mysql_sqlstate(db->my),
		                mysql_error(db->my), sql);
	return CRS_OK;
}

static int stmt_get(struct crs_db *db, const char *sql, MYSQL_STMT **out)
{
	uint64_t h = hash_sql(sql);
	struct stmt_slot *slot;
	MYSQL_STMT *st;
	my_bool yes = 1;
	unsigned i;

	for (i = 0; i < db->n_cached; i++) {
		if (db->cache[i].hash == h && strcmp(db->cache[i].sql, sql) == 0) {
			*out = db->cache[i].stmt;
			return CRS_OK;
		}
	}
	st = mysql_stmt_init(db->my);
	if (!st)
		return CRS_ENOMEM;
	mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &yes);
	if (mysql_stmt_prepare(st, sql, strlen(sql)) != 0) {
		int rc = classify(db, mysql_stmt_errno(st), mysql_stmt_sqlstate(st),
		                  mysql_stmt_error(st), "prepare");

		mysql_stmt_close(st);
		return rc;
	}
	if (db->n_cached < STMT_CACHE) {
		slot = &db->cache[db->n_cached++];
	} else {
		/* Round-robin eviction: plugins use a bounded set of statements,
		 * so this only happens if the cache is too small. */
		slot = &db->cache[db->next_evict];
		db->next_evict = (db->next_evict + 1) % STMT_CACHE;
		mysql_stmt_close(slot->stmt);
		free(slot->sql);
	}
	slot->sql = strdup(sql);
	slot->hash = h;
	slot->stmt = st;
	if (!slot->sql) {
		mysql_stmt_close(st);
		memset(slot, 0, sizeof(*slot));
		/* Keep the cache dense: move the last slot here. */
		db->n_cached--;
		if (slot != &db->cache[db->n_cached]) {
			*slot = db->cache[db->n_cached];
			memset(&db->cache[db->n_cached], 0, sizeof(*slot));
		}
		return CRS_ENOMEM;
	}
	*out = st;
	return CRS_OK;
}

static int bind_params(MYSQL_BIND *b, const struct crs_param *p, size_t n)
{
	size_t i;

	memset(b, 0, sizeof(*b) * n);
	for (i = 0; i < n; i++) {
		switch (p[i].type) {
		case CRS_PT_NULL:
			b[i].buffer_type = MYSQL_TYPE_NULL;
			break;
		case CRS_PT_INT:
			b[i].buffer_type = MYSQL_TYPE_LONGLONG;
			b[i].buffer = unconst(&p[i].i);
			break;
		case CRS_PT_DOUBLE:
			b[i].buffer_type = MYSQL_TYPE_DOUBLE;
			b[i].buffer = unconst(&p[i].d);
			break;
		case CRS_PT_STR:
		case CRS_PT_BLOB:
			if (!p[i].s) {
				b[i].buffer_type = MYSQL_TYPE_NULL;
				break;
			}
			b[i].buffer_type = p[i].type == CRS_PT_STR ? MYSQL_TYPE_STRING
			                                           : MYSQL_TYPE_BLOB;
			b[i].buffer = unconst(p[i].s);
			b[i].buffer_length = p[i].len == (size_t)-1 ? strlen(p[i].s)
			                                            : p[i].len;
			break;
		default:
			return CRS_EINVAL;
		}
	}
	return CRS_OK;
}

static size_t column_buffer_size(const MYSQL_FIELD *f)
{
	switch (f->type) {
	case MYSQL_TYPE_TINY_BLOB:
	case MYSQL_TYPE_MEDIUM_BLOB:
	case MYSQL_TYPE_LONG_BLOB:
	case MYSQL_TYPE_BLOB:
	case MYSQL_TYPE_VAR_STRING:
	case MYSQL_TYPE_STRING:
	case MYSQL_TYPE_VARCHAR:
	case MYSQL_TYPE_JSON:
		return f->max_length + 1;
	default:
		/* Numbers and dates are converted to text; their binary
		 * max_length says nothing about the text width. */
		return (f->length > 64 ? f->length : 64) + 1;
	}
}

/* Fetch the whole result of an executed statement into a crs_rows. */
static int fetch_rows(struct crs_db *db, MYSQL_STMT *st, MYSQL_RES *meta,
                      struct crs_rows **out)
{
	unsigned nc = mysql_num_fields(meta), c;
	MYSQL_FIELD *fields = mysql_fetch_fields(meta);
	MYSQL_BIND *b = NULL;
	char **bufs = NULL;
	unsigned long *lens = NULL;
	my_bool *nulls = NULL;
	size_t *offs = NULL, *lns = NULL, nr, r;
	struct crs_rows *rows = NULL;
	struct strbuf data;
	int rc = CRS_ENOMEM, f;

	strbuf_init(&data);
	if (mysql_stmt_store_result(st) != 0) {
		rc = classify(db, mysql_stmt_errno(st), mysql_stmt_sqlstate(st),
		              mysql_stmt_error(st), "store result");
		goto fail;
	}
	nr = (size_t)mysql_stmt_num_rows(st);
	b = calloc(nc, sizeof(*b));
	bufs = calloc(nc, sizeof(*bufs));
	lens = calloc(nc, sizeof(*lens));
	nulls = calloc(nc, sizeof(*nulls));
	offs = calloc(nr * nc + 1, sizeof(*offs));
	lns = calloc(nr * nc + 1, sizeof(*lns));
	rows = calloc(1, sizeof(*rows));
	if (!b || !bufs || !lens || !nulls || !offs || !lns || !rows)
		goto fail;
	for (c = 0; c < nc; c++) {
		size_t sz = column_buffer_size(&fields[c]);

		bufs[c] = malloc(sz);
		if (!bufs[c])
			goto fail;
		b[c].buffer_type = MYSQL_TYPE_STRING;
		b[c].buffer = bufs[c];
		b[c].buffer_length = sz;
		b[c].length = &lens[c];
		b[c].is_null = &nulls[c];
	}
	if (mysql_stmt_bind_result(st, b) != 0) {
		rc = classify(db, mysql_stmt_errno(st), mysql_stmt_sqlstate(st),
		              mysql_stmt_error(st), "bind result");
		goto fail;
	}
	for (r = 0; (f = mysql_stmt_fetch(st)) == 0; r++) {
		for (c = 0; c < nc && r < nr; c++) {
			if (nulls[c]) {
				offs[r * nc + c] = (size_t)-1;
				continue;
			}
			offs[r * nc + c] = data.len;
			lns[r * nc + c] = lens[c];
			strbuf_add(&data, bufs[c], lens[c]);
			strbuf_add(&data, "", 1);
		}
	}
	if (f == MYSQL_DATA_TRUNCATED) {
		log_error("db: column data truncated");
		rc = CRS_EFAIL;
		goto fail;
	}
	if (f != MYSQL_NO_DATA) {
		rc = classify(db, mysql_stmt_errno(st), mysql_stmt_sqlstate(st),
		              mysql_stmt_error(st), "fetch");
		goto fail;
	}
	if (data.failed)
		goto fail;
	rows->n_rows = nr;
	rows->n_cols = nc;
	rows->data = strbuf_detach(&data, NULL);
	rows->cells = calloc(nr * nc + 1, sizeof(*rows->cells));
	if (!rows->data || !rows->cells)
		goto fail;
	for (r = 0; r < nr * nc; r++)
		rows->cells[r] = offs[r] == (size_t)-1 ? NULL : rows->data + offs[r];
	rows->lens = lns;
	lns = NULL;
	*out = rows;
	rows = NULL;
	rc = CRS_OK;
fail:
	mysql_stmt_free_result(st);
	if (bufs)
		for (c = 0; c < nc; c++)
			free(bufs[c]);
	free(bufs);
	free(b);
	free(lens);
	free(nulls);
	free(offs);
	free(lns);
	rows_free(rows);
	strbuf_release(&data);
	return rc;
}

int db_exec(struct crs_db *db, const char *sql, const struct crs_param *params,
            size_t n_params, struct crs_rows **rows, struct crs_exec *exec)
{
	MYSQL_BIND b[MAX_PARAMS];
	MYSQL_STMT *st = NULL;
	MYSQL_RES *meta;
	int rc;

	if (rows)
		*rows = NULL;
	if (exec)
		memset(exec, 0, sizeof(*exec));
	if (!db || !db->my || db->broken)
		return CRS_EDB_GONE;
	if (n_params > MAX_PARAMS)
		return CRS_EINVAL;
	rc = stmt_get(db, sql, &st);
	if (rc)
		return rc;
	if (mysql_stmt_param_count(st) != n_params) {
		log_error("db: statement wants %lu parameters, got %zu: %.80s",
		          mysql_stmt_param_count(st), n_params, sql);
		return CRS_EINVAL;
	}
	if (n_params) {
		rc = bind_params(b, params, n_params);
		if (rc)
			return rc;
		if (mysql_stmt_bind_param(st, b) != 0)
			return classify(db, mysql_stmt_errno(st), mysql_stmt_sqlstate(st),
			                mysql_stmt_error(st), "bind");
	}
	if (mysql_stmt_execute(st) != 0)
		return classify(db, mysql_stmt_errno(st), mysql_stmt_sqlstate(st),
		                mysql_stmt_error(st), "execute");
	if (exec) {
		exec->affected = mysql_stmt_affected_rows(st);
		exec->insert_id = mysql_stmt_insert_id(st);
	}
	meta = mysql_stmt_result_metadata(st);
	if (!meta)
		return CRS_OK;
	if (rows) {
		rc = fetch_rows(db, st, meta, rows);
	} else {
		/* Drain, so the connection is clean for the next statement. */
		mysql_stmt_free_result(st);
		rc = CRS_OK;
	}
	mysql_free_result(meta);
	return rc;
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
				rc = classify(db, mysql_errno(db->my), mysql_sqlstate(db->my),
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

int rows_next(struct crs_rows *rows)
{
	if (!rows || rows->cur >= rows->n_rows)
		return 0;
	rows->cur++;
	return 1;
}

size_t rows_count(const struct crs_rows *rows)
{
	return rows ? rows->n_rows : 0;
}

const char *rows_str(struct crs_rows *rows, unsigned col)
{
	if (!rows || rows->cur == 0 || col >= rows->n_cols)
		return NULL;
	return rows->cells[(rows->cur - 1) * rows->n_cols + col];
}

size_t rows_len(struct crs_rows *rows, unsigned col)
{
	if (!rows || rows->cur == 0 || col >= rows->n_cols)
		return 0;
	return rows->lens[(rows->cur - 1) * rows->n_cols + col];
}

int rows_int(struct crs_rows *rows, unsigned col, int64_t *out)
{
	const char *s = rows_str(rows, col);

	if (!s)
		return CRS_ENOTFOUND;
	return parse_i64(s, out) ? CRS_EINVAL : CRS_OK;
}

void rows_free(struct crs_rows *rows)
{
	if (!rows)
		return;
	free(rows->cells);
	free(rows->lens);
	free(rows->data);
	free(rows);
}

MYSQL *db_connect_admin(char *err, size_t errsz)
{
	return connect_one(CLIENT_MULTI_STATEMENTS, err, errsz);
}
