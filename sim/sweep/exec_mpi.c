/*
 * exec_mpi.c: the executor across MPI ranks (exec.h). Rank 0 coordinates and runs jobs
 * on its own local slots too; ranks 1..N-1 serve: each runs up to `jobs` at once in
 * child processes (procs.h), exactly as -j does on one machine, so a result does not
 * depend on which rank ran it.
 *
 * Protocol (MPI_COMM_WORLD, bytes): JOB, RESULT and FAIL are an 8-byte batch index
 * followed by text; CANCEL and STOP are empty; ACK is an index (0) alone.
 *   rank 0 -> worker  JOB    index + the job's JSON (compact)
 *                     CANCEL kill the jobs in flight, drop their results, keep serving
 *                     STOP   kill what runs, leave vs_mpi_serve
 *   worker -> rank 0  RESULT index + the result's JSON
 *                     FAIL   index + a one-line error (a fork or a pipe failed there)
 *                     ACK    after CANCEL or STOP: nothing from before it is in flight
 * Rank 0 never has more than `jobs` jobs outstanding at a worker, so a worker starts
 * every job the moment it arrives and needs no queue. MPI keeps the order of messages
 * between two ranks, so once rank 0 has a worker's ACK, no stale RESULT can reach a
 * later batch: that is why CANCEL and STOP are acknowledged. Workers send without
 * blocking (outbox below), so rank 0's blocking sends of jobs always complete.
 *
 * Built as the module vswitchsim-mpi.so (mpi_module.h): its one exported symbol is
 * the table at the end of this file.
 *
 * Nobody busy-waits: Open MPI's blocking calls spin a core, so both sides poll with
 * MPI_Iprobe and sleep in vs_procs_wait (or nanosleep) for POLL_MS between polls.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mpi.h>

#include "sweep/exec.h"
#include "sweep/mpi_module.h"

enum { TAG_JOB = 1, TAG_CANCEL, TAG_STOP, TAG_RESULT, TAG_FAIL, TAG_ACK };
enum { POLL_MS = 2, INDEX_BYTES = 8 };

typedef struct mpi_exec {
    vs_exec ex; /* first: the vs_exec * we hand out is a mpi_exec * */
    unsigned jobs;
    int size;
    vs_procs *local;
    unsigned *outstanding; /* per rank: jobs sent and not yet answered */
} mpi_exec;

/* MPI is one per process, and so is its executor: vs_mpi_close stops the workers
 * through it when the caller never freed it (an early error return on rank 0), since
 * otherwise they would serve forever and MPI_Finalize would hang. */
static mpi_exec *live;

/* The program's functions (mpi_module.h), from mpi_init. */
static const vs_mpi_host *host;

static void mpi_init(const vs_mpi_host *h)
{
    host = h;
}

/* Returns 0 when rc is MPI_SUCCESS, else -1 with "MPI_Xxx: <MPI's message>" in err. */
static int mpi_check(int rc, const char *call, char err[VS_ERROR_MAX])
{
    if (rc == MPI_SUCCESS)
        return 0;
    char msg[MPI_MAX_ERROR_STRING];
    int len = 0;
    if (MPI_Error_string(rc, msg, &len) != MPI_SUCCESS)
        snprintf(msg, sizeof msg, "error %d", rc);
    snprintf(err, VS_ERROR_MAX, "%s: %s", call, msg);
    return -1;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)ms * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* A worker's sends in flight. A worker never blocks in a send: rank 0 may itself be
 * blocked sending it a job too large for Open MPI's eager limit (4 KB in shared memory),
 * and two blocking sends to each other would wait forever. */
typedef struct outbox {
    MPI_Request *req;
    char **buf;
    size_t n, cap;
} outbox;

/* Sends index + text (len bytes, no NUL) with `tag` to `dest`: through `ob` without
 * waiting when it is given, else with MPI_Send. */
