// Numbers shown per the metric's format (currency, percent, decimals), in the reader's locale.
const cache = new Map();

function formatter(format) {
  const key = JSON.stringify(format || {});
  if (!cache.has(key)) {
    const f = format || {};
    const digits = f.decimals ?? undefined;
    let opts;
    if (f.kind === 'currency') {
      opts = { style: 'currency', currency: f.currency || 'USD', minimumFractionDigits: digits, maximumFractionDigits: digits };
    } else if (f.kind === 'percent') {
      opts = { style: 'percent', minimumFractionDigits: digits ?? 0, maximumFractionDigits: digits ?? 1 };
    } else {
      opts = { minimumFractionDigits: digits ?? 0, maximumFractionDigits: digits ?? 2 };
    }
    cache.set(key, new Intl.NumberFormat(undefined, opts));
  }
  return cache.get(key);
}

export function formatValue(value, column, format) {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') return formatter(format).format(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Column name -> format, from the layer's metrics. */
export function formatsOf(layer) {
  const out = {};
  for (const m of (layer && layer.metrics) || []) out[m.name] = m.format;
  return out;
}

export function toCsv(columns, rows) {
  const cell = (v) => {
    if (v === null || v === undefined) return '';
    const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
    // A leading =, +, - or @ would be a formula in a spreadsheet: quote it as text.
    const safe = /^[=+\-@\t\r]/.test(s) && typeof v === 'string' ? `'${s}` : s;
    return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return [columns.map((c) => cell(c.name)).join(','), ...rows.map((r) => r.map(cell).join(','))].join('\r\n') + '\r\n';
}
