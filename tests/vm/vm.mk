# placeholder: filled in by the part that owns tests/vm
.PHONY: vmtest
vmtest:
