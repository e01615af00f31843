import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../controller/src/cli/main.js';
import { templateCopy, replaceOnce, type Edit } from '../helpers/config-repo.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()?.();
});

async function validate(edits: Record<string, Edit>, output = 'text'): Promise<{ code: number; out: string; err: string }> {
  const { dir, cleanup } = templateCopy(edits);
  cleanups.push(cleanup);
  let out = '';
  let err = '';
  const code = await main(['validate', '--repo', dir, '--output', output], {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    cwd: dir,
    env: {},
  });
  return { code, out, err };
}

describe('quiver validate on the template', () => {
  it('passes', async () => {
    const r = await validate({});
    expect(r.out).toBe('');
    expect(r.err).toMatch(/valid \(3 sources, 5 feature sets, 3 datasets, 5 models, 2 environments, 3 test files\)/);
    expect(r.code).toBe(0);
  });
});

/** One case per class of cross-file error: the exact message and position. */
describe('cross-file errors', () => {
  it.each<[string, Record<string, Edit>, string]>([
    [
      'duplicate names within a kind',
      { 'models/ssh-bruteforce-copy.yaml': 'name: ssh-bruteforce\ndataset: ssh-auth\nfeature_sets: [ssh_auth_hourly]\nlabel: {positive: [attack], negative: [benign]}\nalgorithm: random_forest\ngates: {target_fpr: 0.1}\n' },
      "models/ssh-bruteforce.yaml:1:7: error QV3002: model 'ssh-bruteforce' is already declared in models/ssh-bruteforce-copy.yaml — names must be unique within each kind",
    ],
    [
      'feature set to an unknown source',
      { 'features/ssh_auth_event.pbtxt': replaceOnce('source: "openssh"', 'source: "opensh"') },
      "features/ssh_auth_event.pbtxt:4:9: error QV3010: source 'opensh' is not declared — did you mean 'openssh'?",
    ],
    [
      'dataset to an unknown source',
      { 'datasets/web-http.yaml': replaceOnce('source: web_http', 'source: http') },
      "datasets/web-http.yaml:2:9: error QV3010: source 'http' is not declared (expected one of openssh, web_http, zeek_conn)",
    ],
    [
      'model to an unknown dataset',
      { 'models/web-attack.yaml': replaceOnce('dataset: web-http', 'dataset: web-htp') },
      "models/web-attack.yaml:3:10: error QV3017: dataset 'web-htp' is not declared — did you mean 'web-http'?",
    ],
    [
      'model to an unknown feature set',
      { 'models/web-attack.yaml': replaceOnce('feature_sets: [web_request]', 'feature_sets: [web_requests]') },
      "models/web-attack.yaml:4:16: error QV3018: feature set 'web_requests' is not declared — did you mean 'web_request'?",
    ],
    [
      'model feature set over another source',
      { 'models/web-attack.yaml': replaceOnce('feature_sets: [web_request]', 'feature_sets: [web_request, zeek_conn_event]') },
      "models/web-attack.yaml:4:29: error QV3011: feature set 'zeek_conn_event' reads source 'zeek_conn', but dataset 'web-http' is source 'web_http' — a model joins feature sets row by row, so they must all read its dataset's source",
    ],
    [
      'model mixing row grains',
      { 'models/ssh-event.yaml': replaceOnce('feature_sets: [ssh_auth_event]', 'feature_sets: [ssh_auth_event, ssh_auth_hourly]') },
      "models/ssh-event.yaml:4:32: error QV3012: feature set 'ssh_auth_hourly' has a different row grain than 'ssh_auth_event' — join only event-level sets, or aggregate sets with the same entity and window",
    ],
    [
      'environment to an unknown model',
      { 'environments/globex-staging.yaml': replaceOnce('models: [ssh-bruteforce, web-attack]', 'models: [ssh-bruteforce, web-atack]') },
      "environments/globex-staging.yaml:3:26: error QV3019: model 'web-atack' is not declared — did you mean 'web-attack'?",
    ],
    [
      'index beyond the capture groups',
      { 'sources/openssh.pbtxt': replaceOnce('fields { name: "host" display_name: "Host" data_type: STRING index: 2 }', 'fields { name: "host" display_name: "Host" data_type: STRING index: 7 }') },
      "sources/openssh.pbtxt:16:69: error QV1105: field 'host': index 7 is beyond the pattern's 5 capture groups (expected 0 to 5)",
    ],
    [
      'index on a json_lines source',
      {
        'sources/events.pbtxt': 'name: "events"\nformat { json_lines {} }\nfields { name: "a" data_type: STRING index: 1 }\n',
      },
      "sources/events.pbtxt:3:45: error QV1105: field 'a': json_lines sources name raw fields by JSON path (expected path: \"$.a.b\")",
    ],
    [
      'duplicate field names within a source',
      { 'sources/zeek_conn.pbtxt': replaceOnce('fields { name: "uid" display_name: "Connection id"', 'fields { name: "proto" display_name: "Connection id"') },
      "sources/zeek_conn.pbtxt:17:16: error QV1103: field 'proto' is declared twice in source 'zeek_conn' (first as field 2)",
    ],
    [
      'label parts: a missing label file column',
      { 'datasets/zeek-conn.yaml': replaceOnce('column: label', 'column: verdict') },
      "datasets/zeek-conn.yaml:10:15: error QV3025: label file 'data/zeek/labels.csv' has no column 'verdict' (expected one of uid, label)",
    ],
    [
      'label parts: a join on an unknown field',
      { 'datasets/zeek-conn.yaml': replaceOnce('join: { uid: uid }', 'join: { uuid: uid }') },
      "datasets/zeek-conn.yaml:9:15: error QV3024: join field (a field of source 'zeek_conn', _file or _line) 'uuid' is not declared — did you mean 'uid'?",
    ],
    [
      'label parts: both a label and labels',
      { 'datasets/web-http.yaml': replaceOnce('    label: benign\n', '    label: benign\n    labels: {file: x.csv, join: {_line: n}, column: l}\n') },
      "datasets/web-http.yaml:5:5: error QV2010: parts.0 must have exactly one of 'label' or 'labels'",
    ],
    [
      'label parts: positive and negative overlap',
      { 'models/ssh-event.yaml': replaceOnce('negative: [benign]', 'negative: [benign, attack]') },
      "models/ssh-event.yaml:5:40: error QV3016: label 'attack' cannot be both positive and negative",
    ],
    [
      'a dataset path that matches nothing',
      { 'datasets/web-http.yaml': replaceOnce('data/web/normal.txt', 'data/web/normal-*.txt') },
      "datasets/web-http.yaml:6:13: error QV3021: path 'data/web/normal-*.txt' matches no file in the repository",
    ],
    [
      'a dataset path outside the repository',
      { 'datasets/web-http.yaml': replaceOnce('data/web/normal.txt', '../secrets/normal.txt') },
      "datasets/web-http.yaml:6:13: error QV3022: path '../secrets/normal.txt' leaves the repository ('..')",
    ],
    [
      'a string feature in a model',
      { 'features/web_request.pbtxt': replaceOnce('name: "is_jsp" display_name: "JSP page" data_type: BOOLEAN', 'name: "is_jsp" display_name: "JSP page" data_type: STRING') },
      "models/web-attack.yaml:4:16: error QV3014: feature 'is_jsp' of 'web_request' is STRING; models take BOOLEAN, INT, LONG and DOUBLE features — declared at features/web_request.pbtxt:33",
    ],
    [
      'a window without a time field',
      { 'features/web_request.pbtxt': replaceOnce('source: "web_http"', 'source: "web_http"\nentity: "session"\nwindow: "1h"') },
      "features/web_request.pbtxt:6:9: error QV3031: feature set 'web_request' has a window, but source 'web_http' has no TIMESTAMP field to place records in it",
    ],
    [
      'a test expecting an unknown field',
      { 'tests/zeek_conn.yaml': replaceOnce('        conn_state: S0', '        conn_stat: S0') },
      "tests/zeek_conn.yaml:15:9: error QV5002: field of source 'zeek_conn' 'conn_stat' is not declared — did you mean 'conn_state'?",
    ],
  ])('%s', async (_name, edits, expected) => {
    const r = await validate(edits);
    expect(r.out.trim().split('\n')).toContain(expected);
    expect(r.code).toBe(1);
  });

  it('reports every problem of a repo in one run, and github annotations', async () => {
    const r = await validate(
      {
        'models/web-attack.yaml': replaceOnce('dataset: web-http', 'dataset: web-htp'),
        'environments/globex-staging.yaml': replaceOnce('models: [ssh-bruteforce, web-attack]', 'models: [ssh-bruteforce, web-atack]'),
      },
      'github',
    );
    expect(r.out).toContain("::error file=models/web-attack.yaml,line=3,col=10,endLine=3,endColumn=17,title=QV3017::dataset 'web-htp' is not declared — did you mean 'web-http'?");
    expect(r.out).toContain('::error file=environments/globex-staging.yaml,line=3,col=26');
    expect(r.code).toBe(1);
  });

  it('prints json with valid:false', async () => {
    const r = await validate({ 'models/web-attack.yaml': replaceOnce('algorithm: gradient_boosting', 'algorithm: xgboost') }, 'json');
    const parsed = JSON.parse(r.out) as { valid: boolean; diagnostics: Array<{ file: string; line: number; column: number; code: string }> };
    expect(parsed.valid).toBe(false);
    expect(parsed.diagnostics).toEqual([expect.objectContaining({ file: 'models/web-attack.yaml', line: 6, column: 12, code: 'QV2006' })]);
  });
});
