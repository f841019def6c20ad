"""The models the benchmarks need: three identical models for the audit log (one per tool, one untracked)."""
