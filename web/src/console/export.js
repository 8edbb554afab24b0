// export.js -- the ledger as CSV or XLSX, from rows the API already masked for this role.
const COLS = [
  ['code', '编号'], ['title', '标题'], ['kind', '类型'], ['status_label', '状态'], ['channel', '渠道'],
  ['area', '分类'], ['lead_unit', '承办单位'], ['citizen_name', '诉求人'], ['phone', '电话'],
  ['received_at', '受理时间'], ['deadline', '办理时限'], ['replied_at', '答复时间'], ['closed_at', '销号时间'],
]
const cell = (r, k) => (r[k] === null || r[k] === undefined ? '' : String(r[k]))

export function toCsv(rows) {
  // A leading =, +, - or @ would be a formula in a spreadsheet: prefix it with '.
  const esc = (s) => { if (/^[=+\-@]/.test(s)) s = "'" + s; return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s }
  const lines = [COLS.map((c) => c[1]).join(',')]
  for (const r of rows) lines.push(COLS.map((c) => esc(cell(r, c[0]))).join(','))
  return '\ufeff' + lines.join('\r\n') + '\r\n'
}

const xml = (s) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c])
  .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')

let crcTable = null
function crc32(b) {
  if (!crcTable) {
    crcTable = new Uint32Array(256)
    for (let n = 0; n < 256; n++) { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; crcTable[n] = c >>> 0 }
  }
  let c = 0xffffffff
  for (let i = 0; i < b.length; i++) c = crcTable[(c ^ b[i]) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

// A zip of stored (uncompressed) entries: all an XLSX needs.
function zip(files) {
  const enc = new TextEncoder()
  const parts = [], central = []
  let off = 0
  for (const [name, text] of files) {
    const n = enc.encode(name), d = enc.encode(text), crc = crc32(d)
    const h = new DataView(new ArrayBuffer(30))
    h.setUint32(0, 0x04034b50, true); h.setUint16(4, 20, true); h.setUint16(6, 0x0800, true)
    h.setUint32(14, crc, true); h.setUint32(18, d.length, true); h.setUint32(22, d.length, true); h.setUint16(26, n.length, true)
    parts.push(new Uint8Array(h.buffer), n, d)
    const c = new DataView(new ArrayBuffer(46))
    c.setUint32(0, 0x02014b50, true); c.setUint16(4, 20, true); c.setUint16(6, 20, true); c.setUint16(8, 0x0800, true)
    c.setUint32(16, crc, true); c.setUint32(20, d.length, true); c.setUint32(24, d.length, true); c.setUint16(28, n.length, true)
    c.setUint32(42, off, true)
    central.push(new Uint8Array(c.buffer), n)
    off += 30 + n.length + d.length
  }
  const size = central.reduce((s, p) => s + p.length, 0)
  const e = new DataView(new ArrayBuffer(22))
  e.setUint32(0, 0x06054b50, true); e.setUint16(8, files.length, true); e.setUint16(10, files.length, true)
  e.setUint32(12, size, true); e.setUint32(16, off, true)
  return new Blob([...parts, ...central, new Uint8Array(e.buffer)])
}

export function toXlsx(rows) {
  const row = (cells, i) => `<row r="${i}">${cells.map((v) => `<c t="inlineStr"><is><t>${xml(v)}</t></is></c>`).join('')}</row>`
  const data = [row(COLS.map((c) => c[1]), 1), ...rows.map((r, i) => row(COLS.map((c) => cell(r, c[0])), i + 2))]
  const X = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
  return zip([
    ['[Content_Types].xml', `${X}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`],
    ['_rels/.rels', `${X}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`],
    ['xl/workbook.xml', `${X}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="诉求台账" sheetId="1" r:id="rId1"/></sheets></workbook>`],
    ['xl/_rels/workbook.xml.rels', `${X}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`],
    ['xl/worksheets/sheet1.xml', `${X}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${data.join('')}</sheetData></worksheet>`],
  ])
}

export function download(content, type, name) {
  const blob = content instanceof Blob ? content : new Blob([content], { type })
  const a = document.createElement('a')
  a.href = URL.createObjectURL(blob)
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(a.href), 1000)
}
