/*
 * session_sql: the benchmark's baseline for POST /api/v1/session, the same
 * SQL the registration plugin and the core run for one first-page login of
 * a new citizen, issued directly against MariaDB by THREADS threads, each
 * with its own connection and prepared statements, for SECONDS seconds.
 * Input lines: "national_id serial captcha_id".  Prints requests/s, p50 and
 * p99 in milliseconds.  Not part of crsd.
 *   session_sql SOCKET DATABASE THREADS SECONDS INPUT
 */
#include <mysql.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_LAT 4000000

struct job {
	char nid[11], serial[7], captcha[33];
};

static struct job *jobs;
static size_t n_jobs;
static _Atomic size_t next_job;
static const char *sock, *dbname;
static int seconds;
static double *lat;
static _Atomic size_t n_lat;
static _Atomic long errors;
static unsigned long long run_id;

static const char *const sql[] = {
	"UPDATE captcha_challenge SET used_at = ? WHERE id = ? AND used_at IS NULL AND expires_at > ?",
	"SELECT answer FROM captcha_challenge WHERE id = ?",
	"SELECT serial, prev_serial, serial_changed_at, birth_date, alive FROM registry_person WHERE national_id = ?",
	"SELECT id FROM application WHERE national_id = ? FOR UPDATE",
	"SELECT a.id, a.national_id, a.serial, a.stage, a.birth_date, a.birth_date_lunar, a.gender,"
	" a.religion, a.mother_name, a.mobile, a.can_leave_home, a.can_climb_stairs, a.pupils_visible,"
	" a.fingers_intact, a.office_id, a.appt_day, a.appt_shift, a.hold_until, a.delivery_office_id,"
	" a.tracking_code, a.no_show_until, o.name, o.address, o.phone, o.city_code, d.name, d.address,"
	" d.phone FROM application a LEFT JOIN office o ON o.id = a.office_id"
	" LEFT JOIN office d ON d.id = a.delivery_office_id WHERE a.national_id = ?",
	"INSERT INTO application (national_id, serial, stage, created_at, updated_at) VALUES (?, ?, 'entered', ?, ?)",
	"SELECT state, amount_rial, gateway, reference FROM payment WHERE application_id = ?"
	" ORDER BY state = 'verified' DESC, id DESC LIMIT 1",
	"INSERT INTO session (id_hash, subject, csrf, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)",
};
enum { S_CAP_USE, S_CAP_READ, S_REGISTRY, S_LOCK, S_APP, S_INSERT, S_PAY, S_SESSION, S_N };

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void bind_str(MYSQL_BIND *b, const char *s)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_STRING;
	b->buffer = (char *)s;
	b->buffer_length = strlen(s);
}

static void bind_int(MYSQL_BIND *b, long long *v)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_LONGLONG;
	b->buffer = v;
}

/* Execute and drain, as the pool does (store, fetch every row). */
static int run(MYSQL_STMT *st, MYSQL_BIND *b)
{
	MYSQL_RES *meta;

	if ((b && mysql_stmt_bind_param(st, b)) || mysql_stmt_execute(st))
		return -1;
	meta = mysql_stmt_result_metadata(st);
	if (meta) {
		mysql_stmt_store_result(st);
		while (mysql_stmt_fetch(st) == 0)
			;
		mysql_stmt_free_result(st);
		mysql_free_result(meta);
	}
	return 0;
}

