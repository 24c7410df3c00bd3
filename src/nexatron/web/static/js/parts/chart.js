// Charts: the vega libraries are loaded only when a chart is drawn, then the answer's Vega-Lite
// spec is rendered as SVG with vega's expression interpreter (no eval: the page's CSP forbids it).
const VENDOR = new URL('../../vendor/', import.meta.url);
let loading = null;

function script(path) {
  return new Promise((resolve, reject) => {
    const el = document.createElement('script');
    el.src = new URL(path, VENDOR).href;
    el.onload = resolve;
    el.onerror = () => reject(new Error(`Could not load ${path}`));
    document.head.append(el);
  });
}

export function loadVega() {
  if (!loading) {
    loading = (async () => {
      await script('vega@6.4.0/vega.min.js');
      await script('vega-lite@6.5.0/vega-lite.min.js');
      await script('vega-embed@7.3.0/vega-embed.min.js');
      const { expressionInterpreter } = await import(new URL('vega-interpreter@2.3.2/vega-interpreter.js', VENDOR).href);
      return { embed: window.vegaEmbed, expressionInterpreter };
    })();
    loading.catch(() => { loading = null; });
  }
  return loading;
}

const THEME = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  range: { category: ['#4f46e5', '#0ea5e9', '#10b981', '#f59e0b', '#ef4444', '#8b5cf6', '#14b8a6', '#f97316'] },
  mark: { color: '#4f46e5' },
  bar: { cornerRadiusEnd: 3 },
  axis: { labelColor: '#475569', titleColor: '#334155', gridColor: '#e2e8f0', domainColor: '#cbd5e1', tickColor: '#cbd5e1', labelFontSize: 11, titleFontSize: 12 },
  title: { fontSize: 14, fontWeight: 600, color: '#0f172a', anchor: 'start' },
  view: { stroke: null },
};

export async function drawChart(el, spec, label) {
  const { embed, expressionInterpreter } = await loadVega();
  const { $schema, ...rest } = spec; // the v5 spec is valid Vega-Lite 6: no version warning
  const full = { ...rest, width: 'container', height: 260, autosize: { type: 'fit-x', contains: 'padding' } };
  el.setAttribute('role', 'img');
  el.setAttribute('aria-label', label || spec.title || 'Chart of the answer');
  const result = await embed(el, full, {
    mode: 'vega-lite', renderer: 'svg', actions: false, ast: true, expr: expressionInterpreter, config: THEME, tooltip: true,
  });
  return result.view;
}
