// Building DOM nodes: every string becomes a text node (never parsed as HTML), so database
// values, names and labels are shown literally.

/** h('button', {class: 'primary', onclick: fn, 'aria-label': 'x'}, 'text', child, ...) */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'value') el.value = value;
    else if (key === 'checked' || key === 'disabled' || key === 'selected') el[key] = Boolean(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

let uid = 0;
export const nextId = (prefix = 'f') => `${prefix}-${++uid}`;

/** A labelled form field; `control` is an input/select/textarea element. */
export function field(labelText, control, { hint, error, wide } = {}) {
  if (!control.id) control.id = nextId('field');
  const hintEl = hint ? h('p', { class: 'hint', id: `${control.id}-hint` }, hint) : null;
  const errorEl = h('p', { class: 'field-error', id: `${control.id}-error`, hidden: !error }, error || '');
  const described = [hintEl && hintEl.id, errorEl.id].filter(Boolean).join(' ');
  control.setAttribute('aria-describedby', described);
  const wrap = h('div', { class: `field${wide ? ' wide' : ''}`, dataset: { field: control.name || '' } },
    h('label', { for: control.id }, labelText), control, hintEl, errorEl);
  return wrap;
}

/** Show 422 field errors next to their fields inside `form`; returns the messages left over. */
export function showFieldErrors(form, fields) {
  for (const el of form.querySelectorAll('.field-error')) { el.hidden = true; el.textContent = ''; }
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  const rest = [];
  let first = null;
  for (const { path, msg } of fields || []) {
    const wrap = path.map((_, i) => form.querySelector(`[data-field="${CSS.escape(path.slice(0, path.length - i).join('.'))}"]`)).find(Boolean);
    if (!wrap) { rest.push(`${path.join('.')}: ${msg}`); continue; }
    const err = wrap.querySelector('.field-error');
    err.hidden = false;
    err.textContent = err.textContent ? `${err.textContent} ${msg}` : msg;
    const control = wrap.querySelector('input, select, textarea');
    if (control) { control.setAttribute('aria-invalid', 'true'); first = first || control; }
  }
  if (first) first.focus();
  return rest;
}

export function banner(kind, ...children) {
  return h('div', { class: `banner ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, ...children);
}

/** What a page shows in place of a section the caller's role may not open. */
export function notAllowed(what, who, role) {
  return h('div', { class: 'card not-allowed', role: 'status' },
    h('h2', {}, 'Not allowed'),
    h('p', {}, `${what} is for ${who}. Your role (${role}) cannot open it; ask an admin if you need it.`));
}

export function spinner(text = 'Loading…') {
  return h('p', { class: 'loading', role: 'status' }, h('span', { class: 'spin', 'aria-hidden': 'true' }), text);
}

export function empty(title, ...body) {
  return h('div', { class: 'empty' }, h('p', { class: 'empty-title' }, title), ...body);
}

export async function copyText(text, button) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const area = h('textarea', { class: 'visually-hidden', 'aria-hidden': 'true' });
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
  if (button) {
    const old = button.textContent;
    button.textContent = 'Copied';
    setTimeout(() => { button.textContent = old; }, 1500);
  }
}

/** A modal confirmation (native <dialog>); resolves true when confirmed. */
export function confirmDialog(title, message, confirmLabel = 'Delete', danger = true) {
  return new Promise((resolve) => {
    const dlg = h('dialog', { class: 'dialog', 'aria-labelledby': 'dlg-title' },
      h('h2', { id: 'dlg-title' }, title),
      h('p', {}, message),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'ghost', onclick: () => dlg.close('cancel') }, 'Cancel'),
        h('button', { type: 'button', class: danger ? 'danger' : 'primary', onclick: () => dlg.close('ok') }, confirmLabel)));
    dlg.addEventListener('close', () => { dlg.remove(); resolve(dlg.returnValue === 'ok'); });
    document.body.append(dlg);
    dlg.showModal();
  });
}

export function download(filename, text, type = 'text/csv') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
