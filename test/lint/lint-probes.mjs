// Lints probe sources with the repo's eslint.config.mjs through ESLint's Node API, in a plain Node process
// (jest's VM cannot load an ESM config). Reads [{ filePath, code }] as JSON on stdin; writes, per probe, the
// messages of no-restricted-imports and any fatal parse error.
import { ESLint } from 'eslint';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const probes = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const eslint = new ESLint({ cwd: process.cwd() });
const out = [];
for (const { filePath, code } of probes) {
  const [result] = await eslint.lintText(code, { filePath });
  const messages = result?.messages ?? [];
  out.push({
    restricted: messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message),
    fatal: messages.filter((m) => m.fatal).map((m) => m.message),
  });
}
process.stdout.write(JSON.stringify(out));
