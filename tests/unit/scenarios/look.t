# Hold-to-look freezes every axis where it is: no spring or velocity
# return, no smoothing drift, no key-driven motion, and motion, wheel and
# buttons during the look never reach the stick.  Released, each axis goes
# on from where it stood, with time counted from the release (no jump);
# a button pressed during the look and released after it does nothing.
config look.ini
0ms emit all
# spring s = 0.5, velocity s = 0.5, smooth r = 0.5 (y still 0), keys held
0ms - REL_X 50
0ms - REL_Y 50
0ms - REL_WHEEL 5
0ms - BTN_EXTRA 1
0ms - SYN
# spring 0.4; velocity 0.5 e^-1 = 0.18394; smooth 0.5 - 0.5 e^-1 = 0.31606; keys 0.2
100ms tick
100ms - BTN_SIDE 1
100ms - SYN
100ms next
300ms - REL_X 30
300ms - REL_WHEEL -3
300ms - BTN_LEFT 1
300ms - SYN
600ms tick
1100ms - BTN_SIDE 0
1100ms - SYN
1100ms next
# 0.1 s after the release: spring 0.3; velocity 0.18394 e^-1 = 0.06767;
# smooth 0.5 - 0.18394 e^-1 = 0.43233; keys 0.4
1200ms tick
# BTN_LEFT's press was the desktop's: its release changes nothing.
# spring 0.2; velocity 0.02489; smooth 0.47511; keys 0.6
1300ms - BTN_LEFT 0
1300ms - SYN
---
ABS_X 0
ABS_Y 0
ABS_RX 0
ABS_RZ 0
BTN_TRIGGER 0
BTN_THUMB 0
SYN
ABS_X 500
ABS_Y 500
SYN
ABS_X 400
ABS_Y 184
ABS_RX 316
ABS_RZ 200
SYN
next 110ms
request look on
next idle
next idle
request look off
next 1110ms
ABS_X 300
ABS_Y 68
ABS_RX 432
ABS_RZ 400
SYN
next 1210ms
ABS_X 200
ABS_Y 25
ABS_RX 475
ABS_RZ 600
SYN
