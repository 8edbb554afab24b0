/* org.h -- the organisation: units as a tree, users with roles, and the reference lists
 * (focus areas, channels). Validation only; storing them is the store's job. */
#ifndef SHISHI_ORG_H
#define SHISHI_ORG_H

#include <stdint.h>

#include "util/err.h"

enum unit_kind {
    UNIT_NONE = 0,
    UNIT_DISTRICT,   /* 区 */
    UNIT_DEPARTMENT, /* 部门 */
    UNIT_TOWN,       /* 乡镇 */
    UNIT_STREET,     /* 街道 */
    UNIT_VILLAGE,    /* 村 */
    UNIT_COMMUNITY,  /* 社区 */
    UNIT_ENTERPRISE, /* 企业 */
    UNIT_SUPPORT,    /* 保障单位 */
    UNIT_COUNT_
};

struct unit {
    int64_t id;
    char code[32];
    char name[128];
    int kind;
    int64_t parent_id; /* 0 for a root */
    int active;
};

struct user {
    int64_t id;
    char username[64];
    char name[64];
    int role; /* enum role (core/appeal.h) */
    int64_t unit_id;
    char phone[32];
    char password_hash[160]; /* Argon2id string, empty when the user cannot log in */
    int active;
};

/* A focus area (重点领域) or a channel (渠道). */
struct ref {
    int64_t id;
    char code[32];
    char name[64];
    int sort;
    int active;
};

const char *unit_kind_code(int k);
const char *unit_kind_label(int k);
int unit_kind_parse(const char *s);

/* Checks a unit before it is stored; `parent` is NULL for a root. Villages and
 * communities sit under a town or street; a district has no parent. */
int unit_validate(const struct unit *u, const struct unit *parent, struct err *e);
/* Checks a user: username of [A-Za-z0-9._-], 2..63 bytes; a role; handlers need a unit. */
int user_validate(const struct user *u, struct err *e);
/* Checks a new password: 8 to 256 bytes. */
int user_password_validate(const char *password, struct err *e);
/* Checks a change an admin makes to a user (`before` as stored, `after` as it would be):
 * after must be a valid user, and nobody may disable, or take the admin role from, their
 * own account (`self`: the change is the actor's own), which could leave a site with no
 * admin. */
int user_change_validate(const struct user *before, const struct user *after, int self,
                         struct err *e);
/* Checks an area or channel: a name of 1..20 characters, a code of [a-z0-9_-]. */
int ref_validate(const struct ref *r, const char *what, struct err *e);

#endif
