/*
 * crsd: the CRS FastCGI daemon.  Reads the configuration, initialises the
 * process-wide libraries in the order they require, loads the configured
 * plugins and serves until SIGTERM.  `--migrate` applies pending schema
 * migrations and exits; `--check-plugins` loads every plugin of the plugin
 * directory with immediate symbol binding and exits (CI).
 */
#include "config.h"

#include "admin.h"
#include "api.h"
#include "auth.h"
#include "clock.h"
#include "conf.h"
#include "db.h"
#include "httpc.h"
#include "jobs.h"
#include "log.h"
#include "migrate.h"
#include "modules.h"
#include "outbox.h"
#include "pay_settle.h"
#include "payments.h"
#include "ratelimit.h"
#include "schedule.h"
#include "stats_snapshot.h"
#include "server.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcgiapp.h>
#include <getopt.h>
#include <mysql.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: crsd -c FILE [--migrate] [--test-clock] [--check-plugins]\n"
	           "  -c, --config FILE   configuration file (INI)\n"
	           "  --migrate           apply pending migrations and exit\n"
	           "  --test-clock        allow tests to move the clock (never in "
	           "production)\n"
	           "  --check-plugins     dlopen every plugin with RTLD_NOW and exit\n");
}

/* libltdl binds lazily: a missing symbol would only show at first call, in
 * a worker.  This loads each plugin with RTLD_NOW instead. */
static int check_plugins(const struct conf *cfg)
{
	const char *dir = conf_get(cfg, "core", "plugin_dir", ".");
	DIR *d = opendir(dir);
	struct dirent *e;
	int bad = 0, n = 0;

	if (!d) {
		fprintf(stderr, "crsd: cannot open %s\n", dir);
		return 1;
	}
	while ((e = readdir(d))) {
		char path[4096];
		size_t len = strlen(e->d_name);
		void *h;

		if (len < 4 || strcmp(e->d_name + len - 3, ".so") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
		n++;
		if (!h) {
			fprintf(stderr, "crsd: %s\n", dlerror());
			bad++;
			continue;
		}
		if (!dlsym(h, "crs_plugin_entry")) {
			fprintf(stderr, "crsd: %s: no crs_plugin_entry\n", path);
			bad++;
		}
		dlclose(h);
	}
	closedir(d);
	printf("crsd: %d plugins checked, %d bad\n", n, bad);
	return bad ? 1 : 0;
}

static int write_pid(const char *path)
{
	FILE *f;

	if (!path)
		return 0;
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "%ld\n", (long)getpid());
	return fclose(f);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "migrate", no_argument, NULL, 'm' },
		{ "test-clock", no_argument, NULL, 't' },
		{ "check-plugins", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cfg_path = NULL, *lvl, *run_dir;
	int do_migrate = 0, test_clock = 0, do_check = 0, c, rc = 1;
	struct conf *cfg;
	enum crs_log_level level;
	char err[512], clock_file[4096];
	sigset_t set;

	while ((c = getopt_long(argc, argv, "c:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'c': cfg_path = optarg; break;
		case 'm': do_migrate = 1; break;
		case 't': test_clock = 1; break;
		case 'p': do_check = 1; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("crsd %s (plugin ABI %d.%d)\n", PACKAGE_VERSION,
		                 CRS_ABI_MAJOR, CRS_ABI_MINOR); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!cfg_path) {
		usage(stderr);
		return 2;
	}
	cfg = conf_load(cfg_path, err, sizeof(err));
	if (!cfg) {
		fprintf(stderr, "crsd: %s\n", err);
		return 1;
	}
	if (do_check) {
		rc = check_plugins(cfg);
		conf_free(cfg);
		return rc;
	}
	lvl = conf_get(cfg, "core", "log_level", "info");
	if (log_parse_level(lvl, &level) == 0)
		log_set_level(level);

	/* 1. Control signals go to sigwait in server_run, never to workers. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	/* 2-3. Libraries with process-wide state, before any thread. */
	if (mysql_library_init(0, NULL, NULL) != 0 || httpc_global_init() != 0) {
		log_error("crsd: library initialisation failed");
		goto out_cfg;
	}
	run_dir = conf_get(cfg, "core", "run_dir", ".");
	snprintf(clock_file, sizeof(clock_file), "%s/test-clock.offset", run_dir);
	clock_init(test_clock, test_clock ? clock_file : NULL);
	if (db_pool_init(cfg, err, sizeof(err))) {
		log_error("crsd: %s", err);
		goto out_libs;
	}
	if (do_migrate) {
		const char *dir = conf_get(cfg, "core", "sql_dir", NULL);

		rc = dir && migrate_run(dir) == 0 ? 0 : 1;
		goto out_pool;
	}
	if (auth_init(cfg) || outbox_init(cfg) || payments_init(cfg))
		goto out_pool;
	/* 5-6. FCGX_Init replaces SIG_IGN handlers; SIGPIPE gets the last word. */
	if (FCGX_Init() != 0) {
		log_error("crsd: FCGX_Init failed");
		goto out_pool;
	}
	signal(SIGPIPE, SIG_IGN);
	if (server_open(cfg))
		goto out_pool;
	if (log_access_start() || jobs_start(2) || schedule_start())
		goto out_server;
	/* 4. Plugins: their init may add timers, so jobs run first. */
	if (modules_init(cfg, api_table(), core_routes, n_core_routes))
		goto out_jobs;
	modules_load_configured();
	jobs_timer_add(NULL, 60000, auth_sweep, NULL);
	jobs_timer_add(NULL, 60000, rate_sweep, NULL);
	jobs_timer_add(NULL, 3600000, schedule_sweep, NULL);
	jobs_timer_add(NULL, 1000, outbox_deliver, NULL);
	jobs_timer_add(NULL, 5000, payments_reconcile, NULL);
	/* On the core clock (a test clock moved a day ahead snapshots it),
	 * each minute on one crsd of several. */
	if (schedule_add(NULL, NULL, &(struct crs_schedule){
	                         .struct_size = sizeof(struct crs_schedule),
	                         .kind = CRS_SCHEDULE_EVERY, .every_ms = 60000,
	                         .once_key = "stats" },
	                 stats_tick, NULL, NULL))
		log_warn("crsd: cannot schedule the statistics");
	if (write_pid(conf_get(cfg, "core", "pid_file", NULL)))
		log_warn("crsd: cannot write pid file");
	if (test_clock)
		log_warn("crsd: TEST CLOCK enabled (offset %lld ms): never in production",
		         (long long)clock_offset_ms());
	rc = server_run();
	/* Jobs first: a running job may still use its plugin instance. */
	jobs_stop();
	schedule_stop();
	modules_shutdown();
	goto out_server;
out_jobs:
	jobs_stop();
	schedule_stop();
out_server:
	server_close();
	log_access_stop();
out_pool:
	db_pool_shutdown();
out_libs:
	httpc_global_cleanup();
	mysql_library_end();
out_cfg:
	{
		const char *pid = conf_get(cfg, "core", "pid_file", NULL);

		if (pid && !do_migrate)
			unlink(pid);
	}
	conf_free(cfg);
	if (!do_migrate)
		log_info("crsd: stopped");
	return rc;
}
