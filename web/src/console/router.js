import { createRouter, createWebHistory } from 'vue-router'
import { ElMessage } from 'element-plus'
import { onSessionExpired } from '../api.js'
import { session, loadSession, can } from './session.js'
import Layout from './Layout.vue'
import Login from './views/Login.vue'
import Home from './views/Home.vue'
import Ledger from './views/Ledger.vue'
import Detail from './views/Detail.vue'
import Intake from './views/Intake.vue'
import Hotspots from './views/Hotspots.vue'

const routes = [
  { path: '/login', component: Login, meta: { public: true, title: '登录' } },
  {
    path: '/', component: Layout, children: [
      { path: '', component: Home, meta: { title: '首页' } },
      { path: 'appeals', component: Ledger, meta: { title: '诉求台账', perm: 'appeal.read' } },
      { path: 'appeals/new', component: Intake, meta: { title: '诉求登记', perm: 'appeal.register' } },
      { path: 'appeals/:code', component: Detail, meta: { title: '诉求详情', perm: 'appeal.read' } },
      { path: 'hotspots', component: Hotspots, meta: { title: '热点诉求', perm: 'appeal.hotspots' } },
    ],
  },
  { path: '/:rest(.*)*', redirect: '/' },
]

const router = createRouter({ history: createWebHistory('/'), routes })

router.beforeEach(async (to) => {
  if (!session.loaded) {
    try { await loadSession() } catch { /* shown by the page */ }
  }
  if (to.meta.public) return true
  if (!session.user) return { path: '/login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  if (to.meta.perm && !can(to.meta.perm)) {
    ElMessage.error('您的角色无权访问该页面')
    return '/'
  }
  return true
})

onSessionExpired(() => {
  if (!session.user) return
  session.user = null
  const cur = router.currentRoute.value
  router.replace({ path: '/login', query: { expired: '1', redirect: cur.fullPath } })
})

export default router
