#ifndef DRYDOCK_CNCURSES_SHIM_H
#define DRYDOCK_CNCURSES_SHIM_H
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>
#endif
