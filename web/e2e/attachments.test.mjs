// Attachments on the chat page, in headless Chromium (playwright-core): alice attaches an image with the attach
// button and drops a PDF on the room, sees both upload (a progress bar, then chips with name and size) and sends
// them with a line of text; bob sees the image's thumbnail inline and the PDF as a chip, and downloads the PDF
// with a click: the same bytes. Then a message of one file and no text. Run by scripts/e2e
// (PARLEY_E2E_ONLY=attachments runs only this file); screenshots go to target/e2e/attachments/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { apiAs, chromiumForTests, keepEvidence, openPage, signUp } from './browser.mjs';

const BASE = process.env.PARLEY_E2E_BASE_URL;
const RUN = process.env.PARLEY_E2E_RUN_ID || Date.now().toString(36);
const run = chromiumForTests('attachments');
const OUT = run.out;

// --- files made here ----------------------------------------------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A real PNG (8-bit RGB, a gradient) of these dimensions. */
function png(width, height) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.alloc(height * (1 + width * 3));
  for (let y = 0; y < height; y += 1) {
    const row = y * (1 + width * 3);
    for (let x = 0; x < width; x += 1) {
      rows.set([Math.floor(x * 255 / width), Math.floor(y * 255 / height), 160], row + 1 + x * 3);
    }
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

/** Random bytes behind a PDF signature: the server sniffs application/pdf. */
function pdf(size) {
  const bytes = randomBytes(size);
  bytes.write('%PDF-1.4\n', 0, 'ascii');
  return bytes;
}

// --- the page -----------------------------------------------------------------------------------------------

/** A page whose errors are its script and console errors and failed attachment requests. */
function open(who, context = {}) {
  return openPage(run.browser, who, BASE + '/', { context, consoleErrors: true,
    failedResponse: (response) => response.status() >= 400 && response.url().includes('/attachments') });
}

/** Drops a file on the open room as a user dragging it from the desktop would. */
async function dropFile(page, name, type, bytes) {
  const transfer = await page.evaluateHandle(({ name, type, base64 }) => {
    const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const dataTransfer = new DataTransfer();
    dataTransfer.items.add(new File([data], name, { type }));
    return dataTransfer;
  }, { name, type, base64: bytes.toString('base64') });
  await page.dispatchEvent('#messages', 'dragover', { dataTransfer: transfer });
  await page.dispatchEvent('#messages', 'drop', { dataTransfer: transfer });
}

test('alice sends an image and a PDF; bob sees the thumbnail and downloads the same PDF', async (t) => {
  const alice = await open('alice');
  const bob = await open('bob', { acceptDownloads: true });
  const pages = [alice, bob];
  t.after(async () => {
    for (const page of pages) await page.context().close();
  });
  const image = png(640, 480);
  const report = pdf(600_000);
  const notes = pdf(5_000);
  const roomName = `files ${RUN}`;

  try {
    await signUp(alice, `alice_f${RUN}`);
    const bobId = await signUp(bob, `bob_f${RUN}`);
    const created = await apiAs(alice, 'POST', '/rooms', { name: roomName, visibility: 'private', members: [bobId] });
    assert.equal(created.status, 201);
    for (const page of pages) {
      await page.reload();
      await page.locator('#conn-status[data-state="open"]').waitFor();
    }
    await alice.locator('#room-list li', { hasText: roomName }).locator('button').click();
    await alice.locator('#room-title', { hasText: roomName }).waitFor();
    await bob.locator('#room-list li', { hasText: roomName }).locator('button').click();
    await bob.locator('#room-title', { hasText: roomName }).waitFor();

    // Every state the tray goes through is recorded: an upload shows a progress bar before its chip is done.
    await alice.evaluate(() => {
      window.__progressShown = false;
      new MutationObserver(() => {
        if (document.querySelector('#attachment-tray progress')) window.__progressShown = true;
      }).observe(document.getElementById('attachment-tray'), { childList: true, subtree: true });
    });
    await alice.setInputFiles('#attach-input', { name: 'sunset.png', mimeType: 'image/png', buffer: image });
    await dropFile(alice, 'quarterly report.pdf', 'application/pdf', report);
    const tray = alice.locator('#attachment-tray');
    await tray.locator('li.uploaded[data-name="sunset.png"]').waitFor();
    await tray.locator('li.uploaded[data-name="quarterly report.pdf"]').waitFor();
    assert.equal(await alice.evaluate(() => window.__progressShown), true, 'a progress bar while uploading');
    assert.match(await tray.locator('li[data-name="quarterly report.pdf"] .file-size').textContent(), /^586 KB$/);
    await alice.screenshot({ path: path.join(OUT, '1-tray-alice.png') });

    await alice.fill('#message-text', 'the numbers and a picture');
    await alice.click('#send');
    const sent = alice.locator('#messages li.message:not(.pending)', { hasText: 'the numbers and a picture' });
    await sent.locator('.attachments img').waitFor();
    assert.equal(await tray.isHidden(), true, 'the tray is empty after the send');

    // Bob: the thumbnail inline (at most 320 px, loaded with ?token=), the PDF as a chip with name and size.
    const received = bob.locator('#messages li.message', { hasText: 'the numbers and a picture' });
    const thumbnail = received.locator('.attachment-image img');
    await thumbnail.waitFor();
    await bob.waitForFunction((img) => img.complete && img.naturalWidth > 0, await thumbnail.elementHandle());
    assert.deepEqual(await thumbnail.evaluate((img) => [img.naturalWidth, img.naturalHeight, img.alt]),
      [320, 240, 'sunset.png']);
    assert.match(await thumbnail.getAttribute('src'), /\/api\/v1\/attachments\/[^/]+\/thumbnail\?token=/);
    const chip = received.locator('a.file-chip', { hasText: 'quarterly report.pdf' });
    assert.equal(await chip.locator('.file-size').textContent(), '586 KB');
    await bob.screenshot({ path: path.join(OUT, '2-received-bob.png') });

    const [download] = await Promise.all([bob.waitForEvent('download'), chip.click()]);
    assert.equal(download.suggestedFilename(), 'quarterly report.pdf');
    const saved = path.join(OUT, 'downloaded.pdf');
    await download.saveAs(saved);
    assert.ok(readFileSync(saved).equals(report), 'the downloaded PDF has the uploaded bytes');

    // A message of one file and no text.
    await alice.setInputFiles('#attach-input', { name: 'notes.pdf', mimeType: 'application/pdf', buffer: notes });
    await tray.locator('li.uploaded[data-name="notes.pdf"]').waitFor();
    await alice.click('#send');
    await bob.locator('#messages li.message a.file-chip', { hasText: 'notes.pdf' }).waitFor();
    await bob.screenshot({ path: path.join(OUT, '3-file-only-bob.png') });

    for (const page of pages) assert.deepEqual(page.errors, [], `${page.who}: errors on the page`);
  } catch (error) {
    await keepEvidence(OUT, pages);
    throw error;
  }
});
