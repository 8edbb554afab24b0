// session.js -- who is logged in, as GET /api/v1/session says. The console only hides what
// the permissions do not include; the server decides every right.
import { reactive } from 'vue'
import { get, request, setCsrf } from '../api.js'

export const session = reactive({ user: null, loaded: false })

export async function loadSession() {
  // No CSRF cookie: no session to ask about (and no 401 in the browser's console).
  if (!/(^|;\s*)shishi_csrf=[0-9a-f]/.test(document.cookie)) {
    session.user = null
    session.loaded = true
    return null
  }
  try {
    const s = await get('/api/v1/session')
    session.user = s
    setCsrf(s.csrf_token)
  } catch (e) {
    session.user = null
    if (e.status !== 401) throw e
  } finally {
    session.loaded = true
  }
  return session.user
}

export async function login(username, password) {
  const r = await request('POST', '/api/v1/session', { body: { username, password } })
  setCsrf(r.csrf_token)
  return loadSession()
}

export async function logout() {
  try { await request('DELETE', '/api/v1/session') } catch { /* already ended */ }
  session.user = null
  setCsrf('')
}

export function can(perm) {
  return !!session.user && (session.user.permissions || []).includes(perm)
}
