# Trim: "trim" moves the trim point to the stick position; the spring then
# returns there.  "reset-trim" puts the configured trim (0) back.
config models.ini
0ms emit all
# s = 0.5
0ms main REL_X 50
0ms main SYN
# t = s = 0.5: no value changes, no frame
0ms main BTN_SIDE 1
0ms main SYN
500ms tick
# s = 0.5 - 0.3 = 0.2
500ms main BTN_SIDE 0
500ms main REL_X -30
500ms main SYN
# the spring pulls up toward t = 0.5: s = 0.2 + 0.1 = 0.3
600ms tick
# recenter: s = t = 0.5
600ms main BTN_MIDDLE 1
600ms main SYN
# reset-trim: t = 0, the spring heads back down
600ms main BTN_MIDDLE 0
600ms main BTN_EXTRA 1
600ms main SYN
# s = 0.5 - 0.1 = 0.4
700ms tick
# s = 0.4 - 0.5 -> t = 0
1200ms tick
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
next idle
ABS_X 200
SYN
ABS_X 300
SYN
next 610ms
ABS_X 500
SYN
ABS_X 400
SYN
next 710ms
ABS_X 0
SYN
next idle