static void *worker(void *unused)
{
	MYSQL *my = mysql_init(NULL);
	MYSQL_STMT *st[S_N];
	double end;
	int i;

	(void)unused;
	if (!mysql_real_connect(my, NULL, "root", NULL, dbname, 0, sock, 0)) {
		fprintf(stderr, "connect: %s\n", mysql_error(my));
		return NULL;
	}
	mysql_query(my, "SET time_zone = '+00:00'");
	/* as crsd's pool */
	mysql_query(my, "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
	for (i = 0; i < S_N; i++) {
		st[i] = mysql_stmt_init(my);
		if (mysql_stmt_prepare(st[i], sql[i], strlen(sql[i]))) {
			fprintf(stderr, "prepare %d: %s\n", i, mysql_stmt_error(st[i]));
			return NULL;
		}
	}
	end = now_ms() + seconds * 1000.0;
	while (now_ms() < end) {
		size_t k = atomic_fetch_add(&next_job, 1);
		struct job *j;
		MYSQL_BIND b[5];
		char t[24] = "2026-01-01 00:00:00.000", key[65], csrf[44];
		long long app_id = 0;
		double t0 = now_ms();
		int bad = 0;

		if (k >= n_jobs)
			break;
		j = &jobs[k];
		/* unique across runs, like crsd's random session ids */
		snprintf(key, sizeof(key), "%016llx%048zx", run_id, k);
		snprintf(csrf, sizeof(csrf), "%043zx", k);
		bind_str(&b[0], t); bind_str(&b[1], j->captcha); bind_str(&b[2], t);
		bad |= run(st[S_CAP_USE], b);
		bind_str(&b[0], j->captcha);
		bad |= run(st[S_CAP_READ], b);
		bind_str(&b[0], j->nid);
		bad |= run(st[S_REGISTRY], b);
		bad |= mysql_query(my, "START TRANSACTION");
		bind_str(&b[0], j->nid);
		bad |= run(st[S_LOCK], b);
		bad |= run(st[S_APP], b);
		bind_str(&b[0], j->nid); bind_str(&b[1], j->serial);
		bind_str(&b[2], t); bind_str(&b[3], t);
		bad |= run(st[S_INSERT], b);
		app_id = (long long)mysql_stmt_insert_id(st[S_INSERT]);
		bind_str(&b[0], j->nid);
		bad |= run(st[S_APP], b);
		bind_int(&b[0], &app_id);
		bad |= run(st[S_PAY], b);
		bind_str(&b[0], key); bind_str(&b[1], j->nid); bind_str(&b[2], csrf);
		bind_str(&b[3], t); bind_str(&b[4], t);
		bad |= run(st[S_SESSION], b);
		bad |= mysql_commit(my);
		if (bad) {
			if (atomic_fetch_add(&errors, 1) == 0)
				fprintf(stderr, "session_sql: first error: %s / %s\n",
				        mysql_error(my), mysql_stmt_error(st[S_SESSION]));
			mysql_rollback(my);
		}
		{
			size_t n = atomic_fetch_add(&n_lat, 1);

			if (n < MAX_LAT)
				lat[n] = now_ms() - t0;
		}
	}
	for (i = 0; i < S_N; i++)
		mysql_stmt_close(st[i]);
	mysql_close(my);
	return NULL;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int threads, i;
	pthread_t *t;
	FILE *f;
	size_t cap = 1 << 16, n;
	double t0, el;

	if (argc != 6) {
		fprintf(stderr, "usage: session_sql SOCKET DATABASE THREADS SECONDS INPUT\n");
		return 2;
	}
	sock = argv[1];
	dbname = argv[2];
	threads = atoi(argv[3]);
	seconds = atoi(argv[4]);
	f = fopen(argv[5], "r");
	jobs = malloc(cap * sizeof(*jobs));
	lat = malloc(MAX_LAT * sizeof(*lat));
	if (!f || !jobs || !lat || threads < 1)
		return 1;
	while (fscanf(f, "%10s %6s %32s", jobs[n_jobs].nid, jobs[n_jobs].serial,
	              jobs[n_jobs].captcha) == 3) {
		if (++n_jobs == cap) {
			cap *= 2;
			jobs = realloc(jobs, cap * sizeof(*jobs));
		}
	}
	fclose(f);
	run_id = (unsigned long long)time(NULL) << 20 ^ (unsigned long long)getpid();
	mysql_library_init(0, NULL, NULL);
	t = calloc((size_t)threads, sizeof(*t));
	t0 = now_ms();
	for (i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	for (i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	el = (now_ms() - t0) / 1000.0;
	n = atomic_load(&n_lat) < MAX_LAT ? atomic_load(&n_lat) : MAX_LAT;
	qsort(lat, n, sizeof(*lat), cmp);
	printf("%.0f %.2f %.2f %ld\n", n / el, n ? lat[n / 2] : 0, n ? lat[n * 99 / 100] : 0,
	       atomic_load(&errors));
	mysql_library_end();
	return 0;
}
