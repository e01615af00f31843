import { createPrivateKey, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateKeyPair, loadPrivateKey } from '../release/index.js';
import { UsageError } from './errors.js';

/**
 * The release signing key: --signing-key FILE, else $QUIVER_SIGNING_KEY (PEM
 * or base64 PEM), else a development key kept in <repo>/.quiver/keys (created
 * on first use, and said so: production releases need a real key).
 */
export async function loadSigningKey(file: string | undefined, env: Record<string, string | undefined>, repo: string, warn: (s: string) => void): Promise<KeyObject> {
  if (file) return loadPrivateKey({ file }, env).catch((e: Error) => {
    throw new UsageError(`--signing-key ${file}: ${e.message}`);
  });
  if (env['QUIVER_SIGNING_KEY']) return loadPrivateKey({ env: 'QUIVER_SIGNING_KEY' }, env);
  const dir = join(repo, '.quiver', 'keys');
  const path = join(dir, 'release.key');
  const pem = await readFile(path, 'utf8').catch(() => undefined);
  if (pem) return createPrivateKey(pem);
  const pair = generateKeyPair();
  await mkdir(dir, { recursive: true });
  await writeFile(path, pair.privateKeyPem, { mode: 0o600, flag: 'wx' });
  await writeFile(join(dir, 'release.pub'), pair.publicKeyPem, { flag: 'wx' });
  warn(`quiver run: no signing key given; created a development key in ${dir} (use --signing-key or QUIVER_SIGNING_KEY for real releases)\n`);
  return createPrivateKey(pair.privateKeyPem);
}
