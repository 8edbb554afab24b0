/* classify.h -- which class a short Chinese text belongs to (a focus area, a lead unit):
 * complement naive Bayes over the text's features (text_features() of text/sketch.h: Han
 * characters, Han pairs, Latin words), hashed into CLS_BUCKETS, with additive smoothing.
 * Trained in one pass, predicts in one pass over the text; the model is a table of counts,
 * so it serialises to a line of text a class and can be saved and merged. No I/O here. */
#ifndef SHISHI_CLASSIFY_H
#define SHISHI_CLASSIFY_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/err.h"

#define CLS_MAX     256 /* classes */
#define CLS_LABEL   64  /* bytes of a label, NUL included */

struct classifier {
    int n;                        /* classes */
    uint32_t buckets;             /* a power of two */
    char label[CLS_MAX][CLS_LABEL];
    int64_t docs[CLS_MAX];        /* training texts per class */
    int64_t total[CLS_MAX];       /* features per class */
    uint32_t *count;              /* [class * buckets + bucket] */
    double alpha;                 /* smoothing; 0: CLS_ALPHA */
    /* Filled by classifier_finish(): 0 or -inf (a class without texts), and each bucket's
     * weight for the class, -log P(bucket | the other classes). */
    double prior[CLS_MAX];
    float *logp;
    double log_unseen[CLS_MAX];
};

/* `classes`: how many classes are expected (0: a few), which sets the buckets. */
void classifier_init(struct classifier *c, int classes);
void classifier_release(struct classifier *c);
/* Counts one training text under `label` (a new label becomes a class). ERR_INVALID for an
 * empty or over-long label, ERR_TOO_BIG past CLS_MAX classes. */
int classifier_add(struct classifier *c, const char *label, const char *text, struct err *e);
/* The index of `label`, or -1; with `create`, a new class (no texts yet) when unknown. */
int classifier_class(struct classifier *c, const char *label, int create);
/* Computes the probabilities from the counts; call after the last add, before predicting. */
void classifier_finish(struct classifier *c);

/* Frees the counts of a finished model that will only predict from now on (save, add and
 * finish need them). */
void classifier_compact(struct classifier *c);

struct cls_guess {
    int cls;           /* index into label[]; -1 when the model has no class */
    double confidence; /* P(class | text), 0..1 */
};
/* The `k` likeliest classes, best first, into out; returns how many. */
int classifier_predict(const struct classifier *c, const char *text, struct cls_guess *out, int k);

/* The model as text: "shishi-nb 1 <n> <buckets>" then per class "<label>\t<docs>\t<total>\t<bucket>:<count>,...",
 * and back (ERR_INVALID naming what is wrong). */
void classifier_save(const struct classifier *c, struct buf *out);
int classifier_load(struct classifier *c, const char *text, struct err *e);

/* A file of labelled texts: "id<TAB>label<TAB>text" a line, an optional header line whose
 * first field is "id", CRLF or LF. Fields point into `data` (split in place; len bytes and
 * one more), which must outlive *rows. ERR_INVALID naming the line. */
struct cls_row {
    const char *id, *label, *text;
};
int cls_read_tsv(char *data, size_t len, struct cls_row **rows, size_t *n, struct err *e);

/* Accuracy, macro-F1 and per-class precision and recall of predictions against the truth;
 * classes as in the classifier. */
struct cls_eval {
    int64_t n, correct;
    double accuracy, macro_f1;
    double precision[CLS_MAX], recall[CLS_MAX], f1[CLS_MAX];
    int64_t support[CLS_MAX];
    int64_t *confusion; /* [truth * n + predicted], n = classes */
};
void cls_eval_init(struct cls_eval *v, int classes);
void cls_eval_add(struct cls_eval *v, int classes, int truth, int predicted);
void cls_eval_finish(struct cls_eval *v, int classes);
void cls_eval_release(struct cls_eval *v);

#endif