static int send_indexed(outbox *ob, int dest, int tag, size_t index, const char *text, size_t len,
                        char err[VS_ERROR_MAX])
{
    if (len > (size_t)INT32_MAX - INDEX_BYTES) {
        snprintf(err, VS_ERROR_MAX, "MPI: a message of %zu bytes is too long", len);
        return -1;
    }
    if (ob && ob->n == ob->cap) {
        size_t cap = ob->cap ? ob->cap * 2 : 8;
        MPI_Request *req = realloc(ob->req, cap * sizeof *req);
        if (req)
            ob->req = req;
        char **b = req ? realloc(ob->buf, cap * sizeof *b) : NULL;
        if (!b) {
            snprintf(err, VS_ERROR_MAX, "out of memory");
            return -1;
        }
        ob->buf = b;
        ob->cap = cap;
    }
    char *buf = malloc(INDEX_BYTES + len);
    if (!buf) {
        snprintf(err, VS_ERROR_MAX, "out of memory");
        return -1;
    }
    uint64_t ix = index;
    memcpy(buf, &ix, INDEX_BYTES);
    if (len)
        memcpy(buf + INDEX_BYTES, text, len);
    int count = (int)(INDEX_BYTES + len);
    if (!ob) {
        int rc = MPI_Send(buf, count, MPI_BYTE, dest, tag, MPI_COMM_WORLD);
        free(buf);
        return mpi_check(rc, "MPI_Send", err);
    }
    int rc = MPI_Isend(buf, count, MPI_BYTE, dest, tag, MPI_COMM_WORLD, &ob->req[ob->n]);
    if (mpi_check(rc, "MPI_Isend", err) != 0) {
        free(buf);
        return -1;
    }
    ob->buf[ob->n++] = buf;
    return 0;
}

/* Sends `value` as compact JSON after the index. */
static int send_json(outbox *ob, int dest, int tag, size_t index, const json_t *value,
                     char err[VS_ERROR_MAX])
{
    char *text = json_dumps(value, JSON_COMPACT);
    if (!text) {
        snprintf(err, VS_ERROR_MAX, "out of memory");
        return -1;
    }
    int rc = send_indexed(ob, dest, tag, index, text, strlen(text), err);
    free(text);
    return rc;
}

/* Frees the buffers of the sends that are done; with `wait`, waits for all first. */
static int outbox_reap(outbox *ob, bool wait, char err[VS_ERROR_MAX])
{
    size_t kept = 0;
    int rc = 0;
    for (size_t i = 0; i < ob->n; i++) {
        int flag = 1;
        if (rc == 0)
            rc = wait ? mpi_check(MPI_Wait(&ob->req[i], MPI_STATUS_IGNORE), "MPI_Wait", err)
                      : mpi_check(MPI_Test(&ob->req[i], &flag, MPI_STATUS_IGNORE), "MPI_Test", err);
        if (flag && rc == 0) {
            free(ob->buf[i]);
        } else {
            ob->req[kept] = ob->req[i];
            ob->buf[kept++] = ob->buf[i];
        }
    }
    ob->n = kept;
    return rc;
}

/* Waits for what is still in flight (rank 0 is draining: quiesce) and frees it all. */
static void outbox_close(outbox *ob)
{
    char err[VS_ERROR_MAX];
    if (outbox_reap(ob, true, err) != 0)
        fprintf(stderr, "vswitchsim: %s\n", err);
    for (size_t i = 0; i < ob->n; i++)
        free(ob->buf[i]); /* only after a failed MPI_Wait: MPI is broken anyway */
    free(ob->req);
    free(ob->buf);
}

static int send_empty(int dest, int tag, char err[VS_ERROR_MAX])
{
    return mpi_check(MPI_Send(NULL, 0, MPI_BYTE, dest, tag, MPI_COMM_WORLD), "MPI_Send", err);
}

/* Receives the message `st` announced (from MPI_Iprobe). Sets *index and *text (NUL
 * terminated, malloc'd; NULL for an empty message). */
static int recv_indexed(const MPI_Status *st, size_t *index, char **text, size_t *len,
                        char err[VS_ERROR_MAX])
{
    int count = 0;
    if (mpi_check(MPI_Get_count(st, MPI_BYTE, &count), "MPI_Get_count", err) != 0)
        return -1;
    char *buf = malloc((size_t)count + 1);
    if (!buf) {
        snprintf(err, VS_ERROR_MAX, "out of memory");
        return -1;
    }
    int rc = MPI_Recv(buf, count, MPI_BYTE, st->MPI_SOURCE, st->MPI_TAG, MPI_COMM_WORLD,
                      MPI_STATUS_IGNORE);
    if (mpi_check(rc, "MPI_Recv", err) != 0) {
        free(buf);
        return -1;
    }
    buf[count] = '\0';
    *index = 0;
    *text = NULL;
    *len = 0;
    if (count >= INDEX_BYTES) {
        uint64_t ix;
        memcpy(&ix, buf, INDEX_BYTES);
        *index = (size_t)ix;
        *len = (size_t)count - INDEX_BYTES;
        memmove(buf, buf + INDEX_BYTES, *len + 1);
        *text = buf;
    } else {
        free(buf);
    }
    return 0;
}

