// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The stick-shape rules of shape.h, from the code that applies them.
 * Sources read (line numbers of these versions):
 *
 *  SDL 2.26.5 (Debian 12's libsdl2; libsdl-org/SDL tag release-2.26.5,
 *  commit ac13ca9ab691), src/joystick/linux/SDL_sysjoystick.c:
 *   1740   LINUX_JoystickGetGamepadMapping(): "if
 *          (!joystick->hwdata->has_key[BTN_GAMEPAD]) ... Not a gamepad
 *          according to the specs"; with BTN_GAMEPAD (= BTN_SOUTH) SDL
 *          builds a gamepad mapping from BTN_SOUTH ... BTN_THUMBR (1749-1828),
 *          so the device is an SDL game controller.  Still there in SDL 3
 *          (main at 38aace93598b: 2350).
 *   918-943  GuessIfAxesAreDigitalHat(): a hat pair whose axes lack fuzz,
 *          flat and resolution (ours: stick.c sets none) is a digital hat,
 *          and 1022-1026 leave its axes out of the axis count.
 *   760-767  without udev (SDL_JOYSTICK_DISABLE_UDEV, or a container:
 *          Flatpak, Snap, /run/host/container-manager as Steam's runtime
 *          for Proton has) enumeration falls back to IsJoystick() ->
 *          GuessIsJoystick() (168-190, 206), that is
 *  src/core/linux/SDL_evdev_capabilities.c SDL_EVDEV_GuessDeviceClass():
 *   78-104 a joystick needs ABS_X and ABS_Y, and BTN_TRIGGER, BTN_A, BTN_1
 *          or one of ABS_RX ... ABS_BRAKE.
 *
 *  Wine 10.4 (tag wine-10.4, commit 0927c5c3da7c, read from
 *  rbernon/wine), dlls/winebus.sys/:
 *   bus_sdl.c 995   sdl_add_device(): "desc.is_gamepad = (axis_count == 6
 *          && button_count >= 14);" with SDL's axis and button counts;
 *   bus_udev.c 1288 the same for an evdev device, counted by
 *          count_abs_axis() (518-532: every ABS code up to ABS_VOLUME,
 *          hats included) and count_buttons() (495-516: BTN_MISC ...
 *          KEY_MAX);
 *   main.c 253-257 an is_gamepad device gets the compatible id
 *          WINEBUS\WINE_COMP_XINPUT: games see an XInput gamepad;
 *   bus_sdl.c 250-259, 283-287 at most 8 absolute axes (X, Y, Z, Rx, Ry,
 *          Rz, slider, dial): "More than %zu absolute axes found,
 *          ignoring."  Proton's builds turned the extra axes into phantom
 *          buttons: ValveSoftware/Proton issues 6537 and 7252.
 */
#include <linux/input-event-codes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "engine/codes.h"
#include "engine/shape.h"

#define WINE_GAMEPAD_AXES	6
#define WINE_GAMEPAD_BUTTONS	14
#define WINE_MAX_AXES		8

int shape_is_gamepad_button(uint16_t code)
{
	return code >= BTN_SOUTH && code <= BTN_THUMBR;
}

static bool is_hat(uint16_t code)
{
	return code >= ABS_HAT0X && code <= ABS_HAT3Y;
}

static bool has_axis(const struct shape *s, uint16_t code)
{
	for (unsigned int i = 0; i < s->n_axes; i++)
		if (s->axes[i] == code)
			return true;
	return false;
}

static bool has_button(const struct shape *s, uint16_t code)
{
	for (unsigned int i = 0; i < s->n_buttons; i++)
		if (s->buttons[i] == code)
			return true;
	return false;
}

static const char *name(uint16_t type, uint16_t code, char buf[8])
{
	const char *n = codes_name(type, code);

	if (n)
		return n;
	snprintf(buf, 8, "0x%x", code);
	return buf;
}

static struct shape_finding *add(struct shape_finding *out, unsigned int *n,
				 enum shape_level level, uint16_t button)
{
	struct shape_finding *f = &out[(*n)++];

