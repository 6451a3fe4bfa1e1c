/* on it */
#include <vswitchsim/fwps.h>
