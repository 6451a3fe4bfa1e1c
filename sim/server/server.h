/*
 * server.h: live metrics over HTTP while a run goes (`vswitchsim run --listen`).
 * metrics_text.c turns the model's stats into Prometheus text (a pure function, no
 * sockets); http.c serves it, a status object and the report so far with libevent's
 * evhttp on the run's event_base, polled between sub-slices of the run.
 */
#ifndef VS_SERVER_H
#define VS_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "config/config.h"
#include "model/stats.h"

typedef struct vs_sim vs_sim;

/* Where the run stands, beside its stats. */
typedef struct vs_metrics_info {
    uint64_t sim_time_ns;
    uint64_t run_duration_ns; /* run.duration */
    uint64_t events;
    double wall_time_s;
    bool finished;
} vs_metrics_info;

#define VS_METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* The Prometheus text exposition (format 0.0.4) of the stats: counters, gauges, and
 * latency summaries in seconds, per plugin with a plugin="name" label. A malloc'd
 * string (caller frees), or NULL out of memory. */
char *vs_metrics_text(const vs_config *cfg, const vs_stats *st, const vs_metrics_info *info);

/* --listen's address: "PORT", "HOST:PORT" or "[V6]:PORT", with HOST a numeric address
 * or "localhost". Without `any`, only a loopback address is accepted. Fills host (a
 * numeric address) and port; -1 with a one-line reason in err. */
int vs_server_parse_listen(const char *spec, bool any, char host[64], uint16_t *port,
                           char err[VS_ERROR_MAX]);

typedef struct vs_server vs_server;

/* Binds host:port (port 0: any free one) on sim->evbase, creating the base when there
 * is none, and sets sim->poll to serve requests between sub-slices when it is unset.
 * Prints "vswitchsim: listening on http://HOST:PORT" on stderr. NULL with err. */
vs_server *vs_server_start(vs_sim *sim, const char *host, uint16_t port, char err[VS_ERROR_MAX]);
uint16_t vs_server_port(const vs_server *s);
/* The run is over (the sim is still alive): /status says "finished"; with linger > 0
 * keep serving the final numbers for that many wall seconds. */
void vs_server_finish(vs_server *s, double linger);
/* Closes the listener and its connections, and unhooks the sim (before vs_sim_free). */
void vs_server_free(vs_server *s);

#endif /* VS_SERVER_H */
