"""The framework torture suite: every decision surface under Retry, Backdate, Reversal, Delegation, Snapshot."""
