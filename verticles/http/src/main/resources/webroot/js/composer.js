// The send box: sending (over the bridge, or REST), replying with a quote, editing one's own message, and the
// keys (Enter sends, Shift+Enter a new line, Escape cancels).
import { $, state, me } from './state.js';
import { setError, errorText, displayName, snippet } from './dom.js';
import { api, roomPath } from './api.js';
import * as bridge from './bridge.js';
import { addMessage, replaceMessage, renderMessages, hasHole, catchUp, markRead } from './room.js';
import { attachmentsToSend, takeSent, putBack, shown } from './attachments.js';

let composing = null; // {mode: 'reply' | 'edit', seq}

function newClientMsgId() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  return 'c-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 12);
}

export async function submitComposer(event) {
  event.preventDefault();
  const current = state.current;
  const input = $('message-text');
  const text = input.value;
  if (!current) return;
  setError('room-error', '');
  if (composing && composing.mode === 'edit') {
    if (text.trim()) await saveEdit(current, composing.seq, text);
    return;
  }
  let files;
  try {
    files = attachmentsToSend(current.id);
  } catch (notReady) {
    setError('room-error', 'Not sent yet: ' + errorText(notReady));
    return;
  }
  if (!text.trim() && files.length === 0) return;
  const attachments = files.length > 0 ? shown(files) : undefined;
  const taken = takeSent(current.id);
  const replyTo = composing && composing.mode === 'reply' ? composing.seq : undefined;
  input.value = '';
  resizeComposer();
  cancelComposing();
  const clientMsgId = newClientMsgId();
  const key = 'pending-' + clientMsgId;
  // Shown at once, greyed, until the server stored it.
  current.pending.set(key, { senderId: me().id, text, ts: Date.now(), pending: true, replyTo, attachments });
  current.stick = true;
  current.focusSeq = null;
  renderMessages();
  try {
    const ack = await postMessage(current.id, text, clientMsgId, replyTo, attachments);
    current.pending.delete(key);
    addMessage(current, { id: ack.msgId, roomId: current.id, seq: ack.seq, senderId: me().id, text, ts: ack.ts,
      clientMsgId, replyTo, attachments });
    renderMessages();
    if (hasHole(current)) catchUp(current);
    markRead();
  } catch (error) {
    current.pending.delete(key);
    putBack(taken);
    renderMessages();
    input.value = text;
    setError('room-error', 'Not sent: ' + errorText(error));
  }
}

/** Over the bridge when it is open, else over REST; both idempotent on clientMsgId. */
function postMessage(roomId, text, clientMsgId, replyTo, attachments) {
  // The bridge's chat.send carries no replyTo (contract v1), so replies go over REST; so do attachments.
  const viaBridge = replyTo === undefined && !attachments ? bridge.send(roomId, text, clientMsgId) : null;
  if (viaBridge) return viaBridge;
  const body = { text, clientMsgId };
  if (replyTo !== undefined) body.replyTo = replyTo;
  if (attachments) body.attachments = attachments.map((attachment) => attachment.id);
  return api('POST', roomPath(roomId, '/messages'), body).then((m) => ({ seq: m.seq, msgId: m.id, ts: m.ts }));
}

export function startReply(m) {
  composing = { mode: 'reply', seq: m.seq };
  showComposerContext('Replying to ' + displayName(m.senderId) + ': ' + snippet(m.text, 60));
}

export function startEdit(m) {
  composing = { mode: 'edit', seq: m.seq };
  $('message-text').value = m.text;
  resizeComposer();
  showComposerContext('Editing your message');
}

async function saveEdit(current, seq, text) {
  try {
    const updated = await api('PATCH', roomPath(current.id, '/messages/' + seq), { text });
    replaceMessage(current, updated);
    $('message-text').value = '';
    resizeComposer();
    cancelComposing();
    renderMessages();
  } catch (error) {
    setError('room-error', 'Not saved: ' + errorText(error));
  }
}

function showComposerContext(text) {
  $('composer-context-text').textContent = text;
  $('composer-context').hidden = false;
  $('message-text').focus();
}

export function cancelComposing() {
  if (composing && composing.mode === 'edit') { $('message-text').value = ''; resizeComposer(); }
  composing = null;
  $('composer-context').hidden = true;
}

/** The composer grows with its text, up to six lines. */
export function resizeComposer() {
  const input = $('message-text');
  input.rows = Math.min(6, Math.max(1, input.value.split('\n').length));
}

/** Enter sends, Shift+Enter starts a new line, Escape cancels a reply or an edit. */
export function onComposerKey(event) {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    $('composer').requestSubmit();
  } else if (event.key === 'Escape' && composing) {
    event.preventDefault();
    cancelComposing();
  }
}

export function onComposerInput() {
  resizeComposer();
  if (state.current && $('message-text').value.trim()) bridge.typing(state.current.id);
}
