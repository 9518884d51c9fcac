/*
 * modules: the module registry — slots, instances, pinning, draining and
 * the admin operations (see modules.h).
 */
#include "config.h"

#include "modules.h"
#include "conf.h"
#include "jobs.h"
#include "loader.h"
#include "log.h"
#include "request.h"
#include "router.h"
#include "schedule.h"
#include "util.h"

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SLOTS 64
#define REAP_EVERY_MS 50

struct plugin_instance {
	struct crs_plugin_ctx ctx;   /* handed to the plugin as its pctx */
	struct slot *slot;
	struct plugin_code *code;
	/* The code's routes in the core's layout: what dispatch hands out
	 * while the instance is pinned. */
	struct crs_route *routes;
	void *data;
	_Atomic int inflight;
	_Atomic int jobs;
	_Atomic int cancelled;
	pthread_mutex_t serial;      /* for plugins not flagged THREAD_SAFE */
	struct plugin_instance *next_grave;
};

struct slot {
	char name[64];
	char src_path[PATH_MAX];
	int enabled;
	/* A disabled gateway keeps its instance for the payments already at
	 * the bank until they are verified or expired. */
	int draining;
	struct plugin_code *code;
	struct plugin_instance *cur;
	struct module_route *routes;
	size_t n_routes;
};

static struct {
	pthread_rwlock_t lock;      /* slots and their current instances */
	pthread_mutex_t admin;      /* one admin operation at a time */
	pthread_mutex_t grave_mu;
	struct slot *slots[MAX_SLOTS];
	size_t n_slots;
	struct plugin_instance *grave;
	const struct conf *cfg;
	const struct crs_api *api;
	const struct crs_route *core_routes;
	size_t n_core_routes;
} reg = {
	.admin = PTHREAD_MUTEX_INITIALIZER,
	.grave_mu = PTHREAD_MUTEX_INITIALIZER,
};

static const struct crs_plugin *desc_of(const struct slot *s)
{
	return loader_desc(s->code);
}

/* ---- instances ---------------------------------------------------------- */

static void instance_free(struct plugin_instance *in)
{
	schedule_release_owner(in);
	loader_unref(in->code);
	pthread_mutex_destroy(&in->serial);
	free(in->routes);
	free(in);
}

