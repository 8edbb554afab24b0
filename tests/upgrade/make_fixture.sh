#!/usr/bin/env bash
# make_fixture.sh -- writes a small ledger with a given shishi binary, to test that a database
# made before the store was rewritten upgrades in place. Run once with the binary of commit
# a0de11d (the last one with two migration trees); its outputs are committed beside it:
#   bash tests/upgrade/make_fixture.sh OLD_SHISHI DB        (DB: a file, or a postgresql:// URL)
set -euo pipefail
S=$1
DB=$2
ss() { "$S" --db "$DB" "$@"; }
ss init >/dev/null
ss unit add --name 永定区 --kind district --code YD >/dev/null
ss unit add --name 区住建局 --kind department --parent 永定区 >/dev/null
ss unit add --name 区城管局 --kind department --parent 永定区 >/dev/null
ss unit add --name 王家镇 --kind town --parent 永定区 >/dev/null
ss user add --username disp --name 王派单 --role dispatcher >/dev/null
ss user add --username zj --name 住建承办 --role handler --unit 区住建局 --password-stdin <<<"zhujian-pass-2021" >/dev/null
ss user add --username boss --name 李区长 --role leader >/dev/null
A=$(ss --as disp --at 2021-11-01T09:00 register --title 路灯不亮 --content 永定路路灯连续三晚不亮 \
    --channel 12345热线 --kind 投诉 --area 宜居 --name 张三 --phone 13812345678 --address 永定路1号)
ss --as disp --at 2021-11-01T10:00 dispatch "$A" --unit 区住建局 --assist 区城管局 >/dev/null
ss --as zj --at 2021-11-02T09:00 accept "$A" >/dev/null
ss --as zj --at 2021-11-03T09:00 reply "$A" --text 已修复路灯 >/dev/null
ss --as disp --at 2021-11-04T09:00 visit "$A" --solved yes --satisfaction 满意 >/dev/null
ss --as disp --at 2021-11-05T09:00 close "$A" --evidence 现场照片.jpg >/dev/null
B=$(ss --as disp --at 2021-11-08T09:00 register --title 垃圾清运不及时 --content 小区垃圾三天未清运 \
    --channel 12345热线 --kind 求助)
ss --as disp --at 2021-11-08T10:00 dispatch "$B" --unit 区城管局 --days 5 >/dev/null
ss --as disp --at 2021-11-09T10:00 urge "$B" --note 请尽快 >/dev/null
echo "$A $B"
