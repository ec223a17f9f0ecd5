# Response on a 0 ... 255 axis: deadzone 0.1, outer_deadzone 0.1,
# expo 0.5, inverted.  value = lround((y + 1) * 127.5).
config curve.ini
# s = 0: y = 0, lround(127.5) = 128
0ms emit all
# s = 0.05, inside the deadzone: y = 0, no change
0ms - REL_X 5
0ms - SYN
# s = 0.5: d = (0.5 - 0.1) / 0.8 = 0.5, expo 0.25 + 0.0625 = 0.3125,
# inverted -0.3125: lround(87.65625) = 88
0ms - REL_X 45
0ms - SYN
# s = 0.95 >= 1 - 0.1: d = 1, y = -1: 0
0ms - REL_X 45
0ms - SYN
# s = -0.7: d = -0.75, expo -0.375 - 0.2109375 = -0.5859375,
# inverted 0.5859375: lround(202.20703125) = 202
0ms - REL_X -165
0ms - SYN
---
ABS_X 128
BTN_TRIGGER 0
BTN_THUMB 0
SYN
ABS_X 88
SYN
ABS_X 0
SYN
ABS_X 202
SYN
