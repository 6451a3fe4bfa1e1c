/*
 * realtime.c: run.clock "realtime" (see realtime.h and docs/scenario.md).
 *
 * One libevent timer drives the engine. At each wakeup simulated "now" is the monotonic
 * time since the start times the speed: the engine runs the events due by then, taking
 * the time-series rows at interval boundaries as run_engine does, and the timer is
 * re-armed for the next event (vs_engine_next_time), the next row or the end, converted
 * back to wall time, and never further than 10 ms ahead so that a stop flag is seen.
 * A wakeup more than VS_RT_LATE_NS after its due time is counted as late, with how late.
 * The clock stops while the progress hook runs (run_hook).
 *
 * The completion inbox. FwpsvSwitchNotifyComplete0(completionContext, status, flags,
 * reserved) carries no handle to the simulation, and a callout's own thread has no
 * thread-local binding (plugin/fwps_exports.c), so a completion from such a thread can
 * only find the run through process-wide state: this inbox, guarded by a mutex. The
 * thread appends (token, status) and, when the inbox was empty, activates the loop's
 * wake event with event_active: libevent's thread support (evthread_use_pthreads,
 * called before the base is made) locks the base and wakes its loop. The loop thread
 * then takes the whole batch and calls vs_wfp_notify_complete for each at the current
 * simulated time. The mutex orders the thread's writes of the out-parameters before the
 * loop's reads of them, and keeps the wake event alive while a thread activates it. One
 * real-time run per process at a time.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <event2/thread.h>

#include "base/clock.h"
#include "base/grow.h"
#include "model/realtime.h"
#include "model/stats.h"

#define MAX_SLEEP_NS 10000000u /* the stop flag is looked at this often, at least */

typedef struct inbox_entry {
    void *token;
    NTSTATUS status;
} inbox_entry;

static struct {
    pthread_mutex_t mu;
    bool open;
    bool signalled; /* the wake event was activated since the loop last took the batch */
    bool oom;       /* a completion was lost for want of memory: the run stops */
    struct event *wake;
    inbox_entry *v;
    size_t n, cap;
} inbox = {.mu = PTHREAD_MUTEX_INITIALIZER};

bool vs_realtime_inbox_push(void *completion_context, NTSTATUS status)
{
    pthread_mutex_lock(&inbox.mu);
    if (!inbox.open) {
        pthread_mutex_unlock(&inbox.mu);
        return false;
    }
    if (VS_GROW(inbox.v, inbox.cap, inbox.n + 1) == 0)
        inbox.v[inbox.n++] = (inbox_entry){completion_context, status};
    else /* the loop thread stops the run (drain_inbox) */
        inbox.oom = true;
    if (!inbox.signalled) { /* under the mutex: the event cannot be freed under us */
        inbox.signalled = true;
        event_active(inbox.wake, EV_READ, 1);
    }
    pthread_mutex_unlock(&inbox.mu);
    return true;
}

typedef struct rt_run {
    vs_sim *sim;
    struct event_base *base;
    struct event *timer, *wake;
    vs_time_t end, step, next_row;
    bool rows;
    uint64_t t0_ns, due_ns; /* wall: start, the timer's due time */
    double speed;
    int rc;
    inbox_entry *batch; /* swapped with the inbox's array */
    size_t batch_cap;
} rt_run;

static vs_time_t sim_target(const rt_run *r, uint64_t wall)
{
    double t = (double)(wall - r->t0_ns) * r->speed;
    return t >= (double)r->end ? r->end : (vs_time_t)t;
}

static bool stopped(const rt_run *r)
{
    return r->sim->stop && *r->sim->stop;
}

/* Calls the progress hook with the clock stopped. The hook's wall time is the
 * simulator's own (a progress line, or the supervisor's snapshot of the report so far,
 * which grows with the time series: 0.6 s at 17,000 rows under TSan), not the model's.
 * Counted as simulated time, it would be a lag the next step catches up with in one
 * advance, without taking completions on the way: a request pended early in that
 * catch-up would time out before its thread's completion could land, whenever the hook
 * took longer than wfp.pending_timeout / speed. So t0 moves forward by the hook's time:
 * a supervised run's simulated time then follows the wall clock as an unsupervised
 * one's does, less the pauses (counted in realtime.paused_ns). Completions that arrive
 * meanwhile wait in the inbox and land at the instant the clock stopped at. */
static void run_hook(rt_run *r)
{
    vs_sim *sim = r->sim;
    uint64_t before = vs_wall_ns();
    sim->progress(sim->progress_ctx, vs_sim_now(sim), sim->cfg->run.duration,
                  vs_engine_events_run(sim->engine));
    uint64_t paused = vs_wall_ns() - before;
    r->t0_ns += paused;
    sim->stats.realtime.paused_ns += paused;
}

/* Runs the engine to `target`, taking rows at the interval boundaries on the way. */
static void advance(rt_run *r, vs_time_t target)
{
    vs_sim *sim = r->sim;
    vs_time_t first = vs_engine_next_time(sim->engine);
    if (first < target && (double)(target - first) / 1e9 > sim->stats.realtime.lag_max_s)
        sim->stats.realtime.lag_max_s = (double)(target - first) / 1e9;
    while (r->rc == 0 && vs_sim_now(sim) < target && vs_engine_pending(sim->engine) > 0) {
        vs_time_t until = r->next_row < target ? r->next_row : target;
        vs_engine_run(sim->engine, until);
        if (until != r->next_row)
            break;
        if (r->rows && vs_sim_now(sim) == r->next_row && vs_sim_series_row(sim, r->next_row) != 0)
            r->rc = -1;
        if (sim->progress)
            run_hook(r);
        r->next_row = r->next_row + r->step < r->next_row ? VS_TIME_MAX : r->next_row + r->step;
    }
}

/* Applies what other threads completed, at the current simulated time. */
static void drain_inbox(rt_run *r)
{
    pthread_mutex_lock(&inbox.mu);
    inbox_entry *v = inbox.v;
    size_t n = inbox.n, cap = inbox.cap;
    inbox.v = r->batch;
    inbox.cap = r->batch_cap;
    inbox.n = 0;
    inbox.signalled = false;
    bool oom = inbox.oom;
    pthread_mutex_unlock(&inbox.mu);
    if (oom)
        vs_sim_out_of_memory(r->sim);
    r->batch = v;
    r->batch_cap = cap;
    vs_realtime_stats *rt = &r->sim->stats.realtime;
    if (n > rt->inbox_peak)
        rt->inbox_peak = n;
    rt->foreign_completions += n;
    for (size_t i = 0; i < n; i++)
        vs_wfp_notify_complete(r->sim, v[i].token, v[i].status);
}

static void arm(rt_run *r)
{
    vs_sim *sim = r->sim;
    vs_time_t due = vs_engine_next_time(sim->engine);
    if (r->next_row < due)
        due = r->next_row;
    if (r->end < due)
        due = r->end;
    uint64_t now = vs_wall_ns();
    double wall = (double)r->t0_ns + (double)due / r->speed;
    uint64_t due_ns = wall >= (double)(now + MAX_SLEEP_NS) ? now + MAX_SLEEP_NS : (uint64_t)wall;
    if (due_ns < now)
        due_ns = now;
    r->due_ns = due_ns;
    uint64_t wait_us = (due_ns - now + 999) / 1000; /* never early */
    struct timeval tv = {(time_t)(wait_us / 1000000), (suseconds_t)(wait_us % 1000000)};
    evtimer_add(r->timer, &tv);
}

/* One step of the run: catch up with the wall clock, apply completions, go on. */
static void step(rt_run *r)
{
    vs_sim *sim = r->sim;
    /* Completions that came in since the last step land first, at the time the loop had
     * reached: were the loop behind, a timeout due meanwhile must not beat a completion
     * that was already delivered. Then those that came in while catching up. */
    drain_inbox(r);
    vs_engine_run(sim->engine, vs_sim_now(sim)); /* what they started at this instant */
    advance(r, sim_target(r, vs_wall_ns()));
    drain_inbox(r);
    vs_engine_run(sim->engine, vs_sim_now(sim));
    if (vs_sim_failed(sim))
        r->rc = -1;
    if (r->rc != 0 || stopped(r) || vs_engine_pending(sim->engine) == 0 ||
        vs_sim_now(sim) >= r->end) {
        event_del(r->timer);
        event_base_loopbreak(r->base);
        return;
    }
    arm(r);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
    rt_run *r = arg;
    vs_realtime_stats *rt = &r->sim->stats.realtime;
    uint64_t now = vs_wall_ns(), late = now > r->due_ns ? now - r->due_ns : 0;
    rt->wakeups++;
    if (late > rt->late_max_ns)
        rt->late_max_ns = late;
    if (late > VS_RT_LATE_NS) {
        static const uint64_t bounds_ms[VS_RT_LATE_BUCKETS - 1] = {2, 5, 10, 50, 100};
        unsigned b = 0;
        while (b < VS_RT_LATE_BUCKETS - 1 && late >= bounds_ms[b] * 1000000u)
            b++;
        rt->late_timers++;
        rt->late_total_ns += late;
        rt->late_hist[b]++;
    }
    step(r);
}

static void on_wake(evutil_socket_t fd, short what, void *arg)
{
    rt_run *r = arg;
    event_del(r->timer);
    step(r);
}

static int open_inbox(rt_run *r)
{
    pthread_mutex_lock(&inbox.mu);
    if (inbox.open) {
        pthread_mutex_unlock(&inbox.mu);
        fprintf(stderr, "vswitchsim: another real-time run is going on in this process\n");
        return -1;
    }
    inbox.open = true;
    inbox.signalled = inbox.oom = false;
    inbox.n = 0;
    inbox.wake = r->wake;
    pthread_mutex_unlock(&inbox.mu);
    return 0;
}

static void close_inbox(void)
{
    pthread_mutex_lock(&inbox.mu);
    inbox.open = false;
    inbox.wake = NULL;
    pthread_mutex_unlock(&inbox.mu);
}

struct event_base *vs_realtime_base_new(void)
{
    evthread_use_pthreads(); /* before the base: other threads activate its events */
    struct event_config *ec = event_config_new();
    if (!ec)
        return NULL;
    event_config_set_flag(ec, EVENT_BASE_FLAG_PRECISE_TIMER);
    struct event_base *b = event_base_new_with_config(ec);
    event_config_free(ec);
    return b;
}

int vs_realtime_run(vs_sim *sim, vs_time_t end)
{
    vs_time_t interval = sim->cfg->metrics.interval;
    rt_run r = {.sim = sim, .end = end, .speed = sim->cfg->run.speed, .rows = interval != 0};
    r.step = interval ? interval : (end / 256 ? end / 256 : 1);
    r.next_row = r.step;
    struct event_base *mine = sim->evbase ? NULL : vs_realtime_base_new();
    r.base = sim->evbase ? sim->evbase : mine;
    r.timer = r.base ? evtimer_new(r.base, on_timer, &r) : NULL;
    /* No descriptor: only event_active from the inbox fires it. */
    r.wake = r.base ? event_new(r.base, -1, EV_PERSIST, on_wake, &r) : NULL;
    if (!r.timer || !r.wake || open_inbox(&r) != 0) {
        if (r.timer)
            event_free(r.timer);
        if (r.wake)
            event_free(r.wake);
        if (mine)
            event_base_free(mine);
        return -1;
    }
    sim->stats.realtime.active = true;
    sim->stats.realtime.speed = r.speed;
    if (event_add(r.wake, NULL) != 0) {
        r.rc = -1;
    } else if (vs_engine_pending(sim->engine) > 0) {
        r.t0_ns = vs_wall_ns() - (uint64_t)((double)vs_sim_now(sim) / r.speed);
        arm(&r);
        event_base_loop(r.base, 0);
    }
    if (stopped(&r))
        sim->interrupted = true;
    close_inbox();
    /* Completions queued after the last step land now: none is lost. */
    drain_inbox(&r);
    if (r.rc == 0 && !sim->interrupted)
        vs_engine_run(sim->engine, vs_sim_now(sim));
    if (r.timer)
        event_free(r.timer);
    if (r.wake)
        event_free(r.wake);
    free(r.batch);
    if (mine)
        event_base_free(mine);
    if (r.rc != 0)
        return -1;
    /* The last, partial interval. */
    return r.rows ? vs_sim_series_row(sim, vs_sim_now(sim)) : 0;
}
