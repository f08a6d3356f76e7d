"""HTTP helpers every face shares: dependencies, error mapping, streaming, ranges, ARK paths."""
