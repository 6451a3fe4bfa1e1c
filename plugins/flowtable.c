/*
 * flowtable.c: a callout with real per-port state. Each (switch, port) has a hash table
 * of flows, 5-tuple -> packet and byte counters and a last-seen time, filled with
 * flows_per_port flows from the instance's random stream at the port's first save. Save
 * serializes the table into a checksummed blob; restore validates every byte of it and
 * rebuilds the table on the target port; both charge ns_per_flow of CPU per flow.
 *
 * Params: flows_per_port (0..1623, default 64: the blob must fit one save segment,
 * NDIS_SWITCH_NIC_SAVE_STATE_MAX_DATA_SIZE bytes), ns_per_flow (int ns, default 50).
 *
 * Blob (version 1), all integers little endian:
 *   header, 24 bytes:
 *     0  magic "FTBL"             4  version u16 = 1      6  entry size u16 = 40
 *     8  flow count u32           12 reserved u32 = 0
 *     16 checksum u64: FNV-1a 64 over little-endian 64-bit words (vsp_fnv1a64_words) of
 *        bytes [0, 16) then [24, end)
 *   then flow count entries of 40 bytes, in the table's insertion order:
 *     0  source IPv4 u32          4  destination IPv4 u32
 *     8  source port u16          10 destination port u16
 *     12 protocol u8              13 reserved, 3 zero bytes
 *     16 packets u64              24 bytes u64 (>= packets)   32 last seen, ns u64
 */
#include <string.h>

#include "vsp.h"

VSWITCHSIM_PLUGIN_DECLARE();

#define FLOW_TAG VSWITCHSIM_TAG('F', 'l', 'o', 'w')

#define BLOB_MAGIC "FTBL"
#define BLOB_VERSION 1
#define HEADER_BYTES 24
#define ENTRY_BYTES 40
#define CHECKSUM_OFFSET 16
#define MAX_SEGMENT_BYTES NDIS_SWITCH_NIC_SAVE_STATE_MAX_DATA_SIZE
#define MAX_FLOWS ((MAX_SEGMENT_BYTES - HEADER_BYTES) / ENTRY_BYTES)

/* {70fca4ed-b1e8-4991-af1b-375ea964e26a}, XORed with the instance name's hash. */
static const GUID FLOWTABLE_PROVIDER_BASE = {
    0x70fca4ed, 0xb1e8, 0x4991, {0xaf, 0x1b, 0x37, 0x5e, 0xa9, 0x64, 0xe2, 0x6a}};

typedef struct flow_key {
    UINT32 srcIp, dstIp;
    USHORT srcPort, dstPort;
    UCHAR protocol;
} flow_key;

typedef struct flow {
    flow_key key;
    UINT64 packets, bytes, lastSeenNs;
} flow;

/* Flows in insertion order (the blob's order), with an open-addressing index over them. */
typedef struct flow_table {
    flow *flows;
    UINT32 count, capacity;
    UINT32 *index; /* flow number + 1; 0 is empty */
    UINT32 indexMask;
    UCHAR *blob; /* the last save's, kept until the next save, deletion or unload */
} flow_table;

typedef struct flowtable_instance {
    const VSWITCHSIM_HOST *host;
    UINT32 subscriptionId;
    UINT32 flowsPerPort;
    UINT64 nsPerFlow;
    vsp_switches switches;
    vsp_map tables; /* port key -> flow_table */
} flowtable_instance;

/* ---- Little-endian fields -------------------------------------------------------------- */

static void put16(UCHAR *p, USHORT v)
{
    p[0] = (UCHAR)v;
    p[1] = (UCHAR)(v >> 8);
}

static void put32(UCHAR *p, UINT32 v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (UCHAR)(v >> (8 * i));
}

static void put64(UCHAR *p, UINT64 v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (UCHAR)(v >> (8 * i));
}

static USHORT get16(const UCHAR *p)
{
    return (USHORT)(p[0] | p[1] << 8);
}

static UINT32 get32(const UCHAR *p)
{
    return (UINT32)p[0] | (UINT32)p[1] << 8 | (UINT32)p[2] << 16 | (UINT32)p[3] << 24;
}

static UINT64 get64(const UCHAR *p)
{
    return (UINT64)get32(p) | (UINT64)get32(p + 4) << 32;
}