/* ---- rank 0 ---------------------------------------------------------------------- */

/* One message from a worker during a batch: a result goes to done(). */
static int take_message(mpi_exec *m, const MPI_Status *st, size_t n, vs_exec_done_fn done,
                        void *ctx, size_t *finished, char err[VS_ERROR_MAX])
{
    int src = st->MPI_SOURCE;
    size_t index, len;
    char *text;
    if (recv_indexed(st, &index, &text, &len, err) != 0)
        return -1;
    int rc = -1;
    if (st->MPI_TAG == TAG_FAIL) {
        snprintf(err, VS_ERROR_MAX, "rank %d: %s", src, text ? text : "failed");
    } else if (st->MPI_TAG != TAG_RESULT || !text || index >= n || m->outstanding[src] == 0) {
        snprintf(err, VS_ERROR_MAX, "MPI: unexpected message (tag %d) from rank %d", st->MPI_TAG,
                 src);
    } else {
        json_error_t jerr;
        json_t *result = json_loadb(text, len, 0, &jerr);
        if (!result) {
            snprintf(err, VS_ERROR_MAX, "rank %d sent a result that is not JSON: %s", src,
                     jerr.text);
        } else {
            m->outstanding[src]--;
            (*finished)++;
            done(ctx, index, result);
            json_decref(result);
            rc = 0;
        }
    }
    free(text);
    return rc;
}

/* Sends `tag` (CANCEL or STOP) to every worker and waits for each one's ACK, dropping
 * whatever they sent before it. Gives up on a worker only when MPI itself fails. */
static int quiesce(mpi_exec *m, int tag, char err[VS_ERROR_MAX])
{
    int rc = 0;
    int waiting = 0;
    for (int r = 1; r < m->size; r++) {
        if (send_empty(r, tag, err) == 0)
            waiting++;
        else
            rc = -1;
    }
    while (waiting > 0) {
        int flag = 0;
        MPI_Status st;
        if (mpi_check(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st),
                      "MPI_Iprobe", err) != 0)
            return -1;
        if (!flag) {
            sleep_ms(POLL_MS);
            continue;
        }
        size_t index, len;
        char *text;
        if (recv_indexed(&st, &index, &text, &len, err) != 0)
            return -1;
        free(text);
        if (st.MPI_TAG == TAG_ACK) {
            m->outstanding[st.MPI_SOURCE] = 0;
            waiting--;
        }
    }
    return rc;
}

/* Hands out jobs while there are slots: this rank's first, then each worker's. */
static int dispatch(mpi_exec *m, const vs_job_base *base, const vs_jobs *jobs, size_t *next,
                    char err[VS_ERROR_MAX])
{
    size_t n = jobs->n;
    while (*next < n && !host->procs_full(m->local)) {
        json_t *job = jobs->make(jobs->ctx, *next);
        int rc = job ? host->procs_start(m->local, base, job, *next, err)
                     : (snprintf(err, VS_ERROR_MAX, "out of memory"), -1);
        json_decref(job);
        if (rc != 0)
            return -1;
        (*next)++;
    }
    for (int r = 1; r < m->size; r++) {
        while (*next < n && m->outstanding[r] < m->jobs) {
            json_t *job = jobs->make(jobs->ctx, *next);
            int rc = job ? send_json(NULL, r, TAG_JOB, *next, job, err)
                         : (snprintf(err, VS_ERROR_MAX, "out of memory"), -1);
            json_decref(job);
            if (rc != 0)
                return -1;
            m->outstanding[r]++;
            (*next)++;
        }
    }
    return 0;
}

/* Takes every result that is ready: workers' messages, then local children (waiting up
 * to POLL_MS for one when nothing else arrived). */
