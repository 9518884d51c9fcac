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
#include <sys/stat.h>

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
 * error.  module: "" for the core. */
static int applied(MYSQL *my, const char *module, long version, const char *sum)
{
	char q[256];
	MYSQL_RES *res;
	MYSQL_ROW row;
	int rc = 0;

	snprintf(q, sizeof(q),
	         "SELECT checksum FROM schema_migration WHERE module = '%s'"
	         " AND version = %ld", module, version);
	if (mysql_real_query(my, q, strlen(q)) != 0)
		return -1;
	res = mysql_store_result(my);
	if (!res)
		return -1;
	row = mysql_fetch_row(res);
	if (row) {
		rc = strcmp(row[0], sum) == 0 ? 1 : -1;
		if (rc < 0)
			log_error("migrate: %s%s%03ld was applied with another checksum: "
			          "released migrations are never edited", module,
			          *module ? " " : "", version);
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

static int safe_name(const char *s)
{
	return *s && strspn(s, "0123456789abcdefghijklmnopqrstuvwxyz_.") == strlen(s);
}

/* Apply dir's files not yet recorded for module; *done counts them. */
static int apply_dir(MYSQL *my, const char *dir, const char *module, int *done)
{
	char path[4096], sum[65], q[512];
	struct mfile *files = NULL;
	size_t n = 0, i;
	int rc = -1;

	if (scan(dir, &files, &n))
		return -1;
	for (i = 0; i < n; i++) {
		size_t len;
		char *sql;
		int a;

		if (i && files[i].version == files[i - 1].version) {
			log_error("migrate: two files with version %03ld in %s",
			          files[i].version, dir);
			goto out;
		}
		/* File and module names go into the one non-prepared insert. */
		if (!safe_name(files[i].name)) {
			log_error("migrate: bad file name %s", files[i].name);
			goto out;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, files[i].name);
		sql = read_file(path, &len);
		if (!sql || sha256_hex(sql, sum)) {
			log_error("migrate: cannot read %s", path);
			free(sql);
			goto out;
		}
		a = applied(my, module, files[i].version, sum);
		if (a != 0) {
			free(sql);
			if (a < 0)
				goto out;
			continue;
		}
		log_info("migrate: applying %s%s%s", module, *module ? "/" : "",
		         files[i].name);
		if (run_sql(my, sql, files[i].name)) {
			free(sql);
			goto out;
		}
		free(sql);
		snprintf(q, sizeof(q),
		         "INSERT INTO schema_migration (module, version, name, checksum) "
		         "VALUES ('%s', %ld, '%s', '%s')", module, files[i].version,
		         files[i].name, sum);
		if (run_sql(my, q, "record"))
			goto out;
		(*done)++;
	}
	rc = 0;
out:
	free(files);
	return rc;
}

/* Plugins ship their own migrations in sql_dir/<plugin>/: each directory,
 * in name order, after the core's (a plugin's tables may refer to the
 * core's, never the other way). */
static int apply_plugins(MYSQL *my, const char *sql_dir, int *done)
{
	struct dirent **names = NULL;
	char path[4096];
	int n, i, rc = 0;

	n = scandir(sql_dir, &names, NULL, alphasort);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++) {
		struct stat st;
		const char *m = names[i]->d_name;

		snprintf(path, sizeof(path), "%s/%s", sql_dir, m);
		if (rc == 0 && m[0] != '.' && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (!safe_name(m) || strlen(m) > 64) {
				log_error("migrate: bad plugin directory %s", m);
				rc = -1;
			} else {
				rc = apply_dir(my, path, m, done);
			}
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

/* schema_migration of the days before plugin migrations had no module. */
static int upgrade_table(MYSQL *my)
{
	const char *q = "SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA ="
	                " DATABASE() AND TABLE_NAME = 'schema_migration'"
	                " AND COLUMN_NAME = 'module'";
	MYSQL_RES *res;
	int has;

	if (mysql_real_query(my, q, strlen(q)) != 0 || !(res = mysql_store_result(my)))
		return -1;
	has = mysql_num_rows(res) > 0;
	mysql_free_result(res);
	if (has)
		return 0;
	return run_sql(my, "ALTER TABLE schema_migration ADD COLUMN module"
	                   " VARCHAR(64) NOT NULL DEFAULT '' FIRST, DROP PRIMARY KEY,"
	                   " ADD PRIMARY KEY (module, version)", "schema_migration");
}

int migrate_run(const char *sql_dir)
{
	char err[256];
	MYSQL *my;
	int rc = -1, done = 0;

	my = db_connect_admin(err, sizeof(err));
	if (!my) {
		log_error("migrate: cannot connect: %s", err);
		return -1;
	}
	/* One migrator at a time, even with several crsd starting. */
	if (run_sql(my, "DO GET_LOCK('crs_migrate', 60)", "lock") ||
	    run_sql(my,
	            "CREATE TABLE IF NOT EXISTS schema_migration ("
	            " module VARCHAR(64) NOT NULL DEFAULT '',"
	            " version INT NOT NULL, name VARCHAR(255) NOT NULL,"
	            " checksum CHAR(64) NOT NULL,"
	            " applied_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),"
	            " PRIMARY KEY (module, version)"
	            ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4", "schema_migration") ||
	    upgrade_table(my))
		goto out;
	if (apply_dir(my, sql_dir, "", &done) || apply_plugins(my, sql_dir, &done))
		goto out;
	log_info("migrate: %d applied", done);
	rc = 0;
out:
	run_sql(my, "DO RELEASE_LOCK('crs_migrate')", "unlock");
	mysql_close(my);
	return rc;
}
