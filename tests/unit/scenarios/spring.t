# Spring: deltas add up (s += counts / 100), the stick returns to its
# trim (0) at rate 1 full deflection per second: s moves by 1 * dt.
config models.ini
0ms emit all
1000ms main REL_X 50
1000ms main SYN
# s = 0.5; something moves, so a tick is wanted 1/100 s later
1000ms next
# s = 0.5 - 0.01 = 0.49
1010ms tick
# s = 0.49 - 0.09 = 0.40
1100ms tick
# s = 0.40 - 0.60 = -0.20
1100ms main REL_X -60
1100ms main SYN
# s = -0.20 + 0.15 = -0.05
1250ms tick
# |t - s| = 0.05 <= 0.10: s = t = 0, nothing moves any more
1350ms tick
# s = min(1, 0 + 5) = 1: clamped, the excess is lost
1400ms main REL_X 500
1400ms main SYN
# s = 1 - 0.5 = 0.5
1400ms main REL_X -50
1400ms main SYN
---
ABS_X 0
ABS_Y 0
ABS_RX 0
ABS_THROTTLE -1000
BTN_TRIGGER 0
BTN_THUMB 0
SYN
ABS_X 500
SYN
next 1010ms
ABS_X 490
SYN
next 1020ms
ABS_X 400
SYN
next 1110ms
ABS_X -200
SYN
ABS_X -50
SYN
next 1260ms
ABS_X 0
SYN
next idle
ABS_X 1000
SYN
ABS_X 500
SYN
