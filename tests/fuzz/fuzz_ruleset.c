/* fuzz_ruleset.c -- libFuzzer target for assessment rule sets (`shishi rules add --file`,
 * POST /api/v1/rules): any input is refused with a named field or accepted as a rule set that
 * passes ruleset_check() and survives a JSON round trip unchanged. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "service/rules_json.h"

#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    struct ruleset rs, back;
    struct err e = {0};
    if (ruleset_from_json(s, &rs, &e) == 0) {
        if (ruleset_check(&rs, &e) != 0)
            abort();
        json_t *j = ruleset_to_json(&rs);
        char *text = json_dumps(j, JSON_COMPACT);
        json_decref(j);
        if (!text || ruleset_from_json(text, &back, &e) != 0)
            abort();
        if (memcmp(rs.weight, back.weight, sizeof(rs.weight)) != 0 ||
            memcmp(&rs.limits.handle, &back.limits.handle, sizeof(rs.limits.handle)) != 0 ||
            rs.basic_share != back.basic_share || rs.partly_share != back.partly_share ||
            rs.min_volume != back.min_volume || strcmp(rs.name, back.name) != 0)
            abort();
        free(text);
    } else if (e.code == 0 || e.msg[0] == 0) {
        abort(); /* a refusal always says why */
    }
    free(s);
    return 0;
}
