# Velocity: s += counts / 10, and between updates s = t + (s - t) e^(-dt/0.1).
# The decay ends (s = t) once the value equals the value at the trim.
config models.ini
0ms emit all
# s = 0.5
1000ms main REL_HWHEEL 5
1000ms main SYN
# s = 0.5 e^-0.1 = 0.452419
1010ms tick
# s = 0.5 e^-1 = 0.183940
1100ms tick
# s = 0.183940 + 0.2 = 0.383940
1100ms main REL_HWHEEL 2
1100ms main SYN
# s = 0.383940 e^-2 = 0.051961
1300ms tick
# s = 0.051961 e^-6 = 0.000129: lround(0.129) = 0 = the value at t, so s = t
1900ms tick
---
ABS_X 0
ABS_Y 0
ABS_RX 0
ABS_THROTTLE -1000
BTN_TRIGGER 0
BTN_THUMB 0
SYN
ABS_RX 500
SYN
ABS_RX 452
SYN
next 1020ms
ABS_RX 184
SYN
next 1110ms
ABS_RX 384
SYN
ABS_RX 52
SYN
next 1310ms
ABS_RX 0
SYN
next idle
