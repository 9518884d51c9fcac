/*
 * modules: plugin loading, validation, slots, pinning and draining (see
 * modules.h).
 */
#include "config.h"

#include "modules.h"
#include "admin.h"
#include "conf.h"
#include "jobs.h"
#include "log.h"
#include "request.h"
#include "router.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <ltdl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_SLOTS 64

/* One loaded copy of a plugin's code, shared by a slot and its instances. */
struct plugin_code {
	lt_dlhandle handle;
	const struct crs_plugin *desc;
	char copy_path[PATH_MAX];
	char copy_dir[PATH_MAX];
	_Atomic int refs;
};

struct route_entry {
	char *method;
	char *path;
	size_t index;          /* into the code's desc->routes */
	int admin;
};

struct slot;

struct plugin_instance {
	struct crs_plugin_ctx ctx;   /* handed to the plugin as its pctx */
	struct slot *slot;
	struct plugin_code *code;
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
	struct route_entry *routes;
	size_t n_routes;
};

static struct {
	pthread_rwlock_t lock;      /* slots and their current instances */
	pthread_mutex_t admin;      /* one admin operation at a time */
	pthread_mutex_t lt;         /* libltdl is not thread-safe */
	pthread_mutex_t grave_mu;
	struct slot *slots[MAX_SLOTS];
	size_t n_slots;
	struct plugin_instance *grave;
	const struct conf *cfg;
	const struct crs_api *api;
	char plugin_dir[PATH_MAX];
	char run_dir[PATH_MAX];
	unsigned gen;
} reg = {
	.admin = PTHREAD_MUTEX_INITIALIZER,
	.lt = PTHREAD_MUTEX_INITIALIZER,
	.grave_mu = PTHREAD_MUTEX_INITIALIZER,
};

/* ---- code ---------------------------------------------------------- */

static void code_unref(struct plugin_code *code)
{
	if (!code || atomic_fetch_sub(&code->refs, 1) != 1)
		return;
	pthread_mutex_lock(&reg.lt);
	if (code->handle)
		lt_dlclose(code->handle);
	pthread_mutex_unlock(&reg.lt);
	unlink(code->copy_path);
	rmdir(code->copy_dir);
	free(code);
}

static int copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in, out, rc = -1;
	ssize_t n;

	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0500);
	if (out < 0)
		goto out_in;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			goto out_out;
	rc = n == 0 ? 0 : -1;
out_out:
	close(out);
out_in:
	close(in);
	return rc;
}

