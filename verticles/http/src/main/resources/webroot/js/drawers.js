// Drawers: the sidebar on narrow screens, and the room, search and notification panels. One at a time; the
// backdrop or Escape closes it and focus goes back to the button that opened it.
import { $ } from './state.js';

let opener = null;

export function openDrawer(id, from) {
  closeDrawers(false);
  const drawer = $(id);
  drawer.hidden = false;
  drawer.classList.add('open');
  $('backdrop').hidden = false;
  opener = from || document.activeElement;
  if (from) from.setAttribute('aria-expanded', 'true');
  const first = drawer.querySelector('input:not([type=hidden]), select, textarea, button');
  if (first) first.focus();
}

export function closeDrawers(restoreFocus = true) {
  for (const drawer of document.querySelectorAll('.drawer.open')) {
    drawer.classList.remove('open');
    if (drawer.id !== 'sidebar') drawer.hidden = true; // the sidebar stays in the layout on wide screens
  }
  $('backdrop').hidden = true;
  for (const button of document.querySelectorAll('[aria-expanded="true"]')) button.setAttribute('aria-expanded', 'false');
  if (restoreFocus && opener && document.contains(opener) && opener.offsetParent !== null) opener.focus();
  opener = null;
}

export function toggleDrawer(id, from) {
  if ($(id).classList.contains('open')) closeDrawers();
  else openDrawer(id, from);
}
