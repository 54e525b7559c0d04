// Privacy settings (GET/PATCH /users/me/settings): whether I show up in others' read receipts ("Seen by" under
// their messages, GET .../readers). Saved as soon as the box changes.
import { $ } from './state.js';
import { setError, errorText } from './dom.js';
import { api } from './api.js';

export async function loadPrivacy() {
  try {
    show(await api('GET', '/users/me/settings'));
    setError('privacy-error', '');
  } catch (error) {
    setError('privacy-error', errorText(error));
  }
}

export async function saveReceiptSharing() {
  const box = $('share-receipts');
  box.disabled = true;
  try {
    show(await api('PATCH', '/users/me/settings', { shareReadReceipts: box.checked }));
    $('privacy-status').textContent = box.checked ? 'Others see when you have read their messages.'
      : 'You are left out of "Seen by".';
    setError('privacy-error', '');
  } catch (error) {
    setError('privacy-error', errorText(error));
  } finally {
    box.disabled = false;
  }
}

function show(settings) {
  $('share-receipts').checked = settings.shareReadReceipts;
}