static int valid_name(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n < 64 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

static int known_method(const char *m)
{
	return m && (!strcmp(m, "GET") || !strcmp(m, "POST") || !strcmp(m, "PUT") ||
	             !strcmp(m, "DELETE"));
}

/* The descriptor rules of the ABI, checked in order; one reason on refusal. */
static int validate(const struct crs_plugin *d, const char *expect_name,
                    char *err, size_t errsz)
{
	size_t i;

	if (d->magic != CRS_PLUGIN_MAGIC) {
		snprintf(err, errsz, "bad magic 0x%08x (not a CRS plugin)", d->magic);
		return -1;
	}
	if (d->abi_major != CRS_ABI_MAJOR) {
		snprintf(err, errsz, "ABI major %u, crsd speaks %u", d->abi_major,
		         CRS_ABI_MAJOR);
		return -1;
	}
	if (d->abi_minor > CRS_ABI_MINOR) {
		snprintf(err, errsz, "built for ABI %u.%u, newer than crsd's %u.%u",
		         d->abi_major, d->abi_minor, CRS_ABI_MAJOR, CRS_ABI_MINOR);
		return -1;
	}
	if (d->struct_size < sizeof(struct crs_plugin)) {
		snprintf(err, errsz, "descriptor size %u smaller than ABI 1.0's %zu",
		         d->struct_size, sizeof(struct crs_plugin));
		return -1;
	}
	if (!d->build_sig || strcmp(d->build_sig, CRS_BUILD_SIG) != 0) {
		snprintf(err, errsz, "build signature '%s' differs from '%s'",
		         d->build_sig ? d->build_sig : "", CRS_BUILD_SIG);
		return -1;
	}
	if (!d->name || !valid_name(d->name) || strcmp(d->name, expect_name) != 0) {
		snprintf(err, errsz, "name '%s' must be [a-z0-9_]+ and equal the file "
		         "name '%s'", d->name ? d->name : "", expect_name);
		return -1;
	}
	if (!d->init || !d->destroy) {
		snprintf(err, errsz, "init and destroy are mandatory");
		return -1;
	}
	if (!d->n_routes && !d->gateway) {
		snprintf(err, errsz, "declares neither routes nor a gateway");
		return -1;
	}
	for (i = 0; i < d->n_routes; i++) {
		const struct crs_route *r = &d->routes[i];

		if (!known_method(r->method) || !r->path || r->path[0] != '/' ||
		    !r->handler ||
		    (r->auth == CRS_AUTH_BEARER && (!r->role || !*r->role)) ||
		    r->auth > CRS_AUTH_BEARER) {
			snprintf(err, errsz, "route %zu is malformed", i);
			return -1;
		}
	}
	if (d->gateway && (d->gateway->struct_size < sizeof(struct crs_gateway_ops) ||
	                   !d->gateway->name || !d->gateway->request_token ||
	                   !d->gateway->describe_redirect ||
	                   !d->gateway->parse_callback || !d->gateway->verify)) {
		snprintf(err, errsz, "gateway ops incomplete");
		return -1;
	}
	return 0;
}

/* Trust only files in the plugin directory, owned by us or root and not
 * writable by others. */
static int resolve_source(const char *what, char *out, char *name, char *err,
                          size_t errsz)
{
	char cand[PATH_MAX], real[PATH_MAX];
	const char *base, *dot;
	struct stat st;
	size_t dl = strlen(reg.plugin_dir);

	if (strchr(what, '/') ? str_fmt(cand, sizeof(cand), "%s", what)
	                      : str_fmt(cand, sizeof(cand), "%s/%s.so",
	                                reg.plugin_dir, what)) {
		snprintf(err, errsz, "plugin path too long");
		return -1;
	}
	if (!realpath(cand, real)) {
		snprintf(err, errsz, "%s: no such plugin file", cand);
		return -1;
	}
	if (strncmp(real, reg.plugin_dir, dl) != 0 || real[dl] != '/' ||
	    strchr(real + dl + 1, '/')) {
		snprintf(err, errsz, "%s is not in the plugin directory %s", real,
		         reg.plugin_dir);
		return -1;
	}
	if (stat(real, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errsz, "%s is not a regular file", real);
		return -1;
	}
	if ((st.st_uid != 0 && st.st_uid != geteuid()) || (st.st_mode & 022)) {
		snprintf(err, errsz, "%s must be owned by root or crsd's user and not "
		         "group- or world-writable", real);
		return -1;
	}
	base = real + dl + 1;
	dot = strrchr(base, '.');
	if (!dot || strcmp(dot, ".so") != 0 || (size_t)(dot - base) >= 64) {
		snprintf(err, errsz, "%s: expected NAME.so", base);
		return -1;
	}
	memcpy(name, base, (size_t)(dot - base));
	name[dot - base] = '\0';
	snprintf(out, PATH_MAX, "%s", real);
	return 0;
}

static struct plugin_code *code_load(const char *src, const char *name,
                                     char *err, size_t errsz)
{
	struct plugin_code *code = calloc(1, sizeof(*code));
	const struct crs_plugin *(*entry)(void);
	lt_dladvise adv;
	unsigned gen;

	if (!code) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	atomic_init(&code->refs, 1);
	pthread_mutex_lock(&reg.lt);
	gen = ++reg.gen;
	pthread_mutex_unlock(&reg.lt);
	/* A fresh path per load: libltdl and the dynamic linker return the
	 * already-mapped object for a path they have seen. */
	if (str_fmt(code->copy_dir, sizeof(code->copy_dir), "%s/plugins/%ld-%u",
	            reg.run_dir, (long)getpid(), gen) ||
	    str_fmt(code->copy_path, sizeof(code->copy_path), "%s/%s.so",
	            code->copy_dir, name) ||
	    mkdir(code->copy_dir, 0700) != 0 || copy_file(src, code->copy_path)) {
		snprintf(err, errsz, "cannot stage %s into %s", src, code->copy_dir);
		goto fail;
	}
	pthread_mutex_lock(&reg.lt);
	if (lt_dladvise_init(&adv) == 0) {
		lt_dladvise_local(&adv);
		code->handle = lt_dlopenadvise(code->copy_path, adv);
		lt_dladvise_destroy(&adv);
	}
	if (!code->handle) {
		snprintf(err, errsz, "cannot load: %s", lt_dlerror());
		pthread_mutex_unlock(&reg.lt);
		goto fail;
	}
	*(void **)&entry = lt_dlsym(code->handle, "crs_plugin_entry");
	if (!entry) {
		snprintf(err, errsz, "no entry symbol crs_plugin_entry");
		pthread_mutex_unlock(&reg.lt);
		goto fail;
	}
	pthread_mutex_unlock(&reg.lt);
	code->desc = entry();
	if (!code->desc) {
		snprintf(err, errsz, "crs_plugin_entry returned NULL");
		goto fail;
	}
	if (validate(code->desc, name, err, errsz))
		goto fail;
	return code;
fail:
	code_unref(code);
	return NULL;
}

/* ---- instances ---------------------------------------------------------- */

static struct plugin_instance *instance_new(struct slot *slot,
                                            struct plugin_code *code,
                                            char *err, size_t errsz)
{
	struct plugin_instance *in = calloc(1, sizeof(*in));
	struct crs_err perr = { { 0 } };
	int rc;

	if (!in) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	in->ctx.inst = in;
	in->slot = slot;
	in->code = code;
	pthread_mutex_init(&in->serial, NULL);
	atomic_fetch_add(&code->refs, 1);
	rc = code->desc->init(reg.api, &in->ctx, &in->data, &perr);
	if (rc != CRS_OK) {
		snprintf(err, errsz, "init failed (%d): %s", rc,
		         perr.msg[0] ? perr.msg : "no reason given");
		jobs_cancel_owner(in);
		code_unref(code);
		pthread_mutex_destroy(&in->serial);
		free(in);
		return NULL;
	}
	return in;
}

static void instance_destroy(struct plugin_instance *in)
{
	in->code->desc->destroy(in->data);
	code_unref(in->code);
	pthread_mutex_destroy(&in->serial);
	free(in);
}

/* Stop new work of an instance no longer reachable by dispatch, and park it
 * until it has drained. */
static void instance_retire(struct plugin_instance *in)
{
	if (!in)
		return;
	atomic_store(&in->cancelled, 1);
	if (in->code->desc->quiesce)
		in->code->desc->quiesce(in->data);
	jobs_cancel_owner(in);
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
		instance_destroy(in);
	}
}

