/*
 * server: sockets, worker threads, dispatch and graceful shutdown (see
 * server.h).
 */
#include "config.h"

#include "server.h"
#include "admin.h"
#include "api.h"
#include "auth.h"
#include "captcha_img.h"
#include "conf.h"
#include "httpc.h"
#include "log.h"
#include "messages.h"
#include "metrics.h"
#include "modules.h"
#include "request.h"
#include "router.h"
#include "util.h"

#include <errno.h>
#include <fcgiapp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_WORKERS 256
/* The longest deadline a route may ask for (crs_route.deadline_ms). */
#define ROUTE_MAX_DEADLINE_MS (60LL * 60 * 1000)
#define WAKE_SIGNAL SIGUSR2

struct listener {
	const char *path;
	int fd;
	int admin;
	int n_workers;
};

static struct {
	struct listener l[2];
	pthread_t threads[MAX_WORKERS];
	int n_threads;
	_Atomic int live;
	_Atomic int stopping;
	int64_t deadline_ms;
} srv;

static int open_unix(const char *path)
{
	struct sockaddr_un sa;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		log_error("server: socket path too long: %s", path);
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    chmod(path, 0660) != 0 || listen(fd, 1024) != 0) {
		log_error("server: cannot listen on %s: %s", path,
		          strerrorname_np(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int server_open(const struct conf *cfg)
{
	int64_t w, aw, dl;
	char err[256];

	if (conf_get_int(cfg, "core", "workers", 32, 1, MAX_WORKERS - 8, &w, err,
	                 sizeof(err)) ||
	    conf_get_int(cfg, "core", "admin_workers", 4, 1, 8, &aw, err,
	                 sizeof(err)) ||
	    conf_get_int(cfg, "core", "request_deadline_ms", 25000, 1000, 55000,
	                 &dl, err, sizeof(err))) {
		log_error("%s", err);
		return -1;
	}
	srv.deadline_ms = dl;
	srv.l[0].path = conf_get(cfg, "core", "socket", NULL);
	srv.l[1].path = conf_get(cfg, "core", "admin_socket", NULL);
	srv.l[0].n_workers = (int)w;
	srv.l[1].n_workers = (int)aw;
	srv.l[1].admin = 1;
	if (!srv.l[0].path || !srv.l[1].path) {
		log_error("server: [core] socket and admin_socket are required");
		return -1;
	}
	srv.l[0].fd = open_unix(srv.l[0].path);
	srv.l[1].fd = srv.l[0].fd < 0 ? -1 : open_unix(srv.l[1].path);
	return srv.l[0].fd < 0 || srv.l[1].fd < 0 ? -1 : 0;
}

void server_close(void)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (srv.l[i].fd >= 0) {
			close(srv.l[i].fd);
			unlink(srv.l[i].path);
			srv.l[i].fd = -1;
		}
	}
}

static const struct crs_route *core_route(struct crs_req *req, int *bad_method)
{
	size_t i;

	for (i = 0; i < n_core_routes; i++) {
		const struct crs_route *r = &core_routes[i];

		if (router_is_admin_path(r->path) != req->admin_listener ||
		    !router_match(req, r->path, req->path))
			continue;
		if (strcmp(r->method, req->method) != 0) {
			*bad_method = 1;
			continue;
		}
		req->route = r->path;
		req->route_flags = r->flags;
		return r;
	}
	return NULL;
}

/* Everything between finding a route and its handler's return. */
static void run_route(struct crs_req *req, const struct crs_route *route,
                      struct plugin_instance *inst)
{
	int rc, serial = inst && modules_inst_serialised(inst);

	/* An export may stream for longer than an ordinary request. */
	if (route->deadline_ms > 0)
		req->deadline_mono = req->start_mono +
		                     (route->deadline_ms < ROUTE_MAX_DEADLINE_MS
		                              ? route->deadline_ms : ROUTE_MAX_DEADLINE_MS);
	if (auth_check(req, route) != CRS_OK) {
		if (!req->responded)
			resp_fail(req, 500, "INTERNAL", MSG_INTERNAL, NULL);
		return;
	}
	if (route->flags & CRS_ROUTE_JSON) {
		if (!req_content_type_is(req, "application/json")) {
			resp_fail(req, 415, "UNSUPPORTED_MEDIA_TYPE", MSG_UNSUPPORTED_MEDIA,
			          NULL);
			return;
		}
		if (req_parse_json(req) != CRS_OK) {
			resp_fail(req, 400, "BAD_REQUEST", MSG_BAD_JSON, NULL);
			return;
		}
	}
	if ((route->flags & CRS_ROUTE_FORM) &&
	    !req_content_type_is(req, "application/x-www-form-urlencoded")) {
		resp_fail(req, 415, "UNSUPPORTED_MEDIA_TYPE", MSG_UNSUPPORTED_FORM, NULL);
		return;
	}
	/* A value cut at %00 or of bytes that are not UTF-8 never reaches a
	 * handler as something else. */
	if (!(route->flags & ROUTE_CORE_LENIENT) &&
	    req_params_malformed(req, (route->flags & CRS_ROUTE_FORM) != 0)) {
		resp_fail(req, 400, "BAD_REQUEST", MSG_BAD_QUERY, NULL);
		return;
	}
	if (serial)
		modules_inst_lock(inst);
	rc = route->handler(req, inst ? modules_inst_data(inst) : NULL);
	if (serial)
		modules_inst_unlock(inst);
	if (rc != CRS_HANDLED && !req->streaming) {
		log_msg(CRS_LOG_ERROR, req->plugin, req->id,
		        "handler of %s %s failed (%d)", req->method, req->route, rc);
		resp_fail(req, 500, "INTERNAL", MSG_INTERNAL, NULL);
	} else if (!req->responded) {
		log_msg(CRS_LOG_ERROR, req->plugin, req->id,
		        "handler of %s %s returned without a response", req->method,
		        req->route);
	}
}

static void dispatch(struct crs_req *req)
{
	const struct crs_route *route;
	struct plugin_instance *inst = NULL;
	int bad_method = 0;

	/* Plugins first: they may not overlap a core route (the loader
	 * refuses that), and they carry the traffic.  The route is found
	 * before the body is judged, so a refusal speaks the route's
	 * language (CRS_ROUTE_TEXT). */
	switch (modules_route(req, &route, &inst)) {
	case ROUTE_FOUND:
		if (req->body_too_large)
			resp_fail(req, 413, "BODY_TOO_LARGE", MSG_BODY_TOO_LARGE, NULL);
		else
			run_route(req, route, inst);
		modules_unpin(inst);
		return;
	case ROUTE_DISABLED:
		resp_fail(req, 503, "MODULE_DISABLED", MSG_MODULE_DISABLED, NULL);
		return;
	case ROUTE_BAD_METHOD:
		bad_method = 1;
		break;
	case ROUTE_NOT_FOUND:
		break;
	}
	route = core_route(req, &bad_method);
	if (req->body_too_large)
		resp_fail(req, 413, "BODY_TOO_LARGE", MSG_BODY_TOO_LARGE, NULL);
	else if (route)
		run_route(req, route, NULL);
	else if (bad_method)
		resp_fail(req, 405, "NOT_FOUND", MSG_BAD_METHOD, NULL);
	else
		resp_fail(req, 404, "NOT_FOUND", MSG_NOT_FOUND, NULL);
}

static void serve(struct crs_req *req, FCGX_Request *fr, int admin)
{
	double ms;

	api_set_current_request(req);
	if (req_begin(req, fr, admin, srv.deadline_ms) == CRS_OK)
		dispatch(req);
	req_end(req);
	ms = (double)(mono_ms() - req->start_mono);
	metrics_observe(req->method ? req->method : "-", req->route, req->status, ms);
	log_access(req->id, req->method, req->route, req->status, ms,
	           req->client_ip);
	api_set_current_request(NULL);
	req_release(req);
}

static void *worker_main(void *arg)
{
	struct listener *l = arg;
	FCGX_Request fr;
	struct crs_req *req = calloc(1, sizeof(*req));

	if (!req || FCGX_InitRequest(&fr, l->fd, 0) != 0) {
		log_error("server: worker cannot start");
		free(req);
		atomic_fetch_sub(&srv.live, 1);
		return NULL;
	}
	arena_init(&req->arena);
	while (!atomic_load(&srv.stopping) && FCGX_Accept_r(&fr) >= 0) {
		serve(req, &fr, l->admin);
		FCGX_Finish_r(&fr);
	}
	FCGX_Free(&fr, 1);
	arena_release(&req->arena);
	free(req);
	httpc_thread_release();
	captcha_img_thread_release();
	atomic_fetch_sub(&srv.live, 1);
	return NULL;
}

static void on_wake(int sig)
{
	(void)sig;
}

int server_run(void)
{
	struct sigaction sa;
	sigset_t set;
	int i, j, sig;

	/* The wake-up signal interrupts accept() (no SA_RESTART) so workers
	 * notice shutdown; every other control signal is taken by sigwait. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_wake;
	sigaction(WAKE_SIGNAL, &sa, NULL);
	for (i = 0; i < 2; i++) {
		for (j = 0; j < srv.l[i].n_workers; j++) {
			if (pthread_create(&srv.threads[srv.n_threads], NULL, worker_main,
			                   &srv.l[i]) != 0) {
				log_error("server: cannot start worker threads");
				atomic_store(&srv.stopping, 1);
				break;
			}
			srv.n_threads++;
			atomic_fetch_add(&srv.live, 1);
		}
	}
	log_info("crsd serving: %d public and %d admin workers",
	         srv.l[0].n_workers, srv.l[1].n_workers);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	while (!atomic_load(&srv.stopping)) {
		if (sigwait(&set, &sig) == 0 && (sig == SIGTERM || sig == SIGINT))
			break;
	}
	log_info("crsd: shutting down; requests in flight finish");
	atomic_store(&srv.stopping, 1);
	FCGX_ShutdownPending();
	/* Close the listeners first so nothing new is accepted. */
	for (i = 0; i < 2; i++)
		shutdown(srv.l[i].fd, SHUT_RDWR);
	while (atomic_load(&srv.live) > 0) {
		struct timespec ts = { 0, 50 * 1000000L };

		/* Repeat: a worker may be between its check and accept(). */
		for (i = 0; i < srv.n_threads; i++)
			pthread_kill(srv.threads[i], WAKE_SIGNAL);
		nanosleep(&ts, NULL);
	}
	for (i = 0; i < srv.n_threads; i++)
		pthread_join(srv.threads[i], NULL);
	srv.n_threads = 0;
	return 0;
}
