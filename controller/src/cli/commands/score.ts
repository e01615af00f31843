import { resolve } from 'node:path';
import type { Command } from '../command.js';
import { FindingError, UsageError } from '../errors.js';
import { scoreFiles } from '../../exec/score.js';
import { loadPublicKey, readSignatureFile, signatureFileFor, verifyBundleFile } from '../../release/index.js';
import { outputOption } from '../options.js';

export const command: Command = {
  name: 'score',
  summary: 'Score raw log files with a release bundle; alerts print as JSON lines',
  help: `Usage: quiver score --bundle FILE [--public-key FILE] [--all] [--threads N] FILE...

Parses, featurizes and scores raw log files (plain or .gz) using only the
bundle: its compiled parse and feature plans run on DuckDB, its ONNX model on
onnxruntime. Rows scoring at or above the bundle's threshold print as JSON
lines on stdout: {"model", "row_key", "score", "alert", "threshold", "time",
"entity", "window_start"}. A summary goes to stderr.

Options:
  --bundle FILE       the release bundle (bundle.tar.gz)
  --public-key FILE   verify the bundle's signature (FILE.sig beside the bundle) before scoring
  --all               print every scored row, not only alerts
  --threads N         DuckDB threads
  -o, --output json   (default) JSON lines
  -h, --help          show this help

Exit codes: 0 scored, 1 the bundle failed verification, 2 usage error, 3 an input or the bundle could not be read.
`,
  options: { bundle: { type: 'string' }, 'public-key': { type: 'string' }, all: { type: 'boolean' }, threads: { type: 'string' }, output: outputOption },
  allowPositionals: true,
  async run(args, io) {
    const bundle = args.values['bundle'] as string | undefined;
    if (!bundle) throw new UsageError('--bundle FILE is required');
    if (!args.positionals.length) throw new UsageError('give one or more raw log files to score');
    const output = String(args.values['output'] ?? 'json');
    if (output !== 'json') throw new UsageError('--output must be json');
    const bundlePath = resolve(io.cwd, bundle);
    const pub = args.values['public-key'] as string | undefined;
    if (pub) {
      const key = await loadPublicKey({ file: resolve(io.cwd, pub) }).catch((e: Error) => {
        throw new UsageError(`--public-key ${pub}: ${e.message}`);
      });
      const sig = await readSignatureFile(signatureFileFor(bundlePath));
      const v = await verifyBundleFile(bundlePath, sig, key);
      if (!v.valid) throw new FindingError(`the bundle failed verification: ${v.reason}; nothing was scored`);
    }
    const all = args.values['all'] === true;
    const threads = args.values['threads'] === undefined ? undefined : Number(args.values['threads']);
    const summary = await scoreFiles(
      bundlePath,
      args.positionals,
      (r) => {
        if (all || r.alert) io.stdout.write(JSON.stringify(r) + '\n');
      },
      { cwd: io.cwd, ...(threads ? { threads } : {}) },
    );
    io.stderr.write(
      `quiver score: ${summary.parse.records} records (${summary.parse.rejected} rejected) → ${summary.rows} rows, ${summary.scored} scored, ${summary.alerts} alerts${summary.unscorable ? `, ${summary.unscorable} not scored (NULL features)` : ''} in ${summary.seconds.toFixed(1)}s\n`,
    );
    return 0;
  },
};
