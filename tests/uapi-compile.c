/* The UAPI header must compile alone, -std=c99 -pedantic, 32- and 64-bit. */
#include "joystickd_kfilter.h"

int main(void)
{
	struct jskf_read r = { 0 };

	return (int)r.count;
}
