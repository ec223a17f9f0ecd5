#!/bin/sh
# The FlightGear binding (config/flightgear/): well-formed XML that names
# the stick the shipped joystickd.ini makes, binds its axes in the joystick
# API's order (ABS_X, ABS_Y, ABS_THROTTLE: 0, 1, 2) to aileron, elevator and
# throttle, and button 0 (BTN_TRIGGER) to the trigger.  xmllint parses the
# file; the XPath queries read it as FlightGear's property reader would.
# Prints TAP for tests/unit/run.sh.
#
#   tests/unit/flightgear.sh [XML INI]    (default: the shipped ones)
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
xml=${1:-$repo/config/flightgear/joystickd-virtual-flight-stick.xml}
ini=${2:-$repo/config/joystickd.ini}
n=0
failed=0

ok() {
	n=$((n + 1))
	if [ "$2" = "$3" ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1: got '$2', want '$3'"
		failed=1
	fi
}
# The text of an XPath expression (string() or count()), or the error.
q() { xmllint --xpath "$1" "$xml" 2>&1; }
# The [stick] name of the ini, or the loader's default.
stick_name() {
	name=$(sed -n '/^\[stick\]/,/^\[/s/^name *= *//p' "$ini")
	echo "${name:-joystickd virtual flight stick}"
}

echo "1..9"
if command -v xmllint >/dev/null 2>&1; then
	out=$(xmllint --noout "$xml" 2>&1)
	ok "well-formed (xmllint --noout)" "$?${out:+: $out}" "0"
else
	ok "xmllint is installed (tools/deps.sh unit)" "missing" "xmllint"
fi
ok "root is PropertyList" "$(q 'name(/*)')" "PropertyList"
ok "<name> is the stick's name" "$(q 'string(/PropertyList/name)')" "$(stick_name)"
axis() { q "string(/PropertyList/axis[@n='$1']/binding[1]/property)"; }
ok "axis 0 (ABS_X) is the aileron" "$(axis 0)" "/controls/flight/aileron"
ok "axis 1 (ABS_Y) is the elevator, nose down when pushed" \
	"$(axis 1) $(q "number(/PropertyList/axis[@n='1']/binding/factor)")" "/controls/flight/elevator -1"
ok "axis 2 (ABS_THROTTLE) is the throttle, -1 idle to 1 full" \
	"$(axis 2) $(q "number(/PropertyList/axis[@n='2']/binding[1]/offset)") $(q "number(/PropertyList/axis[@n='2']/binding[1]/factor)")" \
	"/controls/engines/engine[0]/throttle 1 0.5"
ok "every throttle binding scales the same" \
	"$(q "count(/PropertyList/axis[@n='2']/binding[command='property-scale' and offset=1 and factor=0.5])")" \
	"$(q "count(/PropertyList/axis[@n='2']/binding)")"
ok "button 0 (BTN_TRIGGER) presses the trigger" \
	"$(q "string(/PropertyList/button[@n='0']/binding/property)") $(q "string(/PropertyList/button[@n='0']/binding/value)")" \
	"/controls/armament/trigger true"
ok "and releases it" "$(q "string(/PropertyList/button[@n='0']/mod-up/binding/value)")" "false"
exit $failed
