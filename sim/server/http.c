/*
 * http.c: the --listen endpoint. evhttp on the run's event_base: in discrete-event time
 * the run polls the base (EVLOOP_NONBLOCK) between sub-slices of a few ms of wall time,
 * so a request waits at most that long and the run's results do not change. Every
 * response is built from the stats in memory on the run's own thread; a slow client only
 * holds its own connection, and evhttp's timeout drops it.
 *
 *   GET /metrics  Prometheus text (metrics_text.c)
 *   GET /status   {"state", "progress", "sim_time_s", ...}
 *   GET /report   the JSON report so far (vs_report_build on the current stats)
 */
#include "base/clock.h"
#include "server/server.h"

#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>

#include "model/realtime.h"
#include "model/sim.h"
#include "report/report.h"

enum {
    MAX_HEADERS_SIZE = 8192, /* request line and headers: over it, 413 */
    MAX_BODY_SIZE = 1024,    /* GET has none */
    TIMEOUT_S = 10           /* a connection idle or slow this long is closed */
};

struct vs_server {
    vs_sim *sim;
    struct event_base *base;
    bool own_base, own_poll;
    struct evhttp *http;
    char host[64];
    uint16_t port;
    double started, ended; /* wall */
    bool finished;
    uint64_t requests;
};

/* ---- --listen's address ------------------------------------------------------------ */

