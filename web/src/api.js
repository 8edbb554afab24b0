// api.js -- the JSON API as the pages use it: same-origin cookies, the CSRF header on writes,
// and errors as Error objects carrying the server's status, code, field and message.
let csrf = ''
let onExpired = null

export function setCsrf(t) { csrf = t || '' }
export function onSessionExpired(fn) { onExpired = fn }

export class ApiError extends Error {
  constructor(status, body) {
    const er = (body && body.error) || {}
    super(er.message || `请求失败（${status}）`)
    this.status = status
    this.code = er.code || ''
    this.field = er.field || null
  }
}

function query(params) {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params || {}))
    if (v !== undefined && v !== null && v !== '') q.set(k, v)
  const s = q.toString()
  return s ? '?' + s : ''
}

export async function request(method, path, { params, body, raw, type } = {}) {
  const headers = {}
  if (method !== 'GET') headers['X-CSRF-Token'] = csrf
  let payload
  if (raw) { payload = raw; headers['Content-Type'] = type }
  else if (body !== undefined) { payload = JSON.stringify(body); headers['Content-Type'] = 'application/json' }
  let resp
  try {
    resp = await fetch(path + query(params), { method, headers, body: payload, credentials: 'same-origin' })
  } catch (e) {
    throw new ApiError(0, { error: { message: '网络连接失败，请检查网络后重试' } })
  }
  const text = await resp.text()
  let data = null
  try { data = text ? JSON.parse(text) : null } catch { data = null }
  if (!resp.ok) {
    const err = new ApiError(resp.status, data)
    if (resp.status === 401 && onExpired && !path.endsWith('/session')) onExpired(err)
    throw err
  }
  return data
}

export const get = (path, params) => request('GET', path, { params })
export const post = (path, body) => request('POST', path, { body })