static UINT64 blob_checksum(const UCHAR *blob, size_t length)
{
    UINT64 hash = vsp_fnv1a64_words(VSP_FNV1A64_INIT, blob, CHECKSUM_OFFSET);

    return vsp_fnv1a64_words(hash, blob + HEADER_BYTES, length - HEADER_BYTES);
}

/* ---- Flow tables ----------------------------------------------------------------------- */

static void key_encode(const flow_key *key, UCHAR out[13])
{
    put32(out, key->srcIp);
    put32(out + 4, key->dstIp);
    put16(out + 8, key->srcPort);
    put16(out + 10, key->dstPort);
    out[12] = key->protocol;
}

static bool key_equal(const flow_key *a, const flow_key *b)
{
    return a->srcIp == b->srcIp && a->dstIp == b->dstIp && a->srcPort == b->srcPort &&
           a->dstPort == b->dstPort && a->protocol == b->protocol;
}

static void table_free(const VSWITCHSIM_HOST *host, flow_table *table)
{
    if (table->flows != NULL)
        host->FreeWithTag(host, table->flows, FLOW_TAG);
    if (table->index != NULL)
        host->FreeWithTag(host, table->index, FLOW_TAG);
    if (table->blob != NULL)
        host->FreeWithTag(host, table->blob, FLOW_TAG);
    host->FreeWithTag(host, table, FLOW_TAG);
}

/* An empty table with room for capacity flows (and an index at most half full). */
static flow_table *table_new(const VSWITCHSIM_HOST *host, UINT32 capacity)
{
    flow_table *table = host->AllocateWithTag(host, sizeof(*table), FLOW_TAG);
    UINT32 slots = 8;

    if (table == NULL)
        return NULL;
    while (slots < 2 * capacity)
        slots *= 2;
    table->capacity = capacity;
    table->indexMask = slots - 1;
    table->index = vsp_alloc_array(host, slots, sizeof(*table->index), FLOW_TAG);
    if (capacity != 0)
        table->flows = vsp_alloc_array(host, capacity, sizeof(*table->flows), FLOW_TAG);
    if (table->index == NULL || (capacity != 0 && table->flows == NULL)) {
        table_free(host, table);
        return NULL;
    }
    return table;
}

/* Adds f; false if its 5-tuple is already there (or the table is full). */
static bool table_insert(flow_table *table, const flow *f)
{
    UCHAR encoded[13];

    if (table->count == table->capacity)
        return false;
    key_encode(&f->key, encoded);
    UINT32 i = (UINT32)vsp_fnv1a64(VSP_FNV1A64_INIT, encoded, sizeof(encoded)) & table->indexMask;
    for (; table->index[i] != 0; i = (i + 1) & table->indexMask)
        if (key_equal(&table->flows[table->index[i] - 1].key, &f->key))
            return false;
    table->flows[table->count++] = *f;
    table->index[i] = table->count;
    return true;
}

/* A plausible flow from a VM: 10.0.0.0/8 source, ephemeral source port, a common
 * service port, and counters with 64..1500-byte packets. */
static flow random_flow(const VSWITCHSIM_HOST *host)
{
    static const USHORT services[8] = {443, 80, 53, 22, 3389, 445, 8080, 5432};
    UINT64 r1 = host->Random(host), r2 = host->Random(host);
    flow f;

    memset(&f, 0, sizeof(f)); /* no stray padding in what is compared or copied */
    f.key.srcIp = 0x0a000000u | (UINT32)(r1 & 0xffffff);
    f.key.dstIp = (UINT32)(r1 >> 32);
    f.key.srcPort = (USHORT)(49152 + (r2 & 0x3fff));
    f.key.dstPort = services[(r2 >> 14) & 7];
    f.key.protocol = f.key.dstPort == 53 ? 17 : 6;
    f.packets = 1 + (r2 >> 17) % 100000;
    f.bytes = f.packets * (64 + (r2 >> 40) % 1437);
    f.lastSeenNs = host->Now(host);
    return f;
}

static flow_table *table_generate(flowtable_instance *instance)
{
    const VSWITCHSIM_HOST *host = instance->host;
    flow_table *table = table_new(host, instance->flowsPerPort);

    while (table != NULL && table->count < instance->flowsPerPort) {
        flow f = random_flow(host);
        (void)table_insert(table, &f); /* a repeated 5-tuple is simply drawn again */
    }
    return table;
}

/* ---- Blob ------------------------------------------------------------------------------ */

