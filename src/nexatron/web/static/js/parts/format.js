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

const GRAIN = /__(day|week|month|quarter|year)$/;
const MONTH = new Intl.DateTimeFormat(undefined, { month: 'short', year: 'numeric', timeZone: 'UTC' });
const DAY = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

/** A period start shown at its grain: 2026-07-01 at month grain is "Jul 2026". */
function period(value, grain) {
  const d = new Date(`${String(value).slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return String(value);
  if (grain === 'year') return String(d.getUTCFullYear());
  if (grain === 'quarter') return `Q${Math.floor(d.getUTCMonth() / 3) + 1} ${d.getUTCFullYear()}`;
  if (grain === 'month') return MONTH.format(d);
  if (grain === 'week') return `Week of ${DAY.format(d)}`;
  return DAY.format(d);
}

export function formatValue(value, column, format) {
  if (value === null || value === undefined) return '—';
  const grain = column && typeof value === 'string' && GRAIN.exec(column.name);
  if (grain && /^\d{4}-\d{2}-\d{2}/.test(value)) return period(value, grain[1]);
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
