/**
 * spark-submit in local mode on this machine, offline: pip's pyspark (its bundled Spark and jars,
 * never --packages), a given JDK, loopback only. Used by the tests and bench/engine; a cluster
 * submission (spark-operator) sets none of this.
 */
import { join } from 'node:path';

/** The environment for the venv's spark-submit: JAVA_HOME, the Python for driver and workers, loopback. */
export function localSparkEnv(python: string, javaHome: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...base,
    JAVA_HOME: javaHome,
    PATH: `${join(javaHome, 'bin')}:${base['PATH'] ?? ''}`,
    SPARK_LOCAL_IP: '127.0.0.1',
    PYSPARK_PYTHON: python,
    PYSPARK_DRIVER_PYTHON: python,
  };
  // A SPARK_HOME from elsewhere would make the venv's spark-submit run another Spark.
  delete env['SPARK_HOME'];
  delete env['SPARK_CONF_DIR'];
  return env;
}

/** spark-submit flags for local[2]: no UI, loopback driver, UTC, few shuffle partitions, a private local dir. */
export function localSparkArgs(localDir: string, driverMemory: string): string[] {
  const conf: Record<string, string> = {
    'spark.ui.enabled': 'false',
    'spark.ui.showConsoleProgress': 'false',
    'spark.driver.host': '127.0.0.1',
    'spark.driver.bindAddress': '127.0.0.1',
    'spark.sql.shuffle.partitions': '4',
    'spark.sql.session.timeZone': 'UTC',
    'spark.local.dir': localDir,
    // Quiver writes its own completion marker last; Spark's _SUCCESS would come too early.
    'spark.hadoop.mapreduce.fileoutputcommitter.marksuccessfuljobs': 'false',
  };
  const args = ['--master', 'local[2]', '--driver-memory', driverMemory];
  for (const [k, v] of Object.entries(conf)) args.push('--conf', `${k}=${v}`);
  return args;
}
