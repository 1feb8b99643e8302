/*
 * banned.h - functions this project does not call.
 *
 * Included last by every .c file of pipeline/. Each of these either has no
 * bound on what it writes, keeps hidden state, or depends on the machine's
 * time zone or locale, all of which break the promise that a run is a pure,
 * safe function of its input. Use buf_addf(), chtime_* and xstrdup() instead.
 */
#ifndef HUIFANG_BANNED_H
#define HUIFANG_BANNED_H

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef localtime
#define localtime(t) BANNED(localtime)
#undef gmtime
#define gmtime(t) BANNED(gmtime)
#undef localtime_r
#define localtime_r(t, tm) BANNED(localtime_r)
#undef rand
#define rand() BANNED(rand)

#endif
