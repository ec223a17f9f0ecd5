# Two mice: each axis and button listens to its own [mouse]; a device that
# matched no [mouse] section drives only "any" mappings (none here).
config mice.ini
0ms emit all
0ms stick REL_X 10
0ms stick SYN
0ms pedals REL_X -20
0ms pedals SYN
0ms - REL_X 50
0ms - SYN
0ms stick BTN_LEFT 1
0ms stick SYN
0ms pedals BTN_LEFT 1
0ms pedals SYN
# recenter:x from the pedals' middle button
0ms pedals BTN_MIDDLE 1
0ms pedals SYN
0ms stick BTN_MIDDLE 1
0ms stick REL_X 30
0ms stick SYN
---
ABS_X 0
ABS_RZ 0
BTN_TRIGGER 0
BTN_THUMB 0
SYN
ABS_X 100
SYN
ABS_RZ -200
SYN
BTN_TRIGGER 1
SYN
BTN_THUMB 1
SYN
ABS_X 0
SYN
ABS_X 300
SYN
