# Throttle on a hi-res wheel: 120 units are one notch, 10 notches half
# the range.  It starts at its trim -1 and, with all_actions = no, an
# unnamed recenter leaves it alone.
config models.ini
0ms emit all
# s = -1 + 1/10 = -0.9
10ms main REL_WHEEL_HI_RES 120
10ms main SYN
# s = -0.9 + 0.5/10 = -0.85
20ms main REL_WHEEL_HI_RES 60
20ms main SYN
# REL_WHEEL is not this axis' source
30ms main REL_WHEEL 1
30ms main SYN
40ms main BTN_MIDDLE 1
40ms main SYN
# named, the throttle recenters: s = t = -1
50ms action recenter:throttle
# clamped at -1: no change
60ms main REL_WHEEL_HI_RES -240
60ms main SYN
60ms next
---
ABS_X 0
ABS_Y 0
ABS_RX 0
ABS_THROTTLE -1000
BTN_TRIGGER 0
BTN_THUMB 0
SYN
ABS_THROTTLE -900
SYN
ABS_THROTTLE -850
SYN
ABS_THROTTLE -1000
SYN
next idle
