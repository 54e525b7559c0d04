// The server administrators' view (issue 14): shown only when GET /admin/stats answers (admin.usernames).
// Counts, the latest reports (with a Delete for the reported message) and users with Deactivate/Reactivate.
import { $ } from './state.js';
import { el, setError, errorText } from './dom.js';
import { api } from './api.js';
import { toggleDrawer } from './drawers.js';

export async function initAdmin() {
  $('admin-button').hidden = true;
  try {
    await api('GET', '/admin/stats');
  } catch (notAnAdmin) {
    return;
  }
  $('admin-button').hidden = false;
}

export function wireAdmin() {
  $('admin-button').addEventListener('click', (event) => {
    toggleDrawer('admin-panel', event.currentTarget);
    if (!$('admin-panel').hidden) refresh();
  });
  $('admin-user-search').addEventListener('submit', (event) => { event.preventDefault(); searchUsers(); });
}

async function refresh() {
  try {
    const stats = await api('GET', '/admin/stats');
    $('admin-stats').textContent = stats.users + ' users (' + stats.deactivatedUsers + ' deactivated), ' + stats.rooms
      + ' rooms, ' + stats.messages + ' messages, ' + stats.reports + ' reports';
    const { reports } = await api('GET', '/admin/reports?limit=50');
    $('admin-reports').replaceChildren(...(reports.length === 0 ? [el('li', { class: 'empty' }, 'No reports.')]
      : reports.map(reportItem)));
    setError('admin-error', '');
  } catch (error) {
    setError('admin-error', errorText(error));
  }
}

function reportItem(report) {
  const message = report.message;
  const gone = !message || message.deleted;
  return el('li', { class: 'report-item', 'data-report-id': report.id },
    el('div', { class: 'report-text' }, gone ? '(deleted)' : message.text),
    el('small', {}, '@' + report.reporterUsername + ': ' + report.reason),
    gone ? null : el('button', { type: 'button', class: 'delete-reported secondary',
      onclick: () => deleteReported(report) }, 'Delete message'));
}

async function deleteReported(report) {
  if (!window.confirm('Delete this message for everyone?')) return;
  try {
    await api('DELETE', '/admin/rooms/' + encodeURIComponent(report.roomId) + '/messages/' + report.seq);
    refresh();
  } catch (error) {
    setError('admin-error', errorText(error));
  }
}

async function searchUsers() {
  try {
    const { users } = await api('GET', '/admin/users?q=' + encodeURIComponent($('admin-user-q').value.trim()));
    $('admin-users').replaceChildren(...users.map((user) => el('li', { 'data-user-id': user.id },
      el('span', {}, '@' + user.username + (user.deactivated ? ' (deactivated)' : '') + (user.admin ? ' (admin)' : '')),
      user.admin ? null : el('button', { type: 'button', class: user.deactivated ? 'reactivate secondary' : 'deactivate danger-button',
        onclick: () => setActive(user, user.deactivated) }, user.deactivated ? 'Reactivate' : 'Deactivate'))));
    setError('admin-error', '');
  } catch (error) {
    setError('admin-error', errorText(error));
  }
}

async function setActive(user, active) {
  if (!active && !window.confirm('Deactivate @' + user.username + '? Every session ends at once; messages stay.')) return;
  try {
    await api('POST', '/admin/users/' + encodeURIComponent(user.id) + (active ? '/reactivate' : '/deactivate'));
    searchUsers();
  } catch (error) {
    setError('admin-error', errorText(error));
  }
}