static void blob_write(const flow_table *table, UCHAR *blob, size_t length)
{
    memcpy(blob, BLOB_MAGIC, 4);
    put16(blob + 4, BLOB_VERSION);
    put16(blob + 6, ENTRY_BYTES);
    put32(blob + 8, table->count);
    put32(blob + 12, 0);
    for (UINT32 i = 0; i < table->count; i++) {
        const flow *f = &table->flows[i];
        UCHAR *e = blob + HEADER_BYTES + (size_t)i * ENTRY_BYTES;
        put32(e, f->key.srcIp);
        put32(e + 4, f->key.dstIp);
        put16(e + 8, f->key.srcPort);
        put16(e + 10, f->key.dstPort);
        e[12] = f->key.protocol;
        e[13] = e[14] = e[15] = 0;
        put64(e + 16, f->packets);
        put64(e + 24, f->bytes);
        put64(e + 32, f->lastSeenNs);
    }
    put64(blob + CHECKSUM_OFFSET, blob_checksum(blob, length));
}

/* Logs why the blob is refused, at WARNING, and refuses it (uses the caller's host). */
#define CORRUPT(...)                                          \
    do {                                                      \
        host->Log(host, VSWITCHSIM_LOG_WARNING, __VA_ARGS__); \
        return STATUS_DATA_ERROR;                             \
    } while (0)

/* Checks everything the header promises; *count gets the flow count. */
static NTSTATUS blob_check_header(const VSWITCHSIM_HOST *host, NDIS_SWITCH_PORT_ID portId,
                                  const UCHAR *blob, SIZE_T length, UINT32 *count)
{
    if (blob == NULL || length < HEADER_BYTES)
        CORRUPT("restore port %u: blob of %llu bytes is shorter than the %d-byte header", portId,
                (unsigned long long)length, HEADER_BYTES);
    if (memcmp(blob, BLOB_MAGIC, 4) != 0)
        CORRUPT("restore port %u: bad magic %02x %02x %02x %02x (want \"" BLOB_MAGIC "\")", portId,
                blob[0], blob[1], blob[2], blob[3]);
    if (get16(blob + 4) != BLOB_VERSION)
        CORRUPT("restore port %u: blob version %u, this callout reads version %d", portId,
                get16(blob + 4), BLOB_VERSION);
    if (get16(blob + 6) != ENTRY_BYTES)
        CORRUPT("restore port %u: entry size %u, want %d", portId, get16(blob + 6), ENTRY_BYTES);
    *count = get32(blob + 8);
    if (*count > (UINT32)MAX_FLOWS || length != HEADER_BYTES + (SIZE_T)*count * ENTRY_BYTES)
        CORRUPT("restore port %u: blob of %llu bytes does not hold the %u flows its header "
                "counts",
                portId, (unsigned long long)length, *count);
    UINT64 stored = get64(blob + CHECKSUM_OFFSET), computed = blob_checksum(blob, length);
    if (stored != computed)
        CORRUPT("restore port %u: checksum mismatch (stored %016llx, computed %016llx)", portId,
                (unsigned long long)stored, (unsigned long long)computed);
    if (get32(blob + 12) != 0)
        CORRUPT("restore port %u: reserved header field is not zero", portId);
    return STATUS_SUCCESS;
}

/* Rebuilds the table from a blob whose header checked out; *checked counts entries read. */
static NTSTATUS blob_read_flows(const VSWITCHSIM_HOST *host, NDIS_SWITCH_PORT_ID portId,
                                const UCHAR *blob, flow_table *table, UINT32 count, UINT32 *checked)
{
    for (*checked = 0; *checked < count; ++*checked) {
        UINT32 i = *checked;
        const UCHAR *e = blob + HEADER_BYTES + (size_t)i * ENTRY_BYTES;
        flow f;
        memset(&f, 0, sizeof(f));
        f.key = (flow_key){get32(e), get32(e + 4), get16(e + 8), get16(e + 10), e[12]};
        f.packets = get64(e + 16);
        f.bytes = get64(e + 24);
        f.lastSeenNs = get64(e + 32);
        if (e[13] != 0 || e[14] != 0 || e[15] != 0)
            CORRUPT("restore port %u: flow %u: reserved bytes are not zero", portId, i);
        if (f.bytes < f.packets)
            CORRUPT("restore port %u: flow %u: %llu bytes in %llu packets", portId, i,
                    (unsigned long long)f.bytes, (unsigned long long)f.packets);
        if (!table_insert(table, &f))
            CORRUPT("restore port %u: flow %u repeats an earlier 5-tuple", portId, i);
    }
    if (table->count != count)
        CORRUPT("restore port %u: rebuilt %u flows, header counts %u", portId, table->count, count);
    return STATUS_SUCCESS;
}

