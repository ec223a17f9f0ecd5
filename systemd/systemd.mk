# placeholder: filled in by the part that owns systemd
.PHONY: systemd-test
systemd-test:
