import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command, CommandIO, ParsedArgs } from '../command.js';
import { FindingError, OperationError, UsageError } from '../errors.js';
import { outputOption } from '../options.js';
import {
  BundleInvalidError,
  KeyError,
  loadPublicKey,
  readBundle,
  readSignatureFile,
  signatureFileFor,
  SignatureFormatError,
  verifyBundleFile,
  type BundleManifest,
  type BundleSignature,
} from '../../release/index.js';
import { sha256File } from '../../store/index.js';

export const command: Command = {
  name: 'bundle',
  summary: 'Inspect and verify release bundles (bundle verify)',
  help: `Usage: quiver bundle verify FILE --public-key FILE [--signature FILE] [--output text|json]
       quiver bundle inspect FILE [--output text|json]

A release bundle is the tar.gz a model release ships: bundle.json (model,
version, threshold, schemas, metrics, lineage, and the sha256 and size of
every file) plus the model and its compiled plans. It is signed with ed25519
over its sha256; the signature is the JSON sidecar FILE.sig.

verify    checks, as an agent does before installing: the archive's sha256
          against the signature's digest, the signature against the public
          key, then every entry (plain files with safe names, nothing
          missing, nothing extra, each file's sha256 and size as bundle.json
          says). Prints why a bundle is invalid.
inspect   prints the manifest and the file list. It checks the archive's
          structure and file digests, but not the signature (use verify).

Options:
  --public-key FILE   the release public key, PEM (verify; required)
  --signature FILE    the signature sidecar (verify; default: FILE.sig)
  --output FORMAT     text (default) or json
  -h, --help          show this help

Exit codes: 0 valid, 1 invalid (altered archive, wrong key, digest mismatch,
bad manifest), 2 usage error, 3 a file could not be read.
`,
  options: { 'public-key': { type: 'string' }, signature: { type: 'string' }, output: outputOption },
  allowPositionals: true,
  async run(args, io) {
    const [sub, file, ...extra] = args.positionals;
    if (sub === undefined) throw new UsageError('missing subcommand: verify or inspect');
    if (sub !== 'verify' && sub !== 'inspect') throw new UsageError(`unknown subcommand '${sub}' (expected: verify or inspect)`);
    if (file === undefined) throw new UsageError(`missing the bundle FILE: quiver bundle ${sub} FILE`);
    if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
    const output = String(args.values['output'] ?? 'text');
    if (output !== 'text' && output !== 'json') throw new UsageError(`--output must be text or json, not '${output}'`);
    const bundlePath = resolve(io.cwd, file);
    if (sub === 'verify') return verify(bundlePath, args, output, io);
    for (const flag of ['public-key', 'signature']) {
      if (args.values[flag] !== undefined) throw new UsageError(`--${flag} belongs to 'bundle verify', not 'bundle inspect'`);
    }
    return inspect(bundlePath, output, io);
  },
};

async function verify(bundlePath: string, args: ParsedArgs, output: 'text' | 'json', io: CommandIO): Promise<number> {
  const keyArg = args.values['public-key'];
  if (typeof keyArg !== 'string') throw new UsageError('bundle verify needs --public-key FILE (the release.pub of the key that signs releases)');
  const keyPath = resolve(io.cwd, keyArg);
  const sigPath = typeof args.values['signature'] === 'string' ? resolve(io.cwd, args.values['signature']) : signatureFileFor(bundlePath);

  const publicKey = await loadPublicKey({ file: keyPath }).catch((err: unknown) => {
    if (err instanceof KeyError) throw new UsageError(`--public-key ${keyPath}: ${err.message}`);
    throw ioError(`cannot read the public key ${keyPath}`, err);
  });
  await stat(bundlePath).catch((err: unknown) => {
    throw ioError(`cannot read the bundle ${bundlePath}`, err);
  });
  const invalid = (reason: string, extra: Record<string, unknown> = {}): number => {
    if (output === 'json') {
      io.stdout.write(JSON.stringify({ valid: false, bundle: bundlePath, signature: sigPath, reason, ...extra }, null, 2) + '\n');
      return 1;
    }
    throw new FindingError(`${bundlePath} is INVALID: ${reason}`);
  };

  let sig: BundleSignature;
  try {
    sig = await readSignatureFile(sigPath);
  } catch (err) {
    if (err instanceof SignatureFormatError) return invalid(`malformed signature file: ${err.message}`);
    throw ioError(`cannot read the signature ${sigPath}${args.values['signature'] === undefined ? ' (pass --signature FILE if it is elsewhere)' : ''}`, err);
  }

  const checked = await verifyBundleFile(bundlePath, sig, publicKey).catch((err: unknown) => {
    throw ioError(`cannot read the bundle ${bundlePath}`, err);
  });
  if (!checked.valid) return invalid(checked.reason, { digest: checked.digest, size: checked.size, signedBy: sig.keyId });

  // The signature vouches for the bytes; the content checks catch a validly
  // signed but broken bundle (a bug in the writer) before anything installs it.
  let manifest: BundleManifest;
  try {
    manifest = (await readBundle(bundlePath)).manifest;
  } catch (err) {
    if (err instanceof BundleInvalidError) return invalid(`signature valid, but the content is not: ${err.reason}`, { digest: checked.digest, size: checked.size, keyId: checked.keyId });
    throw ioError(`cannot read the bundle ${bundlePath}`, err);
  }

  const summary = {
    valid: true,
    bundle: bundlePath,
    signature: sigPath,
    digest: checked.digest,
    size: checked.size,
    keyId: checked.keyId,
    model: manifest.model,
    ...(manifest.version !== undefined ? { version: manifest.version } : {}),
    files: Object.keys(manifest.files ?? {}).length,
  };
  if (output === 'json') {
    io.stdout.write(JSON.stringify(summary, null, 2) + '\n');
  } else {
    io.stdout.write(
      [
        `${bundlePath}: VALID`,
        `  model      ${manifest.model}${manifest.version !== undefined ? ` version ${manifest.version}` : ''}`,
        `  digest     ${checked.digest} (${checked.size} bytes)`,
        `  signed by  key ${checked.keyId} (ed25519)`,
        `  files      ${summary.files} verified against bundle.json`,
        '',
      ].join('\n'),
    );
  }
  return 0;
}

