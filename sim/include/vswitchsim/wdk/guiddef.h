/* guiddef.h: GUID, DEFINE_GUID, IsEqualGUID (in ntdef.h). */
#include "ntdef.h"