	*f = (struct shape_finding){ .level = level, .button = button };
	return f;
}

/* SDL without udev calls it a joystick: SDL_EVDEV_GuessDeviceClass(). */
static bool sdl_guesses_joystick(const struct shape *s)
{
	if (!has_axis(s, ABS_X) || !has_axis(s, ABS_Y))
		return false;
	if (has_button(s, BTN_TRIGGER) || has_button(s, BTN_A) || has_button(s, BTN_1))
		return true;
	for (uint16_t code = ABS_RX; code <= ABS_BRAKE; code++)
		if (has_axis(s, code))
			return true;
	return false;
}

unsigned int shape_check(const struct shape *s, struct shape_finding out[SHAPE_MAX_FINDINGS])
{
	unsigned int n = 0, sdl_axes = 0, i;
	uint16_t hat = 0;
	char buf[8];

	for (i = 0; i < s->n_axes; i++) {
		if (!is_hat(s->axes[i]))
			sdl_axes++;
		else if (!hat)
			hat = s->axes[i];
	}

	for (i = 0; i < s->n_buttons; i++) {
		struct shape_finding *f;

		if (!shape_is_gamepad_button(s->buttons[i]))
			continue;
		f = add(out, &n, SHAPE_REFUSE, s->buttons[i]);
		snprintf(f->message, sizeof(f->message),
			 "%s is a gamepad button: SDL, and Wine and Proton through it, take a stick with buttons of BTN_SOUTH ... BTN_THUMBR for a gamepad",
			 name(EV_KEY, s->buttons[i], buf));
		snprintf(f->fix, sizeof(f->fix),
			 "use BTN_TRIGGER ... BTN_BASE6 or BTN_TRIGGER_HAPPY1 ... 40");
		break;
	}

	if (s->n_buttons >= WINE_GAMEPAD_BUTTONS &&
	    (sdl_axes == WINE_GAMEPAD_AXES || s->n_axes == WINE_GAMEPAD_AXES)) {
		struct shape_finding *f = add(out, &n, SHAPE_REFUSE, 0);

		snprintf(f->message, sizeof(f->message),
			 "%u axes%s and %u buttons: Wine and Proton take a stick with 6 axes and 14 or more buttons for a gamepad (XInput)",
			 WINE_GAMEPAD_AXES, sdl_axes == WINE_GAMEPAD_AXES ? "" : " (hats included)",
			 s->n_buttons);
		snprintf(f->fix, sizeof(f->fix), "use 5 or 7 axes, or at most 13 buttons");
	}

	if (sdl_axes > WINE_MAX_AXES) {
		struct shape_finding *f = add(out, &n, SHAPE_WARN, 0);

		snprintf(f->message, sizeof(f->message),
			 "%u axes: Wine and Proton show games at most 8; the others are dropped, or give phantom button presses (Proton issues 6537, 7252)",
			 sdl_axes);
		snprintf(f->fix, sizeof(f->fix),
			 "keep to 8 axes besides hats (profiles can share an axis)");
	}

	if (hat) {
		struct shape_finding *f = add(out, &n, SHAPE_WARN, 0);

		snprintf(f->message, sizeof(f->message),
			 "%s is a hat: SDL, and Wine and Proton through it, read it as a digital hat (-1, 0 or 1), not as an analog axis",
			 name(EV_ABS, hat, buf));
		snprintf(f->fix, sizeof(f->fix), "for an analog control use an axis from ABS_X to ABS_BRAKE");
	}

	if (!sdl_guesses_joystick(s)) {
		struct shape_finding *f = add(out, &n, SHAPE_WARN, 0);

		snprintf(f->message, sizeof(f->message),
			 "SDL without udev (Proton in Steam's runtime, Flatpak) sees no joystick: it needs ABS_X, ABS_Y, and BTN_TRIGGER or an axis of ABS_RX ... ABS_BRAKE");
		snprintf(f->fix, sizeof(f->fix), "give the stick ABS_X and ABS_Y targets and a BTN_TRIGGER output");
	}
	return n;
}
