# Keys: increase/decrease move the rudder at key_rate 2 per second while
# held, and the spring's return pauses; both held cancel out.  Released,
# the spring returns at rate 1.
config rudder.ini
0ms emit all
0ms - BTN_EXTRA 1
0ms - SYN
0ms next
# s = 0 + 2 * 0.1 = 0.2
100ms tick
# s = 0.2 + 2 * 0.2 = 0.6
300ms - BTN_EXTRA 0
300ms - SYN
# both held: no motion, no return, no tick wanted
300ms - BTN_SIDE 1
300ms - BTN_EXTRA 1
300ms - SYN
300ms next
# increase alone: s = 0.6 + 2 * 0.4 = 1.4 -> 1; at the end stop: no tick
500ms - BTN_SIDE 0
500ms - SYN
900ms tick
# released: the spring wants ticks again; s = 1 - 0.3 = 0.7
900ms - BTN_EXTRA 0
900ms - SYN
900ms next
1200ms tick
---
ABS_X 0
ABS_RZ 0
BTN_TRIGGER 0
BTN_THUMB 0
SYN
next 10ms
ABS_RZ 200
SYN
next 110ms
ABS_RZ 600
SYN
next idle
ABS_RZ 1000
SYN
next idle
next 910ms
ABS_RZ 700
SYN
next 1210ms
