/* handlers.h -- every endpoint's handler, by file; http/routes.c's table names them with
 * their paths. Each is a route_handler (http/routes.h): the captures in r->arg, a BODY
 * route's body in r->json. Handlers are thin: every rule is the service's. */
#ifndef SHISHI_HANDLERS_H
#define SHISHI_HANDLERS_H

#include "http/routes.h"

/* api_session.c */
route_handler health, session_login, session_show, session_logout, session_password;
/* api_public.c: the citizens' page, no session */
route_handler public_submit, public_follow, public_rate, public_areas;
/* api_files.c: evidence files */
route_handler file_upload, file_download;
/* api_appeals.c */
route_handler appeals_list, appeal_register, appeal_show, appeal_duplicates, appeal_act;
route_handler appeal_hotspots, appeal_disclose;
/* api_org.c: units, areas, channels, users, the calendar */
route_handler units_list, unit_add, areas_list, area_add, channels_list, channel_add;
route_handler users_list, user_add, user_password, user_disable, user_enable, user_set_unit;
route_handler user_set_role, calendar_add, calendar_is;
/* api_assess.c: report and explain, rules, bulletin, audit */
route_handler report_get, rules_list, rules_get, rules_add, bulletin_get, audit_verify;
/* api_projects.c */
route_handler projects_list, project_add, project_show, project_progress, project_finish;
route_handler project_milestone_add, project_milestone_done, project_link;
route_handler batches_list, batch_add;
/* api_lists.c */
route_handler tasks_list, task_add, task_show, task_act;
route_handler leaders_list, leader_add, leader_compliance, leader_show;
route_handler enterprises_list, enterprise_add, visits_list, visit_add;
/* api_votes.c */
route_handler votes_list, vote_create, vote_show, vote_deputies, vote_candidates, vote_open;
route_handler vote_ballots, vote_close, vote_adopt;

#endif
