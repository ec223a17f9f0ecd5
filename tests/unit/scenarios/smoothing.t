# Smoothing: the output y follows the response r with a 0.1 s time
# constant, y = r + (y - r) e^(-dt/0.1); it is continuous, so a step in s
# shows only from the next update.
config smooth.ini
0ms emit all
# s = 1, y still 0: no frame, but a tick is wanted
0ms - REL_X 100
0ms - SYN
0ms next
# y = 1 - e^-0.1 = 0.095163
10ms tick
# y = 1 - e^-1.1 = 0.667129
110ms tick
# y = 1 - e^-10 = 0.999955: lround(999.95) = 1000 = the value of r: y = r
1000ms tick
---
ABS_X 0
BTN_TRIGGER 0
BTN_THUMB 0
SYN
next 10ms
ABS_X 95
SYN
next 20ms
ABS_X 667
SYN
next 120ms
ABS_X 1000
SYN
next idle