async function inspect(bundlePath: string, output: 'text' | 'json', io: CommandIO): Promise<number> {
  let manifest: BundleManifest;
  try {
    manifest = (await readBundle(bundlePath)).manifest;
  } catch (err) {
    if (err instanceof BundleInvalidError) throw new FindingError(`${bundlePath} is not a valid bundle: ${err.reason}`);
    throw ioError(`cannot read the bundle ${bundlePath}`, err);
  }
  const sha256 = await sha256File(bundlePath);
  const size = (await stat(bundlePath)).size;
  const sidecar = await readSignatureFile(signatureFileFor(bundlePath)).then(
    (s) => ({ path: signatureFileFor(bundlePath), keyId: s.keyId, matchesDigest: s.digest === `sha256:${sha256}`, verified: false }),
    () => undefined, // absent or unreadable: inspect does not judge signatures
  );

  if (output === 'json') {
    io.stdout.write(JSON.stringify({ bundle: { path: bundlePath, digest: `sha256:${sha256}`, size }, manifest, ...(sidecar ? { signature: sidecar } : {}) }, null, 2) + '\n');
    return 0;
  }
  const l = manifest.lineage;
  const lines = [
    `Bundle     ${bundlePath}`,
    `Digest     sha256:${sha256} (${size} bytes)`,
    `Model      ${manifest.model}${manifest.version !== undefined ? ` version ${manifest.version}` : ''}`,
    ...(manifest.createdAt ? [`Created    ${manifest.createdAt}`] : []),
    `Threshold  ${manifest.threshold}`,
    `Metrics    ${JSON.stringify(manifest.metrics)}`,
    'Lineage',
    ...(l.configCommit ? [`  config commit  ${l.configCommit}`] : []),
    `  trainer        ${l.trainerVersion}`,
    `  compiler       ${l.compilerVersion}`,
    ...table(Object.entries(l.stageKeys).sort(([a], [b]) => a.localeCompare(b)), '  stage keys', '    '),
    `Input schema   ${JSON.stringify(manifest.inputSchema)}`,
    `Output schema  ${JSON.stringify(manifest.outputSchema)}`,
    'Files (sha256 verified)',
    ...table(
      Object.entries(manifest.files ?? {}).map(([n, f]): [string, string] => [n, `${String(f.size).padStart(10)} B  sha256:${f.sha256}`]),
      undefined,
      '  ',
    ),
    sidecar
      ? `Signature  ${sidecar.path}: key ${sidecar.keyId}, ${sidecar.matchesDigest ? 'digest matches' : 'DIGEST DOES NOT MATCH'} (not verified: run 'quiver bundle verify')`
      : 'Signature  none found beside the bundle',
    '',
  ];
  io.stdout.write(lines.join('\n'));
  return 0;
}

function table(rows: Array<[string, string]>, title: string | undefined, indent: string): string[] {
  if (rows.length === 0) return title ? [`${title}  (none)`] : [`${indent}(none)`];
  const width = Math.max(...rows.map(([k]) => k.length));
  return [...(title ? [title] : []), ...rows.map(([k, v]) => `${indent}${k.padEnd(width)}  ${v}`)];
}

/** fs errors become exit 3 with what we were doing; anything else is left to main (a bug). */
function ioError(what: string, err: unknown): unknown {
  const e = err as NodeJS.ErrnoException | undefined;
  if (e && typeof e.code === 'string') return new OperationError(what, { cause: err });
  return err;
}
