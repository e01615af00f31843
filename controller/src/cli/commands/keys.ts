import { chmod, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command, CommandIO } from '../command.js';
import { OperationError, UsageError } from '../errors.js';
import { outputOption } from '../options.js';
import { generateKeyPair } from '../../release/index.js';
import { writeFileAtomic } from '../../store/index.js';

export const PRIVATE_KEY_FILE = 'release.key';
export const PUBLIC_KEY_FILE = 'release.pub';

export const command: Command = {
  name: 'keys',
  summary: 'Manage release signing keys (keys generate)',
  help: `Usage: quiver keys generate [--out DIR] [--force] [--output text|json]

Creates an ed25519 key pair for signing release bundles:

  DIR/release.key   the private key (PKCS#8 PEM, mode 0600). The controller
                    signs every bundle it releases with it; keep it secret
                    (a Kubernetes Secret, not the config repository).
  DIR/release.pub   the public key (SPKI PEM). Give it to every environment's
                    agent, and to 'quiver bundle verify --public-key'.

The key id printed is the first 16 hex digits of the sha256 of the public
key; signatures carry it, so you can tell which key signed a bundle.

Options:
  --out DIR         where to write the two files (default: the current
                    folder; created if missing)
  --force           replace existing release.key / release.pub
  --output FORMAT   text (default) or json
  -h, --help        show this help

Exit codes: 0 keys written, 2 usage error, 3 the files already exist (without
--force) or could not be written.
`,
  options: { out: { type: 'string' }, force: { type: 'boolean' }, output: outputOption },
  allowPositionals: true,
  async run(args, io) {
    const [sub, ...extra] = args.positionals;
    if (sub === undefined) throw new UsageError('missing subcommand: quiver keys generate');
    if (sub !== 'generate') throw new UsageError(`unknown subcommand '${sub}' (expected: generate)`);
    if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
    const output = String(args.values['output'] ?? 'text');
    if (output !== 'text' && output !== 'json') throw new UsageError(`--output must be text or json, not '${output}'`);
    const outDir = resolve(io.cwd, String(args.values['out'] ?? '.'));
    return generate(outDir, args.values['force'] === true, output, io);
  },
};

async function generate(outDir: string, force: boolean, output: 'text' | 'json', io: CommandIO): Promise<number> {
  const privatePath = join(outDir, PRIVATE_KEY_FILE);
  const publicPath = join(outDir, PUBLIC_KEY_FILE);
  const kp = generateKeyPair();
  // Without --force both writes are create-only (atomic link), so a key that
  // appears meanwhile is never clobbered either.
  await writeKey(privatePath, kp.privateKeyPem, 0o600, force);
  try {
    await writeKey(publicPath, kp.publicKeyPem, 0o644, force);
  } catch (err) {
    if (!force) await unlink(privatePath).catch(() => undefined); // don't leave half a pair behind
    throw err;
  }
  if (output === 'json') {
    io.stdout.write(JSON.stringify({ keyId: kp.keyId, algorithm: 'ed25519', privateKey: privatePath, publicKey: publicPath }, null, 2) + '\n');
  } else {
    io.stdout.write(
      [
        `Wrote ${privatePath} (private key, mode 0600: keep it secret; the controller signs with it)`,
        `Wrote ${publicPath} (public key: give it to the agents and to 'quiver bundle verify')`,
        `Key id: ${kp.keyId}`,
        '',
      ].join('\n'),
    );
  }
  return 0;
}

async function writeKey(path: string, pem: string, mode: number, force: boolean): Promise<void> {
  try {
    await writeFileAtomic(path, pem, { mode, exclusive: !force });
    await chmod(path, mode); // the umask may have narrowed it; never wider than asked
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new OperationError(`${path} already exists; pass --force to replace it (anything signed with the old key will no longer verify with the new one)`);
    }
    throw new OperationError(`cannot write ${path}`, { cause: err });
  }
}
