/* fuzz_hotspot_tsv.c -- libFuzzer target for the file of messages hot spots read
 * (text/hotspot_tsv.c), and the grouping over whatever it accepts (text/hotspot.c): no
 * crash, no leak, no undefined behaviour, and every accepted row lies in the period. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/hotspot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct hs_doc *docs;
    size_t n;
    struct err e = {0};
    /* The period: 2019 from July, the half year before it for growth. */
    int64_t before = 1546272000, from = 1561910400, to = 1577808000;
    if (hotspot_tsv_read(text, size, before, from, to, &docs, &n, &e) == 0) {
        for (size_t i = 0; i < n; i++)
            if (docs[i].at < before || docs[i].at >= to || docs[i].current != (docs[i].at >= from))
                abort();
        struct hs_group *g;
        size_t ng;
        struct hs_opts o = {.growth = 1};
        hotspots_find(docs, n, &o, &g, &ng);
        for (size_t i = 0; i < ng; i++)
            if (g[i].appeals < 2 || g[i].n > n)
                abort();
        hotspots_free(g, ng);
        free(docs);
    } else if (!e.msg[0]) {
        abort(); /* a refusal always says why */
    }
    free(text);
    return 0;
}
