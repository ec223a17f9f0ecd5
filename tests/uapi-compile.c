/*
 * The UAPI header must compile alone, -std=c89 and -std=c99 -pedantic,
 * 32- and 64-bit (Makefile: uapi-check), its inline helpers and 64-bit
 * constants used.
 */
#include "joystickd_kfilter.h"

int main(void)
{
	struct jskf_read r = { 0 };
	struct jskf_info info = { 0 };

	info.features = JSKF_FEAT_DEADMAN | JSKF_FEAT_KEYS_FLAGS;
	return (int)r.count + (int)jskf_rel_class(REL_WHEEL) + jskf_key_is_button(BTN_LEFT) +
	       (int)(info.features >> 13);
}
