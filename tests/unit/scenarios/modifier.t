# Modifier: while the right button is held, X drives the rudder and not
# the ailerons; released, the rudder springs back (rate 1) and X drives
# the ailerons again.  s += counts / 100 on both.
config rudder.ini
0ms emit all
# aileron s = 0.1
0ms - REL_X 10
0ms - SYN
# rudder s = 0.2, aileron unchanged
0ms - BTN_RIGHT 1
0ms - REL_X 20
0ms - SYN
# rudder: 0.2 - 0.1 = 0.1; aileron: 0.1 + 0.05 = 0.15
100ms - BTN_RIGHT 0
100ms - REL_X 5
100ms - SYN
# rudder: 0.1 - 0.15 -> 0
250ms tick
---
ABS_X 0
ABS_RZ 0
BTN_TRIGGER 0
BTN_THUMB 0
SYN
ABS_X 100
SYN
ABS_RZ 200
BTN_THUMB 1
SYN
ABS_X 150
ABS_RZ 100
BTN_THUMB 0
SYN
ABS_RZ 0
SYN
next idle
