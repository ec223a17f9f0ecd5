# SPDX-License-Identifier: GPL-2.0-or-later
#
# Turns <linux/input-event-codes.h> into the initialiser of the event code
# name table (daemon/engine/codes.c): one { name, type, code, preferred }
# line per KEY_*, BTN_*, REL_* and ABS_* name, *_MAX and *_CNT left out.
# Aliases defined as another name (BTN_A BTN_SOUTH) take that name's value.
# The preferred name of a value is the last one the header defines with a
# number: BTN_TRIGGER after BTN_JOYSTICK, BTN_SOUTH rather than BTN_A.

# mawk has no strtonum().
function number(s,    i, v) {
	if (s !~ /^0x/)
		return s + 0
	v = 0
	for (i = 3; i <= length(s); i++)
		v = v * 16 + index("0123456789abcdef", tolower(substr(s, i, 1))) - 1
	return v
}

$1 == "#define" && $2 ~ /^(KEY|BTN|REL|ABS)_[A-Z0-9_]+$/ && $2 !~ /_(MAX|CNT)$/ {
	name = $2
	value = $3
	if (value ~ /^0x[0-9a-fA-F]+$/ || value ~ /^[0-9]+$/) {
		code = number(value)
		numeric = 1
	} else if (value in codes) {
		code = codes[value]
		numeric = 0
	} else {
		next
	}
	codes[name] = code
	n++
	names[n] = name
	values[n] = code
	type = (name ~ /^REL_/) ? "EV_REL" : (name ~ /^ABS_/) ? "EV_ABS" : "EV_KEY"
	types[n] = type
	if (numeric)
		preferred[type "/" code] = n
}

END {
	print "/* Generated from <linux/input-event-codes.h> by gen-codes.awk: do not edit. */"
	for (i = 1; i <= n; i++)
		printf "\t{ \"%s\", %s, 0x%x, %d },\n", names[i], types[i], values[i], \
			(preferred[types[i] "/" values[i]] == i) ? 1 : 0
}
