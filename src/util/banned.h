/* banned.h -- functions we do not call, made compile errors (after git's banned.h).
 * strcpy/strcat/sprintf overflow; strtok keeps hidden state; atoi hides errors;
 * gmtime/localtime return shared static storage and depend on TZ. Use buf, strtol,
 * and util/civil.h instead. Included last by every .c file of ours. */
#ifndef SHISHI_BANNED_H
#define SHISHI_BANNED_H

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
#undef atoi
#define atoi(x) BANNED(atoi)
#undef gmtime
#define gmtime(x) BANNED(gmtime)
#undef localtime
#define localtime(x) BANNED(localtime)

#endif
