import { createApp } from 'vue'
import App from './App.vue'
import './h5.css'

createApp(App).mount('#app')