#undef CORRUPT

/* ---- Callbacks ------------------------------------------------------------------------- */

static NTSTATUS NTAPI flowtable_save(void *notifyContext, void *completionContext,
                                     FWPS_VSWITCH_EVENT_TYPE eventType,
                                     const NDIS_SWITCH_PARAMETERS *vSwitch,
                                     NDIS_SWITCH_PORT_ID portId, void **runtimeState,
                                     SIZE_T *runtimeStateLength)
{
    flowtable_instance *instance = notifyContext;
    const VSWITCHSIM_HOST *host = instance->host;
    UINT32 switchIndex;
    void *previous;

    *runtimeState = NULL;
    *runtimeStateLength = 0;
    NTSTATUS status = vsp_switches_intern(&instance->switches, vSwitch, &switchIndex);
    if (!NT_SUCCESS(status))
        return status;
    UINT64 key = vsp_port_key(switchIndex, portId);
    flow_table *table = vsp_map_get(&instance->tables, key);
    if (table == NULL) {
        table = table_generate(instance);
        if (table == NULL)
            return STATUS_INSUFFICIENT_RESOURCES;
        status = vsp_map_put(&instance->tables, key, table, &previous);
        if (!NT_SUCCESS(status)) {
            table_free(host, table);
            return status;
        }
    }
    size_t length = HEADER_BYTES + (size_t)table->count * ENTRY_BYTES;
    UCHAR *blob = host->AllocateWithTag(host, length, FLOW_TAG);
    if (blob == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    blob_write(table, blob, length);
    if (table->blob != NULL)
        host->FreeWithTag(host, table->blob, FLOW_TAG);
    table->blob = blob;
    host->ChargeCpu(host, instance->nsPerFlow * table->count);
    /* The checksum covers every other byte: with --verbose, the blobs of two runs compare
     * line by line (tests/e2e/wdk_matches_sdk.sh). */
    host->Log(host, VSWITCHSIM_LOG_DEBUG, "save port %u: %u flows, %zu bytes, checksum %016llx",
              portId, table->count, length, (unsigned long long)get64(blob + CHECKSUM_OFFSET));
    *runtimeState = blob;
    *runtimeStateLength = length;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI flowtable_restore(void *notifyContext, void *completionContext,
                                        FWPS_VSWITCH_EVENT_TYPE eventType,
                                        const NDIS_SWITCH_PARAMETERS *vSwitch,
                                        NDIS_SWITCH_PORT_ID portId, void *runtimeState,
                                        SIZE_T runtimeStateLength)
{
    flowtable_instance *instance = notifyContext;
    const VSWITCHSIM_HOST *host = instance->host;
    UINT32 switchIndex, count, checked = 0;
    void *previous;

    NTSTATUS status = blob_check_header(host, portId, runtimeState, runtimeStateLength, &count);
    if (!NT_SUCCESS(status))
        return status;
    flow_table *table = table_new(host, count);
    if (table == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    status = blob_read_flows(host, portId, runtimeState, table, count, &checked);
    host->ChargeCpu(host, instance->nsPerFlow * checked);
    if (NT_SUCCESS(status))
        status = vsp_switches_intern(&instance->switches, vSwitch, &switchIndex);
    if (NT_SUCCESS(status))
        status =
            vsp_map_put(&instance->tables, vsp_port_key(switchIndex, portId), table, &previous);
    if (!NT_SUCCESS(status)) {
        table_free(host, table);
        return status;
    }
    if (previous != NULL) /* the target port's own flows give way to the VM's */
        table_free(host, previous);
    host->Log(host, VSWITCHSIM_LOG_DEBUG, "restore port %u: %u flows, %zu bytes, checksum %016llx",
              portId, count, (size_t)runtimeStateLength,
              (unsigned long long)get64((const UCHAR *)runtimeState + CHECKSUM_OFFSET));
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI flowtable_port(void *notifyContext, void *completionContext,
                                     FWPS_VSWITCH_EVENT_TYPE eventType,
                                     const NDIS_SWITCH_PARAMETERS *vSwitch,
                                     const NDIS_SWITCH_PORT_PARAMETERS *vSwitchPort)
{
    flowtable_instance *instance = notifyContext;
    UINT32 switchIndex;

    if (eventType != FWPS_VSWITCH_EVENT_PORT_DELETE ||
        !vsp_switches_find(&instance->switches, vSwitch, &switchIndex))
        return STATUS_SUCCESS;
    flow_table *table =
        vsp_map_remove(&instance->tables, vsp_port_key(switchIndex, vSwitchPort->PortId));
    if (table != NULL)
        table_free(instance->host, table);
    return STATUS_SUCCESS;
}

/* A deleted switch takes the tables of any ports not deleted before it. */
static NTSTATUS NTAPI flowtable_lifetime(void *notifyContext, FWPS_VSWITCH_EVENT_TYPE eventType,
                                         const NDIS_SWITCH_PARAMETERS *vSwitch,
                                         const NDIS_SWITCH_PORT_ARRAY *vSwitchPorts,
                                         const NDIS_SWITCH_NIC_ARRAY *vSwitchInterfaces)
{
    flowtable_instance *instance = notifyContext;
    UINT32 switchIndex;
    size_t cursor = 0;
    UINT64 key;
    void *table;

    if (eventType != FWPS_VSWITCH_EVENT_VSWITCH_DELETE ||
        !vsp_switches_find(&instance->switches, vSwitch, &switchIndex))
        return STATUS_SUCCESS;
    /* Removal reorders the map, so start over after each one. */
    while (vsp_map_next(&instance->tables, &cursor, &key, &table)) {
        if (key >> 32 == switchIndex) {
            table_free(instance->host, vsp_map_remove(&instance->tables, key));
            cursor = 0;
        }
    }
    return STATUS_SUCCESS;
}

/* ---- Entry and unload ------------------------------------------------------------------ */

/* Through the host's getters: a bad value or an unknown key refuses the plugin with one
 * line naming the param (plugin.h). */
static NTSTATUS parse_params(flowtable_instance *instance)
{
    const VSWITCHSIM_HOST *host = instance->host;
    INT64 flowsPerPort, nsPerFlow;
    NTSTATUS status;

    if (!NT_SUCCESS(
            status = host->GetParamInt(host, "flows_per_port", 0, MAX_FLOWS, 64, &flowsPerPort)) ||
        !NT_SUCCESS(status = host->GetParamInt(host, "ns_per_flow", 0, (INT64)VSWITCHSIM_NS_PER_S,
                                               50, &nsPerFlow)))
        return status;
    instance->flowsPerPort = (UINT32)flowsPerPort;
    instance->nsPerFlow = (UINT64)nsPerFlow;
    return STATUS_SUCCESS;
}

static void instance_free(flowtable_instance *instance)
{
    const VSWITCHSIM_HOST *host = instance->host;
    size_t cursor = 0;
    UINT64 key;
    void *table;

    while (vsp_map_next(&instance->tables, &cursor, &key, &table))
        table_free(host, table);
    vsp_map_close(&instance->tables);
    vsp_switches_close(&instance->switches);
    host->FreeWithTag(host, instance, FLOW_TAG);
}

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {
        .vSwitchLifetimeNotifyFn = flowtable_lifetime,
        .vSwitchPortEventNotifyFn = flowtable_port,
        .vSwitchRuntimeStateSaveNotifyFn = flowtable_save,
        .vSwitchRuntimeStateRestoreNotifyFn = flowtable_restore,
    };
    NTSTATUS status = VswitchsimCheckHost(host);
    GUID provider;

    if (!NT_SUCCESS(status))
        return status;
    flowtable_instance *instance = host->AllocateWithTag(host, sizeof(*instance), FLOW_TAG);
    if (instance == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    instance->host = host;
    vsp_switches_init(&instance->switches, host, FLOW_TAG);
    vsp_map_init(&instance->tables, host, FLOW_TAG);
    status = parse_params(instance);
    if (NT_SUCCESS(status)) {
        vsp_provider_guid(&FLOWTABLE_PROVIDER_BASE, host->InstanceName, &provider);
        status = FwpsvSwitchEventsSubscribe0(&provider, instance, 0, NULL, &dispatch,
                                             &instance->subscriptionId);
    }
    if (!NT_SUCCESS(status)) {
        instance_free(instance);
        return status;
    }
    *instanceContext = instance;
    return STATUS_SUCCESS;
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    flowtable_instance *instance = instanceContext;

    FwpsvSwitchEventsUnsubscribe0(instance->subscriptionId, 0, NULL);
    instance_free(instance);
}
