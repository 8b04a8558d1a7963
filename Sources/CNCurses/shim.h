#ifndef DRYDOCK_CNCURSES_SHIM_H
#define DRYDOCK_CNCURSES_SHIM_H
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>

/* Missing from Swift's Glibc module. */
extern int wcwidth(wchar_t c);

/* Function-like macros Swift cannot import. */
static const attr_t SHIM_A_NORMAL = A_NORMAL;
static const attr_t SHIM_A_BOLD = A_BOLD;
static const attr_t SHIM_A_REVERSE = A_REVERSE;
static const attr_t SHIM_A_DIM = A_DIM;
static const attr_t SHIM_A_UNDERLINE = A_UNDERLINE;

static const mmask_t SHIM_ALL_MOUSE_EVENTS = ALL_MOUSE_EVENTS;
static const mmask_t SHIM_REPORT_MOUSE_POSITION = REPORT_MOUSE_POSITION;
static const mmask_t SHIM_BUTTON1_PRESSED = BUTTON1_PRESSED;
static const mmask_t SHIM_BUTTON1_RELEASED = BUTTON1_RELEASED;
static const mmask_t SHIM_BUTTON1_CLICKED = BUTTON1_CLICKED;
static const mmask_t SHIM_BUTTON4_PRESSED = BUTTON4_PRESSED;
static const mmask_t SHIM_BUTTON5_PRESSED = BUTTON5_PRESSED;

static inline attr_t shim_color_pair(int n) { return COLOR_PAIR(n); }
static inline WINDOW *shim_stdscr(void) { return stdscr; }
static inline int shim_colors(void) { return COLORS; }
static inline int shim_color_pairs(void) { return COLOR_PAIRS; }
static inline int shim_key_f(int n) { return KEY_F(n); }

#endif
