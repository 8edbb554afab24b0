/* tx.h -- the shape of every write use case: its body runs in one transaction (a savepoint
 * when the caller already holds one) and returns from the enclosing function: 0 after the
 * commit, -1 after a rollback with e filled. Private to src/service/. */
#ifndef SHISHI_TX_H
#define SHISHI_TX_H

#include "store/store.h"

#define IN_TX(svc, e, body)                                                                        \
    do {                                                                                           \
        if (store_begin((svc)->st, (e)) < 0)                                                       \
            return -1;                                                                             \
        if ((body) < 0 || store_commit((svc)->st, (e)) < 0) {                                      \
            store_rollback((svc)->st);                                                             \
            return -1;                                                                             \
        }                                                                                          \
        return 0;                                                                                  \
    } while (0)

#endif
