/*
 * ntddk.h: what a kernel-mode driver includes; here, wdm.h's services (ntddk.h is a
 * superset of wdm.h on Windows; the parts a callout driver uses are all in wdm.h).
 */
#ifndef VSWITCHSIM_WDK_NTDDK_H
#define VSWITCHSIM_WDK_NTDDK_H

#include "wdm.h"

#endif /* VSWITCHSIM_WDK_NTDDK_H */
