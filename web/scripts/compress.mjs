// compress.mjs DIR -- writes a .gz twin beside every text file over 1 KiB in DIR, so the
// server can send it pre-compressed to clients that accept gzip.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync, constants } from 'node:zlib'

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) { walk(p); continue }
    if (!/\.(js|css|html|svg|json|txt)$/.test(name)) continue
    const data = readFileSync(p)
    if (data.length < 1024) continue
    const gz = gzipSync(data, { level: constants.Z_BEST_COMPRESSION })
    if (gz.length < data.length) writeFileSync(p + '.gz', gz)
  }
}
walk(process.argv[2] || 'dist')
