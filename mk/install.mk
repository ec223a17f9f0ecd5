# make install / uninstall / run.
#
#   make install [DESTDIR=...] [PREFIX=/usr/local]
#	install-daemon: joystickd, joystickctl, the unit, udev rules,
#	  sysusers.d and modules-load.d files, the default ini, man pages,
#	  the example inis, the FlightGear joystick binding (FGJOYDIR);
#	install-module: joystickd_kfilter.ko built for KVER into
#	  /lib/modules/KVER/updates/ (the .deb uses DKMS instead).
#	Without DESTDIR the joystickd group is created and systemd and udev
#	reload their configuration.  An existing joystickd.ini is kept.
#   make uninstall [DESTDIR=...] [PREFIX=...]
#	removes what install put there (a joystickd.ini that was edited is
#	kept); the joystickd group stays, like any system group.
#   sudo make run
#	see mk/run.sh.
#
# systemd and udev read /usr/local/lib/{systemd/system,udev/rules.d,
# sysusers.d,modules-load.d} as well as /usr/lib/..., so every directory
# follows PREFIX.  Debian's bookworm tools want /lib/... : debian/rules
# passes UNITDIR and UDEVRULESDIR.

BINDIR		?= $(PREFIX)/bin
SBINDIR		?= $(PREFIX)/sbin
MANDIR		?= $(PREFIX)/share/man
DOCDIR		?= $(PREFIX)/share/doc/joystickd
UNITDIR		?= $(PREFIX)/lib/systemd/system
UDEVRULESDIR	?= $(PREFIX)/lib/udev/rules.d
SYSUSERSDIR	?= $(PREFIX)/lib/sysusers.d
MODLOADDIR	?= $(PREFIX)/lib/modules-load.d
MODDIR		?= /lib/modules/$(KVER)/updates
# FlightGear reads joystick bindings from $FG_HOME/Input/Joysticks (per
# user) and $FG_ROOT/Input/Joysticks, recursively, whatever the prefix:
# Debian's FG_ROOT is /usr/share/games/flightgear.
FGJOYDIR	?= /usr/share/games/flightgear/Input/Joysticks/joystickd
FGJOY		:= config/flightgear/joystickd-virtual-flight-stick.xml
MODKDIR		?= /lib/modules/$(KVER)/build
CONFDIR		:= $(SYSCONFDIR)/joystickd

