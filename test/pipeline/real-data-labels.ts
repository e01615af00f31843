/**
 * The real public logs in ../shared/datasets wired into a copy of the template
 * (used by real-data.test.ts): which files each dataset takes, the dataset
 * manifests that point at them, and the label file the Zeek data needs.
 *
 * Labels follow each dataset's SOURCE.txt:
 *   ssh-auth                 labels.csv as shipped (file,line_no,...,label: attack|benign, one row
 *                            per log line of both files), joined on _file and _line.
 *   zeek-conn-stratosphere   the authors' per-flow label (column 22 of the `.labeled` files:
 *                            Malicious|Benign|Background), lower-cased into file,uid,label. The
 *                            template's zeek models map malicious → positive and benign → negative,
 *                            so Background flows are excluded from training ("exclude from
 *                            scoring", SOURCE.txt's first suggestion).
 *   web-http-csic2010        labels.csv as shipped (one row per request: file,...,start_line,...,label),
 *                            joined on _file and _line, a multiline record's first line.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/** Where each real dataset's files go inside the repository copy. */
export const REAL_DIR = {
  ssh: 'data/real/ssh',
  zeek: 'data/real/zeek',
  web: 'data/real/web',
} as const;

/** The files the test copies from ../shared/datasets/<dir> into the repository copy. */
export const REAL_FILES = {
  ssh: { dir: 'ssh-auth', files: ['elastic_auth.log', 'loghub_OpenSSH_2k.log', 'labels.csv'] },
  zeek: {
    dir: 'zeek-conn-stratosphere',
    files: ['001-njrat_conn.log.labeled', '008-mixed_conn.log.labeled', '010-mixed_conn.log.labeled', '011-mixed_conn.log.labeled', '012-mixed_conn.log.labeled'],
  },
  web: { dir: 'web-http-csic2010', files: ['normal_train.txt', 'normal_test.txt', 'anomalous_test.txt', 'labels.csv'] },
} as const;

export const SSH_DATASET = `# The real ssh-auth logs (../shared/datasets/ssh-auth), labelled line by line by labels.csv.
name: ssh-auth
source: openssh
description: Real auth.log of an internet-exposed host (elastic) and a lab SSH server (loghub).
parts:
  - name: real
    paths: ["${REAL_DIR.ssh}/*.log"]
    labels:
      file: ${REAL_DIR.ssh}/labels.csv
      join: { _file: file, _line: line_no }
      column: label
`;

export const ZEEK_DATASET = `# The real Stratosphere conn.logs (../shared/datasets/zeek-conn-stratosphere), labelled per flow.
name: zeek-conn
source: zeek_conn
description: Real Zeek conn.log flows labelled by the dataset's authors.
parts:
  - name: real
    paths: ["${REAL_DIR.zeek}/*.labeled"]
    labels:
      file: ${REAL_DIR.zeek}/labels.csv
      join: { _file: file, uid: uid }
      column: label
`;

export const WEB_DATASET = `# The real CSIC 2010 subset (../shared/datasets/web-http-csic2010), labelled per request.
name: web-http
source: web_http
description: HTTP DATASET CSIC 2010, 9,000 requests.
parts:
  - name: real
    paths: ["${REAL_DIR.web}/*.txt"]
    labels:
      file: ${REAL_DIR.web}/labels.csv
      join: { _file: file, _line: start_line }
      column: label
`;

/** Zeek `.labeled` rows (every non-'#' line) of one file, split on tabs. */
export function zeekRows(path: string): string[][] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => l.split('\t'));
}

/** file,uid,label for every flow of the given `.labeled` files: the `label` column (22nd), lower-cased. */
export function zeekLabelsCsv(paths: string[]): string {
  const lines = ['file,uid,label'];
  for (const p of paths) {
    for (const cols of zeekRows(p)) {
      const uid = cols[1];
      const label = cols[21];
      if (cols.length !== 23 || !uid || !label) throw new Error(`${basename(p)}: expected 23 tab-separated columns with a uid and a label, got ${cols.length}`);
      lines.push(`${basename(p)},${uid},${label.toLowerCase()}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Lines of a text file as `grep -c ''` counts them (a last line without a newline counts). */
export function lineCount(path: string): number {
  const text = readFileSync(path, 'utf8');
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/** HTTP requests in a CSIC file: lines that start a request (SOURCE.txt: ^(GET|POST|PUT) http). */
export function requestCount(path: string): number {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => /^(GET|POST|PUT) http/.test(l)).length;
}

/**
 * DuckDB SQL: ROC AUC (Mann-Whitney, ties averaged) of a trainer's validation.parquet
 * (_row_key, label 0/1, probability), per raw file (the row key is `<path>:<line>` for
 * event-level models) and over all rows (file 'all').
 */
export function validationAucSql(parquet: string): string {
  const p = `'${parquet.replace(/'/g, "''")}'`;
  const auc = (by: string): string => `
    SELECT ${by} AS file, count(*)::DOUBLE AS n, sum(label)::DOUBLE AS pos,
      (sum(rk) FILTER (WHERE label = 1) - sum(label)::DOUBLE * (sum(label)::DOUBLE + 1) / 2)
        / nullif(sum(label)::DOUBLE * (count(*) - sum(label))::DOUBLE, 0) AS roc_auc
    FROM (
      SELECT f, label,
        rank() OVER (PARTITION BY ${by === 'f' ? 'f' : '1'} ORDER BY probability)
          + (count(*) OVER (PARTITION BY ${by === 'f' ? 'f,' : ''} probability) - 1) / 2.0 AS rk
      FROM v
    ) r GROUP BY ${by === 'f' ? 'f' : '1'}`;
  return `WITH v AS (SELECT regexp_extract(_row_key, '([^/]+):[0-9]+$', 1) AS f, label, probability FROM read_parquet(${p}))
    ${auc('f')} UNION ALL ${auc("'all'")} ORDER BY file`;
}
