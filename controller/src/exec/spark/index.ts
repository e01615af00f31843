/** Stage plans on Spark: the generic job (jobs/spark) run through spark-submit. */
export {
  defaultJobPath,
  runSparkFeatures,
  runSparkJob,
  runSparkJobs,
  runSparkParse,
  SPARK_JOB_EXIT,
  SparkJobError,
  type SparkFeatureStats,
  type SparkJobSpec,
  type SparkParseStats,
  type SparkSubmitOptions,
} from './run-spark-job.js';
export { localSparkArgs, localSparkEnv } from './local-mode.js';
