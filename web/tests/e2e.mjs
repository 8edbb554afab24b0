// e2e.mjs SHISHI OUTDIR -- the life of an appeal in a real browser (Debian's chromium driven
// by playwright-core; no browser is downloaded): a citizen submits with a photo on a 375 px page, the
// dispatcher dispatches, the unit's handler signs and replies with a photo, the citizen
// rates it, the dispatcher closes it out and the dashboard's counts change. Also: a handler
// never sees another unit's appeal, a wrong password shows the error, a stale action shows
// the 409 message, a near-copy is flagged as a duplicate and merged, a rate limit shows its message, and no page logs a console error or has
// a failed request that the step did not expect. Screenshots go to OUTDIR.
import { spawn, execFileSync } from 'node:child_process'
import { mkdtempSync, mkdirSync, rmSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { deflateSync } from 'node:zlib'
import { chromium } from 'playwright-core'

const [shishi, outDir = 'screenshots'] = process.argv.slice(2)
if (!shishi) { console.error('usage: e2e.mjs SHISHI OUTDIR'); process.exit(2) }
const PASSWORD = 'shishi-demo-2021'
const browserPath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync)
if (!browserPath) { console.error('FAIL: chromium is missing (scripts/setup.sh --test installs it)'); process.exit(1) }
mkdirSync(outDir, { recursive: true })

let failures = 0
const ok = (cond, what) => { console.log(`${cond ? 'ok  ' : 'FAIL'} ${what}`); if (!cond) failures++ }

// ---- a server on a demo database --------------------------------------------------------
const dir = mkdtempSync(join(tmpdir(), 'shishi-e2e-'))
const db = join(dir, 'demo.db')
execFileSync(shishi, ['--db', db, 'demo'], { stdio: 'ignore' })
// A port below Linux's ephemeral range (32768 up), where clients of the other tests running
// beside this one take theirs; another candidate when one is taken all the same.
let port, base, server, exited
for (let attempt = 0; ; attempt++) {
  port = 20000 + ((process.pid * 7 + attempt * 977) % 12000)
  base = `http://127.0.0.1:${port}`
  exited = null
  server = spawn(shishi, ['--db', db, 'serve', '--listen', `127.0.0.1:${port}`, '--quiet', '--public-per-minute', '3'],
    { stdio: ['ignore', 'ignore', 'inherit'] })
  server.on('exit', (code, sig) => { exited = `exit ${code ?? sig}` })
  // A loaded CI machine may take a while; a server that died says so at once.
  let up = false
  for (let i = 0; !up && !exited && i <= 300; i++) {
    try { if ((await fetch(base + '/healthz')).ok) up = true } catch { /* not yet */ }
    if (!up) await new Promise((r) => setTimeout(r, 100))
  }
  if (up) break
  if (exited && attempt < 4) continue // the port was taken: try the next
  console.error(`FAIL: the server did not start on port ${port} (${exited || 'no answer in 30 s'})`)
  process.exit(1)
}

// ---- the browser, with a watch on console errors and failed requests --------------------
const browser = await chromium.launch({ executablePath: browserPath, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] })
const problems = []
let expected = [] // [status, url substring] a step expects to fail
function watch(page, who) {
  page.on('console', (m) => {
    if (m.type() !== 'error') return
    // The browser logs every 4xx fetch as a console error; those are judged by status below.
    if (/Failed to load resource: the server responded with a status of (\d+)/.test(m.text())) return
    problems.push(`${who}: console error: ${m.text()}`)
  })
  page.on('pageerror', (e) => problems.push(`${who}: page error: ${e.message}`))
  page.on('requestfailed', (r) => {
    if (r.failure()?.errorText === 'net::ERR_ABORTED' && r.resourceType() !== 'document') return
    problems.push(`${who}: request failed: ${r.url()} ${r.failure()?.errorText}`)
  })
  page.on('response', (r) => {
    if (r.status() < 400) return
    const i = expected.findIndex(([s, u]) => s === r.status() && r.url().includes(u))
    if (i >= 0) expected.splice(i, 1)
    else problems.push(`${who}: ${r.status()} ${r.request().method()} ${r.url()}`)
  })
}
async function desk(who) {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' })
  const page = await ctx.newPage()
  watch(page, who)
  return page
}
async function phone() {
  const ctx = await browser.newContext({
    viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN',
    userAgent: 'Mozilla/5.0 (Linux; Android 12; M2012K11AC) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/86.0.4240.99 XWEB/4317 MMWEBSDK/20220903 Mobile Safari/537.36 MMWEBID/1234 MicroMessenger/8.0.28.2240(0x28001C35) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64',
  })
  const page = await ctx.newPage()
  watch(page, 'citizen')
  return page
}
const shot = (page, name) => page.screenshot({ path: join(outDir, name + '.png'), fullPage: false })
async function login(page, user) {
  await page.goto(base + '/login')
  await page.fill('input[name=username]', user)
  await page.fill('input[name=password]', PASSWORD)
  await page.click('button[type=submit]')
  await page.waitForSelector('[data-test=user]')
}
async function count(page, key) {
  await page.goto(base + '/')
  const el = page.locator(`[data-test=count-${key}] .num`)
  await page.waitForFunction((k) => /^\d+$/.test(document.querySelector(`[data-test=count-${k}] .num`)?.textContent.trim()), key)
  return Number((await el.textContent()).trim())
}
async function act(page, action, fill) {
  await page.click(`[data-action=${action}]`)
  const dlg = page.locator('.el-dialog:visible')
  await dlg.waitFor()
  if (fill) await fill(dlg)
  await dlg.locator('[data-test=confirm]').click()
}
const statusOf = (page) => page.locator('[data-test=status]').first().textContent()

