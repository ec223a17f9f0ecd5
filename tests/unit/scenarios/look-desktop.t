# What reached the desktop is never the stick's as well.  A look's release
# reaches the engine ahead of the frames the capture let through before it
# heard of it (a frame begun before, or all a stopped daemon missed): their
# motion, wheel and presses ("desktop": not swallowed) move and press
# nothing, and the release of such a press releases nothing.  What the
# capture swallows again counts, and so do a full queue's sums and the
# resyncs, which carry no verdict.
config look.ini
0ms emit all
10ms - BTN_SIDE 1
10ms - SYN
20ms - BTN_SIDE 0
20ms - SYN
20ms - REL_X 50 desktop
20ms - REL_WHEEL 5 desktop
20ms - BTN_LEFT 1 desktop
20ms - SYN
30ms - BTN_LEFT 0
30ms - SYN
# spring s = 0.3
30ms - REL_X 30
30ms - SYN
# a sum of a full queue: s = 0.5
30ms - REL_X 20 coalesced
30ms - SYN
# a press resynced after a loss
30ms - BTN_LEFT 1 resync
30ms - SYN
---
ABS_X 0
ABS_Y 0
ABS_RX 0
ABS_RZ 0
BTN_TRIGGER 0
BTN_THUMB 0
SYN
request look on
request look off
ABS_X 300
SYN
ABS_X 500
SYN
BTN_TRIGGER 1
SYN
