# With swallow = motion the wheel and the buttons are shared with the
# desktop: their records (not swallowed) count; motion the desktop got (a
# frame begun before a reload to swallow = motion) does not.
config shared.ini
0ms emit all
10ms - REL_X 50 desktop
10ms - REL_WHEEL 2 desktop
10ms - BTN_LEFT 1 desktop
10ms - SYN
20ms - REL_X 30
20ms - SYN
---
ABS_X 0
ABS_Y 0
BTN_TRIGGER 0
BTN_THUMB 0
SYN
ABS_Y 200
BTN_TRIGGER 1
SYN
ABS_X 300
SYN
