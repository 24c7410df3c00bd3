import { login } from '../api.js';
import { banner, clear, field, h } from '../dom.js';

export function render(root, { navigate, expired }) {
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true, placeholder: 'admin@localhost' });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const tenant = h('input', { name: 'tenant', autocomplete: 'organization', maxlength: '63' });
  const tenantField = field('Organisation', tenant, { hint: 'Your email is in several organisations: give the one to sign in to (its short name).' });
  tenantField.hidden = true;
  const status = h('div', { 'aria-live': 'polite' });
  if (expired) status.append(banner('info', 'Your session ended. Sign in again to pick up where you left off.'));
  const params = new URLSearchParams(location.search);
  const ssoError = params.get('sso_error');
  if (ssoError) status.append(banner('error', `Single sign-on: ${ssoError}`));
  const submit = h('button', { type: 'submit', class: 'primary wide' }, 'Sign in');
  const form = h('form', {
    class: 'login-card',
    onsubmit: async (e) => {
      e.preventDefault();
      submit.disabled = true;
      submit.textContent = 'Signing in…';
      clear(status);
      try {
        await login(email.value.trim(), password.value, tenantField.hidden ? null : tenant.value.trim());
        const next = new URLSearchParams(location.search).get('next');
        navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/ask', { replace: true });
      } catch (err) {
        if (err.status === 409 && tenantField.hidden) {
          tenantField.hidden = false;
          status.append(banner('info', 'Your email is in several organisations. Which one?'));
          tenant.focus();
        } else {
          status.append(banner('error', err.message));
          password.select();
        }
        submit.disabled = false;
        submit.textContent = 'Sign in';
      }
    },
  },
  h('div', { class: 'login-brand' }, h('span', { class: 'logo big', 'aria-hidden': 'true' }, 'N'), h('span', {}, 'Nexatron')),
  h('h1', {}, 'Sign in'),
  h('p', { class: 'muted' }, 'Ask your databases questions in plain English.'),
  status,
  field('Email', email),
  field('Password', password, { hint: 'On first run, `nexatron serve` prints the admin password.' }),
  tenantField,
  submit,
  h('button', {
    type: 'button',
    class: 'ghost wide',
    onclick: () => {
      // Single sign-on: the server finds the organisation's identity provider from the email's
      // domain (or the organisation field) and brings the browser back signed in.
      const query = new URLSearchParams({ web: '1' });
      if (email.value.trim()) query.set('email', email.value.trim());
      if (!tenantField.hidden && tenant.value.trim()) query.set('tenant', tenant.value.trim());
      const next = params.get('next');
      if (next && next.startsWith('/') && !next.startsWith('//')) query.set('next', next);
      if (!query.has('email') && !query.has('tenant')) {
        clear(status);
        status.append(banner('info', 'Type your work email first: it tells which organisation signs you in.'));
        email.focus();
        return;
      }
      location.assign(`/api/v1/auth/sso/start?${query}`);
    },
  }, 'Sign in with single sign-on'));
  clear(root, h('main', { class: 'login-page', id: 'main' }, form));
  (email.value ? password : email).focus();
}