// A small real PNG (a 16x16 red square) as the reply's photo.
function png() {
  const crc = (b) => { let c = ~0; for (const x of b) { c ^= x; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1 } return ~c >>> 0 }
  const chunk = (t, d) => { const b = Buffer.alloc(12 + d.length); b.writeUInt32BE(d.length); b.write(t, 4); d.copy(b, 8); b.writeUInt32BE(crc(b.subarray(4, 8 + d.length)), 8 + d.length); return b }
  const raw = Buffer.alloc(16 * (1 + 16 * 3))
  for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) raw[y * 49 + 1 + x * 3] = 220
  const ihdr = Buffer.from([0, 0, 0, 16, 0, 0, 0, 16, 8, 2, 0, 0, 0])
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))])
}

try {
  // 1. The dispatcher's counts before, and a wrong password.
  const disp = await desk('paidan')
  await disp.goto(base + '/login')
  await shot(disp, 'login')
  await disp.fill('input[name=username]', 'paidan')
  await disp.fill('input[name=password]', 'wrong-password')
  expected.push([401, '/api/v1/session'])
  await disp.click('button[type=submit]')
  const err = disp.locator('[data-test=login-error]')
  await err.waitFor()
  ok((await err.textContent()).includes('用户名或密码错误'), 'a wrong password shows 用户名或密码错误')
  await new Promise((r) => setTimeout(r, 1100)) // after 3 failures the login waits; 1 is fine
  await login(disp, 'paidan')
  const before = { todispatch: await count(disp, 'todispatch'), tovisit: await count(disp, 'tovisit') }
  await shot(disp, 'home-dispatcher')

  // 2. A citizen submits on a 375 px page in WeChat's browser.
  const cit = await phone()
  await cit.goto(base + '/h5/')
  await cit.waitForSelector('#area option:nth-child(2)', { state: 'attached' })
  await cit.selectOption('#area', { label: '宜居' })
  await cit.fill('#place', '幸福小区3号楼前')
  await cit.fill('#content', '幸福小区3号楼前的路灯坏了两周，夜里看不见路，老人出门很不方便。')
  await cit.fill('#name', '张三')
  await cit.fill('#phone', '13812345678')
  await cit.setInputFiles('[data-test=photo]', { name: 'lamp.png', mimeType: 'image/png', buffer: png() })
  await cit.locator('[data-test=photo-note]', { hasText: '已选择照片' }).waitFor()
  await shot(cit, 'h5-submit')
  await cit.click('button[type=submit]')
  await cit.locator('.err').waitFor()
  ok((await cit.locator('.err').textContent()).includes('同意'), 'the citizen must accept the consent line')
  await cit.check('#consent')
  await cit.click('button[type=submit]')
  const code = (await cit.locator('[data-test=code]').textContent()).trim()
  ok(/^YD\d{12}$/.test(code), `the citizen gets a code (${code})`)
  await shot(cit, 'h5-submitted')
  ok(await cit.evaluate(() => document.documentElement.scrollWidth <= 375), 'the citizens\' page fits 375 px')

  // 3. The dispatcher finds it in the ledger and dispatches it to 区住建局.
  ok(await count(disp, 'todispatch') === before.todispatch + 1, '待交办 counts the new appeal')
  await disp.click('[data-test=count-todispatch]')
  await disp.waitForSelector('[data-test=ledger] .el-table__row')
  await disp.fill('input[name=q]', code)
  await disp.click('[data-test=search-form] button[type=submit]')
  await disp.waitForFunction((c) => document.querySelectorAll('[data-test=ledger] .el-table__body .el-table__row').length === 1 &&
    document.querySelector('[data-test=ledger] .el-table__body').textContent.includes(c), code)
  ok(true, 'the ledger finds the appeal by its code')
  const ledger = await desk('paidan-ledger')
  await login(ledger, 'paidan')
  await ledger.goto(base + '/appeals')
  await ledger.waitForSelector('[data-test=ledger] .el-table__row')
  await shot(ledger, 'ledger')
  await disp.click(`text=${code}`)
  await disp.waitForSelector('[data-test=actions] [data-action=dispatch]')
  await disp.waitForSelector('[data-test=thumbs] img')
  ok(await disp.locator('[data-test=thumbs] img').first().evaluate((i) => i.complete && i.naturalWidth === 16),
    'the citizen\'s photo came with the appeal and shows on its page')
  ok((await disp.locator('[data-test=phone]').textContent()).includes('138****5678'), 'the phone number comes masked, even to the dispatcher')
  await disp.click('[data-test=disclose]')
  await disp.waitForFunction(() => document.querySelector('[data-test=phone]')?.textContent.includes('13812345678'))
  ok(true, '查看完整号码 shows the full number (and the server records the view)')
  await act(disp, 'dispatch', async (dlg) => {
    const hint = dlg.locator('[data-test=suggested-unit]')
    await hint.waitFor()
    ok((await hint.textContent()).includes('系统建议'), `the dispatch dialog suggests a unit: ${(await hint.textContent()).trim()}`)
    await dlg.locator('[data-test=unit]').click()
    await disp.locator('.el-select-dropdown__item:visible', { hasText: '区住建局' }).first().click()
  })
  await disp.waitForFunction(() => document.querySelector('[data-test=status]')?.textContent.includes('已交办'))
  ok(true, 'dispatched: 已交办')
  ok(await count(disp, 'todispatch') === before.todispatch, 'the dashboard\'s 待交办 goes back down')

  // 4. A stale page: another dispatcher tab urges first; this one's urge gets the 409 message.
  const stale = await desk('paidan-stale')
  await login(stale, 'paidan')
  await stale.goto(`${base}/appeals/${code}`)
  await stale.waitForSelector('[data-action=urge]')
  await disp.goto(`${base}/appeals/${code}`)
  await act(disp, 'urge')
  await disp.locator('.el-message--success').waitFor()
  expected.push([409, `/appeals/${code}/urge`])
  await act(stale, 'urge')
  const warn = stale.locator('.el-message--warning')
  await warn.waitFor()
  ok((await warn.textContent()).includes('已被他人处理'), 'a stale action shows the 409 message and reloads')

  // 5. The handler of 区住建局: never another unit's appeal; signs and replies with a photo.
  const other = await disp.evaluate(async () => (await (await fetch('/api/v1/appeals?unit=区教育局&limit=1')).json()).items[0].code)
  const hand = await desk('zhujian')
  await login(hand, 'zhujian')
  await hand.goto(base + '/appeals')
  await hand.waitForSelector('[data-test=ledger] .el-table__row')
  const mine = await hand.evaluate(async () => (await (await fetch('/api/v1/appeals?limit=100')).json()).items)
  ok(mine.length > 0 && mine.every((x) => x.lead_unit === '区住建局' || (x.assist_units || []).includes('区住建局')),
    `every appeal the handler's table can hold is 区住建局's (${mine.length})`)
  await hand.fill('input[name=q]', other)
  await hand.click('[data-test=search-form] button[type=submit]')
  await hand.waitForSelector('text=暂无符合条件的诉求')
  ok(true, `another unit's appeal ${other} is not in the handler's table`)
  expected.push([403, `/api/v1/appeals/${other}`])
  await hand.goto(`${base}/appeals/${other}`)
  await hand.waitForSelector('text=无权查看')
  ok(!(await hand.content()).includes('13'.repeat(0) + 'id_number'), `nor by URL: ${other} shows 无权查看`)
  await hand.goto(base + '/')
  const tosign = await count(hand, 'tosign')
  ok(tosign >= 1, `the handler's 待签收 counts the new appeal (${tosign})`)
  await shot(hand, 'home-handler')
  await hand.goto(`${base}/appeals/${code}`)
  await act(hand, 'accept')
  await hand.waitForFunction(() => document.querySelector('[data-test=status]')?.textContent.includes('办理中'))
  ok(true, 'signed: 办理中')
  await act(hand, 'reply', async (dlg) => {
    await dlg.locator('textarea[name=text]').fill('已更换3号楼前路灯灯头，恢复照明。')
    await dlg.locator('[data-test=evidence-file]').setInputFiles({ name: 'lamp.png', mimeType: 'image/png', buffer: png() })
    await dlg.locator('text=已上传').waitFor()
  })
  await hand.waitForFunction(() => document.querySelector('[data-test=status]')?.textContent.includes('已答复'))
  await hand.waitForFunction(() => document.querySelectorAll('[data-test=thumbs] img').length === 2)
  ok(await hand.locator('[data-test=thumbs] img').last().evaluate((i) => i.complete && i.naturalWidth === 16), 'replied with a photo; its thumbnail shows beside the citizen\'s')
  await shot(hand, 'detail')

  // 5b. A second call about the same lamp: the dispatcher's intake warns of a likely
  // duplicate, the new appeal's page lists the citizen's, and 并入该件 merges it there.
  await disp.goto(base + '/appeals/new')
  await disp.waitForSelector('[data-test=intake]')
  await disp.locator('[data-test=intake] .el-select').first().click()
  await disp.locator('.el-select-dropdown__item:visible').first().click()
  await disp.fill('input[name=title]', '幸福小区3号楼前路灯不亮')
  await disp.fill('textarea[name=content]', '幸福小区3号楼前的路灯坏了两周，夜里看不见路，老人出门很不方便。')
  await disp.fill('input[name=phone]', '13700001234')
  await disp.click('[data-test=intake] button[type=submit]')
  const dwarn = disp.locator('.el-message--warning', { hasText: '疑似重复' })
  await dwarn.waitFor()
  ok(true, 'registering a near-copy warns of a likely duplicate')
  await disp.waitForURL(/\/appeals\/YD\d{12}$/)
  const dupCode = disp.url().split('/').pop()
  const suspectsBefore = await count(disp, 'suspect')
  await disp.click('[data-test=count-suspect]')
  await disp.waitForSelector('[data-test=ledger] .el-table__row')
  ok((await disp.locator('[data-test=ledger] .el-table__body').textContent()).includes(dupCode) && suspectsBefore >= 1,
    `the workbench's 疑似重复 (${suspectsBefore}) opens a list holding the near-copy ${dupCode}`)
  await disp.goto(`${base}/appeals/${dupCode}`)
  await disp.waitForSelector(`[data-test=duplicates] [data-merge-into="${code}"]`)
  ok((await disp.locator('[data-test=duplicates]').textContent()).includes('内容相似'), `the new appeal's page lists ${code} as its duplicate, and why`)
  await shot(disp, 'detail-duplicates')
  await disp.click(`[data-merge-into="${code}"]`)
  const mdlg = disp.locator('.el-dialog:visible')
  await mdlg.waitFor()
  ok(await mdlg.locator('input[name=into]').inputValue() === code, '并入该件 fills in the code to merge into')
  await mdlg.locator('[data-test=confirm]').click()
  await disp.waitForFunction(() => document.querySelector('[data-test=status]')?.textContent.includes('已并单'))
  ok(true, 'merged: 已并单')

  // 6. The citizen follows it and rates it (the self-service 回访).
  await cit.click('text=查询进度')
  await cit.waitForSelector('[data-test=follow-result]')
  ok((await cit.locator('[data-test=reply]').textContent()).includes('路灯'), 'the citizen sees the public reply')
  const tl = await cit.locator('.tl').textContent()
  ok(tl.includes('答复') && !tl.includes('zhujian'), 'the timeline shows steps, no staff names')
  await cit.click('.choices button:has-text("基本满意")')
  await cit.click('.choices button:has-text("已解决")')
  await shot(cit, 'h5-follow')
  await cit.click('text=提交评价')
  await cit.waitForSelector('[data-test=rated]')
  ok((await cit.locator('[data-test=status]').textContent()).includes('已回访'), 'rated: 已回访')

  // 7. The dispatcher closes it out; the counts follow.
  await disp.goto(`${base}/appeals/${code}`)
  await disp.waitForSelector('[data-action=close]')
  await act(disp, 'close', (dlg) => dlg.locator('textarea[name=note]').fill('群众满意，销号'))
  await disp.waitForFunction(() => document.querySelector('[data-test=status]')?.textContent.includes('已销号'))
  ok(true, 'closed out: 已销号')
  ok(await count(disp, 'tovisit') === before.tovisit, '待回访 is unchanged: the citizen\'s rating counted as the visit')
  await disp.goto(base + '/appeals/new')
  await disp.waitForSelector('[data-test=intake]')
  await shot(disp, 'intake')
  const alerts = await count(disp, 'hotalert')
  const api = await disp.evaluate(async (span) => (await (await fetch(`/api/v1/hotspots?from=${span[0]}&to=${span[1]}&top=1`)).json()).alerts,
    (() => { const m = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 7); const [y, mo] = m.split('-').map(Number); return [`${m}-01`, `${m}-${String(new Date(Date.UTC(y, mo, 0)).getUTCDate()).padStart(2, '0')}`] })())
  ok(alerts === api, `the workbench's 热点预警 is this month's alerts (${alerts})`)
  await disp.goto(base + '/hotspots?month=2021-07')
  await disp.waitForSelector('[data-test=hotspots] .el-table__body .el-table__row')
  const hot = await disp.locator('[data-test=hotspots] .el-table__body').textContent()
  ok(/YD202107\d{6}/.test(hot), 'the hot spots of July 2021 list their appeals')
  await shot(disp, 'hotspots')

  // 7b. A leader's workbench: their lists past due and this month's visit compliance.
  const lead = await desk('lingdao')
  await login(lead, 'lingdao')
  await lead.goto(base + '/')
  const overdueItems = await count(lead, 'tasksoverdue')
  const apiItems = await lead.evaluate(async () => (await (await fetch('/api/v1/tasks?overdue=1')).json()).length)
  ok(overdueItems === apiItems, `the leader's 清单事项逾期 is the API's (${overdueItems})`)
  await lead.waitForFunction(() => /%|无应走访/.test(document.querySelector('[data-test=count-compliance] .num')?.textContent || ''))
  ok(true, 'the leader sees this month\'s 走访达标率')
  await shot(lead, 'home-leader')

  // 8. The citizens' rate limit (3 submissions a minute here) has a clear message.
  await cit.goto(base + '/h5/')
  let limited = false
  // A fixed window of a minute: seven tries put four in one window, wherever its edge falls.
  for (let i = 0; i < 7 && !limited; i++) {
    await cit.goto(base + '/h5/')
    await cit.fill('#place', '东街'); await cit.fill('#content', '测试限流的第' + i + '条诉求内容'); await cit.fill('#phone', '13900000000')
    await cit.check('#consent')
    expected.push([429, '/api/v1/public/appeals'])
    await cit.click('button[type=submit]')
    await cit.waitForSelector('[data-test=code], .err')
    if (await cit.locator('.err').count()) limited = (await cit.locator('.err').textContent()).includes('太频繁')
  }
  ok(limited, 'too many submissions show 操作太频繁')
  expected = expected.filter(([s]) => s !== 429)

  // 9. Session expiry: the session ends elsewhere; the next request goes back to login.
  await disp.evaluate(async () => { await fetch('/api/v1/session', { method: 'DELETE', headers: { 'X-CSRF-Token': document.cookie.match(/shishi_csrf=([0-9a-f]+)/)[1] } }) })
  for (const u of ['appeals', 'units', 'areas', 'channels']) expected.push([401, '/api/v1/' + u])
  await disp.click('text=诉求台账')
  await disp.waitForSelector('text=登录已过期')
  ok(true, 'an ended session goes back to login with 登录已过期')
  await shot(disp, 'login-expired')
} catch (e) {
  ok(false, 'the flow ran to the end: ' + e.message.split('\n')[0])
} finally {
  await browser.close()
  server.kill('SIGTERM')
}
// The hash chain, now sealing the photo too, still verifies.
try {
  const out = execFileSync(shishi, ['--db', db, 'audit', 'verify'], { encoding: 'utf8' })
  ok(/ok|intact|verified/i.test(out), 'audit verify passes with the evidence file')
} catch (e) { ok(false, 'audit verify: ' + (e.stdout || e.message)) }
for (const p of problems) ok(false, p)
ok(!expected.length, 'every expected refusal happened: ' + JSON.stringify(expected))
rmSync(dir, { recursive: true, force: true })
console.log(failures ? `${failures} failed` : 'all passed')
process.exit(failures ? 1 : 0)
