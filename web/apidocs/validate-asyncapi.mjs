// Validates an AsyncAPI document with the AsyncAPI initiative's own parser (@asyncapi/parser):
//   node apidocs/validate-asyncapi.mjs ../verticles/contract/src/main/resources/api/asyncapi.json
// Prints every diagnostic of severity error or warning and exits 1 when there is an error.
import { readFile } from 'node:fs/promises';
import { Parser } from '@asyncapi/parser';

const file = process.argv[2];
const { document, diagnostics } = await new Parser().parse(await readFile(file, 'utf8'));
const serious = diagnostics.filter((d) => d.severity <= 1);
for (const d of serious) {
  console.log(`${d.severity === 0 ? 'error' : 'warning'} ${d.code} at ${d.path.join('.')}: ${d.message}`);
}
const errors = diagnostics.filter((d) => d.severity === 0);
if (!document || errors.length > 0) {
  console.log(`INVALID: ${errors.length} error(s)`);
  process.exit(1);
}
console.log(`VALID AsyncAPI ${document.version()}: ${document.channels().length} channels, ${document.operations().length} operations, ${document.messages().length} messages`);
