/*
 * verifier.h: the callout verifier's rules, one X-macro table (as libuv's UV_ERRNO_MAP)
 * so that the enum, the stable names in reports and scenarios, and the descriptions
 * cannot drift apart. Every rule is on unless a scenario's verifier.disable names it.
 */
#ifndef VS_VERIFIER_H
#define VS_VERIFIER_H

#include <stddef.h>
#include <string.h>

/* XX(enum suffix, stable name, one-line description). Names are part of the report
 * format: never rename one, only add. */
#define VS_VERIFIER_RULE_MAP(XX)                                                              \
    XX(DOUBLE_COMPLETION, "double_completion", "the same completion context completed twice") \
    XX(UNKNOWN_COMPLETION_CONTEXT, "unknown_completion_context",                              \
       "FwpsvSwitchNotifyComplete0 with a context WFP never handed out")                      \
    XX(COMPLETE_WITH_PENDING, "complete_with_pending",                                        \
       "a completion whose status is STATUS_PENDING")                                         \
    XX(COMPLETE_WITHOUT_PENDING, "complete_without_pending",                                  \
       "completed inside the callback, which then did not return STATUS_PENDING")             \
    XX(PENDING_NEVER_COMPLETED, "pending_never_completed",                                    \
       "a pend not completed within wfp.pending_timeout or by the end of the run")            \
    XX(PEND_NOT_ALLOWED, "pend_not_allowed",                                                  \
       "STATUS_PENDING from a callback that may not pend (lifetime, reorder, interface)")     \
    XX(NULL_STATE_BUFFER, "null_state_buffer",                                                \
       "a save's SUCCESS with a NULL buffer and a non-zero length")                           \
    XX(BUFFER_LENGTH_MISMATCH, "buffer_length_mismatch",                                      \
       "a save's SUCCESS with one of buffer and length written and the other not")            \
    XX(STATE_EXCEEDS_SEGMENT, "state_exceeds_segment",                                        \
       "one callout's state over one segment (64967 bytes) with ndis.oversize fail")          \
    XX(RESTORE_STATE_MISMATCH, "restore_state_mismatch",                                      \
       "a restore handed bytes its save did not produce")                                     \
    XX(CALLBACK_TOO_LONG, "callback_too_long",                                                \
       "a callback charged more CPU than verifier.max_callback_time")                         \
    XX(CALLED_AFTER_UNSUBSCRIBE, "called_after_unsubscribe",                                  \
       "FwpsvSwitchNotifyComplete0 for a subscription after its unsubscribe")                 \
    XX(UNKNOWN_SUBSCRIPTION, "unknown_subscription",                                          \
       "FwpsvSwitchEventsUnsubscribe0 of an id that is not subscribed")                       \
    XX(LEAKED_MEMORY, "leaked_memory", "tagged memory still allocated at unload")             \
    XX(FREE_TAG_MISMATCH, "free_tag_mismatch",                                                \
       "FreeWithTag with another tag than the allocation's")                                  \
    XX(BAD_FREE, "bad_free", "FreeWithTag of a pointer AllocateWithTag did not return")       \
    XX(SUBSCRIBE_IN_CALLBACK, "subscribe_in_callback",                                        \
       "FwpsvSwitchEventsSubscribe0 or Unsubscribe0 (PASSIVE_LEVEL only) inside a callback")  \
    XX(VALIDATION_PORT_RESERVATION, "validation_port_reservation",                            \
       "tagged memory allocated for a validation port and still held after its delete")       \
    XX(BAD_STATE_BUFFER, "bad_state_buffer",                                                  \
       "a save's SUCCESS with a buffer that cannot be read for its length")                   \
    XX(POOL_OVERRUN, "pool_overrun",                                                          \
       "special pool: an access past the end of an AllocateWithTag block")                    \
    XX(POOL_UNDERRUN, "pool_underrun",                                                        \
       "special pool: an access before the start of an AllocateWithTag block")                \
    XX(USE_AFTER_FREE, "use_after_free",                                                      \
       "special pool: an access to a block after its FreeWithTag")                            \
    XX(RESTORE_BUFFER_WRITE, "restore_buffer_write",                                          \
       "special pool: a write to (or past) the runtime state a restore hands the callout")    \
    XX(LOCK_HELD_AT_RETURN, "lock_held_at_return",                                            \
       "a driver's callback, DPC, timer or work item returned holding a spin lock")           \
    XX(LOCK_IRQL_MISMATCH, "lock_irql_mismatch",                                              \
       "an ...AtDpcLevel spin lock routine called below DISPATCH_LEVEL")                      \
    XX(LOCK_RECURSION, "lock_recursion",                                                      \
       "a spin lock acquired by code that holds it, or found left held (a deadlock)")         \
    XX(LOCK_NOT_HELD, "lock_not_held",                                                        \
       "a spin lock released by code that does not hold it (or not in that mode)")            \
    XX(IRQL_NOT_RESTORED, "irql_not_restored",                                                \
       "driver code returned at another IRQL than the one it was called at")                  \
    XX(IRQL_TOO_HIGH, "irql_too_high",                                                        \
       "a kernel routine called above the highest IRQL its WDK page allows")                  \
    XX(BAD_IRQL_CHANGE, "bad_irql_change",                                                    \
       "KeRaiseIrql to a lower IRQL, or KeLowerIrql (or a release) to a higher one")          \
    XX(PAGED_POOL_AT_DISPATCH, "paged_pool_at_dispatch",                                      \
       "paged pool allocated or freed at IRQL >= DISPATCH_LEVEL")                             \
    XX(QUEUED_AT_UNLOAD, "queued_at_unload",                                                  \
       "a DPC, timer or work item still queued when the driver unloaded")                     \
    XX(WORK_ITEM_FREED_WHILE_QUEUED, "work_item_freed_while_queued",                          \
       "IoFreeWorkItem (or NdisFreeIoWorkItem) of a work item still queued")                  \
    XX(WAIT_NEVER_SATISFIED, "wait_never_satisfied",                                          \
       "KeWaitForSingleObject with no timeout on an object nothing can signal meanwhile")     \
    XX(LEAKED_HANDLE, "leaked_handle",                                                        \
       "a device object, engine session, work item or registry key left open at unload")

typedef enum vs_rule {
#define XX(code, name, desc) VS_RULE_##code,
    VS_VERIFIER_RULE_MAP(XX)
#undef XX
        VS_RULE_COUNT
} vs_rule;

/* config.verifier.disabled is a bitmask of rules. */
_Static_assert(VS_RULE_COUNT <= 64, "verifier rules must fit a uint64_t mask");
#define VS_RULE_BIT(rule) (1ull << (unsigned)(rule))

static inline const char *vs_rule_name(vs_rule rule)
{
    static const char *const names[] = {
#define XX(code, name, desc) name,
        VS_VERIFIER_RULE_MAP(XX)
#undef XX
    };
    return (unsigned)rule < VS_RULE_COUNT ? names[rule] : "unknown_rule";
}

static inline const char *vs_rule_description(vs_rule rule)
{
    static const char *const descs[] = {
#define XX(code, name, desc) desc,
        VS_VERIFIER_RULE_MAP(XX)
#undef XX
    };
    return (unsigned)rule < VS_RULE_COUNT ? descs[rule] : "";
}

/* The rule named `name`, or -1. */
static inline int vs_rule_lookup(const char *name)
{
    for (int r = 0; r < VS_RULE_COUNT; r++)
        if (strcmp(vs_rule_name((vs_rule)r), name) == 0)
            return r;
    return -1;
}

#endif /* VS_VERIFIER_H */
