#!/usr/bin/env bash
# test_users.sh -- an admin's changes to users from the CLI (issue 11): user passwd (new
# password on stdin), disable, enable, set-unit, set-role. Each change is one event of
# subject 'user' on the chain, without the password hash; a new password or a disabled
# account ends the user's sessions at once; a non-admin (--as) is refused and nothing is
# written; audit verify finds a user row changed behind the program's back.
# usage: bash tests/cli/test_users.sh /path/to/shishi
set -euo pipefail
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
cli_begin "$@"

setup_org
expect_ok "user add admin" user add --username adm --role admin --password-stdin <<<"admin-pass-2021"

uid() { dbq "$DB" "SELECT id FROM users WHERE username = '$1'"; }
sessions_of() { dbq "$DB" "SELECT count(*) FROM sessions WHERE user_id = $(uid "$1")"; }
user_events() { dbq "$DB" "SELECT count(*) FROM events WHERE subject = 'user'"; }
# a session row as a login makes it (the service's own login is tested over HTTP)
add_session() {
    dbq "$DB" "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at)
               VALUES ('$2', $(uid "$1"), 'c', 0, 4102444800)" >/dev/null
}

# ---- passwd ---------------------------------------------------------------------------
add_session zj tok-zj-1
before=$(dbq "$DB" "SELECT password_hash FROM users WHERE username = 'zj'")
expect_ok "user passwd zj (stdin)" user passwd zj <<<"zhujian-new-2022"
check_has "passwd says what it did" "$OUT" "password of user zj changed"
after=$(dbq "$DB" "SELECT password_hash FROM users WHERE username = 'zj'")
check_match "the new password is an Argon2id hash" "$after" '^\$argon2id\$'
[ "$before" != "$after" ] && ok "the hash changed" || bad "the hash changed" "$after"
check_eq "a new password ends the user's sessions" "$(sessions_of zj)" 0
check_eq "passwd is one user event" "$(user_events)" 1
check_eq "its details name the user and carry no hash" \
    "$(dbq "$DB" "SELECT action || ' ' || details FROM events WHERE subject = 'user'")" \
    'password {"username":"zj"}'
refuse "passwd with a short password" 1 "8 to 256" -- user passwd zj <<<"short"
refuse "passwd with nothing on stdin" 1 "no password on standard input" -- user passwd zj </dev/null
refuse "passwd without a username" 1 "needs one USERNAME" -- user passwd <<<"zhujian-new-2022"
refuse "passwd of an unknown user" 1 "nobody" -- user passwd nobody <<<"zhujian-new-2022"

# ---- disable / enable -----------------------------------------------------------------
add_session cg tok-cg-1
add_session cg tok-cg-2
expect_ok "user disable cg" user disable cg
check_eq "a disabled user's sessions end at once" "$(sessions_of cg)" 0
check_eq "cg is inactive" "$(dbq "$DB" "SELECT active FROM users WHERE username = 'cg'")" 0
ss user list --format json
printf '%s\n' "$OUT" >"$T/u.json"
check_json "user list shows cg disabled" "$T/u.json" 'py:{u["username"]: u["active"] for u in d}["cg"]' false
ss user list
check_has "user list (table) says 停用" "$(printf '%s\n' "$OUT" | grep cg)" 停用
refuse "a disabled user cannot act (--as)" 1 "disabled" -- --as cg list
refuse "disable a disabled user" 1 "already disabled" -- user disable cg
expect_ok "user enable cg" user enable cg
check_eq "cg is active again" "$(dbq "$DB" "SELECT active FROM users WHERE username = 'cg'")" 1
expect_ok "an enabled user acts again (--as)" --as cg list

# ---- set-unit / set-role --------------------------------------------------------------
expect_ok "user set-unit zj --unit 区城管局" user set-unit zj --unit 区城管局
check_eq "zj is in 区城管局" "$(dbq "$DB" "SELECT u.name FROM users s JOIN units u ON u.id = s.unit_id WHERE s.username = 'zj'")" 区城管局
refuse "set-unit to an unknown unit" 1 "没有的局" -- user set-unit zj --unit 没有的局
refuse "set-unit without --unit" 1 "--unit" -- user set-unit zj
refuse "set-unit to the unit it is in" 1 "already" -- user set-unit zj --unit 区城管局
expect_ok "user set-role boss --role auditor" user set-role boss --role auditor
check_has "set-role names the new role" "$OUT" "auditor"
refuse "set-role to a role that does not exist" 1 "role must be" -- user set-role boss --role king
refuse "set-role handler without a unit" 1 "must belong to a unit" -- user set-role disp --role handler
refuse "an admin may not take their own admin role" 1 "own account" -- --as adm user set-role adm --role auditor

# ---- who may ----------------------------------------------------------------------------
n=$(user_events)
for args in "passwd boss" "disable boss" "enable boss" "set-unit boss --unit 区住建局" "set-role boss --role leader"; do
    # shellcheck disable=SC2086
    refuse "a dispatcher may not: user $args" 1 "may not change user|allowed: admin" -- --as disp user $args <<<"some-pass-2021"
done
check_eq "the refused changes wrote no event" "$(user_events)" "$n"
expect_ok "an admin may (--as adm)" --as adm user set-role boss --role leader
check_eq "the event names its actor" \
    "$(dbq "$DB" "SELECT actor FROM events WHERE subject = 'user' ORDER BY id DESC LIMIT 1")" adm
check_eq "six user events in all" "$(user_events)" 6
check_eq "no user event carries a password hash" \
    "$(dbq "$DB" "SELECT count(*) FROM events WHERE details LIKE '%argon2%'")" 0

# ---- the chain ------------------------------------------------------------------------
expect_ok "audit verify" audit verify
check_has "audit verify counts the changed users" "$OUT" "3 changed users"
expect_ok "audit verify --format json" audit verify --format json
printf '%s\n' "$OUT" >"$T/a.json"
check_json "audit json counts users" "$T/a.json" ok true users 3
dbq "$DB" "UPDATE users SET role = (SELECT role FROM users WHERE username = 'adm') WHERE username = 'zj'"
ss audit verify
check_eq "tampered role: audit exits 3" "$RC" 3
check_has "tampered role: audit names the user" "$ERR" "user zj does not match its history"
dbq "$DB" "UPDATE users SET role = (SELECT role FROM users WHERE username = 'cg') WHERE username = 'zj'"
expect_ok "the row put back verifies again" audit verify
dbq "$DB" "UPDATE users SET password_hash = '$before' WHERE username = 'zj'"
ss audit verify
check_eq "an old password hash put back: audit exits 3" "$RC" 3
check_has "an old password hash put back: audit names the user" "$ERR" "user zj"
dbq "$DB" "UPDATE users SET password_hash = '$after' WHERE username = 'zj'"
dbq "$DB" "UPDATE users SET last_seq = 0 WHERE username = 'cg'"
ss audit verify
check_eq "a changed user's count reset to 0: audit exits 3" "$RC" 3
check_has "a changed user's count reset: audit names the user" "$ERR" "user cg"

cli_end
