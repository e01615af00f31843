"""Runs catalog-example queries on Spark (local mode) and writes their rows as JSON.

Usage: spark-submit ... spark_runner.py <queries.json> <results.json>

queries.json: [{"id": "...", "query": "SELECT v, t FROM ..."}]; every query returns two
string columns (the canonical value text and typeof). results.json maps each id to
{"rows": [[v, t], ...]} or {"error": "..."}; comparison happens in the TypeScript test,
so both engines are judged by the same code.
"""
import json
import sys

from pyspark.sql import SparkSession


def main() -> None:
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, encoding="utf-8") as f:
        queries = json.load(f)
    spark = (
        SparkSession.builder.appName("quiver-catalog-conformance")
        .config("spark.sql.ansi.enabled", "true")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    results = {}
    for q in queries:
        try:
            rows = spark.sql(q["query"]).collect()
            results[q["id"]] = {"rows": [[r[0], r[1]] for r in rows]}
        except Exception as e:  # noqa: BLE001 - every failure is a finding to report
            results[q["id"]] = {"error": str(e).split("\n")[0][:2000]}
    with open(dst, "w", encoding="utf-8") as f:
        json.dump(results, f)
    spark.stop()


if __name__ == "__main__":
    main()
