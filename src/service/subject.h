/* subject.h -- the chain's subjects other than appeals: projects, list items and vote
 * sessions, and users (every change an admin makes to one). Each is a row of a record table (store_rec_*) whose every change is an event of
 * the one hash chain, sealed with the digest of the row and its child rows as they stand
 * after the change. `audit verify` holds each row against the last event of its subject.
 *
 * A use case changes a subject like this, inside one write transaction:
 *     rec_insert / rec_update the row (last_seq + 1, version + 1, updated_at) and children
 *     subject_append(svc, who, "project", id, seq, at, "progress", from, to, details, e)
 * Private to src/service/. */
#ifndef SHISHI_SUBJECT_H
#define SHISHI_SUBJECT_H

#include "service/service.h"

#define SUBJECT_CHILDREN 3

struct subject_kind {
    const char *name;  /* "project" */
    const char *table; /* "projects" */
    struct {
        const char *table, *key; /* rows that belong to the subject: milestones.project_id */
    } child[SUBJECT_CHILDREN];
    const char *label; /* the column that names a row in messages: "code", "username" */
    const char *state; /* the column events' from/to states mirror: "state", "active" */
    /* Rows may exist with no events yet (last_seq 0): users as `user add` made them, before
     * their first change. Such a row is not held against the chain. */
    int history_optional;
    int once; /* a record written once and sealed by one event (seq 1, state 1): its table
                 has no state or last_seq column, label NULL names it by id
                 (visits) */
};

/* The kinds, NULL-terminated; subject_find() by name (NULL when unknown). */
const struct subject_kind *subject_kinds(void);
const struct subject_kind *subject_find(const char *name);

/* SHA-256 over the subject's row and its child rows (id order), every column by name in
 * sorted order with its type: the same on SQLite and PostgreSQL. ERR_NOT_FOUND if no row. */
int subject_digest(store_t *st, const struct subject_kind *k, int64_t id, char out[65],
                   struct err *e);
/* The same for a subject row the caller has read already (only its children are read). */
int subject_digest_row(store_t *st, const struct subject_kind *k, const struct row *row,
                       char out[65], struct err *e);

/* Seals one event of subject `subject` row `id` (its number `seq` in the subject's history)
 * onto the chain, with the digest of the row as it now stands. details: JSON or NULL. */
int subject_append(struct service *svc, const struct actor *who, const char *subject, int64_t id,
                   int64_t seq, int64_t at, const char *action, int from_state, int to_state,
                   const char *details, struct err *e);

/* A copy of one row that outlives the scan (names and text on the heap, so a rec may be
 * moved by assignment). Read it with row_int(&r.row, "col"), row_text(&r.row, "col"). */
struct rec {
    struct row row;
    char *text[ROW_MAX_COLS];
    char *names[ROW_MAX_COLS];
};
/* Row `id` of `table` into r (release with rec_release); ERR_NOT_FOUND names `what`. */
int rec_get(store_t *st, const char *table, int64_t id, const char *what, struct rec *r,
            struct err *e);
/* Every row where `column` = id (all rows for column NULL), copied; release each, free(*out). */
int rec_list(store_t *st, const char *table, const char *column, int64_t id, struct rec **out,
             size_t *n, struct err *e);
/* The first row (by id) of `table` whose `column` equals `text`, copied into out: 0 when
 * found, 1 when there is none (out empty), -1 on error. */
int rec_find(store_t *st, const char *table, const char *column, const char *text,
             struct rec *out, struct err *e);
void rec_copy(struct rec *dst, const struct row *src);
void rec_release(struct rec *r);
void rec_list_release(struct rec *list, size_t n);

#endif
