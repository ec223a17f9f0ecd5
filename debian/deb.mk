# make deb: the joystickd and joystickd-dkms packages, checked by lintian.
#
# dpkg-buildpackage writes next to the source tree, so it runs on a copy in
# $(DEB_OUT)/src: the files git would commit (tracked, or untracked and not
# ignored), or outside git everything but build/.  The .debs, .changes and
# .buildinfo end up in $(DEB_OUT).  lintian must find no error and no
# warning (an override would say why in debian/*.lintian-overrides).

DEB_OUT		:= $(BUILD)/deb
DEB_SRC		:= $(DEB_OUT)/src/joystickd

.PHONY: deb
deb:
	@$(DEPS) build deb
	rm -rf $(DEB_OUT)
	mkdir -p $(DEB_SRC)
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
		git ls-files -z --cached --others --exclude-standard; \
	else \
		find . -path ./build -prune -o -path ./.git -prune -o -type f -print0; \
	fi | tar -c --null -T - --ignore-failed-read -f - 2>/dev/null | tar -x -C $(DEB_SRC)
	cd $(DEB_SRC) && dpkg-buildpackage -us -uc -b
	mv $(DEB_OUT)/src/*.deb $(DEB_OUT)/src/*.changes $(DEB_OUT)/src/*.buildinfo $(DEB_OUT)/
	rm -rf $(DEB_OUT)/src
	lintian --fail-on error,warning $(DEB_OUT)/*.changes
	@echo "deb: $$(cd $(DEB_OUT) && echo *.deb) (lintian: no errors, no warnings)"