static int collect(mpi_exec *m, size_t n, vs_exec_done_fn done, void *ctx, size_t *finished,
                   char err[VS_ERROR_MAX])
{
    bool got = false;
    for (;;) {
        int flag = 0;
        MPI_Status st;
        if (mpi_check(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st),
                      "MPI_Iprobe", err) != 0)
            return -1;
        if (!flag)
            break;
        if (take_message(m, &st, n, done, ctx, finished, err) != 0)
            return -1;
        got = true;
    }
    if (host->procs_busy(m->local) == 0) {
        if (!got)
            sleep_ms(POLL_MS);
        return 0;
    }
    size_t tag;
    json_t *result;
    int rc = host->procs_wait(m->local, got ? 0 : POLL_MS, &tag, &result, err);
    if (rc <= 0)
        return rc;
    (*finished)++;
    done(ctx, tag, result);
    json_decref(result);
    return 0;
}

static int mpi_run(vs_exec *ex, const vs_job_base *base, const vs_jobs *jobs, vs_exec_done_fn done,
                   void *ctx, volatile sig_atomic_t *stop, char err[VS_ERROR_MAX])
{
    mpi_exec *m = (mpi_exec *)ex;
    size_t next = 0, finished = 0, n = jobs->n;
    int rc = 0;
    while (finished < n) {
        if (stop && *stop) {
            rc = 1;
            break;
        }
        if (dispatch(m, base, jobs, &next, err) != 0 ||
            collect(m, n, done, ctx, &finished, err) != 0) {
            rc = -1;
            break;
        }
    }
    if (rc != 0) {
        /* Leave nothing behind for the next batch: no child here, no job at a worker,
         * no result in flight. The first error stays in err. */
        char ignored[VS_ERROR_MAX];
        host->procs_kill_all(m->local);
        if (quiesce(m, TAG_CANCEL, rc < 0 ? ignored : err) != 0 && rc > 0)
            rc = -1;
    }
    return rc;
}

static void mpi_free(vs_exec *ex)
{
    mpi_exec *m = (mpi_exec *)ex;
    if (!m)
        return;
    char err[VS_ERROR_MAX];
    if (quiesce(m, TAG_STOP, err) != 0)
        fprintf(stderr, "vswitchsim: stopping the MPI ranks: %s\n", err);
    host->procs_free(m->local);
    free(m->outstanding);
    if (live == m)
        live = NULL;
    free(m);
}

static mpi_exec *mpi_exec_new(unsigned jobs, int size)
{
    mpi_exec *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->ex = (vs_exec){.run = mpi_run, .free = mpi_free};
    m->jobs = jobs;
    m->size = size;
    m->local = host->procs_new(jobs);
    m->outstanding = calloc((size_t)size, sizeof *m->outstanding);
    if (!m->local || !m->outstanding) {
        host->procs_free(m->local);
        free(m->outstanding);
        free(m);
        return NULL;
    }
    return m;
}

static int mpi_open(int *argc, char ***argv, unsigned jobs, vs_exec **ex, int *rank, int *size,
                    char err[VS_ERROR_MAX])
{
    *ex = NULL;
    if (jobs == 0)
        jobs = 1;
    /* Open MPI's MPI_Init installs handlers for SIGABRT, SIGBUS, SIGFPE and SIGSEGV that
     * print a stack trace, and the job's children inherit them: a plugin crashing in a
     * child would print Open MPI's trace, and plugin/guard.c would chain to it. Children
     * must die as they do under -j, so ask for none, unless the user chose otherwise.
     * (No mpi_warn_on_fork setting: Open MPI 4.1 warns only with the openib BTL's
     * registered memory, and the children never touch MPI.) */
    if (setenv("OMPI_MCA_opal_signal", "", 0) != 0) {
        snprintf(err, VS_ERROR_MAX, "setenv: %s", strerror(errno));
        return -1;
    }
    if (mpi_check(MPI_Init(argc, argv), "MPI_Init", err) != 0)
        return -1;
    /* Return codes rather than MPI's default of aborting the whole job, so that every
     * failure reaches the user as one line naming the call. */
    if (mpi_check(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN),
                  "MPI_Comm_set_errhandler", err) != 0 ||
        mpi_check(MPI_Comm_rank(MPI_COMM_WORLD, rank), "MPI_Comm_rank", err) != 0 ||
        mpi_check(MPI_Comm_size(MPI_COMM_WORLD, size), "MPI_Comm_size", err) != 0)
        return -1;
    if (*rank != 0)
        return 0;
    mpi_exec *m = mpi_exec_new(jobs, *size);
    if (!m) {
        snprintf(err, VS_ERROR_MAX, "out of memory");
        return -1;
    }
    live = m;
    *ex = &m->ex;
    return 0;
}

/* ---- ranks 1..N-1 ---------------------------------------------------------------- */

/* Starts the job in a JOB message; a failure goes back to rank 0 as FAIL. */
static int serve_job(vs_procs *p, outbox *ob, const vs_job_base *base, size_t index,
                     const char *text, size_t len, char err[VS_ERROR_MAX])
{
    char why[VS_ERROR_MAX];
    json_error_t jerr;
    json_t *job = text ? json_loadb(text, len, 0, &jerr) : NULL;
    if (!job)
        snprintf(why, sizeof why, "a job that is not JSON: %s", text ? jerr.text : "empty");
    int rc = job ? host->procs_start(p, base, job, index, why) : -1;
    json_decref(job);
    if (rc == 0)
        return 0;
    return send_indexed(ob, 0, TAG_FAIL, index, why, strlen(why), err);
}

/* Handles one message from rank 0. Returns 1 on STOP, 0 to go on, -1 with err. */
static int serve_message(vs_procs *p, outbox *ob, const vs_job_base *base, const MPI_Status *st,
                         char err[VS_ERROR_MAX])
{
    size_t index, len;
    char *text;
    if (recv_indexed(st, &index, &text, &len, err) != 0)
        return -1;
    int rc;
    switch (st->MPI_TAG) {
    case TAG_JOB:
        rc = serve_job(p, ob, base, index, text, len, err);
        break;
    case TAG_CANCEL:
    case TAG_STOP:
        /* Results sent before this still reach rank 0, ahead of the ACK: it drops them. */
        host->procs_kill_all(p);
        rc = send_indexed(ob, 0, TAG_ACK, 0, NULL, 0, err);
        if (rc == 0 && st->MPI_TAG == TAG_STOP)
            rc = 1;
        break;
    default:
        snprintf(err, VS_ERROR_MAX, "MPI: unexpected message (tag %d) from rank 0", st->MPI_TAG);
        rc = -1;
    }
    free(text);
    return rc;
}

/* Sends back the result of a local job if one finished within POLL_MS. */
static int serve_results(vs_procs *p, outbox *ob, char err[VS_ERROR_MAX])
{
    if (host->procs_busy(p) == 0) {
        sleep_ms(POLL_MS);
        return 0;
    }
    size_t tag;
    json_t *result;
    char why[VS_ERROR_MAX];
    int rc = host->procs_wait(p, POLL_MS, &tag, &result, why);
    if (rc < 0)
        return send_indexed(ob, 0, TAG_FAIL, 0, why, strlen(why), err);
    if (rc == 0)
        return 0;
    rc = send_json(ob, 0, TAG_RESULT, tag, result, err);
    json_decref(result);
    return rc;
}

static int mpi_serve(const vs_job_base *base, unsigned jobs, char err[VS_ERROR_MAX])
{
    vs_procs *p = host->procs_new(jobs ? jobs : 1);
    if (!p) {
        snprintf(err, VS_ERROR_MAX, "out of memory");
        return -1;
    }
    outbox ob = {0};
    int rc = 0;
    while (rc == 0) {
        int flag = 0;
        MPI_Status st;
        rc = mpi_check(MPI_Iprobe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st), "MPI_Iprobe", err);
        if (rc == 0)
            rc = flag ? serve_message(p, &ob, base, &st, err) : serve_results(p, &ob, err);
        if (rc == 0)
            rc = outbox_reap(&ob, false, err);
    }
    host->procs_free(p);
    outbox_close(&ob);
    return rc > 0 ? 0 : -1;
}

static void mpi_close(void)
{
    if (live)
        mpi_free(&live->ex);
    int finalized = 0;
    if (MPI_Finalized(&finalized) == MPI_SUCCESS && !finalized)
        MPI_Finalize();
}

__attribute__((visibility("default"))) const vs_mpi_module vs_mpi_module_v2 = {
    .init = mpi_init,
    .open = mpi_open,
    .serve = mpi_serve,
    .close = mpi_close,
};
