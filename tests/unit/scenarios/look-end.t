# A look ends cleanly.  A button held before it comes up when it is
# released during the look; a repeat or a second look press changes
# nothing; the look lasts across a profile switch, and its input presses
# no joystick button there although profile "other" maps it to one;
# capture going off ends it (its release is then nothing), and so does
# its device going away.
config look.ini
0ms emit all
10ms - BTN_LEFT 1
10ms - SYN
20ms - BTN_SIDE 1
20ms - SYN
30ms - BTN_LEFT 0
30ms - SYN
40ms - BTN_SIDE 2
40ms - BTN_MIDDLE 1
40ms - SYN
50ms profile other
60ms - REL_Y 20
60ms - SYN
60ms next
70ms capture off
80ms - BTN_SIDE 0
80ms - SYN
# hold: s = 0.2
90ms capture on
90ms - REL_Y 20
90ms - SYN
100ms - BTN_MIDDLE 1
100ms - SYN
110ms - removed
# hold: s = 0.3
120ms - REL_Y 10
120ms - SYN
---
ABS_X 0
ABS_Y 0
ABS_RX 0
ABS_RZ 0
BTN_TRIGGER 0
BTN_THUMB 0
SYN
BTN_TRIGGER 1
SYN
request look on
BTN_TRIGGER 0
SYN
next idle
request look off
ABS_X 200
SYN
request look on
request look off
ABS_X 300
SYN
