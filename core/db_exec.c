/*
 * db_exec: prepared statements cached per connection, parameters, result
 * sets fetched whole or streamed row by row (see db.h).
 */
#include "config.h"

#include "db.h"
#include "db_internal.h"
#include "log.h"
#include "util.h"

#include <mysql.h>
#include <stdlib.h>
#include <string.h>

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

void db_stmt_cache_clear(struct crs_db *db)
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
		int rc = db_classify(db, mysql_stmt_errno(st), mysql_stmt_sqlstate(st),
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
		rc = db_classify(db, mysql_stmt_errno(st), mysql_stmt_sqlstate(st),
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
		rc = db_classify(db, mysql_stmt_errno(st), mysql_stmt_sqlstate(st),
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
		rc = db_classify(db, mysql_stmt_errno(st), mysql_stmt_sqlstate(st),
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

/* Prepare (or take from the cache), bind and execute one statement. */
static int execute(struct crs_db *db, const char *sql,
                   const struct crs_param *params, size_t n_params,
                   MYSQL_STMT **out)
{
	MYSQL_BIND b[MAX_PARAMS];
	MYSQL_STMT *st = NULL;
	int rc;

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
			return db_classify(db, mysql_stmt_errno(st), mysql_stmt_sqlstate(st),
			                   mysql_stmt_error(st), "bind");
	}
	if (mysql_stmt_execute(st) != 0)
		return db_classify(db, mysql_stmt_errno(st), mysql_stmt_sqlstate(st),
		                   mysql_stmt_error(st), "execute");
	*out = st;
	return CRS_OK;
}

int db_exec(struct crs_db *db, const char *sql, const struct crs_param *params,
            size_t n_params, struct crs_rows **rows, struct crs_exec *exec)
{
	MYSQL_STMT *st = NULL;
	MYSQL_RES *meta;
	int rc;

	if (rows)
		*rows = NULL;
	if (exec)
		memset(exec, 0, sizeof(*exec));
	rc = execute(db, sql, params, n_params, &st);
	if (rc)
		return rc;
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

/* ---- streaming ----------------------------------------------------------- */

/* Column buffers of a streamed result: sized by the declared width up to
 * STREAM_CELL_MAX, grown for the rare longer value. */
#define STREAM_CELL_MAX 65536

struct stream {
	unsigned nc;
	MYSQL_BIND *b;
	char **bufs;
	unsigned long *lens;
	my_bool *nulls;
	size_t *caps;
	char **cells;
	size_t *cell_lens;
};

static void stream_free(struct stream *s)
{
	unsigned c;

	if (s->bufs)
		for (c = 0; c < s->nc; c++)
			free(s->bufs[c]);
	free(s->bufs);
	free(s->b);
	free(s->lens);
	free(s->nulls);
	free(s->caps);
	free(s->cells);
	free(s->cell_lens);
}

static int stream_bind(struct crs_db *db, MYSQL_STMT *st, MYSQL_RES *meta,
                       struct stream *s)
{
	MYSQL_FIELD *fields = mysql_fetch_fields(meta);
	unsigned c;

	s->nc = mysql_num_fields(meta);
	s->b = calloc(s->nc, sizeof(*s->b));
	s->bufs = calloc(s->nc, sizeof(*s->bufs));
	s->lens = calloc(s->nc, sizeof(*s->lens));
	s->nulls = calloc(s->nc, sizeof(*s->nulls));
	s->caps = calloc(s->nc, sizeof(*s->caps));
	s->cells = calloc(s->nc + 1, sizeof(*s->cells));
	s->cell_lens = calloc(s->nc + 1, sizeof(*s->cell_lens));
	if (!s->b || !s->bufs || !s->lens || !s->nulls || !s->caps || !s->cells ||
	    !s->cell_lens)
		return CRS_ENOMEM;
	for (c = 0; c < s->nc; c++) {
		size_t sz = fields[c].length + 1 < 65 ? 65 : fields[c].length + 1;

		s->caps[c] = sz > STREAM_CELL_MAX ? STREAM_CELL_MAX : sz;
		s->bufs[c] = malloc(s->caps[c]);
		if (!s->bufs[c])
			return CRS_ENOMEM;
		s->b[c].buffer_type = MYSQL_TYPE_STRING;
		s->b[c].buffer = s->bufs[c];
		s->b[c].buffer_length = s->caps[c];
		s->b[c].length = &s->lens[c];
		s->b[c].is_null = &s->nulls[c];
	}
	if (mysql_stmt_bind_result(st, s->b) != 0)
		return db_classify(db, mysql_stmt_errno(st), mysql_stmt_sqlstate(st),
		                   mysql_stmt_error(st), "bind result");
	return CRS_OK;
}

/* A value longer than its buffer: grow the buffer and fetch it whole. */
static int stream_refetch(MYSQL_STMT *st, struct stream *s, unsigned c)
{
	MYSQL_BIND one;
	char *nb;

	if (s->lens[c] + 1 <= s->caps[c])
		return CRS_OK;
	nb = realloc(s->bufs[c], s->lens[c] + 1);
	if (!nb)
		return CRS_ENOMEM;
	s->bufs[c] = nb;
	s->caps[c] = s->lens[c] + 1;
	memset(&one, 0, sizeof(one));
	one.buffer_type = MYSQL_TYPE_STRING;
	one.buffer = nb;
	one.buffer_length = s->caps[c];
	one.length = &s->lens[c];
	if (mysql_stmt_fetch_column(st, &one, c, 0) != 0)
		return CRS_EFAIL;
	/* The next fetch writes where the bind points: point it here. */
	s->b[c].buffer = nb;
	s->b[c].buffer_length = s->caps[c];
	return mysql_stmt_bind_result(st, s->b) ? CRS_EFAIL : CRS_OK;
}

int db_query_each(struct crs_db *db, const char *sql,
                  const struct crs_param *params, size_t n_params,
                  crs_row_fn fn, void *arg)
{
	struct stream s = { 0 };
	struct crs_rows row = { 0 };
	MYSQL_STMT *st = NULL;
	MYSQL_RES *meta;
	unsigned c;
	int rc, f;

	rc = execute(db, sql, params, n_params, &st);
	if (rc)
		return rc;
	meta = mysql_stmt_result_metadata(st);
	if (!meta)
		return CRS_OK;
	/* No mysql_stmt_store_result: rows come off the socket one at a
	 * time, so memory stays constant whatever the result's size. */
	rc = stream_bind(db, st, meta, &s);
	row.n_rows = 1;
	row.n_cols = s.nc;
	row.cur = 1;
	row.cells = s.cells;
	row.lens = s.cell_lens;
	while (rc == CRS_OK) {
		f = mysql_stmt_fetch(st);
		if (f == MYSQL_NO_DATA)
			break;
		if (f == 1) {
			rc = db_classify(db, mysql_stmt_errno(st), mysql_stmt_sqlstate(st),
			                 mysql_stmt_error(st), "fetch");
			break;
		}
		for (c = 0; c < s.nc && rc == CRS_OK; c++) {
			if (f == MYSQL_DATA_TRUNCATED && !s.nulls[c])
				rc = stream_refetch(st, &s, c);
			s.cells[c] = s.nulls[c] ? NULL : s.bufs[c];
			s.cell_lens[c] = s.nulls[c] ? 0 : s.lens[c];
			if (!s.nulls[c])
				s.bufs[c][s.lens[c]] = '\0';
		}
		if (rc == CRS_OK)
			rc = fn(&row, arg);
	}
	if (rc != CRS_OK) {
		/* Stopped early: the rest of the rows are still on their way,
		 * and reading them could take long.  The connection is closed
		 * on release and the pool opens a fresh one. */
		db->broken = 1;
	} else {
		mysql_stmt_free_result(st);
	}
	mysql_free_result(meta);
	stream_free(&s);
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

