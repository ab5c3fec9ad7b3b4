"""Mergeable sufficient statistics of the ``model`` check.

Every statistic here is computed from one batch of rows (a Parquet row group, an Arrow
batch, a Spark partition) and has a ``merge`` that is associative and exact: counts are
integers, so merging the parts gives the statistic of the whole, whatever the split.
Metrics are pure functions of these statistics, never of the rows.
"""