static bool loopback(const char *host)
{
    struct in_addr a4;
    struct in6_addr a6;
    if (inet_pton(AF_INET, host, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    return inet_pton(AF_INET6, host, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

int vs_server_parse_listen(const char *spec, bool any, char host[64], uint16_t *port,
                           char err[VS_ERROR_MAX])
{
    const char *colon = strrchr(spec, ':'), *p = colon ? colon + 1 : spec;
    size_t hl = colon ? (size_t)(colon - spec) : 0;
    if (!colon)
        strcpy(host, "127.0.0.1");
    else {
        if (hl >= 2 && spec[0] == '[' && spec[hl - 1] == ']')
            spec++, hl -= 2;
        if (hl == 0 || hl >= 64)
            return snprintf(err, VS_ERROR_MAX, "--listen %s: expected PORT or ADDRESS:PORT", spec),
                   -1;
        memcpy(host, spec, hl);
        host[hl] = '\0';
        if (strcmp(host, "localhost") == 0)
            strcpy(host, "127.0.0.1");
    }
    char *end;
    long n = strtol(p, &end, 10);
    if (*p < '0' || *p > '9' || *end != '\0' || n < 0 || n > 65535)
        return snprintf(err, VS_ERROR_MAX, "--listen: port \"%s\" is not a number from 0 to 65535",
                        p),
               -1;
    *port = (uint16_t)n;
    struct in_addr a4;
    struct in6_addr a6;
    if (inet_pton(AF_INET, host, &a4) != 1 && inet_pton(AF_INET6, host, &a6) != 1)
        return snprintf(err, VS_ERROR_MAX, "--listen: \"%s\" is not a numeric IPv4 or IPv6 address",
                        host),
               -1;
    if (!any && !loopback(host))
        return snprintf(err, VS_ERROR_MAX,
                        "--listen %s: not a loopback address; the endpoint has no authentication, "
                        "add --listen-any to serve it on %s anyway",
                        host, host),
               -1;
    return 0;
}

/* ---- Responses --------------------------------------------------------------------- */

static vs_run_info run_info(const vs_server *s)
{
    return (vs_run_info){.sim_time_ns = vs_sim_now(s->sim),
                         .events = vs_engine_events_run(s->sim->engine),
                         .wall_time_s = (s->finished ? s->ended : vs_wall_s()) - s->started,
                         .interrupted = s->sim->interrupted};
}

static void reply(struct evhttp_request *req, int code, const char *reason, const char *type,
                  const char *body, size_t len)
{
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    evhttp_add_header(h, "Content-Type", type);
    evhttp_add_header(h, "Cache-Control", "no-store");
    struct evbuffer *b = evbuffer_new();
    if (!b || evbuffer_add(b, body, len) != 0) {
        evbuffer_free(b);
        evhttp_send_error(req, 500, "Out of memory");
        return;
    }
    evhttp_send_reply(req, code, reason, b);
    evbuffer_free(b);
}

static void reply_json(struct evhttp_request *req, json_t *o, size_t flags)
{
    char *text = o ? json_dumps(o, flags | JSON_REAL_PRECISION(12)) : NULL;
    json_decref(o);
    if (!text) {
        evhttp_send_error(req, 500, "Out of memory");
        return;
    }
    size_t n = strlen(text);
    text[n] = '\n'; /* the terminating NUL is not sent; the newline replaces it */
    reply(req, 200, "OK", "application/json", text, n + 1);
    free(text);
}

static void get_status(vs_server *s, struct evhttp_request *req)
{
    vs_run_info info = run_info(s);
    const vs_stats *st = &s->sim->stats;
    double dur = (double)s->sim->cfg->run.duration / 1e9, t = (double)info.sim_time_ns / 1e9;
    double progress = s->finished ? 1.0 : dur > 0 ? fmin(t / dur, 1.0) : 0.0;
    /* clang-format off */
    json_t *o = json_pack(
        "{s:s, s:f, s:f, s:f, s:I, s:f, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b}",
        "state", s->finished ? "finished" : "running", "progress", progress,
        "sim_time_s", t, "run_duration_s", dur, "events", (json_int_t)info.events,
        "wall_time_s", info.wall_time_s,
        "migrations_in_flight", (json_int_t)st->migrations_in_flight.total.level,
        "saves_in_flight", (json_int_t)st->saves_in_flight.total.level,
        "pending_completions", (json_int_t)st->pending.total.level,
        "migrations_completed", (json_int_t)st->migrations.completed,
        "migrations_failed", (json_int_t)st->migrations.failed,
        "verifier_violations", (json_int_t)st->violations.total,
        "requests", (json_int_t)s->requests, "interrupted", info.interrupted);
    /* clang-format on */
    reply_json(req, o, JSON_COMPACT);
}

static void get_metrics(vs_server *s, struct evhttp_request *req)
{
    vs_run_info info = run_info(s);
    vs_metrics_info mi = {.sim_time_ns = info.sim_time_ns,
                          .run_duration_ns = s->sim->cfg->run.duration,
                          .events = info.events,
                          .wall_time_s = info.wall_time_s,
                          .finished = s->finished};
    vs_stats_sync(&s->sim->stats);
    char *text = vs_metrics_text(s->sim->cfg, &s->sim->stats, &mi);
    if (!text) {
        evhttp_send_error(req, 500, "Out of memory");
        return;
    }
    reply(req, 200, "OK", VS_METRICS_CONTENT_TYPE, text, strlen(text));
    free(text);
}

/* The report as it would be if the run ended now: no SLO verdicts (slo is []), and
 * hosts' end-of-run numbers only once the run has ended (they are collected then). */
static void get_report(vs_server *s, struct evhttp_request *req)
{
    vs_run_info info = run_info(s);
    vs_stats_sync(&s->sim->stats);
    json_t *r = vs_report_build(s->sim->cfg, &s->sim->stats, &info);
    evhttp_add_header(evhttp_request_get_output_headers(req), "X-Vswitchsim-State",
                      s->finished ? "finished" : "running");
    reply_json(req, r, JSON_INDENT(2));
}

static void handle(struct evhttp_request *req, void *arg)
{
    vs_server *s = arg;
    s->requests++;
    enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
    const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
    if (!path || path[0] != '/') {
        evhttp_send_error(req, 400, "Bad Request");
        return;
    }
    void (*get)(vs_server *, struct evhttp_request *) = strcmp(path, "/metrics") == 0  ? get_metrics
                                                        : strcmp(path, "/status") == 0 ? get_status
                                                        : strcmp(path, "/report") == 0 ? get_report
                                                                                       : NULL;
    if (!get) {
        static const char msg[] = "not found: try /metrics, /status or /report\n";
        reply(req, 404, "Not Found", "text/plain; charset=utf-8", msg, sizeof msg - 1);
        return;
    }
    if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
        static const char msg[] = "method not allowed: GET only\n";
        evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", "GET, HEAD");
        reply(req, 405, "Method Not Allowed", "text/plain; charset=utf-8", msg, sizeof msg - 1);
        return;
    }
    get(s, req);
}

/* ---- The server -------------------------------------------------------------------- */

static void poll_base(void *ctx)
{
    event_base_loop(ctx, EVLOOP_NONBLOCK);
}

vs_server *vs_server_start(vs_sim *sim, const char *host, uint16_t port, char err[VS_ERROR_MAX])
{
    vs_server *s = calloc(1, sizeof *s);
    if (!s)
        return snprintf(err, VS_ERROR_MAX, "out of memory"), NULL;
    s->sim = sim;
    s->started = vs_wall_s();
    s->base = sim->evbase;
    if (!s->base) { /* the one kind of base, which the real-time clock may share */
        s->base = vs_realtime_base_new();
        s->own_base = true;
    }
    s->http = s->base ? evhttp_new(s->base) : NULL;
    if (!s->http) {
        snprintf(err, VS_ERROR_MAX, "--listen: cannot set up libevent's HTTP server");
        goto fail;
    }
    evhttp_set_max_headers_size(s->http, MAX_HEADERS_SIZE);
    evhttp_set_max_body_size(s->http, MAX_BODY_SIZE);
    evhttp_set_timeout(s->http, TIMEOUT_S);
    /* Every method reaches handle(), which answers 405 to all but GET and HEAD (evhttp
     * itself would answer 501 to one outside this set). */
    evhttp_set_allowed_methods(s->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
                                            EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
                                            EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE |
                                            EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH);
    evhttp_set_gencb(s->http, handle, s);
    struct evhttp_bound_socket *bound = evhttp_bind_socket_with_handle(s->http, host, port);
    if (!bound) {
        snprintf(err, VS_ERROR_MAX,
                 "--listen: cannot listen on %s port %u (in use, or not "
                 "an address of this machine)",
                 host, (unsigned)port);
        goto fail;
    }
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    evutil_socket_t fd = evhttp_bound_socket_get_fd(bound);
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
        port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                              : ((struct sockaddr_in *)&ss)->sin_port);
    s->port = port;
    snprintf(s->host, sizeof s->host, "%s", host);
    /* A client that goes away while its response is written must not kill the run:
     * libevent writes with writev, which would raise SIGPIPE. */
    struct sigaction ign = {.sa_handler = SIG_IGN};
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, NULL);
    sim->evbase = s->base;
    if (!sim->poll) {
        sim->poll = poll_base;
        sim->poll_ctx = s->base;
        s->own_poll = true;
    }
    bool v6 = strchr(host, ':') != NULL;
    fprintf(stderr, "vswitchsim: listening on http://%s%s%s:%u\n", v6 ? "[" : "", host,
            v6 ? "]" : "", (unsigned)port);
    return s;
fail:
    if (s->http)
        evhttp_free(s->http);
    if (s->own_base && s->base)
        event_base_free(s->base);
    free(s);
    return NULL;
}

uint16_t vs_server_port(const vs_server *s)
{
    return s->port;
}

void vs_server_finish(vs_server *s, double linger)
{
    if (!s || s->finished)
        return;
    s->finished = true;
    s->ended = vs_wall_s();
    /* Answer what was asked before the end; then, with linger, keep answering. */
    event_base_loop(s->base, EVLOOP_NONBLOCK);
    /* In steps of 0.1 s, so that SIGINT or SIGTERM (the stop flag) cuts it short. */
    double until = s->ended + linger;
    while (linger > 0 && vs_wall_s() < until && !(s->sim->stop && *s->sim->stop)) {
        struct timeval tv = {0, 100000};
        event_base_loopexit(s->base, &tv);
        event_base_dispatch(s->base);
    }
}

void vs_server_free(vs_server *s)
{
    if (!s)
        return;
    if (s->own_poll) {
        s->sim->poll = NULL;
        s->sim->poll_ctx = NULL;
    }
    evhttp_free(s->http);
    if (s->own_base) {
        s->sim->evbase = NULL;
        event_base_free(s->base);
    }
    free(s);
}
