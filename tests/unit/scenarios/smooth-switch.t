# A switch to a profile whose axis on the same code is smoothed: the
# output glides from what the unsmoothed axis showed (its response of the
# position, never computed while it was unsmoothed) to the new response.
config smooth-switch.ini
0ms emit all
# x: s = 0.5, y = 0.5
0ms - REL_X 50
0ms - SYN
# x2 (power:2): r = 0.25; y stays 0.5 and glides, y = r + (y - r) e^(-dt/0.1)
100ms profile two
# y = 0.25 + 0.25 e^-0.1 = 0.476209
110ms tick
# y = 0.25 + 0.226209 e^-0.9 = 0.341970
200ms tick
---
ABS_X 0
BTN_TRIGGER 0
BTN_THUMB 0
SYN
ABS_X 500
SYN
ABS_X 476
SYN
next 120ms
ABS_X 342
SYN
next 210ms
