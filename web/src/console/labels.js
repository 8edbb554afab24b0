// Display names and tag colours of the appeal states the API reports (status codes).
export const STATES = [
  ['received', '已受理', 'info'], ['dispatched', '已交办', 'warning'], ['accepted', '办理中', 'primary'],
  ['replied', '已答复', 'success'], ['visited', '已回访', 'success'], ['closed', '已销号', 'info'],
  ['returned', '已退单', 'danger'], ['rejected', '不予受理', 'info'], ['merged', '已并单', 'info'],
]
export const stateTag = (code) => (STATES.find((s) => s[0] === code) || [])[2] || 'info'

export function fmtTime(t) {
  if (!t) return '—'
  return t.slice(0, 16).replace('T', ' ')
}

// Working days from today to the deadline (the deadline's own day counts), Mon–Fri; the
// exact calendar with holidays is the server's (GET /api/v1/calendar/add), this is a hint.
export function workdaysLeft(deadline, now = new Date()) {
  if (!deadline) return null
  const end = new Date(deadline.slice(0, 10) + 'T00:00:00')
  const d = new Date(now.getFullYear(), now.getMonth(), now.getDate())
  if (end < d) {
    let n = 0
    for (const x = new Date(end); x < d; x.setDate(x.getDate() + 1)) if (x.getDay() % 6) n++
    return -n
  }
  let n = 0
  for (const x = new Date(d); x <= end; x.setDate(x.getDate() + 1)) if (x.getDay() % 6) n++
  return n
}

// This month in the site's zone (UTC+08:00), "YYYY-MM".
export function siteMonth() {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 7)
}

// The period of a month "YYYY-MM": its first and last day, as the API's from and to.
export function monthSpan(m) {
  const [y, mo] = m.split('-').map(Number)
  const last = new Date(Date.UTC(y, mo, 0)).getUTCDate()
  return { from: `${m}-01`, to: `${m}-${String(last).padStart(2, '0')}` }
}
