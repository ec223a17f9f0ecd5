# Buttons: a joystick button is pressed while any of its inputs is held,
# on any device; repeats and known presses change nothing; a removed
# device's buttons are released; toggle-capture is a request.
config models.ini
0ms emit all
10ms main BTN_LEFT 1
10ms main SYN
# a repeat
20ms main BTN_LEFT 2
20ms main SYN
# a press already known (a resync), then the same input on another device
30ms main BTN_LEFT 1
30ms - BTN_LEFT 1
30ms - SYN
# still held on the other device
40ms main BTN_LEFT 0
40ms main SYN
50ms - BTN_LEFT 0
50ms - SYN
60ms main BTN_RIGHT 1
60ms main SYN
70ms main removed
80ms main BTN_FORWARD 1
80ms main SYN
---
ABS_X 0
ABS_Y 0
ABS_RX 0
ABS_THROTTLE -1000
BTN_TRIGGER 0
BTN_THUMB 0
SYN
BTN_TRIGGER 1
SYN
BTN_TRIGGER 0
SYN
BTN_THUMB 1
SYN
BTN_THUMB 0
SYN
request capture
