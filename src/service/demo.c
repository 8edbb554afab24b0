/* demo.c -- placeholder replaced below */
#include "service/service.h"
int svc_demo(struct service *svc, struct err *e)
{
    (void)svc;
    return err_set(e, ERR_INVALID, "", "demo not built yet");
}
