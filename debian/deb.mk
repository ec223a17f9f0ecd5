# placeholder: filled in by the part that owns debian
.PHONY: deb
deb:
