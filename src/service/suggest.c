/* suggest.c -- dispatch suggestions: `shishi learn` trains two classifiers (text/classify.h)
 * from the ledger's own dispatched appeals, one for the lead unit and one for the focus area,
 * and stores them (migration 0016); a registration and the read of an appeal that may be
 * dispatched then carry the likeliest unit and area with a confidence. Who may train and who
 * sees a suggestion is the policy's (appeal.learn; appeal.dispatch). */
#include "service/service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/guard.h"
#include "service/view.h"
#include "text/classify.h"
#include "util/buf.h"
#include "util/xalloc.h"

#include "util/banned.h"

static const char *const model_names[MODEL_COUNT] = {"unit", "area"};

/* What a thread's service keeps of the models between reads. */
struct models {
    struct classifier c[MODEL_COUNT];
    int64_t trained_at[MODEL_COUNT]; /* 0: not loaded */
};

void svc_models_release(struct service *svc)
{
    if (!svc->models)
        return;
    for (int m = 0; m < MODEL_COUNT; m++)
        classifier_release(&svc->models->c[m]);
    free(svc->models);
    svc->models = NULL;
}

/* What the models read of an appeal: its title and content (the same in training and use). */
static void appeal_text(const struct appeal *a, char *out, size_t size)
{
    snprintf(out, size, "%s %s", a->title ? a->title : "", a->content ? a->content : "");
}

struct learn_ctx {
    struct service *svc;
    const struct names *n;
    struct classifier c[MODEL_COUNT];
    struct learn_result *res;
    struct err *e;
};

static int learn_one(const struct appeal *a, void *ctx)
{
    struct learn_ctx *l = ctx;
    char text[8192];
    appeal_text(a, text, sizeof(text));
    const char *label[MODEL_COUNT] = {
        a->lead_unit_id ? names_unit(l->n, a->lead_unit_id) : "",
        a->area_id ? names_area(l->n, a->area_id) : "",
    };
    for (int m = 0; m < MODEL_COUNT; m++) {
        if (!*label[m])
            continue;
        if (classifier_add(&l->c[m], label[m], text, l->e) < 0)
            return -1;
        l->res->examples[m]++;
    }
    return 0;
}

int svc_learn(struct service *svc, const struct actor *who, int64_t now, struct learn_result *res,
              struct err *e)
{
    memset(res, 0, sizeof(*res));
    if (guard_to(who, SUBJ_APPEAL, "learn", NULL, e) < 0)
        return -1;
    const struct names *n = names_cached(svc, e);
    if (!n)
        return -1;
    struct learn_ctx l = {svc, n, {{0}}, res, e};
    classifier_init(&l.c[MODEL_UNIT], (int)n->nunits);
    classifier_init(&l.c[MODEL_AREA], (int)n->nareas);
    struct buf text = BUF_INIT;
    int rc = store_begin(svc->st, e);
    if (rc == 0)
        rc = store_appeal_scan(svc->st, learn_one, &l, e);
    for (int m = 0; rc == 0 && m < MODEL_COUNT; m++) {
        res->classes[m] = l.c[m].n;
        buf_reset(&text);
        classifier_save(&l.c[m], &text);
        rc = store_model_put(svc->st, model_names[m], now, res->examples[m], text.ptr, e);
    }
    if (rc == 0)
        rc = store_commit(svc->st, e);
    else
        store_rollback(svc->st);
    for (int m = 0; m < MODEL_COUNT; m++)
        classifier_release(&l.c[m]);
    buf_release(&text);
    svc_models_release(svc); /* this process reads the new ones next time */
    return rc;
}

/* Model m as this service has it, reloaded when another process trained it anew. NULL when
 * it was never trained (or could not be read: a suggestion is never worth an error). */
static const struct classifier *model(struct service *svc, int m)
{
    int64_t at, examples;
    struct err ignore = {0};
    if (store_model_get(svc->st, model_names[m], &at, &examples, NULL, &ignore) < 0)
        return NULL;
    if (!svc->models)
        svc->models = xcalloc(1, sizeof(*svc->models));
    struct models *ms = svc->models;
    if (ms->trained_at[m] == at)
        return &ms->c[m];
    char *data = NULL;
    classifier_release(&ms->c[m]);
    ms->trained_at[m] = 0;
    if (store_model_get(svc->st, model_names[m], &at, &examples, &data, &ignore) < 0 ||
        classifier_load(&ms->c[m], data, &ignore) < 0) {
        free(data);
        return NULL;
    }
    free(data);
    classifier_compact(&ms->c[m]);
    ms->trained_at[m] = at;
    return &ms->c[m];
}

json_t *svc_suggest_json(struct service *svc, const struct actor *who, const struct appeal *a)
{
    if (!guard_appeal_ok(svc, who, "dispatch", a))
        return NULL;
    char text[8192];
    appeal_text(a, text, sizeof(text));
    json_t *doc = NULL;
    for (int m = 0; m < MODEL_COUNT; m++) {
        const struct classifier *c = model(svc, m);
        struct cls_guess g[3];
        int k = c ? classifier_predict(c, text, g, 3) : 0;
        if (k <= 0 || g[0].cls < 0)
            continue;
        json_t *alts = json_array();
        for (int i = 0; i < k; i++)
            if (g[i].cls >= 0)
                json_array_append_new(alts, json_pack("{s:s, s:f}", "name", c->label[g[i].cls],
                                                      "confidence",
                                                      (double)(int)(g[i].confidence * 1000 + 0.5) / 1000));
        if (!doc)
            doc = json_object();
        json_object_set_new(doc, model_names[m], alts);
    }
    return doc;
}
