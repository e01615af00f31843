// Smoke test of real Spark: spark-submit (pip's pyspark 4.0.4, Java 17) runs a tiny PySpark job in
// local[2], offline, with the standard flags from test/helpers/tools.ts sparkEnv().
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, sparkEnv } from '../helpers/tools.js';

const JOB = `
import json, sys
from pyspark.sql import SparkSession, functions as F

src, out = sys.argv[1], sys.argv[2]
spark = SparkSession.builder.appName("quiver-smoke").getOrCreate()
spark.sparkContext.setLogLevel("WARN")
df = spark.read.option("header", True).csv(src)
agg = (df.withColumn("ts", F.to_timestamp("ts", "yyyy-MM-dd HH:mm:ss"))
         .groupBy("src_ip")
         .agg(F.sum(F.when(F.col("outcome") == "fail", 1).otherwise(0)).alias("failed_logins"),
              F.min("ts").alias("first_seen"))
         .orderBy("src_ip"))
agg.write.mode("overwrite").parquet(out)
rows = [{"src_ip": r.src_ip, "failed_logins": r.failed_logins, "first_seen": r.first_seen.isoformat()}
        for r in spark.read.parquet(out).orderBy("src_ip").collect()]
print("QUIVER_RESULT " + json.dumps({
    "version": spark.version,
    "master": spark.sparkContext.master,
    "tz": spark.conf.get("spark.sql.session.timeZone"),
    "rows": rows,
}))
spark.stop()
`;

describe('spark-submit', () => {
  it('runs a PySpark job in local[2] and writes Parquet without _SUCCESS', async () => {
    const spark = sparkEnv();
    const dir = mkdtempSync(join(tmpdir(), 'quiver-spark-'));
    writeFileSync(join(dir, 'job.py'), JOB);
    writeFileSync(
      join(dir, 'auth.csv'),
      ['ts,src_ip,user,outcome', '2026-11-28 10:00:00,10.0.0.5,root,fail', '2026-11-28 10:00:01,10.0.0.5,admin,fail',
        '2026-11-28 09:59:00,10.0.0.5,bob,ok', '2026-11-28 11:00:00,192.0.2.7,alice,ok', ''].join('\n'),
    );
    const out = join(dir, 'out');
    const res = await run(spark.sparkSubmit, [...spark.args, join(dir, 'job.py'), join(dir, 'auth.csv'), out], {
      env: spark.env,
      cwd: dir,
      timeoutMs: 170_000,
    });
    expect(res.code, `spark-submit failed:\n${res.stderr.slice(-4000)}`).toBe(0);
    const line = res.stdout.split('\n').find((l) => l.startsWith('QUIVER_RESULT '));
    expect(line, res.stdout).toBeDefined();
    const result = JSON.parse(line!.slice('QUIVER_RESULT '.length)) as {
      version: string;
      master: string;
      tz: string;
      rows: { src_ip: string; failed_logins: number; first_seen: string }[];
    };
    expect(result.version).toBe('4.0.4');
    expect(result.master).toBe('local[2]');
    expect(result.tz).toBe('UTC');
    expect(result.rows).toEqual([
      { src_ip: '10.0.0.5', failed_logins: 2, first_seen: '2026-11-28T09:59:00' },
      { src_ip: '192.0.2.7', failed_logins: 0, first_seen: '2026-11-28T11:00:00' },
    ]);
    const files = readdirSync(out);
    expect(files.some((f) => f.endsWith('.parquet'))).toBe(true);
    expect(existsSync(join(out, '_SUCCESS'))).toBe(false);
    // Offline: nothing was resolved through Ivy/Maven at run time.
    expect(res.stderr).not.toMatch(/ivy|resolving dependencies/i);
  });
});