static struct plugin_instance *instance_new(struct slot *slot,
                                            struct plugin_code *code,
                                            char *err, size_t errsz)
{
	const struct crs_plugin *d = loader_desc(code);
	struct plugin_instance *in = calloc(1, sizeof(*in));
	struct crs_err perr = { { 0 } };
	size_t i;
	int rc;

	if (in)
		in->routes = calloc(d->n_routes + 1, sizeof(*in->routes));
	if (!in || !in->routes) {
		free(in);
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	for (i = 0; i < d->n_routes; i++)
		abi_route(d, i, &in->routes[i]);
	in->ctx.inst = in;
	in->slot = slot;
	in->code = code;
	pthread_mutex_init(&in->serial, NULL);
	loader_ref(code);
	rc = d->init(reg.api, &in->ctx, &in->data, &perr);
	if (rc != CRS_OK) {
		snprintf(err, errsz, "init failed (%d): %s", rc,
		         perr.msg[0] ? perr.msg : "no reason given");
		jobs_cancel_owner(in);
		instance_free(in);
		return NULL;
	}
	return in;
}

/* Stop new work of an instance no longer reachable by dispatch, and park it
 * until it has drained. */
static void instance_retire(struct plugin_instance *in)
{
	const struct crs_plugin *d;

	if (!in)
		return;
	d = loader_desc(in->code);
	atomic_store(&in->cancelled, 1);
	if (d->quiesce)
		d->quiesce(in->data);
	jobs_cancel_owner(in);
	schedule_cancel_owner(in);
	pthread_mutex_lock(&reg.grave_mu);
	in->next_grave = reg.grave;
	reg.grave = in;
	pthread_mutex_unlock(&reg.grave_mu);
}

void modules_reap(void)
{
	struct plugin_instance **pp, *in, *done = NULL;

	pthread_mutex_lock(&reg.grave_mu);
	for (pp = &reg.grave; (in = *pp);) {
		if (atomic_load(&in->inflight) == 0 && atomic_load(&in->jobs) == 0) {
			*pp = in->next_grave;
			in->next_grave = done;
			done = in;
		} else {
			pp = &in->next_grave;
		}
	}
	pthread_mutex_unlock(&reg.grave_mu);
	while ((in = done)) {
		done = in->next_grave;
		log_info("modules: %s instance drained, destroyed", in->slot->name);
		loader_desc(in->code)->destroy(in->data);
		instance_free(in);
	}
}

static void reap_job(void *unused, void *arg)
{
	(void)unused;
	(void)arg;
	modules_reap();
}

/* ---- jobs owned by instances ------------------------------------------- */

static void job_hold(struct plugin_instance *in)
{
	atomic_fetch_add(&in->jobs, 1);
}

static void job_drop(struct plugin_instance *in)
{
	atomic_fetch_sub(&in->jobs, 1);
}

static const struct job_owner_ops owner_ops = {
	.hold = job_hold,
	.drop = job_drop,
	.data = modules_inst_data,
};

/* ---- slots and routes --------------------------------------------------- */

static void routes_free(struct module_route *r, size_t n)
{
	size_t i;

	for (i = 0; r && i < n; i++) {
		free(r[i].method);
		free(r[i].path);
	}
	free(r);
}

static int routes_copy(const struct crs_plugin *d, struct module_route **out)
{
	struct module_route *r = calloc(d->n_routes + 1, sizeof(*r));
	size_t i;

	if (!r)
		return -1;
	for (i = 0; i < d->n_routes; i++) {
		struct crs_route cr;

		abi_route(d, i, &cr);
		r[i].method = strdup(cr.method);
		r[i].path = strdup(cr.path);
		r[i].index = i;
		r[i].flags = cr.flags;
		r[i].admin = router_is_admin_path(cr.path);
		if (!r[i].method || !r[i].path) {
			routes_free(r, i + 1);
			return -1;
		}
	}
	*out = r;
	return 0;
}

static int overlaps(const struct module_route *a, const char *method,
                    const char *path)
{
	return !strcmp(a->method, method) && router_overlap(a->path, path);
}

/* Refuse routes that the core or another slot already serves, and a
 * gateway name already taken.  Caller holds a lock. */
static int routes_conflict(const struct crs_plugin *d,
                           const struct module_route *mine, const struct slot *self,
                           char *err, size_t errsz)
{
	const struct crs_gateway_ops *g = abi_gateway(d), *og;
	size_t s, i, j;

	for (i = 0; i < d->n_routes; i++)
		for (j = 0; j < reg.n_core_routes; j++)
			if (overlaps(&mine[i], reg.core_routes[j].method,
			             reg.core_routes[j].path)) {
				snprintf(err, errsz, "route %s %s is the core's",
				         mine[i].method, mine[i].path);
				return -1;
			}
	for (s = 0; s < reg.n_slots; s++) {
		const struct slot *o = reg.slots[s];

		if (o == self)
			continue;
		for (i = 0; i < d->n_routes; i++)
			for (j = 0; j < o->n_routes; j++)
				if (overlaps(&o->routes[j], mine[i].method, mine[i].path)) {
					snprintf(err, errsz, "route %s %s is already served "
					         "by %s", mine[i].method, mine[i].path,
					         o->name);
					return -1;
				}
		og = o->code ? abi_gateway(desc_of(o)) : NULL;
		if (g && og && !strcmp(g->name, og->name)) {
			snprintf(err, errsz, "gateway %s is already served by %s",
			         g->name, o->name);
			return -1;
		}
		if (abi_payable(d) && o->code && abi_payable(desc_of(o)) &&
		    !strcmp(abi_payable(d)->name, abi_payable(desc_of(o))->name)) {
			snprintf(err, errsz, "payable %s is already served by %s",
			         abi_payable(d)->name, o->name);
			return -1;
		}
	}
	return 0;
}

static struct slot *slot_find(const char *name)
{
	size_t i;

	for (i = 0; i < reg.n_slots; i++)
		if (strcmp(reg.slots[i]->name, name) == 0)
			return reg.slots[i];
	return NULL;
}

static int inflight_of(const struct slot *s)
{
	struct plugin_instance *in;
	int n = s->cur ? atomic_load(&s->cur->inflight) : 0;

	pthread_mutex_lock(&reg.grave_mu);
	for (in = reg.grave; in; in = in->next_grave)
		if (in->slot == s)
			n += atomic_load(&in->inflight);
	pthread_mutex_unlock(&reg.grave_mu);
	return n;
}

/* Caller holds reg.lock (read or write). */
static void view_of(const struct slot *s, struct module_view *v)
{
	const struct crs_plugin *d = desc_of(s);
	const struct crs_gateway_ops *g = abi_gateway(d);

	memset(v, 0, sizeof(*v));
	v->name = s->name;
	v->version = d->version ? d->version : "";
	v->abi_major = d->abi_major;
	v->abi_minor = d->abi_minor;
	v->state = s->enabled ? "enabled" : s->draining ? "draining" : "disabled";
	v->in_flight = inflight_of(s);
	v->gateway = g ? g->name : NULL;
	v->gateway_title = g ? (g->title ? g->title : g->name) : NULL;
	v->takes_payments = g && s->enabled && s->cur;
	v->routes = s->routes;
	v->n_routes = s->n_routes;
}

void modules_each(modules_view_fn fn, void *arg)
{
	struct module_view v;
	size_t i;

	pthread_rwlock_rdlock(&reg.lock);
	for (i = 0; i < reg.n_slots; i++) {
		view_of(reg.slots[i], &v);
		fn(&v, arg);
	}
	pthread_rwlock_unlock(&reg.lock);
}

/* fn (may be NULL) sees slot s as it is now. */
static int answer(struct slot *s, modules_view_fn fn, void *arg)
{
	struct module_view v;

	if (!fn)
		return CRS_OK;
	pthread_rwlock_rdlock(&reg.lock);
	view_of(s, &v);
	fn(&v, arg);
	pthread_rwlock_unlock(&reg.lock);
	return CRS_OK;
}

/* ---- public: init and dispatch ----------------------------------------- */

int modules_init(const struct conf *cfg, const struct crs_api *api,
                 const struct crs_route *core_routes, size_t n_core_routes)
{
	pthread_rwlockattr_t attr;

	reg.cfg = cfg;
	reg.api = api;
	reg.core_routes = core_routes;
	reg.n_core_routes = n_core_routes;
	if (loader_init(conf_get(cfg, "core", "plugin_dir", NULL),
	                conf_get(cfg, "core", "run_dir", NULL)))
		return -1;
	/* Writers (admin) must not starve behind a steady stream of readers. */
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr,
	                              PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&reg.lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	jobs_set_owner_ops(&owner_ops);
	return jobs_timer_add(NULL, REAP_EVERY_MS, reap_job, NULL) == CRS_OK ? 0 : -1;
}

void modules_load_configured(void)
{
	const char *list = conf_get(reg.cfg, "core", "modules", "");
	char *copy = strdup(list), *save = NULL, *name;

	if (!copy)
		return;
	for (name = strtok_r(copy, " \t,", &save); name;
	     name = strtok_r(NULL, " \t,", &save)) {
		char err[512];

		/* modules_load logs a refusal itself. */
		modules_load(name, NULL, NULL, err, sizeof(err));
	}
	free(copy);
}

void modules_shutdown(void)
{
	size_t i;

	pthread_mutex_lock(&reg.admin);
	pthread_rwlock_wrlock(&reg.lock);
	for (i = 0; i < reg.n_slots; i++) {
		struct slot *s = reg.slots[i];

		instance_retire(s->cur);
		s->cur = NULL;
		s->enabled = 0;
	}
	pthread_rwlock_unlock(&reg.lock);
	modules_reap();
	for (i = 0; i < reg.n_slots; i++) {
		loader_unref(reg.slots[i]->code);
		routes_free(reg.slots[i]->routes, reg.slots[i]->n_routes);
		free(reg.slots[i]);
	}
	reg.n_slots = 0;
	pthread_mutex_unlock(&reg.admin);
	loader_shutdown();
	pthread_rwlock_destroy(&reg.lock);
}

enum modules_route_rc modules_route(struct crs_req *req,
                                    const struct crs_route **route,
                                    struct plugin_instance **inst)
{
	enum modules_route_rc rc = ROUTE_NOT_FOUND;
	size_t s, i;

	pthread_rwlock_rdlock(&reg.lock);
	for (s = 0; s < reg.n_slots; s++) {
		struct slot *sl = reg.slots[s];

		for (i = 0; i < sl->n_routes; i++) {
			struct module_route *e = &sl->routes[i];

			if (e->admin != req->admin_listener ||
			    !router_match(req, e->path, req->path))
				continue;
			if (strcmp(e->method, req->method) != 0) {
				rc = ROUTE_BAD_METHOD;
				continue;
			}
			req->route = arena_strdup(&req->arena, e->path);
			req->route_flags = e->flags;
			req->plugin = sl->name;
			if (!sl->enabled || !sl->cur) {
				rc = ROUTE_DISABLED;
				goto out;
			}
			/* Pinned under the read lock: a writer that swaps the
			 * instance afterwards sees this count. */
			atomic_fetch_add(&sl->cur->inflight, 1);
			*inst = sl->cur;
			*route = &sl->cur->routes[e->index];
			rc = ROUTE_FOUND;
			goto out;
		}
	}
out:
	pthread_rwlock_unlock(&reg.lock);
	return rc;
}

void modules_unpin(struct plugin_instance *inst)
{
	atomic_fetch_sub(&inst->inflight, 1);
}

void *modules_inst_data(struct plugin_instance *inst)
{
	return inst->data;
}

int modules_inst_serialised(struct plugin_instance *inst)
{
	return !(loader_desc(inst->code)->flags & CRS_PLUGIN_THREAD_SAFE);
}

void modules_inst_lock(struct plugin_instance *inst)
{
	pthread_mutex_lock(&inst->serial);
}

void modules_inst_unlock(struct plugin_instance *inst)
{
	pthread_mutex_unlock(&inst->serial);
}

int modules_inst_cancelled(struct plugin_instance *inst)
{
	return atomic_load(&inst->cancelled);
}

const char *modules_inst_name(struct plugin_instance *inst)
{
	return inst->slot->name;
}

const struct conf *modules_conf(void)
{
	return reg.cfg;
}

struct plugin_instance *modules_pin_where(modules_match_fn match, const void *key,
                                          int for_new)
{
	struct plugin_instance *found = NULL;
	size_t s;

	pthread_rwlock_rdlock(&reg.lock);
	for (s = 0; s < reg.n_slots; s++) {
		struct slot *sl = reg.slots[s];

		if (!sl->cur || !(sl->enabled || (!for_new && sl->draining)))
			continue;
		if (match(desc_of(sl), key)) {
			atomic_fetch_add(&sl->cur->inflight, 1);
			found = sl->cur;
			break;
		}
	}
	pthread_rwlock_unlock(&reg.lock);
	return found;
}

const struct crs_plugin *modules_inst_desc(struct plugin_instance *inst)
{
	return loader_desc(inst->code);
}

/* A slot whose plugin takes part in payments drains on disable. */
static int pays(const struct slot *s)
{
	return abi_gateway(desc_of(s)) || abi_payable(desc_of(s));
}

/* ---- public: admin operations ------------------------------------------- */

static int not_found(const char *name, char *err, size_t errsz)
{
	snprintf(err, errsz, "no module named %s", name);
	return CRS_ENOTFOUND;
}

int modules_enable(const char *name, modules_view_fn fn, void *arg, char *err,
                   size_t errsz)
{
	struct plugin_instance *in;
	struct slot *s;
	int rc = CRS_OK;

	pthread_mutex_lock(&reg.admin);
	s = slot_find(name);
	if (!s) {
		rc = not_found(name, err, errsz);
		goto out;
	}
	if (!s->enabled && s->draining) {
		/* Still draining: the instance is alive, take it back. */
		pthread_rwlock_wrlock(&reg.lock);
		s->enabled = 1;
		s->draining = 0;
		pthread_rwlock_unlock(&reg.lock);
		log_info("modules: %s enabled (was draining)", name);
	} else if (!s->enabled) {
		in = instance_new(s, s->code, err, errsz);
		if (!in) {
			log_error("modules: %s not enabled: %s", name, err);
			rc = CRS_EFAIL;
			goto out;
		}
		pthread_rwlock_wrlock(&reg.lock);
		s->cur = in;
		s->enabled = 1;
		pthread_rwlock_unlock(&reg.lock);
		log_info("modules: %s enabled", name);
	}
	rc = answer(s, fn, arg);
out:
	pthread_mutex_unlock(&reg.admin);
	return rc;
}

int modules_disable(const char *name, modules_view_fn fn, void *arg, char *err,
                    size_t errsz)
{
	struct plugin_instance *old;
	struct slot *s;
	int rc = CRS_OK;

	pthread_mutex_lock(&reg.admin);
	s = slot_find(name);
	if (!s) {
		rc = not_found(name, err, errsz);
		goto out;
	}
	pthread_rwlock_wrlock(&reg.lock);
	old = s->cur;
	s->enabled = 0;
	/* No new payments from now on; the payments reconciler finishes the
	 * drain when none is open any more (modules_drained). */
	if (old && pays(s)) {
		s->draining = 1;
		old = NULL;
	} else {
		s->cur = NULL;
	}
	pthread_rwlock_unlock(&reg.lock);
	if (old) {
		instance_retire(old);
		log_info("modules: %s disabled", name);
	} else if (s->draining) {
		log_info("modules: %s draining: no new payments; open ones finish", name);
	}
	rc = answer(s, fn, arg);
out:
	pthread_mutex_unlock(&reg.admin);
	return rc;
}

void modules_each_draining(modules_drain_fn fn, void *arg)
{
	struct plugin_instance *pinned[MAX_SLOTS];
	char names[MAX_SLOTS][64];
	size_t i, n = 0;

	/* Pinned and named under the lock; fn asks the database outside it. */
	pthread_rwlock_rdlock(&reg.lock);
	for (i = 0; i < reg.n_slots; i++) {
		if (!reg.slots[i]->draining || !reg.slots[i]->cur)
			continue;
		pinned[n] = reg.slots[i]->cur;
		atomic_fetch_add(&pinned[n]->inflight, 1);
		snprintf(names[n], sizeof(names[n]), "%s", reg.slots[i]->name);
		n++;
	}
	pthread_rwlock_unlock(&reg.lock);
	for (i = 0; i < n; i++) {
		fn(names[i], loader_desc(pinned[i]->code), arg);
		modules_unpin(pinned[i]);
	}
}

void modules_drained(const char *module)
{
	struct plugin_instance *old = NULL;
	struct slot *s;

	pthread_mutex_lock(&reg.admin);
	pthread_rwlock_wrlock(&reg.lock);
	s = slot_find(module);
	if (s && s->draining) {
		old = s->cur;
		s->cur = NULL;
		s->draining = 0;
	} else {
		s = NULL;
	}
	pthread_rwlock_unlock(&reg.lock);
	if (s) {
		instance_retire(old);
		log_info("modules: %s drained: no open payment left; disabled", module);
	}
	pthread_mutex_unlock(&reg.admin);
}

/* Load src's code and copy its routes, checked against the other slots. */
static struct plugin_code *prepare(const char *src, const char *name,
                                   const struct slot *self,
                                   struct module_route **routes, char *err,
                                   size_t errsz)
{
	struct plugin_code *code = loader_load(src, name, err, errsz);
	int rc;

	*routes = NULL;
	if (!code)
		return NULL;
	if (routes_copy(loader_desc(code), routes)) {
		snprintf(err, errsz, "out of memory");
		loader_unref(code);
		return NULL;
	}
	pthread_rwlock_rdlock(&reg.lock);
	rc = routes_conflict(loader_desc(code), *routes, self, err, errsz);
	pthread_rwlock_unlock(&reg.lock);
	if (rc) {
		routes_free(*routes, loader_desc(code)->n_routes);
		*routes = NULL;
		loader_unref(code);
		return NULL;
	}
	return code;
}

int modules_reload(const char *name, modules_view_fn fn, void *arg, char *err,
                   size_t errsz)
{
	struct plugin_code *code = NULL, *old_code;
	struct plugin_instance *in = NULL, *old;
	struct module_route *routes = NULL;
	struct slot *s;
	int rc = CRS_EFAIL;

	pthread_mutex_lock(&reg.admin);
	s = slot_find(name);
	if (!s) {
		rc = not_found(name, err, errsz);
		goto out;
	}
	code = prepare(s->src_path, s->name, s, &routes, err, errsz);
	if (!code)
		goto refused;
	if (s->enabled) {
		in = instance_new(s, code, err, errsz);
		if (!in)
			goto refused;
	}
	pthread_rwlock_wrlock(&reg.lock);
	old = s->cur;
	old_code = s->code;
	routes_free(s->routes, s->n_routes);
	s->routes = routes;
	s->n_routes = loader_desc(code)->n_routes;
	s->code = code;
	s->cur = in;
	pthread_rwlock_unlock(&reg.lock);
	instance_retire(old);
	loader_unref(old_code);
	log_info("modules: %s reloaded (version %s)", name,
	         loader_desc(code)->version ? loader_desc(code)->version : "?");
	rc = answer(s, fn, arg);
	goto out;
refused:
	log_error("modules: reload of %s refused: %s", name, err);
	if (code)
		routes_free(routes, loader_desc(code)->n_routes);
	loader_unref(code);
	rc = CRS_EFAIL;
out:
	pthread_mutex_unlock(&reg.admin);
	return rc;
}

int modules_load(const char *what, modules_view_fn fn, void *arg, char *err,
                 size_t errsz)
{
	char src[PATH_MAX], name[64];
	struct plugin_code *code = NULL;
	struct slot *s = NULL;
	int rc = CRS_EFAIL;

	pthread_mutex_lock(&reg.admin);
	if (loader_resolve(what, src, name, err, errsz))
		goto refused;
	if (slot_find(name)) {
		snprintf(err, errsz, "a module named %s is already loaded", name);
		rc = CRS_ECONFLICT;
		goto refused;
	}
	if (reg.n_slots == MAX_SLOTS) {
		snprintf(err, errsz, "too many modules");
		goto refused;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errsz, "out of memory");
		goto refused;
	}
	snprintf(s->name, sizeof(s->name), "%s", name);
	snprintf(s->src_path, sizeof(s->src_path), "%s", src);
	code = prepare(src, name, NULL, &s->routes, err, errsz);
	if (!code)
		goto refused;
	s->code = code;
	s->n_routes = loader_desc(code)->n_routes;
	s->cur = instance_new(s, code, err, errsz);
	if (!s->cur)
		goto refused;
	s->enabled = 1;
	pthread_rwlock_wrlock(&reg.lock);
	reg.slots[reg.n_slots++] = s;
	pthread_rwlock_unlock(&reg.lock);
	log_info("modules: %s %s loaded from %s", name,
	         loader_desc(code)->version ? loader_desc(code)->version : "", src);
	rc = answer(s, fn, arg);
	goto out;
refused:
	log_error("modules: refused %s: %s", what, err);
	if (s)
		routes_free(s->routes, s->n_routes);
	free(s);
	loader_unref(code);
	if (rc == CRS_OK)
		rc = CRS_EFAIL;
out:
	pthread_mutex_unlock(&reg.admin);
	return rc;
}
