# Capture going off releases every joystick button at once; the physical
# releases that follow change nothing, and capture back on does not bring
# the buttons back until they are pressed again.  (The axes sit at their
# trim, so recentring them sends nothing.)
config models.ini
0ms emit all
10ms main BTN_LEFT 1
10ms main BTN_RIGHT 1
10ms main SYN
20ms capture off
30ms main BTN_LEFT 0
30ms main SYN
40ms capture on
50ms main BTN_RIGHT 0
50ms main SYN
60ms main BTN_LEFT 1
60ms main SYN
---
ABS_X 0
ABS_Y 0
ABS_RX 0
ABS_THROTTLE -1000
BTN_TRIGGER 0
BTN_THUMB 0
SYN
BTN_TRIGGER 1
BTN_THUMB 1
SYN
BTN_TRIGGER 0
BTN_THUMB 0
SYN
BTN_TRIGGER 1
SYN
