# Profiles: positions stay per axis code; the new profile's response
# applies at once; an axis code used for the first time starts at its
# trim; joystick buttons follow the new mapping of the buttons held.
config profiles.ini
# ABS_Y is driven by no axis of profile one: sent at the middle, 0
0ms emit all
# x: s = 0.5
0ms - REL_X 50
0ms - SYN
0ms - BTN_LEFT 1
0ms - SYN
# profile-next is a request: the daemon switches
0ms - BTN_EXTRA 1
0ms - SYN
0ms - BTN_EXTRA 0
# x2 (power:2): 0.5^2 = 0.25; y starts at its trim 0.5; BTN_LEFT now means BTN_THUMB
100ms profile two
# y: 0.5 + 0.1 = 0.6
100ms - REL_X 10
100ms - SYN
# x2: s = 0.5 - 0.4 = 0.1, 0.1^2 = 0.01
100ms - REL_Y -40
100ms - SYN
# y springs back to its trim: 0.6 - 0.15 -> 0.5
250ms tick
250ms - BTN_EXTRA 1
250ms - SYN
# x linear again: 0.1; ABS_Y is kept where it was
300ms profile one
---
ABS_X 0
ABS_Y 0
BTN_TRIGGER 0
BTN_THUMB 0
SYN
ABS_X 500
SYN
BTN_TRIGGER 1
SYN
request profile two
ABS_X 250
ABS_Y 500
BTN_TRIGGER 0
BTN_THUMB 1
SYN
ABS_Y 600
SYN
ABS_X 10
SYN
ABS_Y 500
SYN
next idle
request profile one
ABS_X 100
BTN_TRIGGER 1
BTN_THUMB 0
SYN
