/*
 * migrate: ordered, recorded, checksummed schema migrations (see migrate.h).
 */
#include "config.h"

#include "migrate.h"
#include "db.h"
#include "log.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mfile {
	long version;
	char name[256];
};

static int cmp_mfile(const void *a, const void *b)
{
	const struct mfile *x = a, *y = b;

	return (x->version > y->version) - (x->version < y->version);
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb;
	char buf[8192];
	size_t n;

	if (!f)
		return NULL;
	strbuf_init(&sb);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(f);
	return strbuf_detach(&sb, len);
}

static int run_sql(MYSQL *my, const char *sql, const char *what)
{
	int status;

	if (mysql_real_query(my, sql, strlen(sql)) != 0)
		goto fail;
	/* Drain every result of a multi-statement file. */
	do {
		MYSQL_RES *res = mysql_store_result(my);

		if (res)
			mysql_free_result(res);
		else if (mysql_field_count(my) != 0)
			goto fail;
		status = mysql_next_result(my);
		if (status > 0)
			goto fail;
	} while (status == 0);
	return 0;
fail:
	log_error("migrate: %s: %u %s", what, mysql_errno(my), mysql_error(my));
	return -1;
}

/* 1 if applied with the same checksum, 0 if not applied, -1 on mismatch or
 * error. */
static int applied(MYSQL *my, long version, const char *sum)
{
	char q[128];
	MYSQL_RES *res;
	MYSQL_ROW row;
	int rc = 0;

	snprintf(q, sizeof(q),
	         "SELECT checksum FROM schema_migration WHERE version = %ld",
	         version);
	if (mysql_real_query(my, q, strlen(q)) != 0)
		return -1;
	res = mysql_store_result(my);
	if (!res)
		return -1;
	row = mysql_fetch_row(res);
	if (row) {
		rc = strcmp(row[0], sum) == 0 ? 1 : -1;
		if (rc < 0)
			log_error("migrate: %03ld was applied with another checksum: "
			          "released migrations are never edited", version);
	}
	mysql_free_result(res);
	return rc;
}

static int scan(const char *dir, struct mfile **out, size_t *n_out)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct mfile *v = NULL, *nv;
	size_t n = 0, cap = 0;

	if (!d) {
		log_error("migrate: cannot open %s: %s", dir, strerrorname_np(errno));
		return -1;
	}
	while ((e = readdir(d))) {
		char *end;
		long ver;
		size_t len = strlen(e->d_name);

		if (len < 5 || strcmp(e->d_name + len - 4, ".sql") != 0)
			continue;
		ver = strtol(e->d_name, &end, 10);
		if (end == e->d_name || *end != '_' || ver <= 0 ||
		    len >= sizeof(v->name))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				closedir(d);
				return -1;
			}
			v = nv;
		}
		v[n].version = ver;
		snprintf(v[n].name, sizeof(v[n].name), "%s", e->d_name);
		n++;
	}
	closedir(d);
	qsort(v, n, sizeof(*v), cmp_mfile);
	*out = v;
	*n_out = n;
	return 0;
}

int migrate_run(const char *sql_dir)
{
	char err[256], path[4096], sum[65], q[512];
	struct mfile *files = NULL;
	size_t n = 0, i;
	MYSQL *my;
	int rc = -1, done = 0;

	my = db_connect_admin(err, sizeof(err));
	if (!my) {
		log_error("migrate: cannot connect: %s", err);
		return -1;
	}
	if (scan(sql_dir, &files, &n))
		goto out;
	/* One migrator at a time, even with several crsd starting. */
	if (run_sql(my, "DO GET_LOCK('crs_migrate', 60)", "lock") ||
	    run_sql(my,
	            "CREATE TABLE IF NOT EXISTS schema_migration ("
	            " version INT PRIMARY KEY, name VARCHAR(255) NOT NULL,"
	            " checksum CHAR(64) NOT NULL,"
	            " applied_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)"
	            ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4", "schema_migration"))
		goto out;
	for (i = 0; i < n; i++) {
		size_t len;
		char *sql;
		int a;

		if (i && files[i].version == files[i - 1].version) {
			log_error("migrate: two files with version %03ld",
			          files[i].version);
			goto out;
		}
		snprintf(path, sizeof(path), "%s/%s", sql_dir, files[i].name);
		sql = read_file(path, &len);
		if (!sql || sha256_hex(sql, sum)) {
			log_error("migrate: cannot read %s", path);
			free(sql);
			goto out;
		}
		a = applied(my, files[i].version, sum);
		if (a != 0) {
			free(sql);
			if (a < 0)
				goto out;
			continue;
		}
		log_info("migrate: applying %s", files[i].name);
		if (run_sql(my, sql, files[i].name)) {
			free(sql);
			goto out;
		}
		free(sql);
		snprintf(q, sizeof(q),
		         "INSERT INTO schema_migration (version, name, checksum) "
		         "VALUES (%ld, '%s', '%s')", files[i].version,
		         files[i].name, sum);
		/* File names are [0-9a-z_.] by the scan above; checked again
		 * here because this is the one non-prepared insert. */
		if (strspn(files[i].name, "0123456789abcdefghijklmnopqrstuvwxyz_.") !=
		    strlen(files[i].name)) {
			log_error("migrate: bad file name %s", files[i].name);
			goto out;
		}
		if (run_sql(my, q, "record"))
			goto out;
		done++;
	}
	log_info("migrate: %d applied, %zu known", done, n);
	rc = 0;
out:
	run_sql(my, "DO RELEASE_LOCK('crs_migrate')", "unlock");
	mysql_close(my);
	free(files);
	return rc;
}
