import { h, clear } from '../dom.js'; export function render(main) { clear(main, h('h1', {}, 'settings')); }
