/*
 * fwpsk.h: the WFP callout API in kernel mode. The simulator models its vSwitch part:
 * FwpsvSwitchEventsSubscribe0, FwpsvSwitchEventsUnsubscribe0, FwpsvSwitchNotifyComplete0,
 * the seven callbacks and their dispatch table, declared in <vswitchsim/fwps.h>. Packet
 * classification (FwpsCalloutRegister, classifyFn) is not modelled, and is not declared,
 * so that a driver that needs it fails to compile, not to run.
 */
#ifndef VSWITCHSIM_WDK_FWPSK_H
#define VSWITCHSIM_WDK_FWPSK_H

#include "ndis.h"

#include <vswitchsim/fwps.h>

#endif /* VSWITCHSIM_WDK_FWPSK_H */
