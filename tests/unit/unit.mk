# placeholder: filled in by the part that owns tests/unit
.PHONY: unit
unit:
