# Hold: deltas add up (s += counts / 200) and the stick stays.
config models.ini
0ms emit all
# s = 0.25
0ms main REL_Y 50
0ms main SYN
# nothing moves
500ms tick
# s = min(1, 0.25 + 2) = 1
500ms main REL_Y 400
500ms main SYN
# s = 1 - 0.5 = 0.5
600ms main REL_Y -100
600ms main SYN
# recenter: s = t = 0 on every axis with all_actions
700ms main BTN_MIDDLE 1
700ms main SYN
700ms main BTN_MIDDLE 0
700ms main SYN
700ms next
---
ABS_X 0
ABS_Y 0
ABS_RX 0
ABS_THROTTLE -1000
BTN_TRIGGER 0
BTN_THUMB 0
SYN
ABS_Y 250
SYN
next idle
ABS_Y 1000
SYN
ABS_Y 500
SYN
ABS_Y 0
SYN
next idle
