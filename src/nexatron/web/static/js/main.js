// The app shell: session restore, navigation, and the page router (History API, no reloads).
import { can, logout, onExpired, restore, session } from './api.js';
import { clear, h } from './dom.js';

const PAGES = {
  '/ask': { title: 'Ask', load: () => import('./pages/ask.js') },
  '/history': { title: 'History', load: () => import('./pages/history.js') },
  '/connections': { title: 'Connections', load: () => import('./pages/connections.js') },
  '/semantic': { title: 'Semantic layer', load: () => import('./pages/semantic.js') },
  '/settings': { title: 'Settings', load: () => import('./pages/settings.js') },
};
const root = document.getElementById('app');
let cleanup = null;
let expiredNotice = false;

export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  route();
}

function link(path, label) {
  return h('a', {
    href: path,
    class: 'nav-link',
    onclick: (e) => {
      if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
      e.preventDefault();
      navigate(path);
    },
  }, label);
}

function shell(active) {
  const user = session.user;
  const nav = h('nav', { class: 'nav', id: 'main-nav', 'aria-label': 'Main' },
    Object.entries(PAGES).map(([path, page]) => {
      const a = link(path, page.title);
      if (path === active) a.setAttribute('aria-current', 'page');
      return a;
    }));
  // On a phone the links sit behind this button (CSS shows it only there); on wider screens
  // they are always shown. Navigating re-renders the shell, so the menu closes by itself.
  const menu = h('button', {
    type: 'button', class: 'menu-button ghost small', 'aria-expanded': 'false', 'aria-controls': 'main-nav',
    onclick: () => setMenu(menu.getAttribute('aria-expanded') !== 'true'),
  }, h('span', { class: 'menu-icon', 'aria-hidden': 'true' }), h('span', { class: 'visually-hidden' }, 'Menu'));
  const main = h('main', { id: 'main', class: 'page', tabindex: '-1' });
  const top = h('header', {
    class: 'topbar',
    onkeydown: (e) => {
      if (e.key === 'Escape' && menu.getAttribute('aria-expanded') === 'true') { setMenu(false); menu.focus(); }
    },
  },
  h('a', { href: '#main', class: 'skip' }, 'Skip to content'),
  h('a', { href: '/ask', class: 'brand', onclick: (e) => { e.preventDefault(); navigate('/ask'); } },
    h('span', { class: 'logo', 'aria-hidden': 'true' }, 'N'), 'Nexatron'),
  menu,
  nav,
  h('div', { class: 'user' },
    h('span', { class: 'user-email', title: user.email }, user.name || user.email),
    h('span', { class: `role role-${user.role}` }, user.role),
    h('button', {
      type: 'button', class: 'ghost small', onclick: async () => { await logout(); navigate('/login'); },
    }, 'Sign out')));
  function setMenu(open) {
    menu.setAttribute('aria-expanded', String(open));
    top.classList.toggle('menu-open', open);
  }
  clear(root, top, main);
  return main;
}

async function route() {
  if (cleanup) { try { cleanup(); } catch { /* page already gone */ } cleanup = null; }
  let path = location.pathname.replace(/\/+$/, '') || '/';
  if (path === '/login') {
    if (session.user) { navigate('/ask', { replace: true }); return; }
    const page = await import('./pages/login.js');
    document.title = 'Sign in · Nexatron';
    page.render(root, { navigate, expired: expiredNotice });
    expiredNotice = false;
    return;
  }
  if (!session.user) {
    const next = location.pathname + location.search;
    navigate(`/login${next && next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`, { replace: true });
    return;
  }
  if (path === '/') { navigate('/ask', { replace: true }); return; }
  const key = Object.keys(PAGES).find((p) => path === p || path.startsWith(`${p}/`));
  const main = shell(key);
  if (!key) {
    document.title = 'Not found · Nexatron';
    main.append(h('h1', {}, 'Page not found'), h('p', {}, 'There is no page here. '), link('/ask', 'Go to Ask'));
    return;
  }
  document.title = `${PAGES[key].title} · Nexatron`;
  const module = await PAGES[key].load();
  cleanup = (await module.render(main, {
    navigate, path, params: new URLSearchParams(location.search), can,
  })) || null;
}

onExpired(() => {
  if (location.pathname === '/login') return;
  expiredNotice = true;
  navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
});
window.addEventListener('popstate', route);

(async () => {
  await restore();
  route();
})();