INSTALL		?= install
MAN_PAGES	:= $(wildcard man/*.1 man/*.5 man/*.8)
EXAMPLES	:= $(wildcard config/examples/*.ini)
KMOD		:= kfilter/joystickd_kfilter.ko

.PHONY: install install-daemon install-module uninstall run

install: install-daemon install-module

install-daemon: $(BUILD)/joystickd $(BUILD)/joystickctl $(BUILD)/systemd/joystickd.service
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(UDEVRULESDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(MODLOADDIR) \
		$(DESTDIR)$(CONFDIR) $(DESTDIR)$(DOCDIR)/examples
	$(INSTALL) -m 0755 $(BUILD)/joystickd $(DESTDIR)$(SBINDIR)/joystickd
	$(INSTALL) -m 0755 $(BUILD)/joystickctl $(DESTDIR)$(BINDIR)/joystickctl
	$(INSTALL) -m 0644 $(BUILD)/systemd/joystickd.service $(DESTDIR)$(UNITDIR)/joystickd.service
	$(INSTALL) -m 0644 systemd/60-joystickd.rules $(DESTDIR)$(UDEVRULESDIR)/60-joystickd.rules
	$(INSTALL) -m 0644 systemd/joystickd.sysusers $(DESTDIR)$(SYSUSERSDIR)/joystickd.conf
	$(INSTALL) -m 0644 systemd/modules-load.conf $(DESTDIR)$(MODLOADDIR)/joystickd.conf
	$(INSTALL) -m 0644 $(EXAMPLES) $(DESTDIR)$(DOCDIR)/examples/
	$(INSTALL) -d $(DESTDIR)$(FGJOYDIR)
	$(INSTALL) -m 0644 $(FGJOY) $(DESTDIR)$(FGJOYDIR)/
	@if [ -e $(DESTDIR)$(CONFDIR)/joystickd.ini ]; then \
		echo "keeping $(DESTDIR)$(CONFDIR)/joystickd.ini"; \
	else \
		echo "$(INSTALL) -m 0644 config/joystickd.ini $(DESTDIR)$(CONFDIR)/joystickd.ini"; \
		$(INSTALL) -m 0644 config/joystickd.ini $(DESTDIR)$(CONFDIR)/joystickd.ini; \
	fi
	@set -e; for m in $(MAN_PAGES); do \
		s=$${m##*.}; \
		$(INSTALL) -d $(DESTDIR)$(MANDIR)/man$$s; \
		echo "$(INSTALL) -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$s/"; \
		$(INSTALL) -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$s/; \
	done
ifeq ($(DESTDIR),)
	systemd-sysusers $(SYSUSERSDIR)/joystickd.conf
	-[ ! -d /run/systemd/system ] || systemctl daemon-reload
	-[ ! -S /run/udev/control ] || udevadm control --reload
	@echo "installed; start it with: systemctl enable --now joystickd"
endif

install-module:
	$(MAKE) -C kfilter KDIR=$(MODKDIR)
	$(INSTALL) -d $(DESTDIR)$(MODDIR)
	$(INSTALL) -m 0644 $(KMOD) $(DESTDIR)$(MODDIR)/joystickd_kfilter.ko
ifeq ($(DESTDIR),)
	depmod -a $(KVER)
endif

uninstall:
ifeq ($(DESTDIR),)
	-[ ! -d /run/systemd/system ] || systemctl disable --now joystickd.service
	-! grep -q '^joystickd_kfilter ' /proc/modules || rmmod joystickd_kfilter
endif
	rm -f $(DESTDIR)$(SBINDIR)/joystickd $(DESTDIR)$(BINDIR)/joystickctl \
		$(DESTDIR)$(UNITDIR)/joystickd.service \
		$(DESTDIR)$(UDEVRULESDIR)/60-joystickd.rules \
		$(DESTDIR)$(SYSUSERSDIR)/joystickd.conf \
		$(DESTDIR)$(MODLOADDIR)/joystickd.conf \
		$(DESTDIR)$(MODDIR)/joystickd_kfilter.ko \
		$(DESTDIR)$(FGJOYDIR)/$(notdir $(FGJOY))
	-rmdir $(DESTDIR)$(FGJOYDIR) 2>/dev/null
	rm -rf $(DESTDIR)$(DOCDIR)
	@for m in $(MAN_PAGES); do \
		echo "rm -f $(DESTDIR)$(MANDIR)/man$${m##*.}/$${m##*/}"; \
		rm -f $(DESTDIR)$(MANDIR)/man$${m##*.}/$${m##*/}; \
	done
	@if cmp -s config/joystickd.ini $(DESTDIR)$(CONFDIR)/joystickd.ini; then \
		echo "rm -f $(DESTDIR)$(CONFDIR)/joystickd.ini"; \
		rm -f $(DESTDIR)$(CONFDIR)/joystickd.ini; \
		rmdir $(DESTDIR)$(CONFDIR) 2>/dev/null || true; \
	elif [ -e $(DESTDIR)$(CONFDIR)/joystickd.ini ]; then \
		echo "keeping the edited $(DESTDIR)$(CONFDIR)/joystickd.ini"; \
	fi
ifeq ($(DESTDIR),)
	-depmod -a $(KVER)
	-[ ! -d /run/systemd/system ] || systemctl daemon-reload
	-[ ! -S /run/udev/control ] || udevadm control --reload
endif

run:
	@mk/run.sh "$(KVER)"
