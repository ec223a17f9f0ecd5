# Capture going off with on_toggle_off = recenter: every axis with
# all_actions jumps to its trim (after the spring ran to the record's time).
config models.ini
0ms emit all
# spring s = 0.5, hold s = 0.5, throttle s = -1 + 2/10 = -0.8
0ms main REL_X 50
0ms main REL_Y 100
0ms main REL_WHEEL_HI_RES 240
0ms main SYN
100ms capture off
100ms capture on
100ms next
---
ABS_X 0
ABS_Y 0
ABS_RX 0
ABS_THROTTLE -1000
BTN_TRIGGER 0
BTN_THUMB 0
SYN
ABS_X 500
ABS_Y 500
ABS_THROTTLE -800
SYN
ABS_X 0
ABS_Y 0
SYN
next idle