/* ---- slots and routes --------------------------------------------------- */

static void routes_free(struct route_entry *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(r[i].method);
		free(r[i].path);
	}
	free(r);
}

static int routes_copy(const struct crs_plugin *d, struct route_entry **out)
{
	struct route_entry *r = calloc(d->n_routes + 1, sizeof(*r));
	size_t i;

	if (!r)
		return -1;
	for (i = 0; i < d->n_routes; i++) {
		r[i].method = strdup(d->routes[i].method);
		r[i].path = strdup(d->routes[i].path);
		r[i].index = i;
		r[i].admin = router_is_admin_path(d->routes[i].path);
		if (!r[i].method || !r[i].path) {
			routes_free(r, i + 1);
			return -1;
		}
	}
	*out = r;
	return 0;
}

/* Refuse routes that another slot already serves.  Caller holds a lock. */
static int routes_conflict(const struct crs_plugin *d, const struct slot *self,
                           char *err, size_t errsz)
{
	size_t s, i, j;

	for (i = 0; i < d->n_routes; i++)
		for (j = 0; j < n_core_routes; j++)
			if (!strcmp(d->routes[i].method, core_routes[j].method) &&
			    router_overlap(d->routes[i].path, core_routes[j].path)) {
				snprintf(err, errsz, "route %s %s is the core's",
				         d->routes[i].method, d->routes[i].path);
				return -1;
			}

	for (s = 0; s < reg.n_slots; s++) {
		const struct slot *o = reg.slots[s];

		if (o == self)
			continue;
		for (i = 0; i < d->n_routes; i++)
			for (j = 0; j < o->n_routes; j++)
				if (!strcmp(d->routes[i].method, o->routes[j].method) &&
				    router_overlap(d->routes[i].path, o->routes[j].path)) {
					snprintf(err, errsz, "route %s %s is already served "
					         "by %s", d->routes[i].method,
					         d->routes[i].path, o->name);
					return -1;
				}
		if (d->gateway && o->code && o->code->desc->gateway &&
		    !strcmp(d->gateway->name, o->code->desc->gateway->name)) {
			snprintf(err, errsz, "gateway %s is already served by %s",
			         d->gateway->name, o->name);
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
static struct json_object *slot_json(const struct slot *s)
{
	struct json_object *o = json_object_new_object(), *routes;
	const struct crs_plugin *d = s->code->desc;
	char abi[16];
	size_t i;

	if (!o)
		return NULL;
	snprintf(abi, sizeof(abi), "%u.%u", d->abi_major, d->abi_minor);
	json_object_object_add(o, "name", json_object_new_string(s->name));
	json_object_object_add(o, "version",
	                       json_object_new_string(d->version ? d->version : ""));
	json_object_object_add(o, "abi", json_object_new_string(abi));
	json_object_object_add(o, "state", json_object_new_string(
		s->enabled ? "enabled" : s->draining ? "draining" : "disabled"));
	json_object_object_add(o, "in_flight", json_object_new_int(inflight_of(s)));
	if (d->gateway)
		json_object_object_add(o, "gateway",
		                       json_object_new_string(d->gateway->name));
	routes = json_object_new_array();
	for (i = 0; routes && i < s->n_routes; i++) {
		char line[512];

		snprintf(line, sizeof(line), "%s %s", s->routes[i].method,
		         s->routes[i].path);
		json_object_array_add(routes, json_object_new_string(line));
	}
	json_object_object_add(o, "routes", routes);
	return o;
}

static struct json_object *slot_json_locked(const struct slot *s)
{
	struct json_object *o;

	pthread_rwlock_rdlock(&reg.lock);
	o = slot_json(s);
	pthread_rwlock_unlock(&reg.lock);
	return o;
}

/* ---- public: init and dispatch ----------------------------------------- */

int modules_init(const struct conf *cfg, const struct crs_api *api)
{
	pthread_rwlockattr_t attr;
	const char *dir = conf_get(cfg, "core", "plugin_dir", NULL);
	const char *run = conf_get(cfg, "core", "run_dir", NULL);
	char path[PATH_MAX];

	reg.cfg = cfg;
	reg.api = api;
	if (!dir || !realpath(dir, reg.plugin_dir)) {
		log_error("modules: [core] plugin_dir missing or not found: %s",
		          dir ? dir : "(unset)");
		return -1;
	}
	if (!run || !realpath(run, reg.run_dir)) {
		log_error("modules: [core] run_dir missing or not found");
		return -1;
	}
	if (str_fmt(path, sizeof(path), "%s/plugins", reg.run_dir) ||
	    (mkdir(path, 0700) != 0 && errno != EEXIST)) {
		log_error("modules: cannot create %s", path);
		return -1;
	}
	/* Writers (admin) must not starve behind a steady stream of readers. */
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr,
	                              PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&reg.lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	if (lt_dlinit() != 0) {
		log_error("modules: lt_dlinit failed: %s", lt_dlerror());
		return -1;
	}
	return 0;
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
		struct json_object *o = NULL;

		/* modules_load logs a refusal itself. */
		modules_load(name, &o, err, sizeof(err));
		json_object_put(o);
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
		code_unref(reg.slots[i]->code);
		routes_free(reg.slots[i]->routes, reg.slots[i]->n_routes);
		free(reg.slots[i]);
	}
	reg.n_slots = 0;
	pthread_mutex_unlock(&reg.admin);
	pthread_mutex_lock(&reg.lt);
	lt_dlexit();
	pthread_mutex_unlock(&reg.lt);
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
			struct route_entry *e = &sl->routes[i];

			if (e->admin != req->admin_listener ||
			    !router_match(req, e->path, req->path))
				continue;
			if (strcmp(e->method, req->method) != 0) {
				rc = ROUTE_BAD_METHOD;
				continue;
			}
			req->route = arena_strdup(&req->arena, e->path);
			req->plugin = sl->name;
			if (!sl->enabled || !sl->cur) {
				rc = ROUTE_DISABLED;
				goto out;
			}
			/* Pinned under the read lock: a writer that swaps the
			 * instance afterwards sees this count. */
			atomic_fetch_add(&sl->cur->inflight, 1);
			*inst = sl->cur;
			*route = &sl->cur->code->desc->routes[e->index];
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
	return !(inst->code->desc->flags & CRS_PLUGIN_THREAD_SAFE);
}

void modules_inst_lock(struct plugin_instance *inst)
{
	pthread_mutex_lock(&inst->serial);
}

void modules_inst_unlock(struct plugin_instance *inst)
{
	pthread_mutex_unlock(&inst->serial);
}

struct plugin_instance *modules_gateway_pin(const char *name, int for_new,
                                            const struct crs_gateway_ops **ops,
                                            void **inst_data)
{
	struct plugin_instance *found = NULL;
	size_t s;

	pthread_rwlock_rdlock(&reg.lock);
	for (s = 0; s < reg.n_slots; s++) {
		struct slot *sl = reg.slots[s];
		const struct crs_gateway_ops *g;

		if (!sl->cur || !(sl->enabled || (!for_new && sl->draining)))
			continue;
		g = sl->cur->code->desc->gateway;
		if (g && strcmp(g->name, name) == 0) {
			atomic_fetch_add(&sl->cur->inflight, 1);
			found = sl->cur;
			*ops = g;
			*inst_data = sl->cur->data;
			break;
		}
	}
	pthread_rwlock_unlock(&reg.lock);
	return found;
}

struct json_object *modules_gateways_json(void)
{
	struct json_object *arr = json_object_new_array();
	size_t s;

	pthread_rwlock_rdlock(&reg.lock);
	for (s = 0; arr && s < reg.n_slots; s++) {
		struct slot *sl = reg.slots[s];
		const struct crs_gateway_ops *g;
		struct json_object *o;

		if (!sl->enabled || !sl->cur || !(g = sl->cur->code->desc->gateway))
			continue;
		o = json_object_new_object();
		json_object_object_add(o, "name", json_object_new_string(g->name));
		json_object_object_add(o, "title",
		                       json_object_new_string(g->title ? g->title : g->name));
		json_object_array_add(arr, o);
	}
	pthread_rwlock_unlock(&reg.lock);
	return arr;
}

/* ---- public: admin operations ------------------------------------------- */

static int not_found(const char *name, char *err, size_t errsz)
{
	snprintf(err, errsz, "no module named %s", name);
	return CRS_ENOTFOUND;
}

int modules_enable(const char *name, struct json_object **out, char *err,
                   size_t errsz)
{
	struct slot *s;
	struct plugin_instance *in;
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
	*out = slot_json_locked(s);
out:
	pthread_mutex_unlock(&reg.admin);
	return rc;
}

int modules_disable(const char *name, struct json_object **out, char *err,
                    size_t errsz)
{
	struct slot *s;
	struct plugin_instance *old;
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
	 * drain when none is open any more (modules_gateway_drained). */
	if (old && s->code->desc->gateway) {
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
	*out = slot_json_locked(s);
out:
	pthread_mutex_unlock(&reg.admin);
	return rc;
}

void modules_draining_gateways(char *out, size_t outsz)
{
	size_t i, len = 0;

	out[0] = '\0';
	pthread_rwlock_rdlock(&reg.lock);
	for (i = 0; i < reg.n_slots; i++) {
		struct slot *s = reg.slots[i];
		int n;

		if (!s->draining || !s->code->desc->gateway)
			continue;
		n = snprintf(out + len, outsz - len, "%s%s", len ? " " : "",
		             s->code->desc->gateway->name);
		if (n < 0 || (size_t)n >= outsz - len)
			break;
		len += (size_t)n;
	}
	pthread_rwlock_unlock(&reg.lock);
}

void modules_gateway_drained(const char *gateway)
{
	struct plugin_instance *old = NULL;
	struct slot *s = NULL;
	size_t i;

	pthread_mutex_lock(&reg.admin);
	pthread_rwlock_wrlock(&reg.lock);
	for (i = 0; i < reg.n_slots; i++) {
		struct slot *c = reg.slots[i];

		if (c->draining && c->code->desc->gateway &&
		    strcmp(c->code->desc->gateway->name, gateway) == 0) {
			s = c;
			old = c->cur;
			c->cur = NULL;
			c->draining = 0;
		}
	}
	pthread_rwlock_unlock(&reg.lock);
	if (s) {
		instance_retire(old);
		log_info("modules: %s drained: no open payment left; disabled",
		         s->name);
	}
	pthread_mutex_unlock(&reg.admin);
}

int modules_reload(const char *name, struct json_object **out, char *err,
                   size_t errsz)
{
	struct slot *s;
	struct plugin_code *code = NULL, *old_code;
	struct plugin_instance *in = NULL, *old;
	struct route_entry *routes = NULL;
	int rc = CRS_EFAIL;

	pthread_mutex_lock(&reg.admin);
	s = slot_find(name);
	if (!s) {
		rc = not_found(name, err, errsz);
		goto out;
	}
	code = code_load(s->src_path, s->name, err, errsz);
	if (!code)
		goto refused;
	pthread_rwlock_rdlock(&reg.lock);
	rc = routes_conflict(code->desc, s, err, errsz);
	pthread_rwlock_unlock(&reg.lock);
	if (rc || routes_copy(code->desc, &routes)) {
		rc = CRS_EFAIL;
		goto refused;
	}
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
	s->n_routes = code->desc->n_routes;
	s->code = code;
	s->cur = in;
	pthread_rwlock_unlock(&reg.lock);
	instance_retire(old);
	code_unref(old_code);
	log_info("modules: %s reloaded (version %s)", name,
	         code->desc->version ? code->desc->version : "?");
	*out = slot_json_locked(s);
	rc = CRS_OK;
	goto out;
refused:
	log_error("modules: reload of %s refused: %s", name, err);
	routes_free(routes, code ? code->desc->n_routes : 0);
	code_unref(code);
	rc = CRS_EFAIL;
out:
	pthread_mutex_unlock(&reg.admin);
	return rc;
}

int modules_load(const char *what, struct json_object **out, char *err,
                 size_t errsz)
{
	char src[PATH_MAX], name[64];
	struct plugin_code *code = NULL;
	struct slot *s = NULL;
	int rc = CRS_EFAIL;

	pthread_mutex_lock(&reg.admin);
	if (resolve_source(what, src, name, err, errsz))
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
	code = code_load(src, name, err, errsz);
	if (!code)
		goto refused;
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errsz, "out of memory");
		goto refused;
	}
	snprintf(s->name, sizeof(s->name), "%s", name);
	snprintf(s->src_path, sizeof(s->src_path), "%s", src);
	s->code = code;
	pthread_rwlock_rdlock(&reg.lock);
	rc = routes_conflict(code->desc, NULL, err, errsz);
	pthread_rwlock_unlock(&reg.lock);
	if (rc || routes_copy(code->desc, &s->routes)) {
		rc = CRS_EFAIL;
		goto refused;
	}
	s->n_routes = code->desc->n_routes;
	s->cur = instance_new(s, code, err, errsz);
	if (!s->cur)
		goto refused;
	s->enabled = 1;
	pthread_rwlock_wrlock(&reg.lock);
	reg.slots[reg.n_slots++] = s;
	pthread_rwlock_unlock(&reg.lock);
	log_info("modules: %s %s loaded from %s", name,
	         code->desc->version ? code->desc->version : "", src);
	*out = slot_json_locked(s);
	rc = CRS_OK;
	goto out;
refused:
	log_error("modules: refused %s: %s", what, err);
	if (s)
		routes_free(s->routes, s->n_routes);
	free(s);
	code_unref(code);
	if (rc == CRS_OK)
		rc = CRS_EFAIL;
out:
	pthread_mutex_unlock(&reg.admin);
	return rc;
}

struct json_object *modules_list_json(void)
{
	struct json_object *arr = json_object_new_array();
	size_t i;

	pthread_rwlock_rdlock(&reg.lock);
	for (i = 0; arr && i < reg.n_slots; i++)
		json_object_array_add(arr, slot_json(reg.slots[i]));
	pthread_rwlock_unlock(&reg.lock);
	return arr;
}

struct json_object *modules_health_json(void)
{
	struct json_object *o = json_object_new_object();
	size_t i;

	pthread_rwlock_rdlock(&reg.lock);
	for (i = 0; o && i < reg.n_slots; i++)
		json_object_object_add(o, reg.slots[i]->name,
		                       json_object_new_string(reg.slots[i]->enabled
		                                                      ? "enabled"
		                                                      : "disabled"));
	pthread_rwlock_unlock(&reg.lock);
	return o;
}

void modules_job_hold(struct plugin_instance *inst)
{
	atomic_fetch_add(&inst->jobs, 1);
}

void modules_job_drop(struct plugin_instance *inst)
{
	atomic_fetch_sub(&inst->jobs, 1);
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
